import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLineupApp, type LineupTestApp } from './lineup-fixture.js';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { seedLineupChannel } from '../support/seed.js';

interface Channel {
  id: number;
  number: number | null;
  enabled: boolean;
  matchStatus: string;
  streamsLostAt: string | null;
  mappings: { xtreamChannelId: number; isPrimary: boolean; isManual: boolean; name: string; tier: string }[];
}

const firstLineup = [
  liveStream(1, 'UK: BBC One HD'),
  liveStream(2, 'UK: BBC One SD'),
  liveStream(3, 'UK: BBC One Backup'),
  liveStream(4, 'UK: ITV HD'),
  liveStream(5, 'UK: Channel 4 HD'),
  liveStream(6, '##### UK ENTERTAINMENT #####'),
];

describe('automatic rematch after a provider scan', () => {
  let provider: FakeProvider;
  let t: LineupTestApp;
  let accountId: number;
  let ids: { bbc: number; itv: number; c4: number; dave: number };

  beforeEach(async () => {
    provider = await startFakeProvider({ accounts: [{ username: 'u', password: 'p', streams: firstLineup }] });
    t = await startLineupApp();
    const created = await t.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: { name: 'Fake', serverUrl: provider.url, username: 'u', password: 'p' },
    });
    accountId = created.json<{ id: number }>().id;
    // What a guide import leaves: channels disabled, numbered.
    ids = {
      bbc: seedLineupChannel(t.db, { channelId: 'BBCOne.uk', displayName: 'BBC One', number: 101, enabled: false }),
      itv: seedLineupChannel(t.db, { channelId: 'ITV1.uk', displayName: 'ITV', number: 103, enabled: false }),
      c4: seedLineupChannel(t.db, { channelId: 'Channel4.uk', displayName: 'Channel 4', number: 104, enabled: false }),
      dave: seedLineupChannel(t.db, { channelId: 'Dave.uk', displayName: 'Dave', number: 119, enabled: false }),
    };
  });
  afterEach(async () => {
    await t.close();
    await provider.close();
  });

  const scan = async () => {
    const res = await t.inject({ method: 'POST', url: `/api/accounts/${accountId}/scan` });
    expect(res.statusCode).toBe(200);
  };
  const channel = async (id: number) => (await t.inject({ method: 'GET', url: `/api/channels/${id}` })).json<Channel>();
  const lastMatchingEvent = () =>
    t.db
      .prepare("SELECT level, message, details FROM event_log WHERE category = 'matching' ORDER BY id DESC LIMIT 1")
      .get() as { level: string; message: string; details: string } | undefined;

  it('matches a first scan, then survives renamed and reordered streams, flags the lost channel, and keeps manual choices and numbers', async () => {
    await scan();
    const bbc = await channel(ids.bbc);
    expect(bbc).toMatchObject({ enabled: true, matchStatus: 'matched' });
    expect(bbc.mappings.map((m) => [m.name, m.tier, m.isPrimary])).toEqual([
      ['UK: BBC One', 'HD', true],
      ['UK: BBC One Backup', 'unknown', false],
    ]);
    expect(await channel(ids.itv)).toMatchObject({
      enabled: true,
      matchStatus: 'matched',
      mappings: [{ name: 'UK: ITV' }],
    });
    expect(await channel(ids.dave)).toMatchObject({ enabled: false, matchStatus: 'unmatched' });
    expect(lastMatchingEvent()).toMatchObject({
      level: 'info',
      message: '3 channels rematched, 0 lost their only stream',
    });

    // The user prefers the backup stream and gives Channel 4 its own number.
    const backup = bbc.mappings[1]!.xtreamChannelId;
    const main = bbc.mappings[0]!.xtreamChannelId;
    await t.inject({ method: 'POST', url: `/api/channels/${ids.bbc}/primary`, payload: { xtreamChannelId: backup } });
    await t.inject({ method: 'PATCH', url: `/api/channels/${ids.c4}`, payload: { number: 4 } });

    // The provider renames BBC One's streams, reorders everything, drops ITV and adds Dave.
    provider.setAccount({
      username: 'u',
      password: 'p',
      streams: [
        liveStream(7, 'UK: Dave HD'),
        liveStream(5, 'UK: Channel 4 HD'),
        liveStream(3, 'UK: BBC One Backup'),
        liveStream(2, 'UK| BBC ONE SD'),
        liveStream(1, 'UK| BBC ONE ᴴᴰ'),
      ],
    });
    await scan();

    const after = await channel(ids.bbc);
    expect(after.mappings.map((m) => [m.xtreamChannelId, m.isPrimary, m.isManual])).toEqual([
      [backup, true, true],
      [main, false, false],
    ]);
    expect(after.mappings[1]!.name).toBe('UK| BBC ONE');
    const itv = await channel(ids.itv);
    expect(itv).toMatchObject({ matchStatus: 'lost', enabled: false, mappings: [] });
    expect(Date.parse(itv.streamsLostAt!)).toBeGreaterThan(0);
    expect(await channel(ids.dave)).toMatchObject({
      matchStatus: 'matched',
      enabled: true,
      mappings: [{ name: 'UK: Dave', tier: 'HD' }],
    });

    const event = lastMatchingEvent()!;
    expect(event.level).toBe('warn');
    expect(event.message).toBe('2 channels rematched, 1 lost their only stream');
    expect(JSON.parse(event.details)).toMatchObject({ accountId, rematched: 2, lost: 1, lostChannelIds: [ids.itv] });

    // Numbers never follow the provider.
    const numbers = (await t.inject({ method: 'GET', url: '/api/channels' }))
      .json<{ items: Channel[] }>()
      .items.map((c) => [c.id, c.number]);
    expect(numbers).toEqual([
      [ids.bbc, 101],
      [ids.itv, 103],
      [ids.c4, 4],
      [ids.dave, 119],
    ]);
    expect(
      (await t.inject({ method: 'GET', url: '/api/channels?matched=false' })).json<{ items: Channel[] }>().items,
    ).toEqual([expect.objectContaining({ id: ids.itv, matchStatus: 'lost' })]);
    expect(
      (await t.inject({ method: 'GET', url: '/api/channels?status=lost' }))
        .json<{ items: Channel[] }>()
        .items.map((c) => c.id),
    ).toEqual([ids.itv]);
    expect(
      (await t.inject({ method: 'GET', url: '/api/channels?status=unmatched' })).json<{ total: number }>().total,
    ).toBe(0);

    // ITV comes back: matched again, the lost flag clears.
    provider.setAccount({ username: 'u', password: 'p', streams: [...firstLineup, liveStream(7, 'UK: Dave HD')] });
    await scan();
    expect(await channel(ids.itv)).toMatchObject({ matchStatus: 'matched', streamsLostAt: null, enabled: true });
  });

  it('logs no rematch when a rescan changes nothing', async () => {
    await scan();
    const before = (
      t.db.prepare("SELECT count(*) AS n FROM event_log WHERE category = 'matching'").get() as { n: number }
    ).n;
    await scan();
    expect(
      (t.db.prepare("SELECT count(*) AS n FROM event_log WHERE category = 'matching'").get() as { n: number }).n,
    ).toBe(before);
  });
});
