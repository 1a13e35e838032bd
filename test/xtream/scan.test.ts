import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfig, createLogger, isAppError, systemClock } from '../../src/core/index.js';
import { CredentialStore } from '../../src/credentials/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { Accounts, type ScanResult } from '../../src/xtream/index.js';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { seedLineupChannel, seedMapping } from '../support/seed.js';
import { makeTempDir } from '../support/temp-dir.js';
import { createLineup } from '../support/lineup.js';

const categories = [
  { category_id: '1', category_name: 'UK' },
  { category_id: '2', category_name: 'UK Sports' },
];
const baseStreams = [
  liveStream(101, 'UK: BBC One SD'),
  liveStream(102, 'UK: BBC One HD'),
  liveStream(103, 'UK: BBC One 4K'),
  { ...liveStream(102, 'UK: BBC One HD'), category_id: '2' }, // listed again in another category
  liveStream(201, 'UK: BBC Two'),
  liveStream(301, '##### UK SPORTS #####', { category_id: '2' }),
  liveStream(302, 'UK: Sky Sports Main Event FHD', { category_id: '2', epg_channel_id: 'skysportsmainevent.uk' }),
  liveStream(303, 'UK: SKY SPORTS MAIN EVENT (720p)', { category_id: '2' }),
];

describe('Accounts.scan', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: Db;
  let provider: FakeProvider;
  let accounts: Accounts;
  let dispatcher: Dispatcher;
  let scanned: ScanResult[];
  let accountId: number;

  const setStreams = (streams: unknown[]) =>
    provider.setAccount({ username: 'alice', password: 'pw', categories, streams });
  const streamRows = () =>
    db
      .prepare(
        'SELECT id, stream_id, xtream_channel_id, tier FROM xtream_streams WHERE account_id = ? ORDER BY stream_id',
      )
      .all(accountId) as {
      id: number;
      stream_id: number;
      xtream_channel_id: number;
      tier: string;
    }[];
  const channelRows = () =>
    db
      .prepare(
        'SELECT id, name, group_key, qualities, category_name, epg_channel_id FROM xtream_channels WHERE account_id = ? ORDER BY id',
      )
      .all(accountId) as {
      id: number;
      name: string;
      group_key: string;
      qualities: string;
      category_name: string | null;
      epg_channel_id: string | null;
    }[];

  beforeEach(async () => {
    dir = makeTempDir();
    db = openDatabase(join(dir.path, 'test.db'));
    provider = await startFakeProvider();
    setStreams(baseStreams);
    const log = createLogger('silent');
    scanned = [];
    dispatcher = createUpstreamAgent({ connectTimeoutMs: 5000 });
    accounts = new Accounts({
      db,
      credentials: new CredentialStore({ dataDir: dir.path, keyring: null, log }),
      events: new EventLog(db, systemClock, log),
      log,
      clock: systemClock,
      config: createConfig({ dataDir: dir.path, providerRequestTimeoutMs: 5000 }),
      mappedLineupChannels: (ids) => createLineup(db).channelsMappedTo(ids),
      onScanned: (result) => scanned.push(result),
      dispatcher,
    });
    accountId = accounts.create({ name: 'Alice TV', serverUrl: provider.url, username: 'alice', password: 'pw' }).id;
  });
  afterEach(async () => {
    await dispatcher.close();
    await provider.close();
    db.close();
    dir.remove();
  });

  it('groups tier variants into one channel per name, de-duplicates and skips separators', async () => {
    const result = await accounts.scan(accountId);
    expect(result).toMatchObject({ accountId, streams: 6, channels: 3, renamedChannelIds: [], removedChannels: [] });
    expect(result.addedChannelIds).toHaveLength(3);
    const channels = accounts.listChannels(accountId, { limit: 100, offset: 0 });
    expect(channels.total).toBe(3);
    expect(channels.items.map((c) => [c.name, c.qualities, c.variants.map((v) => `${v.tier}:${v.streamId}`)])).toEqual([
      ['UK: BBC One', ['4K', 'HD', 'SD'], ['4K:103', 'HD:102', 'SD:101']],
      ['UK: BBC Two', [], ['unknown:201']],
      ['UK: Sky Sports Main Event', ['FHD', 'HD'], ['FHD:302', 'HD:303']],
    ]);
    const sky = channels.items[2]!;
    expect(sky).toMatchObject({
      categoryName: 'UK Sports',
      epgChannelId: 'skysportsmainevent.uk',
      icon: 'http://logos.invalid/302.png',
    });
    expect(streamRows().map((r) => r.stream_id)).toEqual([101, 102, 103, 201, 302, 303]);
    // One event per scan, and the lineup heard about it after the commit.
    const events = db.prepare("SELECT message, details FROM event_log WHERE category = 'scan'").all() as {
      message: string;
      details: string;
    }[];
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toContain('3 channels from 6 streams');
    expect(JSON.parse(events[0]!.details)).toMatchObject({ accountId, streams: 6, channels: 3, added: 3 });
    expect(scanned).toEqual([result]);
  });

  it('keeps channel and stream ids stable across rescans', async () => {
    await accounts.scan(accountId);
    const channelsBefore = channelRows();
    const streamsBefore = streamRows();
    const again = await accounts.scan(accountId);
    expect(again).toMatchObject({ addedChannelIds: [], renamedChannelIds: [], removedChannels: [] });
    expect(channelRows()).toEqual(channelsBefore);
    expect(streamRows()).toEqual(streamsBefore);
    // A new tier variant joins its existing channel; its siblings keep their row ids.
    setStreams([...baseStreams, liveStream(104, 'UK: BBC One FHD')]);
    const third = await accounts.scan(accountId);
    expect(third.addedChannelIds).toEqual([]);
    const bbcOne = channelRows().find((c) => c.name === 'UK: BBC One')!;
    expect(bbcOne.id).toBe(channelsBefore.find((c) => c.name === 'UK: BBC One')!.id);
    expect(JSON.parse(bbcOne.qualities)).toEqual(['4K', 'FHD', 'HD', 'SD']);
    const after = streamRows();
    for (const before of streamsBefore) expect(after.find((r) => r.stream_id === before.stream_id)).toEqual(before);
    expect(after.find((r) => r.stream_id === 104)).toMatchObject({ xtream_channel_id: bbcOne.id, tier: 'FHD' });
  });

  it('keeps a channel id, and its mappings, when the provider renames its streams', async () => {
    await accounts.scan(accountId);
    const bbcOne = channelRows().find((c) => c.name === 'UK: BBC One')!;
    const lineup = seedLineupChannel(db, { channelId: 'bbc1.uk', displayName: 'BBC One' });
    seedMapping(db, { lineupChannelId: lineup, providerChannelId: bbcOne.id });
    setStreams(baseStreams.map((s) => ({ ...s, name: String(s.name).replace('UK: BBC One', 'UK | BBC 1') })));
    const result = await accounts.scan(accountId);
    expect(result.renamedChannelIds).toEqual([bbcOne.id]);
    expect(result.addedChannelIds).toEqual([]);
    expect(result.removedChannels).toEqual([]);
    expect(channelRows().find((c) => c.id === bbcOne.id)).toMatchObject({
      name: 'UK | BBC 1',
      group_key: 'uk | bbc 1',
    });
    expect(db.prepare('SELECT count(*) AS n FROM channel_mappings WHERE xtream_channel_id = ?').get(bbcOne.id)).toEqual(
      { n: 1 },
    );
  });

  it('reports removed channels with the lineup channels they fed, computed before the cascade', async () => {
    await accounts.scan(accountId);
    const bbcTwo = channelRows().find((c) => c.name === 'UK: BBC Two')!;
    const lineupA = seedLineupChannel(db, { channelId: 'bbc2.uk' });
    const lineupB = seedLineupChannel(db, { channelId: 'bbc2hd.uk' });
    seedMapping(db, { lineupChannelId: lineupA, providerChannelId: bbcTwo.id });
    seedMapping(db, { lineupChannelId: lineupB, providerChannelId: bbcTwo.id, primary: false });
    setStreams(baseStreams.filter((s) => s.stream_id !== 201));
    const result = await accounts.scan(accountId);
    expect(result.removedChannels).toEqual([
      { id: bbcTwo.id, name: 'UK: BBC Two', lineupChannelIds: [lineupA, lineupB] },
    ]);
    expect(channelRows().map((c) => c.name)).not.toContain('UK: BBC Two');
    expect(streamRows().map((r) => r.stream_id)).not.toContain(201);
    expect(db.prepare('SELECT count(*) AS n FROM channel_mappings').get()).toEqual({ n: 0 });
    expect(scanned.at(-1)).toEqual(result);
  });

  it('keeps what it has when the provider fails or suddenly lists nothing', async () => {
    await accounts.scan(accountId);
    const before = streamRows();
    provider.overrideApi('get_live_streams', { status: 500, body: 'oops', contentType: 'text/plain' });
    await expect(accounts.scan(accountId)).rejects.toMatchObject({ code: 'PROVIDER_HTTP_ERROR' });
    provider.overrideApi('get_live_streams', { body: [] });
    await expect(accounts.scan(accountId)).rejects.toMatchObject({ code: 'PROVIDER_BAD_RESPONSE' });
    expect(streamRows()).toEqual(before);
    expect(scanned).toHaveLength(1);
    const failures = db
      .prepare("SELECT level, details FROM event_log WHERE category = 'scan' AND level = 'warn'")
      .all() as { details: string }[];
    expect(failures.map((f) => (JSON.parse(f.details) as { code: unknown }).code)).toEqual([
      'PROVIDER_HTTP_ERROR',
      'PROVIDER_BAD_RESPONSE',
    ]);
  });

  it('refuses a second scan of the same account while one runs', async () => {
    provider.overrideApi('get_live_streams', { body: baseStreams, delayMs: 300 });
    const first = accounts.scan(accountId);
    const second = await accounts.scan(accountId).catch((e: unknown) => e);
    expect(isAppError(second, 'REFRESH_IN_PROGRESS')).toBe(true);
    expect((await first).channels).toBe(3);
  });

  it('answers ACCOUNT_NOT_FOUND for an unknown account', async () => {
    await expect(accounts.scan(9999)).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
    expect(() => accounts.listChannels(9999, { limit: 1, offset: 0 })).toThrow('account not found');
  });
});
