import { invalidInput, notFound } from '../core/index.js';
import type { Db } from '../db/index.js';
import { requireChannel } from './channel-settings.js';
import { prepareSettle, tiersFrom } from './mapping-order.js';
import type { ProviderCatalog } from '../xtream/index.js';

/*
 * A user's edits of a channel's mappings. Every mapping a user adds or keeps is manual
 * (is_manual = 1): automatic runs never change or remove it. A mapping the user removes is
 * remembered as an exclusion, so the next automatic run does not bring it back. Each edit ends
 * by settling the channel (primary, failover order, enabled, lost flag: see mapping-order.ts).
 */

/** One entry of `PUT /api/channels/:id/mappings`. */
export interface MappingInput {
  xtreamChannelId: number;
  isPrimary?: boolean;
  /** Failover order among the manual mappings; default the list order. */
  priority?: number;
}

function requireProviderChannel(providers: ProviderCatalog, id: number): void {
  if (!providers.find(id)) throw notFound('provider channel');
}

function exclude(db: Db, channelId: number, xtreamChannelId: number, now: number): void {
  db.prepare(
    'INSERT OR IGNORE INTO channel_mapping_exclusions (xmltv_channel_id, xtream_channel_id, created_at) VALUES (?, ?, ?)',
  ).run(channelId, xtreamChannelId, now);
}

function unexclude(db: Db, channelId: number, xtreamChannelId: number): void {
  db.prepare('DELETE FROM channel_mapping_exclusions WHERE xmltv_channel_id = ? AND xtream_channel_id = ?').run(
    channelId,
    xtreamChannelId,
  );
}

function markManualPrimary(db: Db, channelId: number, xtreamChannelId: number, now: number): void {
  db.prepare(
    'UPDATE channel_mappings SET is_primary = 0, updated_at = ? WHERE xmltv_channel_id = ? AND is_primary = 1',
  ).run(now, channelId);
  db.prepare(
    'UPDATE channel_mappings SET is_primary = 1, is_manual = 1, updated_at = ? WHERE xmltv_channel_id = ? AND xtream_channel_id = ?',
  ).run(now, channelId, xtreamChannelId);
}

/** Replaces every mapping of a channel with the user's list (all manual); the ones left out are excluded from automatic runs. */
export function replaceMappings(
  db: Db,
  providers: ProviderCatalog,
  channelId: number,
  list: readonly MappingInput[],
  now: number,
): void {
  requireChannel(db, channelId);
  const ids = list.map((m) => m.xtreamChannelId);
  if (new Set(ids).size !== ids.length) throw invalidInput('xtreamChannelId must not repeat');
  if (list.filter((m) => m.isPrimary).length > 1) throw invalidInput('at most one mapping can be primary');
  for (const id of ids) requireProviderChannel(providers, id);
  db.transaction(() => {
    const previous = db
      .prepare('SELECT xtream_channel_id FROM channel_mappings WHERE xmltv_channel_id = ?')
      .pluck()
      .all(channelId) as number[];
    for (const id of previous) if (!ids.includes(id)) exclude(db, channelId, id, now);
    const confidence = new Map(
      (
        db
          .prepare(
            'SELECT xtream_channel_id AS x, match_confidence AS f FROM channel_mappings WHERE xmltv_channel_id = ?',
          )
          .all(channelId) as { x: number; f: number }[]
      ).map((r) => [r.x, r.f]),
    );
    db.prepare('DELETE FROM channel_mappings WHERE xmltv_channel_id = ?').run(channelId);
    const insert = db.prepare(
      `INSERT INTO channel_mappings (xmltv_channel_id, xtream_channel_id, match_confidence, is_manual, is_primary, stream_priority, created_at, updated_at)
       VALUES (?, ?, ?, 1, 0, ?, ?, ?)`,
    );
    const ordered = list.map((m, i) => ({ ...m, priority: m.priority ?? i })).sort((a, b) => a.priority - b.priority);
    for (const m of ordered) {
      unexclude(db, channelId, m.xtreamChannelId);
      // A stream the matcher had found keeps its confidence; one the user brought is vouched for.
      insert.run(channelId, m.xtreamChannelId, confidence.get(m.xtreamChannelId) ?? 1, m.priority, now, now);
    }
    // The user's list is the user's choice: its primary (or its first entry) is a manual primary.
    const primary = ordered.find((m) => m.isPrimary) ?? ordered[0];
    if (primary) markManualPrimary(db, channelId, primary.xtreamChannelId, now);
    prepareSettle(db, tiersFrom(providers))(channelId, now);
  })();
}

/** Adds (or makes manual) one mapping, optionally as the primary. */
export function addMapping(
  db: Db,
  providers: ProviderCatalog,
  channelId: number,
  input: { xtreamChannelId: number; isPrimary?: boolean },
  now: number,
): void {
  requireChannel(db, channelId);
  requireProviderChannel(providers, input.xtreamChannelId);
  db.transaction(() => {
    unexclude(db, channelId, input.xtreamChannelId);
    const last = db
      .prepare('SELECT coalesce(max(stream_priority), -1) FROM channel_mappings WHERE xmltv_channel_id = ?')
      .pluck()
      .get(channelId) as number;
    db.prepare(
      `INSERT INTO channel_mappings (xmltv_channel_id, xtream_channel_id, match_confidence, is_manual, is_primary, stream_priority, created_at, updated_at)
       VALUES (?, ?, 1, 1, 0, ?, ?, ?)
       ON CONFLICT (xmltv_channel_id, xtream_channel_id) DO UPDATE SET is_manual = 1, updated_at = excluded.updated_at`,
    ).run(channelId, input.xtreamChannelId, last + 1, now, now);
    if (input.isPrimary) markManualPrimary(db, channelId, input.xtreamChannelId, now);
    prepareSettle(db, tiersFrom(providers))(channelId, now);
  })();
}

/** Removes one mapping and keeps automatic runs from re-adding it. */
export function removeMapping(
  db: Db,
  providers: ProviderCatalog,
  channelId: number,
  xtreamChannelId: number,
  now: number,
): void {
  requireChannel(db, channelId);
  db.transaction(() => {
    const removed = db
      .prepare('DELETE FROM channel_mappings WHERE xmltv_channel_id = ? AND xtream_channel_id = ?')
      .run(channelId, xtreamChannelId).changes;
    if (removed === 0) throw notFound('mapping');
    exclude(db, channelId, xtreamChannelId, now);
    prepareSettle(db, tiersFrom(providers))(channelId, now);
  })();
}

/** Makes an existing mapping the channel's manual primary. */
export function setPrimary(
  db: Db,
  providers: ProviderCatalog,
  channelId: number,
  xtreamChannelId: number,
  now: number,
): void {
  requireChannel(db, channelId);
  db.transaction(() => {
    if (
      !db
        .prepare('SELECT 1 FROM channel_mappings WHERE xmltv_channel_id = ? AND xtream_channel_id = ?')
        .get(channelId, xtreamChannelId)
    ) {
      throw notFound('mapping');
    }
    markManualPrimary(db, channelId, xtreamChannelId, now);
    prepareSettle(db, tiersFrom(providers))(channelId, now);
  })();
}
