import { createHash, randomBytes } from 'node:crypto';

/** What a secret is: the prefix tells a session token from an API key before any lookup. */
export const sessionTokenPrefix = 'tbs_';
export const apiKeyPrefix = 'tbk_';

/** A new secret: the prefix and 256 random bits, base64url. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * The stored form of a session token or API key. A plain SHA-256 is enough (no salt, no scrypt):
 * the secret has 256 random bits, so there is nothing to guess, and lookups stay one index probe.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
