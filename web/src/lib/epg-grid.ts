/**
 * The guide grid's time maths: a window of time laid out left to right at a fixed scale, where
 * each programme's block goes (clipped at the window's edges), the time axis's ticks and their
 * labels, and the windows the earlier / now / later buttons and the day picker move to. Local time
 * is the browser's (plain `Date`), so ticks fall on the viewer's half hours.
 */

export const MINUTE = 60_000;

/** `from`..`to` in ms since the epoch, drawn at `pxPerMinute`. */
export interface GridWindow {
  from: number;
  to: number;
  pxPerMinute: number;
}

export interface Block {
  /** Pixels from the window's left edge. */
  left: number;
  width: number;
  /** The programme started before the window (its block is cut at the left edge). */
  clippedStart: boolean;
  /** The programme ends after the window. */
  clippedEnd: boolean;
}

export interface Tick {
  at: number;
  x: number;
  label: string;
}

/** The window's width in pixels. */
export function gridWidth(w: GridWindow): number {
  return Math.max(0, ((w.to - w.from) / MINUTE) * w.pxPerMinute);
}

/** Pixels from the left edge for instant `t` (not clamped). */
export function xOf(w: GridWindow, t: number): number {
  return ((t - w.from) / MINUTE) * w.pxPerMinute;
}

/** Where a programme's block goes, or null when none of it is inside the window (or it is empty). */
export function placeProgramme(w: GridWindow, start: number, stop: number): Block | null {
  if (!Number.isFinite(start) || !Number.isFinite(stop) || stop <= start) return null;
  if (stop <= w.from || start >= w.to) return null;
  const a = Math.max(start, w.from);
  const b = Math.min(stop, w.to);
  return { left: xOf(w, a), width: xOf(w, b) - xOf(w, a), clippedStart: start < w.from, clippedEnd: stop > w.to };
}

/** `t` rounded down to the last local `stepMinutes` boundary (…:00, …:30 for 30). */
export function floorToStep(t: number, stepMinutes: number): number {
  const d = new Date(t);
  d.setSeconds(0, 0);
  d.setMinutes(d.getMinutes() - (d.getMinutes() % stepMinutes));
  return d.getTime();
}

const hourMinute = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** `14:30` (or `02:30 PM`), in the browser's locale and time zone. */
export function timeLabel(t: number): string {
  return hourMinute.format(t);
}

/** A tick on every local `stepMinutes` boundary inside the window (its left edge included). */
export function ticks(w: GridWindow, stepMinutes = 30, format: (t: number) => string = timeLabel): Tick[] {
  const out: Tick[] = [];
  let at = floorToStep(w.from, stepMinutes);
  if (at < w.from) at += stepMinutes * MINUTE;
  for (; at < w.to; at += stepMinutes * MINUTE) {
    out.push({ at, x: xOf(w, at), label: format(at) });
  }
  return out;
}

/** The window the "now" button shows: from the half hour before the last one, `spanMinutes` long. */
export function nowWindow(now: number, spanMinutes: number, pxPerMinute: number, leadMinutes = 30): GridWindow {
  const from = floorToStep(now, 30) - leadMinutes * MINUTE;
  return { from, to: from + spanMinutes * MINUTE, pxPerMinute };
}

/** The same window `minutes` later (negative: earlier). */
export function shiftWindow(w: GridWindow, minutes: number): GridWindow {
  return { ...w, from: w.from + minutes * MINUTE, to: w.to + minutes * MINUTE };
}

/** Local midnight at the start of `t`'s day. */
export function startOfLocalDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Local midnight `days` days after the one starting `t`'s day (daylight-saving safe). */
export function addLocalDays(t: number, days: number): number {
  const d = new Date(startOfLocalDay(t));
  d.setDate(d.getDate() + days);
  return d.getTime();
}

/** The window for a day chosen in the picker: today starts at now, any other day at its midnight. */
export function dayWindow(day: number, now: number, spanMinutes: number, pxPerMinute: number): GridWindow {
  if (startOfLocalDay(day) === startOfLocalDay(now)) return nowWindow(now, spanMinutes, pxPerMinute);
  const from = startOfLocalDay(day);
  return { from, to: from + spanMinutes * MINUTE, pxPerMinute };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** The day picker's choices: `before` days back to `after` days ahead, value = local midnight (ms, as text). */
export function dayOptions(
  now: number,
  before: number,
  after: number,
  format: (t: number) => string = (t) => dayFormat.format(t),
): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  for (let i = -before; i <= after; i++) {
    const day = addLocalDays(now, i);
    const name = i === 0 ? 'Today' : i === 1 ? 'Tomorrow' : i === -1 ? 'Yesterday' : format(day);
    out.push({ value: String(day), label: i >= -1 && i <= 1 ? `${name} (${format(day)})` : name });
  }
  return out;
}

/** The day (local midnight) a window starts in: what the day picker shows. */
export function windowDay(w: GridWindow): number {
  return startOfLocalDay(w.from);
}
