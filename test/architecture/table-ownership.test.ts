import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

/*
 * One owner per table: outside its domain folder (and the migrations and their steps), no source file names
 * another domain's table; other domains ask the owner's index.ts. Every table the migrations
 * create must be listed here, so a new table gets an owner when it is added.
 */
const owners: Record<string, string> = {
  accounts: 'xtream',
  xtream_channels: 'xtream',
  xtream_streams: 'xtream',
  xmltv_channels: 'lineup',
  xmltv_channel_settings: 'lineup',
  channel_mappings: 'lineup',
  channel_mapping_exclusions: 'lineup',
  xmltv_sources: 'xmltv',
  xmltv_source_channels: 'xmltv',
  programmes: 'xmltv',
  event_log: 'events',
  settings: 'db',
  admin_password: 'auth',
  admin_sessions: 'auth',
  admin_api_keys: 'auth',
  logos: 'logos',
};

const srcDir = join(repoRoot, 'src');
const migrationsDir = join(srcDir, 'db', 'migrations');
// The repairs SQL alone cannot make are migrations too: they touch whatever table they repair.
const migrationSteps = join(srcDir, 'db', 'migration-steps.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === migrationsDir ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && path !== migrationSteps ? [path] : [];
  });
}

// Comments may name any table (to explain a key); only code counts.
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

// A name with an underscore is a table wherever it stands; a plain word ("accounts",
// "settings", "programmes") only where SQL names a table.
function mentions(code: string, table: string): boolean {
  const pattern = table.includes('_')
    ? new RegExp(`\\b${table}\\b`)
    : new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\\s+${table}\\b`);
  return pattern.test(code);
}

describe('table ownership', () => {
  it('gives every table the migrations create an owner', () => {
    const created = readdirSync(migrationsDir)
      .filter((name) => name.endsWith('.sql'))
      .flatMap((name) =>
        [...readFileSync(join(migrationsDir, name), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map(
          (m) => m[1]!,
        ),
      );
    expect(created.filter((table) => !(table in owners) && !table.endsWith('_new'))).toEqual([]);
  });

  it('keeps every table inside its owner: no other domain names it', () => {
    const trespasses: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const domain = relative(srcDir, file).split(sep)[0]!;
      const code = withoutComments(readFileSync(file, 'utf8'));
      for (const [table, owner] of Object.entries(owners)) {
        if (domain !== owner && mentions(code, table))
          trespasses.push(`${relative(repoRoot, file)} names ${table} (owned by ${owner}/)`);
      }
    }
    expect(trespasses).toEqual([]);
  });

  it('sees a trespass when there is one (the check itself can fail)', () => {
    expect(mentions(withoutComments("db.prepare('SELECT * FROM channel_mappings')"), 'channel_mappings')).toBe(true);
    expect(
      mentions(withoutComments("db.prepare('SELECT count(*) FROM accounts WHERE is_active = 1')"), 'accounts'),
    ).toBe(true);
    expect(mentions(withoutComments('// the accounts domain: FROM accounts'), 'accounts')).toBe(false);
    expect(mentions('const accounts = new Accounts()', 'accounts')).toBe(false);
  });
});
