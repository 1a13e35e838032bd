import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';

describe('GET /api/plex', () => {
  let t: TestApp | undefined;
  let db: Db | undefined;
  afterEach(async () => {
    db?.close();
    await t?.close();
  });

  async function open(config: Parameters<typeof startApp>[0] = {}) {
    // The URLs come from the Host used: tuner.lan is a name this machine answers as (--allowed-host).
    t = await startApp({ listen: false, ...config, config: { allowedHosts: ['tuner.lan'], ...config.config } });
    db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
    return { t, db };
  }

  async function getPlex(app: TestApp, host = 'tuner.lan:5004') {
    const res = await app.app.inject({ url: '/api/plex', headers: { host } });
    expect(res.statusCode).toBe(200);
    return res.json<{
      tunerUrl: string;
      m3uUrl: string;
      epgUrl: string;
      tunerCount: number;
      enabledChannels: number;
      warnings: { code: string; message: string }[];
    }>();
  }

  it('on a fresh install: URLs from the Host used, and warnings for no account, no channel, no guide, discovery off', async () => {
    const { t } = await open();
    const body = await getPlex(t);
    expect(body).toMatchObject({
      tunerUrl: 'http://tuner.lan:5004',
      m3uUrl: 'http://tuner.lan:5004/playlist.m3u',
      epgUrl: 'http://tuner.lan:5004/epg.xml',
      tunerCount: 1,
      enabledChannels: 0,
    });
    expect(body.warnings.map((w) => w.code)).toEqual(['NO_ACCOUNT', 'NO_ENABLED_CHANNEL', 'NO_GUIDE', 'DISCOVERY_OFF']);
  });

  it('with accounts, channels and a fresh guide: tuner count summed, no warnings', async () => {
    const { t, db } = await open({
      config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0, advertiseUrl: 'http://10.0.0.2:5004' },
    });
    const a = seedAccountRow(db, { maxConnections: 2 });
    seedAccountRow(db, { maxConnections: 3 });
    const ch = seedLineupChannel(db, { channelId: 'one', number: 1 });
    seedMapping(db, {
      lineupChannelId: ch,
      providerChannelId: seedProviderChannel(db, { accountId: a, name: 'One', streams: [{ streamId: 1, tier: 'HD' }] }),
    });
    db.prepare(
      'INSERT INTO xmltv_sources (name, url, last_refresh_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ).run('g', '/g.xml', Date.now() - 3_600_000, 0, 0);
    const body = await getPlex(t);
    expect(body).toMatchObject({ tunerUrl: 'http://10.0.0.2:5004', tunerCount: 5, enabledChannels: 1, warnings: [] });
  });

  it("judges the guide's age by the app's clock", async () => {
    const refreshedAt = Date.UTC(2026, 0, 1);
    let now = refreshedAt + 3_600_000;
    const { t, db } = await open({ deps: { clock: { now: () => now } } });
    db.prepare(
      'INSERT INTO xmltv_sources (name, url, last_refresh_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ).run('g', '/g.xml', refreshedAt, 0, 0);
    expect((await getPlex(t)).warnings.map((w) => w.code)).not.toContain('GUIDE_STALE');
    now = refreshedAt + 3 * 86_400_000;
    expect((await getPlex(t)).warnings.map((w) => w.code)).toContain('GUIDE_STALE');
  });

  it('warns about a guide older than 2 days and more channels than Plex shows in one lineup', async () => {
    const { t, db } = await open();
    const a = seedAccountRow(db);
    db.transaction(() => {
      for (let i = 1; i <= 481; i++) {
        const ch = seedLineupChannel(db, { channelId: `c${i}`, number: i });
        seedMapping(db, {
          lineupChannelId: ch,
          providerChannelId: seedProviderChannel(db, {
            accountId: a,
            name: `C${i}`,
            streams: [{ streamId: i, tier: 'SD' }],
          }),
        });
      }
    })();
    db.prepare(
      'INSERT INTO xmltv_sources (name, url, last_refresh_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ).run('g', '/g.xml', Date.now() - 3 * 86_400_000, 0, 0);
    const body = await getPlex(t);
    expect(body.enabledChannels).toBe(481);
    expect(body.warnings.map((w) => w.code)).toEqual(['TOO_MANY_CHANNELS', 'GUIDE_STALE', 'DISCOVERY_OFF']);
    expect(body.warnings[0]!.message).toContain('481');
  });

  it('warns about an enabled guide whose last refresh failed, with the reason', async () => {
    const { t } = await open();
    const { guides } = t.domains;
    const broken = guides.create({ name: 'Broken', url: join(t.dataDir, 'guides', 'missing.xml') });
    await expect(guides.refresh(broken.id)).rejects.toThrow('guide file not found');
    const off = guides.create({ name: 'Off', url: join(t.dataDir, 'guides', 'missing.xml') });
    await expect(guides.refresh(off.id)).rejects.toThrow();
    guides.update(off.id, { enabled: false });
    const body = await getPlex(t);
    expect(body.warnings.filter((w) => w.code === 'GUIDE_FAILING')).toEqual([
      {
        code: 'GUIDE_FAILING',
        message:
          'Guide "Broken" failed its last refresh (guide file not found): its previous programmes are still used.',
      },
    ]);
  });

  it('reports the last fetch of /discover.json and /lineup.json (time by the app clock, client address)', async () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const { t } = await open({ deps: { clock: { now: () => now } } });
    expect((await t.app.inject({ url: '/api/plex', headers: { host: 'tuner.lan:5004' } })).json()).toMatchObject({
      lastFetched: { discover: null, lineup: null },
    });
    const discover = await t.app.inject({ url: '/discover.json', remoteAddress: '192.168.1.20' });
    expect(discover.statusCode).toBe(200);
    now += 5000;
    const lineup = await t.app.inject({ url: '/lineup.json', remoteAddress: '192.168.1.21' });
    expect(lineup.statusCode).toBe(200);
    const body = (await t.app.inject({ url: '/api/plex', headers: { host: 'tuner.lan:5004' } })).json<{
      lastFetched: unknown;
    }>();
    expect(body.lastFetched).toEqual({
      discover: { at: '2026-01-01T12:00:00.000Z', clientAddress: '192.168.1.20' },
      lineup: { at: '2026-01-01T12:00:05.000Z', clientAddress: '192.168.1.21' },
    });
  });
});
