import { bestTier, parseTiers, tierRank } from '../core/index.js';
import { parseJsonColumn, toSqlBool, type Db } from '../db/index.js';

/*
 * The rules every change to a channel's mappings ends with ("settling"), whoever made the change:
 * - Primary: a manually chosen primary (is_manual = 1 and is_primary = 1) stays. Otherwise the best
 *   confidence wins, ties by the better tier, then the lower provider channel id (stable).
 * - stream_priority (failover order): the primary, then the manual mappings in the user's order,
 *   then the automatic ones by confidence and tier.
 * - A channel with a stream is no longer "lost"; a channel whose enabled state no user ever set is
 *   enabled exactly when it has a stream (unmatched channels are disabled by default).
 */

interface MappingRow {
  id: number;
  xtream_channel_id: number;
  match_confidence: number;
  is_manual: number;
  is_primary: number;
  stream_priority: number;
  qualities: string;
}

interface Ranked {
  row: MappingRow;
  tier: number;
}

function compareAutomatic(a: Ranked, b: Ranked): number {
  return b.row.match_confidence - a.row.match_confidence || b.tier - a.tier || a.row.xtream_channel_id - b.row.xtream_channel_id;
}

/** Orders a channel's mappings by the rules above; the first is the primary. */
function orderMappings(rows: MappingRow[]): MappingRow[] {
  const ranked = rows.map((row) => ({ row, tier: tierRank[bestTier(parseTiers(parseJsonColumn<unknown>(row.qualities, [])))] }));
  const primary = ranked.find((r) => r.row.is_manual === 1 && r.row.is_primary === 1) ?? [...ranked].sort(compareAutomatic)[0];
  if (!primary) return [];
  const rest = ranked.filter((r) => r !== primary);
  const manual = rest.filter((r) => r.row.is_manual === 1).sort((a, b) => a.row.stream_priority - b.row.stream_priority || compareAutomatic(a, b));
  const automatic = rest.filter((r) => r.row.is_manual === 0).sort(compareAutomatic);
  return [primary, ...manual, ...automatic].map((r) => r.row);
}

/** Prepared statements for settling; build once per transaction batch. */
export function prepareSettle(db: Db) {
  const select = db.prepare(
    `SELECT m.id, m.xtream_channel_id, m.match_confidence, m.is_manual, m.is_primary, m.stream_priority, x.qualities
     FROM channel_mappings m JOIN xtream_channels x ON x.id = m.xtream_channel_id WHERE m.xmltv_channel_id = ?`,
  );
  // The partial unique index allows one primary per channel at any moment: clear before setting.
  const clearPrimary = db.prepare('UPDATE channel_mappings SET is_primary = 0, updated_at = ? WHERE xmltv_channel_id = ? AND is_primary = 1 AND id <> ?');
  const update = db.prepare('UPDATE channel_mappings SET is_primary = ?, stream_priority = ?, updated_at = ? WHERE id = ?');
  const settings = db.prepare(
    `UPDATE xmltv_channel_settings
     SET streams_lost_at = CASE WHEN @has THEN NULL ELSE streams_lost_at END,
         is_enabled = CASE WHEN enabled_by_user = 0 THEN @has ELSE is_enabled END,
         updated_at = @now
     WHERE xmltv_channel_id = @id AND (is_enabled <> CASE WHEN enabled_by_user = 0 THEN @has ELSE is_enabled END OR (@has AND streams_lost_at IS NOT NULL))`,
  );
  return (channelId: number, now: number): void => {
    const ordered = orderMappings(select.all(channelId) as MappingRow[]);
    const primaryId = ordered[0]?.id ?? 0;
    clearPrimary.run(now, channelId, primaryId);
    ordered.forEach((row, priority) => {
      const isPrimary = toSqlBool(row.id === primaryId);
      if (row.is_primary !== isPrimary || row.stream_priority !== priority) update.run(isPrimary, priority, now, row.id);
    });
    settings.run({ has: toSqlBool(ordered.length > 0), now, id: channelId });
  };
}
