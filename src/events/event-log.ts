import { isoTime, Listeners, type Clock, type Logger } from '../core/index.js';
import { parseJsonColumn, type Db } from '../db/index.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AppEvent {
  id: number;
  createdAt: string;
  level: EventLevel;
  category: string;
  message: string;
  details: Record<string, unknown> | null;
  isRead: boolean;
}

export interface EventInput {
  level: EventLevel;
  category: string;
  message: string;
  /** Structured facts; never secrets, never an upstream URL unredacted. */
  details?: Record<string, unknown>;
}

export interface EventQuery {
  limit?: number;
  offset?: number;
  category?: string;
  level?: EventLevel;
  /** Only the events not marked read (the UI's badge). */
  unread?: boolean;
}

interface EventRow {
  id: number;
  created_at: number;
  level: EventLevel;
  category: string;
  message: string;
  details: string | null;
  is_read: number;
}

/** The user-visible event log (`event_log` table): what happened, newest first. */
export class EventLog {
  private readonly listeners: Listeners<AppEvent>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.listeners = new Listeners(log, 'event log');
  }

  /** Calls `listener` with each event recorded from now on, as `list` shows it; returns the unsubscribe function. */
  onRecord(listener: (event: AppEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Records an event and mirrors it to the process log. Never throws: an event is not worth a failed request. */
  record(event: EventInput): void {
    this.log[event.level]({ category: event.category, details: event.details }, event.message);
    let row: EventRow;
    try {
      const createdAt = this.clock.now();
      const details = event.details ? JSON.stringify(event.details) : null;
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO event_log (created_at, level, category, message, details) VALUES (?, ?, ?, ?, ?)')
        .run(createdAt, event.level, event.category, event.message, details);
      row = { id: Number(lastInsertRowid), created_at: createdAt, ...event, details, is_read: 0 };
    } catch (error) {
      this.log.error({ err: error }, 'could not record event');
      return;
    }
    if (this.listeners.size > 0) this.listeners.emit(toEvent(row));
  }

  /** Newest first, paged, optionally filtered. */
  list(query: EventQuery = {}): { items: AppEvent[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.category) {
      where.push('category = ?');
      params.push(query.category);
    }
    if (query.level) {
      where.push('level = ?');
      params.push(query.level);
    }
    if (query.unread) where.push('is_read = 0');
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM event_log ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM event_log ${clause} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 100, query.offset ?? 0) as EventRow[];
    return { items: rows.map(toEvent), total };
  }

  /** Marks events read; with no ids, all of them. Returns how many changed. */
  markRead(ids?: number[]): number {
    if (!ids) return this.db.prepare('UPDATE event_log SET is_read = 1 WHERE is_read = 0').run().changes;
    const update = this.db.prepare('UPDATE event_log SET is_read = 1 WHERE id = ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + update.run(id).changes, 0))();
  }
}

function toEvent(row: EventRow): AppEvent {
  return {
    id: row.id,
    createdAt: isoTime(row.created_at),
    level: row.level,
    category: row.category,
    message: row.message,
    details: parseJsonColumn<Record<string, unknown> | null>(row.details, null),
    isRead: row.is_read === 1,
  };
}
