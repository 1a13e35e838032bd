import type { Dispatcher } from 'undici';
import {
  AppError,
  invalidInput,
  Listeners,
  notFound,
  requiredText,
  type AppConfig,
  type TaskProgress,
  type Clock,
  type Logger,
} from '../core/index.js';
import { getSetting, reclaimSpace, setSetting, type Db } from '../db/index.js';
import type { EventLog } from '../events/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import type { CredentialStore } from '../credentials/index.js';
import { guideFolders } from './guide-files.js';
import { saveUploadedGuide, uploadTooLarge } from './guide-upload.js';
import { rmSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { plural, runImport, type GuideImportDeps, type RefreshResult } from './guide-import.js';
import {
  accountLocation,
  changedLocation,
  checkLocation,
  revealLocation,
  storeLocation,
  type GuideLocationDeps,
} from './guide-locations.js';
import { deleteStaleProgrammes, sourcesWithStaleProgrammes } from './guide-store.js';
import { DailyTimer, defaultRefreshTime, missedRefresh, parseDailyTime, type DailyTime } from './refresh-schedule.js';
import {
  deleteSourceRow,
  findSourceRow,
  insertSourceRow,
  listSourceRows,
  secretOfSource,
  toSourceView,
  updateSourceRow,
  type ImportProgress,
  type SourceRow,
  type SourceView,
} from './source-repository.js';

export type { RefreshResult } from './guide-import.js';

export interface GuideSourcesDeps {
  db: Db;
  /** Owns the lineup channels an import brings (and those a deleted source alone brought). */
  lineup: GuideChannelStore;
  /** Keeps guide URLs that carry credentials (provider xmltv.php links) like account passwords. */
  credentials: CredentialStore;
  events: EventLog;
  log: Logger;
  clock: Clock;
  /** What an import run reads (user agent, bounds, silence), and where guide files may be. */
  config: GuideImportDeps['config'] & Pick<AppConfig, 'dataDir' | 'guideDir' | 'guideUploadMaxBytes'>;
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
  /** Minutes added to the guide's times on output, for guides with wrong offsets (-1440..1440; default 0). */
  timeShiftMinutes?: number;
}

/** The largest time shift a source takes either way: a day. */
export const maxTimeShiftMinutes = 1440;

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
  private readonly folders: string[];
  private readonly locations: GuideLocationDeps;
  private cleanup: Promise<number> | undefined;
  private closed = false;
  private readonly progressListeners: Listeners<TaskProgress>;

  constructor(private readonly deps: GuideSourcesDeps) {
    this.timer = new DailyTimer(
      () => this.refreshAll('scheduled'),
      () => deps.clock.now(),
    );
    this.folders = guideFolders(deps.config);
    this.locations = { credentials: deps.credentials, folders: this.folders, accountGuideUrl: deps.accountGuideUrl };
    this.progressListeners = new Listeners(deps.log, 'guide import progress');
  }

  /**
   * Calls `listener` as imports run (`opening`, `reading` with bytes and, when the size is known,
   * a percent, `committing`, then `done` or `failed`); returns the unsubscribe function.
   */
  onImportProgress(listener: (progress: TaskProgress) => void): () => void {
    return this.progressListeners.add(listener);
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
    const timeShiftMinutes = checkTimeShift(input.timeShiftMinutes);
    if ((input.url === undefined) === (input.accountId === undefined))
      throw invalidInput('give either url or accountId');
    const location =
      input.accountId !== undefined
        ? accountLocation(this.locations, input.accountId)
        : storeLocation(this.locations, checkLocation(this.locations, input.url!));
    let id: number;
    try {
      id = insertSourceRow(db, { name, location, enabled: input.enabled ?? true, timeShiftMinutes }, clock.now());
    } catch (error) {
      if (location.secret) this.deps.credentials.forget(location.secret);
      throw error;
    }
    events.record({ level: 'info', category: 'guide', message: `Guide "${name}" added`, details: { sourceId: id } });
    return this.get(id);
  }

  /**
   * A guide file sent by the client: saved in the data dir's `guides/` under a name made here,
   * capped at `guideUploadMaxBytes` (413, nothing left behind), then a file source for it is
   * created exactly as `create` with that path would. `declaredBytes` (Content-Length) past the
   * cap is refused before reading.
   */
  async upload(name: string, body: Readable, declaredBytes?: number): Promise<SourceView> {
    const checkedName = requiredText(name, 'name');
    const max = this.deps.config.guideUploadMaxBytes;
    if (declaredBytes !== undefined && declaredBytes > max) {
      body.resume();
      throw uploadTooLarge(max);
    }
    const path = await saveUploadedGuide(body, this.folders[0]!, max, this.deps.clock.now());
    try {
      return this.create({ name: checkedName, url: path });
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
  }

  update(id: number, patch: Partial<SourceInput>): SourceView {
    const row = this.row(id);
    const name = patch.name !== undefined ? requiredText(patch.name, 'name') : undefined;
    const timeShiftMinutes = checkTimeShift(patch.timeShiftMinutes);
    if (patch.url !== undefined && patch.accountId !== undefined) throw invalidInput('give either url or accountId');
    const location =
      patch.accountId !== undefined
        ? accountLocation(this.locations, patch.accountId)
        : patch.url !== undefined
          ? changedLocation(this.locations, row, checkLocation(this.locations, patch.url))
          : undefined;
    updateSourceRow(
      this.deps.db,
      id,
      {
        ...(name !== undefined ? { name } : {}),
        ...(location ? { location } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(timeShiftMinutes !== undefined ? { timeShiftMinutes } : {}),
      },
      this.deps.clock.now(),
    );
    const old = secretOfSource(row);
    if (location && old && location.secret?.secret !== old.secret) this.deps.credentials.forget(old);
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
    this.reclaimAfterRemove(id);
  }

  /** A removed guide's programmes (millions of rows, maybe) leave free pages: give them back to the disk. */
  private reclaimAfterRemove(sourceId: number): void {
    const { db, log } = this.deps;
    const started = performance.now();
    try {
      const { method, bytesBefore, bytesAfter } = reclaimSpace(db);
      log.info(
        { sourceId, method, bytesBefore, bytesAfter, durationMs: Math.round(performance.now() - started) },
        'database space reclaimed after guide removal',
      );
    } catch (error) {
      // The source is gone either way; the free pages stay for the next import to reuse.
      log.warn({ err: error, sourceId }, 'reclaiming database space after guide removal failed');
    }
  }

  /** Imports a source now; REFRESH_IN_PROGRESS while one runs. The guide is replaced only if it all succeeds. */
  async refresh(id: number): Promise<RefreshResult> {
    const row = this.row(id);
    if (this.running.has(id)) throw new AppError('REFRESH_IN_PROGRESS', 'a refresh of this guide is already running');
    if (this.closed) throw new AppError('INTERNAL', 'server is shutting down');
    const abort = new AbortController();
    const progress: ImportProgress = { startedAt: this.deps.clock.now(), bytesRead: 0, programmes: 0 };
    const done = runImport({ ...this.deps, folders: this.folders }, row, progress, abort.signal, {
      location: () => revealLocation(this.locations, row),
      isClosed: () => this.closed,
      onImported: () => this.notifyImported(),
      onProgress: (p) => this.progressListeners.emit(p),
    });
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
    await this.cleanup; // stops at its next batch
  }

  /**
   * Removes programme rows no reader sees (left by imports a crash or `kill -9` interrupted, or
   * by a guide replaced just before one), in batches that let requests run in between; then the
   * space is given back. The app starts it once the server listens: start-up never waits on it.
   * Logged and an event when it removed anything. Resolves to the rows removed.
   */
  discardInterrupted(): Promise<number> {
    this.cleanup ??= this.removeStaleRows();
    return this.cleanup;
  }

  private async removeStaleRows(): Promise<number> {
    const { db, log, events } = this.deps;
    const started = performance.now();
    let removed = 0;
    try {
      const sources = sourcesWithStaleProgrammes(db);
      if (sources.length === 0) return 0;
      log.info({ sources: sources.length }, 'removing programmes of interrupted guide imports');
      for (const id of sources) {
        // An import of the source clears its own leftovers first; closing leaves the rest for next time.
        removed += await deleteStaleProgrammes(db, id, () => this.closed || this.running.has(id));
      }
      if (removed === 0) return 0;
      reclaimSpace(db);
      const durationMs = Math.round(performance.now() - started);
      log.warn({ rows: removed, durationMs }, 'removed programmes of interrupted guide imports');
      events.record({
        level: 'warn',
        category: 'guide',
        message: `Removed ${plural(removed, 'programme')} left by interrupted guide imports`,
        details: { rows: removed, sources, durationMs },
      });
      return removed;
    } catch (error) {
      log.error({ err: error, rows: removed }, 'removing programmes of interrupted guide imports failed');
      return removed;
    }
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

function checkTimeShift(minutes: number | undefined): number | undefined {
  if (minutes === undefined) return undefined;
  if (!Number.isInteger(minutes) || Math.abs(minutes) > maxTimeShiftMinutes)
    throw invalidInput(
      `timeShiftMinutes must be a whole number from -${maxTimeShiftMinutes} to ${maxTimeShiftMinutes}`,
    );
  return minutes;
}
