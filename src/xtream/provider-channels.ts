import { parseTiers, tierRank, type Tier } from '../core/index.js';
import { parseJsonColumn, type Db } from '../db/index.js';

/** One provider channel as the API lists it, with one variant per provider stream. */
export interface ProviderChannelView {
  id: number;
  name: string;
  qualities: Tier[];
  variants: { tier: Tier; streamId: number; name: string }[];
  icon: string | null;
  categoryName: string | null;
  epgChannelId: string | null;
}

interface ChannelRow {
  id: number;
  name: string;
  qualities: string;
  icon: string | null;
  category_name: string | null;
  epg_channel_id: string | null;
}
interface StreamRow {
  xtream_channel_id: number;
  stream_id: number;
  name: string;
  tier: Tier;
}

/** A page of an account's provider channels, by name; two queries whatever the page size. */
export function listProviderChannels(
  db: Db,
  accountId: number,
  page: { limit: number; offset: number },
): { items: ProviderChannelView[]; total: number } {
  const total = (
    db.prepare('SELECT count(*) AS n FROM xtream_channels WHERE account_id = ?').get(accountId) as { n: number }
  ).n;
  const channels = db
    .prepare(
      `SELECT id, name, qualities, icon, category_name, epg_channel_id FROM xtream_channels
       WHERE account_id = ? ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?`,
    )
    .all(accountId, page.limit, page.offset) as ChannelRow[];
  if (channels.length === 0) return { items: [], total };
  const streams = db
    .prepare(
      `SELECT xtream_channel_id, stream_id, name, tier FROM xtream_streams WHERE xtream_channel_id IN (
         SELECT id FROM xtream_channels WHERE account_id = ? ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?)`,
    )
    .all(accountId, page.limit, page.offset) as StreamRow[];
  const variants = new Map<number, ProviderChannelView['variants']>();
  for (const s of streams) {
    const list = variants.get(s.xtream_channel_id) ?? [];
    list.push({ tier: s.tier, streamId: s.stream_id, name: s.name });
    variants.set(s.xtream_channel_id, list);
  }
  const items = channels.map((c) => ({
    id: c.id,
    name: c.name,
    qualities: parseTiers(parseJsonColumn(c.qualities, [])),
    variants: (variants.get(c.id) ?? []).sort((a, b) => tierRank[b.tier] - tierRank[a.tier] || a.streamId - b.streamId),
    icon: c.icon,
    categoryName: c.category_name,
    epgChannelId: c.epg_channel_id,
  }));
  return { items, total };
}
