import type { Dispatcher } from 'undici';
import { AppError, progressLog, type AppConfig, type Clock, type Logger, type TaskProgress } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { EventLog } from '../events/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import { guideError, openGuide } from './guide-download.js';
import { GuideWriter, deleteStaleProgrammes, type ImportedCounts } from './guide-store.js';
import {
  findSourceRow,
  percentOf,
  recordImportFailure,
  type ImportProgress,
  type SourceRow,
} from './source-repository.js';
import { GuideFormatError, parseXmltv } from './xmltv-bytes.js';

/** What one import run uses (GuideSources passes its own dependencies and its guide folders). */
export interface GuideImportDeps {
  db: Db;
  lineup: GuideChannelStore;
  events: EventLog;
  log: Logger;
  clock: Clock;
  config: Pick<
    AppConfig,
    | 'userAgent'
    | 'guideMaxBytes'
    | 'guideMaxXmlBytes'
    | 'guideMaxChannels'
    | 'guideMaxProgrammes'
    | 'guideMaxDisplayNames'
    | 'guideIdleTimeoutMs'
  >;
  dispatcher: Dispatcher;
  /** The folders a file location must be inside. */
  folders: string[];
}

/** What the run asks of its owner: the full location, whether the server is closing, and the after-import call. */
export interface ImportHooks {
  /** The source's location with its credentials; throws a guide error when they are unavailable. */
  location: () => string;
  isClosed: () => boolean;
  /** Never throws. */
  onImported: () => void;
  /** The run's progress for live updates (throttled here: a start, about each percent or MiB, the end). Never throws. */
  onProgress?: (progress: TaskProgress) => void;
}

/** What a refresh returns: what the source now holds. */
export interface RefreshResult extends ImportedCounts {
  durationMs: number;
}

/**
 * One import of a source: download, parse and stage its guide, then replace the source's guide in
 * one commit (or discard what it wrote); an event and the source's state either way.
 */
export async function runImport(
  deps: GuideImportDeps,
  row: SourceRow,
  progress: ImportProgress,
  signal: AbortSignal,
  hooks: ImportHooks,
): Promise<RefreshResult> {
  const { db, clock, events, log } = deps;
  const started = performance.now();
  let writer: GuideWriter | undefined;
  const logProgress = progressLog({ log, message: 'guide import progress', fields: { sourceId: row.id } });
  const report = progressReporter(row.id, progress, hooks.onProgress, logProgress);
  try {
    report.phase('opening');
    const input = await openGuide(hooks.location(), {
      onSize: (bytes) => report.setTotal(bytes),
      dispatcher: deps.dispatcher,
      userAgent: deps.config.userAgent,
      headersTimeoutMs: 30_000,
      idleTimeoutMs: deps.config.guideIdleTimeoutMs,
      maxBytes: deps.config.guideMaxBytes,
      folders: deps.folders,
      signal,
    });
    // Rows of an earlier import of this source that died before it could clean up.
    await deleteStaleProgrammes(db, row.id, () => signal.aborted);
    const { guideMaxXmlBytes, guideMaxChannels, guideMaxProgrammes, guideMaxDisplayNames } = deps.config;
    writer = new GuideWriter(db, deps.lineup, row.id, guideMaxDisplayNames);
    const active = writer;
    const parsed = await parseXmltv(
      counted(input, progress, signal, () => report.read()),
      {
        channel: (channel) => active.addChannel(channel),
        programme: (programme) => {
          active.addProgramme(programme);
          progress.programmes++;
        },
      },
      {
        maxBytes: guideMaxXmlBytes,
        maxChannels: guideMaxChannels,
        maxProgrammes: guideMaxProgrammes,
        maxDisplayNames: guideMaxDisplayNames,
      },
    );
    if (signal.aborted) throw guideError('guide import stopped');
    if (!findSourceRow(db, row.id)) throw guideError('guide source was removed');
    report.phase('committing');
    const durationMs = Math.round(performance.now() - started);
    const counts = writer.commit(clock.now(), durationMs);
    // The guide just replaced: no reader sees it any more.
    await deleteStaleProgrammes(db, row.id, hooks.isClosed);
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
    hooks.onImported();
    report.finish();
    return { ...counts, durationMs };
  } catch (caught) {
    writer?.discard();
    const error = asGuideError(caught, signal);
    if (findSourceRow(db, row.id)) recordImportFailure(db, row.id, error.message, clock.now());
    // A format error's message is all there is to say (its text never quotes the document).
    log.warn(
      caught instanceof GuideFormatError
        ? { reason: caught.message, sourceId: row.id }
        : { err: caught, sourceId: row.id },
      'guide import failed',
    );
    // What this import wrote; when the server is closing, the next start removes it.
    if (writer) await deleteStaleProgrammes(db, row.id, hooks.isClosed).catch(() => 0);
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
    report.finish(error.message);
    throw error;
  }
}

/**
 * Turns an import's counters into live progress: `opening`, `reading` (bytes, with a percent when
 * the size is known; reported once per percent, or per MiB without a size), `committing`, and the
 * finished `done` or `failed`.
 */
function progressReporter(
  id: number,
  progress: ImportProgress,
  listener: ((progress: TaskProgress) => void) | undefined,
  logProgress: ReturnType<typeof progressLog>,
) {
  let total: number | undefined;
  let phase = 'opening';
  let lastStep = -1;
  const emit = (extra: Partial<TaskProgress> = {}) => {
    if (!listener) return;
    const done = progress.bytesRead;
    const percent = percentOf(progress);
    listener({
      kind: 'import',
      id,
      phase,
      done,
      ...(total ? { total, percent: percent! } : {}),
      finished: false,
      ...extra,
    });
  };
  return {
    setTotal(bytes: number) {
      total = progress.total = bytes;
    },
    phase(next: string) {
      phase = next;
      emit();
    },
    read() {
      logProgress({ percent: percentOf(progress), done: progress.bytesRead });
      if (!listener) return;
      const step = total ? Math.floor((progress.bytesRead / total) * 100) : Math.floor(progress.bytesRead / 1_048_576);
      if (phase === 'reading' && step === lastStep) return;
      phase = 'reading';
      lastStep = step;
      emit();
    },
    finish(error?: string) {
      phase = error === undefined ? 'done' : 'failed';
      emit(error === undefined ? { finished: true, ...(total ? { percent: 100 } : {}) } : { finished: true, error });
    },
  };
}

/** Counts bytes for the progress view and stops reading once the import is aborted. */
async function* counted(
  input: AsyncIterable<Uint8Array>,
  progress: ImportProgress,
  signal: AbortSignal,
  onChunk: () => void,
): AsyncIterable<Uint8Array> {
  for await (const chunk of input) {
    if (signal.aborted) throw guideError('guide import stopped');
    progress.bytesRead += chunk.length;
    onChunk();
    yield chunk;
  }
}

function asGuideError(error: unknown, signal: AbortSignal): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GuideFormatError) return guideError(error.message, error);
  if (signal.aborted) return guideError('guide import stopped', error);
  return guideError('guide import failed', error);
}

/** `1 programme`, `2 programmes`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
