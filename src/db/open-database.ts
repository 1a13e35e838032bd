import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateFile, tighten } from './data-dir.js';
import { migrationSteps } from './migration-steps.js';

export type Db = Database.Database;

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file, switches on WAL and foreign keys, and applies
 * every migration in `migrations/NNN-name.sql` not yet applied, each in its own transaction.
 * Migrations are append-only: a landed file is never edited, a repair is a new migration.
 * The file, its -wal and its -shm are mode 0600: they hold every account and guide secret reference.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    createPrivateFile(file);
  }
  const db = new Database(file);
  // Only a file with no table yet can take auto_vacuum (existing databases keep NONE: converting
  // them takes a full VACUUM, too slow for start-up; reclaimSpace does it when a removed guide makes it
  // worthwhile). INCREMENTAL lets the guide cleanup give the pages of removed guides back to the file system.
  if (db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  // Created by the pragma with the database's mode; ones left by an older version may be looser.
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) tighten(file + suffix, 0o600);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies pending migrations (with their step from migration-steps.ts, if any); `user_version` holds the number of the last one applied. */
export function migrate(db: Db): number {
  const applied = db.pragma('user_version', { simple: true }) as number;
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
    .sort();
  let version = applied;
  for (const file of files) {
    const number = Number(file.slice(0, 3));
    if (number <= applied) continue;
    const sql = readFileSync(join(migrationsDir, file), 'utf8');
    db.transaction(() => {
      migrationSteps.get(number)?.(db);
      db.exec(sql);
      db.pragma(`user_version = ${number}`);
    })();
    version = number;
  }
  return version;
}
