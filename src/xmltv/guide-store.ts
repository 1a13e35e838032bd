import { setImmediate as nextTurn } from 'node:timers/promises';
import { toSqlBool, type Db } from '../db/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import { GuideFormatError, type XmltvChannel, type XmltvProgramme } from './xmltv-bytes.js';

/** What a source holds after an import. */
export interface ImportedCounts {
  channels: number;
  programmes: number;
}

const batchSize = 2000;
// Programme text waiting for the next write: a programme may hold ~4 MB of (capped) text fields,
// so a batch is also written once this many characters wait.
const maxPendingChars = 4 * 1024 * 1024;
// All channels are kept until commit; their ids, names and links together stay below this
// (a real guide of 20,000 channels needs about a quarter of it).
const maxChannelChars = 16 * 1024 * 1024;
// Rows deleted per statement when leftovers are removed: each statement holds the event loop
// (and the database) for some milliseconds only, and other work runs between two of them.
export const deleteBatchRows = 10_000;

/**
 * Writes one import of one source under the source's next generation, which no reader sees
 * until `commit` switches to it in one transaction. Programmes go to SQLite in batches as they
 * are parsed (memory stays flat); channels, a few thousand at most, are kept until commit.
 */
export class GuideWriter {
  readonly generation: number;
  private readonly channels = new Map<string, XmltvChannel>();
  private readonly programmeChannels = new Set<string>();
  private readonly pending: XmltvProgramme[] = [];
  private readonly insertProgramme;
  private written = 0;
  private pendingChars = 0;
  private channelChars = 0;

  /** Call `deleteStaleProgrammes` first: rows of an earlier import that died would mix in. */
  constructor(
    private readonly db: Db,
    private readonly lineup: GuideChannelStore,
    private readonly sourceId: number,
    private readonly maxDisplayNames: number,
  ) {
    const current = currentGeneration(db, sourceId);
    if (current === undefined) throw new Error(`guide source ${sourceId} is gone`);
    this.generation = current + 1;
    this.insertProgramme = db.prepare(
      `INSERT INTO programmes (source_id, generation, channel_id, start_at, stop_at, title, sub_title, description, categories,
                               episode_num_xmltv_ns, episode_num_onscreen, icon, rating, is_new, previously_shown)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Programmes written so far (flushed or pending). */
  get programmeCount(): number {
    return this.written + this.pending.length;
  }

  /** Keeps a channel; the same id twice in one guide merges display names. */
  addChannel(channel: XmltvChannel): void {
    const seen = this.channels.get(channel.id);
    if (!seen) {
      this.charge(channel.id.length + textLength(channel.displayNames) + textLength([channel.icon, channel.url]));
      this.channels.set(channel.id, { ...channel, displayNames: [...channel.displayNames] });
      return;
    }
    // The same id again and again, each time with new names, must not grow one channel without end.
    for (const name of channel.displayNames) {
      if (seen.displayNames.includes(name)) continue;
      if (seen.displayNames.length >= this.maxDisplayNames)
        throw new GuideFormatError(`guide has a channel with more than ${this.maxDisplayNames} display names`);
      this.charge(name.length);
      seen.displayNames.push(name);
    }
    if (seen.icon === null && channel.icon !== null) this.charge(channel.icon.length);
    seen.icon ??= channel.icon;
    if (seen.url === null && channel.url !== null) this.charge(channel.url.length);
    seen.url ??= channel.url;
  }

  /** Queues a programme; every `batchSize` (or `maxPendingChars`) they are written in one transaction. */
  addProgramme(programme: XmltvProgramme): void {
    if (!this.programmeChannels.has(programme.channelId)) {
      this.charge(programme.channelId.length);
      this.programmeChannels.add(programme.channelId);
    }
    this.pending.push(programme);
    this.pendingChars += programmeChars(programme);
    if (this.pending.length >= batchSize || this.pendingChars >= maxPendingChars) this.flush();
  }

  private charge(chars: number): void {
    this.channelChars += chars;
    if (this.channelChars > maxChannelChars)
      throw new GuideFormatError(`guide channel list larger than ${maxChannelChars / 1024 ** 2} M characters`);
  }

  /**
   * Makes this import the source's guide, in one transaction: lineup channels upserted (a
   * programme's channel without a `<channel>` element becomes a channel named by its id), the
   * source's channel list replaced and the generation switched. The previous generation, which
   * no reader sees any more, is left for `deleteStaleProgrammes` (in batches, not in here).
   */
  commit(now: number, durationMs: number): ImportedCounts {
    this.flush();
    const { db, sourceId } = this;
    return db.transaction(() => {
      const ids = new Set([...this.channels.keys(), ...this.programmeChannels]);
      const channels = [...ids].map((id) => {
        const channel = this.channels.get(id);
        return channel
          ? { ...channel, fromProgrammesOnly: false }
          : { id, displayNames: [id], icon: null, url: null, fromProgrammesOnly: true };
      });
      const link = db.prepare(
        'INSERT OR IGNORE INTO xmltv_source_channels (source_id, xmltv_channel_id) VALUES (?, ?)',
      );
      db.prepare('DELETE FROM xmltv_source_channels WHERE source_id = ?').run(sourceId);
      for (const rowId of this.lineup.upsertGuideChannels(sourceId, channels, now)) link.run(sourceId, rowId);
      db.prepare(
        `UPDATE xmltv_sources SET generation = ?, last_refresh_at = ?, last_attempt_at = ?, last_error = NULL,
                                  last_duration_ms = ?, channel_count = ?, programme_count = ?, updated_at = ? WHERE id = ?`,
      ).run(this.generation, now, now, durationMs, ids.size, this.written, now, sourceId);
      return { channels: ids.size, programmes: this.written };
    })();
  }

  /** Forgets what waits to be written; what was written is left for `deleteStaleProgrammes`. */
  discard(): void {
    this.pending.length = 0;
    this.pendingChars = 0;
    this.channels.clear();
    this.programmeChannels.clear();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending.splice(0);
    this.pendingChars = 0;
    const { sourceId, generation } = this;
    this.db.transaction(() => {
      for (const p of rows) {
        this.insertProgramme.run(
          sourceId,
          generation,
          p.channelId,
          p.start,
          p.stop,
          p.title,
          p.subTitle,
          p.description,
          JSON.stringify(p.categories),
          p.episodeNumXmltvNs,
          p.episodeNumOnscreen,
          p.icon,
          p.rating,
          toSqlBool(p.isNew),
          toSqlBool(p.previouslyShown),
        );
      }
    })();
    this.written += rows.length;
  }
}

function textLength(values: (string | null)[]): number {
  return values.reduce((sum, value) => sum + (value?.length ?? 0), 0);
}

function programmeChars(p: XmltvProgramme): number {
  return (
    p.channelId.length +
    p.title.length +
    textLength([p.subTitle, p.description, p.episodeNumXmltvNs, p.episodeNumOnscreen, p.icon, p.rating]) +
    textLength(p.categories)
  );
}

function currentGeneration(db: Db, sourceId: number): number | undefined {
  return db.prepare('SELECT generation FROM xmltv_sources WHERE id = ?').pluck().get(sourceId) as number | undefined;
}

/**
 * Deletes a source's programme rows of any generation but its current one (an import that
 * failed, was killed, or the guide a new import replaced), `deleteBatchRows` at a time,
 * letting other work run between two batches. Stops early when `stop()` says so (the caller's
 * import of this source began, or the server is closing). Returns the rows deleted.
 */
export async function deleteStaleProgrammes(
  db: Db,
  sourceId: number,
  stop: () => boolean = () => false,
): Promise<number> {
  // Two ranges of the (source_id, generation) index, not "generation <> ?": that would walk all
  // the current guide's rows before each batch.
  const below = db.prepare(
    `DELETE FROM programmes WHERE rowid IN (
       SELECT rowid FROM programmes WHERE source_id = ? AND generation < ? LIMIT ${deleteBatchRows})`,
  );
  const above = db.prepare(
    `DELETE FROM programmes WHERE rowid IN (
       SELECT rowid FROM programmes WHERE source_id = ? AND generation > ? LIMIT ${deleteBatchRows})`,
  );
  let removed = 0;
  for (;;) {
    // Read each time: an import may have committed a new generation in between.
    const generation = currentGeneration(db, sourceId);
    if (generation === undefined || stop()) return removed;
    let changes = below.run(sourceId, generation).changes;
    if (changes < deleteBatchRows) changes += above.run(sourceId, generation).changes;
    removed += changes;
    if (changes === 0) return removed;
    await nextTurn();
  }
}

/** Sources with programme rows no reader sees (left by imports a crash or `kill -9` interrupted). */
export function sourcesWithStaleProgrammes(db: Db): number[] {
  return db
    .prepare(
      `SELECT s.id FROM xmltv_sources s
       WHERE EXISTS (SELECT 1 FROM programmes p WHERE p.source_id = s.id AND p.generation < s.generation)
          OR EXISTS (SELECT 1 FROM programmes p WHERE p.source_id = s.id AND p.generation > s.generation)`,
    )
    .pluck()
    .all() as number[];
}
