/*
 * bench:scan — how long an account scan takes for 20,000 provider streams served by the fake
 * Xtream provider over real HTTP into a real SQLite file: first scan, unchanged rescan, and a
 * rescan with renames/removals/additions. Reference in the same process: fetching and parsing
 * the same get_live_streams JSON alone (the floor a scan cannot beat).
 */
import { join } from 'node:path';
import { request } from 'undici';
import { createConfig, createLogger, systemClock } from '../src/core/index.js';
import { CredentialStore } from '../src/credentials/index.js';
import { openDatabase } from '../src/db/index.js';
import { EventLog } from '../src/events/index.js';
import { createUpstreamAgent } from '../src/upstream-http/index.js';
import { Accounts } from '../src/xtream/index.js';
import { liveStream, startFakeProvider } from '../test/support/fake-xtream-provider.js';
import { makeTempDir } from '../test/support/temp-dir.js';
import { recordResults } from './results-file.js';

const streamCount = 20_000;
const tiers = ['SD', 'HD', 'FHD', '4K', ''];
const countries = ['UK', 'US', 'DE', 'FR', 'IT', 'ES', 'NL', 'PL'];

/** `count` distinct streams (channels in 1–4 tiers), plus separator rows and rows repeated in a second category. */
function generateStreams(count: number, renameFrom = Infinity): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  let id = 1;
  let channel = 0;
  while (id <= count) {
    const country = countries[channel % countries.length]!;
    if (channel % 200 === 0) rows.push(liveStream(900_000 + channel, `##### ${country} GROUP ${channel / 200} #####`));
    const variants = 1 + (channel % 4);
    const base = channel >= renameFrom ? `${country} | Channel ${channel} Plus` : `${country}: Channel ${channel}`;
    for (let v = 0; v < variants && id <= count; v++) {
      const tier = tiers[(channel + v) % tiers.length]!;
      const row = liveStream(id++, tier ? `${base} ${tier}` : base, {
        category_id: String(1 + (channel % 40)),
        epg_channel_id: channel % 3 ? null : `ch${channel}.${country.toLowerCase()}`,
      });
      rows.push(row);
      if (id % 50 === 0) rows.push({ ...row, category_id: '99' }); // listed again in another category
    }
    channel++;
  }
  return rows;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = makeTempDir('tunerbridge-bench-');
  const categories = Array.from({ length: 40 }, (_, i) => ({
    category_id: String(i + 1),
    category_name: `Category ${i + 1}`,
  }));
  const streams = generateStreams(streamCount);
  const provider = await startFakeProvider({
    accounts: [{ username: 'bench', password: 'bench-pw', categories, streams }],
  });
  const db = openDatabase(join(dir.path, 'bench.db'));
  const log = createLogger('silent');
  const dispatcher = createUpstreamAgent({ connectTimeoutMs: 5000 });
  const accounts = new Accounts({
    db,
    credentials: new CredentialStore({ dataDir: dir.path, keyring: null, log }),
    events: new EventLog(db, systemClock, log),
    log,
    clock: systemClock,
    config: createConfig({ dataDir: dir.path }),
    // No lineup in this benchmark: a removed channel fed no lineup channel.
    mappedLineupChannels: () => new Map(),
    dispatcher,
  });
  try {
    const { id } = accounts.create({ name: 'Bench', serverUrl: provider.url, username: 'bench', password: 'bench-pw' });

    // Reference: the same HTTP fetch + JSON.parse, nothing else.
    const referenceRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await request(
        `${provider.url}/player_api.php?username=bench&password=bench-pw&action=get_live_streams`,
      );
      JSON.parse(await res.body.text());
      referenceRuns.push(performance.now() - t0);
    }
    const reference = Math.min(...referenceRuns);

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const first = await accounts.scan(id);
    const firstMs = performance.now() - t0;
    const cpuFirst = process.cpuUsage(cpu0);

    const rescans: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t1 = performance.now();
      const again = await accounts.scan(id);
      rescans.push(performance.now() - t1);
      if (again.addedChannelIds.length || again.removedChannels.length)
        throw new Error('unchanged rescan changed channels');
    }

    // 10% of channels renamed, the first 1,000 streams gone, 1,000 new streams (500 channels).
    const channelsTotal = first.channels;
    const changedStreams = generateStreams(streamCount, Math.floor(channelsTotal * 0.9)).slice(1000);
    provider.setAccount({
      username: 'bench',
      password: 'bench-pw',
      categories,
      streams: [
        ...changedStreams,
        ...Array.from({ length: 1000 }, (_, i) =>
          liveStream(500_000 + i, `NEW: Extra ${Math.floor(i / 2)} ${i % 2 ? 'HD' : 'SD'}`),
        ),
      ],
    });
    const t2 = performance.now();
    const changed = await accounts.scan(id);
    const changedMs = performance.now() - t2;

    const t3 = performance.now();
    const listed = accounts.listChannels(id, { limit: 100_000, offset: 0 });
    const listMs = performance.now() - t3;
    const rss = process.memoryUsage().rss;

    const bestRescan = Math.min(...rescans);
    const section = [
      '## Account scan (`npm run bench:scan`)',
      '',
      `${streamCount.toLocaleString('en')} distinct provider streams (plus separator rows and repeats in a second category) from the fake provider over loopback HTTP into SQLite (WAL). Node ${process.version}, ${new Date().toISOString()}.`,
      '',
      '| run | time | per 1,000 streams | result |',
      '| --- | --- | --- | --- |',
      `| reference: fetch + JSON.parse only | ${seconds(reference)} | ${(reference / (first.streams / 1000)).toFixed(1)} ms | |`,
      `| first scan (empty database) | ${seconds(firstMs)} | ${(firstMs / (first.streams / 1000)).toFixed(1)} ms | ${first.streams} streams → ${first.channels} channels |`,
      `| rescan, unchanged (best of 3) | ${seconds(bestRescan)} | ${(bestRescan / (first.streams / 1000)).toFixed(1)} ms | runs ${rescans.map(seconds).join(', ')} |`,
      `| rescan: 10% renamed, 1,000 streams gone, 1,000 new | ${seconds(changedMs)} | ${(changedMs / (changed.streams / 1000)).toFixed(1)} ms | +${changed.addedChannelIds.length} / renamed ${changed.renamedChannelIds.length} / −${changed.removedChannels.length} channels |`,
      `| list channels (limit 100,000) | ${seconds(listMs)} | | ${listed.items.length} channels |`,
      '',
      `First scan CPU ${seconds((cpuFirst.user + cpuFirst.system) / 1000)} (user+system, includes the fake provider in the same process); RSS after all runs ${(rss / 1024 / 1024).toFixed(0)} MB. Target: 20,000 streams in seconds (< 5 s).`,
    ].join('\n');
    console.log(section);
    recordResults('scan', section);
  } finally {
    await dispatcher.close();
    await provider.close();
    db.close();
    dir.remove();
  }
}

await main();
