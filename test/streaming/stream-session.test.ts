import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, systemClock } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { SessionRegistry, SlotPool, StreamSession } from '../../src/streaming/index.js';
import { relay } from '../../src/streaming/relay.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('stream session teardown', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let events: EventLog;
  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(join(temp.path, 'test.db'));
    events = new EventLog(db, systemClock, createLogger('silent'));
  });
  afterEach(() => {
    db.close();
    temp.remove();
  });

  async function newSession(pool: SlotPool, registry: SessionRegistry): Promise<StreamSession> {
    const slot = (await pool.acquire(1, { limit: 1, waitMs: 0 }))!;
    return new StreamSession(
      {
        id: 's1',
        channelId: 'bbc1.uk',
        accountId: 1,
        streamId: 101,
        tier: 'HD',
        clientAddress: '127.0.0.1',
        state: 'connecting',
        startedAt: Date.now(),
        bytesSent: 0,
      },
      slot,
      { registry, events, log: createLogger('silent'), clock: systemClock },
    );
  }

  it('releases the slot, removes the session and aborts the upstream exactly once, whatever ends it', async () => {
    const pool = new SlotPool();
    const registry = new SessionRegistry();
    const session = await newSession(pool, registry);
    const upstream = new PassThrough();
    session.markStreaming({ body: upstream, contentType: 'video/mp2t' });
    const client = new PassThrough();
    const relaying = session.relayTo(client);
    upstream.write(Buffer.alloc(188, 0x47));
    await new Promise((r) => setImmediate(r));
    expect(registry.size).toBe(1);
    expect(pool.inUse(1)).toBe(1);

    // A second slot holder proves a double release would free a slot that is not ours.
    const waiter = pool.acquire(1, { limit: 1, waitMs: 5000 });
    session.end('client-closed');
    session.end('upstream-error');
    session.end('shutdown');
    expect(await relaying).toBe('client-closed');
    expect(await waiter).toBeDefined();
    expect(pool.inUse(1)).toBe(1); // the waiter's slot, still held
    expect(registry.size).toBe(0);
    expect(session.signal.aborted).toBe(true);
    expect(upstream.destroyed).toBe(true);
    expect(client.destroyed).toBe(true);
    const ended = events.list({ category: 'stream' }).items.filter((e) => e.message === 'Stream ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.details).toMatchObject({ sessionId: 's1', reason: 'client-closed', bytesSent: 188 });
  });

  it('ends with upstream-ended when the provider finishes the stream, and the client gets every byte', async () => {
    const pool = new SlotPool();
    const registry = new SessionRegistry();
    const session = await newSession(pool, registry);
    session.markStreaming({
      body: Readable.from([Buffer.alloc(188, 1), Buffer.alloc(188, 2)]),
      contentType: undefined,
    });
    const chunks: Buffer[] = [];
    const client = new PassThrough();
    client.on('data', (c: Buffer) => chunks.push(c));
    expect(await session.relayTo(client)).toBe('upstream-ended');
    expect(Buffer.concat(chunks).length).toBe(376);
    expect(session.info.bytesSent).toBe(376);
    expect(pool.inUse(1)).toBe(0);
    expect(registry.size).toBe(0);
  });
});

describe('relay outcome', () => {
  it('names the side that failed first', async () => {
    const upstreamA = new PassThrough();
    const clientA = new PassThrough();
    const a = relay(upstreamA, clientA, () => undefined);
    upstreamA.destroy(new Error('reset by provider'));
    expect(await a).toBe('upstream-error');

    const upstreamB = new PassThrough();
    const clientB = new PassThrough();
    const b = relay(upstreamB, clientB, () => undefined);
    upstreamB.write('x');
    clientB.destroy();
    expect(await b).toBe('client-error');
    expect(upstreamB.destroyed).toBe(true);
  });
});
