/*
 * The parties of bench:proxy other than the client: the fake provider (a child running this
 * module's `runProvider`), the compiled app and a bare Node relay (child scripts run by plain
 * node), and what sets them up. bench/proxy.ts is the client and the report.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const account = { username: 'bench', password: 'bench-Pa55' };
export const fastBytes = 1024 * 1024 * 1024; // one unpaced stream: 1 GiB
export const liveStreams = 20;
export const liveBitrate = 25_000_000;
export const liveSeconds = 10;
export const ids = { ttfb: 1, fast: 2, shared: 3, live: 100 };
/** Viewers of one channel at once (one 25 Mbit/s stream): with sharing, one provider connection. */
export const sharedViewers = 20;

export type Message = Record<string, unknown> & { type: string };

// ---------------------------------------------------------------- child: the fake provider
export async function runProvider(): Promise<void> {
  const { startFakeProvider } = await import('../test/support/fake-xtream-provider.js');
  const provider = await startFakeProvider({ accounts: [account] });
  provider.setStream(ids.fast, { unpaced: true, totalBytes: fastBytes });
  provider.setStream(ids.shared, { bitrate: liveBitrate });
  for (let i = 0; i < liveStreams; i++) provider.setStream(ids.live + i, { bitrate: liveBitrate });
  process.on('message', (m: Message) => {
    if (m.type === 'stats')
      process.send!({
        type: 'stats',
        id: m.id,
        ...usage(),
        sessions: provider.openStreams(),
        streamRequests: provider.streamRequests().length,
      });
    if (m.type === 'close') void provider.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0)); // the bench died: do not linger
  process.send!({ type: 'ready', url: provider.url });
}

function usage(): { cpuSeconds: number; rss: number } {
  const cpu = process.cpuUsage();
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rss: process.memoryUsage().rss };
}

// ---------------------------------------------------------------- child: the app (the proxy)
// The app runs compiled, under node with no loader, as `npm start` runs it: tsx's loader alone adds
// ~40 MB of RSS that production never has. This child script is written next to the compiled code.
const appChild = `
import { Writable } from 'node:stream';
const [dist, providerUrl, dataDir, username, password] = process.argv.slice(2);
const { buildApp } = await import(dist + '/app.js');
const { createConfig, createLogger } = await import(dist + '/core/index.js');
const { openDatabase } = await import(dist + '/db/index.js');
const db = openDatabase(dataDir + '/tunerbridge.db');
const log = createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() }));
const { app, domains } = await buildApp({ config: createConfig({ dataDir, discovery: false }), db, log, keyring: null });
await app.listen({ host: '127.0.0.1', port: 0 });
const account = domains.accounts.create({ name: 'bench', serverUrl: providerUrl, username, password, maxConnections: 1000 });
process.on('message', (m) => {
  if (m.type === 'stats') {
    if (m.gc) globalThis.gc();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    process.send({ type: 'stats', id: m.id, cpuSeconds: (cpu.user + cpu.system) / 1e6, rss: mem.rss, heapTotal: mem.heapTotal, external: mem.external, sessions: domains.streaming.sessions.size });
  }
  if (m.type === 'close') void app.close().then(() => { db.close(); process.exit(0); });
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: 'http://127.0.0.1:' + app.server.address().port, accountId: account.id });
`;

// The floor for any relay written in Node: node:http in, node:http out, pipe, nothing else (no
// routing, sessions, undici or Fastify). It forwards the request path to the provider as is.
const bareRelayChild = `
import { createServer, get } from 'node:http';
const [providerUrl] = process.argv.slice(2);
let sessions = 0;
const server = createServer((req, res) => {
  sessions++;
  const upstream = get(providerUrl + req.url, (body) => {
    res.writeHead(body.statusCode, { 'content-type': 'video/mp2t' });
    body.pipe(res);
  });
  upstream.once('error', () => res.destroy());
  res.once('close', () => { sessions--; upstream.destroy(); });
});
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', url: 'http://127.0.0.1:' + server.address().port }));
process.on('message', (m) => {
  if (m.type === 'stats') {
    if (m.gc) globalThis.gc();
    const cpu = process.cpuUsage();
    process.send({ type: 'stats', id: m.id, cpuSeconds: (cpu.user + cpu.system) / 1e6, rss: process.memoryUsage().rss, sessions });
  }
  if (m.type === 'close') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
`;

/** The V8 flags `npm start` runs the app with (`node <flags> dist/main.js`), so the bench measures what ships. */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts?: Record<string, string> };
  const flags = /\bnode((?:\s+--\S+)*)\s+dist\/main\.js\b/.exec(pkg.scripts?.start ?? '')?.[1] ?? '';
  return flags.split(/\s+/).filter(Boolean);
}

/** Compiles src/ into `dir/dist` (tsc, as `npm run build`) and writes the app and bare-relay child scripts; returns the app's. */
export function compileApp(dir: string): string {
  const dist = join(dir, 'dist');
  const tsc = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', dist, '--sourceMap', 'false'],
    { encoding: 'utf8' },
  );
  // tsc emits despite type errors elsewhere in a tree under construction; a missing app.js is fatal.
  if (!existsSync(join(dist, 'app.js'))) throw new Error(`tsc produced no app.js:\n${tsc.stdout}${tsc.stderr}`);
  cpSync('src/db/migrations', join(dist, 'db', 'migrations'), { recursive: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'app-child.mjs'), appChild);
  writeFileSync(join(dir, 'bare-relay-child.mjs'), bareRelayChild);
  return join(dir, 'app-child.mjs');
}

/** Seeds the lineup the bench plays, through a second connection to the app's database. */
export async function seedChannels(dataDir: string, accountId: number): Promise<void> {
  const { openDatabase } = await import('../src/db/index.js');
  const { seedLineupChannel, seedMapping, seedProviderChannel } = await import('../test/support/seed.js');
  const db = openDatabase(join(dataDir, 'tunerbridge.db'));
  const add = (channelId: string, streamId: number) => {
    const lineup = seedLineupChannel(db, { channelId });
    const provider = seedProviderChannel(db, { accountId, name: channelId, streams: [{ streamId, tier: 'HD' }] });
    seedMapping(db, { lineupChannelId: lineup, providerChannelId: provider });
  };
  add('ttfb.bench', ids.ttfb);
  add('fast.bench', ids.fast);
  add('shared.bench', ids.shared);
  for (let i = 0; i < liveStreams; i++) add(`live${i}.bench`, ids.live + i);
  db.close();
}
