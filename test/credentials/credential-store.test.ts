import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialStore, type KeyringBackend } from '../../src/credentials/index.js';
import { createLogger, isAppError } from '../../src/core/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const password = 'p@ss/w:rd?#&é';

/** An in-memory keyring (the OS one is exercised in keyring.interop.test.ts). */
function memoryKeyring(): KeyringBackend & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    setPassword: (account, value) => void entries.set(account, value),
    getPassword: (account) => entries.get(account) ?? null,
    deletePassword: (account) => void entries.delete(account),
  };
}

/** A keyring like the real one without a Secret Service. */
const brokenKeyring: KeyringBackend = {
  setPassword: () => {
    throw new Error("Couldn't access platform storage: AccessDenied");
  },
  getPassword: () => {
    throw new Error("Couldn't access platform storage: AccessDenied");
  },
  deletePassword: () => {
    throw new Error("Couldn't access platform storage: AccessDenied");
  },
};

function expectUnavailable(fn: () => unknown, reason?: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isAppError(caught, 'CREDENTIAL_UNAVAILABLE')).toBe(true);
  expect((caught as Error).message).toBe('account password unavailable');
  if (reason) expect((caught as { details: { reason: string } }).details.reason).toBe(reason);
}

describe('CredentialStore', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let logs: string[];
  const store = (keyring: KeyringBackend | null, volatileKeyring: KeyringBackend | null = null) =>
    new CredentialStore({
      dataDir: dir.path,
      keyring,
      volatileKeyring,
      log: createLogger(
        'debug',
        new Writable({
          write(chunk: Buffer, _e, cb) {
            logs.push(chunk.toString());
            cb();
          },
        }),
      ),
    });

  beforeEach(() => {
    dir = makeTempDir();
    logs = [];
  });
  afterEach(() => {
    dir.remove();
  });

  describe('AES-256-GCM at rest (no keyring)', () => {
    it('round-trips a password and never stores it in clear', () => {
      const credentials = store(null);
      const stored = credentials.save('account-1', password);
      expect(stored.backend).toBe('aes');
      expect(stored.secret).not.toContain(password);
      expect(Buffer.from(stored.secret, 'base64').length).toBe(12 + Buffer.byteLength(password) + 16);
      expect(credentials.reveal(stored)).toBe(password);
      // A second store on the same data dir (a restart) reads the same key file.
      expect(store(null).reveal(stored)).toBe(password);
    });

    it('creates a 256-bit key file with mode 0600', () => {
      store(null).save('account-1', password);
      const keyFile = join(dir.path, 'secret.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile).length).toBe(32);
    });

    it('uses a fresh nonce per value: the same password twice gives different ciphertexts', () => {
      const credentials = store(null);
      const a = credentials.save('a', password);
      const b = credentials.save('b', password);
      expect(a.secret).not.toBe(b.secret);
      expect(Buffer.from(a.secret, 'base64').subarray(0, 12)).not.toEqual(
        Buffer.from(b.secret, 'base64').subarray(0, 12),
      );
      expect(credentials.reveal(a)).toBe(password);
      expect(credentials.reveal(b)).toBe(password);
    });

    it('reports a tampered ciphertext as unavailable for that account, and keeps serving the others', () => {
      const credentials = store(null);
      const good = credentials.save('good', 'other-password');
      const stored = credentials.save('bad', password);
      const raw = Buffer.from(stored.secret, 'base64');
      raw[14] = raw[14]! ^ 0x01; // flip one ciphertext bit
      expectUnavailable(() => credentials.reveal({ backend: 'aes', secret: raw.toString('base64') }));
      expectUnavailable(() => credentials.reveal({ backend: 'aes', secret: 'dG9vIHNob3J0' }));
      expect(credentials.reveal(good)).toBe('other-password');
    });

    it('reports a lost or replaced key file as unavailable, without inventing a new key', () => {
      const stored = store(null).save('account-1', password);
      const keyFile = join(dir.path, 'secret.key');
      rmSync(keyFile);
      expectUnavailable(() => store(null).reveal(stored));
      expect(() => statSync(keyFile)).toThrow(); // reading did not create a key
      writeFileSync(keyFile, Buffer.alloc(32, 7), { mode: 0o600 });
      expectUnavailable(() => store(null).reveal(stored));
    });
  });

  describe('OS keyring backend (injected)', () => {
    it('stores the password in the keyring and only the entry name in the row', () => {
      const keyring = memoryKeyring();
      const credentials = store(keyring);
      const stored = credentials.save('account-7', password);
      expect(stored).toEqual({ backend: 'keyring', secret: 'account-7' });
      expect(keyring.entries.get('account-7')).toBe(password);
      expect(credentials.reveal(stored)).toBe(password);
      credentials.forget(stored);
      expect(keyring.entries.has('account-7')).toBe(false);
    });

    it('reports a missing keyring entry as unavailable', () => {
      const keyring = memoryKeyring();
      const credentials = store(keyring);
      const stored = credentials.save('account-7', password);
      keyring.entries.clear();
      expectUnavailable(() => credentials.reveal(stored));
      expectUnavailable(() => store(null).reveal(stored)); // keyring entry, but no keyring configured
    });

    it('falls back to AES when the keyring throws, and still reads earlier AES values', () => {
      const credentials = store(brokenKeyring);
      const stored = credentials.save('account-1', password);
      expect(stored.backend).toBe('aes');
      expect(credentials.reveal(stored)).toBe(password);
      expect(() => credentials.forget({ backend: 'keyring', secret: 'account-1' })).not.toThrow();
      expect(logs.join('')).toContain('keyring unavailable');
      // Once a keyring works again, older AES values still decrypt.
      expect(store(memoryKeyring()).reveal(stored)).toBe(password);
    });

    it('falls back to AES when the keyring accepts a write but keeps nothing', () => {
      const forgetful: KeyringBackend = {
        setPassword: () => undefined,
        getPassword: () => null,
        deletePassword: () => undefined,
      };
      const credentials = store(forgetful);
      const stored = credentials.save('account-1', password);
      expect(stored.backend).toBe('aes');
      expect(credentials.reveal(stored)).toBe(password);
    });

    it('never writes the password to the log', () => {
      const credentials = store(brokenKeyring);
      const stored = credentials.save('account-1', password);
      expectUnavailable(() => credentials.reveal({ ...stored, secret: stored.secret.slice(4) }));
      expect(logs.length).toBeGreaterThan(0);
      expect(logs.join('')).not.toContain(password);
    });
  });
  describe('which store is used, and the volatile kernel keyring', () => {
    it('uses the keyring only when a probe write, read and delete works, and leaves no probe entry', () => {
      const keyring = memoryKeyring();
      const credentials = store(keyring);
      expect(credentials.kind).toBe('keyring');
      expect(keyring.entries.size).toBe(0);
      expect(store(brokenKeyring).kind).toBe('aes');
      expect(store(null).kind).toBe('aes');
      expect(store(null).storeName()).toBe(`AES-256-GCM vault (key file ${join(dir.path, 'secret.key')})`);
      expect(logs.join('')).toContain('keyring unavailable');
    });

    it('treats a keyring that keeps nothing as unusable, and then never writes to it', () => {
      const writes: string[] = [];
      const forgetful: KeyringBackend = {
        setPassword: (account) => void writes.push(account),
        getPassword: () => null,
        deletePassword: () => undefined,
      };
      const credentials = store(forgetful);
      expect(credentials.kind).toBe('aes');
      writes.length = 0;
      expect(credentials.save('account-1', password).backend).toBe('aes');
      expect(writes).toEqual([]);
    });

    it('deletes an entry a failed write left behind', () => {
      const keyring = memoryKeyring();
      const credentials = store(keyring);
      // From now on writes land but report failure, like "Couldn't access platform storage" did.
      keyring.setPassword = (account, value) => {
        keyring.entries.set(account, value);
        throw new Error("Couldn't access platform storage");
      };
      expect(credentials.save('account-1', password).backend).toBe('aes');
      expect(keyring.entries.size).toBe(0);
    });

    it('reads a keyring secret from the volatile store when the persistent one lacks it', () => {
      const volatile = memoryKeyring();
      volatile.entries.set('account-3', password);
      expect(store(memoryKeyring(), volatile).reveal({ backend: 'keyring', secret: 'account-3' })).toBe(password);
      expect(store(null, volatile).reveal({ backend: 'keyring', secret: 'account-3' })).toBe(password);
      expect(store(brokenKeyring, volatile).reveal({ backend: 'keyring', secret: 'account-3' })).toBe(password);
    });

    it('says why a secret is unavailable: missing everywhere, or a keyring it cannot reach', () => {
      expectUnavailable(
        () => store(memoryKeyring(), memoryKeyring()).reveal({ backend: 'keyring', secret: 'x' }),
        'missing',
      );
      expectUnavailable(
        () => store(brokenKeyring, memoryKeyring()).reveal({ backend: 'keyring', secret: 'x' }),
        'keyring-unreachable',
      );
      const stored = store(null).save('a', password);
      rmSync(join(dir.path, 'secret.key'));
      expectUnavailable(() => store(null).reveal(stored), 'key-file-missing');
    });

    it('moves a secret found only in the volatile store to AES, after the caller stored the new reference', () => {
      const volatile = memoryKeyring();
      volatile.entries.set('account-4', password);
      const credentials = store(null, volatile);
      let written: unknown;
      const next = credentials.relocate({ backend: 'keyring', secret: 'account-4' }, (secret) => {
        expect(volatile.entries.has('account-4')).toBe(true); // not deleted before the row is updated
        written = secret;
      });
      expect(next?.backend).toBe('aes');
      expect(written).toEqual(next);
      expect(volatile.entries.has('account-4')).toBe(false);
      expect(store(null).reveal(next!)).toBe(password);
      expect(logs.join('')).not.toContain(password);
    });

    it('moves it into a working persistent keyring under the same entry name', () => {
      const keyring = memoryKeyring();
      const volatile = memoryKeyring();
      volatile.entries.set('account-5', password);
      const next = store(keyring, volatile).relocate({ backend: 'keyring', secret: 'account-5' }, () => undefined);
      expect(next).toEqual({ backend: 'keyring', secret: 'account-5' });
      expect(keyring.entries.get('account-5')).toBe(password);
      expect(volatile.entries.size).toBe(0);
    });

    it('leaves secrets alone that are persistent already, missing, or AES, and keeps the old one when the row write fails', () => {
      const keyring = memoryKeyring();
      const volatile = memoryKeyring();
      keyring.entries.set('in-both', 'a');
      volatile.entries.set('in-both', 'a');
      const credentials = store(keyring, volatile);
      const never = () => {
        throw new Error('must not write');
      };
      expect(credentials.relocate({ backend: 'keyring', secret: 'in-both' }, never)).toBeNull();
      expect(credentials.relocate({ backend: 'keyring', secret: 'nowhere' }, never)).toBeNull();
      expect(credentials.relocate(store(null).save('x', password), never)).toBeNull();
      volatile.entries.set('account-6', password);
      expect(() => credentials.relocate({ backend: 'keyring', secret: 'account-6' }, never)).toThrow('must not write');
      expect(volatile.entries.get('account-6')).toBe(password);
      expect(keyring.entries.has('account-6')).toBe(false);
    });

    it('forgets a keyring secret in every store, even with the persistent keyring broken', () => {
      const keyring = memoryKeyring();
      const volatile = memoryKeyring();
      keyring.entries.set('account-8', password);
      volatile.entries.set('account-8', password);
      store(keyring, volatile).forget({ backend: 'keyring', secret: 'account-8' });
      expect(keyring.entries.size + volatile.entries.size).toBe(0);
      volatile.entries.set('account-9', password);
      store(brokenKeyring, volatile).forget({ backend: 'keyring', secret: 'account-9' });
      expect(volatile.entries.size).toBe(0);
    });

    it('tightens a key file others can read to 0600, with a warning', () => {
      store(null).save('a', password);
      const keyFile = join(dir.path, 'secret.key');
      chmodSync(keyFile, 0o644);
      logs = [];
      const credentials = store(null);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const warning = logs
        .map((line) => JSON.parse(line) as { level: number; msg: string; mode?: string })
        .find((l) => l.level === 40);
      expect(warning).toMatchObject({ msg: 'the AES key file was readable by others; tightened to 0600', mode: '644' });
      expect(credentials.reveal(credentials.save('b', password))).toBe(password);
      logs = [];
      store(null);
      expect(logs.join('')).not.toContain('tightened');
    });
  });
});
