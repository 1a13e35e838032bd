import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CredentialStore, createOsKeyring } from '../../src/credentials/index.js';
import { createLogger } from '../../src/core/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startFakeProvider } from '../support/fake-xtream-provider.js';
import { startApp } from '../support/start-app.js';

/*
 * The real OS keyring through @napi-rs/keyring: runs where a Secret Service is up (CI starts
 * gnome-keyring under dbus-run-session). A service name of its own keeps test entries apart.
 */
describe('OS keyring (Secret Service)', () => {
  const keyring = createOsKeyring('tunerbridge-interop-test');
  const dir = makeTempDir();
  const entries: string[] = [];
  afterEach(() => {
    for (const entry of entries.splice(0)) keyring.deletePassword(entry);
  });
  afterAll(() => dir.remove());

  it('stores, reads back and deletes a password in the real keyring', () => {
    const entry = `account-${randomUUID()}`;
    entries.push(entry);
    const credentials = new CredentialStore({ dataDir: dir.path, keyring, log: createLogger('silent') });
    const password = 'p@ss/w:rd?#& ünïcode';
    const stored = credentials.save(entry, password);
    expect(stored).toEqual({ backend: 'keyring', secret: entry });
    expect(keyring.getPassword(entry)).toBe(password);
    expect(
      new CredentialStore({
        dataDir: dir.path,
        keyring: createOsKeyring('tunerbridge-interop-test'),
        log: createLogger('silent'),
      }).reveal(stored),
    ).toBe(password);
    credentials.forget(stored);
    expect(keyring.getPassword(entry)).toBeNull();
  });

  it('reports an entry that is gone as unavailable', () => {
    const credentials = new CredentialStore({ dataDir: dir.path, keyring, log: createLogger('silent') });
    expect(() => credentials.reveal({ backend: 'keyring', secret: `account-${randomUUID()}` })).toThrow(
      'account password unavailable',
    );
  });

  it('keeps an account password in the real keyring through the API, and deletes it with the account', async () => {
    const password = `kr-${randomUUID()}/p@ss`;
    const provider = await startFakeProvider({ accounts: [{ username: 'kr-user', password }] });
    const t = await startApp({ listen: false, deps: { keyring } });
    try {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/accounts',
        payload: { name: 'Keyring', serverUrl: provider.url, username: 'kr-user', password },
      });
      expect(created.statusCode).toBe(201);
      const { id } = created.json<{ id: number }>();
      const event = t.domains.events.list({ category: 'account' }).items.at(-1);
      expect(event?.details).toMatchObject({ accountId: id, backend: 'keyring' });
      expect(t.domains.accounts.streamCredentials(id).password).toBe(password);
      expect((await t.app.inject({ method: 'POST', url: `/api/accounts/${id}/test` })).json()).toMatchObject({
        status: 'Active',
      });
      expect(provider.requests.at(-1)?.password).toBe(password);
      const db = new Database(join(t.dataDir, 'tunerbridge.db'), { readonly: true });
      const row = db.prepare('SELECT password_backend, password_secret FROM accounts WHERE id = ?').get(id) as {
        password_backend: string;
        password_secret: string;
      };
      db.close();
      expect(row.password_backend).toBe('keyring');
      expect(row.password_secret).not.toContain(password);
      expect(keyring.getPassword(row.password_secret)).toBe(password);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/accounts/${id}` })).statusCode).toBe(204);
      expect(keyring.getPassword(row.password_secret)).toBeNull();
    } finally {
      await t.close();
      await provider.close();
    }
  });
});
