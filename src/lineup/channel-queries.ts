import { isoTime, type Tier } from '../core/index.js';
import { likePattern, parseJsonColumn, toSqlBool, type Db } from '../db/index.js';
import type { ProviderCatalog } from '../xtream/index.js';

/** matched: has a stream; lost: a rescan removed its every stream; unmatched: neither. */
export type MatchStatus = 'matched' | 'unmatched' | 'lost';

/** One provider channel mapped to a lineup channel. */
export interface MappingView {
  xtreamChannelId: number;
  accountId: number;
  isPrimary: boolean;
  /** Failover order, 0 first. */
  priority: number;
  confidence: number;
  isManual: boolean;
  name: string;
  /** Best tier the provider channel offers. */
  tier: Tier;
}

/** A lineup channel as the API shows it. */
export interface ChannelView {
  id: number;
  channelId: string;
  displayName: string;
  displayNames: string[];
  icon: string | null;
  number: number | null;
  displayOrder: number;
  enabled: boolean;
  /** True once a user set `enabled`; until then it follows whether the channel has a stream. */
  enabledByUser: boolean;
  isSynthetic: boolean;
  matchStatus: MatchStatus;
  streamsLostAt: string | null;
  /** Primary first, then failover order. */
  mappings: MappingView[];
}

export interface ChannelQuery {
  q?: string;
  enabled?: boolean;
  matched?: boolean;
  /** Match status; `lost` channels are also `matched=false`. */
  status?: MatchStatus;
  limit?: number;
  offset?: number;
}

interface ChannelRow {
  id: number;
  channel_id: string;
  display_name: string;
  display_names: string;
  icon: string | null;
  is_synthetic: number;
  is_enabled: number | null;
  enabled_by_user: number | null;
  channel_number: number | null;
  display_order: number | null;
  streams_lost_at: number | null;
}
interface MappingRow {
  xmltv_channel_id: number;
  xtream_channel_id: number;
  is_primary: number;
  stream_priority: number;
  match_confidence: number;
  is_manual: number;
}

const hasMapping = 'EXISTS (SELECT 1 FROM channel_mappings m WHERE m.xmltv_channel_id = c.id)';

function whereOf(query: ChannelQuery): { clause: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (query.q?.trim()) {
    where.push(
      `(c.display_name LIKE @q ESCAPE '\\' OR c.channel_id LIKE @q ESCAPE '\\' OR c.display_names LIKE @q ESCAPE '\\')`,
    );
    params.q = likePattern(query.q.trim());
  }
  if (query.enabled !== undefined) {
    where.push('coalesce(s.is_enabled, 0) = @enabled');
    params.enabled = toSqlBool(query.enabled);
  }
  if (query.matched !== undefined) where.push(query.matched ? hasMapping : `NOT ${hasMapping}`);
  if (query.status === 'matched') where.push(hasMapping);
  else if (query.status === 'lost') where.push(`NOT ${hasMapping} AND s.streams_lost_at IS NOT NULL`);
  else if (query.status === 'unmatched') where.push(`NOT ${hasMapping} AND s.streams_lost_at IS NULL`);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function loadMappings(db: Db, providers: ProviderCatalog, ids: number[]): Map<number, MappingView[]> {
  const rows = db
    .prepare(
      `SELECT xmltv_channel_id, xtream_channel_id, is_primary, stream_priority, match_confidence, is_manual
       FROM channel_mappings WHERE xmltv_channel_id IN (SELECT value FROM json_each(?))
       ORDER BY xmltv_channel_id, is_primary DESC, stream_priority, xtream_channel_id`,
    )
    .all(JSON.stringify(ids)) as MappingRow[];
  const info = providers.describe(rows.map((r) => r.xtream_channel_id));
  const out = new Map<number, MappingView[]>();
  for (const r of rows) {
    // A mapping always points at an existing provider channel (foreign key, cascade).
    const provider = info.get(r.xtream_channel_id);
    if (!provider) continue;
    const list = out.get(r.xmltv_channel_id) ?? [];
    list.push({
      xtreamChannelId: r.xtream_channel_id,
      accountId: provider.accountId,
      isPrimary: r.is_primary === 1,
      priority: r.stream_priority,
      confidence: r.match_confidence,
      isManual: r.is_manual === 1,
      name: provider.name,
      tier: provider.bestTier,
    });
    out.set(r.xmltv_channel_id, list);
  }
  return out;
}

function toView(row: ChannelRow, mappings: MappingView[]): ChannelView {
  const names = parseJsonColumn<unknown>(row.display_names, []);
  return {
    id: row.id,
    channelId: row.channel_id,
    displayName: row.display_name,
    displayNames: Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [],
    icon: row.icon || null,
    number: row.channel_number,
    displayOrder: row.display_order ?? 0,
    enabled: row.is_enabled === 1,
    enabledByUser: row.enabled_by_user === 1,
    isSynthetic: row.is_synthetic === 1,
    matchStatus: mappings.length > 0 ? 'matched' : row.streams_lost_at !== null ? 'lost' : 'unmatched',
    streamsLostAt: isoTime(row.streams_lost_at),
    mappings,
  };
}

const selectChannels = `
  SELECT c.id, c.channel_id, c.display_name, c.display_names, c.icon, c.is_synthetic,
         s.is_enabled, s.enabled_by_user, s.channel_number, s.display_order, s.streams_lost_at
  FROM xmltv_channels c LEFT JOIN xmltv_channel_settings s ON s.xmltv_channel_id = c.id`;

/** A page of lineup channels in display order, with their mappings; two queries whatever the page size. */
export function listChannels(
  db: Db,
  providers: ProviderCatalog,
  query: ChannelQuery = {},
): { items: ChannelView[]; total: number } {
  const { clause, params } = whereOf(query);
  const total = db
    .prepare(
      `SELECT count(*) FROM xmltv_channels c LEFT JOIN xmltv_channel_settings s ON s.xmltv_channel_id = c.id ${clause}`,
    )
    .pluck()
    .get(params) as number;
  const rows = db
    .prepare(
      `${selectChannels} ${clause} ORDER BY s.display_order IS NULL, s.display_order, c.id LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: query.limit ?? 100, offset: query.offset ?? 0 }) as ChannelRow[];
  const mappings = rows.length
    ? loadMappings(
        db,
        providers,
        rows.map((r) => r.id),
      )
    : new Map<number, MappingView[]>();
  return { items: rows.map((r) => toView(r, mappings.get(r.id) ?? [])), total };
}

/** One lineup channel, or undefined. */
export function findChannel(db: Db, providers: ProviderCatalog, id: number): ChannelView | undefined {
  const row = db.prepare(`${selectChannels} WHERE c.id = ?`).get(id) as ChannelRow | undefined;
  return row && toView(row, loadMappings(db, providers, [id]).get(id) ?? []);
}
