import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type Dispatcher } from 'undici';
import { AppError, type Clock, type Logger } from '../core/index.js';
import { redactUrl } from '../credentials/index.js';
import type { Db } from '../db/index.js';
import { BodyTooLargeError, classifyNetworkError, discardBody, readCapped } from '../upstream-http/index.js';
import { isCacheableLogo, logoKeyOf, logoKeyPattern } from './logo-key.js';
import { findLogo, insertLogo, listLogoKeys, setLogoType, type LogoRow } from './logo-repository.js';

export interface LogoCacheOptions {
  db: Db;
  /** The app's upstream dispatcher (connect timeout, guarded redirects). */
  dispatcher: Dispatcher;
  /** Where fetched logos live (`{dataDir}/logos`). */
  dir: string;
  clock: Clock;
  log: Logger;
  userAgent: string;
  /** Files kept at most (default 2,000); past it the least recently served go. */
  maxFiles?: number;
  /** Bytes kept at most (default 100 MiB). */
  maxBytes?: number;
  /** The largest logo fetched (default 1 MiB); a bigger one is refused. */
  maxLogoBytes?: number;
  /** The whole fetch, headers and body (default 10 s). */
  timeoutMs?: number;
}

/** A logo ready to send. */
export interface LogoFile {
  bytes: Buffer;
  contentType: string;
}

// A logo whose origin failed is not asked again for this long: Plex asks for every channel's
// logo on each guide refresh, and a dead logo host would be hit once per request otherwise.
const retryAfterMs = 10 * 60_000;
const maxFailuresKept = 10_000;
// What a logo may be: an image type and nothing else (an origin's HTML error page is no logo).
const imageType = /^image\/[a-z0-9.+-]+$/;

/**
 * Logos served by Tunerbridge itself (`/logos/<key>`), so that Plex Web over https shows them (no
 * mixed content) and a Plex box without internet access gets them. Only URLs handed out by
 * `publicUrl` (kept in the `logos` table) are ever fetched: /logos is no open proxy. Fetched
 * files sit in `dir`, bounded in count and bytes, the least recently served evicted first; the
 * recency lives in memory (after a restart the order is that of the files' fetch times).
 */
export class LogoCache {
  private readonly known = new Set<string>();
  // key → size, least recently served first (a Map keeps insertion order: a hit re-inserts).
  private readonly files = new Map<string, number>();
  private totalBytes = 0;
  private readonly fetching = new Map<string, Promise<LogoFile>>();
  private readonly failedUntil = new Map<string, number>();

  constructor(private readonly options: LogoCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
    for (const key of listLogoKeys(options.db)) this.known.add(key);
    const found: { key: string; size: number; mtime: number }[] = [];
    for (const name of readdirSync(options.dir)) {
      const path = join(options.dir, name);
      if (!logoKeyPattern.test(name)) {
        if (name.endsWith('.tmp')) rmSync(path, { force: true });
        continue;
      }
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isFile()) found.push({ key: name, size: stat.size, mtime: stat.mtimeMs });
    }
    for (const file of found.sort((a, b) => a.mtime - b.mtime)) this.remember(file.key, file.size);
    this.evict();
  }

  /**
   * Where a client gets this logo from us: `{baseUrl}/logos/<key>` for an http(s) logo (which
   * is then allowed to be fetched), the original for anything else (none, `data:`…).
   */
  publicUrl(original: string, baseUrl: string): string {
    if (!isCacheableLogo(original)) return original;
    const key = logoKeyOf(original);
    if (!this.known.has(key)) {
      insertLogo(this.options.db, key, original, this.options.clock.now());
      this.known.add(key);
    }
    return `${baseUrl}/logos/${key}`;
  }

  /** The logo under this key, from disk or fetched now; 404 for a key never handed out or an origin that fails. */
  async get(key: string): Promise<LogoFile> {
    const row = logoKeyPattern.test(key) ? findLogo(this.options.db, key) : undefined;
    if (!row) throw new AppError('NOT_FOUND', 'logo not found');
    if (row.content_type && this.files.has(key)) {
      try {
        const bytes = await readFile(join(this.options.dir, key));
        this.remember(key, bytes.length);
        return { bytes, contentType: row.content_type };
      } catch {
        this.forget(key); // evicted meanwhile, or removed by hand: fetch it again
      }
    }
    if ((this.failedUntil.get(key) ?? 0) > this.options.clock.now()) throw unavailable();
    let pending = this.fetching.get(key);
    if (!pending) {
      pending = this.fetch(row).finally(() => this.fetching.delete(key));
      this.fetching.set(key, pending);
    }
    return pending;
  }

  private async fetch(row: LogoRow): Promise<LogoFile> {
    const { dispatcher, userAgent, dir, db, log } = this.options;
    const maxLogoBytes = this.options.maxLogoBytes ?? 1024 * 1024;
    let file: LogoFile;
    try {
      file = await download(row.url, {
        dispatcher,
        userAgent,
        maxLogoBytes,
        timeoutMs: this.options.timeoutMs ?? 10_000,
      });
    } catch (error) {
      if (this.failedUntil.size >= maxFailuresKept) this.failedUntil.clear();
      this.failedUntil.set(row.key, this.options.clock.now() + retryAfterMs);
      const reason = error instanceof LogoFetchError ? error.message : classifyNetworkError(error).reason;
      log.info({ url: redactUrl(row.url), key: row.key, reason }, 'logo fetch failed');
      throw unavailable();
    }
    this.failedUntil.delete(row.key);
    const path = join(dir, row.key);
    const temp = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(temp, file.bytes);
      await rename(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      log.warn({ err: error, key: row.key }, 'caching a logo failed');
      return file; // served all the same, fetched again next time
    }
    setLogoType(db, row.key, file.contentType);
    this.remember(row.key, file.bytes.length);
    this.evict();
    return file;
  }

  private remember(key: string, size: number): void {
    this.forget(key);
    this.files.set(key, size);
    this.totalBytes += size;
  }

  private forget(key: string): void {
    const size = this.files.get(key);
    if (size === undefined) return;
    this.files.delete(key);
    this.totalBytes -= size;
  }

  private evict(): void {
    const maxFiles = this.options.maxFiles ?? 2_000;
    const maxBytes = this.options.maxBytes ?? 100 * 1024 * 1024;
    for (const key of this.files.keys()) {
      if (this.files.size <= maxFiles && this.totalBytes <= maxBytes) break;
      this.forget(key);
      rmSync(join(this.options.dir, key), { force: true });
    }
  }
}

/** Why a logo could not be fetched (for the log; the client only hears "not available"). */
class LogoFetchError extends Error {}

function unavailable(): AppError {
  return new AppError('NOT_FOUND', 'logo not available');
}

async function download(
  url: string,
  options: { dispatcher: Dispatcher; userAgent: string; maxLogoBytes: number; timeoutMs: number },
): Promise<LogoFile> {
  const response = await request(url, {
    method: 'GET',
    dispatcher: options.dispatcher,
    signal: AbortSignal.timeout(options.timeoutMs),
    headers: { 'user-agent': options.userAgent, accept: 'image/*', 'accept-encoding': 'identity' },
  });
  if (response.statusCode !== 200) {
    discardBody(response.body);
    throw new LogoFetchError(`HTTP ${response.statusCode}`);
  }
  const contentType = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!imageType.test(contentType)) {
    discardBody(response.body);
    throw new LogoFetchError(`not an image (${contentType.slice(0, 100) || 'no type'})`);
  }
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length > options.maxLogoBytes) {
    discardBody(response.body);
    throw new LogoFetchError('too large');
  }
  let bytes: Buffer;
  try {
    bytes = await readCapped(response.body, options.maxLogoBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new LogoFetchError('too large');
    throw error;
  }
  if (bytes.length === 0) throw new LogoFetchError('empty');
  return { bytes, contentType };
}
