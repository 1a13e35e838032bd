import { AppError, invalidInput, type Tier } from '../core/index.js';
import type { Db } from '../db/index.js';
import { rankVariants, type TierVariant } from './tier-select.js';

/** What a stream request resolves to: the lineup channel's primary provider channel and its account. */
export interface StreamTarget {
  /** The XMLTV channel id (stable, what Plex asked for). */
  channelId: string;
  /** `xtream_channels.id` of the primary mapping. */
  providerChannelId: number;
  accountId: number;
  accountActive: boolean;
  /** Effective connection limit: the user's, else the provider's, else 1. */
  maxConnections: number;
  /** The tier variants best first; the first is played, the rest are for failover later. */
  variants: TierVariant[];
}

interface TargetRow {
  provider_channel_id: number;
  account_id: number;
  is_active: number;
  max_connections: number;
  stream_id: number;
  tier: Tier;
}

// One query from the lineup row to every tier variant of the primary mapping: an enabled lineup
// channel → its primary mapping → the provider channel → its streams, with the account's state.
// Non-primary mappings are ignored here: they are the failover candidates of a later issue.
const targetSql = `
  SELECT p.id AS provider_channel_id, a.id AS account_id, a.is_active,
         max(1, coalesce(a.max_connections, a.provider_max_connections, 1)) AS max_connections,
         s.stream_id, s.tier
  FROM xmltv_channels c
  JOIN xmltv_channel_settings cs ON cs.xmltv_channel_id = c.id AND cs.is_enabled = 1
  JOIN channel_mappings m ON m.xmltv_channel_id = c.id AND m.is_primary = 1
  JOIN xtream_channels p ON p.id = m.xtream_channel_id
  JOIN accounts a ON a.id = p.account_id
  JOIN xtream_streams s ON s.xtream_channel_id = p.id
  WHERE c.channel_id = ?
  ORDER BY s.id`;

// XMLTV ids are free text, and real ones vary ("bbc1.uk", "BBCOne.uk@SD", "Das Erste.de",
// "TF1(France)"), so only what can never be an id in a tuner URL is refused: control characters,
// path and URL delimiters, markup quotes, leading/trailing space, more than 200 characters.
const channelIdPattern = /^(?=\S)(?!.*\s$)[^\p{Cc}/\\?#%<>"]{1,200}$/u;

/** True for a well-formed XMLTV channel id (see the pattern's comment). */
export function isValidChannelId(id: string): boolean {
  return channelIdPattern.test(id);
}

/** Resolves a lineup channel for streaming. 400 for a malformed id; 404 for unknown, disabled or unmapped. */
export function resolveStreamTarget(db: Db, channelId: string): StreamTarget {
  if (!isValidChannelId(channelId)) throw invalidInput('invalid channel id');
  const rows = db.prepare(targetSql).all(channelId) as TargetRow[];
  const first = rows[0];
  if (!first) throw new AppError('CHANNEL_NOT_FOUND', 'channel not found', { details: { channelId } });
  return {
    channelId,
    providerChannelId: first.provider_channel_id,
    accountId: first.account_id,
    accountActive: first.is_active === 1,
    maxConnections: first.max_connections,
    variants: rankVariants(rows.map((r) => ({ streamId: r.stream_id, tier: r.tier }))),
  };
}
