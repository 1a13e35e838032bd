import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConfig } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EpgCache, epgRoutes, type EpgCacheOptions } from '../../src/guide-output/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { createLineup } from '../support/lineup.js';
import { guideOutput } from '../../src/xmltv/index.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { seedProgramme, seedSource } from './epg-fixture.js';

const hour = 3_600_000;

describe('EpgCache rendering ahead', () => {
  let temp: { path: string; remove(): void };
  let db: Db;
  let dir: string;
  let source: number;
  let now: number;
  const clock = { now: () => now };
  const caches: EpgCache[] = [];
  const servers: FastifyInstance[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(join(temp.path, 'tunerbridge.db'));
    dir = join(temp.path, 'cache');
    now = Date.UTC(2026, 10, 24, 12, 10);
    const account = seedAccountRow(db);
    const id = seedLineupChannel(db, { channelId: 'ch.1', displayName: 'One', number: 1 });
    seedMapping(db, {
      lineupChannelId: id,
      providerChannelId: seedProviderChannel(db, {
        accountId: account,
        name: 'P1',
        streams: [{ streamId: 1, tier: 'HD' }],
      }),
    });
    source = seedSource(db);
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now - hour, title: 'Before' });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const cache of caches.splice(0)) await cache.close();
    db.close();
    temp.remove();
  });

  // No timer unless a test asks for one; no settling unless it asks for it.
  function cache(options: Partial<EpgCacheOptions> = {}): EpgCache {
    const c = new EpgCache({
      lineup: createLineup(db, clock),
      guide: guideOutput(db),
      clock,
      dir,
      days: createConfig().epgDays,
      checkEveryMs: 0,
      settleMs: 0,
      ...options,
    });
    caches.push(c);
    return c;
  }

  const fileOf = (key: string, extension = 'xml') => join(dir, `epg-${key}.${extension}`);

  it('renders a guide change ahead on its timer, so the next request is answered from the file already there', async () => {
    const epg = cache({ checkEveryMs: 10 });
    const server = Fastify();
    servers.push(server);
    await server.register(epgRoutes, { epg });
    const first = await server.inject({ url: '/epg.xml' });
    const etag = first.headers.etag as string;

    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    const key = epg.fingerprint();
    expect(`"${key}"`).not.toBe(etag);
    await vi.waitFor(() => expect(existsSync(fileOf(key))).toBe(true), { timeout: 5_000, interval: 10 });
    const rendered = statSync(fileOf(key));

    const next = await server.inject({ url: '/epg.xml', headers: { 'if-none-match': etag } });
    expect(next.statusCode).toBe(200);
    expect(next.headers.etag).toBe(`"${key}"`);
    expect(next.body).toContain('<title>Fresh</title>');
    // Served from that rendering, not a new one; the old rendering is gone.
    expect(statSync(fileOf(key)).ino).toBe(rendered.ino);
    expect(statSync(fileOf(key)).mtimeMs).toBe(rendered.mtimeMs);
    expect(readdirSync(dir).filter((name) => name.endsWith('.xml'))).toEqual([`epg-${key}.xml`]);
  });

  it('renders ahead only once a client has fetched the guide, and the gzipped file once one fetched that', async () => {
    const epg = cache();
    expect(await epg.renderAhead()).toBe(false);
    expect(readdirSync(dir)).toEqual([]);

    await epg.xml();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    expect(await epg.renderAhead()).toBe(true);
    expect(existsSync(fileOf(epg.fingerprint()))).toBe(true);
    expect(existsSync(fileOf(epg.fingerprint(), 'xml.gz'))).toBe(false);
    expect(await epg.renderAhead()).toBe(false); // nothing changed since

    await epg.gzip();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now + hour, title: 'Later' });
    expect(await epg.renderAhead()).toBe(true);
    expect(existsSync(fileOf(epg.fingerprint(), 'xml.gz'))).toBe(true);
  });

  it('counts a rendering left by the previous process as a client using the guide', async () => {
    await cache().xml();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    const restarted = cache();
    expect(await restarted.renderAhead()).toBe(true);
    expect(existsSync(fileOf(restarted.fingerprint()))).toBe(true);
  });

  it('waits for a change to settle before rendering it', async () => {
    const epg = cache({ settleMs: 60_000 });
    await epg.xml();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    expect(await epg.renderAhead()).toBe(false);
    expect(existsSync(fileOf(epg.fingerprint()))).toBe(false);
  });

  it('renders the next hour as soon as it begins (the window moves), without waiting to settle', async () => {
    const epg = cache({ settleMs: 60_000 });
    const before = (await epg.xml()).path;
    now += hour;
    expect(await epg.renderAhead()).toBe(true);
    const after = fileOf(epg.fingerprint());
    expect(after).not.toBe(before);
    expect(existsSync(after)).toBe(true);
    expect(existsSync(before)).toBe(false);
  });

  it('shares one rendering between the background and a request that arrives meanwhile', async () => {
    const epg = cache();
    await epg.xml();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    const ahead = epg.renderAhead();
    const [requested, again] = await Promise.all([epg.xml(), epg.xml()]);
    expect(await ahead).toBe(true);
    expect(requested).toBe(again);
    expect(statSync(requested.path).ino).toBe(statSync(fileOf(epg.fingerprint())).ino);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('does nothing more once closed', async () => {
    const epg = cache({ checkEveryMs: 10 });
    await epg.xml();
    await epg.close();
    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    expect(await epg.renderAhead()).toBe(false);
    expect(existsSync(fileOf(epg.fingerprint()))).toBe(false);
  });

  it('keeps its fingerprint while an import writes the next generation, and changes it when the import switches', async () => {
    const epg = cache();
    const key = epg.fingerprint();
    db.prepare(
      "INSERT INTO programmes (source_id, generation, channel_id, start_at, stop_at, title) VALUES (?, 1, 'ch.1', ?, ?, 'Next import')",
    ).run(source, now, now + hour);
    expect(epg.fingerprint()).toBe(key);
    expect(await epg.xml()).toMatchObject({ etag: `"${key}"` });
    db.prepare('UPDATE xmltv_sources SET generation = 1 WHERE id = ?').run(source);
    expect(epg.fingerprint()).not.toBe(key);
    const body = readFileSync((await epg.xml()).path, 'utf8');
    expect(body).toContain('<title>Next import</title>');
    expect(body).not.toContain('<title>Before</title>');
  });
});
