import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CredentialStore, createOsKeyring } from '../../src/credentials/index.js';
import { createLogger } from '../../src/core/index.js';
import { makeTempDir } from '../support/temp-dir.js';

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
    expect(new CredentialStore({ dataDir: dir.path, keyring: createOsKeyring('tunerbridge-interop-test'), log: createLogger('silent') }).reveal(stored)).toBe(password);
    credentials.forget(stored);
    expect(keyring.getPassword(entry)).toBeNull();
  });

  it('reports an entry that is gone as unavailable', () => {
    const credentials = new CredentialStore({ dataDir: dir.path, keyring, log: createLogger('silent') });
    expect(() => credentials.reveal({ backend: 'keyring', secret: `account-${randomUUID()}` })).toThrow('account password unavailable');
  });
});
