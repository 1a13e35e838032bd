import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * AES-256-GCM at rest, the fallback when no OS keyring works. One random 256-bit key per data
 * dir in `secret.key` (mode 0600); each value gets a fresh 96-bit nonce (GCM's security rests
 * on never reusing one under a key) and a 128-bit auth tag, so tampering is detected, not
 * decrypted into garbage. Stored form: base64(nonce | ciphertext | tag).
 */
const keyFileName = 'secret.key';
const nonceBytes = 12;
const tagBytes = 16;

export class KeyFileMissing extends Error {}

/** Encrypts and decrypts short secrets with the data dir's key file. */
export class AesVault {
  private key: Buffer | undefined;
  readonly keyFile: string;

  constructor(dataDir: string) {
    this.keyFile = join(dataDir, keyFileName);
  }

  /**
   * Tightens an existing key file that others can read or write to 0600; returns its old mode
   * then (for a start-up warning), else null. A missing key file is not an error here.
   */
  secureKeyFile(): number | null {
    let mode: number;
    try {
      mode = statSync(this.keyFile).mode & 0o777;
    } catch {
      return null;
    }
    if ((mode & 0o077) === 0) return null;
    chmodSync(this.keyFile, 0o600);
    return mode;
  }

  /** Encrypts `plaintext`; creates the key file on first use. */
  encrypt(plaintext: string): string {
    const key = this.loadKey(true);
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
  }

  /** Decrypts a value from `encrypt`; throws on a missing/bad key or a tampered value. */
  decrypt(stored: string): string {
    const key = this.loadKey(false);
    const raw = Buffer.from(stored, 'base64');
    if (raw.length < nonceBytes + tagBytes) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, nonceBytes));
    decipher.setAuthTag(raw.subarray(raw.length - tagBytes));
    return Buffer.concat([decipher.update(raw.subarray(nonceBytes, raw.length - tagBytes)), decipher.final()]).toString(
      'utf8',
    );
  }

  private loadKey(create: boolean): Buffer {
    if (this.key) return this.key;
    let key: Buffer;
    try {
      key = readFileSync(this.keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // A lost key must not be silently replaced on read: the stored values would stay unreadable.
      if (!create) throw new KeyFileMissing('key file missing');
      key = randomBytes(32);
      // 'wx': never overwrite a key another process just wrote.
      writeFileSync(this.keyFile, key, { mode: 0o600, flag: 'wx' });
      chmodSync(this.keyFile, 0o600); // explicit, in case the file system ignored the create mode
    }
    if (key.length !== 32) throw new Error('key file has the wrong length');
    this.key = key;
    return key;
  }
}
