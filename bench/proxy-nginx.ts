/*
 * The reference relay of bench:proxy written in C: nginx (the Debian package, nginx-light here)
 * started by the bench on loopback, `proxy_pass` to the fake provider with `proxy_buffering off`,
 * in the proxy's place. Not a dependency: when `nginx` is not on PATH the bench says so in its row.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface NginxRelay {
  url: string;
  version: string;
  /** User + system CPU seconds of the master and its workers so far. */
  cpuSeconds(): number;
  /** Resident memory of the master and its workers, bytes. */
  rss(): number;
  close(): Promise<void>;
}

/** The first `nginx` executable on PATH, or undefined. */
export function findNginx(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, 'nginx');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Starts nginx with one worker (the app is one Node process on one main thread: the fair
 * comparison) relaying to `providerUrl`; resolves once it answers on its port. Its temp paths and
 * logs are under `dir`, so nothing outside is touched.
 */
export async function startNginx(binary: string, dir: string, providerUrl: string): Promise<NginxRelay> {
  const root = join(dir, 'nginx');
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  const temp = (name: string) => `${name}_temp_path ${join(root, name)};`;
  // As root the workers would run as `nobody`, which is fine for a relay that reads no files;
  // `user root;` is not needed.
  const conf = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(root, 'nginx.pid')};`,
    `error_log ${join(root, 'error.log')} warn;`,
    'events {}',
    'http {',
    '  access_log off;',
    '  proxy_buffering off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
    `  server { listen 127.0.0.1:${port}; location / { proxy_pass ${providerUrl}; } }`,
    '}',
  ].join('\n');
  const confFile = join(root, 'nginx.conf');
  writeFileSync(confFile, conf);
  const version = spawnSync(binary, ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
  const child = spawn(binary, ['-p', root, '-e', join(root, 'error.log'), '-c', confFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await waitForPort(port, child, () => `${stderr}${readIfThere(join(root, 'error.log'))}`);
  const pid = child.pid!;
  const tick = clockTick();
  const family = () => [pid, ...childrenOf(pid)];
  return {
    url: `http://127.0.0.1:${port}`,
    version,
    cpuSeconds: () => family().reduce((n, p) => n + cpuTicks(p), 0) / tick,
    rss: () => family().reduce((n, p) => n + rssBytes(p), 0),
    close: () =>
      new Promise((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGQUIT'); // graceful: the master stops its workers and exits
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((ok) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => ok(true));
      socket.once('error', () => ok(false));
    }).then((up) => up);
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nginx did not listen on ${port}: ${log()}`);
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function clockTick(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout;
  return Number(out) || 100;
}

/** Processes whose parent is `pid` (the nginx workers), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readIfThere(`/proc/${entry}/stat`);
    // Field 4 (ppid) comes after the command name in parentheses, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** utime + stime (fields 14 and 15 of /proc/PID/stat), in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readIfThere(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readIfThere(`/proc/${pid}/status`))?.[1];
  return kb ? Number(kb) * 1024 : 0;
}
