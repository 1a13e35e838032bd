import type { Db } from './open-database.js';

/** When a database without incremental auto-vacuum is worth a full `VACUUM`. */
export interface ReclaimThresholds {
  /** Free pages must add up to at least this many bytes… */
  minFreeBytes: number;
  /** …and be at least this share of the file. */
  minFreeRatio: number;
}

// A full VACUUM rewrites the whole file and holds the event loop while it does (better-sqlite3
// is synchronous): worth it for a removed big guide (tens of MB), not for a few pages that the
// next import reuses anyway.
export const defaultReclaimThresholds: ReclaimThresholds = { minFreeBytes: 16 * 1024 * 1024, minFreeRatio: 0.25 };

export interface ReclaimResult {
  /** `incremental`: the free pages went back (auto_vacuum INCREMENTAL); `vacuum`: the file was rebuilt; `none`: not worth it. */
  method: 'incremental' | 'vacuum' | 'none';
  /** page_count × page_size before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Gives the pages of deleted rows back to the file system. Databases created since incremental
 * auto-vacuum exists run `PRAGMA incremental_vacuum` (cost ∝ the pages freed). Older ones (NONE)
 * get a full `VACUUM` when the free pages pass `thresholds`, switched to INCREMENTAL on the way
 * (only a VACUUM can convert them), so that is paid once. The checkpoint then truncates the WAL,
 * where the shorter file reaches the disk. Not inside a transaction; throws what SQLite throws
 * (a VACUUM needs free disk space about the size of the database).
 */
export function reclaimSpace(db: Db, thresholds: ReclaimThresholds = defaultReclaimThresholds): ReclaimResult {
  const bytesBefore = databaseBytes(db);
  let method: ReclaimResult['method'] = 'none';
  if (db.pragma('auto_vacuum', { simple: true }) === 2) {
    db.pragma('incremental_vacuum');
    method = 'incremental';
  } else {
    const freeBytes = pragmaNumber(db, 'freelist_count') * pragmaNumber(db, 'page_size');
    if (freeBytes >= thresholds.minFreeBytes && freeBytes >= thresholds.minFreeRatio * bytesBefore) {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.exec('VACUUM');
      method = 'vacuum';
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { method, bytesBefore, bytesAfter: databaseBytes(db) };
}

/** The database's size as SQLite counts it: page_count × page_size (the WAL not included). */
export function databaseBytes(db: Db): number {
  return pragmaNumber(db, 'page_count') * pragmaNumber(db, 'page_size');
}

function pragmaNumber(db: Db, name: string): number {
  return db.pragma(name, { simple: true }) as number;
}
