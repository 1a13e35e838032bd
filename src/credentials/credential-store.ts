import { AppError, type Logger } from '../core/index.js';
import { AesVault, KeyFileMissing } from './aes-vault.js';
import type { KeyringBackend } from './keyring.js';

/** What the accounts table keeps: the keyring entry name, or the AES ciphertext. */
export interface StoredSecret {
  backend: 'keyring' | 'aes';
  secret: string;
}

export interface CredentialStoreOptions {
  dataDir: string;
  /** null: no keyring (AES only). */
  keyring: KeyringBackend | null;
  log: Logger;
}

const unavailable = (cause: unknown, details: Record<string, unknown>) =>
  new AppError('CREDENTIAL_UNAVAILABLE', 'account password unavailable', { cause: describe(cause), details });

/**
 * The only code that handles plaintext passwords at rest. Saves to the OS keyring when it
 * works, otherwise AES-256-GCM with a key in the data dir. A secret that cannot be read (keyring
 * entry gone, key file lost, ciphertext tampered) is an error for that account, not a crash.
 */
export class CredentialStore {
  private readonly vault: AesVault;
  private readonly keyring: KeyringBackend | null;
  private readonly log: Logger;

  constructor(options: CredentialStoreOptions) {
    this.vault = new AesVault(options.dataDir);
    this.keyring = options.keyring;
    this.log = options.log;
  }

  /** Stores `password` under `entryName` (keyring) or encrypts it (AES fallback). */
  save(entryName: string, password: string): StoredSecret {
    if (this.keyring) {
      try {
        this.keyring.setPassword(entryName, password);
        // Some stores accept a write and keep nothing (a locked collection); read it back.
        if (this.keyring.getPassword(entryName) === password) return { backend: 'keyring', secret: entryName };
        this.log.warn({ entry: entryName }, 'keyring did not keep the password; using AES at rest');
      } catch (error) {
        this.log.warn({ entry: entryName, reason: describe(error) }, 'keyring unavailable; using AES at rest');
      }
    }
    return { backend: 'aes', secret: this.vault.encrypt(password) };
  }

  /** The plaintext password; throws CREDENTIAL_UNAVAILABLE when it cannot be recovered. */
  reveal(stored: StoredSecret): string {
    if (stored.backend === 'keyring') {
      if (!this.keyring) throw unavailable('no keyring configured', { backend: 'keyring', entry: stored.secret });
      let password: string | null;
      try {
        password = this.keyring.getPassword(stored.secret);
      } catch (error) {
        throw unavailable(error, { backend: 'keyring', entry: stored.secret });
      }
      if (password === null) throw unavailable('keyring entry missing', { backend: 'keyring', entry: stored.secret });
      return password;
    }
    try {
      return this.vault.decrypt(stored.secret);
    } catch (error) {
      const reason =
        error instanceof KeyFileMissing ? 'key file missing' : 'decryption failed (wrong key or tampered value)';
      throw unavailable(reason, { backend: 'aes' });
    }
  }

  /** Deletes a keyring entry; AES values vanish with their row. Never throws. */
  forget(stored: StoredSecret): void {
    if (stored.backend !== 'keyring' || !this.keyring) return;
    try {
      this.keyring.deletePassword(stored.secret);
    } catch (error) {
      this.log.warn({ entry: stored.secret, reason: describe(error) }, 'could not delete keyring entry');
    }
  }
}

// Only a short reason reaches the log: crypto and keyring errors carry no secrets, but keep it that way.
function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
