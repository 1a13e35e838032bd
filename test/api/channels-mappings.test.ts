import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLineupApp, type LineupTestApp } from '../lineup/lineup-fixture.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';

interface Mapping {
  xtreamChannelId: number;
  isPrimary: boolean;
  priority: number;
  confidence: number;
  isManual: boolean;
  tier: string;
}
interface Channel {
  id: number;
  enabled: boolean;
  matchStatus: string;
  mappings: Mapping[];
}

describe('matching run and mapping overrides', () => {
  let t: LineupTestApp;
  let accountA: number;
  let accountB: number;
  let bbcOne: number;
  let mainEvent: number;
  let itv: number;
  let p: { bbcSdA: number; bbcFhdB: number; mainEventSd: number; mainEvent4k: number; itv: number; bbcTwo: number };

  beforeEach(async () => {
    t = await startLineupApp();
    const db = t.db;
    accountA = seedAccountRow(db, { name: 'A' });
    accountB = seedAccountRow(db, { name: 'B' });
    // Lineup channels from a guide start disabled: unmatched channels are off by default.
    bbcOne = seedLineupChannel(db, { channelId: 'BBCOne.uk', displayName: 'BBC One', enabled: false, number: 101 });
    mainEvent = seedLineupChannel(db, {
      channelId: 'SkySportsMainEvent.uk',
      displayName: 'Sky Sports Main Event',
      enabled: false,
      number: 401,
    });
    itv = seedLineupChannel(db, {
      channelId: 'ITV1.uk',
      displayName: 'ITV1',
      displayNames: ['ITV1', 'ITV'],
      enabled: false,
      number: 103,
    });
    seedLineupChannel(db, { channelId: 'Nothing.uk', displayName: 'No Stream Anywhere', enabled: false, number: 999 });
    const add = (accountId: number, name: string, tiers: ('4K' | 'FHD' | 'HD' | 'SD')[], base: number) =>
      seedProviderChannel(db, { accountId, name, streams: tiers.map((tier, i) => ({ streamId: base + i, tier })) });
    p = {
      bbcSdA: add(accountA, 'UK: BBC One', ['SD'], 100),
      bbcFhdB: add(accountB, 'UK: BBC One', ['FHD', 'HD'], 200),
      mainEventSd: add(accountA, 'UK: Sky Sport Main Event', ['SD'], 300),
      mainEvent4k: add(accountA, 'UK: Sky Sports Main Evnt', ['4K'], 400),
      itv: add(accountA, 'UK: ITV', ['HD'], 500),
      bbcTwo: add(accountA, 'UK: BBC Two', ['HD'], 600),
    };
  });
  afterEach(() => t.close());

  const channel = async (id: number) => (await t.inject({ method: 'GET', url: `/api/channels/${id}` })).json<Channel>();
  const run = async () => {
    const res = await t.inject({ method: 'POST', url: '/api/matching/run' });
    expect(res.statusCode).toBe(200);
    return res.json<{ matched: number; unmatched: number; changed: number }>();
  };

  it('maps every stream above the threshold, primary by confidence then tier, and enables what matched', async () => {
    expect(await run()).toEqual({ matched: 3, unmatched: 1, changed: 3 });
    const bbc = await channel(bbcOne);
    // Same confidence: the better tier (FHD on account B) wins over SD.
    expect(bbc.mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.priority, m.tier])).toEqual([
      [p.bbcFhdB, true, 0, 'FHD'],
      [p.bbcSdA, false, 1, 'SD'],
    ]);
    expect(bbc).toMatchObject({ enabled: true, matchStatus: 'matched' });
    // Higher confidence beats a better tier.
    const sports = await channel(mainEvent);
    expect(sports.mappings[0]).toMatchObject({ xtreamChannelId: p.mainEventSd, isPrimary: true });
    expect(sports.mappings[1]).toMatchObject({ xtreamChannelId: p.mainEvent4k, isPrimary: false, tier: '4K' });
    expect(sports.mappings[0]!.confidence).toBeGreaterThan(sports.mappings[1]!.confidence);
    // A sibling ("BBC Two") is not a mapping of BBC One, and the rest stays off and unmatched.
    expect(bbc.mappings.map((m) => m.xtreamChannelId)).not.toContain(p.bbcTwo);
    const unmatched = (await t.inject({ method: 'GET', url: '/api/channels?matched=false' })).json<{
      items: (Channel & { channelId: string })[];
    }>();
    expect(unmatched.items).toEqual([
      expect.objectContaining({ channelId: 'Nothing.uk', enabled: false, matchStatus: 'unmatched' }),
    ]);
    const primaries = t.db
      .prepare(
        'SELECT xmltv_channel_id, count(*) AS n FROM channel_mappings WHERE is_primary = 1 GROUP BY xmltv_channel_id',
      )
      .all() as { n: number }[];
    expect(primaries.every((r) => r.n === 1)).toBe(true);

    // A second run changes nothing and records a summary event.
    expect(await run()).toEqual({ matched: 3, unmatched: 1, changed: 0 });
    const event = t.db
      .prepare("SELECT message FROM event_log WHERE category = 'matching' ORDER BY id DESC LIMIT 1")
      .get() as { message: string };
    expect(event.message).toBe('Matching: 3 channels matched, 1 unmatched, 0 changed');
  });

  it('keeps a manual primary, a removed mapping and an added one across automatic runs', async () => {
    await run();
    const primary = await t.inject({
      method: 'POST',
      url: `/api/channels/${bbcOne}/primary`,
      payload: { xtreamChannelId: p.bbcSdA },
    });
    expect(primary.statusCode).toBe(200);
    expect(primary.json<Channel>().mappings[0]).toMatchObject({
      xtreamChannelId: p.bbcSdA,
      isPrimary: true,
      isManual: true,
    });

    const removed = await t.inject({ method: 'DELETE', url: `/api/channels/${mainEvent}/mappings/${p.mainEvent4k}` });
    expect(removed.json<Channel>().mappings.map((m) => m.xtreamChannelId)).toEqual([p.mainEventSd]);
    const added = await t.inject({
      method: 'POST',
      url: `/api/channels/${itv}/mappings`,
      payload: { xtreamChannelId: p.bbcTwo },
    });
    expect(added.json<Channel>().mappings).toEqual([
      expect.objectContaining({ xtreamChannelId: p.itv, isPrimary: true, isManual: false }),
      expect.objectContaining({ xtreamChannelId: p.bbcTwo, isPrimary: false, isManual: true }),
    ]);

    // A better stream appears for BBC One: it joins, but the user's primary stays.
    const better = seedProviderChannel(t.db, {
      accountId: accountB,
      name: 'BBC One',
      streams: [{ streamId: 900, tier: '4K' }],
    });
    await run();
    expect((await channel(bbcOne)).mappings.map((m) => [m.xtreamChannelId, m.isPrimary])).toEqual([
      [p.bbcSdA, true],
      [better, false],
      [p.bbcFhdB, false],
    ]);
    expect((await channel(mainEvent)).mappings.map((m) => m.xtreamChannelId)).toEqual([p.mainEventSd]);
    expect((await channel(itv)).mappings.map((m) => m.xtreamChannelId)).toEqual([p.itv, p.bbcTwo]);

    // Adding the removed one back by hand lifts the exclusion.
    await t.inject({
      method: 'POST',
      url: `/api/channels/${mainEvent}/mappings`,
      payload: { xtreamChannelId: p.mainEvent4k, isPrimary: true },
    });
    await run();
    expect((await channel(mainEvent)).mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.isManual])).toEqual([
      [p.mainEvent4k, true, true],
      [p.mainEventSd, false, false],
    ]);
  });

  it('replaces mappings with a manual list (PUT) that automatic runs leave alone', async () => {
    await run();
    const put = await t.inject({
      method: 'PUT',
      url: `/api/channels/${bbcOne}/mappings`,
      payload: [
        { xtreamChannelId: p.bbcTwo, priority: 5 },
        { xtreamChannelId: p.bbcSdA, isPrimary: true, priority: 9 },
      ],
    });
    expect(put.statusCode).toBe(200);
    const expected = [
      [p.bbcSdA, true, true, 0],
      [p.bbcTwo, false, true, 1],
    ];
    expect(put.json<Channel>().mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.isManual, m.priority])).toEqual(
      expected,
    );
    await run();
    // bbcFhdB was left out of the list: it stays out.
    expect(
      (await channel(bbcOne)).mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.isManual, m.priority]),
    ).toEqual(expected);

    const cleared = await t.inject({ method: 'PUT', url: `/api/channels/${bbcOne}/mappings`, payload: [] });
    expect(cleared.json()).toMatchObject({ mappings: [], matchStatus: 'unmatched', enabled: false });
    await run();
    expect((await channel(bbcOne)).mappings).toEqual([]);
  });

  it('never changes an enabled state the user set', async () => {
    await run();
    await t.inject({ method: 'PATCH', url: `/api/channels/${bbcOne}`, payload: { enabled: false } });
    await t.inject({ method: 'PATCH', url: `/api/channels/${mainEvent}`, payload: { enabled: true } });
    await t.inject({ method: 'PUT', url: `/api/channels/${mainEvent}/mappings`, payload: [] });
    await run();
    expect(await channel(bbcOne)).toMatchObject({ enabled: false, matchStatus: 'matched' });
    expect(await channel(mainEvent)).toMatchObject({ enabled: true, matchStatus: 'unmatched' });
    expect(await channel(itv)).toMatchObject({ enabled: true, matchStatus: 'matched' });
  });

  it('rejects bad mapping requests with 400 and unknown ids with 404, changing nothing', async () => {
    seedMapping(t.db, { lineupChannelId: bbcOne, providerChannelId: p.bbcSdA, manual: true });
    const cases: [string, string, unknown, number][] = [
      ['PUT', `/api/channels/${bbcOne}/mappings`, [{ xtreamChannelId: p.itv }, { xtreamChannelId: p.itv }], 400],
      [
        'PUT',
        `/api/channels/${bbcOne}/mappings`,
        [
          { xtreamChannelId: p.itv, isPrimary: true },
          { xtreamChannelId: p.bbcTwo, isPrimary: true },
        ],
        400,
      ],
      ['PUT', `/api/channels/${bbcOne}/mappings`, [{ xtreamChannelId: 9999 }], 404],
      ['PUT', `/api/channels/${bbcOne}/mappings`, { xtreamChannelId: p.itv }, 400],
      ['PUT', `/api/channels/${bbcOne}/mappings`, [{ xtreamChannelId: p.itv, extra: 1 }], 400],
      ['PUT', '/api/channels/9999/mappings', [], 404],
      ['POST', `/api/channels/${bbcOne}/mappings`, { xtreamChannelId: '5' }, 400],
      ['POST', `/api/channels/${bbcOne}/mappings`, { xtreamChannelId: 9999 }, 404],
      ['POST', '/api/channels/9999/mappings', { xtreamChannelId: p.itv }, 404],
      ['DELETE', `/api/channels/${bbcOne}/mappings/${p.itv}`, undefined, 404],
      ['POST', `/api/channels/${bbcOne}/primary`, { xtreamChannelId: p.itv }, 404],
      ['POST', `/api/channels/${bbcOne}/primary`, {}, 400],
    ];
    for (const [method, url, payload, status] of cases) {
      const res = await t.inject({
        method: method as 'PUT',
        url,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload)}`).toBe(status);
      expect(res.json()).toEqual({ error: expect.any(String) });
    }
    expect((await channel(bbcOne)).mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.isManual])).toEqual([
      [p.bbcSdA, true, true],
    ]);
  });

  it('leaves inactive accounts out of automatic matching', async () => {
    t.db.prepare('UPDATE accounts SET is_active = 0 WHERE id = ?').run(accountB);
    await run();
    expect((await channel(bbcOne)).mappings.map((m) => m.xtreamChannelId)).toEqual([p.bbcSdA]);
  });
});
