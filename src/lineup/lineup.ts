import { notFound, type Clock, type Logger } from '../core/index.js';
import { getSetting, setSetting, type Db } from '../db/index.js';
import type { EventLog } from '../events/index.js';
import type { ProviderCatalog } from '../xtream/index.js';
import { findChannel, listChannels, type ChannelQuery, type ChannelView } from './channel-queries.js';
import {
  insertSyntheticChannel,
  patchChannelSettings,
  reorderChannels,
  setChannelsEnabled,
  type ChannelPatch,
  type ReorderInput,
  type SyntheticInput,
} from './channel-settings.js';
import { addMapping, removeMapping, replaceMappings, setPrimary, type MappingInput } from './mapping-edits.js';
import { applyMatches, proposeMatches } from './match-runner.js';
import {
  adoptGuideChannels,
  removeGuideChannels,
  upsertGuideChannels,
  type GuideChannelInput,
} from './guide-channels.js';
import {
  findPlayableByNumber,
  listPlayableChannels,
  resolveStreamCandidates,
  type PlayableChannel,
  type StreamCandidates,
} from './playable.js';
import {
  listOrphans,
  searchProviderChannels,
  type ProviderChannelSummary,
  type ProviderQuery,
} from './provider-search.js';

export interface LineupDeps {
  db: Db;
  /** The scanned provider channels (the xtream domain's): what mappings point at. */
  providers: ProviderCatalog;
  events: EventLog;
  log: Logger;
  clock: Clock;
  /** Matching threshold (0..1); the matcher's default (0.85) when absent. */
  matchThreshold?: number;
}

const generationKey = 'lineup.generation';

/** Summary of a matching run over the whole lineup. */
export interface MatchingSummary {
  /** Lineup channels with at least one stream / none, after the run. */
  matched: number;
  unmatched: number;
  /** Channels whose mappings changed. */
  changed: number;
}

/** The part of an Xtream scan result the lineup reacts to (see `ScanResult` in xtream/). */
export interface ScanChanges {
  accountId: number;
  addedChannelIds: number[];
  renamedChannelIds: number[];
  removedChannels: { id: number; name: string; lineupChannelIds: number[] }[];
}

/** What a guide import needs of the lineup: it owns the channels a guide brings. */
export interface GuideChannelStore {
  /** Upserts one import's channels; returns their row ids in input order. */
  upsertGuideChannels(sourceId: number, channels: readonly GuideChannelInput[], now: number): number[];
  /** Deletes guide channels no source carries any more; synthetic ones stay. */
  removeGuideChannels(rowIds: readonly number[]): number;
  /** Hands channels whose source was deleted to the source (row id → source id) that still carries them. */
  adoptGuideChannels(owners: ReadonlyMap<number, number>, now: number): number;
}

/** What a rescan did to the lineup. */
export interface RematchSummary {
  rematched: number;
  lost: number;
  lostChannelIds: number[];
}

/**
 * The lineup Plex sees: lineup channels (XMLTV and synthetic), their numbers and order, their
 * enabled state, and their provider mappings — automatic (the matcher) and manual (the user).
 */
export class Lineup implements GuideChannelStore {
  private generationValue: number;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: LineupDeps) {
    this.generationValue = getSetting<number>(deps.db, generationKey, 0);
  }

  /**
   * A number that changes whenever what clients see of the lineup may have changed (channels,
   * numbers, enabled state, mappings, provider names and icons). Kept in the database, so a
   * cache keyed by it (the rendered EPG, its ETag) stays valid across a restart.
   */
  get generation(): number {
    return this.generationValue;
  }

  /** Calls `listener` after each change of `generation`; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Playable channels (enabled, numbered, with a primary mapping), ordered by number. */
  listPlayable(): PlayableChannel[] {
    return listPlayableChannels(this.deps.db, this.deps.providers);
  }

  /** The playable channel with this GuideNumber, if any. */
  findPlayableByNumber(number: number): PlayableChannel | undefined {
    return findPlayableByNumber(this.deps.db, this.deps.providers, number);
  }

  /** The ranked streams a tune of this playable channel may use; 400 malformed id, 404 not playable. */
  resolveStreamCandidates(channelId: string): StreamCandidates {
    return resolveStreamCandidates(this.deps.db, this.deps.providers, channelId);
  }

  /** Lineup channels each of these provider channels is mapped to (a scan asks before it deletes them). */
  channelsMappedTo(providerChannelIds: readonly number[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    if (providerChannelIds.length === 0) return out;
    const rows = this.deps.db
      .prepare(
        `SELECT xtream_channel_id, xmltv_channel_id FROM channel_mappings
         WHERE xtream_channel_id IN (SELECT value FROM json_each(?)) ORDER BY xtream_channel_id, xmltv_channel_id`,
      )
      .raw()
      .all(JSON.stringify(providerChannelIds)) as [number, number][];
    for (const [provider, lineup] of rows) out.set(provider, [...(out.get(provider) ?? []), lineup]);
    return out;
  }

  upsertGuideChannels(sourceId: number, channels: readonly GuideChannelInput[], now: number): number[] {
    const ids = upsertGuideChannels(this.deps.db, sourceId, channels, now);
    this.changed();
    return ids;
  }

  removeGuideChannels(rowIds: readonly number[]): number {
    const removed = removeGuideChannels(this.deps.db, rowIds);
    if (removed > 0) this.changed();
    return removed;
  }

  adoptGuideChannels(owners: ReadonlyMap<number, number>, now: number): number {
    const adopted = adoptGuideChannels(this.deps.db, owners, now);
    if (adopted > 0) this.changed();
    return adopted;
  }

  /** An account and its provider channels are gone (their mappings went with them). */
  handleAccountRemoved(): void {
    this.changed();
  }

  /** A page of lineup channels, in display order, with mappings (primary first). */
  list(query: ChannelQuery = {}): { items: ChannelView[]; total: number } {
    return listChannels(this.deps.db, this.deps.providers, query);
  }

  /** One lineup channel; CHANNEL_NOT_FOUND when missing. */
  get(id: number): ChannelView {
    const channel = findChannel(this.deps.db, this.deps.providers, id);
    if (!channel) throw notFound('channel', 'CHANNEL_NOT_FOUND');
    return channel;
  }

  /** Creates a synthetic lineup channel (no guide data; disabled until it has a stream). */
  createSynthetic(input: SyntheticInput): ChannelView {
    const { db, clock, events } = this.deps;
    const id = db.transaction(() => insertSyntheticChannel(db, input, clock.now()))();
    this.changed();
    const channel = this.get(id);
    events.record({
      level: 'info',
      category: 'lineup',
      message: `Channel "${channel.displayName}" created`,
      details: { channelId: id },
    });
    return channel;
  }

  /** Sets enabled (the user's choice from now on; null = automatic again) and/or the number (409 when taken). */
  update(id: number, patch: ChannelPatch): ChannelView {
    const { db, clock } = this.deps;
    db.transaction(() => patchChannelSettings(db, id, patch, clock.now()))();
    this.changed();
    return this.get(id);
  }

  /** Enables or disables many channels at once; returns how many rows changed. */
  setEnabled(ids: number[], enabled: boolean): { updated: number } {
    const { db, clock } = this.deps;
    const updated = db.transaction(() => setChannelsEnabled(db, ids, enabled, clock.now()))();
    this.changed();
    return { updated };
  }

  /** Reorders the lineup's display order (numbers never follow). */
  reorder(input: ReorderInput): { updated: number } {
    const { db, clock } = this.deps;
    const updated = db.transaction(() => reorderChannels(db, input, clock.now()))();
    this.changed();
    return { updated };
  }

  /** Replaces a channel's mappings with the user's list. */
  replaceMappings(id: number, list: MappingInput[]): ChannelView {
    replaceMappings(this.deps.db, this.deps.providers, id, list, this.deps.clock.now());
    this.changed();
    return this.get(id);
  }

  /** Adds a manual mapping (optionally primary). */
  addMapping(id: number, input: { xtreamChannelId: number; isPrimary?: boolean }): ChannelView {
    addMapping(this.deps.db, this.deps.providers, id, input, this.deps.clock.now());
    this.changed();
    return this.get(id);
  }

  /** Removes a mapping; automatic runs will not re-add it. */
  removeMapping(id: number, xtreamChannelId: number): ChannelView {
    removeMapping(this.deps.db, this.deps.providers, id, xtreamChannelId, this.deps.clock.now());
    this.changed();
    return this.get(id);
  }

  /** Makes a mapped provider channel the manual primary. */
  setPrimary(id: number, xtreamChannelId: number): ChannelView {
    setPrimary(this.deps.db, this.deps.providers, id, xtreamChannelId, this.deps.clock.now());
    this.changed();
    return this.get(id);
  }

  /** Provider channels by name, with account, tiers and where they are mapped. */
  searchProviderChannels(query: ProviderQuery): { items: ProviderChannelSummary[]; total: number } {
    return searchProviderChannels(this.deps.db, this.deps.providers, query);
  }

  /** Provider channels of active accounts mapped nowhere (separator rows excluded). */
  listOrphans(page: { limit?: number; offset?: number }): { items: ProviderChannelSummary[]; total: number } {
    return listOrphans(this.deps.db, this.deps.providers, page);
  }

  /** Creates a synthetic channel named after a provider channel, with it as manual primary. */
  promote(xtreamChannelId: number): ChannelView {
    const { db, clock, events, providers } = this.deps;
    const provider = providers.find(xtreamChannelId);
    if (!provider) throw notFound('provider channel');
    const id = db.transaction(() => {
      const now = clock.now();
      const created = insertSyntheticChannel(db, { displayName: provider.name, icon: provider.icon }, now);
      addMapping(db, providers, created, { xtreamChannelId, isPrimary: true }, now);
      return created;
    })();
    this.changed();
    events.record({
      level: 'info',
      category: 'lineup',
      message: `Provider channel "${provider.name}" promoted to a lineup channel`,
      details: { channelId: id, xtreamChannelId },
    });
    return this.get(id);
  }

  /** Matches the whole lineup against every active account (API, guide import). */
  runMatching(reason: 'manual' | 'guide-import' = 'manual'): MatchingSummary {
    const { db, clock, events } = this.deps;
    const started = performance.now();
    const { providers } = this.deps;
    const result = applyMatches(db, providers, proposeMatches(db, providers, this.deps.matchThreshold), clock.now());
    this.changed();
    const summary = { matched: result.matched, unmatched: result.unmatched, changed: result.changedIds.length };
    events.record({
      level: 'info',
      category: 'matching',
      message: `Matching: ${summary.matched} channels matched, ${summary.unmatched} unmatched, ${summary.changed} changed`,
      details: { ...summary, reason, durationMs: Math.round(performance.now() - started) },
    });
    return summary;
  }

  /**
   * After a scan: rematches the lineup channels the scan's added, renamed and removed provider
   * channels touch, flags those left without any stream, and logs one summary event. The matcher
   * places each provider channel on its own, so the untouched channels' result would be unchanged.
   */
  rematchAfterScan(scan: ScanChanges): RematchSummary | undefined {
    const { db, clock, events, providers } = this.deps;
    const changedProviders = new Set([...scan.addedChannelIds, ...scan.renamedChannelIds]);
    if (changedProviders.size === 0 && scan.removedChannels.length === 0) return undefined;
    const proposal = proposeMatches(db, providers, this.deps.matchThreshold);
    const affected = new Set(scan.removedChannels.flatMap((c) => c.lineupChannelIds));
    for (const [channelId, candidates] of proposal) {
      if (candidates.some((c) => changedProviders.has(c.providerChannelId))) affected.add(channelId);
    }
    if (scan.renamedChannelIds.length) {
      const mapped = db
        .prepare(
          'SELECT DISTINCT xmltv_channel_id FROM channel_mappings WHERE xtream_channel_id IN (SELECT value FROM json_each(?))',
        )
        .pluck()
        .all(JSON.stringify(scan.renamedChannelIds)) as number[];
      for (const id of mapped) affected.add(id);
    }
    const result = applyMatches(db, providers, proposal, clock.now(), {
      only: affected,
      previouslyMapped: scan.removedChannels.flatMap((c) => c.lineupChannelIds),
      flagLost: true,
    });
    const summary = {
      rematched: result.changedIds.length,
      lost: result.lostIds.length,
      lostChannelIds: result.lostIds,
    };
    events.record({
      level: summary.lost > 0 ? 'warn' : 'info',
      category: 'matching',
      message: `${summary.rematched} ${summary.rematched === 1 ? 'channel' : 'channels'} rematched, ${summary.lost} lost their only stream`,
      details: { accountId: scan.accountId, ...summary, affected: affected.size },
    });
    return summary;
  }

  /** Scan listener for the accounts domain: never throws into the scan. */
  handleScan(scan: ScanChanges): void {
    // Every scan may change provider names, icons and categories that clients see.
    this.changed();
    try {
      this.rematchAfterScan(scan);
    } catch (error) {
      this.deps.log.error({ err: error, accountId: scan.accountId }, 'rematch after scan failed');
      this.deps.events.record({
        level: 'error',
        category: 'matching',
        message: 'Rematch after scan failed',
        details: { accountId: scan.accountId },
      });
    }
  }

  /** Guide import listener: the lineup changed, so match it all again. */
  handleGuideImported(): void {
    try {
      this.runMatching('guide-import');
    } catch (error) {
      this.deps.log.error({ err: error }, 'matching after guide import failed');
      this.deps.events.record({ level: 'error', category: 'matching', message: 'Matching after guide import failed' });
    }
  }

  private changed(): void {
    this.generationValue++;
    setSetting(this.deps.db, generationKey, this.generationValue);
    for (const listener of this.listeners) listener();
  }
}
