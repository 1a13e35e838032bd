import { parseTiers, type Tier } from '../core/index.js';
import { parseJsonColumn, type Db } from '../db/index.js';
import { isSeparatorName } from '../matching/index.js';
import { likePattern } from './channel-queries.js';

/** A provider channel as the lineup's override screens show it: where it comes from and where it is mapped. */
export interface ProviderChannelSummary {
  id: number;
  accountId: number;
  accountName: string;
  accountActive: boolean;
  name: string;
  icon: string | null;
  categoryName: string | null;
  epgChannelId: string | null;
  /** Best first. */
  tiers: Tier[];
  mappedTo: { id: number; channelId: string; displayName: string; isPrimary: boolean; isManual: boolean }[];
}

export interface ProviderQuery {
  q?: string;
  accountId?: number;
  limit?: number;
  offset?: number;
}

interface Row {
  id: number;
  account_id: number;
  account_name: string;
  is_active: number;
  name: string;
  icon: string | null;
  category_name: string | null;
  epg_channel_id: string | null;
  qualities: string;
}

const select = `
  SELECT x.id, x.account_id, a.name AS account_name, a.is_active, x.name, x.icon, x.category_name, x.epg_channel_id, x.qualities
  FROM xtream_channels x JOIN accounts a ON a.id = x.account_id`;
const order = 'ORDER BY x.name COLLATE NOCASE, x.id';

function withMappings(db: Db, rows: Row[]): ProviderChannelSummary[] {
  const mapped = new Map<number, ProviderChannelSummary['mappedTo']>();
  if (rows.length) {
    const links = db
      .prepare(
        `SELECT m.xtream_channel_id AS x, c.id, c.channel_id, c.display_name, m.is_primary, m.is_manual
         FROM channel_mappings m JOIN xmltv_channels c ON c.id = m.xmltv_channel_id
         WHERE m.xtream_channel_id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
      )
      .all(JSON.stringify(rows.map((r) => r.id))) as { x: number; id: number; channel_id: string; display_name: string; is_primary: number; is_manual: number }[];
    for (const l of links) {
      const list = mapped.get(l.x) ?? [];
      list.push({ id: l.id, channelId: l.channel_id, displayName: l.display_name, isPrimary: l.is_primary === 1, isManual: l.is_manual === 1 });
      mapped.set(l.x, list);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    accountActive: r.is_active === 1,
    name: r.name,
    icon: r.icon || null,
    categoryName: r.category_name,
    epgChannelId: r.epg_channel_id,
    tiers: parseTiers(parseJsonColumn<unknown>(r.qualities, [])),
    mappedTo: mapped.get(r.id) ?? [],
  }));
}

/** Provider channels of every account whose name contains `q` (case-insensitive for ASCII), by name. */
export function searchProviderChannels(db: Db, query: ProviderQuery): { items: ProviderChannelSummary[]; total: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: query.limit ?? 100, offset: query.offset ?? 0 };
  if (query.q?.trim()) {
    where.push(`(x.name LIKE @q ESCAPE '\\' OR x.group_key LIKE @q ESCAPE '\\')`);
    params.q = likePattern(query.q.trim());
  }
  if (query.accountId !== undefined) {
    where.push('x.account_id = @accountId');
    params.accountId = query.accountId;
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare(`SELECT count(*) FROM xtream_channels x ${clause}`).pluck().get(params) as number;
  const rows = db.prepare(`${select} ${clause} ${order} LIMIT @limit OFFSET @offset`).all(params) as Row[];
  return { items: withMappings(db, rows), total };
}

/**
 * Orphans: provider channels of active accounts mapped to no lineup channel. Separator rows
 * ("##### UK SPORTS #####") are not channels and are left out; that test is in code, so the
 * page is cut after filtering.
 */
export function listOrphans(db: Db, page: { limit?: number; offset?: number }): { items: ProviderChannelSummary[]; total: number } {
  const rows = (
    db
      .prepare(`${select} WHERE a.is_active = 1 AND NOT EXISTS (SELECT 1 FROM channel_mappings m WHERE m.xtream_channel_id = x.id) ${order}`)
      .all() as Row[]
  ).filter((r) => !isSeparatorName(r.name));
  const offset = page.offset ?? 0;
  return { items: withMappings(db, rows.slice(offset, offset + (page.limit ?? 100))), total: rows.length };
}

/** The provider channel's name and icon (for promotion), or undefined. */
export function findProviderChannel(db: Db, id: number): { name: string; icon: string | null } | undefined {
  return db.prepare('SELECT name, icon FROM xtream_channels WHERE id = ?').get(id) as { name: string; icon: string | null } | undefined;
}
