/*
 * A CPU profile of the proxy's hot path: the compiled app (as bench:proxy runs it) under
 * `node --cpu-prof`, relaying unpaced 1 GiB streams from the fake provider (or, with PROFILE_LIVE=1,
 * bench:proxy's 20 paced 25 Mbit/s streams); prints the functions with the most self time.
 * `tsx bench/proxy-profile.ts [rounds] [profile dir]`.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../test/support/temp-dir.js';
import { account, compileApp, liveStreams, runProvider, seedChannels, startScriptNodeFlags } from './proxy-parties.js';
import { ask, read, startChild, stopChild, waitForNoSessions } from './proxy-client.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const temp = makeTempDir('tunerbridge-bench-profile-');
  const profiles = process.argv[3] ?? join(temp.path, 'profiles');
  mkdirSync(profiles, { recursive: true });
  compileApp(temp.path);
  const provider = await startChild(fileURLToPath(import.meta.url), ['provider']);
  const dataDir = join(temp.path, 'data');
  mkdirSync(dataDir);
  const { child, url, ready } = await startChild(
    join(temp.path, 'app-child.mjs'),
    [join(temp.path, 'dist'), provider.url, dataDir, account.username, account.password],
    [...startScriptNodeFlags(), '--cpu-prof', `--cpu-prof-dir=${profiles}`],
  );
  await seedChannels(dataDir, Number(ready.accountId));
  if (process.env.PROFILE_LIVE) {
    // The 20 paced 25 Mbit/s streams of bench:proxy instead: the proxy's share of a core per stream.
    const before = await ask(child);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: liveStreams }, (_, i) => read(`${url}/stream/live${i}.bench`, { maxMs: 8000 })),
    );
    const cpu = (await ask(child)).cpuSeconds - before.cpuSeconds;
    const share = cpu / ((Date.now() - started) / 1000) / liveStreams;
    console.log(`${liveStreams} live streams: ${(100 * share).toFixed(2)}% of a core per stream`);
  }
  for (let round = 0; round < (process.env.PROFILE_LIVE ? 0 : rounds); round++) {
    const before = (await ask(child)).cpuSeconds;
    const r = await read(`${url}/stream/fast.bench`);
    const cpu = (await ask(child)).cpuSeconds - before;
    console.log(
      `round ${round + 1}: ${(r.bytes / r.seconds / 1e6).toFixed(0)} MB/s, proxy ${(cpu / (r.bytes / 1e9)).toFixed(2)} s CPU per GB`,
    );
    await waitForNoSessions(child);
  }
  await stopChild(child);
  await stopChild(provider.child);
  const file = readdirSync(profiles).find((name) => name.endsWith('.cpuprofile'));
  if (file) report(join(profiles, file));
  if (!process.argv[3]) temp.remove();
}

// Self time per function (name, file, line), the top 30.
function report(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const total = profile.samples.length;
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + node.hitCount);
  }
  console.log(`\n${path}: ${total} samples; self time:`);
  for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${key}`);
}

const [role] = process.argv.slice(2);
if (role === 'provider') await runProvider();
else await main();
