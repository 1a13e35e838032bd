import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import {
  AppError,
  invalidInput,
  isAppError,
  Listeners,
  progressLog,
  requiredText,
  type AppConfig,
  type TaskProgress,
  type Clock,
  type Logger,
} from '../core/index.js';
import { toSqlBool, type Db } from '../db/index.js';
import { unavailableHint, type CredentialStore, type StoredSecret } from '../credentials/index.js';
import type { EventLog } from '../events/index.js';
import {
  deleteAccountRow,
  effectiveMaxConnections,
  findAccountRow,
  insertAccountRow,
  listAccountRows,
  secretOf,
  toAccountView,
  updateAccountRow,
  type AccountChanges,
  type AccountRow,
  type AccountView,
} from './account-repository.js';
import { listProviderChannels, type ProviderChannelView } from './provider-channels.js';
import { groupStreams, storeScan, type MappedLineupLookup, type ScanResult } from './scan-store.js';
import { buildGuideUrl, providerBase } from './stream-url.js';
import { XtreamClient } from './xtream-client.js';

export interface AccountsDeps {
  db: Db;
  credentials: CredentialStore;
  events: EventLog;
  log: Logger;
  clock: Clock;
  config: AppConfig;
  /** The app's upstream dispatcher for provider API calls; its owner closes it. */
  dispatcher: Dispatcher;
  /** The lineup channels mapped to provider channels a scan is about to delete (reported in its result). */
  mappedLineupChannels: MappedLineupLookup;
  /** Called after a scan is committed (the lineup reacts to removed and renamed channels). */
  onScanned?: (result: ScanResult) => void;
  /** Called after an account (with its provider channels and their mappings) was deleted. */
  onRemoved?: (accountId: number) => void;
  /** Called after an active account was switched off (its live streams must end). */
  onDeactivated?: (accountId: number) => void;
}

export interface AccountInput {
  name: string;
  serverUrl: string;
  username: string;
  password: string;
  maxConnections?: number;
}

export interface AccountPatch {
  name?: string;
  serverUrl?: string;
  username?: string;
  password?: string;
  /** null: back to the provider's advertised limit. */
  maxConnections?: number | null;
  isActive?: boolean;
}

/** A server URL the way we store it: http(s), no trailing slash, no `player_api.php`. */
function normaliseServerUrl(serverUrl: string): string {
  let base: string;
  try {
    base = providerBase(serverUrl);
  } catch {
    throw invalidInput('serverUrl must be an http(s) URL');
  }
  if (!/^https?:\/\/[^/]/i.test(base)) throw invalidInput('serverUrl must be an http(s) URL');
  return base;
}

/**
 * Xtream accounts: CRUD, connection test, channel scan, provider channel listing, and the
 * credentials the stream proxy needs. The password is stored by the credential store and
 * revealed only for a provider request.
 */
export class Accounts {
  private readonly scanning = new Set<number>();
  private readonly progress: Listeners<TaskProgress>;

  constructor(private readonly deps: AccountsDeps) {
    this.progress = new Listeners(deps.log, 'scan progress');
  }

  /**
   * Calls `listener` as scans run: `fetching` (the provider's lists), `storing`, then once
   * `finished` (phase `done` with the channel count, or `failed` with the reason). Returns the
   * unsubscribe function.
   */
  onScanProgress(listener: (progress: TaskProgress) => void): () => void {
    return this.progress.add(listener);
  }

  /** Adds an account; the password goes to the credential store. */
  create(input: AccountInput): AccountView {
    const { db, credentials, clock, events } = this.deps;
    const name = requiredText(input.name, 'name');
    const serverUrl = normaliseServerUrl(input.serverUrl);
    const username = requiredText(input.username, 'username');
    const secret = credentials.save(`account-${randomUUID()}`, input.password);
    let id: number;
    try {
      id = insertAccountRow(db, {
        name,
        serverUrl,
        username,
        secret,
        maxConnections: input.maxConnections ?? null,
        now: clock.now(),
      });
    } catch (error) {
      credentials.forget(secret);
      throw error;
    }
    events.record({
      level: 'info',
      category: 'account',
      message: `Account "${name}" added`,
      details: { accountId: id, backend: secret.backend },
    });
    return this.get(id);
  }

  /** Every account. */
  list(): AccountView[] {
    return listAccountRows(this.deps.db).map(toAccountView);
  }

  /** One account; ACCOUNT_NOT_FOUND when missing. */
  get(id: number): AccountView {
    return toAccountView(this.row(id));
  }

  /** Changes an account; a new password replaces the stored secret. Changing server or user resets the status. */
  update(id: number, patch: AccountPatch): AccountView {
    const { db, credentials, clock, events } = this.deps;
    const row = this.row(id);
    const changes: AccountChanges = {};
    if (patch.name !== undefined) changes.name = requiredText(patch.name, 'name');
    if (patch.serverUrl !== undefined) changes.server_url = normaliseServerUrl(patch.serverUrl);
    if (patch.username !== undefined) changes.username = requiredText(patch.username, 'username');
    if (patch.maxConnections !== undefined) changes.max_connections = patch.maxConnections;
    if (patch.isActive !== undefined) changes.is_active = toSqlBool(patch.isActive);
    const targetChanged =
      (changes.server_url ?? row.server_url) !== row.server_url || (changes.username ?? row.username) !== row.username;
    // The stored password must never follow a new host or user it was not typed for: otherwise
    // anyone who can PATCH (or forge a PATCH) points the account at their server, and the next
    // test or stream hands them the password.
    if (targetChanged && patch.password === undefined)
      throw invalidInput('changing serverUrl or username needs the password');
    if (targetChanged || patch.password !== undefined) changes.status = 'unchecked';
    let newSecret: StoredSecret | undefined;
    if (patch.password !== undefined) {
      newSecret = credentials.save(`account-${randomUUID()}`, patch.password);
      changes.password_secret = newSecret.secret;
      changes.password_backend = newSecret.backend;
    }
    try {
      updateAccountRow(db, id, changes, clock.now());
    } catch (error) {
      if (newSecret) credentials.forget(newSecret);
      throw error;
    }
    if (newSecret) credentials.forget(secretOf(row));
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    events.record({
      level: 'info',
      category: 'account',
      message: `Account "${changes.name ?? row.name}" updated`,
      details: { accountId: id, fields },
    });
    if (row.is_active === 1 && changes.is_active === 0) this.notify('onDeactivated', id);
    return this.get(id);
  }

  /**
   * Start-up: moves passwords that sit only in a volatile keyring (Linux keyutils, written by
   * older versions without a Secret Service) to where new secrets go; returns how many moved.
   */
  relocateSecrets(): number {
    const { db, credentials, clock, events } = this.deps;
    let moved = 0;
    for (const row of listAccountRows(db)) {
      const next = credentials.relocate(secretOf(row), (secret) =>
        updateAccountRow(db, row.id, { password_secret: secret.secret, password_backend: secret.backend }, clock.now()),
      );
      if (!next) continue;
      moved++;
      events.record({
        level: 'info',
        category: 'account',
        message: `Password of account "${row.name}" moved out of the volatile kernel keyring`,
        details: { accountId: row.id, backend: next.backend },
      });
    }
    return moved;
  }

  /** Deletes an account, its provider channels (mappings cascade) and its stored secret. */
  remove(id: number): void {
    const row = this.row(id);
    deleteAccountRow(this.deps.db, id);
    this.deps.credentials.forget(secretOf(row));
    this.deps.events.record({
      level: 'info',
      category: 'account',
      message: `Account "${row.name}" deleted`,
      details: { accountId: id },
    });
    this.notify('onRemoved', id);
  }

  /** Authenticates with the provider; stores status, expiry, connections and limit. */
  async test(id: number): Promise<AccountView> {
    const { db, clock, events } = this.deps;
    const row = this.row(id);
    const client = this.client(row);
    try {
      const info = await client.authenticate();
      updateAccountRow(
        db,
        id,
        {
          status: info.status,
          exp_date: info.expiresAt,
          active_cons: info.activeConnections,
          provider_max_connections: info.maxConnections,
          last_checked_at: clock.now(),
        },
        clock.now(),
      );
      events.record({
        level: 'info',
        category: 'account',
        message: `Account "${row.name}" checked: ${info.status}`,
        details: {
          accountId: id,
          status: info.status,
          providerMaxConnections: info.maxConnections,
          activeConnections: info.activeConnections,
        },
      });
    } catch (error) {
      if (findAccountRow(db, id))
        updateAccountRow(db, id, { status: 'error', last_checked_at: clock.now() }, clock.now());
      this.recordFailure(row, 'account', 'check', error);
      throw error;
    }
    return this.get(id);
  }

  /** Fetches categories and live streams, groups tier variants and stores them in one transaction. */
  async scan(id: number): Promise<ScanResult> {
    const { db, clock, events, log } = this.deps;
    const row = this.row(id);
    if (this.scanning.has(id)) throw new AppError('REFRESH_IN_PROGRESS', 'a scan of this account is already running');
    this.scanning.add(id);
    const started = performance.now();
    let result: ScanResult;
    const report = (phase: string, extra: Partial<TaskProgress> = {}) =>
      this.progress.emit({ kind: 'scan', id, phase, finished: false, ...extra });
    const logProgress = progressLog({ log, message: 'account scan progress', fields: { accountId: id } });
    // Percent by step: the stream list's download is most of a scan (tens of MB on big panels),
    // up to 80% by its bytes when the panel sends a Content-Length; storing is 90%, the end 100%.
    let lastPercent = 0;
    let lastMiB = 0;
    const downloaded = (bytes: number, total: number | undefined) => {
      const percent = total ? Math.min(80, Math.floor((bytes / total) * 80)) : undefined;
      logProgress({ percent, done: bytes });
      if (percent !== undefined ? percent <= lastPercent : Math.floor(bytes / 1_048_576) <= lastMiB) return;
      if (percent !== undefined) lastPercent = percent;
      else lastMiB = Math.floor(bytes / 1_048_576);
      report('fetching', { done: bytes, ...(total ? { total, percent } : {}) });
    };
    try {
      report('fetching');
      const client = this.client(row);
      const [categories, streams] = await Promise.all([client.getLiveCategories(), client.getLiveStreams(downloaded)]);
      this.row(id); // deleted while we waited?
      report('storing', { total: streams.length, percent: 90 });
      const known = (
        db.prepare('SELECT count(*) AS n FROM xtream_streams WHERE account_id = ?').get(id) as { n: number }
      ).n;
      // An empty list from a panel that had channels yesterday is a glitch far more often than a
      // real change; wiping the lineup on it would lose every mapping.
      if (streams.length === 0 && known > 0) {
        throw new AppError('PROVIDER_BAD_RESPONSE', 'provider returned no channels', {
          details: { accountId: id, knownStreams: known },
        });
      }
      const stored = storeScan(db, id, categories, groupStreams(streams), clock.now(), this.deps.mappedLineupChannels);
      result = { ...stored, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      this.recordFailure(row, 'scan', 'scan', error);
      report('failed', { finished: true, error: isAppError(error) ? error.message : 'internal error' });
      throw error;
    } finally {
      this.scanning.delete(id);
    }
    report('done', { finished: true, done: result.streams, total: result.streams, percent: 100 });
    events.record({
      level: 'info',
      category: 'scan',
      message: `Scanned account "${row.name}": ${result.channels} channels from ${result.streams} streams`,
      details: {
        accountId: id,
        streams: result.streams,
        channels: result.channels,
        added: result.addedChannelIds.length,
        renamed: result.renamedChannelIds.length,
        removed: result.removedChannels.length,
        durationMs: result.durationMs,
      },
    });
    try {
      this.deps.onScanned?.(result);
    } catch (error) {
      log.error({ err: error, accountId: id }, 'scan listener failed');
    }
    return result;
  }

  /** A page of the account's provider channels with their tier variants. */
  listChannels(id: number, page: { limit: number; offset: number }): { items: ProviderChannelView[]; total: number } {
    this.row(id);
    return listProviderChannels(this.deps.db, id, page);
  }

  /** The account's effective connection limit (the user's, else the provider's, else 1). */
  connectionLimit(accountId: number): number {
    return effectiveMaxConnections(this.row(accountId));
  }

  /** The sum of the active accounts' effective connection limits: how many streams can play at once. */
  totalConnectionLimit(): number {
    return listAccountRows(this.deps.db)
      .filter((row) => row.is_active === 1)
      .reduce((sum, row) => sum + effectiveMaxConnections(row), 0);
  }

  /** Server URL, username and plaintext password for the stream proxy; never log the password. */
  streamCredentials(accountId: number): { serverUrl: string; username: string; password: string } {
    const row = this.row(accountId);
    return { serverUrl: row.server_url, username: row.username, password: this.reveal(row) };
  }

  /** The URL of the account's own XMLTV guide (`xmltv.php`); it contains the password. */
  guideUrl(accountId: number): string {
    const { serverUrl, username, password } = this.streamCredentials(accountId);
    return buildGuideUrl(serverUrl, username, password);
  }

  // A listener's failure must not turn a committed change into an error answer.
  private notify(listener: 'onRemoved' | 'onDeactivated', accountId: number): void {
    try {
      this.deps[listener]?.(accountId);
    } catch (error) {
      this.deps.log.error({ err: error, accountId }, `account ${listener} listener failed`);
    }
  }

  private row(id: number): AccountRow {
    const row = findAccountRow(this.deps.db, id);
    if (!row) throw new AppError('ACCOUNT_NOT_FOUND', 'account not found');
    return row;
  }

  private reveal(row: AccountRow): string {
    try {
      return this.deps.credentials.reveal(secretOf(row));
    } catch (error) {
      if (isAppError(error, 'CREDENTIAL_UNAVAILABLE')) {
        this.deps.events.record({
          level: 'error',
          category: 'account',
          message: `Password of account "${row.name}" is unavailable: ${unavailableHint(error)}`,
          details: { accountId: row.id, backend: row.password_backend },
        });
      }
      throw error;
    }
  }

  private client(row: AccountRow): XtreamClient {
    const { config, log, dispatcher } = this.deps;
    return new XtreamClient({
      serverUrl: row.server_url,
      username: row.username,
      password: this.reveal(row),
      userAgent: config.userAgent,
      requestTimeoutMs: config.providerRequestTimeoutMs,
      dispatcher,
      log,
    });
  }

  private recordFailure(row: AccountRow, category: string, what: string, error: unknown): void {
    const code = isAppError(error) ? error.code : 'INTERNAL';
    const message = isAppError(error) ? error.message : 'internal error';
    this.deps.events.record({
      level: 'warn',
      category,
      message: `Account "${row.name}" ${what} failed: ${message}`,
      details: { accountId: row.id, code },
    });
  }
}
