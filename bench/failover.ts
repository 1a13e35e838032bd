/*
 * bench:failover — what a client sees when the channel's primary candidate fails and a healthy
 * backup is mapped to the same channel: time to first byte when the primary refuses (reset before
 * any answer, HTTP 500, TCP connection refused) or hangs (accepts, never answers), and the gap at a
 * mid-stream stall (from the last byte the dead upstream sent to the first byte of the backup at
 * the client).
 *
 * Only HTTP: the real app (buildApp + listen, test/support/start-app.ts) on a temp SQLite, the
 * fake provider, and a bench-local upstream that stalls after a set number of bytes (so the bench
 * knows the moment of its last byte). Each run gets a fresh app: an engine that remembers the last
 * working candidate, or cools a failed one down, would otherwise start the next run on the backup.
 * An engine without failover answers 503 or ends the stream: the bench reports that as it is.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { loadavg } from 'node:os';
import { createConfig } from '../src/core/index.js';
import { openDatabase } from '../src/db/index.js';
import { startFakeProvider, type FakeProvider, type StreamFault } from '../test/support/fake-xtream-provider.js';
import { fixturePath } from '../test/support/paths.js';
import { seedLineupChannel, seedMapping, seedProviderChannel } from '../test/support/seed.js';
import { startApp, type TestApp } from '../test/support/start-app.js';
import { recordResults } from './results-file.js';

const rounds = 3;
const account = { username: 'bench', password: 'bench-Pa55' };
const ids = { primary: 11, backup: 12 };
const packet = 188;
const nullPid = 0x1fff;
/** The stalling upstream's bytes before it goes quiet: 100 packets short of a second at 2 Mbit/s. */
const stallAfterBytes = packet * 7 * 10 * 15;
/** The longest a client read lasts (the engine's recovery bound is 60 s: longer than a bench run should wait). */
const maxReadMs = 30_000;
const defaults = createConfig({});
const connectTimeoutMs = defaults.upstreamConnectTimeoutMs;
// Read by name: the option lands with the failover engine; until then the default.
const configuredStall = (defaults as unknown as Record<string, unknown>).stallTimeoutMs;
const stallTimeoutMs = typeof configuredStall === 'number' ? configuredStall : 3000;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the stalling upstream
interface StallingUpstream {
  url: string;
  /** When the last byte of each stream it served was written (ms, `now()`), in order. */
  lastByteAt: number[];
  close(): Promise<void>;
}

/** A provider whose every `/live/…` stream sends `stallAfterBytes` of real TS at 2 Mbit/s, then nothing, the socket left open. */
async function startStallingUpstream(): Promise<StallingUpstream> {
  const ts = readFileSync(fixturePath('sample.mpegts'));
  const sockets = new Set<Socket>();
  const lastByteAt: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!/^\/live\/[^/]+\/[^/]+\/\d+\.ts$/.test(req.url ?? '')) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    const chunk = packet * 7 * 10;
    let sent = 0;
    const index = lastByteAt.push(0) - 1;
    const pump = () => {
      if (res.destroyed || sent >= stallAfterBytes) return;
      const from = sent % (ts.length - chunk);
      res.write(ts.subarray(from - (from % packet), from - (from % packet) + chunk));
      sent += chunk;
      lastByteAt[index] = now();
      setTimeout(pump, (chunk * 8 * 1000) / 2_000_000);
    };
    pump();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lastByteAt,
    close: () =>
      new Promise((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** A loopback port nothing listens on (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

// ---------------------------------------------------------------- the client
interface ClientRead {
  status: number;
  headersMs: number;
  /** First body byte, and first byte of a packet that is not a null packet (PID 0x1FFF): picture data. */
  firstByteMs: number | undefined;
  firstDataMs: number | undefined;
  bytes: number;
  /** Arrival time (`now()`) of every chunk carrying a non-null packet, and of every chunk at all. */
  dataArrivals: number[];
  arrivals: number[];
  /** Whole packets that did not start with 0x47 at a 188-byte boundary of the body. */
  misaligned: number;
  ended: 'end' | 'error' | 'read limit' | 'bench stop';
  /** When the response ended (`now()`). */
  endedAt: number;
}

/**
 * GETs `url`; reads until the end, `maxReadMs`, or `stop(read)` says enough. Walks the body in
 * 188-byte steps from its first byte to tell null packets from data and count misaligned packets.
 */
function readStream(url: string, stop: (r: ClientRead) => boolean): Promise<ClientRead> {
  return new Promise((ok, fail) => {
    const started = now();
    const r: ClientRead = {
      status: 0,
      headersMs: 0,
      firstByteMs: undefined,
      firstDataMs: undefined,
      bytes: 0,
      dataArrivals: [],
      arrivals: [],
      misaligned: 0,
      ended: 'end',
      endedAt: 0,
    };
    let carry: Buffer = Buffer.alloc(0);
    const req = httpRequest(url, { agent: false }, (res) => {
      r.status = res.statusCode ?? 0;
      r.headersMs = now() - started;
      const finish = (how: ClientRead['ended']) => {
        clearTimeout(timer);
        r.ended = how;
        r.endedAt = now();
        req.destroy();
        ok(r);
      };
      const timer = setTimeout(() => finish('read limit'), maxReadMs);
      res.on('data', (chunk: Buffer) => {
        const at = now();
        r.firstByteMs ??= at - started;
        r.bytes += chunk.length;
        r.arrivals.push(at);
        const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        let data = false;
        let i = 0;
        for (; i + packet <= buf.length; i += packet) {
          if (buf[i] !== 0x47) r.misaligned++;
          else if ((((buf[i + 1]! & 0x1f) << 8) | buf[i + 2]!) !== nullPid) data = true;
        }
        carry = buf.subarray(i);
        if (data) {
          r.firstDataMs ??= at - started;
          r.dataArrivals.push(at);
        }
        if (stop(r)) finish('bench stop');
      });
      res.once('end', () => finish('end'));
      res.once('error', () => finish('error'));
    });
    req.once('error', fail);
    req.end();
  });
}

// ---------------------------------------------------------------- the scenarios
type Scenario =
  | { name: string; kind: 'connect'; fault: StreamFault | 'connection refused'; target: number; targetText: string }
  | { name: string; kind: 'stall' };

const scenarios: Scenario[] = [
  {
    name: 'primary refuses: connection reset before any answer',
    kind: 'connect',
    fault: { kind: 'refuse' },
    target: 2000,
    targetText: '< 2 s',
  },
  {
    name: 'primary refuses: HTTP 500',
    kind: 'connect',
    fault: { kind: 'status', status: 500 },
    target: 2000,
    targetText: '< 2 s',
  },
  {
    name: 'primary refuses: TCP connection refused (its account on a closed port; backup on another account)',
    kind: 'connect',
    fault: 'connection refused',
    target: 2000,
    targetText: '< 2 s',
  },
  {
    name: 'primary hangs: accepts, never answers',
    kind: 'connect',
    fault: { kind: 'stall' },
    target: connectTimeoutMs + 1000,
    targetText: `< ${((connectTimeoutMs + 1000) / 1000).toFixed(0)} s (connect timeout + 1 s)`,
  },
  { name: 'mid-stream stall (backup on another account)', kind: 'stall' },
];

interface Run {
  read: ClientRead;
  /** Provider stream ids requested, in order (p = primary, b = backup). */
  requested: string;
  /** Stall scenario: the dead upstream's last byte, and the first data byte at the client after the longest silence. */
  gapMs?: number;
  silenceMs?: number;
  /** Stall scenario: from the dead upstream's last byte to the end of the client's response. */
  endedAfterDeadMs?: number;
  /** Longest time without any byte at the client (null packets count) after the first byte. */
  longestQuietMs?: number;
}

/** A fresh app with the channel `bench.failover`: the primary candidate (faulty) and a healthy backup. */
async function setUp(provider: FakeProvider, scenario: Scenario, stalling: StallingUpstream): Promise<{ t: TestApp }> {
  const t = await startApp({ logLevel: 'warn' });
  const main = t.domains.accounts.create({ name: 'main', serverUrl: provider.url, ...account, maxConnections: 10 });
  const db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  try {
    const lineup = seedLineupChannel(db, { channelId: 'bench.failover' });
    const onOtherAccount = scenario.kind === 'stall' || scenario.fault === 'connection refused';
    if (onOtherAccount) {
      const serverUrl = scenario.kind === 'stall' ? stalling.url : `http://127.0.0.1:${await closedPort()}`;
      const other = t.domains.accounts.create({ name: 'other', serverUrl, ...account, maxConnections: 10 });
      const primary = seedProviderChannel(db, {
        accountId: other.id,
        name: 'Failover',
        streams: [{ streamId: ids.primary, tier: 'FHD' }],
      });
      const backup = seedProviderChannel(db, {
        accountId: main.id,
        name: 'Failover',
        streams: [{ streamId: ids.backup, tier: 'HD' }],
      });
      seedMapping(db, { lineupChannelId: lineup, providerChannelId: primary, primary: true });
      seedMapping(db, { lineupChannelId: lineup, providerChannelId: backup, primary: false, priority: 1 });
    } else {
      // One mapping, two variants on one account: the best tier (the faulty one) is the first candidate.
      const channel = seedProviderChannel(db, {
        accountId: main.id,
        name: 'Failover',
        streams: [
          { streamId: ids.primary, tier: 'FHD' },
          { streamId: ids.backup, tier: 'HD' },
        ],
      });
      seedMapping(db, { lineupChannelId: lineup, providerChannelId: channel });
    }
  } finally {
    db.close();
  }
  return { t };
}

async function runOnce(provider: FakeProvider, stalling: StallingUpstream, scenario: Scenario): Promise<Run> {
  provider.setStream(
    ids.primary,
    scenario.kind === 'connect' && scenario.fault !== 'connection refused' ? { fault: scenario.fault } : {},
  );
  provider.setStream(ids.backup, {});
  const before = provider.streamRequests().length;
  const stallsBefore = stalling.lastByteAt.length;
  const { t } = await setUp(provider, scenario, stalling);
  try {
    const url = `${t.url}/stream/bench.failover`;
    let read: ClientRead;
    if (scenario.kind === 'connect') {
      read = await readStream(url, (r) => r.firstDataMs !== undefined);
    } else {
      // Until the backup has run for 2 s after a silence longer than the stall timeout.
      read = await readStream(url, (r) => {
        const lastDead = stalling.lastByteAt[stallsBefore];
        const last = r.dataArrivals[r.dataArrivals.length - 1]!;
        return lastDead !== undefined && last - lastDead > stallTimeoutMs + 2000;
      });
    }
    const requested = provider
      .streamRequests()
      .slice(before)
      .map((q) => (q.streamId === ids.primary ? 'p' : q.streamId === ids.backup ? 'b' : String(q.streamId)));
    const stallRequests = stalling.lastByteAt.length - stallsBefore;
    const order = [...Array<string>(stallRequests).fill('p'), ...requested].join(' ');
    const run: Run = {
      read,
      requested:
        scenario.kind === 'connect' && scenario.fault === 'connection refused' ? `(p refused) ${order || '—'}` : order,
    };
    const lastDead = stalling.lastByteAt[stallsBefore];
    if (scenario.kind === 'stall') Object.assign(run, stallGap(read, lastDead));
    if (lastDead !== undefined) run.endedAfterDeadMs = read.endedAt - lastDead;
    return run;
  } finally {
    await t.close();
    await sleep(50);
  }
}

/** The longest silence in the client's data (null packets do not count) and the gap from the dead upstream's last byte. */
function stallGap(
  read: ClientRead,
  lastDeadByte: number | undefined,
): Pick<Run, 'gapMs' | 'silenceMs' | 'longestQuietMs'> {
  const quiet = (times: number[]) => {
    let longest = { ms: 0, resumedAt: undefined as number | undefined };
    for (let i = 1; i < times.length; i++)
      if (times[i]! - times[i - 1]! > longest.ms) longest = { ms: times[i]! - times[i - 1]!, resumedAt: times[i] };
    return longest;
  };
  const data = quiet(read.dataArrivals);
  const longestQuietMs = quiet(read.arrivals).ms;
  // Resumed only if data came after the dead upstream's last byte by more than loopback latency.
  const resumedAt = data.resumedAt;
  const resumed = resumedAt !== undefined && lastDeadByte !== undefined && resumedAt > lastDeadByte + 100;
  return {
    ...(resumed ? { gapMs: resumedAt - lastDeadByte, silenceMs: data.ms } : {}),
    longestQuietMs,
  };
}

// ---------------------------------------------------------------- the report
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One run in words: the figure when bytes came, else what the client got instead. */
function outcome(run: Run, scenario: Scenario): string {
  const r = run.read;
  if (r.status !== 200) return `HTTP ${r.status} after ${ms(r.headersMs)} — no failover`;
  if (scenario.kind === 'connect') {
    if (r.firstDataMs === undefined) return `200, then no data (${r.ended} after ${r.bytes} B) — no failover`;
    return ms(r.firstDataMs);
  }
  if (run.gapMs === undefined) {
    const how = r.ended === 'end' ? 'ended' : r.ended === 'error' ? 'reset' : `cut by the bench (${r.ended})`;
    const after =
      run.endedAfterDeadMs !== undefined ? ` ${ms(run.endedAfterDeadMs)} after the upstream's last byte` : '';
    return `no backup bytes: response ${how}${after}, ${(r.bytes / 1e6).toFixed(2)} MB in all — no failover`;
  }
  return `${ms(run.gapMs)} (client silence ${ms(run.silenceMs!)}, longest without any byte ${ms(run.longestQuietMs!)})`;
}

async function main(): Promise<void> {
  const provider = await startFakeProvider({ accounts: [account] });
  const stalling = await startStallingUpstream();
  const rows: string[] = [];
  try {
    for (const scenario of scenarios) {
      const runs: Run[] = [];
      for (let i = 0; i < rounds; i++) runs.push(await runOnce(provider, stalling, scenario));
      const figures = runs.map((r) => (scenario.kind === 'connect' ? r.read.firstDataMs : r.gapMs));
      const all = figures.every((f) => f !== undefined && runs.every((r) => r.read.status === 200));
      const value = all ? median(figures as number[]) : undefined;
      const target = scenario.kind === 'connect' ? scenario.targetText : '—';
      const met =
        scenario.kind === 'connect'
          ? value !== undefined && value < scenario.target
            ? 'met'
            : '**not met**'
          : value !== undefined
            ? ''
            : '**no failover**';
      const misaligned = runs.reduce((n, r) => n + r.read.misaligned, 0);
      rows.push(
        `| ${scenario.name} | ${value !== undefined ? ms(value) : '—'} | ${runs.map((r) => outcome(r, scenario)).join('; ')} | ${runs.map((r) => r.requested || '—').join('; ')} | ${misaligned} | ${target} | ${met} |`,
      );
      console.log(rows[rows.length - 1]);
    }
  } finally {
    await stalling.close();
    await provider.close();
  }
  const section = [
    '## Failover (`npm run bench:failover`)',
    '',
    `The real app (buildApp + listen) on loopback with a temp SQLite, the fake provider, and a bench-local upstream that stalls after ${(stallAfterBytes / 1e3).toFixed(0)} kB of 2 Mbit/s TS; one channel with a faulty primary candidate (FHD) and a healthy backup (HD), a fresh app for each of ${rounds} runs (nothing remembered between runs). Time to first byte is to the first TS packet that is not a null packet (PID 0x1FFF), from the request. Upstream connect timeout ${ms(connectTimeoutMs)}, stall timeout ${ms(stallTimeoutMs)}${typeof configuredStall === 'number' ? '' : " (the issue's default; the app has no such option yet)"}. Node ${process.version}, ${new Date().toISOString()}, load average at the end ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}.`,
    '',
    '| primary candidate | median | runs | upstreams requested (p primary, b backup) | misaligned packets | target | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `The mid-stream figure is from the dead upstream's last byte to the first data byte of the backup at the client; "client silence" is the longest time without data at the client, "longest without any byte" counts null packets too (the engine sends one every ~0.5 s while it recovers, so Plex and Jellyfin do not time out).`,
  ].join('\n');
  console.log(section);
  recordResults('failover', section);
}

await main();
