import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, prepareDataDir } from '../../src/db/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('file modes of the data dir', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.remove());

  it('creates the data dir and its missing parents 0700', () => {
    const dataDir = join(temp.path, 'a', 'b', 'data');
    expect(prepareDataDir(dataDir)).toBeNull();
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(temp.path, 'a'))).toBe(0o700);
  });

  it('tightens an existing data dir others can enter to 0700 and reports its old mode', () => {
    const dataDir = join(temp.path, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    expect(prepareDataDir(dataDir)).toEqual({ oldMode: 0o755, tightened: true });
    expect(modeOf(dataDir)).toBe(0o700);
    expect(prepareDataDir(dataDir)).toBeNull(); // nothing to say the second time
  });

  it('creates the database, its -wal and -shm 0600', () => {
    const file = join(temp.path, 'tunerbridge.db');
    const db = openDatabase(file);
    try {
      db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run();
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      db.close();
    }
  });

  it('tightens a database and WAL files an older version left readable by others', () => {
    const file = join(temp.path, 'tunerbridge.db');
    openDatabase(file).close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '', { mode: 0o644 });
    chmodSync(`${file}-wal`, 0o644);
    const db = openDatabase(file);
    try {
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      db.close();
    }
  });
});
