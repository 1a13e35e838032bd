import { afterEach, describe, expect, it } from 'vitest';
import { startLineupApp, type LineupTestApp } from './lineup-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { seedAccountRow, seedLineupChannel, seedProviderChannel } from '../support/seed.js';

describe('lineup persistence', () => {
  const dir = makeTempDir();
  let t: LineupTestApp | undefined;
  afterEach(async () => {
    await t?.close({ keepDataDir: true });
    dir.remove();
  });

  it('keeps channels, numbers, order, enabled choices, mappings and exclusions across a restart', async () => {
    t = await startLineupApp({ dataDir: dir.path });
    const account = seedAccountRow(t.db);
    const bbc = seedLineupChannel(t.db, { channelId: 'BBCOne.uk', displayName: 'BBC One', enabled: false, number: 1 });
    const itv = seedLineupChannel(t.db, { channelId: 'ITV1.uk', displayName: 'ITV', enabled: false, number: 3 });
    const hd = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: BBC One',
      streams: [{ streamId: 1, tier: 'HD' }],
    });
    const fhd = seedProviderChannel(t.db, {
      accountId: account,
      name: 'BBC One',
      streams: [{ streamId: 2, tier: 'FHD' }],
    });
    const itvStream = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: ITV',
      streams: [{ streamId: 3, tier: 'SD' }],
    });
    await t.inject({ method: 'POST', url: '/api/matching/run' });
    const cam = (await t.inject({ method: 'POST', url: '/api/channels', payload: { displayName: 'Cam' } })).json<{
      id: number;
    }>().id;
    await t.inject({ method: 'PATCH', url: `/api/channels/${cam}`, payload: { number: 77, enabled: true } });
    await t.inject({ method: 'POST', url: `/api/channels/${bbc}/primary`, payload: { xtreamChannelId: hd } });
    await t.inject({ method: 'DELETE', url: `/api/channels/${itv}/mappings/${itvStream}` });
    await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { ids: [cam, itv, bbc] } });
    const before = (await t.inject({ method: 'GET', url: '/api/channels' })).json<{ items: unknown[] }>();
    expect(before.items).toHaveLength(3);
    await t.close({ keepDataDir: true });
    t = undefined;
    t = await startLineupApp({ dataDir: dir.path });
    const after = (await t.inject({ method: 'GET', url: '/api/channels' })).json<{ items: unknown[] }>();
    expect(after).toEqual(before);
    expect(after.items).toEqual([
      expect.objectContaining({ id: cam, number: 77, enabled: true, enabledByUser: true, isSynthetic: true }),
      expect.objectContaining({ id: itv, number: 3, enabled: false, mappings: [] }),
      expect.objectContaining({
        id: bbc,
        number: 1,
        enabled: true,
        mappings: [
          expect.objectContaining({ xtreamChannelId: hd, isPrimary: true, isManual: true }),
          expect.objectContaining({ xtreamChannelId: fhd }),
        ],
      }),
    ]);
    // The removed mapping stays removed after the restart, too.
    await t.inject({ method: 'POST', url: '/api/matching/run' });
    expect((await t.inject({ method: 'GET', url: '/api/channels' })).json()).toEqual(before);
  });
});
