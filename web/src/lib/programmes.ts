/** A programme as the guide endpoints list it (ISO times). */
export interface TimedProgramme {
  start: string;
  stop: string;
}

/** The local day around `now`: [midnight, next midnight). */
export function dayBounds(now: Date): { from: Date; to: Date } {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { from, to };
}

/** Index of the programme on air at `now` (start <= now < stop), or -1. */
export function currentIndex(items: readonly TimedProgramme[], now: Date): number {
  const t = now.getTime();
  return items.findIndex((p) => Date.parse(p.start) <= t && t < Date.parse(p.stop));
}

/** Sorted by start time (the API should already do this; a guide file may not). */
export function sortByStart<T extends TimedProgramme>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** How far into the programme `now` is, 0..100. */
export function progressPercent(p: TimedProgramme, now: Date): number {
  const start = Date.parse(p.start);
  const stop = Date.parse(p.stop);
  if (!(stop > start)) return 0;
  return Math.min(100, Math.max(0, ((now.getTime() - start) / (stop - start)) * 100));
}
