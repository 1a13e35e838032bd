import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  type ReadStream,
} from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Clock, Logger } from '../core/index.js';
import type { Lineup } from '../lineup/index.js';
import type { LogoLinks } from '../logos/index.js';
import type { GuideOutputSource } from '../xmltv/index.js';
import { renderGuide, type GuideWindow } from './epg-writer.js';

export interface EpgCacheOptions {
  /** The channels written, and the change notification that makes a rendering stale. */
  lineup: Pick<Lineup, 'generation' | 'listPlayable' | 'onChange'>;
  /** The programmes written. */
  guide: GuideOutputSource;
  /**
   * Channel logos as our cached copies (absolute URLs on the base URL a client reached us at).
   * With it, each base URL gets its own rendering; rendering ahead uses the last one asked for.
   */
  logos?: LogoLinks;
  clock: Clock;
  /** Where the rendered files live (`{dataDir}/cache`). */
  dir: string;
  /** Days of programmes from now (`config.epgDays`). */
  days: number;
  /** Hours before now the window starts (default 4): what is on now must be in the guide. */
  pastHours?: number;
  log?: Logger;
  /** How often to look for a guide change to render ahead (ms; default 10 s, 0 = never); lineup changes are notified. */
  checkEveryMs?: number;
  /** A change is rendered ahead once nothing else changed for this long (ms; default 5 s). */
  settleMs?: number;
}

/** A rendered guide file ready to send. */
export interface EpgFile {
  etag: string;
  size: number;
  path: string;
  /** A stream of the file, opened now: it stays readable even if a newer rendering replaces it. */
  open(): ReadStream;
}

const hourMs = 3_600_000;
// Only while some client still fetches the guide is it rendered ahead: a rendering costs about a
// second of CPU and writes the whole file (154 MB for 1,000 channels × 7 days), each hour.
const inUseMs = 48 * hourMs;
// Big reads make a cached 154 MB response several times faster than the default 64 kB (fewer
// reads and socket writes); a response holds about one of these in memory.
const readChunkBytes = 1 << 20;

/**
 * The rendered `/epg.xml`, kept as files in the data dir keyed by a fingerprint of everything it
 * depends on (lineup rows, mappings, guide sources and their current generation, and the hour:
 * the window moves). While clients use the guide, a change (or the next hour) is rendered in the
 * background so that a request finds the file ready; a request that still finds none renders it,
 * and concurrent requests share that rendering. One rendering runs at a time. Files, not memory:
 * 1,000 channels × 7 days is 150 MB.
 */
export class EpgCache {
  private readonly rendering = new Map<string, Promise<EpgFile>>();
  // Renderings run one after another: two at once would only halve the speed of each.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private lastData: string;
  private settledAt = 0;
  // A rendering ahead that failed is not retried every check (nor logged each time) until the
  // fingerprint changes; a request still tries it.
  private failedKey: string | undefined;
  // When a client last fetched the guide, and the gzipped guide (clock time, ms).
  private lastRequestAt: number;
  private lastGzipRequestAt: number;
  private readonly unsubscribe: () => void;
  // The base URL of the last request (logo URLs in the rendering are absolute on it).
  private lastBaseUrl: string | undefined;

  constructor(private readonly options: EpgCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
    // A rendering the previous process left from a client counts as a recent request.
    this.lastRequestAt = this.newestFile('.xml');
    this.lastGzipRequestAt = this.newestFile('.xml.gz');
    for (const name of readdirSync(options.dir))
      if (name.startsWith('epg-') && name.endsWith('.tmp')) rmSync(join(options.dir, name), { force: true });
    this.lastData = this.dataFingerprint();
    this.unsubscribe = options.lineup.onChange(() => this.lineupChanged());
    this.schedule();
  }

  /** The current guide as XML, rendered if the cached one is stale (`baseUrl`: where the client reached us). */
  xml(key?: string, baseUrl?: string): Promise<EpgFile> {
    this.lastRequestAt = this.options.clock.now();
    this.lastBaseUrl = baseUrl ?? this.lastBaseUrl;
    return this.file(key ?? this.fingerprint(baseUrl), 'xml', baseUrl);
  }

  /** The current guide gzipped (for `/epg.xml.gz` and `Accept-Encoding: gzip`). */
  gzip(key?: string, baseUrl?: string): Promise<EpgFile> {
    this.lastRequestAt = this.lastGzipRequestAt = this.options.clock.now();
    this.lastBaseUrl = baseUrl ?? this.lastBaseUrl;
    return this.file(key ?? this.fingerprint(baseUrl), 'xml.gz', baseUrl);
  }

  /**
   * Changes the days of programmes written (a runtime setting). The days are part of every
   * rendering's key, so the next request renders the new window and no cached file is reused.
   */
  setDays(days: number): void {
    this.options.days = days;
  }

  /** When the freshest enabled guide source was last refreshed (ms), or null if never. */
  guideRefreshedAt(): number | null {
    return this.options.guide.lastRefresh();
  }

  /** A hash of everything the output depends on (the base URL too, when logos are rewritten). */
  fingerprint(baseUrl?: string): string {
    return this.keyOf(this.dataFingerprint(), baseUrl);
  }

  /**
   * Renders the current guide now (and its gzipped file, if a client fetched that lately) if it
   * is not on disk yet, a client fetched the guide in the last two days, the last change settled
   * and nothing is rendering; true if it rendered. The timer calls this; it is public so that
   * callers who just changed something need not wait.
   */
  async renderAhead(): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    const data = this.dataFingerprint();
    const now = this.options.clock.now();
    if (data !== this.lastData) {
      // A lineup edit or a guide import is often followed by more (an import rematches the
      // lineup): wait until the changes stop.
      this.lastData = data;
      this.settledAt = now + (this.options.settleMs ?? 5_000);
    }
    if (now < this.settledAt || now - this.lastRequestAt > inUseMs || this.rendering.size > 0) return false;
    // Logo URLs are absolute: without a client's base URL there is nothing to render ahead for.
    const baseUrl = this.lastBaseUrl;
    if (this.options.logos && baseUrl === undefined) return false;
    const key = this.keyOf(data, baseUrl);
    if (key === this.failedKey) return false;
    const wanted = now - this.lastGzipRequestAt <= inUseMs ? (['xml', 'xml.gz'] as const) : (['xml'] as const);
    let rendered = false;
    for (const extension of wanted) {
      if (this.existing(key, extension)) continue;
      try {
        await this.file(key, extension, baseUrl);
      } catch (error) {
        this.failedKey = key;
        throw error;
      }
      rendered = true;
    }
    return rendered;
  }

  /** Stops rendering ahead and abandons a rendering in progress. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearTimeout(this.timer);
    this.abort.abort();
    await this.queue;
  }

  // The lineup's generation is a counter it bumps on every change; the guide's fingerprint is a
  // few index reads over the sources (polled: imports write it without the lineup knowing).
  private dataFingerprint(): string {
    return `${this.options.lineup.generation}|${this.options.guide.fingerprint()}`;
  }

  // A lineup change starts the settling wait now and looks again when it ends, not at the next poll.
  private lineupChanged(): void {
    if (this.abort.signal.aborted || (this.options.checkEveryMs ?? 10_000) <= 0) return;
    const settleMs = this.options.settleMs ?? 5_000;
    try {
      this.lastData = this.dataFingerprint();
    } catch {
      return; // never into the lineup's change; the next poll looks again
    }
    this.settledAt = this.options.clock.now() + settleMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), settleMs + 10).unref();
  }

  private keyOf(data: string, baseUrl: string | undefined): string {
    const hour = Math.floor(this.options.clock.now() / hourMs);
    const base = this.options.logos ? `|${baseUrl ?? ''}` : '';
    const text = `${data}|${hour}|${this.options.days}|${this.options.pastHours ?? 4}${base}`;
    return createHash('sha1').update(text).digest('hex').slice(0, 20);
  }

  private window(): GuideWindow {
    const hour = Math.floor(this.options.clock.now() / hourMs) * hourMs;
    return { from: hour - (this.options.pastHours ?? 4) * hourMs, to: hour + this.options.days * 24 * hourMs };
  }

  // Checks at least every `checkEveryMs`, and just after each hour begins (the window moves).
  private schedule(): void {
    const every = this.options.checkEveryMs ?? 10_000;
    if (every <= 0 || this.abort.signal.aborted) return;
    const untilNextHour = hourMs - (this.options.clock.now() % hourMs) + 10;
    this.timer = setTimeout(() => void this.tick(), Math.min(every, untilNextHour)).unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.renderAhead();
    } catch (error) {
      if (!this.abort.signal.aborted) this.options.log?.warn({ err: error }, 'rendering the guide ahead failed');
    }
    this.schedule();
  }

  private existing(key: string, extension: string): EpgFile | undefined {
    const path = join(this.options.dir, `epg-${key}.${extension}`);
    const stat = statIfExists(path);
    return stat && toFile(path, key, extension, stat);
  }

  private file(key: string, extension: 'xml' | 'xml.gz', baseUrl: string | undefined): Promise<EpgFile> {
    const found = this.existing(key, extension);
    if (found) return Promise.resolve(found);
    const name = `epg-${key}.${extension}`;
    let pending = this.rendering.get(name);
    if (!pending) {
      pending = this.queue.then(() => this.produce(key, extension, baseUrl)).finally(() => this.rendering.delete(name));
      this.queue = pending.catch(() => undefined);
      this.rendering.set(name, pending);
    }
    return pending;
  }

  // Runs alone (see `queue`), so no other rendering can remove the XML a gzip is made from.
  private async produce(key: string, extension: 'xml' | 'xml.gz', baseUrl: string | undefined): Promise<EpgFile> {
    const found = this.existing(key, extension);
    if (found) return found;
    const signal = this.abort.signal;
    if (extension === 'xml') {
      return this.write(key, extension, async (temp) => {
        const { logos } = this.options;
        const logoUrl = logos && baseUrl !== undefined ? (icon: string) => logos.publicUrl(icon, baseUrl) : undefined;
        const chunks = renderGuide(
          this.options.lineup.listPlayable(),
          this.options.guide.reader(),
          this.window(),
          logoUrl,
        );
        // Byte mode (Readable.from defaults to objects): at most a few 1 MB chunks wait for the disk.
        await pipeline(
          Readable.from(chunks, { objectMode: false, highWaterMark: 2 * readChunkBytes }),
          createWriteStream(temp),
          { signal },
        );
      });
    }
    const xml = this.existing(key, 'xml') ?? (await this.produce(key, 'xml', baseUrl));
    return this.write(key, extension, (temp) =>
      pipeline(xml.open(), createGzip({ level: 6 }), createWriteStream(temp), { signal }),
    );
  }

  private async write(key: string, extension: string, render: (temp: string) => Promise<void>): Promise<EpgFile> {
    const path = join(this.options.dir, `epg-${key}.${extension}`);
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
  }

  // Older renderings are useless once a newer one exists; a response that has one open keeps its
  // file descriptor, so deleting it under them is safe on POSIX.
  private removeStale(current: string): void {
    for (const name of readdirSync(this.options.dir)) {
      if (name.startsWith('epg-') && !name.startsWith(`epg-${current}.`) && !name.endsWith('.tmp')) {
        rmSync(join(this.options.dir, name), { force: true });
      }
    }
  }

  private newestFile(extension: string): number {
    let newest = -Infinity;
    for (const name of readdirSync(this.options.dir)) {
      if (name.startsWith('epg-') && name.endsWith(extension))
        newest = Math.max(newest, statIfExists(join(this.options.dir, name))?.mtimeMs ?? -Infinity);
    }
    return newest;
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
  return {
    etag: epgEtag(key, extension !== 'xml'),
    size: stat.size,
    path,
    // The descriptor is opened synchronously so that a rendering finishing meanwhile cannot
    // delete the file between the decision to send it and the first read.
    open: () => createReadStream(path, { fd: openSync(path, 'r'), highWaterMark: readChunkBytes }),
  };
}
