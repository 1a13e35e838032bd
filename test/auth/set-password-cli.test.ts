import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';
import { bearer, lan, login } from './auth-fixture.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI from source (Node + tsx), writing `input` to its stdin (a pipe, not a TTY). */
function runCli(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('tunerbridge set-password', { timeout: 60_000 }, () => {
  const temps: ReturnType<typeof makeTempDir>[] = [];
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
    for (const temp of temps.splice(0)) temp.remove();
  });
  const dataDir = () => {
    const temp = makeTempDir();
    temps.push(temp);
    return temp.path;
  };

  it('stores the hash of the first stdin line and ends every session, saying so without the password', async () => {
    const dir = dataDir();
    const first = await startApp({ listen: false, dataDir: dir });
    await first.domains.auth.setPassword('the old password', 'cli');
    const { token } = await login(first, 'the old password');
    await first.close({ keepDataDir: true });

    const password = 'piped in: s3cret/&?';
    const run = await runCli(['set-password', '--data-dir', dir], `${password}\nignored second line\n`);
    expect(run).toEqual({ code: 0, stdout: 'admin password set; every login session ended\n', stderr: '' });

    const db = new Database(join(dir, 'tunerbridge.db'), { readonly: true });
    const hash = db.prepare('SELECT hash FROM admin_password').pluck().get() as string;
    const sessions = db.prepare('SELECT count(*) FROM admin_sessions').pluck().get();
    const events = JSON.stringify(db.prepare('SELECT message, details FROM event_log').all());
    db.close();
    expect(hash).toMatch(/^scrypt\$/);
    expect(sessions).toBe(0);
    expect(events).toContain('admin password set (with tunerbridge set-password); 1 session ended');
    expect(events + hash).not.toContain(password);

    const t = await startApp({ listen: false, dataDir: dir });
    apps.push(t);
    expect((await t.app.inject({ url: '/api/accounts', headers: bearer(token), remoteAddress: lan })).statusCode).toBe(
      401,
    );
    expect((await login(t, password)).res.statusCode).toBe(200);
    expect((await login(t, 'the old password')).res.statusCode).toBe(401);
  });

  it('refuses a password that is too short, or none, with exit code 1 and one line', async () => {
    const dir = dataDir();
    expect(await runCli(['set-password', '--data-dir', dir], 'short\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tunerbridge: the admin password needs at least 8 characters\n',
    });
    expect((await runCli(['set-password', '--data-dir', dir], '')).code).toBe(1);
    const db = new Database(join(dir, 'tunerbridge.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM admin_password').pluck().get()).toBe(0);
    db.close();
  });

  it('takes TUNERBRIDGE_ADMIN_PASSWORD at start-up, logging that it did but never the value', async () => {
    const dir = dataDir();
    const password = 'from the env: p@ss/w0rd';
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main.ts',
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--no-discovery',
        '--data-dir',
        dir,
      ],
      { cwd: repoRoot, env: { ...process.env, TUNERBRIDGE_ADMIN_PASSWORD: password }, stdio: 'pipe' },
    );
    child.stdin.end();
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      let url: string | undefined;
      while (!url) {
        url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
        if (child.exitCode !== null) throw new Error(`ended before listening: ${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const anonymous = await fetch(`${url}/api/accounts`);
      expect(anonymous.status).toBe(401);
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      expect((await fetch(`${url}/api/accounts`, { headers: bearer(token) })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('admin password set from TUNERBRIDGE_ADMIN_PASSWORD');
    expect(stdout).not.toContain(password);
  });
});
