import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { repoRoot } from '../support/paths.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * Migrations are append-only. Every database an earlier release can have left behind, opened by
 * the current code, must end with exactly the schema of a fresh one.
 *
 * The states: each prefix of today's migrations (what each release applied), plus the versions a
 * landed migration had before it was edited, kept in ./fixtures as they were committed:
 * 006-guide-import.c006578.sql is 006 as it first landed, without xmltv_sources.account_id.
 * Today's files are held to their landed checksums (fixtures/landed-migrations.json), so the
 * prefixes are the texts as landed too; no git history or network needed.
 */
const migrationsDir = join(repoRoot, 'src', 'db', 'migrations');
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface MigrationText {
  number: number;
  file: string;
  sql: string;
}

const current: MigrationText[] = readdirSync(migrationsDir)
  .filter((f) => /^\d{3}-[\w-]+\.sql$/.test(f))
  .sort()
  .map((file) => ({ number: Number(file.slice(0, 3)), file, sql: readFileSync(join(migrationsDir, file), 'utf8') }));
const upTo = (number: number) => current.filter((m) => m.number <= number);
const fixture = (number: number, file: string): MigrationText => ({
  number,
  file,
  sql: readFileSync(join(fixturesDir, file), 'utf8'),
});

const numbers = (migrations: MigrationText[]) => migrations.map((m) => m.file.slice(0, 3)).join(', ');
const states: { name: string; migrations: MigrationText[] }[] = [
  ...current
    .slice(0, -1)
    .map((_, i) => current.slice(0, i + 1))
    .map((migrations) => ({ name: `migrations ${numbers(migrations)}`, migrations })),
  {
    name: 'migrations 001, 005, 006 as 006 first landed (c006578: no xmltv_sources.account_id)',
    migrations: [...upTo(5), fixture(6, '006-guide-import.c006578.sql')],
  },
];

/** Builds a database the way the migration runner of that release did: each file in a transaction, then user_version. */
function buildFrom(file: string, migrations: MigrationText[]): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const m of migrations) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.number}`);
    })();
  }
  db.close();
}

/** Everything that makes up the schema: every table, index and trigger's SQL (whitespace folded), columns and foreign keys per table. */
function schemaOf(db: Db) {
  const objects = db
    .prepare(
      "SELECT type, name, tbl_name AS tableName, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .all() as { type: string; name: string; tableName: string; sql: string | null }[];
  const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
  return {
    userVersion: db.pragma('user_version', { simple: true }) as number,
    objects: objects.map((o) => ({ ...o, sql: o.sql?.replace(/\s+/g, ' ').trim() ?? null })),
    columns: Object.fromEntries(
      tables.map((t) => [
        t,
        db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid').all(t),
      ]),
    ),
    foreignKeys: Object.fromEntries(
      tables.map((t) => [
        t,
        db.prepare('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(t),
      ]),
    ),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');

describe('migrations', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const open: Db[] = [];
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    temp.remove();
  });
  const openAt = (name: string) => {
    const db = openDatabase(join(temp.path, name));
    open.push(db);
    return db;
  };

  it('are never edited once landed: each file matches its checksum in fixtures/landed-migrations.json', () => {
    const landed = JSON.parse(readFileSync(join(fixturesDir, 'landed-migrations.json'), 'utf8')) as Record<
      string,
      string
    >;
    // A new migration adds its line there when it lands; a repair is a new migration, never an edit.
    for (const m of current)
      expect(sha256(m.sql), `${m.file} differs from the migration that landed`).toBe(landed[m.file]);
    expect(Object.keys(landed).sort()).toEqual(current.map((m) => m.file));
  });

  for (const state of states) {
    it(`bring a database from ${state.name} to the schema of a fresh one, keeping its rows`, () => {
      const fresh = schemaOf(openAt('fresh.db'));
      const file = join(temp.path, 'old.db');
      buildFrom(file, state.migrations);
      // Rows every earlier schema can hold (normalized_name was NOT NULL until 007 dropped it).
      const old = new Database(file);
      const hasNormalizedName = (
        old.prepare("SELECT name FROM pragma_table_info('xtream_channels')").pluck().all() as string[]
      ).includes('normalized_name');
      old
        .prepare(
          "INSERT INTO accounts (id, name, server_url, username, password_secret, password_backend, created_at, updated_at) VALUES (1, 'A', 'http://p', 'u', 's', 'aes', 1, 1)",
        )
        .run();
      old
        .prepare(
          hasNormalizedName
            ? "INSERT INTO xtream_channels (id, account_id, group_key, name, normalized_name, created_at, updated_at) VALUES (1, 1, 'bbc one', 'BBC One', 'bbc one', 1, 1)"
            : "INSERT INTO xtream_channels (id, account_id, group_key, name, created_at, updated_at) VALUES (1, 1, 'bbc one', 'BBC One', 1, 1)",
        )
        .run();
      old
        .prepare(
          "INSERT INTO xmltv_sources (id, name, url, created_at, updated_at) VALUES (1, 'G', '/tmp/guide.xml', 1, 1)",
        )
        .run();
      old.close();

      const upgraded = openAt('old.db');
      expect(schemaOf(upgraded)).toEqual(fresh);
      expect(upgraded.prepare('SELECT id, account_id, group_key, name FROM xtream_channels').all()).toEqual([
        { id: 1, account_id: 1, group_key: 'bbc one', name: 'BBC One' },
      ]);
      expect(upgraded.prepare('SELECT id, name, url, account_id FROM xmltv_sources').all()).toEqual([
        { id: 1, name: 'G', url: '/tmp/guide.xml', account_id: null },
      ]);
      expect(upgraded.pragma('foreign_key_check')).toEqual([]);
      expect(upgraded.pragma('integrity_check', { simple: true })).toBe('ok');
    });
  }

  it('store an account’s own guide after the repair (xmltv_sources.account_id, deleted with the account)', () => {
    const file = join(temp.path, 'old.db');
    buildFrom(file, states.at(-1)!.migrations);
    const db = openAt('old.db');
    db.prepare(
      "INSERT INTO accounts (id, name, server_url, username, password_secret, password_backend, created_at, updated_at) VALUES (1, 'A', 'http://p', 'u', 's', 'aes', 1, 1)",
    ).run();
    db.prepare(
      "INSERT INTO xmltv_sources (name, url, account_id, created_at, updated_at) VALUES ('Own guide', 'http://p/xmltv.php', 1, 1, 1)",
    ).run();
    db.prepare('DELETE FROM accounts WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM xmltv_sources').pluck().get()).toBe(0);
  });
});
