import { detectTier, sortTiers, stripTierMarkers, tierGroupKey, tierRank, type Tier } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { ProviderCategory, ProviderStream } from './payload.js';

/** What a scan changed; handed to the lineup (orphans, renames) through `onScanned`. */
export interface ScanResult {
  accountId: number;
  streams: number;
  channels: number;
  addedChannelIds: number[];
  renamedChannelIds: number[];
  /** Channels gone from the provider, with the lineup channels they were mapped to (before the cascade). */
  removedChannels: { id: number; name: string; lineupChannelIds: number[] }[];
  durationMs: number;
}

/** The lineup channels mapped to each of these provider channels (the lineup owns mappings). */
export type MappedLineupLookup = (providerChannelIds: number[]) => ReadonlyMap<number, number[]>;

interface TieredStream extends ProviderStream {
  tier: Tier;
}

/** One provider channel: the tier variants of one name, best tier first. */
export interface ChannelGroup {
  key: string;
  name: string;
  streams: TieredStream[];
  qualities: Tier[];
}

/** Groups streams by `tierGroupKey` (same account); the best tier names the group. */
export function groupStreams(streams: readonly ProviderStream[]): ChannelGroup[] {
  const groups = new Map<string, TieredStream[]>();
  for (const stream of streams) {
    // A name made only of markers ("HD") has an empty key; it is then its own channel.
    const key = tierGroupKey(stream.name) || stream.name.toLowerCase();
    const list = groups.get(key);
    const tiered = { ...stream, tier: detectTier(stream.name) };
    if (list) list.push(tiered);
    else groups.set(key, [tiered]);
  }
  return [...groups].map(([key, list]) => {
    list.sort((a, b) => tierRank[b.tier] - tierRank[a.tier] || a.streamId - b.streamId);
    const best = list[0]!;
    const qualities = sortTiers([...new Set(list.map((s) => s.tier))].filter((t) => t !== 'unknown'));
    return { key, name: stripTierMarkers(best.name) || best.name, streams: list, qualities };
  });
}

interface ExistingStream {
  stream_id: number;
  xtream_channel_id: number;
}
interface ExistingChannel {
  id: number;
  group_key: string;
  name: string;
}

/**
 * Stores a scan in one transaction. Streams are upserted by (account, stream id) so their row ids
 * stay stable; a channel keeps its id by group key, or — when the provider renamed its streams —
 * takes the id most of the group's streams had, so mappings and lineup numbers survive renames.
 * Channels left without streams are deleted (their mappings cascade); the lineup channels they
 * fed are asked of the lineup first.
 */
export function storeScan(
  db: Db,
  accountId: number,
  categories: readonly ProviderCategory[],
  groups: readonly ChannelGroup[],
  now: number,
  lineupChannelsOf: MappedLineupLookup,
): Omit<ScanResult, 'durationMs'> {
  const categoryNames = new Map(categories.map((c) => [c.id, c.name]));
  return db.transaction(() => {
    const existingStreams = db
      .prepare('SELECT stream_id, xtream_channel_id FROM xtream_streams WHERE account_id = ?')
      .all(accountId) as ExistingStream[];
    const existingChannels = db
      .prepare('SELECT id, group_key, name FROM xtream_channels WHERE account_id = ?')
      .all(accountId) as ExistingChannel[];
    const channelOfStream = new Map(existingStreams.map((s) => [s.stream_id, s.xtream_channel_id]));
    const channelByKey = new Map(existingChannels.map((c) => [c.group_key, c]));
    const channelById = new Map(existingChannels.map((c) => [c.id, c]));

    // Pass 1: same group key, same channel. Pass 2: renamed groups take their streams' majority channel.
    const assigned = new Map<ChannelGroup, ExistingChannel>();
    const claimed = new Set<number>();
    for (const group of groups) {
      const channel = channelByKey.get(group.key);
      if (channel) {
        assigned.set(group, channel);
        claimed.add(channel.id);
      }
    }
    for (const group of groups) {
      if (assigned.has(group)) continue;
      const votes = new Map<number, number>();
      for (const s of group.streams) {
        const id = channelOfStream.get(s.streamId);
        if (id !== undefined && !claimed.has(id)) votes.set(id, (votes.get(id) ?? 0) + 1);
      }
      const [winner] = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      if (winner) {
        assigned.set(group, channelById.get(winner[0])!);
        claimed.add(winner[0]);
      }
    }

    const insertChannel = db.prepare(
      `INSERT INTO xtream_channels (account_id, group_key, name, icon, category_id, category_name, epg_channel_id, qualities, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const updateChannel = db.prepare(
      `UPDATE xtream_channels SET group_key = ?, name = ?, icon = ?, category_id = ?, category_name = ?, epg_channel_id = ?, qualities = ?, updated_at = ?
       WHERE id = ?`,
    );
    const upsertStream = db.prepare(
      `INSERT INTO xtream_streams (account_id, xtream_channel_id, stream_id, name, tier, num, icon, category_id, epg_channel_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, stream_id) DO UPDATE SET xtream_channel_id = excluded.xtream_channel_id, name = excluded.name,
         tier = excluded.tier, num = excluded.num, icon = excluded.icon, category_id = excluded.category_id,
         epg_channel_id = excluded.epg_channel_id, updated_at = excluded.updated_at`,
    );

    const added: number[] = [];
    const renamed: number[] = [];
    const seenStreams = new Set<number>();
    for (const group of groups) {
      const best = group.streams[0]!;
      const icon = group.streams.find((s) => s.icon)?.icon ?? null;
      const epg = group.streams.find((s) => s.epgChannelId)?.epgChannelId ?? null;
      const category = best.categoryId;
      const values = [
        group.key,
        group.name,
        icon,
        category,
        category ? (categoryNames.get(category) ?? null) : null,
        epg,
        JSON.stringify(group.qualities),
      ];
      const existing = assigned.get(group);
      let channelId: number;
      if (existing) {
        updateChannel.run(...values, now, existing.id);
        channelId = existing.id;
        if (existing.name !== group.name) renamed.push(channelId);
      } else {
        channelId = Number(insertChannel.run(accountId, ...values, now, now).lastInsertRowid);
        added.push(channelId);
      }
      for (const s of group.streams) {
        seenStreams.add(s.streamId);
        upsertStream.run(
          accountId,
          channelId,
          s.streamId,
          s.name,
          s.tier,
          s.num,
          s.icon,
          s.categoryId,
          s.epgChannelId,
          now,
          now,
        );
      }
    }

    const deleteStream = db.prepare('DELETE FROM xtream_streams WHERE account_id = ? AND stream_id = ?');
    for (const s of existingStreams) if (!seenStreams.has(s.stream_id)) deleteStream.run(accountId, s.stream_id);

    const deleteChannel = db.prepare('DELETE FROM xtream_channels WHERE id = ?');
    const gone = existingChannels.filter((channel) => !claimed.has(channel.id));
    const mapped = lineupChannelsOf(gone.map((c) => c.id));
    const removed: ScanResult['removedChannels'] = [];
    for (const channel of gone) {
      deleteChannel.run(channel.id);
      removed.push({ id: channel.id, name: channel.name, lineupChannelIds: mapped.get(channel.id) ?? [] });
    }
    db.prepare('UPDATE accounts SET last_scanned_at = ?, updated_at = ? WHERE id = ?').run(now, now, accountId);
    return {
      accountId,
      streams: seenStreams.size,
      channels: groups.length,
      addedChannelIds: added,
      renamedChannelIds: renamed,
      removedChannels: removed,
    };
  })();
}
