import type { Logger } from './logger.js';

export interface ProgressLogOptions {
  log: Pick<Logger, 'info'>;
  /** The log line's message, e.g. "guide import progress". */
  message: string;
  /** Fields on every line (ids, never a URL with credentials). */
  fields: Record<string, unknown>;
  /** Milliseconds, monotonic (default `performance.now`); tests pass their own. */
  now?: () => number;
  /** A run shorter than this logs no progress at all (default 5 s): most imports and scans. */
  quietMs?: number;
  /** Without a percent, a line this often (default 5 s). */
  everyMs?: number;
  /** With a percent, a line at each 10% step, and after this long without one (default 30 s). */
  stalledMs?: number;
}

/**
 * Progress lines for long runs: nothing during the first seconds (a short import or scan stays at
 * its start and end lines), then a line at each new 10% step (and now and then while a step takes
 * long), or, while no percent is known, one every few seconds. `update` is cheap enough to call per chunk read.
 */
export function progressLog(options: ProgressLogOptions): (state: { percent?: number; done?: number }) => void {
  const now = options.now ?? (() => performance.now());
  const quietMs = options.quietMs ?? 5_000;
  const everyMs = options.everyMs ?? 5_000;
  const stalledMs = options.stalledMs ?? 30_000;
  const started = now();
  let lastAt = started;
  let lastDecile = 0;
  return ({ percent, done }) => {
    const at = now();
    if (at - started < quietMs) {
      if (percent !== undefined) lastDecile = Math.floor(percent / 10);
      return;
    }
    if (percent === undefined) {
      if (at - lastAt < everyMs) return;
    } else {
      const decile = Math.floor(percent / 10);
      // 100% is the run's own end line, not a progress line.
      const newStep = decile > lastDecile && percent < 100;
      if (!newStep && at - lastAt < stalledMs) return;
      lastDecile = Math.max(lastDecile, decile);
    }
    lastAt = at;
    options.log.info(
      {
        ...options.fields,
        ...(percent !== undefined ? { percent } : {}),
        ...(done !== undefined ? { done } : {}),
        elapsedMs: Math.round(at - started),
      },
      options.message,
    );
  };
}
