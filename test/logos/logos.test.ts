import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { LogoCache, type LogoCacheOptions } from '../../src/logos/index.js';
import { parseXml } from '../guide-output/epg-fixture.js';
import { startFakeGuideServer, type FakeGuideServer } from '../support/fake-guide-server.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

// A real 1×1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const keyOf = (url: string, ext = 'png') => `${createHash('sha256').update(url).digest('hex')}.${ext}`;

describe('/logos: logos served from our own cache', () => {
  let t: TestApp;
  let db: Db;
  let origin: FakeGuideServer;
  beforeEach(async () => {
    origin = await startFakeGuideServer();
    origin.route('/logo.png', { body: png, contentType: 'image/png' });
    t = await startApp({ listen: false });
    db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  });
  afterEach(async () => {
    db.close();
    await t.close();
    await origin.close();
  });

  function addChannel(channelId: string, number: number, icon: string) {
    const id = seedLineupChannel(db, { channelId, displayName: channelId, number, icon });
    const provider = seedProviderChannel(db, {
      accountId: seedAccountRow(db),
      name: `P ${channelId}`,
      streams: [{ streamId: number, tier: 'HD' }],
    });
    seedMapping(db, { lineupChannelId: id, providerChannelId: provider });
  }

  const get = (url: string) => t.app.inject({ url, headers: { host: 'tuner.lan:5004' } });

  it('points the M3U and /epg.xml at /logos/<key> and serves the same bytes, fetching the origin once', async () => {
    addChannel('one.uk', 1, `${origin.url}/logo.png`);
    const expected = `http://tuner.lan:5004/logos/${keyOf(`${origin.url}/logo.png`)}`;

    const m3u = await get('/playlist.m3u');
    expect(m3u.body).toContain(`tvg-logo="${expected}"`);
    expect(m3u.body).not.toContain(origin.url);
    const epg = parseXml((await get('/epg.xml')).body);
    expect(epg.children.find((c) => c.name === 'channel')?.children.find((c) => c.name === 'icon')?.attrs.src).toBe(
      expected,
    );
    // Handing the URL out fetched nothing yet.
    expect(origin.requests).toEqual([]);

    const first = await get(new URL(expected).pathname);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/png');
    expect(first.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.rawPayload.equals(png)).toBe(true);
    const second = await get(new URL(expected).pathname);
    expect(second.statusCode).toBe(200);
    expect(second.rawPayload.equals(png)).toBe(true);
    expect(origin.requests).toEqual(['/logo.png']);
    expect(readdirSync(join(t.dataDir, 'logos'))).toEqual([keyOf(`${origin.url}/logo.png`)]);
  });

  it('answers 404 for a key it never handed out (no open proxy) and for a malformed one', async () => {
    for (const key of [keyOf(`${origin.url}/logo.png`), 'nothex.png', '..%2F..%2Ftunerbridge.db']) {
      const res = await get(`/logos/${key}`);
      expect(res.statusCode, key).toBe(404);
      expect(res.json()).toEqual({ error: 'logo not found' });
    }
    expect(origin.requests).toEqual([]);
  });

  it('answers a clean 404 when the origin fails, sends HTML or something too big, and never redirects to it', async () => {
    origin.route('/gone.png', { status: 404, contentType: 'image/png', body: 'no' });
    origin.route('/page.png', { contentType: 'text/html', body: '<html>login</html>' });
    origin.route('/huge.png', { contentType: 'image/png', body: Buffer.alloc(1024 * 1024 + 1) });
    addChannel('gone.uk', 1, `${origin.url}/gone.png`);
    addChannel('page.uk', 2, `${origin.url}/page.png`);
    addChannel('huge.uk', 3, `${origin.url}/huge.png`);
    const m3u = (await get('/playlist.m3u')).body;
    for (const name of ['gone', 'page', 'huge']) {
      const key = keyOf(`${origin.url}/${name}.png`);
      expect(m3u).toContain(`/logos/${key}`);
      const res = await get(`/logos/${key}`);
      expect(res.statusCode, name).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.json()).toEqual({ error: 'logo not available' });
      expect(res.body).not.toContain(origin.url);
    }
    expect(readdirSync(join(t.dataDir, 'logos'))).toEqual([]);
  });

  it('leaves a logo that is no http(s) URL as it is', async () => {
    addChannel('data.uk', 1, 'data:image/png;base64,AAAA');
    expect((await get('/playlist.m3u')).body).toContain('tvg-logo="data:image/png;base64,AAAA"');
  });
});

describe('LogoCache bounds', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Db;
  let origin: FakeGuideServer;
  let agent: Agent;
  beforeEach(async () => {
    temp = makeTempDir();
    db = openDatabase(join(temp.path, 'tunerbridge.db'));
    origin = await startFakeGuideServer();
    for (const name of ['a', 'b', 'c']) origin.route(`/${name}.png`, { body: png, contentType: 'image/png' });
    agent = new Agent();
  });
  afterEach(async () => {
    db.close();
    await agent.close();
    await origin.close();
    temp.remove();
  });

  const cache = (options: Partial<LogoCacheOptions> = {}) =>
    new LogoCache({
      db,
      dispatcher: agent,
      dir: join(temp.path, 'logos'),
      clock: { now: () => Date.now() },
      log: createLogger('silent'),
      userAgent: 'test',
      ...options,
    });

  it('keeps at most maxFiles, evicting the least recently served, and fetches an evicted one again', async () => {
    const logos = cache({ maxFiles: 2 });
    const keys = Object.fromEntries(
      ['a', 'b', 'c'].map((name) => [name, logos.publicUrl(`${origin.url}/${name}.png`, '').slice('/logos/'.length)]),
    ) as Record<'a' | 'b' | 'c', string>;
    await logos.get(keys.a);
    await logos.get(keys.b);
    await logos.get(keys.a); // a is now the most recently served
    await logos.get(keys.c); // b goes
    const dir = join(temp.path, 'logos');
    expect(readdirSync(dir).sort()).toEqual([keys.a, keys.c].sort());
    expect(existsSync(join(dir, keys.b))).toBe(false);
    expect(origin.requests).toEqual(['/a.png', '/b.png', '/c.png']);
    expect((await logos.get(keys.b)).bytes.equals(png)).toBe(true);
    expect(origin.requests).toEqual(['/a.png', '/b.png', '/c.png', '/b.png']);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('keeps at most maxBytes, and a new process starts from the files already on disk', async () => {
    const first = cache({ maxBytes: png.length * 2 });
    const keys = ['a', 'b', 'c'].map((name) => first.publicUrl(`${origin.url}/${name}.png`, '').slice(7));
    for (const key of keys) await first.get(key);
    expect(readdirSync(join(temp.path, 'logos'))).toHaveLength(2);
    // Fetched within the same millisecond, maybe: give the files the order they were fetched in.
    keys.slice(1).forEach((key, i) => utimesSync(join(temp.path, 'logos', key), 1_000 + i, 1_000 + i));
    // Restarted with a smaller bound: it trims what it finds, and serves what is left without fetching.
    const second = cache({ maxFiles: 1 });
    expect(readdirSync(join(temp.path, 'logos'))).toEqual([keys[2]]);
    expect((await second.get(keys[2]!)).contentType).toBe('image/png');
    expect(origin.requests).toHaveLength(3);
  });
});
