import { parseJsonColumn, type Db } from '../db/index.js';
import type { XmltvProgramme } from './xmltv-records.js';

/** One programme as the guide output needs it: as imported, but never without a stop. */
export type GuideProgramme = Omit<XmltvProgramme, 'stop'> & {
  /** A missing stop is filled from the next programme (or start + 1 h). */
  stop: number;
};

// Rows come back as arrays (better-sqlite3 raw mode): a third faster than objects over the
// ~350,000 rows of 1,000 channels × 7 days. Column positions follow the SELECT below; the channel
// id is not read back (the caller passed it), which saves a string per row.
type ProgrammeRow = [
  startAt: number,
  stopAt: number | null,
  title: string,
  subTitle: string | null,
  description: string | null,
  categories: string,
  episodeNumXmltvNs: string | null,
  episodeNumOnscreen: string | null,
  icon: string | null,
  rating: string | null,
  isNew: number,
  previouslyShown: number,
  sourceId: number,
  id: number,
];

const minuteMs = 60_000;
const hourMs = 3_600_000;
// A programme that began up to this long before the window and still runs is included
// (longer ones are rare; their stop is then simply before the window's start).
const lookBackMs = 6 * hourMs;

// Rows of every source, earliest first. The range test and the order come from the
// (channel_id, start_at) index; ties are broken in code (oldest source, then oldest row, wins),
// which spares SQLite a sort per channel (~15% of the read time over 344k rows). Only each
// source's current generation is read: an import in progress writes the next one.
const selectProgrammes = `
  SELECT p.start_at, p.stop_at, p.title, p.sub_title, p.description, p.categories,
         p.episode_num_xmltv_ns, p.episode_num_onscreen, p.icon, p.rating, p.is_new, p.previously_shown,
         p.source_id, p.id
  FROM programmes p
  WHERE p.channel_id = ? AND p.start_at >= ? AND p.start_at < ?
    AND (p.source_id, p.generation) IN (SELECT id, generation FROM xmltv_sources WHERE enabled = 1)
  ORDER BY p.start_at`;

/**
 * Reads guide programmes channel by channel, so a writer can stream 1,000 channels × 7 days
 * without holding them all. One prepared statement, reused per channel.
 */
export class GuideReader {
  private readonly statement;
  // Each source's time shift (ms), read once per reader: a rendering sees one consistent set.
  private readonly shifts: Map<number, number>;
  private readonly earliestShift: number;
  private readonly latestShift: number;

  constructor(db: Db) {
    this.statement = db.prepare(selectProgrammes).raw(true);
    const rows = db
      .prepare('SELECT id, time_shift_minutes FROM xmltv_sources WHERE enabled = 1 AND time_shift_minutes <> 0')
      .raw(true)
      .all() as [number, number][];
    this.shifts = new Map(rows.map(([id, minutes]) => [id, minutes * minuteMs]));
    const values = [0, ...this.shifts.values()];
    this.earliestShift = Math.min(...values);
    this.latestShift = Math.max(...values);
  }

  /** The programmes of one channel overlapping [from, to), deduplicated by start, stops filled in. */
  programmesOf(channelId: string, from: number, to: number): GuideProgramme[] {
    const rows = this.readRows(channelId, from - lookBackMs, to);
    // Two guides carrying the same channel: one programme per start, the oldest source's.
    const kept: ProgrammeRow[] = [];
    for (const row of rows) {
      const last = kept[kept.length - 1];
      if (last && last[0] === row[0]) {
        if (row[12] < last[12] || (row[12] === last[12] && row[13] < last[13])) kept[kept.length - 1] = row;
        continue;
      }
      kept.push(row);
    }
    const result: GuideProgramme[] = [];
    for (let i = 0; i < kept.length; i++) {
      const row = kept[i]!;
      const next = kept[i + 1];
      const stop = row[1] ?? next?.[0] ?? row[0] + hourMs;
      if (stop <= from || stop <= row[0]) continue;
      result.push(toProgramme(channelId, row, stop));
    }
    return result;
  }

  // Rows whose shifted start is in [from, to), by shifted start. The stored times are as imported:
  // a source's shift applies here, so changing it needs no re-import (the range read from the
  // index widens by the largest shift either way).
  private readRows(channelId: string, from: number, to: number): ProgrammeRow[] {
    if (this.shifts.size === 0) return this.statement.all(channelId, from, to) as ProgrammeRow[];
    const rows = this.statement.all(channelId, from - this.latestShift, to - this.earliestShift) as ProgrammeRow[];
    const kept: ProgrammeRow[] = [];
    for (const row of rows) {
      const shift = this.shifts.get(row[12]);
      if (shift !== undefined) {
        row[0] += shift;
        if (row[1] !== null) row[1] += shift;
      }
      if (row[0] >= from && row[0] < to) kept.push(row);
    }
    // Sources shifted differently interleave; the sort is stable, so equal starts keep their order.
    return kept.sort((a, b) => a[0] - b[0]);
  }
}

function toProgramme(channelId: string, row: ProgrammeRow, stop: number): GuideProgramme {
  const [start, , title, subTitle, description, categories, xmltvNs, onscreen, icon, rating, isNew, previouslyShown] =
    row;
  return {
    channelId,
    start,
    stop,
    title,
    subTitle: subTitle || null,
    description: description || null,
    categories: parseCategories(categories),
    episodeNumXmltvNs: xmltvNs || null,
    episodeNumOnscreen: onscreen || null,
    icon: icon || null,
    rating: rating || null,
    isNew: isNew === 1,
    previouslyShown: previouslyShown === 1,
  };
}

// Guides repeat a handful of category lists across hundreds of thousands of programmes.
const categoryCache = new Map<string, string[]>();

function parseCategories(text: string): string[] {
  let cached = categoryCache.get(text);
  if (!cached) {
    cached = parseCategoryList(text);
    if (categoryCache.size < 10_000) categoryCache.set(text, cached);
  }
  return cached;
}

function parseCategoryList(text: string): string[] {
  const value = parseJsonColumn<unknown>(text, []);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/**
 * A string that changes whenever the guide output would: a source added, removed, enabled,
 * disabled, shifted in time or switched to a new generation (an import's end), or a programme row added to a
 * current generation. It reads one row per source and one index seek each, never a count over
 * the programmes, so it is cheap enough to poll; an import still writing its next generation, a
 * failed refresh or a renamed source do not change it (the output would be the same).
 */
export function guideFingerprint(db: Db): string {
  const rows = db
    .prepare(
      `SELECT s.id, s.enabled, s.generation, s.time_shift_minutes,
              (SELECT coalesce(max(p.id), 0) FROM programmes p WHERE p.source_id = s.id AND p.generation = s.generation)
       FROM xmltv_sources s ORDER BY s.id`,
    )
    .raw(true)
    .all() as unknown[][];
  return rows.map((row) => row.join(':')).join(',');
}

/** When the freshest enabled guide source was last refreshed (ms), or null if never. */
export function lastGuideRefresh(db: Db): number | null {
  const row = db.prepare('SELECT max(last_refresh_at) AS at FROM xmltv_sources WHERE enabled = 1').get() as {
    at: number | null;
  };
  return row.at ?? null;
}

/** What the guide output reads of the imported guides. */
export interface GuideOutputSource {
  /** Programmes of the enabled sources' current generations. */
  reader(): GuideReader;
  /** Changes whenever the output would (see `guideFingerprint`); cheap enough to poll. */
  fingerprint(): string;
  /** When the freshest enabled source was last refreshed (ms), or null if never. */
  lastRefresh(): number | null;
}

/** The guide as the EPG output sees it. */
export function guideOutput(db: Db): GuideOutputSource {
  return {
    reader: () => new GuideReader(db),
    fingerprint: () => guideFingerprint(db),
    lastRefresh: () => lastGuideRefresh(db),
  };
}
