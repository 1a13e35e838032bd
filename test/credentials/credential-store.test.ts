import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

function expectUnavailable(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isAppError(caught, 'CREDENTIAL_UNAVAILABLE')).toBe(true);
  expect((caught as Error).message).toBe('account password unavailable');
}

describe('CredentialStore', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let logs: string[];
  const store = (keyring: KeyringBackend | null) =>
    new CredentialStore({
      dataDir: dir.path,
      keyring,
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
});
