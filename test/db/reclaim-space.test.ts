import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseBytes, openDatabase, reclaimSpace, type Db } from '../../src/db/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const mib = 1024 * 1024;

/** Fills a table with `bytes` of ~1 KiB rows, then deletes them all: their pages are free. */
function fillAndEmpty(db: Db, bytes: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (x TEXT)');
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO filler (x) SELECT printf('%.1000c', 'x') FROM n`,
  ).run(Math.ceil(bytes / 1024));
  db.exec('DELETE FROM filler');
}

const pragma = (db: Db, name: string) => db.pragma(name, { simple: true }) as number;

describe('reclaimSpace', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let db: Db | undefined;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    db?.close();
    db = undefined;
    temp.remove();
  });

  /** A database an older release made: tables before openDatabase, so auto_vacuum stays NONE. */
  function openOldDatabase(): Db {
    const file = join(temp.path, 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE leftover (x INTEGER)');
    old.close();
    const opened = openDatabase(file);
    expect(pragma(opened, 'auto_vacuum')).toBe(0);
    return opened;
  }

  it('runs an incremental vacuum on a fresh database: every free page goes, the file shrinks', () => {
    db = openDatabase(join(temp.path, 'fresh.db'));
    fillAndEmpty(db, 2 * mib);
    expect(pragma(db, 'freelist_count')).toBeGreaterThan(0);
    const result = reclaimSpace(db);
    expect(result.method).toBe('incremental');
    expect(result.bytesBefore - result.bytesAfter).toBeGreaterThanOrEqual(1.9 * mib);
    expect(pragma(db, 'freelist_count')).toBe(0);
    expect(databaseBytes(db)).toBe(result.bytesAfter);
  });

  it('rebuilds an old database with a full VACUUM when enough is free, and makes it incremental', () => {
    db = openOldDatabase();
    fillAndEmpty(db, 4 * mib);
    const result = reclaimSpace(db, { minFreeBytes: 2 * mib, minFreeRatio: 0.25 });
    expect(result.method).toBe('vacuum');
    expect(result.bytesBefore - result.bytesAfter).toBeGreaterThanOrEqual(3.9 * mib);
    expect(pragma(db, 'freelist_count')).toBe(0);
    expect(pragma(db, 'auto_vacuum')).toBe(2);
    // The next cleanup is incremental.
    fillAndEmpty(db, 1 * mib);
    expect(reclaimSpace(db).method).toBe('incremental');
    expect(pragma(db, 'freelist_count')).toBe(0);
  });

  it('leaves an old database alone when the free pages are too few, in bytes or as a share', () => {
    db = openOldDatabase();
    fillAndEmpty(db, 1 * mib);
    const free = pragma(db, 'freelist_count');
    expect(reclaimSpace(db, { minFreeBytes: 2 * mib, minFreeRatio: 0 })).toMatchObject({ method: 'none' });
    // Free pages are most of this small file, but 1 MiB is under the bytes threshold; and a ratio
    // above what is free refuses as well.
    expect(reclaimSpace(db, { minFreeBytes: 0, minFreeRatio: 1.01 })).toMatchObject({ method: 'none' });
    expect(pragma(db, 'freelist_count')).toBe(free);
    expect(pragma(db, 'auto_vacuum')).toBe(0);
  });
});
