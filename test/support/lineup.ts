import { dirname } from 'node:path';
import { createConfig, createLogger, systemClock, type Clock } from '../../src/core/index.js';
import { CredentialStore } from '../../src/credentials/index.js';
import type { Db } from '../../src/db/index.js';
import { EventLog } from '../../src/events/index.js';
import { Lineup } from '../../src/lineup/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { Accounts, ProviderCatalog } from '../../src/xtream/index.js';

/** The real lineup domain over a test database, for tests that build one domain without the app. */
export function createLineup(db: Db, clock: Clock = systemClock): Lineup {
  const log = createLogger('silent');
  return new Lineup({ db, providers: new ProviderCatalog(db), events: new EventLog(db, clock, log), log, clock });
}

/** The real accounts domain over a test database (AES secrets beside the database file). */
export function createAccounts(db: Db, clock: Clock = systemClock): Accounts {
  const log = createLogger('silent');
  const credentials = new CredentialStore({ dataDir: dirname(db.name), keyring: null, log });
  const lineup = createLineup(db, clock);
  return new Accounts({
    db,
    credentials,
    events: new EventLog(db, clock, log),
    log,
    clock,
    config: createConfig({ dataDir: dirname(db.name) }),
    mappedLineupChannels: (ids) => lineup.channelsMappedTo(ids),
    // Never used by the callers here (no provider request); an agent with no connection holds nothing open.
    dispatcher: createUpstreamAgent({ connectTimeoutMs: 1000 }),
  });
}

/** Where a tuner device built without the app gets its channels and tuner count: the real domains. */
export function deviceSources(db: Db): { lineup: Lineup; accounts: Accounts } {
  return { lineup: createLineup(db), accounts: createAccounts(db) };
}
