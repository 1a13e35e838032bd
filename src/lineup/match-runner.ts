import { parseJsonColumn, type Db } from '../db/index.js';
import {
  matchChannels,
  type EpgChannelInput,
  type MatchCandidate,
  type ProviderChannelInput,
} from '../matching/index.js';
import { ensureSettingsRows } from './channel-settings.js';
import { prepareSettle } from './mapping-order.js';
import type { ProviderCatalog } from '../xtream/index.js';

/** What the matcher proposes: lineup channel row id → provider channels, best first. */
export type MatchProposal = Map<number, MatchCandidate[]>;

/** What applying a proposal did to the channels it covered. */
export interface ApplyResult {
  /** Channels that now have at least one mapping / none. */
  matched: number;
  unmatched: number;
  /** Channels whose mappings (set, primary or order) changed. */
  changedIds: number[];
  /** Channels flagged as having lost every stream by this run. */
  lostIds: number[];
}

interface EpgRow {
  id: number;
  channel_id: string;
  display_name: string;
  display_names: string;
}
/** Every lineup channel (XMLTV and synthetic) as matcher input; names are every display-name. */
function loadEpgChannels(db: Db): EpgChannelInput[] {
  const rows = db
    .prepare('SELECT id, channel_id, display_name, display_names FROM xmltv_channels ORDER BY id')
    .all() as EpgRow[];
  return rows.map((row) => {
    const names = parseJsonColumn<unknown>(row.display_names, []);
    const list = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && n.trim() !== '') : [];
    if (!list.includes(row.display_name)) list.unshift(row.display_name);
    return { id: row.id, channelId: row.channel_id, names: list };
  });
}

/** Provider channels of every active account as matcher input. */
function loadProviderChannels(providers: ProviderCatalog): ProviderChannelInput[] {
  return providers
    .listActive()
    .map((c) => ({ id: c.id, accountId: c.accountId, name: c.name, epgChannelId: c.epgChannelId, tiers: c.tiers }));
}

/** Runs the matcher over the whole lineup and every active account's provider channels. */
export function proposeMatches(db: Db, providers: ProviderCatalog, threshold?: number): MatchProposal {
  return matchChannels(
    loadEpgChannels(db),
    loadProviderChannels(providers),
    threshold === undefined ? {} : { threshold },
  );
}

/** channel id → "provider:primary:confidence,…" in failover order; equal text = unchanged mappings. */
function snapshotMappings(db: Db): Map<number, string> {
  const rows = db
    .prepare(
      `SELECT xmltv_channel_id AS c, xtream_channel_id AS x, is_primary AS p, match_confidence AS f
       FROM channel_mappings ORDER BY xmltv_channel_id, stream_priority, xtream_channel_id`,
    )
    .all() as { c: number; x: number; p: number; f: number }[];
  const out = new Map<number, string>();
  for (const r of rows) out.set(r.c, `${out.get(r.c) ?? ''}${r.x}:${r.p}:${r.f},`);
  return out;
}

export interface ApplyOptions {
  /** Apply to these lineup channels only (a rescan's affected channels); default every channel. */
  only?: ReadonlySet<number>;
  /** Channels that had streams before the caller's change (e.g. mappings a rescan's cascade removed): flagged lost if left with none. */
  previouslyMapped?: readonly number[];
  /** Flag channels that end up with no mapping after having had some (rescans only). */
  flagLost?: boolean;
}

/**
 * Writes a proposal in one transaction: manual mappings and pairs a user removed are left alone,
 * automatic mappings are replaced by the proposal, then each channel is settled (primary, order,
 * enabled, lost flag).
 */
export function applyMatches(
  db: Db,
  providers: ProviderCatalog,
  proposal: MatchProposal,
  now: number,
  options: ApplyOptions = {},
): ApplyResult {
  return db.transaction(() => {
    ensureSettingsRows(db, now);
    const before = snapshotMappings(db);
    const excluded = new Set(
      (
        db.prepare('SELECT xmltv_channel_id AS c, xtream_channel_id AS x FROM channel_mapping_exclusions').all() as {
          c: number;
          x: number;
        }[]
      ).map((r) => `${r.c}:${r.x}`),
    );
    const existing = db.prepare(
      'SELECT id, xtream_channel_id, is_manual FROM channel_mappings WHERE xmltv_channel_id = ?',
    );
    const remove = db.prepare('DELETE FROM channel_mappings WHERE id = ?');
    const upsert = db.prepare(
      `INSERT INTO channel_mappings (xmltv_channel_id, xtream_channel_id, match_confidence, is_manual, is_primary, stream_priority, created_at, updated_at)
       VALUES (?, ?, ?, 0, 0, 1000000, ?, ?)
       ON CONFLICT (xmltv_channel_id, xtream_channel_id) DO UPDATE SET match_confidence = excluded.match_confidence, updated_at = excluded.updated_at
       WHERE is_manual = 0 AND match_confidence <> excluded.match_confidence`,
    );
    const tiers = providers.bestTiers();
    const settle = prepareSettle(db, () => tiers);
    const all = db.prepare('SELECT id FROM xmltv_channels ORDER BY id').pluck().all() as number[];
    const channelIds = options.only ? all.filter((id) => options.only!.has(id)) : all;
    for (const channelId of channelIds) {
      const rows = existing.all(channelId) as { id: number; xtream_channel_id: number; is_manual: number }[];
      const manual = new Set(rows.filter((r) => r.is_manual === 1).map((r) => r.xtream_channel_id));
      const wanted = (proposal.get(channelId) ?? []).filter(
        (c) => !manual.has(c.providerChannelId) && !excluded.has(`${channelId}:${c.providerChannelId}`),
      );
      const wantedIds = new Set(wanted.map((c) => c.providerChannelId));
      for (const row of rows) if (row.is_manual === 0 && !wantedIds.has(row.xtream_channel_id)) remove.run(row.id);
      for (const c of wanted) upsert.run(channelId, c.providerChannelId, c.confidence, now, now);
      settle(channelId, now);
    }

    const after = snapshotMappings(db);
    const result: ApplyResult = { matched: 0, unmatched: 0, changedIds: [], lostIds: [] };
    const hadStreams = new Set(options.previouslyMapped ?? []);
    const flag = db.prepare(
      'UPDATE xmltv_channel_settings SET streams_lost_at = ?, updated_at = ? WHERE xmltv_channel_id = ? AND streams_lost_at IS NULL',
    );
    for (const channelId of channelIds) {
      const current = after.get(channelId);
      const was = before.get(channelId);
      if (current) result.matched++;
      else result.unmatched++;
      if (current !== was || hadStreams.has(channelId)) result.changedIds.push(channelId);
      if (!current && options.flagLost && (was !== undefined || hadStreams.has(channelId))) {
        flag.run(now, now, channelId);
        result.lostIds.push(channelId);
      }
    }
    return result;
  })();
}
