import { bestTier, parseTiers, type Tier } from '../core/index.js';
import { parseJsonColumn, type Db } from '../db/index.js';

/** A lineup channel a client can tune: enabled, numbered, with a primary provider mapping. */
export interface PlayableChannel {
  /** xmltv_channels row id. */
  id: number;
  /** The XMLTV channel id: tvg-id, EPG id and the `/stream/{id}` key. */
  channelId: string;
  displayName: string;
  /** The GuideNumber Plex sees. */
  number: number;
  /** The guide's logo. */
  icon: string | null;
  /** The primary provider channel's logo (fallback when the guide has none). */
  providerIcon: string | null;
  /** The primary provider channel's category. */
  groupTitle: string | null;
  /** Best tier the primary provider channel offers. */
  bestTier: Tier;
  isSynthetic: boolean;
}

interface PlayableRow {
  id: number;
  channel_id: string;
  display_name: string;
  channel_number: number;
  icon: string | null;
  provider_icon: string | null;
  category_name: string | null;
  qualities: string;
  is_synthetic: number;
}

// A channel without a number cannot have a GuideNumber, so it is not handed out. Channels whose
// account is inactive stay listed: dropping them would renumber nothing but would make Plex
// forget their guide mapping for what is usually a temporary state.
const selectPlayable = `
  SELECT c.id, c.channel_id, c.display_name, s.channel_number, c.icon, c.is_synthetic,
         x.icon AS provider_icon, x.category_name, x.qualities
  FROM xmltv_channels c
  JOIN xmltv_channel_settings s ON s.xmltv_channel_id = c.id
  JOIN channel_mappings m ON m.xmltv_channel_id = c.id AND m.is_primary = 1
  JOIN xtream_channels x ON x.id = m.xtream_channel_id
  WHERE s.is_enabled = 1 AND s.channel_number IS NOT NULL`;

function toPlayable(row: PlayableRow): PlayableChannel {
  return {
    id: row.id,
    channelId: row.channel_id,
    displayName: row.display_name,
    number: row.channel_number,
    icon: row.icon || null,
    providerIcon: row.provider_icon || null,
    groupTitle: row.category_name || null,
    bestTier: bestTier(parseTiers(parseJsonColumn<unknown>(row.qualities, []))),
    isSynthetic: row.is_synthetic === 1,
  };
}

/** Enabled lineup channels that have a primary mapping, ordered by number. */
export function listPlayableChannels(db: Db): PlayableChannel[] {
  const rows = db.prepare(`${selectPlayable} ORDER BY s.channel_number, c.id`).all() as PlayableRow[];
  return rows.map(toPlayable);
}

/** The playable channel with this GuideNumber, if any. */
export function findPlayableByNumber(db: Db, number: number): PlayableChannel | undefined {
  const row = db.prepare(`${selectPlayable} AND s.channel_number = ?`).get(number) as PlayableRow | undefined;
  return row && toPlayable(row);
}
