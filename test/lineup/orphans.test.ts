import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLineup } from '../support/lineup.js';
import { startLineupApp, type LineupTestApp } from './lineup-fixture.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';

interface ProviderChannel {
  id: number;
  accountId: number;
  accountName: string;
  name: string;
  tiers: string[];
  mappedTo: { id: number; isPrimary: boolean }[];
}
interface Page<T> {
  items: T[];
  total: number;
}

describe('provider channel search, orphans and promotion', () => {
  let t: LineupTestApp;
  let account: number;
  let mapped: number;
  let bbc: number;
  let orphan: number;
  let separator: number;

  beforeEach(async () => {
    t = await startLineupApp();
    account = seedAccountRow(t.db, { name: 'Main' });
    const inactive = seedAccountRow(t.db, { name: 'Old', active: false });
    bbc = seedLineupChannel(t.db, { channelId: 'BBCOne.uk', displayName: 'BBC One', number: 1 });
    mapped = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: BBC One',
      streams: [
        { streamId: 1, tier: 'FHD' },
        { streamId: 2, tier: 'SD' },
      ],
    });
    seedMapping(t.db, { lineupChannelId: bbc, providerChannelId: mapped });
    orphan = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: Local News',
      icon: 'http://logo.invalid/local.png',
      streams: [{ streamId: 3, tier: 'HD' }],
    });
    separator = seedProviderChannel(t.db, {
      accountId: account,
      name: '##### UK NEWS #####',
      streams: [{ streamId: 4, tier: 'unknown' }],
    });
    seedProviderChannel(t.db, { accountId: inactive, name: 'UK: Old Stuff', streams: [{ streamId: 5, tier: 'SD' }] });
  });
  afterEach(() => t.close());

  it('searches provider channels by name across accounts, with tiers and where they are mapped', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/provider-channels?q=bbc' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      total: 1,
      items: [
        {
          id: mapped,
          accountId: account,
          accountName: 'Main',
          accountActive: true,
          name: 'UK: BBC One',
          icon: null,
          categoryName: null,
          epgChannelId: null,
          tiers: ['FHD', 'SD'],
          mappedTo: [{ id: bbc, channelId: 'BBCOne.uk', displayName: 'BBC One', isPrimary: true, isManual: false }],
        },
      ],
    });
    const all = (await t.inject({ method: 'GET', url: '/api/provider-channels?limit=2&offset=0' })).json<
      Page<ProviderChannel>
    >();
    expect(all.total).toBe(4);
    expect(all.items).toHaveLength(2);
    expect(
      (await t.inject({ method: 'GET', url: `/api/provider-channels?accountId=${account}` })).json<
        Page<ProviderChannel>
      >().total,
    ).toBe(3);
    expect((await t.inject({ method: 'GET', url: '/api/provider-channels?limit=0' })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/provider-channels?name=x' })).statusCode).toBe(400);
  });

  it('lists orphans of active accounts without separator rows', async () => {
    const res = (await t.inject({ method: 'GET', url: '/api/provider-channels/orphans' })).json<
      Page<ProviderChannel>
    >();
    expect(res.total).toBe(1);
    expect(res.items.map((c) => c.id)).toEqual([orphan]);
    expect(res.items.map((c) => c.id)).not.toContain(separator);
  });

  it('promotes an orphan to an enabled synthetic channel with the provider name and icon, mapped as manual primary', async () => {
    const res = await t.inject({ method: 'POST', url: `/api/provider-channels/${orphan}/promote` });
    expect(res.statusCode).toBe(201);
    const channel = res.json<{ id: number; mappings: unknown[] }>();
    expect(channel).toMatchObject({
      channelId: 'synthetic.uk-local-news',
      displayName: 'UK: Local News',
      icon: 'http://logo.invalid/local.png',
      isSynthetic: true,
      enabled: true,
      number: 2,
      matchStatus: 'matched',
      mappings: [{ xtreamChannelId: orphan, isPrimary: true, isManual: true, tier: 'HD' }],
    });
    expect(
      (await t.inject({ method: 'GET', url: '/api/provider-channels/orphans' })).json<Page<ProviderChannel>>().total,
    ).toBe(0);
    // The tuner now serves it.
    expect(
      createLineup(t.db)
        .listPlayable()
        .map((c) => c.id),
    ).toContain(channel.id);
    // An automatic run keeps it.
    await t.inject({ method: 'POST', url: '/api/matching/run' });
    expect((await t.inject({ method: 'GET', url: `/api/channels/${channel.id}` })).json()).toMatchObject({
      mappings: [{ xtreamChannelId: orphan, isPrimary: true, isManual: true }],
    });
    expect((await t.inject({ method: 'POST', url: '/api/provider-channels/9999/promote' })).statusCode).toBe(404);
  });
});
