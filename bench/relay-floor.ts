/*
 * bench:relay-floor — what relaying costs before any stream work: one unpaced 1 GiB HTTP body
 * (64 KiB writes) from a bare provider through relays that do nothing but relay, each in its own
 * process, on loopback. nginx (`proxy_pass`, `proxy_buffering off`, 1 worker) against three Node
 * relays: a raw TCP pipe (no HTTP at all), node:http (get → pipe) and undici (request → write,
 * as the stream engine reads upstreams). Prints MB/s and the relay's CPU seconds per GB, best of
 * 3 each, interleaved. It bounds the proxy's `CPU per GB ÷ nginx's` goal from below: no relay
 * built on one of these can cost less than the bare one. `tsx bench/relay-floor.ts`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { get, createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { makeTempDir } from '../test/support/temp-dir.js';
import { findNginx, startNginx } from './proxy-nginx.js';
import { recordResults } from './results-file.js';

const totalBytes = 1024 ** 3;
const relayKinds = ['raw TCP pipe', 'node:http', 'undici'] as const;
type RelayKind = (typeof relayKinds)[number];

function listen(server: { listen: (port: number, host: string, cb: () => void) => void; address: () => unknown }) {
  return new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));
}

async function runProvider(): Promise<void> {
  const block = Buffer.alloc(65_536, 0x47);
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: video/mp2t\r\nconnection: close\r\n\r\n');
      let sent = 0;
      const go = () => {
        while (sent < totalBytes) {
          sent += block.length;
          if (!socket.write(block)) return void socket.once('drain', go);
        }
        socket.end();
      };
      go();
    });
  });
  process.send!({ port: await listen(server) });
}

async function runRelay(kind: RelayKind, upstreamPort: number): Promise<void> {
  const upstream = `http://127.0.0.1:${upstreamPort}/`;
  let port: number;
  if (kind === 'raw TCP pipe') {
    const server = createServer((client) => {
      const provider = connect(upstreamPort, '127.0.0.1');
      client.pipe(provider).on('error', () => undefined);
      provider.pipe(client).on('error', () => undefined);
    });
    port = await listen(server);
  } else {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      if (kind === 'node:http') return void get(upstream, { agent: false }, (body) => body.pipe(res));
      void request(upstream).then(({ body }) => {
        body.on('data', (chunk: Buffer) => {
          if (!res.write(chunk)) {
            body.pause();
            res.once('drain', () => body.resume());
          }
        });
        body.once('end', () => res.end());
      });
    });
    port = await listen(server);
  }
  process.on('message', () => {
    const used = process.cpuUsage();
    process.send!({ cpuSeconds: (used.user + used.system) / 1e6 });
  });
  process.send!({ port });
}

function start(args: string[], execArgv: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx', ...execArgv] });
  return new Promise((ok) => child.once('message', (m: { port: number }) => ok({ child, port: m.port })));
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((ok) => {
    child.once('message', (m: { cpuSeconds: number }) => ok(m.cpuSeconds));
    child.send('cpu');
  });
}

function read(url: string): Promise<{ bytes: number; seconds: number }> {
  return new Promise((ok, fail) => {
    const started = process.hrtime.bigint();
    let bytes = 0;
    get(url, { agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.once('end', () => ok({ bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
    }).once('error', fail);
  });
}

async function main(): Promise<void> {
  const temp = makeTempDir('tunerbridge-bench-floor-');
  const provider = await start(['provider']);
  const nginxBinary = findNginx();
  const nginx = nginxBinary ? await startNginx(nginxBinary, temp.path, `http://127.0.0.1:${provider.port}`) : undefined;
  // The relays run with the V8 flag of `npm start`, as the app does.
  const relays = await Promise.all(
    relayKinds.map(async (kind) => ({
      kind,
      ...(await start(['relay', kind, String(provider.port)], ['--max-semi-space-size=4'])),
    })),
  );
  const runs = new Map<string, { mbps: number; cpuPerGb: number }[]>();
  const note = (name: string, r: { bytes: number; seconds: number }, cpu: number) =>
    runs.set(name, [...(runs.get(name) ?? []), { mbps: r.bytes / r.seconds / 1e6, cpuPerGb: cpu / (r.bytes / 1e9) }]);
  for (let round = 0; round < 3; round++) {
    if (nginx) {
      const before = nginx.cpuSeconds();
      const r = await read(nginx.url);
      note(`nginx ${nginx.version}`, r, nginx.cpuSeconds() - before);
    }
    for (const relay of relays) {
      const before = await cpuOf(relay.child);
      const r = await read(`http://127.0.0.1:${relay.port}/`);
      note(relay.kind, r, (await cpuOf(relay.child)) - before);
    }
  }
  const best = [...runs].map(([name, list]) => ({
    name,
    mbps: Math.max(...list.map((r) => r.mbps)),
    cpuPerGb: Math.min(...list.map((r) => r.cpuPerGb)),
  }));
  const reference = best.find((b) => b.name.startsWith('nginx'));
  const lines = [
    `One unpaced 1 GiB body, 64 KiB writes, provider, relay and client in three processes on loopback; best of 3 each, interleaved. Node ${process.version}, ${new Date().toISOString()}.`,
    '',
    '| relay (does nothing but relay) | throughput | CPU per GB | ÷ nginx (CPU per GB) |',
    '| --- | --- | --- | --- |',
    ...best.map(
      (b) =>
        `| ${b.name} | ${b.mbps.toFixed(0)} MB/s | ${b.cpuPerGb.toFixed(2)} s | ${reference ? (b.cpuPerGb / reference.cpuPerGb).toFixed(2) + '×' : ''} |`,
    ),
  ];
  if (!nginx) lines.push('', 'nginx not found on PATH (Debian: apt-get install nginx-light): no reference row.');
  console.log(lines.join('\n'));
  recordResults('relay-floor', ['## Relay floor (`npm run bench:relay-floor`)', '', ...lines].join('\n'));
  await nginx?.close();
  for (const { child } of [provider, ...relays]) child.kill();
  temp.remove();
}

const [role, ...args] = process.argv.slice(2);
if (role === 'provider') await runProvider();
else if (role === 'relay') await runRelay(args[0] as RelayKind, Number(args[1]));
else await main();
