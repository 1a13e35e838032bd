import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfig, createLogger, systemClock } from '../../src/core/index.js';
import { CredentialStore } from '../../src/credentials/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { GuideSources } from '../../src/xmltv/index.js';
import { deleteBatchRows } from '../../src/xmltv/guide-store.js';
import { startApp } from '../support/start-app.js';
import { createLineup } from '../support/lineup.js';
import { startFakeGuideServer, type FakeGuideServer } from '../support/fake-guide-server.js';
import { makeTempDir } from '../support/temp-dir.js';
import { repoRoot } from '../support/paths.js';
import { hourlyProgrammes, xmltvDocument } from './guide-fixture.js';

const log = createLogger('silent');
const dispatcher = createUpstreamAgent({ connectTimeoutMs: 5000 });
afterAll(() => dispatcher.close());
const guidesOn = (db: Db) =>
  new GuideSources({
    db,
    lineup: createLineup(db),
    credentials: new CredentialStore({ dataDir: dirname(db.name), keyring: null, log }),
    events: new EventLog(db, systemClock, log),
    log,
    clock: systemClock,
    config: createConfig({ userAgent: 'test' }),
    dispatcher,
  });

describe('an import killed with SIGKILL mid-way', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let server: FakeGuideServer;
  beforeEach(async () => {
    dir = makeTempDir();
    server = await startFakeGuideServer();
  });
  afterEach(async () => {
    await server.close();
    dir.remove();
  });

  it('leaves the previous guide as it was; the half-written rows are removed after the next start listens', async () => {
    const file = join(dir.path, 'tunerbridge.db');
    let db = openDatabase(file);
    const old = xmltvDocument([{ id: 'Old.uk', names: ['Old'] }], hourlyProgrammes(['Old.uk'], 5));
    server.route('/guide', { body: old });
    const id = guidesOn(db).create({ name: 'G', url: `${server.url}/guide` }).id;
    expect(await guidesOn(db).refresh(id)).toMatchObject({ programmes: 5 });
    const before = db
      .prepare('SELECT channel_id, title, start_at FROM programmes WHERE source_id = ? ORDER BY id')
      .all(id);

    // The new guide arrives fast until half-way, then the server goes quiet: the import is stuck mid-way.
    const next = xmltvDocument([{ id: 'New.uk', names: ['New'] }], hourlyProgrammes(['New.uk', 'Other.uk'], 5000));
    server.route('/guide', { body: next, cutAfterBytes: Math.floor(next.length / 2), cut: 'stall' });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test/xmltv/import-child.ts'), file, String(id)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('staged')) resolve();
      });
      child.on('exit', () => reject(new Error(`child ended before staging rows: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    db.close();
    db = openDatabase(file);
    const current = db.prepare('SELECT generation FROM xmltv_sources WHERE id = ?').pluck().get(id) as number;
    const leftover = db.prepare('SELECT count(*) FROM programmes WHERE source_id = ? AND generation <> ?').pluck();
    const killed = leftover.get(id, current) as number;
    expect(killed).toBeGreaterThan(0);
    const readable = db
      .prepare('SELECT channel_id, title, start_at FROM programmes WHERE source_id = ? AND generation = ? ORDER BY id')
      .all(id, current);
    expect(readable).toEqual(before);
    // More rows of the dead import than one delete batch takes, as after a big guide.
    const extra = 2 * deleteBatchRows + 500;
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO programmes (source_id, generation, channel_id, start_at, title) SELECT ?, ?, 'New.uk', i, 'x' FROM n`,
    ).run(extra, id, current + 1);
    db.close();

    // Start-up: the server listens first; the rows go afterwards, in batches, logged and as an event.
    const t = await startApp({ dataDir: dir.path });
    try {
      expect(await t.domains.guides.discardInterrupted()).toBe(killed + extra);
      const lines = t.logs.map((line) => JSON.parse(line) as { msg: string; rows?: number });
      const listening = lines.findIndex((l) => l.msg.startsWith('Server listening at'));
      const removing = lines.findIndex((l) => l.msg === 'removing programmes of interrupted guide imports');
      const removed = lines.findIndex((l) => l.msg === 'removed programmes of interrupted guide imports');
      expect(listening).toBeGreaterThanOrEqual(0);
      expect(removing).toBeGreaterThan(listening);
      expect(lines[removed]).toMatchObject({ rows: killed + extra });

      const check = openDatabase(file);
      try {
        expect(
          check
            .prepare('SELECT count(*) FROM programmes WHERE source_id = ? AND generation <> ?')
            .pluck()
            .get(id, current),
        ).toBe(0);
        expect(
          check.prepare('SELECT channel_id, title, start_at FROM programmes WHERE source_id = ? ORDER BY id').all(id),
        ).toEqual(before);
        // A fresh database has incremental auto-vacuum: the removed rows' pages went back to the file system.
        expect(check.pragma('auto_vacuum', { simple: true })).toBe(2);
        expect(check.pragma('freelist_count', { simple: true })).toBe(0);
      } finally {
        check.close();
      }
      expect(t.domains.guides.get(id)).toMatchObject({ programmes: 5, channels: 1, lastError: null });
      expect(t.domains.events.list({ category: 'guide', limit: 10 }).items[0]).toMatchObject({
        level: 'warn',
        message: `Removed ${killed + extra} programmes left by interrupted guide imports`,
        details: { rows: killed + extra, sources: [id] },
      });
    } finally {
      await t.close({ keepDataDir: true });
    }
    // Nothing left: a second start finds nothing to do and records nothing.
    const again = await startApp({ dataDir: dir.path });
    try {
      expect(await again.domains.guides.discardInterrupted()).toBe(0);
      const removals = again.domains.events
        .list({ category: 'guide', limit: 100 })
        .items.filter((e) => e.message.startsWith('Removed'));
      expect(removals).toHaveLength(1);
      expect(again.logs.join('')).not.toContain('removing programmes');
    } finally {
      await again.close({ keepDataDir: true });
    }
  });
});
