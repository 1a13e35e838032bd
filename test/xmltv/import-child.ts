/**
 * Run as a separate process by the interrupted-import test: imports one source and reports on
 * stdout once programme rows of the new generation are in the database, so the test can
 * `kill -9` it mid-import.
 */
import { dirname } from 'node:path';
import { createConfig, createLogger, systemClock } from '../../src/core/index.js';
import { CredentialStore } from '../../src/credentials/index.js';
import { openDatabase } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { GuideSources } from '../../src/xmltv/index.js';
import { createLineup } from '../support/lineup.js';

const [dbFile, sourceArg] = process.argv.slice(2);
const sourceId = Number(sourceArg);
const db = openDatabase(dbFile!);
const log = createLogger('silent');
const guides = new GuideSources({
  db,
  lineup: createLineup(db),
  credentials: new CredentialStore({ dataDir: dirname(dbFile!), keyring: null, log }),
  events: new EventLog(db, systemClock, log),
  log,
  clock: systemClock,
  config: createConfig({ userAgent: 'test' }),
  // Never closed: the test kills this process mid-import.
  dispatcher: createUpstreamAgent({ connectTimeoutMs: 5000 }),
});
const staged = db
  .prepare(
    'SELECT count(*) FROM programmes WHERE source_id = ? AND generation > (SELECT generation FROM xmltv_sources WHERE id = ?)',
  )
  .pluck();
const timer = setInterval(() => {
  const rows = staged.get(sourceId, sourceId) as number;
  if (rows > 0) process.stdout.write(`staged ${rows}\n`);
}, 20);
await guides.refresh(sourceId).finally(() => clearInterval(timer));
process.stdout.write('finished\n');
