/*
 * bench:hot-path — the stream engine's per-chunk work in one process, without sockets: the
 * sample stream looped into 1 GiB, cut into 64 KiB chunks (as socket reads come, not on packet
 * boundaries), through what the feed and the hub do with every chunk: PacketAligner →
 * StreamSplicer → TsAnalyzer → PacketRing → viewers writing to a discarding Writable.
 * Prints CPU seconds per GB for each stage alone and for the whole path (best of 3).
 * `tsx bench/hot-path.ts [viewers]`. A focused check for optimisations; bench:proxy is the figure.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { PacketAligner, StreamSplicer, TsAnalyzer } from '../src/mpegts/index.js';
import { PacketRing } from '../src/streaming/packet-ring.js';
import { SessionRegistry, Viewer } from '../src/streaming/index.js';

const sample = readFileSync(new URL('../test/fixtures/sample.mpegts', import.meta.url));
const chunkSize = 65_536;
const totalBytes = 1024 * 1024 * 1024;
const viewers = Number(process.argv[2] ?? 1);

// 1 GiB of looped sample as 64 KiB chunks: a pool of distinct chunks, reused (a socket's reads are fresh buffers).
const loop = Buffer.concat(Array.from({ length: Math.ceil((4 * chunkSize) / sample.length) + 1 }, () => sample));
const pool = Array.from({ length: 64 }, (_, i) => {
  const at = (i * chunkSize) % sample.length;
  return Buffer.from(loop.subarray(at, at + chunkSize));
});
const chunks = totalBytes / chunkSize;

function cpuSeconds(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

function makeViewer(registry: SessionRegistry): Viewer {
  const info = {
    id: String(Math.random()),
    channelId: 'bench',
    accountId: 1,
    streamId: 1,
    tier: 'HD' as const,
    clientAddress: '127.0.0.1',
    state: 'connecting' as const,
    startedAt: 0,
    bytesSent: 0,
  };
  const viewer = new Viewer(info, {
    registry,
    events: { record: () => undefined } as never,
    log: { debug: () => undefined } as never,
    clock: { now: () => Date.now() },
    onEnd: () => undefined,
    onDrain: () => undefined,
  });
  // A client that takes every write at once (no backpressure): what is left is the engine's own cost.
  void viewer.relayTo(new Writable({ write: (_chunk, _encoding, done) => done(), highWaterMark: 1 << 30 }));
  return viewer;
}

const stages: Record<string, () => (chunk: Buffer) => void> = {
  aligner: () => {
    const aligner = new PacketAligner();
    const discard = () => undefined;
    return (chunk) => aligner.pushEach(chunk, discard);
  },
  'aligner + splicer': () => {
    const aligner = new PacketAligner();
    const splicer = new StreamSplicer();
    const take = (packets: Buffer) => void splicer.push(packets);
    return (chunk) => aligner.pushEach(chunk, take);
  },
  'whole path': () => {
    const aligner = new PacketAligner();
    const splicer = new StreamSplicer();
    const analyzer = new TsAnalyzer();
    const ring = new PacketRing(() => Date.now());
    const registry = new SessionRegistry();
    const all = Array.from({ length: viewers }, () => makeViewer(registry));
    // As Feed.take and ChannelHub.distribute do it.
    const take = (packets: Buffer) => {
      const out = splicer.push(packets);
      if (!out) return;
      ring.push(out, analyzer.scan(out));
      for (const viewer of all) viewer.push(out);
    };
    return (chunk) => aligner.pushEach(chunk, take);
  },
};

console.log(`1 GiB in 64 KiB chunks, ${viewers} viewer(s); CPU seconds per GB, best of 3:`);
for (const [name, make] of Object.entries(stages)) {
  const runs: number[] = [];
  for (let round = 0; round < 3; round++) {
    const step = make();
    runs.push(
      cpuSeconds(() => {
        for (let i = 0; i < chunks; i++) step(pool[i % pool.length]!);
      }) /
        (totalBytes / 1e9),
    );
  }
  console.log(
    `${name.padEnd(20)} ${Math.min(...runs).toFixed(3)} s  (runs ${runs.map((r) => r.toFixed(3)).join(', ')})`,
  );
}
