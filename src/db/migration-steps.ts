import type { Db } from './open-database.js';

/**
 * Repairs SQL alone cannot make, keyed by migration number: each runs in that migration's
 * transaction just before its .sql file. SQLite has no `ADD COLUMN IF NOT EXISTS`, and a landed
 * migration that was edited afterwards left databases that differ at the same user_version; a
 * step looks at the schema and brings both kinds to the same one. Anything that is the same for
 * every database belongs in the .sql file.
 */
export const migrationSteps: ReadonlyMap<number, (db: Db) => void> = new Map([[7, addMissingGuideAccountColumn]]);

// 006 gained xmltv_sources.account_id after it landed (27b20b6): a database migrated with its
// first version is at user_version 6 without it. Same definition as 006's, so the table's schema
// text ends up exactly as in a database created from the current 006.
function addMissingGuideAccountColumn(db: Db): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('xmltv_sources')").pluck().all();
  if (columns.includes('account_id')) return;
  db.exec('ALTER TABLE xmltv_sources ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE');
}
