/*
 * bench:proxy — the stream proxy against a direct read from the same fake provider, in one run:
 * time to first byte (median, p95), one unpaced stream's throughput, CPU seconds per GB relayed,
 * and the proxy's CPU and RSS with 20 concurrent 25 Mbit/s streams.
 *
 * Three processes, so each figure belongs to one party: the fake provider (child), the app
 * (child: its CPU and RSS are the proxy's alone) and this process, the client, which reads the
 * same streams directly (the reference) and through the proxy. The app runs with the V8 flags of
 * `npm start` (read from package.json), and once more under plain node for comparison.
 *
 * The direct read is two processes on the machine's cores, the proxied read three: on a 2-core box
 * that, not the proxy, can set the throughput. So the bench also relays through a bare Node relay
 * (node:http get → pipe, nothing else) in the proxy's place, and reports each process's CPU per GB
 * and the throughput those CPU costs allow on this machine's cores.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { makeTempDir } from '../test/support/temp-dir.js';
import {
  account,
  compileApp,
  ids,
  liveSeconds,
  liveStreams,
  runProvider,
  seedChannels,
  sharedViewers,
  startScriptNodeFlags,
} from './proxy-parties.js';
import {
  ask,
  now,
  quantile,
  read,
  sleep,
  startChild,
  stopChild,
  waitForNoSessions,
  type Read,
} from './proxy-client.js';
import { findNginx, startNginx, type NginxRelay } from './proxy-nginx.js';
import { recordResults } from './results-file.js';

const ttfbRounds = 100;

// ---------------------------------------------------------------- the measurements and the report
interface AppUnderTest {
  child: ChildProcess;
  url: string;
  freshRss: number;
  close(): Promise<void>;
}

/** Starts a compiled app child (with extra V8 flags) on a fresh data dir, seeded with the bench lineup. */
async function startAppUnderTest(
  dir: string,
  providerUrl: string,
  name: string,
  v8Flags: string[],
): Promise<AppUnderTest> {
  const dataDir = join(dir, name);
  mkdirSync(dataDir);
  const { child, url, ready } = await startChild(
    join(dir, 'app-child.mjs'),
    [join(dir, 'dist'), providerUrl, dataDir, account.username, account.password],
    ['--expose-gc', ...v8Flags],
  );
  await seedChannels(dataDir, Number(ready.accountId));
  const freshRss = (await ask(child)).rss;
  return { child, url, freshRss, close: () => stopChild(child) };
}

interface LiveFigures {
  idleRss: number;
  peakRss: number;
  liveRss: number;
  perStreamMbit: number;
  /** Fraction of a core per stream, normalised to exactly 25 Mbit/s: the whole window, start-up included. */
  perStreamAt25: number;
  /** The same from the 2nd second on: sessions set up and code warm, as a stream runs for hours. */
  steadyAt25: number;
}

/**
 * 20 concurrent 25 Mbit/s streams for 10 s through `relay` (`urlOf(i)` is stream i): its CPU and RSS
 * while they run. The CPU window closes a second before the end; then a forced GC tells live memory
 * from garbage. A forced GC (`global.gc()`) leaves V8 slower for a long while after it (measured: the
 * proxy's CPU per stream and per GB up by half to three quarters; natural major GCs do not do this),
 * so it is the last thing a process is measured for: the caller closes `relay` afterwards.
 */
async function measureLive(relay: ChildProcess, urlOf: (i: number) => string): Promise<LiveFigures> {
  await waitForNoSessions(relay);
  const idle = { ...(await ask(relay)), at: now() };
  const rssSamples: number[] = [];
  const sampler = setInterval(() => void ask(relay).then((s) => rssSamples.push(s.rss)), 500);
  const sampleAt = (seconds: number) => sleep(seconds * 1000).then(async () => ({ ...(await ask(relay)), at: now() }));
  const warm = sampleAt(2);
  const end = sampleAt(liveSeconds - 1);
  const liveAfterGc = end.then(async () => (await ask(relay, true)).rss);
  const lives = await Promise.all(
    Array.from({ length: liveStreams }, (_, i) => read(urlOf(i), { maxMs: liveSeconds * 1000 })),
  );
  clearInterval(sampler);
  const liveBytes = lives.reduce((n, r) => n + r.bytes, 0);
  const wall = Math.max(...lives.map((r) => r.seconds));
  const perStreamMbit = (liveBytes * 8) / wall / liveStreams / 1e6;
  const at25 = (from: { cpuSeconds: number; at: number }, to: { cpuSeconds: number; at: number }) =>
    ((to.cpuSeconds - from.cpuSeconds) / (to.at - from.at) / liveStreams) * (25 / perStreamMbit);
  const [w, e] = [await warm, await end];
  return {
    idleRss: idle.rss,
    peakRss: Math.max(...rssSamples, e.rss),
    liveRss: await liveAfterGc,
    perStreamMbit,
    perStreamAt25: at25(idle, e),
    steadyAt25: at25(w, e),
  };
}

/** One unpaced 1 GiB read, and the CPU seconds per GB each process spent on it. */
interface FastRun extends Read {
  clientCpuPerGb: number;
  providerCpuPerGb: number;
  relayCpuPerGb: number;
}

async function readFast(url: string, provider: ChildProcess, relay?: ChildProcess | NginxRelay): Promise<FastRun> {
  if (relay && !('url' in relay)) await waitForNoSessions(relay);
  await waitForNoSessions(provider);
  const relayCpu = async () =>
    relay === undefined ? 0 : 'url' in relay ? relay.cpuSeconds() : (await ask(relay)).cpuSeconds;
  const before = { client: process.cpuUsage(), provider: await ask(provider), relay: await relayCpu() };
  const r = await read(url);
  const client = process.cpuUsage(before.client);
  const after = { provider: await ask(provider), relay: await relayCpu() };
  const gb = r.bytes / 1e9;
  return {
    ...r,
    clientCpuPerGb: (client.user + client.system) / 1e6 / gb,
    providerCpuPerGb: (after.provider.cpuSeconds - before.provider.cpuSeconds) / gb,
    relayCpuPerGb: (after.relay - before.relay) / gb,
  };
}

interface SharedFigures {
  /** Stream requests the provider had during the run, and the most it had open at once (sampled). */
  providerConnections: number;
  peakOpenUpstreams: number;
  /** Slowest and fastest viewer, Mbit/s; all viewers together. */
  minMbit: number;
  maxMbit: number;
  totalMbit: number;
  /** Fraction of a core over the first `liveSeconds - 1` s. */
  cpuShare: number;
  peakRss: number;
}

/** `sharedViewers` clients on one 25 Mbit/s channel at once for `liveSeconds`: provider connections, proxy CPU and RSS. */
async function measureShared(app: AppUnderTest, provider: ChildProcess): Promise<SharedFigures> {
  await waitForNoSessions(app.child);
  await waitForNoSessions(provider);
  const before = await ask(provider);
  const idle = { ...(await ask(app.child)), at: now() };
  let peakOpen = 0;
  const rss: number[] = [];
  const sampler = setInterval(() => {
    void ask(provider).then((p) => (peakOpen = Math.max(peakOpen, p.sessions)));
    void ask(app.child).then((a) => rss.push(a.rss));
  }, 250);
  const end = sleep((liveSeconds - 1) * 1000).then(async () => ({ ...(await ask(app.child)), at: now() }));
  const reads = await Promise.all(
    Array.from({ length: sharedViewers }, () => read(`${app.url}/stream/shared.bench`, { maxMs: liveSeconds * 1000 })),
  );
  clearInterval(sampler);
  const e = await end;
  const after = await ask(provider);
  const mbit = reads.map((r) => (r.bytes * 8) / r.seconds / 1e6);
  return {
    providerConnections: (after.streamRequests ?? 0) - (before.streamRequests ?? 0),
    peakOpenUpstreams: peakOpen,
    minMbit: Math.min(...mbit),
    maxMbit: Math.max(...mbit),
    totalMbit: mbit.reduce((a, b) => a + b, 0),
    cpuShare: (e.cpuSeconds - idle.cpuSeconds) / (e.at - idle.at),
    peakRss: Math.max(...rss, e.rss),
  };
}

/** Per party, its lowest CPU per GB over the rounds, and the fastest round. */
function bestOf(runs: FastRun[]): FastRun {
  const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const min = (key: 'clientCpuPerGb' | 'providerCpuPerGb' | 'relayCpuPerGb') => Math.min(...runs.map((r) => r[key]));
  return {
    ...fastest,
    clientCpuPerGb: min('clientCpuPerGb'),
    providerCpuPerGb: min('providerCpuPerGb'),
    relayCpuPerGb: min('relayCpuPerGb'),
  };
}

/** GB/s that the processes' CPU costs allow on `cores` cores: each process on at most one core, together on all of them. */
function cpuBound(cpuPerGb: number[], cores: number): number {
  const sum = cpuPerGb.reduce((a, b) => a + b, 0);
  return Math.min(cores / sum, 1 / Math.max(...cpuPerGb));
}

/** Time to first byte, direct and through `app`: interleaved, each on a new connection, after a warm-up; sorted. */
async function measureTtfb(
  directUrl: string,
  app: AppUnderTest,
): Promise<{ ttfbDirect: number[]; ttfbProxy: number[] }> {
  const proxied = `${app.url}/stream/ttfb.bench`;
  const ttfbDirect: number[] = [];
  const ttfbProxy: number[] = [];
  for (let i = -10; i < ttfbRounds; i++) {
    // 10 warm-up rounds first
    const d = await read(directUrl, { maxBytes: 1 });
    const p = await read(proxied, { maxBytes: 1 });
    if (i >= 0) {
      ttfbDirect.push(d.ttfbMs);
      ttfbProxy.push(p.ttfbMs);
    }
    await waitForNoSessions(app.child);
  }
  return { ttfbDirect: ttfbDirect.sort((a, b) => a - b), ttfbProxy: ttfbProxy.sort((a, b) => a - b) };
}

/** nginx started as the reference relay, or why there is none (not installed, or it would not start). */
async function startNginxIfThere(dir: string, providerUrl: string): Promise<{ relay?: NginxRelay; missing?: string }> {
  const binary = findNginx();
  if (!binary) return { missing: 'nginx not on PATH (Debian: `apt-get install nginx-light`): no reference this run' };
  try {
    return { relay: await startNginx(binary, dir, providerUrl) };
  } catch (error) {
    return { missing: `nginx did not start: ${(error as Error).message.split('\n')[0]}` };
  }
}

async function main(): Promise<void> {
  const temp = makeTempDir('tunerbridge-bench-proxy-');
  compileApp(temp.path);
  const shippedFlags = startScriptNodeFlags();
  const provider = await startChild(fileURLToPath(import.meta.url), ['provider']);
  const app = await startAppUnderTest(temp.path, provider.url, 'shipped', shippedFlags);
  const direct = (id: number) => `${provider.url}/live/${account.username}/${account.password}/${id}.ts`;
  const proxied = (channelId: string) => `${app.url}/stream/${channelId}`;

  const { ttfbDirect, ttfbProxy } = await measureTtfb(direct(ids.ttfb), app);

  const live = await measureLive(app.child, (i) => proxied(`live${i}.bench`));
  await app.close(); // measureLive forced a GC: the unpaced rounds get a fresh app

  // One unpaced stream, 1 GiB, best of 5 each way, interleaved: direct, through the proxy, through the
  // bare relay. Best of 5 because three busy processes share this machine's cores.
  const fastApp = await startAppUnderTest(temp.path, provider.url, 'shipped-unpaced', shippedFlags);
  const bare = await startChild(
    join(temp.path, 'bare-relay-child.mjs'),
    [provider.url],
    ['--expose-gc', ...shippedFlags],
  );
  const viaBare = (id: number) => `${bare.url}/live/${account.username}/${account.password}/${id}.ts`;
  // And through nginx (C, proxy_pass) when it is installed: the goal is measured against it.
  const nginx = await startNginxIfThere(temp.path, provider.url);
  const viaNginx = (id: number) => `${nginx.relay?.url}/live/${account.username}/${account.password}/${id}.ts`;
  const runs = { direct: [] as FastRun[], proxy: [] as FastRun[], bare: [] as FastRun[], nginx: [] as FastRun[] };
  for (let round = 0; round < 5; round++) {
    runs.direct.push(await readFast(direct(ids.fast), provider.child));
    runs.proxy.push(await readFast(`${fastApp.url}/stream/fast.bench`, provider.child, fastApp.child));
    runs.bare.push(await readFast(viaBare(ids.fast), provider.child, bare.child));
    if (nginx.relay) runs.nginx.push(await readFast(viaNginx(ids.fast), provider.child, nginx.relay));
  }
  await fastApp.close();
  const nginxRss = nginx.relay?.rss();
  await nginx.relay?.close();
  const bareLive = await measureLive(bare.child, (i) => viaBare(ids.live + i));
  await stopChild(bare.child);

  // 20 viewers of one channel at once, on a fresh app (measureLive's forced GC is behind the others).
  const sharedApp = await startAppUnderTest(temp.path, provider.url, 'shipped-shared', shippedFlags);
  const shared = await measureShared(sharedApp, provider.child);
  await sharedApp.close();

  // The same under plain node (no V8 flags): what the flags buy in RSS and cost in CPU.
  const plain = await startAppUnderTest(temp.path, provider.url, 'plain-node', []);
  await measureTtfb(direct(ids.ttfb), plain); // the same history as the shipped app before its live streams
  const livePlain = await measureLive(plain.child, (i) => `${plain.url}/stream/live${i}.bench`);
  await plain.close();
  const plainFast = await startAppUnderTest(temp.path, provider.url, 'plain-node-unpaced', []);
  const plainRuns: FastRun[] = [];
  for (let round = 0; round < 5; round++)
    plainRuns.push(await readFast(`${plainFast.url}/stream/fast.bench`, provider.child, plainFast.child));
  await plainFast.close();
  await stopChild(provider.child);
  temp.remove();

  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const mbps = (r: Read) => (r.bytes / r.seconds / 1e6).toFixed(0);
  const mb = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MB`;
  const s = (x: number) => `${x.toFixed(2)} s`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const fast = {
    direct: bestOf(runs.direct),
    proxy: bestOf(runs.proxy),
    bare: bestOf(runs.bare),
    plain: bestOf(plainRuns),
    nginx: runs.nginx.length ? bestOf(runs.nginx) : undefined,
  };
  const rate = (r: Read) => r.bytes / r.seconds;
  const addedTtfb = quantile(ttfbProxy, 0.5) - quantile(ttfbDirect, 0.5);
  const share = rate(fast.proxy) / rate(fast.direct);
  const cpuPerGb = fast.proxy.relayCpuPerGb;
  const cores = availableParallelism();
  // What the measured CPU costs allow on this machine, as a share of the direct read: an upper bound for any run.
  const boundShare = (r: FastRun) =>
    (cpuBound([r.providerCpuPerGb, r.relayCpuPerGb, r.clientCpuPerGb], cores) * 1e9) / rate(fast.direct);
  const nginxRows = (() => {
    const n = fast.nginx;
    if (!n || !nginx.relay)
      return [`| reference: the same through nginx in the proxy's place | | ${nginx.missing} | | |`];
    const speed = rate(fast.proxy) / rate(n);
    const cost = cpuPerGb / n.relayCpuPerGb;
    return [
      `| reference: the same through ${nginx.relay.version} (\`proxy_pass\`, \`proxy_buffering off\`, 1 worker) in the proxy's place | | ${mbps(n)} MB/s (${(100 * (rate(n) / rate(fast.direct))).toFixed(0)}%), ${s(n.relayCpuPerGb)} CPU per GB, RSS ${mb(nginxRss ?? 0)} | | |`,
      `| proxy throughput ÷ nginx's (unpaced, best of 5 each) | | ${speed.toFixed(2)}× | ≥ 0.9× | ${verdict(speed >= 0.9)} |`,
      `| proxy CPU per GB ÷ nginx's | | ${cost.toFixed(2)}× | ≤ 1.5× | ${verdict(cost <= 1.5)} |`,
    ];
  })();
  const flagsLabel = shippedFlags.length ? `node ${shippedFlags.join(' ')}` : 'plain node';
  const rssRow = (l: LiveFigures, fresh: number) =>
    `${mb(l.peakRss)} (fresh ${mb(fresh)}, before the streams ${mb(l.idleRss)}, after a forced GC with the streams open ${mb(l.liveRss)})`;
  const section = [
    '## Stream proxy (`npm run bench:proxy`)',
    '',
    `Fake provider, app and client in three processes on loopback; the app's CPU and RSS are the proxy's alone. The app runs as \`npm start\` runs it (\`${flagsLabel}\`). Node ${process.version}, ${cores} cores, ${new Date().toISOString()}.`,
    '',
    '| figure | direct from provider | through the proxy | target | |',
    '| --- | --- | --- | --- | --- |',
    `| time to first byte, median (${ttfbRounds} new connections) | ${ms(quantile(ttfbDirect, 0.5))} | ${ms(quantile(ttfbProxy, 0.5))} (+${ms(addedTtfb)}) | < 5 ms added | ${verdict(addedTtfb < 5)} |`,
    `| time to first byte, p95 | ${ms(quantile(ttfbDirect, 0.95))} | ${ms(quantile(ttfbProxy, 0.95))} | | |`,
    `| one unpaced stream, 1 GiB (best of 5) | ${mbps(fast.direct)} MB/s | ${mbps(fast.proxy)} MB/s (${(100 * share).toFixed(0)}%) | ≥ 80% of direct | ${verdict(share >= 0.8)} |`,
    `| reference: the same through a bare Node relay (node:http get → pipe) in the proxy's place | | ${mbps(fast.bare)} MB/s (${(100 * (rate(fast.bare) / rate(fast.direct))).toFixed(0)}%) | | |`,
    ...nginxRows,
    `| proxy CPU per GB relayed (unpaced stream; bare relay ${s(fast.bare.relayCpuPerGb)}) | | ${s(cpuPerGb)} | < 3.2 s (= 1% of a core at 25 Mbit/s) | ${verdict(cpuPerGb < 3.2)} |`,
    `| proxy CPU per 25 Mbit/s stream (20 live streams, ${live.perStreamMbit.toFixed(1)} Mbit/s each as paced; CPU over their first ${liveSeconds - 1} s) | | ${pct(live.perStreamAt25)} of a core (from the 2nd second on: ${pct(live.steadyAt25)}; bare relay ${pct(bareLive.perStreamAt25)} / ${pct(bareLive.steadyAt25)}) | < 1% | ${verdict(live.perStreamAt25 < 0.01)} |`,
    `| proxy RSS, 20 concurrent 25 Mbit/s streams: peak | | ${rssRow(live, app.freshRss)} | < 150 MB | ${verdict(live.peakRss < 150 * 1024 * 1024)} |`,
    `| the same under plain node (no V8 flags, as \`node dist/main.js\` or the \`tunerbridge\` bin run) | | ${rssRow(livePlain, plain.freshRss)}; CPU ${pct(livePlain.perStreamAt25)} of a core per stream; unpaced ${mbps(fast.plain)} MB/s, ${s(fast.plain.relayCpuPerGb)} per GB | < 150 MB | ${verdict(livePlain.peakRss < 150 * 1024 * 1024)} |`,
    `| ${sharedViewers} viewers on one channel (25 Mbit/s) at once for ${liveSeconds} s: provider connections opened | | ${shared.providerConnections} (at most ${shared.peakOpenUpstreams} open at once) | 1 | ${verdict(shared.providerConnections === 1)} |`,
    `| the same: proxy CPU, RSS, viewers' rate | | ${pct(shared.cpuShare)} of a core (${pct(shared.cpuShare / sharedViewers)} per viewer); peak RSS ${mb(shared.peakRss)}; each viewer ${shared.minMbit.toFixed(1)}-${shared.maxMbit.toFixed(1)} Mbit/s, ${shared.totalMbit.toFixed(0)} Mbit/s out in all | | |`,
    '',
    `CPU seconds per GB on the unpaced stream: direct read: provider ${s(fast.direct.providerCpuPerGb)}, client ${s(fast.direct.clientCpuPerGb)}; ` +
      `through the proxy: provider ${s(fast.proxy.providerCpuPerGb)}, proxy ${s(cpuPerGb)}, client ${s(fast.proxy.clientCpuPerGb)}; through the bare relay: relay ${s(fast.bare.relayCpuPerGb)}. ` +
      `On ${cores} cores (each process on at most one, all of them together on all) those costs allow at most ${(100 * boundShare(fast.proxy)).toFixed(0)}% of the direct read through the proxy ` +
      `and ${(100 * boundShare(fast.bare)).toFixed(0)}% through the bare relay: the direct read is two processes, a relayed read three, and a relay receives and sends every byte ` +
      `(most of its CPU is the kernel's copy in read/writev), so it costs more per GB than either end. ` +
      `The V8 flags (a capped young generation) save ${mb(livePlain.peakRss - live.peakRss)} of peak RSS with the 20 streams; their possible price is page faults (buffers freed sooner: malloc returns 64 KiB socket read buffers to the kernel and faults them back in), ` +
      `seen most on the unpaced stream: proxy CPU per GB ${s(cpuPerGb)} with the flags, ${s(fast.plain.relayCpuPerGb)} without. ` +
      `No figure comes from a process after the bench's forced GC (\`global.gc()\`, for the RSS with the streams open): it leaves V8 markedly slower for a long while (until 2026-12-01 it fell inside the live CPU window and before the unpaced rounds). ` +
      `Load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')}. ` +
      `Most RSS above the fresh process is V8's young generation growing under the buffer churn (and malloc keeping freed stream buffers), not buffered stream data: backpressure bounds that (test/tuner/stream-performance.test.ts).`,
  ].join('\n');
  console.log(section);
  recordResults('proxy', section);
}

const [role] = process.argv.slice(2);
if (role === 'provider') await runProvider();
else await main();
