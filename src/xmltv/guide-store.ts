import { toSqlBool, type Db } from '../db/index.js';
import type { GuideChannelStore } from '../lineup/index.js';
import type { XmltvChannel, XmltvProgramme } from './xmltv-bytes.js';

/** What a source holds after an import. */
export interface ImportedCounts {
  channels: number;
  programmes: number;
}

const batchSize = 2000;

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

  constructor(
    private readonly db: Db,
    private readonly lineup: GuideChannelStore,
    private readonly sourceId: number,
  ) {
    const current = db.prepare('SELECT generation FROM xmltv_sources WHERE id = ?').pluck().get(sourceId) as
      number | undefined;
    if (current === undefined) throw new Error(`guide source ${sourceId} is gone`);
    this.generation = current + 1;
    // Rows of an earlier import that died before it could clean up.
    discardGenerationsAfter(db, sourceId, current);
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
      this.channels.set(channel.id, { ...channel, displayNames: [...channel.displayNames] });
      return;
    }
    for (const name of channel.displayNames) if (!seen.displayNames.includes(name)) seen.displayNames.push(name);
    seen.icon ??= channel.icon;
    seen.url ??= channel.url;
  }

  /** Queues a programme; every `batchSize` they are written in one transaction. */
  addProgramme(programme: XmltvProgramme): void {
    this.programmeChannels.add(programme.channelId);
    this.pending.push(programme);
    if (this.pending.length >= batchSize) this.flush();
  }

  /**
   * Makes this import the source's guide, in one transaction: lineup channels upserted (a
   * programme's channel without a `<channel>` element becomes a channel named by its id), the
   * source's channel list replaced, the generation switched and the previous one deleted.
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
      db.prepare('DELETE FROM programmes WHERE source_id = ? AND generation <> ?').run(sourceId, this.generation);
      return { channels: ids.size, programmes: this.written };
    })();
  }

  /** Drops everything this import wrote; the source's current guide is untouched. */
  discard(): void {
    this.pending.length = 0;
    discardGenerationsAfter(this.db, this.sourceId, this.generation - 1);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending.splice(0);
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

/** Deletes a source's programme rows newer than `generation` (an import that failed or was killed). */
function discardGenerationsAfter(db: Db, sourceId: number, generation: number): number {
  return db.prepare('DELETE FROM programmes WHERE source_id = ? AND generation > ?').run(sourceId, generation).changes;
}

/** At start-up: rows no source reads, left by imports a crash or `kill -9` interrupted. */
export function discardInterruptedImports(db: Db): number {
  const sources = db.prepare('SELECT id, generation FROM xmltv_sources').all() as { id: number; generation: number }[];
  return sources.reduce((removed, source) => removed + discardGenerationsAfter(db, source.id, source.generation), 0);
}
