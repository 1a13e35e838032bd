import { AppError, invalidInput, notFound, requiredText } from '../core/index.js';
import { toSqlBool, type Db } from '../db/index.js';

/*
 * Numbers and order. `channel_number` is the GuideNumber Plex keys its guide mapping on, so it
 * changes only when a user sets it (PATCH): never on a rescan, a provider rename or a reorder.
 * `display_order` is the order of the lineup in the API/UI; reorder changes it alone. A new
 * channel takes max + 1 of both.
 */

/** Next free display order and channel number (max + 1). */
function nextSlots(db: Db): { order: number; number: number } {
  return db
    .prepare(
      'SELECT coalesce(max(display_order), 0) + 1 AS "order", coalesce(max(channel_number), 0) + 1 AS number FROM xmltv_channel_settings',
    )
    .get() as { order: number; number: number };
}

/** Gives every lineup channel without a settings row one (disabled, next order and number). */
export function ensureSettingsRows(db: Db, now: number): number {
  const missing = db
    .prepare(
      `SELECT c.id FROM xmltv_channels c LEFT JOIN xmltv_channel_settings s ON s.xmltv_channel_id = c.id
       WHERE s.xmltv_channel_id IS NULL ORDER BY c.id`,
    )
    .pluck()
    .all() as number[];
  if (missing.length === 0) return 0;
  const insert = db.prepare(
    'INSERT INTO xmltv_channel_settings (xmltv_channel_id, is_enabled, display_order, channel_number, updated_at) VALUES (?, 0, ?, ?, ?)',
  );
  const { order, number } = nextSlots(db);
  missing.forEach((id, i) => insert.run(id, order + i, number + i, now));
  return missing.length;
}

/** Throws CHANNEL_NOT_FOUND unless the lineup channel exists. */
export function requireChannel(db: Db, id: number): void {
  if (!db.prepare('SELECT 1 FROM xmltv_channels WHERE id = ?').get(id)) throw notFound('channel', 'CHANNEL_NOT_FOUND');
}

// "synthetic.bbc-one": readable, and outside the "Name.cc" shape of XMLTV ids so a guide will not collide with it.
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `synthetic.${slug || 'channel'}`;
}

export interface SyntheticInput {
  displayName: string;
  icon?: string | null;
  channelId?: string;
}

/** Creates a synthetic lineup channel (disabled until it has a stream); returns its id. */
export function insertSyntheticChannel(db: Db, input: SyntheticInput, now: number): number {
  const displayName = requiredText(input.displayName, 'displayName');
  const taken = db.prepare('SELECT 1 FROM xmltv_channels WHERE channel_id = ?');
  let channelId = input.channelId === undefined ? undefined : requiredText(input.channelId, 'channelId');
  if (channelId !== undefined) {
    if (taken.get(channelId)) throw new AppError('CONFLICT', 'channelId already exists');
  } else {
    const base = slugOf(displayName);
    channelId = base;
    for (let n = 2; taken.get(channelId); n++) channelId = `${base}-${n}`;
  }
  const id = Number(
    db
      .prepare(
        `INSERT INTO xmltv_channels (source_id, channel_id, display_name, display_names, icon, is_synthetic, created_at, updated_at)
         VALUES (NULL, ?, ?, ?, ?, 1, ?, ?)`,
      )
      .run(channelId, displayName, JSON.stringify([displayName]), input.icon ?? null, now, now).lastInsertRowid,
  );
  ensureSettingsRows(db, now);
  return id;
}

export interface ChannelPatch {
  /** true/false: the user's choice, kept from now on; null: back to automatic (enabled = has a stream). */
  enabled?: boolean | null;
  number?: number;
}

/** Applies a PATCH; a number another channel has is a 409. */
export function patchChannelSettings(db: Db, id: number, patch: ChannelPatch, now: number): void {
  requireChannel(db, id);
  if (patch.number !== undefined) {
    const holder = db
      .prepare('SELECT xmltv_channel_id FROM xmltv_channel_settings WHERE channel_number = ?')
      .pluck()
      .get(patch.number) as number | undefined;
    if (holder !== undefined && holder !== id)
      throw new AppError('CONFLICT', `number ${patch.number} is taken by another channel`);
    db.prepare('UPDATE xmltv_channel_settings SET channel_number = ?, updated_at = ? WHERE xmltv_channel_id = ?').run(
      patch.number,
      now,
      id,
    );
  }
  if (patch.enabled === null) {
    db.prepare(
      `UPDATE xmltv_channel_settings SET enabled_by_user = 0, updated_at = ?,
         is_enabled = EXISTS (SELECT 1 FROM channel_mappings m WHERE m.xmltv_channel_id = ?)
       WHERE xmltv_channel_id = ?`,
    ).run(now, id, id);
  } else if (patch.enabled !== undefined) {
    db.prepare(
      'UPDATE xmltv_channel_settings SET is_enabled = ?, enabled_by_user = 1, updated_at = ? WHERE xmltv_channel_id = ?',
    ).run(toSqlBool(patch.enabled), now, id);
  }
}

/** Enables or disables many channels as the user's choice; every id must exist (else nothing changes). */
export function setChannelsEnabled(db: Db, ids: readonly number[], enabled: boolean, now: number): number {
  const unique = [...new Set(ids)];
  const known = db
    .prepare('SELECT count(*) FROM xmltv_channels WHERE id IN (SELECT value FROM json_each(?))')
    .pluck()
    .get(JSON.stringify(unique)) as number;
  if (known !== unique.length) throw notFound('channel', 'CHANNEL_NOT_FOUND');
  const update = db.prepare(
    'UPDATE xmltv_channel_settings SET is_enabled = ?, enabled_by_user = 1, updated_at = ? WHERE xmltv_channel_id = ?',
  );
  return unique.reduce((n, id) => n + update.run(toSqlBool(enabled), now, id).changes, 0);
}

/** Either an ordered id list (they take the slots they occupy now, in this order) or one move to a 0-based index. */
export type ReorderInput = { ids: number[] } | { id: number; toIndex: number };

/** Changes `display_order` only (numbers stay); returns how many channels moved. */
export function reorderChannels(db: Db, input: ReorderInput, now: number): number {
  const current = db
    .prepare(
      'SELECT xmltv_channel_id AS id, display_order AS position FROM xmltv_channel_settings ORDER BY display_order, xmltv_channel_id',
    )
    .all() as { id: number; position: number }[];
  const positionOf = new Map(current.map((r) => [r.id, r.position]));
  const update = db.prepare(
    'UPDATE xmltv_channel_settings SET display_order = ?, updated_at = ? WHERE xmltv_channel_id = ? AND display_order <> ?',
  );
  let moved = 0;
  if ('ids' in input) {
    if (new Set(input.ids).size !== input.ids.length) throw invalidInput('ids must not repeat');
    const slots = input.ids.map((id) => {
      const position = positionOf.get(id);
      if (position === undefined) throw notFound('channel', 'CHANNEL_NOT_FOUND');
      return position;
    });
    slots.sort((a, b) => a - b);
    input.ids.forEach((id, i) => (moved += update.run(slots[i]!, now, id, slots[i]!).changes));
    return moved;
  }
  if (!positionOf.has(input.id)) throw notFound('channel', 'CHANNEL_NOT_FOUND');
  const order = current.map((r) => r.id).filter((id) => id !== input.id);
  order.splice(Math.min(input.toIndex, order.length), 0, input.id);
  // Renumber 1..n so positions are dense afterwards; only rows whose position changed are written.
  order.forEach((id, i) => (moved += update.run(i + 1, now, id, i + 1).changes));
  return moved;
}
