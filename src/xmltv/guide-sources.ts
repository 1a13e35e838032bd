import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import {
  AppError,
  invalidInput,
  notFound,
  requiredText,
  type AppConfig,
  type Clock,
  type Logger,
} from '../core/index.js';
import { getSetting, setSetting, type Db } from '../db/index.js';
import type { EventLog } from '../events/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import { redactUrl, type CredentialStore } from '../credentials/index.js';
import { guideError, guideLocationKind, openGuide } from './guide-download.js';
import { GuideWriter, discardInterruptedImports, type ImportedCounts } from './guide-store.js';
import { DailyTimer, defaultRefreshTime, missedRefresh, parseDailyTime, type DailyTime } from './refresh-schedule.js';
import {
  deleteSourceRow,
  findSourceRow,
  insertSourceRow,
  listSourceRows,
  recordImportFailure,
  secretOfSource,
  toSourceView,
  updateSourceRow,
  type ImportProgress,
  type SourceRow,
  type StoredLocation,
  type SourceView,
} from './source-repository.js';
import { GuideFormatError, parseXmltv } from './xmltv-bytes.js';

export interface GuideSourcesDeps {
  db: Db;
  /** Owns the lineup channels an import brings (and those a deleted source alone brought). */
  lineup: GuideChannelStore;
  /** Keeps guide URLs that carry credentials (provider xmltv.php links) like account passwords. */
  credentials: CredentialStore;
  events: EventLog;
  log: Logger;
  clock: Clock;
  /** User agent, the largest guide read and the longest silence while downloading. */
  config: Pick<AppConfig, 'userAgent' | 'guideMaxBytes' | 'guideIdleTimeoutMs'>;
  /** The app's upstream dispatcher for guide downloads; its owner closes it. */
  dispatcher: Dispatcher;
  /** Builds an account's own guide URL (`xmltv.php`, with its credentials); ACCOUNT_NOT_FOUND when it is gone. */
  accountGuideUrl?: (accountId: number) => string;
  /** Called after every successful import (the lineup rematches). Never throws into the import. */
  onImported?: () => void;
}

/** A guide source: at a URL (or file path), or an account's own guide. */
export interface SourceInput {
  name: string;
  url?: string;
  accountId?: number;
  enabled?: boolean;
}

/** What a refresh returns: what the source now holds. */
export interface RefreshResult extends ImportedCounts {
  durationMs: number;
}

const refreshTimeKey = 'guide.refreshTime';

/**
 * XMLTV guide sources: CRUD, imports (one at a time per source, each replacing the source's
 * guide atomically), their progress, and the daily refresh with start-up catch-up.
 */
export class GuideSources {
  private readonly running = new Map<
    number,
    { progress: ImportProgress; abort: AbortController; done: Promise<unknown> }
  >();
  private readonly timer: DailyTimer;
  private closed = false;

  constructor(private readonly deps: GuideSourcesDeps) {
    this.timer = new DailyTimer(
      () => this.refreshAll('scheduled'),
      () => deps.clock.now(),
    );
    const removed = discardInterruptedImports(deps.db);
    if (removed > 0) deps.log.warn({ rows: removed }, 'removed programmes of interrupted guide imports');
  }

  list(): SourceView[] {
    return listSourceRows(this.deps.db).map((row) => this.view(row));
  }

  get(id: number): SourceView {
    return this.view(this.row(id));
  }

  create(input: SourceInput): SourceView {
    const { db, clock, events } = this.deps;
    const name = requiredText(input.name, 'name');
    if ((input.url === undefined) === (input.accountId === undefined))
      throw invalidInput('give either url or accountId');
    const location =
      input.accountId !== undefined
        ? this.accountLocation(input.accountId)
        : this.storeLocation(checkLocation(input.url!));
    let id: number;
    try {
      id = insertSourceRow(db, { name, location, enabled: input.enabled ?? true }, clock.now());
    } catch (error) {
      if (location.secret) this.deps.credentials.forget(location.secret);
      throw error;
    }
    events.record({ level: 'info', category: 'guide', message: `Guide "${name}" added`, details: { sourceId: id } });
    return this.get(id);
  }

  update(id: number, patch: Partial<SourceInput>): SourceView {
    const row = this.row(id);
    const name = patch.name !== undefined ? requiredText(patch.name, 'name') : undefined;
    if (patch.url !== undefined && patch.accountId !== undefined) throw invalidInput('give either url or accountId');
    const location =
      patch.accountId !== undefined
        ? this.accountLocation(patch.accountId)
        : patch.url !== undefined
          ? this.storeLocation(checkLocation(patch.url))
          : undefined;
    updateSourceRow(
      this.deps.db,
      id,
      {
        ...(name !== undefined ? { name } : {}),
        ...(location ? { location } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      },
      this.deps.clock.now(),
    );
    const old = secretOfSource(row);
    if (location && old) this.deps.credentials.forget(old);
    return this.get(id);
  }

  /** Start-up: moves guide URL secrets that sit only in a volatile keyring (see Accounts.relocateSecrets); returns how many moved. */
  relocateSecrets(): number {
    const { db, credentials, clock, events } = this.deps;
    let moved = 0;
    for (const row of listSourceRows(db)) {
      const secret = secretOfSource(row);
      if (!secret) continue;
      const next = credentials.relocate(secret, (stored) =>
        updateSourceRow(
          db,
          row.id,
          { location: { url: row.url, secret: stored, accountId: row.account_id } },
          clock.now(),
        ),
      );
      if (!next) continue;
      moved++;
      events.record({
        level: 'info',
        category: 'guide',
        message: `Credentials of guide "${row.name}" moved out of the volatile kernel keyring`,
        details: { sourceId: row.id, backend: next.backend },
      });
    }
    return moved;
  }

  /** Deletes a source (an import of it is stopped first), its programmes and the channels only it brought. */
  async remove(id: number): Promise<void> {
    const row = this.row(id);
    const running = this.running.get(id);
    if (running) {
      running.abort.abort();
      await running.done.catch(() => undefined);
    }
    const { channelsRemoved } = deleteSourceRow(this.deps.db, this.deps.lineup, id, this.deps.clock.now());
    const secret = secretOfSource(row);
    if (secret) this.deps.credentials.forget(secret);
    this.deps.events.record({
      level: 'info',
      category: 'guide',
      message: `Guide "${row.name}" removed`,
      details: { sourceId: id, channelsRemoved },
    });
    if (channelsRemoved > 0) this.notifyImported();
  }

  /** Imports a source now; REFRESH_IN_PROGRESS while one runs. The guide is replaced only if it all succeeds. */
  async refresh(id: number): Promise<RefreshResult> {
    const row = this.row(id);
    if (this.running.has(id)) throw new AppError('REFRESH_IN_PROGRESS', 'a refresh of this guide is already running');
    if (this.closed) throw new AppError('INTERNAL', 'server is shutting down');
    const abort = new AbortController();
    const progress: ImportProgress = { startedAt: this.deps.clock.now(), bytesRead: 0, programmes: 0 };
    const done = this.runImport(row, progress, abort.signal);
    this.running.set(id, { progress, abort, done });
    try {
      return await done;
    } finally {
      this.running.delete(id);
    }
  }

  /** Resolves once no import of this source is running (whatever its outcome). */
  async whenIdle(id: number): Promise<void> {
    await this.running.get(id)?.done.catch(() => undefined);
  }

  /** The daily refresh time ("HH:MM", local). */
  refreshTime(): string {
    return getSetting(this.deps.db, refreshTimeKey, defaultRefreshTime);
  }

  /** Changes the daily refresh time and re-arms the timer. */
  setRefreshTime(text: string): string {
    const time = parseDailyTime(text);
    if (!time) throw invalidInput('refreshTime must be HH:MM (24 h)');
    const normal = `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
    setSetting(this.deps.db, refreshTimeKey, normal);
    if (!this.closed) this.timer.schedule(time);
    return normal;
  }

  /** Arms the daily refresh and catches up on one missed while the server was off. */
  start(): void {
    const time = this.dailyTime();
    this.timer.schedule(time);
    const now = this.deps.clock.now();
    const missed = listSourceRows(this.deps.db).filter(
      (row) =>
        row.enabled === 1 &&
        missedRefresh({ lastRefreshAt: row.last_refresh_at, createdAt: row.created_at }, now, time),
    );
    if (missed.length > 0)
      void this.refreshAll(
        'missed',
        missed.map((row) => row.id),
      );
  }

  /** Stops the timer and any running import (its previous guide stays). */
  async close(): Promise<void> {
    this.closed = true;
    this.timer.stop();
    const running = [...this.running.values()];
    for (const r of running) r.abort.abort();
    await Promise.all(running.map((r) => r.done.catch(() => undefined)));
  }

  private async refreshAll(reason: 'scheduled' | 'missed', ids?: number[]): Promise<void> {
    const targets =
      ids ??
      listSourceRows(this.deps.db)
        .filter((row) => row.enabled === 1)
        .map((row) => row.id);
    this.deps.log.info({ reason, sources: targets.length }, 'refreshing guides');
    for (const id of targets) {
      if (this.closed) return;
      try {
        await this.refresh(id);
      } catch (error) {
        // Already an event and last_error; a busy or deleted source is simply skipped.
        this.deps.log.debug({ err: error, sourceId: id }, 'scheduled guide refresh did not complete');
      }
    }
  }

  private async runImport(row: SourceRow, progress: ImportProgress, signal: AbortSignal): Promise<RefreshResult> {
    const { db, clock, events, log } = this.deps;
    const started = performance.now();
    let writer: GuideWriter | undefined;
    try {
      const input = await openGuide(this.revealLocation(row), {
        dispatcher: this.deps.dispatcher,
        userAgent: this.deps.config.userAgent,
        headersTimeoutMs: 30_000,
        idleTimeoutMs: this.deps.config.guideIdleTimeoutMs,
        maxBytes: this.deps.config.guideMaxBytes,
        signal,
      });
      writer = new GuideWriter(db, this.deps.lineup, row.id);
      const active = writer;
      const parsed = await parseXmltv(counted(input, progress, signal), {
        channel: (channel) => active.addChannel(channel),
        programme: (programme) => {
          active.addProgramme(programme);
          progress.programmes++;
        },
      });
      if (signal.aborted) throw guideError('guide import stopped');
      if (!findSourceRow(db, row.id)) throw guideError('guide source was removed');
      const durationMs = Math.round(performance.now() - started);
      const counts = writer.commit(clock.now(), durationMs);
      events.record({
        level: 'info',
        category: 'guide',
        message: `Guide "${row.name}" imported: ${plural(counts.channels, 'channel')}, ${plural(counts.programmes, 'programme')}`,
        details: {
          sourceId: row.id,
          ...counts,
          skippedProgrammes: parsed.skippedProgrammes,
          bytes: progress.bytesRead,
          durationMs,
        },
      });
      this.notifyImported();
      return { ...counts, durationMs };
    } catch (caught) {
      writer?.discard();
      const error = asGuideError(caught, signal);
      if (findSourceRow(db, row.id)) recordImportFailure(db, row.id, error.message, clock.now());
      log.warn({ err: caught, sourceId: row.id }, 'guide import failed');
      events.record({
        level: 'error',
        category: 'guide',
        message: `Guide "${row.name}" import failed: ${error.message}`,
        details: {
          sourceId: row.id,
          reason: error.message,
          bytes: progress.bytesRead,
          programmesRead: progress.programmes,
        },
      });
      throw error;
    }
  }

  /** A URL with credentials goes to the credential store; the row keeps it masked. */
  private storeLocation(url: string): StoredLocation {
    const masked = redactUrl(url);
    if (masked === url) return { url, secret: null, accountId: null };
    return { url: masked, secret: this.deps.credentials.save(`guide-${randomUUID()}`, url), accountId: null };
  }

  /** An account's own guide: checked to exist now, its URL built again at each import. */
  private accountLocation(accountId: number): StoredLocation {
    if (!this.deps.accountGuideUrl) throw invalidInput('account guides are not available');
    return { url: redactUrl(this.deps.accountGuideUrl(accountId)), secret: null, accountId };
  }

  private revealLocation(row: SourceRow): string {
    if (row.account_id !== null) {
      try {
        return this.deps.accountGuideUrl!(row.account_id);
      } catch (error) {
        throw guideError('account of this guide unavailable', error);
      }
    }
    const secret = secretOfSource(row);
    if (!secret) return row.url;
    try {
      return this.deps.credentials.reveal(secret);
    } catch (error) {
      throw guideError('guide URL credentials unavailable', error);
    }
  }

  private notifyImported(): void {
    try {
      this.deps.onImported?.();
    } catch (error) {
      this.deps.log.error({ err: error }, 'guide import listener failed');
    }
  }

  private dailyTime(): DailyTime {
    return parseDailyTime(this.refreshTime()) ?? parseDailyTime(defaultRefreshTime)!;
  }

  private view(row: SourceRow): SourceView {
    return toSourceView(row, this.running.get(row.id)?.progress);
  }

  private row(id: number): SourceRow {
    const row = findSourceRow(this.deps.db, id);
    if (!row) throw notFound('guide source', 'SOURCE_NOT_FOUND');
    return row;
  }
}

/** Counts bytes for the progress view and stops reading once the import is aborted. */
async function* counted(
  input: AsyncIterable<Uint8Array>,
  progress: ImportProgress,
  signal: AbortSignal,
): AsyncIterable<Uint8Array> {
  for await (const chunk of input) {
    if (signal.aborted) throw guideError('guide import stopped');
    progress.bytesRead += chunk.length;
    yield chunk;
  }
}

function asGuideError(error: unknown, signal: AbortSignal): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GuideFormatError) return guideError(error.message, error);
  if (signal.aborted) return guideError('guide import stopped', error);
  return guideError('guide import failed', error);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function checkLocation(url: string): string {
  const trimmed = url.trim();
  if (!guideLocationKind(trimmed)) throw invalidInput('url must be an http(s) URL or an absolute file path');
  return trimmed;
}
