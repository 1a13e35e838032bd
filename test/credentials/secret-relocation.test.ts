import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyringBackend } from '../../src/credentials/index.js';
import { startFakeGuideServer, type FakeGuideServer } from '../support/fake-guide-server.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

const password = 'vol@tile/p:ss?#&';

/** Stands in for Linux's kernel keyutils store (volatile; the real one cannot run in this sandbox). */
function memoryKeyring(): KeyringBackend & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    setPassword: (account, value) => void entries.set(account, value),
    getPassword: (account) => entries.get(account) ?? null,
    deletePassword: (account) => void entries.delete(account),
  };
}

const brokenKeyring: KeyringBackend = {
  setPassword: () => {
    throw new Error('Platform failure: DBus error');
  },
  getPassword: () => {
    throw new Error('Platform failure: DBus error');
  },
  deletePassword: () => {
    throw new Error('Platform failure: DBus error');
  },
};

interface Rows {
  account: { password_backend: string; password_secret: string };
  guide: { url_backend: string; url_secret: string };
}

function readRows(dataDir: string): Rows {
  const db = new Database(join(dataDir, 'tunerbridge.db'), { readonly: true });
  try {
    return {
      account: db.prepare('SELECT password_backend, password_secret FROM accounts').get() as Rows['account'],
      guide: db.prepare('SELECT url_backend, url_secret FROM xmltv_sources').get() as Rows['guide'],
    };
  } finally {
    db.close();
  }
}

describe('secrets written to a volatile keyring by an older version', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let provider: FakeProvider;
  let guideServer: FakeGuideServer;
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close({ keepDataDir: true });
    await provider?.close();
    await guideServer?.close();
    dir.remove();
  });

  /** An earlier run whose "keyring" was the volatile store: the rows say backend 'keyring'. */
  async function seedInVolatile(volatile: KeyringBackend): Promise<{ accountId: number; guideUrl: string }> {
    dir = makeTempDir();
    provider = await startFakeProvider({ accounts: [{ username: 'vol-user', password }] });
    guideServer = await startFakeGuideServer();
    guideServer.route('/xmltv.php', { body: '<tv><channel id="a.uk"><display-name>A</display-name></channel></tv>' });
    const t = await startApp({ listen: false, dataDir: dir.path, deps: { keyring: volatile } });
    try {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/accounts',
        payload: { name: 'Volatile', serverUrl: provider.url, username: 'vol-user', password },
      });
      expect(created.statusCode).toBe(201);
      const guideUrl = `${guideServer.url}/xmltv.php?username=vol-user&password=${encodeURIComponent(password)}`;
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/xmltv-sources', payload: { name: 'G', url: guideUrl } }))
          .statusCode,
      ).toBe(201);
      return { accountId: created.json<{ id: number }>().id, guideUrl };
    } finally {
      await t.close({ keepDataDir: true });
    }
  }

  it('moves them to the AES vault at start-up, says so, and they keep working', async () => {
    const volatile = memoryKeyring();
    const { accountId, guideUrl } = await seedInVolatile(volatile);
    expect(readRows(dir.path).account.password_backend).toBe('keyring');
    expect(volatile.entries.size).toBe(2);

    // Restart with no persistent keyring (no Secret Service): the secrets move to AES.
    const t = await startApp({
      listen: false,
      dataDir: dir.path,
      deps: { keyring: brokenKeyring, volatileKeyring: volatile },
    });
    apps.push(t);
    const rows = readRows(dir.path);
    expect(rows.account.password_backend).toBe('aes');
    expect(rows.guide.url_backend).toBe('aes');
    expect(rows.account.password_secret).not.toContain(password);
    expect(volatile.entries.size).toBe(0);
    const startup = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => 'secretStore' in l);
    expect(startup).toMatchObject({ secretStore: 'aes', moved: 2 });
    expect(String(startup?.msg)).toContain('AES-256-GCM vault');
    expect(t.domains.events.list({ category: 'account' }).items.map((e) => e.message)).toContain(
      'Password of account "Volatile" moved out of the volatile kernel keyring',
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/system' })).json()).toEqual({
      secretStore: 'aes',
      secretStoreName: `AES-256-GCM vault (key file ${join(dir.path, 'secret.key')})`,
    });

    expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/test` })).json()).toMatchObject({
      status: 'Active',
    });
    expect(provider.requests.at(-1)?.password).toBe(password);
    expect((await t.app.inject({ method: 'POST', url: '/api/xmltv-sources/1/refresh' })).statusCode).toBe(200);
    expect(guideServer.requests.at(-1)).toBe(new URL(guideUrl).pathname + new URL(guideUrl).search);
    expect(t.logs.join('')).not.toContain(password);
  });

  it('asks to set a password again only when no store has it, moves it into a working keyring, deletes it everywhere', async () => {
    const volatile = memoryKeyring();
    const { accountId } = await seedInVolatile(volatile);
    const persistent = memoryKeyring();
    // Without the volatile store (another machine, or after a reboot) the secret is truly gone: "set it again".
    const t = await startApp({
      listen: false,
      dataDir: dir.path,
      deps: { keyring: persistent, volatileKeyring: null },
    });
    apps.push(t);
    expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/test` })).statusCode).toBe(500);
    const missing = t.domains.events.list({ category: 'account', level: 'error' }).items[0];
    expect(missing?.message).toBe(
      'Password of account "Volatile" is unavailable: it is in none of the secret stores; set it again',
    );
    await t.close({ keepDataDir: true });
    apps.pop();

    // Now with the volatile store readable: no "set it again", and the secret moved into the keyring.
    const again = await startApp({
      listen: false,
      dataDir: dir.path,
      deps: { keyring: persistent, volatileKeyring: volatile },
    });
    apps.push(again);
    expect(readRows(dir.path).account.password_backend).toBe('keyring');
    expect([...persistent.entries.values()]).toContain(password);
    expect((await again.app.inject({ method: 'POST', url: `/api/accounts/${accountId}/test` })).statusCode).toBe(200);
    // The only error event is the one from the run without the volatile store.
    expect(again.domains.events.list({ level: 'error' }).total).toBe(1);
    expect((await again.app.inject({ method: 'GET', url: '/api/system' })).json()).toMatchObject({
      secretStore: 'keyring',
    });

    // A leftover copy in the volatile store goes too when the account is deleted.
    const entry = readRows(dir.path).account.password_secret;
    volatile.entries.set(entry, password);
    expect((await again.app.inject({ method: 'DELETE', url: `/api/accounts/${accountId}` })).statusCode).toBe(204);
    expect(persistent.entries.has(entry)).toBe(false);
    expect(volatile.entries.has(entry)).toBe(false);
  });
});
