#!/usr/bin/env node
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app.js';
import { parseCli, usage } from './cli.js';
import { createLogger, isAppError, systemClock, type AppConfig, type Logger } from './core/index.js';
import { openDatabase, prepareDataDir, type DataDirMode, type Db } from './db/index.js';
import { setUpDemo } from './demo/index.js';
import { AdminAuth } from './auth/index.js';
import { EventLog } from './events/index.js';
import { readNewPassword } from './password-input.js';

/** Ends the process with one clear line: the CLI contract for start-up failures. */
function fail(message: string): never {
  process.stderr.write(`tunerbridge: ${message}\n`);
  process.exit(1);
}

/** Creates the data dir 0700 (tightening a looser one); ends the process when it cannot. */
function prepareDataDirOrFail(dataDir: string, log: Logger): void {
  let mode: DataDirMode | null;
  try {
    mode = prepareDataDir(dataDir);
    accessSync(dataDir, constants.W_OK);
  } catch {
    fail(`data dir ${dataDir} is not writable`);
  }
  if (mode) {
    const details = { dataDir, mode: mode.oldMode.toString(8) };
    if (mode.tightened) log.warn(details, 'the data dir was open to other users; tightened to 0700');
    else log.warn(details, 'the data dir is open to other users and could not be tightened; chmod 700 it');
  }
}

async function serve(config: AppConfig): Promise<void> {
  const log = createLogger(config.logLevel);
  prepareDataDirOrFail(config.dataDir, log);
  let db: Db;
  try {
    db = openDatabase(join(config.dataDir, 'tunerbridge.db'));
  } catch (error) {
    fail(`cannot open the database in ${config.dataDir}: ${(error as Error).message}`);
  }
  const clock = systemClock;
  const { app, domains } = await buildApp({ config, db, log, clock, processMetrics: true });
  await applyAdminPasswordFromEnv(domains.auth, log, () => db.close());
  if (config.demo) {
    try {
      const provider = await setUpDemo(domains, clock);
      app.addHook('onClose', () => provider.close());
      log.info({ dataDir: config.dataDir }, 'demo mode: built-in provider scanned, demo channels matched and enabled');
    } catch (error) {
      db.close();
      fail(`demo set-up failed: ${(error as Error).message}`);
    }
  }
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    db.close();
    if (code === 'EADDRINUSE') fail(`port ${config.port} on ${config.host} is already in use`);
    if (code === 'EACCES') fail(`no permission to listen on port ${config.port}`);
    fail(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    // app.close() runs the onClose hooks: streams end, discovery stops; then the database closes.
    const forced = setTimeout(() => process.exit(1), 10_000).unref();
    app
      .close()
      .catch((error: unknown) => log.error({ err: error }, 'error while closing'))
      .finally(() => {
        db.close();
        clearTimeout(forced);
        process.exit(0);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * `TUNERBRIDGE_ADMIN_PASSWORD` sets the admin password at start-up (unless it already is that
 * one, so restarts keep the sessions). Taken out of the environment at once, so nothing started
 * later inherits it; logged without the value.
 */
async function applyAdminPasswordFromEnv(auth: AdminAuth, log: Logger, closeDb: () => void): Promise<void> {
  const password = process.env.TUNERBRIDGE_ADMIN_PASSWORD;
  delete process.env.TUNERBRIDGE_ADMIN_PASSWORD;
  if (password === undefined || password === '') {
    if (!auth.passwordSet())
      log.warn('no admin password set: /api answers loopback clients only (tunerbridge set-password)');
    return;
  }
  try {
    const result = await auth.applyStartupPassword(password);
    log.info(
      result === 'set'
        ? 'admin password set from TUNERBRIDGE_ADMIN_PASSWORD; every session ended'
        : 'admin password from TUNERBRIDGE_ADMIN_PASSWORD is the stored one',
    );
  } catch (error) {
    closeDb();
    fail(`TUNERBRIDGE_ADMIN_PASSWORD: ${isAppError(error) ? error.message : 'could not be stored'}`);
  }
}

/** `tunerbridge set-password`: reads the new password, stores its hash, ends every session. */
async function setPassword(dataDir: string): Promise<void> {
  prepareDataDir(dataDir);
  let password: string;
  try {
    password = await readNewPassword();
  } catch (error) {
    fail((error as Error).message);
  }
  let db: Db;
  try {
    db = openDatabase(join(dataDir, 'tunerbridge.db'));
  } catch (error) {
    fail(`cannot open the database in ${dataDir}: ${(error as Error).message}`);
  }
  // The event is the record of the change; the process log stays quiet (stdout is for the user).
  const log = createLogger('silent');
  const auth = new AdminAuth({ db, clock: systemClock, events: new EventLog(db, systemClock, log), log });
  try {
    await auth.setPassword(password, 'cli');
  } catch (error) {
    db.close();
    fail(isAppError(error) ? error.message : `could not store the password: ${(error as Error).message}`);
  }
  db.close();
  process.stdout.write('admin password set; every login session ended\n');
}

const command = parseCli(process.argv.slice(2));
switch (command.kind) {
  case 'help':
    process.stdout.write(usage);
    break;
  case 'error':
    process.stderr.write(`tunerbridge: ${command.message}\n\n${usage}`);
    process.exit(1);
    break;
  case 'serve':
    await serve(command.config);
    break;
  case 'set-password':
    await setPassword(command.dataDir);
    break;
}
