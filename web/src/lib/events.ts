import type { EventLevel, EventQuery } from '../api/types';

/** The categories the server writes (src/**: `category: '…'`); the filter offers these. */
export const eventCategories = ['account', 'auth', 'guide', 'lineup', 'matching', 'scan', 'stream', 'tuner'] as const;

export const eventLevels: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

/** A Mantine colour name per level (the theme picks the shade for light or dark). */
export function levelColor(level: EventLevel): string {
  switch (level) {
    case 'error':
      return 'red';
    case 'warn':
      return 'yellow';
    case 'info':
      return 'blue';
    default:
      return 'gray';
  }
}

export interface EventFilters {
  level: EventLevel | 'all';
  /** A category, or 'all'. */
  category: string;
  unreadOnly: boolean;
}

/** The `GET /api/events` query for a filter and a 1-based page. */
export function eventsQuery(filters: EventFilters, page: number, pageSize: number): EventQuery {
  const query: EventQuery = { limit: pageSize, offset: Math.max(0, page - 1) * pageSize };
  if (filters.level !== 'all') query.level = filters.level;
  if (filters.category !== 'all' && filters.category !== '') query.category = filters.category;
  if (filters.unreadOnly) query.unread = true;
  return query;
}

/** How many pages `total` rows make (at least one, so the pager always shows). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `details` as indented JSON, or null when there are none. */
export function prettyDetails(details: Record<string, unknown> | null): string | null {
  if (!details || Object.keys(details).length === 0) return null;
  return JSON.stringify(details, null, 2);
}
