import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/db/index.js';
import { startApp, type StartAppOptions, type TestApp } from '../support/start-app.js';

export interface LineupTestApp {
  t: TestApp;
  /** A second connection to the app's SQLite file (WAL), for seeding and checking rows. */
  db: Db;
  inject: TestApp['app']['inject'];
  /** The app's lineup domain. */
  lineup: TestApp['domains']['lineup'];
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

/** The real app (inject only, unless asked) plus a seeding connection to its database. */
export async function startLineupApp(options: StartAppOptions = {}): Promise<LineupTestApp> {
  const t = await startApp({ listen: false, ...options });
  const db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  return {
    t,
    db,
    inject: t.app.inject.bind<TestApp['app']['inject']>(t.app),
    lineup: t.domains.lineup,
    async close(closeOptions) {
      db.close();
      await t.close(closeOptions);
    },
  };
}
