import { parseJsonColumn, type Db } from '../db/index.js';

/** A channel as a guide import brings it to the lineup. */
export interface GuideChannelInput {
  /** The XMLTV channel id. */
  id: string;
  displayNames: string[];
  icon: string | null;
  url: string | null;
  /** Only programmes name it (no `<channel>` element): it knows no better name than its id. */
  fromProgrammesOnly: boolean;
}

interface ExistingChannel {
  id: number;
  source_id: number | null;
  display_names: string;
  icon: string | null;
  url: string | null;
  is_synthetic: number;
}

function parseNames(text: string): string[] {
  const value = parseJsonColumn<unknown>(text, []);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Inserts or updates the lineup channels of one guide import; returns their row ids in input
 * order. The first source to bring a channel owns its names, icon and url; another source
 * carrying the same id only adds display names it lacks (more names match more provider streams)
 * and fills gaps. A synthetic channel given the same id by a guide becomes a guide channel
 * (keeping its number).
 */
export function upsertGuideChannels(
  db: Db,
  sourceId: number,
  channels: readonly GuideChannelInput[],
  now: number,
): number[] {
  const find = db.prepare(
    'SELECT id, source_id, display_names, icon, url, is_synthetic FROM xmltv_channels WHERE channel_id = ?',
  );
  const insert = db.prepare(
    `INSERT INTO xmltv_channels (source_id, channel_id, display_name, display_names, icon, url, is_synthetic, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const update = db.prepare(
    'UPDATE xmltv_channels SET source_id = ?, display_name = ?, display_names = ?, icon = ?, url = ?, is_synthetic = 0, updated_at = ? WHERE id = ?',
  );
  return channels.map((channel) => {
    const names = channel.displayNames.length > 0 ? channel.displayNames : [channel.id];
    const existing = find.get(channel.id) as ExistingChannel | undefined;
    if (!existing) {
      return Number(
        insert.run(sourceId, channel.id, names[0], JSON.stringify(names), channel.icon, channel.url, now, now)
          .lastInsertRowid,
      );
    }
    const owned = existing.source_id === sourceId || existing.source_id === null || existing.is_synthetic === 1;
    const oldNames = parseNames(existing.display_names);
    if (channel.fromProgrammesOnly && oldNames.length > 0 && existing.is_synthetic === 0) return existing.id;
    let next: { owner: number; names: string[]; icon: string | null; url: string | null };
    if (owned) {
      next = {
        owner: sourceId,
        names,
        icon: channel.icon ?? (existing.is_synthetic ? existing.icon : null),
        url: channel.url,
      };
    } else {
      next = {
        owner: existing.source_id!,
        names: [...oldNames, ...names.filter((n) => !oldNames.includes(n))],
        icon: existing.icon ?? channel.icon,
        url: existing.url ?? channel.url,
      };
    }
    const unchanged =
      existing.is_synthetic === 0 &&
      existing.source_id === next.owner &&
      JSON.stringify(oldNames) === JSON.stringify(next.names) &&
      existing.icon === next.icon &&
      existing.url === next.url;
    if (!unchanged)
      update.run(next.owner, next.names[0], JSON.stringify(next.names), next.icon, next.url, now, existing.id);
    return existing.id;
  });
}

/** Deletes these guide channels (a guide source that alone brought them is gone); synthetic ones stay. */
export function removeGuideChannels(db: Db, rowIds: readonly number[]): number {
  if (rowIds.length === 0) return 0;
  return db
    .prepare('DELETE FROM xmltv_channels WHERE is_synthetic = 0 AND id IN (SELECT value FROM json_each(?))')
    .run(JSON.stringify(rowIds)).changes;
}

/** Gives guide channels left without an owner (their source was deleted) the source that still carries them. */
export function adoptGuideChannels(db: Db, owners: ReadonlyMap<number, number>, now: number): number {
  const adopt = db.prepare(
    'UPDATE xmltv_channels SET source_id = ?, updated_at = ? WHERE id = ? AND source_id IS NULL AND is_synthetic = 0',
  );
  let adopted = 0;
  for (const [rowId, sourceId] of owners) adopted += adopt.run(sourceId, now, rowId).changes;
  return adopted;
}
