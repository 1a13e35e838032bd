import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Clock } from '../core/index.js';
import type { Db } from '../db/index.js';
import { listPlayableChannels } from '../lineup/index.js';
import { GuideReader, guideFingerprint, lastGuideRefresh } from '../xmltv/guide-queries.js';
import { renderGuide, type GuideWindow } from './epg-writer.js';

export interface EpgCacheOptions {
  db: Db;
  clock: Clock;
  /** Where the rendered files live (`{dataDir}/cache`). */
  dir: string;
  /** Days of programmes from now (default 7). */
  days?: number;
  /** Hours before now the window starts (default 4): what is on now must be in the guide. */
  pastHours?: number;
}

/** A rendered guide file ready to send. */
export interface EpgFile {
  etag: string;
  size: number;
  open(): ReadStream;
}

const hourMs = 3_600_000;

/**
 * The rendered `/epg.xml`, kept as files in the data dir keyed by a fingerprint of everything it
 * depends on (lineup rows, mappings, guide rows and sources, and the hour: the window moves).
 * A change of any of these makes the next request render anew; concurrent requests share one
 * rendering. Files, not memory: 1,000 channels × 7 days is tens of megabytes.
 */
export class EpgCache {
  private readonly rendering = new Map<string, Promise<EpgFile>>();

  constructor(private readonly options: EpgCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
  }

  /** The current guide as XML, rendered if the cached one is stale. */
  xml(key = this.fingerprint()): Promise<EpgFile> {
    return this.file(key, 'xml', (path) => this.renderXml(path));
  }

  /** The current guide gzipped (for `/epg.xml.gz` and `Accept-Encoding: gzip`). */
  gzip(key = this.fingerprint()): Promise<EpgFile> {
    return this.file(key, 'xml.gz', async (path) => {
      const xml = await this.file(key, 'xml', (p) => this.renderXml(p));
      await pipeline(xml.open(), createGzip({ level: 6 }), createWriteStream(path));
    });
  }

  /** When the freshest enabled guide source was last refreshed (ms), or null if never. */
  guideRefreshedAt(): number | null {
    return lastGuideRefresh(this.options.db);
  }

  /** A hash of everything the output depends on. */
  fingerprint(): string {
    const { db, clock } = this.options;
    const lineup = db
      .prepare(
        `SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM xmltv_channels) || '|' ||
                (SELECT count(*) || ':' || coalesce(max(updated_at), 0) || ':' || coalesce(sum(is_enabled), 0) FROM xmltv_channel_settings) || '|' ||
                (SELECT count(*) || ':' || coalesce(max(updated_at), 0) || ':' || coalesce(max(id), 0) FROM channel_mappings) || '|' ||
                (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM xtream_channels) AS f`,
      )
      .get() as { f: string };
    const hour = Math.floor(clock.now() / hourMs);
    const text = `${lineup.f}|${guideFingerprint(db)}|${hour}|${this.options.days ?? 7}|${this.options.pastHours ?? 4}`;
    return createHash('sha1').update(text).digest('hex').slice(0, 20);
  }

  private window(): GuideWindow {
    const hour = Math.floor(this.options.clock.now() / hourMs) * hourMs;
    return { from: hour - (this.options.pastHours ?? 4) * hourMs, to: hour + (this.options.days ?? 7) * 24 * hourMs };
  }

  private async file(key: string, extension: string, render: (path: string) => Promise<void>): Promise<EpgFile> {
    const name = `epg-${key}.${extension}`;
    const path = join(this.options.dir, name);
    const existing = statIfExists(path);
    if (existing) return toFile(path, key, extension, existing);
    let pending = this.rendering.get(name);
    if (!pending) {
      pending = (async () => {
        const temp = `${path}.${process.pid}.tmp`;
        try {
          await render(temp);
          await rename(temp, path);
        } catch (error) {
          rmSync(temp, { force: true });
          throw error;
        }
        this.removeStale(key);
        return toFile(path, key, extension, statSync(path));
      })().finally(() => this.rendering.delete(name));
      this.rendering.set(name, pending);
    }
    return pending;
  }

  private async renderXml(path: string): Promise<void> {
    const { db } = this.options;
    const chunks = renderGuide(listPlayableChannels(db), new GuideReader(db), this.window());
    await pipeline(Readable.from(chunks), createWriteStream(path));
  }

  // Older renderings are useless once a newer one exists; a reader that has one open keeps its
  // file descriptor, so deleting it under them is safe on POSIX.
  private removeStale(current: string): void {
    for (const name of readdirSync(this.options.dir)) {
      if (name.startsWith('epg-') && !name.startsWith(`epg-${current}.`) && !name.endsWith('.tmp')) {
        rmSync(join(this.options.dir, name), { force: true });
      }
    }
  }
}

function statIfExists(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The ETag a rendering with this fingerprint gets. */
export function epgEtag(key: string, gzipped: boolean): string {
  return `"${key}${gzipped ? '-gz' : ''}"`;
}

function toFile(path: string, key: string, extension: string, stat: { size: number }): EpgFile {
  return { etag: epgEtag(key, extension !== 'xml'), size: stat.size, open: () => createReadStream(path) };
}
