/** Human units for the Live page: bit rates, byte counts, durations. Pure functions, no DOM. */

function scaled(value: number, base: number, units: readonly string[]): string {
  let v = Math.max(0, value);
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  // Whole numbers for the smallest unit and for values of 100 and more; one decimal otherwise.
  const text = i === 0 || v >= 100 ? Math.round(v).toString() : v.toFixed(1);
  return `${text} ${units[i]}`;
}

/** Bits per second, decimal units: `0 bit/s`, `950 kbit/s`, `4.2 Mbit/s`. */
export function formatBitrate(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond)) return '–';
  return scaled(bitsPerSecond, 1000, ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s']);
}

/** A byte count, binary units: `512 B`, `1.5 KiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  return scaled(bytes, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB']);
}

/** Milliseconds as `42s`, `3m 05s`, `1h 02m 03s`, `2d 4h 10m`; negatives count as 0. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const total = Math.floor(Math.max(0, ms) / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => n.toString().padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${two(m)}m`;
  if (h > 0) return `${h}h ${two(m)}m ${two(s)}s`;
  if (m > 0) return `${m}m ${two(s)}s`;
  return `${s}s`;
}

/** Time since an ISO instant, as a duration, at `now` (ms since the epoch). */
export function elapsedSince(iso: string, now: number): string {
  const start = Date.parse(iso);
  return Number.isNaN(start) ? '–' : formatDuration(now - start);
}
