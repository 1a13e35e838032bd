/** A daily refresh time, local to the machine ("04:00"). */
export interface DailyTime {
  hour: number;
  minute: number;
}

export const defaultRefreshTime = '04:00';

/** Parses "HH:MM" (24 h); undefined when it is not a valid time of day. */
export function parseDailyTime(text: string): DailyTime | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) return undefined;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The latest moment at or before `now` when the daily time came round (local time). */
export function previousOccurrence(now: number, time: DailyTime): number {
  const date = new Date(now);
  date.setHours(time.hour, time.minute, 0, 0);
  if (date.getTime() > now) date.setDate(date.getDate() - 1);
  return date.getTime();
}

/** The first moment after `now` when the daily time comes round (local time). */
export function nextOccurrence(now: number, time: DailyTime): number {
  const date = new Date(now);
  date.setHours(time.hour, time.minute, 0, 0);
  if (date.getTime() <= now) date.setDate(date.getDate() + 1);
  return date.getTime();
}

/**
 * True when a source missed its daily refresh: its last good import (or, never imported, its
 * creation) is older than the last time the refresh came round. Checked at start-up, so a
 * server that was off at 04:00 catches up.
 */
export function missedRefresh(
  source: { lastRefreshAt: number | null; createdAt: number },
  now: number,
  time: DailyTime,
): boolean {
  return (source.lastRefreshAt ?? source.createdAt) < previousOccurrence(now, time);
}

// setTimeout's longest delay; a day is well within it, but the clock may jump.
const maxTimerMs = 2 ** 31 - 1;

/** Runs `task` every day at a time of day; the time can change while it runs. */
export class DailyTimer {
  private timer: NodeJS.Timeout | undefined;
  private time: DailyTime | undefined;
  private stopped = true;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly now: () => number,
  ) {}

  /** (Re)arms the timer for the next occurrence of `time`. */
  schedule(time: DailyTime): void {
    this.stop();
    this.time = time;
    const delay = Math.min(Math.max(nextOccurrence(this.now(), time) - this.now(), 1000), maxTimerMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Re-armed with the time in force then: it may have changed while the task ran.
      void this.task().finally(() => {
        if (!this.stopped && this.time) this.schedule(this.time);
      });
    }, delay);
    // A pending refresh must not keep the process alive.
    this.timer.unref();
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
