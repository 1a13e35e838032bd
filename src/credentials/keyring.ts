import { randomUUID } from 'node:crypto';
import { Entry, type EntryOptions } from '@napi-rs/keyring';

/** The OS keyring as the credential store sees it; tests inject an in-memory one. Methods throw when the keyring is unusable. */
export interface KeyringBackend {
  setPassword(account: string, password: string): void;
  getPassword(account: string): string | null;
  deletePassword(account: string): void;
}

/*
 * On Linux, @napi-rs/keyring (keyring-rs with its Secret Service and keyutils stores) picks the
 * Secret Service when one answers on the session bus and otherwise falls back, silently, to the
 * kernel keyutils store. That store is volatile: gone at reboot, and the persistent keyring it
 * uses expires after a few idle days. So the persistent keyring is pinned to the Secret Service
 * with the library's own `linux.store` option: without one, every call throws (no D-Bus session:
 * "Platform failure: DBus error"; D-Bus but no unlocked collection: "Secret Service: no result
 * found") and nothing can land in keyutils. macOS (Keychain) and Windows (Credential Manager)
 * ignore the option; their default stores persist.
 */
const persistentStore: EntryOptions = { linux: { store: 'secret-service' } };
const volatileStore: EntryOptions = { linux: { store: 'keyutils' } };

function entryBackend(service: string, options: EntryOptions): KeyringBackend {
  return {
    setPassword: (account, password) => new Entry(service, account, options).setPassword(password),
    getPassword: (account) => new Entry(service, account, options).getPassword(),
    deletePassword: (account) => void new Entry(service, account, options).deletePassword(),
  };
}

/**
 * The persistent OS keyring: the Secret Service on Linux (never the kernel keyutils store),
 * Keychain on macOS, Credential Manager on Windows. Whether it works here is `probeKeyring`'s answer.
 */
export function createOsKeyring(service = 'tunerbridge'): KeyringBackend {
  return entryBackend(service, persistentStore);
}

/**
 * Linux's kernel keyutils store, where @napi-rs/keyring put passwords when no Secret Service ran.
 * Only read (to move its secrets to a persistent store) and cleaned; never written. null elsewhere.
 */
export function createVolatileKeyring(service = 'tunerbridge'): KeyringBackend | null {
  return process.platform === 'linux' ? entryBackend(service, volatileStore) : null;
}

/** Where new secrets go: the persistent OS keyring, or the AES-256-GCM vault in the data dir. */
export type SecretStoreKind = 'keyring' | 'aes';

/**
 * Writes, reads back and deletes a throwaway entry. A keyring counts as working only if all
 * three succeed: some stores accept a write and keep nothing (a locked collection).
 * Returns null when it works, else a short reason.
 */
export function probeKeyring(keyring: KeyringBackend): string | null {
  const entry = `probe-${randomUUID()}`;
  try {
    keyring.setPassword(entry, entry);
    const readBack = keyring.getPassword(entry);
    keyring.deletePassword(entry);
    if (readBack !== entry) return 'the keyring did not keep a test entry';
    return null;
  } catch (error) {
    try {
      keyring.deletePassword(entry); // a write that reported failure may still have landed
    } catch {
      // nothing to clean, or the keyring is gone altogether
    }
    return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
  }
}
