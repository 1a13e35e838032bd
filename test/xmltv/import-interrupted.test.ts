import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfig, createLogger, systemClock } from '../../src/core/index.js';
import { CredentialStore } from '../../src/credentials/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { GuideSources } from '../../src/xmltv/index.js';
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

  it('leaves the previous guide as it was; the half-written rows are removed at the next start', async () => {
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
    try {
      const current = db.prepare('SELECT generation FROM xmltv_sources WHERE id = ?').pluck().get(id) as number;
      const leftover = db.prepare('SELECT count(*) FROM programmes WHERE source_id = ? AND generation > ?').pluck();
      expect(leftover.get(id, current)).toBeGreaterThan(0);
      const readable = db
        .prepare(
          'SELECT channel_id, title, start_at FROM programmes WHERE source_id = ? AND generation = ? ORDER BY id',
        )
        .all(id, current);
      expect(readable).toEqual(before);

      const guides = guidesOn(db); // start-up
      expect(leftover.get(id, current)).toBe(0);
      expect(
        db.prepare('SELECT channel_id, title, start_at FROM programmes WHERE source_id = ? ORDER BY id').all(id),
      ).toEqual(before);
      expect(guides.get(id)).toMatchObject({ programmes: 5, channels: 1, lastError: null });
    } finally {
      db.close();
    }
  });
});
