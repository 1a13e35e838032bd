import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOsKeyring, createVolatileKeyring } from '../../src/credentials/index.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { repoRoot } from '../support/paths.js';
import { startApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

/*
 * Passwords across a server restart, on both secret stores: the real Secret Service (CI runs
 * this suite under dbus-run-session with an unlocked gnome-keyring) and the AES vault when no
 * Secret Service answers. The second case failed before: @napi-rs/keyring fell back to the
 * volatile kernel keyutils store, and the first read after a restart found nothing.
 */

function accountRow(dataDir: string): { password_backend: string; password_secret: string } {
  const db = new Database(join(dataDir, 'tunerbridge.db'), { readonly: true });
  try {
    return db.prepare('SELECT password_backend, password_secret FROM accounts').get() as {
      password_backend: string;
      password_secret: string;
    };
  } finally {
    db.close();
  }
}

describe('account passwords survive a restart', () => {
  const cleanups: (() => unknown)[] = [];
  let provider: FakeProvider;
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('in the real Secret Service (gnome-keyring): write, restart, read; backend keyring', async () => {
    const service = 'tunerbridge-interop-test';
    const password = `kr-${randomUUID()}/p@ss`;
    provider = await startFakeProvider({ accounts: [{ username: 'kr-user', password }] });
    cleanups.push(() => provider.close());
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const deps = () => ({ keyring: createOsKeyring(service), volatileKeyring: createVolatileKeyring(service) });

    const first = await startApp({ listen: false, dataDir: dir.path, deps: deps() });
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: { name: 'Keyring', serverUrl: provider.url, username: 'kr-user', password },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: number }>();
    await first.close({ keepDataDir: true });

    const second = await startApp({ listen: false, dataDir: dir.path, deps: deps() });
    cleanups.push(() => second.close({ keepDataDir: true }));
    expect((await second.app.inject({ method: 'GET', url: '/api/system' })).json()).toEqual({
      secretStore: 'keyring',
      secretStoreName: 'Secret Service',
    });
    const row = accountRow(dir.path);
    expect(row.password_backend).toBe('keyring');
    expect(row.password_secret).not.toContain(password);
    expect((await second.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` })).json()).toMatchObject({
      status: 'Active',
    });
    expect(provider.requests.at(-1)?.password).toBe(password);

    expect((await second.app.inject({ method: 'DELETE', url: `/api/accounts/${id}` })).statusCode).toBe(204);
    expect(createOsKeyring(service).getPassword(row.password_secret)).toBeNull();
  });

  it('in the AES vault when no Secret Service answers (the real CLI, no D-Bus session): write, restart, read', async () => {
    const password = `aes-${randomUUID()}/p@ss`;
    provider = await startFakeProvider({ accounts: [{ username: 'aes-user', password }] });
    cleanups.push(() => provider.close());
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    // No session bus: the keyring library cannot reach a Secret Service, whatever runs on this machine.
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tunerbridge-no-bus' };

    const serve = async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0', '--no-discovery'],
        { cwd: repoRoot, env: { ...env, TUNERBRIDGE_DATA_DIR: dir.path }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      cleanups.push(async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
        await exited;
      });
      for (;;) {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) return { url: match[1]!, stdout: () => stdout, stop: () => (child.kill('SIGTERM'), exited) };
        if (child.exitCode !== null) throw new Error(`CLI ended before listening:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const first = await serve();
    const created = await fetch(`${first.url}/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Vault', serverUrl: provider.url, username: 'aes-user', password }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect(await first.stop()).toBe(0);
    expect(accountRow(dir.path).password_backend).toBe('aes');

    const second = await serve();
    const startup = second
      .stdout()
      .split('\n')
      .filter((line) => line.includes('secretStore'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(startup).toEqual([expect.objectContaining({ secretStore: 'aes', moved: 0 })]);
    expect(await (await fetch(`${second.url}/api/system`)).json()).toMatchObject({ secretStore: 'aes' });
    const tested = await fetch(`${second.url}/api/accounts/${id}/test`, { method: 'POST' });
    expect(await tested.json()).toMatchObject({ status: 'Active' });
    expect(provider.requests.at(-1)?.password).toBe(password);
    expect(second.stdout()).not.toContain(password);
    expect(await second.stop()).toBe(0);
  });
});
