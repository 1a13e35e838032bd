import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLineupApp, type LineupTestApp } from '../lineup/lineup-fixture.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';

interface Channel {
  id: number;
  channelId: string;
  displayName: string;
  number: number | null;
  displayOrder: number;
  enabled: boolean;
  enabledByUser: boolean;
  isSynthetic: boolean;
  matchStatus: string;
  mappings: { xtreamChannelId: number; isPrimary: boolean }[];
}
interface ChannelPage {
  items: Channel[];
  total: number;
}

describe('lineup channels API', () => {
  let t: LineupTestApp;
  beforeEach(async () => {
    t = await startLineupApp();
  });
  afterEach(() => t.close());

  const get = async (url: string) => (await t.inject({ method: 'GET', url })).json<ChannelPage>();

  it('creates synthetic channels with a generated, unique channel id, disabled and numbered after the rest', async () => {
    seedLineupChannel(t.db, { channelId: 'BBCOne.uk', displayName: 'BBC One', number: 101 });
    const first = await t.inject({
      method: 'POST',
      url: '/api/channels',
      payload: { displayName: 'Garden Cam', icon: 'http://logo.invalid/cam.png' },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      channelId: 'synthetic.garden-cam',
      displayName: 'Garden Cam',
      displayNames: ['Garden Cam'],
      icon: 'http://logo.invalid/cam.png',
      number: 102,
      enabled: false,
      isSynthetic: true,
      matchStatus: 'unmatched',
      mappings: [],
    });
    const second = await t.inject({ method: 'POST', url: '/api/channels', payload: { displayName: 'Garden  Cam!' } });
    expect(second.json<Channel>().channelId).toBe('synthetic.garden-cam-2');
    expect(second.json<Channel>().number).toBe(103);

    const explicit = await t.inject({
      method: 'POST',
      url: '/api/channels',
      payload: { displayName: 'Mine', channelId: 'my.channel' },
    });
    expect(explicit.json<Channel>().channelId).toBe('my.channel');
    const taken = await t.inject({
      method: 'POST',
      url: '/api/channels',
      payload: { displayName: 'Other', channelId: 'BBCOne.uk' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toEqual({ error: 'channelId already exists' });
    expect((await get('/api/channels')).total).toBe(4);
  });

  it('rejects invalid bodies and answers unknown channels with 404', async () => {
    for (const payload of [
      {},
      { displayName: '' },
      { displayName: 5 },
      { displayName: 'x', extra: 1 },
      { displayName: '   ' },
    ]) {
      const res = await t.inject({ method: 'POST', url: '/api/channels', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toEqual({ error: expect.any(String) });
    }
    expect((await t.inject({ method: 'GET', url: '/api/channels/999' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'PATCH', url: '/api/channels/999', payload: { enabled: true } })).json()).toEqual({
      error: 'channel not found',
    });
    expect((await t.inject({ method: 'GET', url: '/api/channels/abc' })).statusCode).toBe(400);
    const id = seedLineupChannel(t.db, { channelId: 'a' });
    expect((await t.inject({ method: 'PATCH', url: `/api/channels/${id}`, payload: {} })).statusCode).toBe(400);
    expect((await t.inject({ method: 'PATCH', url: `/api/channels/${id}`, payload: { number: 0 } })).statusCode).toBe(
      400,
    );
    expect(
      (await t.inject({ method: 'PATCH', url: `/api/channels/${id}`, payload: { enabled: 'yes' } })).statusCode,
    ).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/channels?limit=10001' })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/channels?sort=name' })).statusCode).toBe(400);
  });

  it('lists in display order with text, enabled and matched filters and paging up to 10,000', async () => {
    const db = t.db;
    const account = seedAccountRow(db);
    const bbc = seedLineupChannel(db, {
      channelId: 'BBCOne.uk',
      displayName: 'BBC One',
      displayNames: ['BBC One', 'BBC 1 London'],
    });
    seedLineupChannel(db, { channelId: 'ITV1.uk', displayName: 'ITV1', enabled: false });
    seedLineupChannel(db, { channelId: '100%.tv', displayName: 'Hundred' });
    const hd = seedProviderChannel(db, {
      accountId: account,
      name: 'UK: BBC One',
      streams: [{ streamId: 1, tier: 'HD' }],
    });
    const sd = seedProviderChannel(db, {
      accountId: account,
      name: 'UK: BBC One SD',
      streams: [{ streamId: 2, tier: 'SD' }],
    });
    seedMapping(db, { lineupChannelId: bbc, providerChannelId: sd, primary: false, priority: 1, confidence: 0.9 });
    seedMapping(db, { lineupChannelId: bbc, providerChannelId: hd, primary: true, priority: 0 });

    const all = await get('/api/channels?limit=10000');
    expect(all.total).toBe(3);
    expect(all.items.map((c) => c.channelId)).toEqual(['BBCOne.uk', 'ITV1.uk', '100%.tv']);
    expect(all.items[0]).toMatchObject({
      matchStatus: 'matched',
      mappings: [
        { xtreamChannelId: hd, isPrimary: true },
        { xtreamChannelId: sd, isPrimary: false },
      ],
    });
    expect(all.items[0]!.mappings[0]).toEqual({
      xtreamChannelId: hd,
      accountId: account,
      isPrimary: true,
      priority: 0,
      confidence: 1,
      isManual: false,
      name: 'UK: BBC One',
      tier: 'HD',
    });

    expect((await get('/api/channels?q=london')).items.map((c) => c.id)).toEqual([bbc]); // any display-name
    expect((await get('/api/channels?q=itv1.UK')).items.map((c) => c.channelId)).toEqual(['ITV1.uk']);
    expect((await get('/api/channels?q=%25')).items.map((c) => c.channelId)).toEqual(['100%.tv']); // % taken literally
    expect((await get('/api/channels?enabled=false')).items.map((c) => c.channelId)).toEqual(['ITV1.uk']);
    expect((await get('/api/channels?matched=true')).items.map((c) => c.id)).toEqual([bbc]);
    expect((await get('/api/channels?matched=false&enabled=true')).items.map((c) => c.channelId)).toEqual(['100%.tv']);
    const page = await get('/api/channels?limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, items: [{ channelId: 'ITV1.uk' }] });
  });

  it('honours a page of 10,000 channels', async () => {
    // One statement each: seeding row by row would take longer than the request under test.
    t.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
      INSERT INTO xmltv_channels (id, channel_id, display_name, created_at, updated_at) SELECT i, 'c' || i, 'Channel ' || i, 0, 0 FROM n;
      INSERT INTO xmltv_channel_settings (xmltv_channel_id, display_order, channel_number, updated_at) SELECT id, id, id, 0 FROM xmltv_channels;`);
    const page = await get('/api/channels?limit=10000');
    expect(page.total).toBe(10_001);
    expect(page.items).toHaveLength(10_000);
    expect(page.items[9_999]!.channelId).toBe('c10000');
    expect((await get('/api/channels?limit=10000&offset=10000')).items.map((c) => c.channelId)).toEqual(['c10001']);
  });

  it("keeps numbers unique (409) and records the user's enabled choice; null hands it back to automatic", async () => {
    const db = t.db;
    const a = seedLineupChannel(db, { channelId: 'a', number: 1, enabled: false });
    const b = seedLineupChannel(db, { channelId: 'b', number: 2, enabled: false });
    const clash = await t.inject({ method: 'PATCH', url: `/api/channels/${b}`, payload: { number: 1 } });
    expect(clash.statusCode).toBe(409);
    expect((await t.inject({ method: 'GET', url: `/api/channels/${b}` })).json<Channel>().number).toBe(2);
    const same = await t.inject({ method: 'PATCH', url: `/api/channels/${a}`, payload: { number: 1 } });
    expect(same.statusCode).toBe(200);
    const moved = await t.inject({
      method: 'PATCH',
      url: `/api/channels/${b}`,
      payload: { number: 250, enabled: true },
    });
    expect(moved.json()).toMatchObject({ number: 250, enabled: true, enabledByUser: true });
    // Automatic again: no stream, so disabled.
    const auto = await t.inject({ method: 'PATCH', url: `/api/channels/${b}`, payload: { enabled: null } });
    expect(auto.json()).toMatchObject({ number: 250, enabled: false, enabledByUser: false });
  });

  it('bulk-enables by ids, all or nothing', async () => {
    const db = t.db;
    const ids = ['a', 'b', 'c'].map((channelId) => seedLineupChannel(db, { channelId, enabled: false }));
    const missing = await t.inject({
      method: 'POST',
      url: '/api/channels/bulk',
      payload: { ids: [ids[0], 999], enabled: true },
    });
    expect(missing.statusCode).toBe(404);
    expect((await get('/api/channels?enabled=true')).total).toBe(0);
    const ok = await t.inject({
      method: 'POST',
      url: '/api/channels/bulk',
      payload: { ids: [ids[0], ids[2]], enabled: true },
    });
    expect(ok.json()).toEqual({ updated: 2 });
    expect((await get('/api/channels?enabled=true')).items.map((c) => c.channelId)).toEqual(['a', 'c']);
    expect(
      (await t.inject({ method: 'POST', url: '/api/channels/bulk', payload: { ids: [], enabled: true } })).statusCode,
    ).toBe(400);
  });

  it('reorders by id list or by one move, leaving every number as it was', async () => {
    const db = t.db;
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((channelId, i) =>
      seedLineupChannel(db, { channelId, number: 10 + i }),
    ) as [number, number, number, number];
    const order = async () => (await get('/api/channels')).items.map((ch) => `${ch.channelId}${ch.number}`);

    const listed = await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { ids: [d, b] } });
    expect(listed.statusCode).toBe(200);
    // d and b swap the slots they held; a and c stay put.
    expect(await order()).toEqual(['a10', 'd13', 'c12', 'b11']);

    await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { id: a, toIndex: 3 } });
    expect(await order()).toEqual(['d13', 'c12', 'b11', 'a10']);
    await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { id: c, toIndex: 99 } });
    expect(await order()).toEqual(['d13', 'b11', 'a10', 'c12']);

    expect(
      (await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { ids: [a, a] } })).statusCode,
    ).toBe(400);
    expect(
      (await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { ids: [a, 999] } })).statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { id: a } })).statusCode).toBe(400);
    expect(await order()).toEqual(['d13', 'b11', 'a10', 'c12']);
  });
});
