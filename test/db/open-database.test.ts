import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../src/db/index.js';
import { repoRoot } from '../support/paths.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { makeTempDir } from '../support/temp-dir.js';

const migrationsDir = join(repoRoot, 'src', 'db', 'migrations');
const migrationFiles = readdirSync(migrationsDir)
  .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
  .sort();
const latest = Math.max(...migrationFiles.map((f) => Number(f.slice(0, 3))));

describe('openDatabase on a real SQLite file', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let db: Db | undefined;
  beforeEach(() => {
    temp = makeTempDir();
    file = join(temp.path, 'tunerbridge.db');
  });
  afterEach(() => {
    if (db?.open) db.close();
    db = undefined;
    temp.remove();
  });

  it('switches on WAL and foreign keys', () => {
    db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('creates a fresh database with incremental auto-vacuum; an existing one keeps NONE', () => {
    db = openDatabase(file);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    db.close();
    db = openDatabase(file); // re-open: still INCREMENTAL, nothing reset
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    db.close();

    // A database an older release created (tables, auto_vacuum NONE) is not converted at start-up.
    const oldFile = join(temp.path, 'old.db');
    const old = new Database(oldFile);
    old.exec('CREATE TABLE leftover (x INTEGER)');
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
    old.close();
    db = openDatabase(oldFile);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(0);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
  });

  it('creates the parent directory of the file', () => {
    db = openDatabase(join(temp.path, 'nested', 'deeper', 'tunerbridge.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
  });

  it('applies every migration once: user_version is the highest number, a re-open applies nothing and keeps the data', () => {
    expect(migrationFiles.length).toBeGreaterThan(1);
    db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    // Schema from the first and a later migration are both there.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'channel_mappings', 'channel_mapping_exclusions']));
    const accountId = seedAccountRow(db, { name: 'Kept' });
    db.close();

    // Re-running 001 would fail on "table settings already exists": a clean re-open proves nothing ran again.
    db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    expect(migrate(db)).toBe(latest);
    expect(db.prepare('SELECT name FROM accounts WHERE id = ?').pluck().get(accountId)).toBe('Kept');
  });

  it('applies only the pending migrations, in order, to a database at version 1', () => {
    // A database as an older release left it: only 001 applied.
    const old = new Database(file);
    old.exec(readFileSync(join(migrationsDir, migrationFiles[0]!), 'utf8'));
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO settings (key, value) VALUES ('device_id', '\"C883CAA0\"')").run();
    old.close();

    db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    // 005 ran after 001 (its ALTER TABLE needs 001's table) and 001's data is untouched.
    const settingsColumns = db.prepare("SELECT name FROM pragma_table_info('xmltv_channel_settings')").pluck().all();
    expect(settingsColumns).toContain('enabled_by_user');
    expect(db.prepare("SELECT value FROM settings WHERE key = 'device_id'").pluck().get()).toBe('"C883CAA0"');
  });

  it('rejects a second primary mapping for one XMLTV channel (channel_mappings_one_primary)', () => {
    db = openDatabase(file);
    const accountId = seedAccountRow(db);
    const lineupChannelId = seedLineupChannel(db, { channelId: 'BBCOne.uk' });
    const first = seedProviderChannel(db, { accountId, name: 'BBC One', streams: [{ streamId: 1, tier: 'HD' }] });
    const second = seedProviderChannel(db, {
      accountId,
      name: 'BBC One Backup',
      streams: [{ streamId: 2, tier: 'SD' }],
    });
    seedMapping(db, { lineupChannelId, providerChannelId: first, primary: true });

    const conn = db;
    expect(() => seedMapping(conn, { lineupChannelId, providerChannelId: second, primary: true })).toThrow(
      /UNIQUE constraint failed: channel_mappings\.xmltv_channel_id/,
    );
    // A second, non-primary mapping is fine: failover streams.
    seedMapping(db, { lineupChannelId, providerChannelId: second, primary: false, priority: 1 });
    const rows = db
      .prepare(
        'SELECT xtream_channel_id, is_primary FROM channel_mappings WHERE xmltv_channel_id = ? ORDER BY stream_priority',
      )
      .all(lineupChannelId);
    expect(rows).toEqual([
      { xtream_channel_id: first, is_primary: 1 },
      { xtream_channel_id: second, is_primary: 0 },
    ]);
  });

  it('cascades deletes: removing an account removes its provider channels, streams and mappings', () => {
    db = openDatabase(file);
    const gone = seedAccountRow(db, { name: 'Gone' });
    const kept = seedAccountRow(db, { name: 'Kept' });
    const lineupChannelId = seedLineupChannel(db, { channelId: 'BBCOne.uk' });
    const goneChannel = seedProviderChannel(db, {
      accountId: gone,
      name: 'BBC One',
      streams: [
        { streamId: 1, tier: 'HD' },
        { streamId: 2, tier: 'SD' },
      ],
    });
    const keptChannel = seedProviderChannel(db, {
      accountId: kept,
      name: 'BBC One',
      streams: [{ streamId: 1, tier: 'FHD' }],
    });
    seedMapping(db, { lineupChannelId, providerChannelId: goneChannel, primary: true });
    seedMapping(db, { lineupChannelId, providerChannelId: keptChannel, primary: false, priority: 1 });
    const count = (sql: string, id: number) => db!.prepare(sql).pluck().get(id) as number;
    expect(count('SELECT count(*) FROM xtream_channels WHERE account_id = ?', gone)).toBe(1);
    expect(count('SELECT count(*) FROM xtream_streams WHERE account_id = ?', gone)).toBe(2);

    db.prepare('DELETE FROM accounts WHERE id = ?').run(gone);

    expect(count('SELECT count(*) FROM xtream_channels WHERE account_id = ?', gone)).toBe(0);
    expect(count('SELECT count(*) FROM xtream_streams WHERE account_id = ?', gone)).toBe(0);
    expect(count('SELECT count(*) FROM channel_mappings WHERE xtream_channel_id = ?', goneChannel)).toBe(0);
    // The other account, its channel and its mapping, and the lineup channel stay.
    expect(count('SELECT count(*) FROM xtream_channels WHERE account_id = ?', kept)).toBe(1);
    expect(count('SELECT count(*) FROM channel_mappings WHERE xtream_channel_id = ?', keptChannel)).toBe(1);
    expect(count('SELECT count(*) FROM xmltv_channels WHERE id = ?', lineupChannelId)).toBe(1);
  });
});
