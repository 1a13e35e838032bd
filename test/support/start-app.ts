import { Writable } from 'node:stream';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps, type Domains } from '../../src/app.js';
import { createConfig, createLogger, type AppConfig } from '../../src/core/index.js';
import { openDatabase } from '../../src/db/index.js';
import { makeTempDir } from './temp-dir.js';

export interface TestApp {
  app: FastifyInstance;
  /** The domains `buildApp` created, for seeding through them and checking their state. */
  domains: Domains;
  /** `http://127.0.0.1:port` of the listening server. */
  url: string;
  dataDir: string;
  /** Every log line the app wrote (raw JSON text), for leak checks and assertions. */
  logs: string[];
  /** Closes the app, the database and removes the data dir (unless `keepDataDir`). */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface StartAppOptions {
  config?: Partial<AppConfig>;
  /** Reuse an existing data dir (restart tests). */
  dataDir?: string;
  /** Extra dependencies passed through to `buildApp` (e.g. a keyring backend, an HTTP dispatcher). */
  deps?: Partial<Omit<AppDeps, 'config' | 'db' | 'log'>>;
  /** Do not listen (for `app.inject()`-only tests). */
  listen?: boolean;
  /** Level of the captured log (default debug; leak checks use trace). */
  logLevel?: string;
}

/** Starts the real app on a real SQLite file in a temp dir, listening on 127.0.0.1:0. */
export async function startApp(options: StartAppOptions = {}): Promise<TestApp> {
  const temp = options.dataDir ? undefined : makeTempDir();
  const dataDir = options.dataDir ?? temp!.path;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const log = createLogger(options.logLevel ?? 'debug', sink);
  const config = createConfig({ host: '127.0.0.1', port: 0, dataDir, discovery: false, ...options.config });
  const db = openDatabase(join(dataDir, 'tunerbridge.db'));
  // keyring null = the AES path, so tests never touch the developer's real keyring unless they pass one.
  const { app, domains } = await buildApp({ config, db, log, keyring: null, ...options.deps });
  let url = '';
  if (options.listen !== false) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  return {
    app,
    domains,
    url,
    dataDir,
    logs,
    async close(closeOptions = {}) {
      await app.close();
      db.close();
      if (!closeOptions.keepDataDir) temp?.remove();
    },
  };
}
