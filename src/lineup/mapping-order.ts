import { tierRank, type Tier } from '../core/index.js';
import { toSqlBool, type Db } from '../db/index.js';
import type { ProviderCatalog } from '../xtream/index.js';

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
}

interface Ranked {
  row: MappingRow;
  tier: number;
}

function compareAutomatic(a: Ranked, b: Ranked): number {
  return (
    b.row.match_confidence - a.row.match_confidence ||
    b.tier - a.tier ||
    a.row.xtream_channel_id - b.row.xtream_channel_id
  );
}

/** Orders a channel's mappings by the rules above; the first is the primary. */
function orderMappings(rows: MappingRow[], tiers: ReadonlyMap<number, Tier>): MappingRow[] {
  const ranked = rows.map((row) => ({ row, tier: tierRank[tiers.get(row.xtream_channel_id) ?? 'unknown'] }));
  const primary =
    ranked.find((r) => r.row.is_manual === 1 && r.row.is_primary === 1) ?? [...ranked].sort(compareAutomatic)[0];
  if (!primary) return [];
  const rest = ranked.filter((r) => r !== primary);
  const manual = rest
    .filter((r) => r.row.is_manual === 1)
    .sort((a, b) => a.row.stream_priority - b.row.stream_priority || compareAutomatic(a, b));
  const automatic = rest.filter((r) => r.row.is_manual === 0).sort(compareAutomatic);
  return [primary, ...manual, ...automatic].map((r) => r.row);
}

/** Best tier of each of these provider channels. */
export type TierLookup = (providerChannelIds: number[]) => ReadonlyMap<number, Tier>;

/** Looks tiers up in the provider catalog, a query per call (settling one channel). */
export function tiersFrom(providers: ProviderCatalog): TierLookup {
  return (ids) => new Map([...providers.describe(ids)].map(([id, info]) => [id, info.bestTier]));
}

/** Prepared statements for settling; build once per transaction batch. */
export function prepareSettle(db: Db, tiersOf: TierLookup) {
  const select = db.prepare(
    'SELECT id, xtream_channel_id, match_confidence, is_manual, is_primary, stream_priority FROM channel_mappings WHERE xmltv_channel_id = ?',
  );
  // The partial unique index allows one primary per channel at any moment: clear before setting.
  const clearPrimary = db.prepare(
    'UPDATE channel_mappings SET is_primary = 0, updated_at = ? WHERE xmltv_channel_id = ? AND is_primary = 1 AND id <> ?',
  );
  const update = db.prepare(
    'UPDATE channel_mappings SET is_primary = ?, stream_priority = ?, updated_at = ? WHERE id = ?',
  );
  const settings = db.prepare(
    `UPDATE xmltv_channel_settings
     SET streams_lost_at = CASE WHEN @has THEN NULL ELSE streams_lost_at END,
         is_enabled = CASE WHEN enabled_by_user = 0 THEN @has ELSE is_enabled END,
         updated_at = @now
     WHERE xmltv_channel_id = @id AND (is_enabled <> CASE WHEN enabled_by_user = 0 THEN @has ELSE is_enabled END OR (@has AND streams_lost_at IS NOT NULL))`,
  );
  return (channelId: number, now: number): void => {
    const rows = select.all(channelId) as MappingRow[];
    const ordered = orderMappings(rows, rows.length > 1 ? tiersOf(rows.map((r) => r.xtream_channel_id)) : new Map());
    const primaryId = ordered[0]?.id ?? 0;
    clearPrimary.run(now, channelId, primaryId);
    ordered.forEach((row, priority) => {
      const isPrimary = toSqlBool(row.id === primaryId);
      if (row.is_primary !== isPrimary || row.stream_priority !== priority)
        update.run(isPrimary, priority, now, row.id);
    });
    settings.run({ has: toSqlBool(ordered.length > 0), now, id: channelId });
  };
}
