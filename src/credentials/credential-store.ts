import { AppError, type Logger } from '../core/index.js';
import { AesVault, KeyFileMissing } from './aes-vault.js';
import { probeKeyring, type KeyringBackend, type SecretStoreKind } from './keyring.js';

/** What a table keeps of a secret: the keyring entry name, or the AES ciphertext. */
export interface StoredSecret {
  backend: 'keyring' | 'aes';
  secret: string;
}

export interface CredentialStoreOptions {
  dataDir: string;
  /** The persistent OS keyring; null: AES only. Used for new secrets only if `probeKeyring` passes. */
  keyring: KeyringBackend | null;
  /** A volatile store older versions wrote to (Linux keyutils): read and cleaned, never written. */
  volatileKeyring?: KeyringBackend | null;
  log: Logger;
}

/**
 * Why a secret is unavailable, as a hint for the user. Only `missing` and `undecryptable` mean
 * "set it again": for the others the secret may come back (keyring unlocked, key file restored).
 */
export type UnavailableReason = 'missing' | 'keyring-unreachable' | 'key-file-missing' | 'undecryptable';

const hints: Record<UnavailableReason, string> = {
  missing: 'it is in none of the secret stores; set it again',
  'keyring-unreachable': 'the OS keyring holding it is not reachable; unlock or start it, or set the password again',
  'key-file-missing': 'the key file secret.key is missing from the data dir; restore it, or set the password again',
  undecryptable: "it cannot be decrypted with this data dir's key; set it again",
};

/** The user-facing hint of a CREDENTIAL_UNAVAILABLE error (from `reveal`). */
export function unavailableHint(error: AppError): string {
  const reason = error.details?.reason as UnavailableReason | undefined;
  return hints[reason ?? 'missing'];
}

const unavailable = (reason: UnavailableReason, cause: string, details: Record<string, unknown>) =>
  new AppError('CREDENTIAL_UNAVAILABLE', 'account password unavailable', {
    cause,
    details: { ...details, reason },
  });

const storeNames: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'Secret Service',
  freebsd: 'Secret Service',
  darwin: 'macOS Keychain',
  win32: 'Windows Credential Manager',
};

/**
 * The only code that handles plaintext passwords at rest. Saves to the persistent OS keyring
 * when a probe at start-up shows it works, otherwise AES-256-GCM with a key in the data dir.
 * A secret that cannot be read (keyring entry gone, key file lost, ciphertext tampered) is an
 * error for that account, not a crash.
 */
export class CredentialStore {
  /** Where new secrets go. */
  readonly kind: SecretStoreKind;
  private readonly vault: AesVault;
  private readonly keyring: KeyringBackend | null;
  private readonly volatile: KeyringBackend | null;
  private readonly log: Logger;

  constructor(options: CredentialStoreOptions) {
    this.vault = new AesVault(options.dataDir);
    this.keyring = options.keyring;
    this.volatile = options.volatileKeyring ?? null;
    this.log = options.log;
    const reason = this.keyring ? probeKeyring(this.keyring) : 'no keyring configured';
    this.kind = reason === null ? 'keyring' : 'aes';
    if (this.keyring && reason !== null) {
      this.log.warn({ reason }, 'keyring unavailable; secrets are kept AES-256-GCM encrypted in the data dir');
    }
    const looseMode = this.vault.secureKeyFile();
    if (looseMode !== null) {
      this.log.warn(
        { keyFile: this.vault.keyFile, mode: looseMode.toString(8), now: '600' },
        'the AES key file was readable by others; tightened to 0600',
      );
    }
  }

  /** Where new secrets go, for people: "Secret Service", "macOS Keychain", or the AES vault and its key file. */
  storeName(): string {
    if (this.kind === 'keyring') return storeNames[process.platform] ?? 'OS keyring';
    return `AES-256-GCM vault (key file ${this.vault.keyFile})`;
  }

  /** Stores `password` under `entryName` (keyring) or encrypts it (AES fallback). */
  save(entryName: string, password: string): StoredSecret {
    if (this.kind === 'keyring' && this.keyring) {
      try {
        this.keyring.setPassword(entryName, password);
        // Some stores accept a write and keep nothing (a locked collection); read it back.
        if (this.keyring.getPassword(entryName) === password) return { backend: 'keyring', secret: entryName };
        this.log.warn({ entry: entryName }, 'keyring did not keep the password; using AES at rest');
      } catch (error) {
        this.log.warn({ entry: entryName, reason: describe(error) }, 'keyring unavailable; using AES at rest');
      }
      // A write that reported failure may still have landed: leave nothing behind.
      discard(this.keyring, entryName);
    }
    return { backend: 'aes', secret: this.vault.encrypt(password) };
  }

  /** The plaintext password; throws CREDENTIAL_UNAVAILABLE (with a `reason` in its details) when it cannot be recovered. */
  reveal(stored: StoredSecret): string {
    if (stored.backend === 'aes') {
      try {
        return this.vault.decrypt(stored.secret);
      } catch (error) {
        if (error instanceof KeyFileMissing)
          throw unavailable('key-file-missing', 'key file missing', { backend: 'aes' });
        throw unavailable('undecryptable', 'decryption failed (wrong key or tampered value)', { backend: 'aes' });
      }
    }
    let unreachable: string | null = this.keyring ? null : 'no keyring configured';
    if (this.keyring) {
      try {
        const password = this.keyring.getPassword(stored.secret);
        if (password !== null) return password;
      } catch (error) {
        unreachable = describe(error);
      }
    }
    // Written by an older version while no Secret Service ran; moved at the next start.
    const fromVolatile = read(this.volatile, stored.secret);
    if (fromVolatile !== null) return fromVolatile;
    const details = { backend: 'keyring', entry: stored.secret };
    if (unreachable !== null) throw unavailable('keyring-unreachable', unreachable, details);
    throw unavailable('missing', 'keyring entry missing', details);
  }

  /**
   * Moves a secret found only in the volatile keyring to where new secrets go. `write` stores the
   * new reference in the caller's row; the volatile entry is deleted only after it succeeded.
   * Returns the new reference, or null when nothing had to (or could) move.
   */
  relocate(stored: StoredSecret, write: (next: StoredSecret) => void): StoredSecret | null {
    if (stored.backend !== 'keyring' || !this.volatile) return null;
    if (read(this.keyring, stored.secret) !== null) return null; // persistent already
    const password = read(this.volatile, stored.secret);
    if (password === null) return null;
    const next = this.save(stored.secret, password);
    try {
      write(next);
    } catch (error) {
      if (next.backend === 'keyring' && this.keyring) discard(this.keyring, next.secret);
      throw error;
    }
    discard(this.volatile, stored.secret);
    this.log.info({ entry: stored.secret, to: next.backend }, 'moved a secret out of the volatile kernel keyring');
    return next;
  }

  /** Deletes a keyring entry from every keyring it may be in; AES values vanish with their row. Never throws. */
  forget(stored: StoredSecret): void {
    if (stored.backend !== 'keyring') return;
    if (this.keyring) {
      try {
        this.keyring.deletePassword(stored.secret);
      } catch (error) {
        this.log.warn({ entry: stored.secret, reason: describe(error) }, 'could not delete keyring entry');
      }
    }
    discard(this.volatile, stored.secret);
  }
}

/** A keyring read that treats an unusable keyring as "not there". */
function read(keyring: KeyringBackend | null, entry: string): string | null {
  if (!keyring) return null;
  try {
    return keyring.getPassword(entry);
  } catch {
    return null;
  }
}

/** A best-effort delete: the entry may not exist, or the store may not be usable at all. */
function discard(keyring: KeyringBackend | null, entry: string): void {
  try {
    keyring?.deletePassword(entry);
  } catch {
    // nothing there, or no such store on this machine
  }
}

// Only a short reason reaches the log: crypto and keyring errors carry no secrets, but keep it that way.
function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
