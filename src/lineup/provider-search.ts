import { isSeparatorName } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { ProviderCatalog, ProviderChannelInfo } from '../xtream/index.js';

/** A provider channel as the lineup's override screens show it: where it comes from and where it is mapped. */
export type ProviderChannelSummary = Omit<ProviderChannelInfo, 'bestTier'> & {
  mappedTo: { id: number; channelId: string; displayName: string; isPrimary: boolean; isManual: boolean }[];
};

export interface ProviderQuery {
  q?: string;
  accountId?: number;
  limit?: number;
  offset?: number;
}

interface LinkRow {
  x: number;
  id: number;
  channel_id: string;
  display_name: string;
  is_primary: number;
  is_manual: number;
}

function withMappings(db: Db, channels: ProviderChannelInfo[]): ProviderChannelSummary[] {
  const mapped = new Map<number, ProviderChannelSummary['mappedTo']>();
  if (channels.length) {
    const links = db
      .prepare(
        `SELECT m.xtream_channel_id AS x, c.id, c.channel_id, c.display_name, m.is_primary, m.is_manual
         FROM channel_mappings m JOIN xmltv_channels c ON c.id = m.xmltv_channel_id
         WHERE m.xtream_channel_id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
      )
      .all(JSON.stringify(channels.map((c) => c.id))) as LinkRow[];
    for (const l of links) {
      const list = mapped.get(l.x) ?? [];
      list.push({
        id: l.id,
        channelId: l.channel_id,
        displayName: l.display_name,
        isPrimary: l.is_primary === 1,
        isManual: l.is_manual === 1,
      });
      mapped.set(l.x, list);
    }
  }
  return channels.map(({ bestTier: _best, ...channel }) => ({ ...channel, mappedTo: mapped.get(channel.id) ?? [] }));
}

/** Provider channels of every account whose name contains `q` (case-insensitive for ASCII), by name. */
export function searchProviderChannels(
  db: Db,
  providers: ProviderCatalog,
  query: ProviderQuery,
): { items: ProviderChannelSummary[]; total: number } {
  const page = providers.search({ ...query, limit: query.limit ?? 100, offset: query.offset ?? 0 });
  return { items: withMappings(db, page.items), total: page.total };
}

/**
 * Orphans: provider channels of active accounts mapped to no lineup channel. Separator rows
 * ("##### UK SPORTS #####") are not channels and are left out; that test is in code, so the
 * page is cut after filtering.
 */
export function listOrphans(
  db: Db,
  providers: ProviderCatalog,
  page: { limit?: number; offset?: number },
): { items: ProviderChannelSummary[]; total: number } {
  const mapped = new Set(
    db.prepare('SELECT DISTINCT xtream_channel_id FROM channel_mappings').pluck().all() as number[],
  );
  const orphans = providers.listActive('name').filter((c) => !mapped.has(c.id) && !isSeparatorName(c.name));
  const offset = page.offset ?? 0;
  return { items: withMappings(db, orphans.slice(offset, offset + (page.limit ?? 100))), total: orphans.length };
}
