import { parseJsonColumn } from './json.js';
import type { Db } from './open-database.js';

/** Reads a JSON setting, or `fallback` when it is unset or unreadable. */
export function getSetting<T>(db: Db, key: string, fallback: T): T {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return parseJsonColumn(row?.value, fallback);
}

/** Stores a JSON setting. */
export function setSetting(db: Db, key: string, value: unknown): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
}
