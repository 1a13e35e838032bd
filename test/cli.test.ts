import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli, usage } from '../src/cli.js';
import { createConfig } from '../src/core/index.js';
import { repoRoot } from './support/paths.js';
import { makeTempDir } from './support/temp-dir.js';

function serveConfig(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const command = parseCli(argv, env);
  if (command.kind !== 'serve') throw new Error(`expected serve, got ${JSON.stringify(command)}`);
  return command.config;
}

describe('parseCli', () => {
  it('defaults: 0.0.0.0:5004, ~/.local/share/tunerbridge, log level info, 10 s tuner wait, 7 EPG days', () => {
    expect(serveConfig(['serve'])).toMatchObject({
      host: '0.0.0.0',
      port: 5004,
      dataDir: join(homedir(), '.local', 'share', 'tunerbridge'),
      logLevel: 'info',
      tunerWaitMs: 10_000,
      epgDays: 7,
    });
    // No command means serve.
    expect(parseCli([], {})).toEqual(parseCli(['serve'], {}));
  });

  it('lists the fields given on the command line (runtime settings cannot change those)', () => {
    const given = serveConfig([
      'serve',
      '--friendly-name',
      'Den',
      '--epg-days',
      '3',
      '--port',
      '6000',
    ]).givenOnCommandLine;
    expect(given).toEqual(expect.arrayContaining(['friendlyName', 'epgDays', 'port']));
    expect(given).not.toContain('tunerWaitMs');
    expect(given).not.toContain('logLevel');
    expect(serveConfig(['serve']).givenOnCommandLine).not.toContain('friendlyName');
  });

  it('takes the data dir from $TUNERBRIDGE_DATA_DIR, and --data-dir over it', () => {
    expect(serveConfig(['serve'], { TUNERBRIDGE_DATA_DIR: '/srv/tunerbridge' }).dataDir).toBe('/srv/tunerbridge');
    expect(serveConfig(['serve', '--data-dir', '/tmp/tb'], { TUNERBRIDGE_DATA_DIR: '/srv/tunerbridge' }).dataDir).toBe(
      '/tmp/tb',
    );
  });

  it('agrees with createConfig on the defaults', () => {
    expect(createConfig()).toMatchObject({ upstreamConnectTimeoutMs: 5000, tunerWaitMs: 10_000, epgDays: 7 });
    const { tunerWaitMs, epgDays } = createConfig();
    expect(serveConfig(['serve'])).toMatchObject({ tunerWaitMs, epgDays });
  });

  it('reads --tuner-wait-ms and --epg-days, including their bounds', () => {
    expect(serveConfig(['serve', '--tuner-wait-ms', '10000', '--epg-days', '3'])).toMatchObject({
      tunerWaitMs: 10_000,
      epgDays: 3,
    });
    expect(serveConfig(['--tuner-wait-ms', '0', '--epg-days', '1'])).toMatchObject({ tunerWaitMs: 0, epgDays: 1 });
    expect(serveConfig(['--tuner-wait-ms=60000', '--epg-days=14'])).toMatchObject({ tunerWaitMs: 60_000, epgDays: 14 });
  });

  it.each([
    ['--tuner-wait-ms=-1', /^invalid --tuner-wait-ms: -1 \(0-60000\)$/],
    ['--tuner-wait-ms=60001', /^invalid --tuner-wait-ms: 60001/],
    ['--tuner-wait-ms=2.5', /^invalid --tuner-wait-ms: 2\.5/],
    ['--tuner-wait-ms=1e3', /^invalid --tuner-wait-ms: 1e3/],
    ['--tuner-wait-ms=', /^invalid --tuner-wait-ms: /],
    ['--tuner-wait-ms=soon', /^invalid --tuner-wait-ms: soon/],
    ['--epg-days=0', /^invalid --epg-days: 0 \(1-14\)$/],
    ['--epg-days=15', /^invalid --epg-days: 15/],
    ['--epg-days=7.5', /^invalid --epg-days: 7\.5/],
    ['--epg-days=week', /^invalid --epg-days: week/],
    ['--guide-dir=guides', /^invalid --guide-dir: guides \(an absolute path\)$/],
    ['--guide-max-bytes=512K', /^invalid --guide-max-bytes: 512K/],
    ['--guide-max-bytes=65G', /^invalid --guide-max-bytes: 65G/],
    ['--guide-max-bytes=lots', /^invalid --guide-max-bytes: lots/],
  ])('refuses %s', (flag, message) => {
    expect(parseCli(['serve', flag], {})).toEqual({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('reads --guide-dir and --guide-max-bytes (a size with K, M or G)', () => {
    expect(serveConfig(['serve'])).toMatchObject({ guideDir: undefined, guideMaxXmlBytes: 2 * 1024 ** 3 });
    expect(serveConfig(['--guide-dir', '/srv/guides', '--guide-max-bytes', '500M'])).toMatchObject({
      guideDir: '/srv/guides',
      guideMaxXmlBytes: 500 * 1024 ** 2,
    });
    expect(serveConfig(['--guide-max-bytes=4G'])).toMatchObject({ guideMaxXmlBytes: 4 * 1024 ** 3 });
    expect(serveConfig(['--guide-max-bytes=1048576'])).toMatchObject({ guideMaxXmlBytes: 1024 ** 2 });
  });

  it('reads --allow-cidr, --trusted-proxy and --allowed-host, repeated or as comma lists', () => {
    expect(
      serveConfig([
        '--allow-cidr',
        '192.168.1.0/24, 10.0.0.5',
        '--allow-cidr=fd00::/8',
        '--trusted-proxy',
        '127.0.0.1',
        '--trusted-proxy',
        '172.16.0.0/12',
        '--allowed-host',
        'NAS.lan,tv.example.org',
      ]),
    ).toMatchObject({
      allowCidrs: ['192.168.1.0/24', '10.0.0.5', 'fd00::/8'],
      trustedProxies: ['127.0.0.1', '172.16.0.0/12'],
      allowedHosts: ['nas.lan', 'tv.example.org'],
    });
    expect(serveConfig(['--allow-cidr', '0.0.0.0/0,::/0']).allowCidrs).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('defaults: the tuner endpoints answer loopback, private, link-local and ULA clients; no proxy is trusted', () => {
    expect(serveConfig(['serve'])).toMatchObject({
      allowCidrs: [
        '127.0.0.0/8',
        '::1/128',
        '10.0.0.0/8',
        '172.16.0.0/12',
        '192.168.0.0/16',
        '169.254.0.0/16',
        'fe80::/10',
        'fc00::/7',
      ],
      trustedProxies: [],
      allowedHosts: [],
    });
  });

  it.each([
    ['--allow-cidr=10.0.0.0/33', /^invalid --allow-cidr: .*"10\.0\.0\.0\/33"/],
    ['--allow-cidr=lan', /^invalid --allow-cidr: .*"lan"/],
    ['--allow-cidr=', /^invalid --allow-cidr: .*""/],
    ['--allow-cidr=10.0.0.0/8,,', /^invalid --allow-cidr: .*""/],
    ['--trusted-proxy=proxy.lan', /^invalid --trusted-proxy: .*"proxy\.lan"/],
    ['--trusted-proxy=::/200', /^invalid --trusted-proxy: .*"::\/200"/],
    ['--allowed-host=nas.lan:5004', /^invalid --allowed-host: "nas\.lan:5004"/],
    ['--allowed-host=http://nas.lan', /^invalid --allowed-host: "http:\/\/nas\.lan"/],
    ['--allowed-host=', /^invalid --allowed-host: ""/],
  ])('refuses %s', (flag, message) => {
    expect(parseCli(['serve', flag], {})).toEqual({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('answers --help and -h with the help command', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['serve', '-h'], {})).toEqual({ kind: 'help' });
  });

  it('documents every flag in --help and in the README flags table', () => {
    const flags = [...usage.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(flags).toEqual(
      expect.arrayContaining([
        '--host',
        '--port',
        '--data-dir',
        '--log-level',
        '--tuner-wait-ms',
        '--epg-days',
        '--help',
      ]),
    );
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Flags'), readme.indexOf('\n## ', readme.indexOf('### Flags')));
    for (const flag of flags) expect(table, flag).toContain(`\`${flag}`);
  });
});

// The real CLI from source, as `npm run dev` runs it: Node + tsx, nothing else.
interface CliRun {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('tunerbridge serve as a process', { timeout: 60_000 }, () => {
  const runs: CliRun[] = [];
  const cleanups: (() => void | Promise<void>)[] = [];

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    return dir.path;
  }

  function startCli(args: string[]): CliRun {
    // $TUNERBRIDGE_DATA_DIR points at a temp dir too: nothing may ever land in the real default.
    const env = { ...process.env, TUNERBRIDGE_DATA_DIR: join(tempDir(), 'default-data') };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: repoRoot,
      env,
      stdio: 'pipe',
    });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    const run = { child, stdout: () => stdout, stderr: () => stderr, exited };
    runs.push(run);
    return run;
  }

  /** Resolves with the URL from fastify's "Server listening at" line; rejects if the process ends first. */
  async function listeningUrl(run: CliRun): Promise<string> {
    for (;;) {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout());
      if (match) return match[1]!;
      if (run.child.exitCode !== null || run.child.signalCode !== null) {
        throw new Error(`CLI ended before listening:\n${run.stdout()}\n${run.stderr()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function takePort(): Promise<number> {
    const server: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as AddressInfo).port;
  }

  function lines(text: string): string[] {
    return text.split('\n').filter((line) => line.trim() !== '');
  }

  it('ends with exit code 1 and one line naming the port when the port is taken', async () => {
    const port = await takePort();
    const run = startCli([
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--no-discovery',
      '--data-dir',
      join(tempDir(), 'data'),
    ]);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(lines(run.stderr())).toEqual([`tunerbridge: port ${port} on 127.0.0.1 is already in use`]);
    expect(run.stderr()).not.toMatch(/\bat .+:\d+:\d+|Error:/);
  });

  it('ends with exit code 1 and one line when the data dir cannot be created', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a directory');
    const dataDir = join(file, 'data');
    const run = startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--no-discovery', '--data-dir', dataDir]);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(lines(run.stderr())).toEqual([`tunerbridge: data dir ${dataDir} is not writable`]);
    expect(run.stdout()).not.toContain('Server listening');
  });

  it('prints the usage for --help and exits 0', async () => {
    const run = startCli(['--help']);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(usage);
    expect(run.stdout()).toMatch(/^Usage: tunerbridge serve/);
    expect(run.stderr()).toBe('');
  });

  it('exits 1 with the reason and the usage for a bad flag value', async () => {
    const run = startCli(['serve', '--epg-days', '30']);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(lines(run.stderr())[0]).toBe('tunerbridge: invalid --epg-days: 30 (1-14)');
    expect(run.stderr()).toContain('Usage: tunerbridge serve');
  });

  it('exits 1 with a clear line for a bad --allow-cidr', async () => {
    const run = startCli(['serve', '--allow-cidr', '192.168.1.0/24,192.168.300.0/24']);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(lines(run.stderr())[0]).toBe(
      'tunerbridge: invalid --allow-cidr: not an IPv4 or IPv6 address or CIDR: "192.168.300.0/24" (e.g. 192.168.1.0/24, 10.0.0.5, fd00::/8)',
    );
    expect(run.stdout()).not.toContain('Server listening');
  });

  it('tightens a data dir open to others to 0700 with a warning, keeps the database 0600, and names the secret store', async () => {
    const dataDir = join(tempDir(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const run = startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--no-discovery', '--data-dir', dataDir]);
    const url = await listeningUrl(run);
    const logLines = lines(run.stdout()).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'the data dir was open to other users; tightened to 0700', mode: '755' }),
    );
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of ['tunerbridge.db', 'tunerbridge.db-wal', 'tunerbridge.db-shm']) {
      expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
    }
    const store = logLines.find((line) => 'secretStore' in line);
    const system = (await (await fetch(`${url}/api/system`)).json()) as { secretStore: string };
    expect(store?.secretStore).toBe(system.secretStore);
  });

  it('serves /health, and on SIGTERM exits 0 with the database closed cleanly', async () => {
    const dataDir = join(tempDir(), 'data');
    const dbFile = join(dataDir, 'tunerbridge.db');
    const run = startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--no-discovery', '--data-dir', dataDir]);
    const url = await listeningUrl(run);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    // While open in WAL mode the -wal file exists; a clean close checkpoints it and removes it.
    expect(existsSync(`${dbFile}-wal`)).toBe(true);

    run.child.kill('SIGTERM');
    // Generous: main.ts forces exit code 1 itself after 10 s, so only a clean shutdown gives 0.
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
    expect(run.stdout()).toContain('"signal":"SIGTERM"');
    expect(existsSync(`${dbFile}-wal`)).toBe(false);

    const db = new Database(dbFile);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
