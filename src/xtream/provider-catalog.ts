import { bestTier, parseTiers, type Tier } from '../core/index.js';
import { likePattern, parseJsonColumn, type Db } from '../db/index.js';

/** A provider channel as other domains see it: where it comes from, its name and tiers. */
export interface ProviderChannelInfo {
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
  /** The best of `tiers` ('unknown' when none). */
  bestTier: Tier;
}

/** One provider stream of a provider channel: a tier variant a client can play. */
export interface StreamVariant {
  providerChannelId: number;
  streamId: number;
  tier: Tier;
}

export interface ProviderSearch {
  /** Substring of the name (case-insensitive for ASCII). */
  q?: string;
  accountId?: number;
  limit: number;
  offset: number;
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
const byName = 'ORDER BY x.name COLLATE NOCASE, x.id';

function toInfo(row: Row): ProviderChannelInfo {
  const tiers = parseTiers(parseJsonColumn<unknown>(row.qualities, []));
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    accountActive: row.is_active === 1,
    name: row.name,
    icon: row.icon || null,
    categoryName: row.category_name,
    epgChannelId: row.epg_channel_id,
    tiers,
    bestTier: bestTier(tiers),
  };
}

/**
 * Read access to the scanned provider channels for the other domains (the lineup maps them,
 * the stream proxy plays their variants): the xtream tables stay private to this domain.
 */
export class ProviderCatalog {
  constructor(private readonly db: Db) {}

  /** Provider channels of every active account, by row id (matcher input) or by name (orphans). */
  listActive(order: 'id' | 'name' = 'id'): ProviderChannelInfo[] {
    return (
      this.db.prepare(`${select} WHERE a.is_active = 1 ${order === 'name' ? byName : 'ORDER BY x.id'}`).all() as Row[]
    ).map(toInfo);
  }

  /** Provider channels whose name contains `q`, of one account or all, by name. */
  search(query: ProviderSearch): { items: ProviderChannelInfo[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit, offset: query.offset };
    if (query.q?.trim()) {
      // group_key is the name without tier markers: "BBC One" also finds "UK: BBC ONE FHD".
      where.push(`(x.name LIKE @q ESCAPE '\\' OR x.group_key LIKE @q ESCAPE '\\')`);
      params.q = likePattern(query.q.trim());
    }
    if (query.accountId !== undefined) {
      where.push('x.account_id = @accountId');
      params.accountId = query.accountId;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) FROM xtream_channels x ${clause}`).pluck().get(params) as number;
    const rows = this.db.prepare(`${select} ${clause} ${byName} LIMIT @limit OFFSET @offset`).all(params) as Row[];
    return { items: rows.map(toInfo), total };
  }

  /** One provider channel, or undefined. */
  find(id: number): ProviderChannelInfo | undefined {
    const row = this.db.prepare(`${select} WHERE x.id = ?`).get(id) as Row | undefined;
    return row && toInfo(row);
  }

  /** The provider channels with these ids (missing ones left out), keyed by id. */
  describe(ids: readonly number[]): Map<number, ProviderChannelInfo> {
    if (ids.length === 0) return new Map();
    const rows = this.db
      .prepare(`${select} WHERE x.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify([...new Set(ids)])) as Row[];
    return new Map(rows.map((row) => [row.id, toInfo(row)]));
  }

  /** Best tier of every provider channel (settling a whole lineup ranks mappings by it). */
  bestTiers(): Map<number, Tier> {
    const rows = this.db.prepare('SELECT id, qualities FROM xtream_channels').all() as {
      id: number;
      qualities: string;
    }[];
    return new Map(rows.map((r) => [r.id, bestTier(parseTiers(parseJsonColumn<unknown>(r.qualities, [])))]));
  }

  /** The stream variants of these provider channels, in stream row order (rank them with the lineup's tier choice). */
  variantsOf(providerChannelIds: readonly number[]): StreamVariant[] {
    if (providerChannelIds.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT xtream_channel_id, stream_id, tier FROM xtream_streams WHERE xtream_channel_id IN (SELECT value FROM json_each(?)) ORDER BY id',
      )
      .all(JSON.stringify([...new Set(providerChannelIds)])) as {
      xtream_channel_id: number;
      stream_id: number;
      tier: Tier;
    }[];
    return rows.map((r) => ({ providerChannelId: r.xtream_channel_id, streamId: r.stream_id, tier: r.tier }));
  }
}
