import { isoTime } from '../core/index.js';
import { toSqlBool, type Db } from '../db/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import { redactUrlFully, type StoredSecret } from '../credentials/index.js';

export interface SourceRow {
  id: number;
  name: string;
  url: string;
  enabled: number;
  generation: number;
  last_refresh_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  channel_count: number;
  programme_count: number;
  url_secret: string | null;
  url_backend: 'keyring' | 'aes' | null;
  account_id: number | null;
  time_shift_minutes: number;
  created_at: number;
  updated_at: number;
}

/**
 * Where a source's guide comes from: `url` itself, the credential store (a URL that carries
 * credentials; `url` is then its masked form), or an account's own `xmltv.php` (built at each
 * import; `url` is its masked form for display).
 */
export interface StoredLocation {
  url: string;
  secret: StoredSecret | null;
  accountId: number | null;
}

/** The stored secret of a source whose URL carries credentials, or null. */
export const secretOfSource = (row: SourceRow): StoredSecret | null =>
  row.url_secret && row.url_backend ? { backend: row.url_backend, secret: row.url_secret } : null;

/** An import running now. */
export interface ImportProgress {
  startedAt: number;
  /** Bytes read from the server or file so far (compressed, when gzipped). */
  bytesRead: number;
  /** The guide's size in bytes, when known before reading (a file's size, a Content-Length). */
  total?: number;
  programmes: number;
}

/** A guide source as the API shows it. */
export interface SourceView {
  id: number;
  name: string;
  /** Credentials in the URL (provider guide links carry username and password) are masked. */
  url: string;
  /** Set when the source is that account's own guide (`xmltv.php`). */
  accountId: number | null;
  enabled: boolean;
  /** Minutes added to every programme's start and stop when the guide is output (-1440..1440). */
  timeShiftMinutes: number;
  lastRefreshAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  lastDurationMs: number | null;
  channels: number;
  programmes: number;
  /** The import running now, or null. */
  /** The running import's progress (with `total` and `percent` when the guide's size is known), or null. */
  refresh: (Omit<ImportProgress, 'startedAt'> & { startedAt: string; percent?: number }) | null;
}

const columns = `id, name, url, enabled, generation, last_refresh_at, last_attempt_at, last_error, last_duration_ms,
                 channel_count, programme_count, url_secret, url_backend, account_id, time_shift_minutes, created_at, updated_at`;

export function toSourceView(row: SourceRow, progress: ImportProgress | undefined): SourceView {
  return {
    id: row.id,
    name: row.name,
    // Stored masked already when it carried credentials; masked again in case an old row did not.
    url: redactUrlFully(row.url),
    accountId: row.account_id,
    enabled: row.enabled === 1,
    timeShiftMinutes: row.time_shift_minutes,
    lastRefreshAt: isoTime(row.last_refresh_at),
    lastAttemptAt: isoTime(row.last_attempt_at),
    lastError: row.last_error,
    lastDurationMs: row.last_duration_ms,
    channels: row.channel_count,
    programmes: row.programme_count,
    refresh: progress ? refreshView(progress) : null,
  };
}

/** How much of a guide of known size was read (0-100), if its size is known. */
export function percentOf(progress: Pick<ImportProgress, 'bytesRead' | 'total'>): number | undefined {
  if (!progress.total) return undefined;
  return Math.min(100, Math.floor((progress.bytesRead / progress.total) * 100));
}

function refreshView(progress: ImportProgress): NonNullable<SourceView['refresh']> {
  const { startedAt, bytesRead, programmes, total } = progress;
  const percent = percentOf(progress);
  return {
    startedAt: isoTime(startedAt),
    bytesRead,
    ...(total && percent !== undefined ? { total, percent } : {}),
    programmes,
  };
}

export function listSourceRows(db: Db): SourceRow[] {
  return db.prepare(`SELECT ${columns} FROM xmltv_sources ORDER BY id`).all() as SourceRow[];
}

export function findSourceRow(db: Db, id: number): SourceRow | undefined {
  return db.prepare(`SELECT ${columns} FROM xmltv_sources WHERE id = ?`).get(id) as SourceRow | undefined;
}

export function insertSourceRow(
  db: Db,
  input: { name: string; location: StoredLocation; enabled: boolean; timeShiftMinutes?: number },
  now: number,
): number {
  const { url, secret, accountId } = input.location;
  return Number(
    db
      .prepare(
        'INSERT INTO xmltv_sources (name, url, url_secret, url_backend, account_id, enabled, time_shift_minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        input.name,
        url,
        secret?.secret ?? null,
        secret?.backend ?? null,
        accountId,
        toSqlBool(input.enabled),
        input.timeShiftMinutes ?? 0,
        now,
        now,
      ).lastInsertRowid,
  );
}

export function updateSourceRow(
  db: Db,
  id: number,
  patch: { name?: string; location?: StoredLocation; enabled?: boolean; timeShiftMinutes?: number },
  now: number,
): void {
  const row = findSourceRow(db, id);
  if (!row) return;
  const location = patch.location ?? { url: row.url, secret: secretOfSource(row), accountId: row.account_id };
  db.prepare(
    'UPDATE xmltv_sources SET name = ?, url = ?, url_secret = ?, url_backend = ?, account_id = ?, enabled = ?, time_shift_minutes = ?, updated_at = ? WHERE id = ?',
  ).run(
    patch.name ?? row.name,
    location.url,
    location.secret?.secret ?? null,
    location.secret?.backend ?? null,
    location.accountId,
    patch.enabled === undefined ? row.enabled : toSqlBool(patch.enabled),
    patch.timeShiftMinutes ?? row.time_shift_minutes,
    now,
    id,
  );
}

/** Records a failed import: the guide itself stays as it was. */
export function recordImportFailure(db: Db, id: number, reason: string, now: number): void {
  db.prepare('UPDATE xmltv_sources SET last_error = ?, last_attempt_at = ?, updated_at = ? WHERE id = ?').run(
    reason,
    now,
    now,
    id,
  );
}

/**
 * Deletes a source, its programmes, and the lineup channels that only it brought (a guide
 * channel no other source carries has nothing left to show; the lineup keeps synthetic ones).
 */
export function deleteSourceRow(
  db: Db,
  lineup: GuideChannelStore,
  id: number,
  now: number,
): { channelsRemoved: number } {
  return db.transaction(() => {
    const onlyHere = db
      .prepare(
        `SELECT xmltv_channel_id FROM xmltv_source_channels WHERE source_id = ?
         AND xmltv_channel_id NOT IN (SELECT xmltv_channel_id FROM xmltv_source_channels WHERE source_id <> ?)`,
      )
      .pluck()
      .all(id, id) as number[];
    const removed = lineup.removeGuideChannels(onlyHere);
    db.prepare('DELETE FROM xmltv_sources WHERE id = ?').run(id);
    // A channel some other source still carries now belongs to it.
    const owners = db
      .prepare('SELECT xmltv_channel_id, min(source_id) FROM xmltv_source_channels GROUP BY xmltv_channel_id')
      .raw()
      .all() as [number, number][];
    lineup.adoptGuideChannels(new Map(owners), now);
    return { channelsRemoved: removed };
  })();
}
