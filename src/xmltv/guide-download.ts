import type { FileHandle } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { AppError } from '../core/index.js';
import { openGuideFile } from './guide-files.js';
import { BodyTooLargeError, capBody, classifyNetworkError, discardBody } from '../upstream-http/index.js';

export interface GuideFetchOptions {
  /** The app's upstream dispatcher (follows redirects: CDNs, short links). */
  dispatcher: Dispatcher;
  userAgent: string;
  /** Until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks: a big guide may take minutes, a stalled one must not hang. */
  idleTimeoutMs: number;
  /** Bytes read from the server or file (compressed, if gzipped) before the import is refused. */
  maxBytes: number;
  /** The only folders a guide file is read from (see guide-files.ts). */
  folders: string[];
  signal?: AbortSignal;
  /** Told the guide's size in bytes when it is known before reading (a file's size, a Content-Length). */
  onSize?: (bytes: number) => void;
}

/** What kind of location a source URL is: `http(s)://…`, `file://…` or an absolute path. */
export function guideLocationKind(location: string): 'http' | 'file' | undefined {
  if (/^https?:\/\/[^\s/]/i.test(location)) return 'http';
  if (/^file:\/\//i.test(location) || isAbsolute(location)) return 'file';
  return undefined;
}

/**
 * Opens a guide for reading, as raw bytes (gzip or not: the parser looks at the bytes). Fails
 * before the first byte with a safe GUIDE_IMPORT_FAILED message (no URL: guide URLs often
 * carry the provider's credentials); later read errors surface from the iterator.
 */
export async function openGuide(location: string, options: GuideFetchOptions): Promise<AsyncIterable<Uint8Array>> {
  const kind = guideLocationKind(location);
  if (kind === 'file') return capped(await openFile(location, options.folders, options.onSize), options.maxBytes);
  if (kind === 'http') return capped(await openHttp(location, options), options.maxBytes);
  throw guideError('guide location must be an http(s) URL or an absolute file path');
}

async function openFile(location: string, folders: string[], onSize?: (bytes: number) => void): Promise<Readable> {
  let file: FileHandle;
  try {
    file = await openGuideFile(location, folders);
  } catch (error) {
    if (error instanceof AppError) throw guideError('guide file is outside the allowed folders', error);
    const code = (error as { code?: unknown }).code;
    throw guideError(code === 'ENOENT' ? 'guide file not found' : 'guide file cannot be read', error);
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) throw guideError('guide file is not a regular file');
    onSize?.(info.size);
  } catch (error) {
    await file.close();
    if (error instanceof AppError) throw error;
    throw guideError('guide file cannot be read', error);
  }
  return file.createReadStream({ highWaterMark: 256 * 1024 });
}

async function openHttp(url: string, options: GuideFetchOptions): Promise<Readable> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      // Plain bytes, whatever the server thinks: we detect gzip ourselves.
      headers: {
        'user-agent': options.userAgent,
        accept: 'application/xml, text/xml, application/gzip, */*',
        'accept-encoding': 'identity',
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw networkError(error);
  }
  if (response.statusCode >= 400) {
    discardBody(response.body);
    throw guideError(`guide server answered HTTP ${response.statusCode}`, undefined, { status: response.statusCode });
  }
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length > options.maxBytes) {
    discardBody(response.body);
    throw tooLarge(options.maxBytes);
  }
  if (Number.isFinite(length) && length > 0) options.onSize?.(length);
  return response.body;
}

/** The guide's bytes up to the cap; the body or file is released however reading ends (a parse error, the cap). */
async function* capped(input: Readable, maxBytes: number): AsyncIterable<Uint8Array> {
  try {
    yield* capBody(input, maxBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(maxBytes);
    throw networkError(error, 'guide download interrupted');
  }
}

function networkError(error: unknown, fallback = 'guide server unreachable'): AppError {
  const { reason, code, redirect } = classifyNetworkError(error);
  if (reason === 'redirect') return guideError(`guide server ${redirect}`, error, { code });
  if (reason === 'timeout') return guideError('guide server did not answer in time', error, { code });
  return guideError(fallback, error, { code });
}

function tooLarge(maxBytes: number): AppError {
  return guideError(`guide larger than ${Math.round(maxBytes / (1024 * 1024))} MiB`, undefined, { maxBytes });
}

/** A GUIDE_IMPORT_FAILED error whose message is the reason a user sees (never a URL). */
export function guideError(reason: string, cause?: unknown, details?: Record<string, unknown>): AppError {
  return new AppError('GUIDE_IMPORT_FAILED', reason, { cause, ...(details ? { details } : {}) });
}
