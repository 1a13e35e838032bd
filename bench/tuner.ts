/*
 * bench:tuner — what Plex and Jellyfin fetch from the tuner, over real HTTP from the real app on
 * a real SQLite file: /lineup.json and /playlist.m3u for 2,000 channels (target < 50 ms), and
 * /epg.xml for 1,000 channels × 7 days of 30-minute programmes (first < 2 s, cached < 200 ms).
 * References in the same process: a /health round trip (the HTTP floor) and reading the cached
 * guide file straight from disk (the floor a cached /epg.xml cannot beat).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import type { Db } from '../src/db/index.js';
import { openDatabase } from '../src/db/index.js';
import { startApp, type TestApp } from '../test/support/start-app.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../test/support/seed.js';

const resultsFile = resolve(process.cwd(), 'bench/RESULTS.md');
const lineupChannels = 2_000;
const guideChannels = 1_000;
const days = 7;
const slotMs = 30 * 60_000;

function seedLineup(db: Db, count: number): void {
  const account = seedAccountRow(db, { maxConnections: 4 });
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const id = seedLineupChannel(db, { channelId: `ch${i}.bench.tv`, displayName: `Channel ${i}, "HD" édition`, number: i, icon: i % 2 ? `http://logos.example/${i}.png` : null });
      const provider = seedProviderChannel(db, { accountId: account, name: `P${i}`, streams: [{ streamId: i * 2, tier: 'HD' }, { streamId: i * 2 + 1, tier: 'SD' }], icon: `http://provider/${i}.png`, categoryName: `Group ${i % 30}` });
      seedMapping(db, { lineupChannelId: id, providerChannelId: provider });
    }
  })();
}

function seedGuide(db: Db, channels: number): number {
  const t = Date.now();
  const source = Number(db.prepare('INSERT INTO xmltv_sources (name, url, last_refresh_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('bench', '/bench.xml', t, t, t).lastInsertRowid);
  const insert = db.prepare(
    `INSERT INTO programmes (source_id, channel_id, start_at, stop_at, title, sub_title, description, categories, episode_num_xmltv_ns, episode_num_onscreen, is_new)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const from = Math.floor(t / 3_600_000) * 3_600_000 - 4 * 3_600_000;
  const slots = ((days * 24 + 4) * 3_600_000) / slotMs;
  let n = 0;
  db.transaction(() => {
    for (let c = 1; c <= channels; c++) {
      for (let s = 0; s < slots; s++) {
        const start = from + s * slotMs;
        const episode = s % 2 === 0;
        insert.run(source, `ch${c}.bench.tv`, start, start + slotMs, `Programme ${s} & friends`, episode ? `Episode ${s}` : null,
          'A description of about the length guides give, with <markup> & "quotes" to escape: the cast meets again.',
          JSON.stringify(['Entertainment', 'Series']), episode ? `0.${s}.` : null, episode ? `S01E${s}` : null, s % 5 === 0 ? 1 : 0);
        n++;
      }
    }
  })();
  return n;
}

async function fetchTimed(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await request(url);
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
  return { ms: performance.now() - started, bytes: body.length };
}

async function median(url: string, runs: number): Promise<{ ms: number; bytes: number }> {
  await fetchTimed(url); // warm-up (JIT, statement cache)
  const results: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) results.push(await fetchTimed(url));
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(runs / 2)]!;
}

function recordResults(section: string): void {
  const start = '<!-- bench:tuner -->';
  const end = '<!-- /bench:tuner -->';
  const block = `${start}\n${section}\n${end}`;
  const current = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(resultsFile, pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`);
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const verdict = (value: number, target: number) => (value < target ? 'met' : 'NOT met');

async function main(): Promise<void> {
  const apps: TestApp[] = [];
  try {
    // Lineup-size app: 2,000 channels.
    const big = await startApp({ config: { logLevel: 'silent' } });
    apps.push(big);
    const bigDb = openDatabase(join(big.dataDir, 'tunerbridge.db'));
    seedLineup(bigDb, lineupChannels);
    bigDb.close();
    const health = await median(`${big.url}/health`, 21);
    const lineup = await median(`${big.url}/lineup.json`, 21);
    const m3u = await median(`${big.url}/playlist.m3u`, 21);

    // Guide-size app: 1,000 channels × 7 days.
    const guide = await startApp({ config: { logLevel: 'silent' } });
    apps.push(guide);
    const guideDb = openDatabase(join(guide.dataDir, 'tunerbridge.db'));
    seedLineup(guideDb, guideChannels);
    const programmes = seedGuide(guideDb, guideChannels);
    guideDb.close();
    const first = await fetchTimed(`${guide.url}/epg.xml`);
    const cached = await median(`${guide.url}/epg.xml`, 7);
    const file = (await guide.app.domains.epg.xml()).open().path as string;
    const diskStart = performance.now();
    await readFile(file);
    const disk = performance.now() - diskStart;
    const gzFirst = await fetchTimed(`${guide.url}/epg.xml.gz`);
    const gzCached = await median(`${guide.url}/epg.xml.gz`, 7);

    const lines = [
      '## Tuner output (`npm run bench:tuner`)',
      '',
      `Real app over HTTP on loopback, real SQLite; medians of 21 (lineup) / 7 (guide) runs after a warm-up. ${new Date().toISOString().slice(0, 10)}, 2-core box.`,
      '',
      '| what | time | size | target |',
      '| --- | --- | --- | --- |',
      `| /health round trip (HTTP floor) | ${ms(health.ms)} | ${health.bytes} B | — |`,
      `| /lineup.json, ${lineupChannels} channels | ${ms(lineup.ms)} | ${mb(lineup.bytes)} | < 50 ms: ${verdict(lineup.ms, 50)} |`,
      `| /playlist.m3u, ${lineupChannels} channels | ${ms(m3u.ms)} | ${mb(m3u.bytes)} | < 50 ms: ${verdict(m3u.ms, 50)} |`,
      `| /epg.xml first (render), ${guideChannels} ch × ${days} d = ${programmes} programmes | ${ms(first.ms)} | ${mb(first.bytes)} | < 2 s: ${verdict(first.ms, 2000)} |`,
      `| /epg.xml cached | ${ms(cached.ms)} | ${mb(cached.bytes)} | < 200 ms: ${verdict(cached.ms, 200)} |`,
      `| reference: read the cached file from disk | ${ms(disk)} | — | — |`,
      `| /epg.xml.gz first (gzip of the cached XML) | ${ms(gzFirst.ms)} | ${mb(gzFirst.bytes)} | — |`,
      `| /epg.xml.gz cached | ${ms(gzCached.ms)} | ${mb(gzCached.bytes)} | — |`,
      '',
      'Notes: the guide is deliberately heavy (every channel 30-minute programmes with a ~110-character description, sub-title, categories and episode numbers: ~450 B per programme). Rendering is roughly 0.8 s of SQLite row reads plus 2.5-3.5 s of text building and file writing (a single first run: it varied 4.6-5.2 s between runs on this shared box); a cached plain /epg.xml is bound by moving 154 MB over HTTP (reading the file alone takes ~170 ms), so the < 200 ms target is met only by the gzipped variant, which clients sending `Accept-Encoding: gzip` get (this repetitive synthetic guide compresses 28x; real guides compress less, so expect a larger gzipped file).',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    recordResults(lines.join('\n'));
  } finally {
    for (const app of apps) await app.close();
  }
}

await main();
