import type { Db } from '../db/index.js';

/** One logo Tunerbridge handed out: its public key, where it came from and, once fetched, its type. */
export interface LogoRow {
  key: string;
  url: string;
  content_type: string | null;
}

/** Keeps the URL under its key (the first one wins: the key is a hash of the URL). */
export function insertLogo(db: Db, key: string, url: string, now: number): void {
  db.prepare('INSERT OR IGNORE INTO logos (key, url, created_at) VALUES (?, ?, ?)').run(key, url, now);
}

/** The logo handed out under this key, if any. */
export function findLogo(db: Db, key: string): LogoRow | undefined {
  return db.prepare('SELECT key, url, content_type FROM logos WHERE key = ?').get(key) as LogoRow | undefined;
}

/** Every key handed out (loaded once: a rendering then asks memory, not SQLite, per channel). */
export function listLogoKeys(db: Db): string[] {
  return db.prepare('SELECT key FROM logos').pluck().all() as string[];
}

/** Records the type the origin sent with the logo's bytes. */
export function setLogoType(db: Db, key: string, contentType: string): void {
  db.prepare('UPDATE logos SET content_type = ? WHERE key = ?').run(contentType, key);
}
