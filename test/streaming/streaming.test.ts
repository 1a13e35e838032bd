import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfig, createLogger, systemClock } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { Streaming } from '../../src/streaming/index.js';
import { createLineup } from '../support/lineup.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The streaming domain on its own (no HTTP server in front), for what the app does not expose:
 * the upstream idle timeout. Credentials come through the domain's `StreamCredentialSource`
 * boundary; the provider and the database are real.
 */
describe('Streaming domain', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let provider: FakeProvider;
  let streaming: Streaming;
  let events: EventLog;
  let dispatcher: Dispatcher;
  beforeEach(async () => {
    temp = makeTempDir();
    db = openDatabase(join(temp.path, 'test.db'));
    provider = await startFakeProvider({ accounts: [{ username: 'u', password: 'p' }] });
    events = new EventLog(db, systemClock, createLogger('silent'));
    const accountId = seedAccountRow(db, { maxConnections: 1 });
    const lineup = seedLineupChannel(db, { channelId: 'quiet.uk' });
    const channel = seedProviderChannel(db, { accountId, name: 'Quiet', streams: [{ streamId: 77, tier: 'HD' }] });
    seedMapping(db, { lineupChannelId: lineup, providerChannelId: channel });
    dispatcher = createUpstreamAgent({ connectTimeoutMs: 5000 });
    streaming = new Streaming({
      lineup: createLineup(db),
      events,
      log: createLogger('silent'),
      clock: systemClock,
      config: createConfig({ tunerWaitMs: 0, stallTimeoutMs: 300, hubGraceMs: 0 }),
      accounts: {
        streamCredentials: () => ({ serverUrl: provider.url, username: 'u', password: 'p' }),
        connectionLimit: () => 1,
      },
      dispatcher,
    });
  });
  afterEach(async () => {
    await streaming.closeAll();
    await dispatcher.close();
    await provider.close();
    db.close();
    temp.remove();
  });

  // With one candidate there is nothing to fail over to: the stream ends. (A stall right after the
  // headers is now refused at connect: the first packets are checked before the client's 200.)
  it('ends a session whose upstream goes silent mid-stream, and frees the slot', async () => {
    provider.setStream(77, { fault: { kind: 'stall-after', afterBytes: 188 * 70 } });
    const session = await streaming.start({
      channelId: 'quiet.uk',
      clientAddress: '10.0.0.2',
      signal: new AbortController().signal,
    });
    expect(streaming.sessions.size).toBe(1);
    const client = new PassThrough();
    client.resume();
    expect(await session.relayTo(client)).toBe('upstream-error');
    expect(streaming.sessions.size).toBe(0);
    expect(streaming.slots.inUse(session.info.accountId)).toBe(0);
    expect(client.destroyed).toBe(true);
    const ended = events.list({ category: 'stream' }).items.find((e) => e.message === 'Stream ended');
    expect(ended?.details).toMatchObject({ streamId: 77, reason: 'upstream-error', clientAddress: '10.0.0.2' });
  });

  it('ends every session on closeAll (shutdown)', async () => {
    const session = await streaming.start({
      channelId: 'quiet.uk',
      clientAddress: '10.0.0.2',
      signal: new AbortController().signal,
    });
    const client = new PassThrough();
    client.resume();
    const relaying = session.relayTo(client);
    await provider.waitForOpenStreams((n) => n === 1);
    await streaming.closeAll();
    expect(await relaying).toBe('shutdown');
    expect(streaming.sessions.size).toBe(0);
    await provider.waitForOpenStreams((n) => n === 0, 1000);
  });
});
