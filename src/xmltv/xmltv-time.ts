/*
 * XMLTV times: `YYYYMMDDhhmmss` (the DTD lets the tail go: `YYYYMMDDhhmm`, `YYYYMMDDhh`,
 * `YYYYMMDD`), then an optional space and an offset (`+0100`, `-05:00`, `+01`) or a zone name
 * (`BST`). No offset means UTC. This runs twice per programme, ~600,000 times on a big import,
 * so it reads char codes by hand: no regex, no Date string parsing.
 */

const minuteMs = 60_000;
const zero = 48; // '0'
const plus = 43;
const minus = 45;
const colon = 58;
const space = 32;

// Offsets in minutes. Only zones seen in real guides and unambiguous enough to trust; anything
// else is refused (null) rather than guessed, so a programme is skipped, not put at a wrong time.
const zoneOffsets = new Map<string, number>([
  ['UTC', 0],
  ['GMT', 0],
  ['Z', 0],
  ['UT', 0],
  ['WET', 0],
  ['BST', 60],
  ['CET', 60],
  ['WEST', 60],
  ['MET', 60],
  ['CEST', 120],
  ['EET', 120],
  ['MEST', 120],
  ['EEST', 180],
  ['MSK', 180],
  ['EST', -300],
  ['EDT', -240],
  ['CST', -360],
  ['CDT', -300],
  ['MST', -420],
  ['MDT', -360],
  ['PST', -480],
  ['PDT', -420],
  ['AEST', 600],
  ['AEDT', 660],
]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The number written by the digits at [from, from + count); the caller has checked they are digits. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - zero;
  return value;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Minutes east of UTC for the zone part at `from` (already past the separating spaces), or null. */
function offsetMinutes(text: string, from: number, end: number): number | null {
  if (from === end) return 0;
  const sign = text.charCodeAt(from);
  if (sign === plus || sign === minus) {
    let i = from + 1;
    if (end - i < 2 || !isDigit(text.charCodeAt(i)) || !isDigit(text.charCodeAt(i + 1))) return null;
    const hours = digitsAt(text, i, 2);
    i += 2;
    let minutes = 0;
    if (i < end) {
      if (text.charCodeAt(i) === colon) i++;
      if (end - i !== 2 || !isDigit(text.charCodeAt(i)) || !isDigit(text.charCodeAt(i + 1))) return null;
      minutes = digitsAt(text, i, 2);
    }
    if (hours > 23 || minutes > 59) return null;
    const total = hours * 60 + minutes;
    return sign === minus ? -total : total;
  }
  const zone = zoneOffsets.get(text.slice(from, end).toUpperCase());
  return zone ?? null;
}

/** Parses an XMLTV time ("20240101120000 +0100", "202401011200", "20240101120000 BST", "20240101120000 -05:00") into Unix ms UTC, or null when invalid. */
export function parseXmltvTime(text: string): number | null {
  let end = text.length;
  let i = 0;
  while (i < end && text.charCodeAt(i) <= space) i++;
  while (end > i && text.charCodeAt(end - 1) <= space) end--;

  let digitsEnd = i;
  while (digitsEnd < end && isDigit(text.charCodeAt(digitsEnd))) digitsEnd++;
  const digits = digitsEnd - i;
  if (digits !== 8 && digits !== 10 && digits !== 12 && digits !== 14) return null;

  const year = digitsAt(text, i, 4);
  const month = digitsAt(text, i + 4, 2);
  const day = digitsAt(text, i + 6, 2);
  const hour = digits >= 10 ? digitsAt(text, i + 8, 2) : 0;
  const minute = digits >= 12 ? digitsAt(text, i + 10, 2) : 0;
  const second = digits === 14 ? digitsAt(text, i + 12, 2) : 0;
  // Date.UTC maps years 0-99 to 1900-1999; no guide has programmes that old anyway.
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;

  let zoneStart = digitsEnd;
  while (zoneStart < end && text.charCodeAt(zoneStart) === space) zoneStart++;
  const offset = offsetMinutes(text, zoneStart, end);
  if (offset === null) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset * minuteMs;
}

const dayMs = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
let cachedDay = NaN;
let cachedDayText = '';

/** `YYYYMMDDhhmmss +0000`: always UTC, since Plex has mis-applied other offsets. */
export function formatXmltvTime(ms: number): string {
  // Hundreds of thousands of calls per guide: the date part is built once per day.
  const day = Math.floor(ms / dayMs);
  if (day !== cachedDay) {
    const d = new Date(day * dayMs);
    cachedDay = day;
    cachedDayText = `${String(d.getUTCFullYear()).padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
  }
  const seconds = Math.floor((ms - day * dayMs) / 1000);
  return `${cachedDayText}${pad2(Math.floor(seconds / 3600))}${pad2(Math.floor(seconds / 60) % 60)}${pad2(seconds % 60)} +0000`;
}
