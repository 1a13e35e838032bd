import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseBytes, migrate, type Db } from '../../src/db/index.js';
import { formatXmltvTime } from '../../src/xmltv/index.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startGuideApp, type GuideTestApp } from './guide-fixture.js';

const mib = 1024 * 1024;

/** An XMLTV guide of `channels` × `perChannel` hourly programmes with long descriptions (~0.8 KiB each). */
function bigGuide(channels: number, perChannel: number): string {
  const from = Date.UTC(2026, 0, 1);
  const description = 'A long description of the programme, as big providers send them. '.repeat(12);
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<tv>'];
  for (let c = 0; c < channels; c++)
    parts.push(`<channel id="ch${c}.uk"><display-name>Channel ${c}</display-name></channel>`);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < perChannel; i++) {
      const start = formatXmltvTime(from + i * 3_600_000);
      const stop = formatXmltvTime(from + (i + 1) * 3_600_000);
      parts.push(
        `<programme start="${start}" stop="${stop}" channel="ch${c}.uk"><title>Show ${i}</title><desc>${i} ${description}</desc></programme>`,
      );
    }
  }
  parts.push('</tv>', '');
  return parts.join('\n');
}

const pragma = (db: Db, name: string) => db.pragma(name, { simple: true }) as number;

describe('deleting a guide source gives its space back', () => {
  let g: GuideTestApp | undefined;
  let temp: ReturnType<typeof makeTempDir> | undefined;
  afterEach(async () => {
    await g?.close();
    temp?.remove();
    g = temp = undefined;
  });

  /** Imports the big guide and a small one; deletes the big one through the API; the sizes around it. */
  async function importAndDelete(app: GuideTestApp) {
    const file = join(app.t.dataDir, 'tunerbridge.db');
    const small = app.guides.create({ name: 'Small', url: app.writeGuide('small.xml', bigGuide(1, 10)) });
    await app.guides.refresh(small.id);
    const big = app.guides.create({ name: 'Big', url: app.writeGuide('big.xml', bigGuide(20, 1500)) });
    expect((await app.guides.refresh(big.id)).programmes).toBe(30_000);
    app.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = { bytes: databaseBytes(app.db), file: statSync(file).size };
    expect(before.bytes).toBeGreaterThan(24 * mib);

    const res = await app.inject({ method: 'DELETE', url: `/api/xmltv-sources/${big.id}` });
    expect(res.statusCode).toBe(204);
    const after = { bytes: databaseBytes(app.db), file: statSync(file).size };
    // The small guide is still there and readable.
    expect(app.visibleProgrammes(small.id)).toHaveLength(10);
    return { before, after };
  }

  it('on a fresh database (incremental auto-vacuum): the file shrinks to a fraction', async () => {
    g = await startGuideApp();
    expect(pragma(g.db, 'auto_vacuum')).toBe(2);
    const { before, after } = await importAndDelete(g);
    expect(after.bytes).toBeLessThan(before.bytes / 4);
    expect(after.file).toBeLessThan(before.file / 4);
    expect(pragma(g.db, 'freelist_count')).toBe(0);
    const line = g.t.logs.find((l) => l.includes('database space reclaimed after guide removal'));
    expect(JSON.parse(line!)).toMatchObject({
      method: 'incremental',
      bytesBefore: before.bytes,
      bytesAfter: after.bytes,
    });
  });

  it('on a database an older release made (auto_vacuum NONE): a full VACUUM, which also makes it incremental', async () => {
    temp = makeTempDir();
    // Tables created before openDatabase could set incremental auto-vacuum, as older releases did.
    const old = new Database(join(temp.path, 'tunerbridge.db'));
    migrate(old);
    expect(pragma(old, 'auto_vacuum')).toBe(0);
    old.close();
    g = await startGuideApp({ dataDir: temp.path });
    expect(pragma(g.db, 'auto_vacuum')).toBe(0);
    const { before, after } = await importAndDelete(g);
    expect(after.bytes).toBeLessThan(before.bytes / 4);
    expect(after.file).toBeLessThan(before.file / 4);
    expect(pragma(g.db, 'freelist_count')).toBe(0);
    expect(pragma(g.db, 'auto_vacuum')).toBe(2);
    const line = g.t.logs.find((l) => l.includes('database space reclaimed after guide removal'));
    expect(JSON.parse(line!)).toMatchObject({ method: 'vacuum', bytesBefore: before.bytes, bytesAfter: after.bytes });
    // The app's own connection and the test's both still work on the rebuilt file.
    expect(g.guides.list().map((s) => s.name)).toEqual(['Small']);
  });
});
