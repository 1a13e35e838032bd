import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../core/index.js';

/** Thrown past the cap: the partial file is already gone. */
export function uploadTooLarge(maxBytes: number): AppError {
  const size = maxBytes >= 1024 ** 2 ? `${Math.round(maxBytes / 1024 ** 2)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
  return new AppError('PAYLOAD_TOO_LARGE', `guide file larger than ${size}`, {
    details: { maxBytes },
  });
}

/**
 * Streams an uploaded guide into `folder` under a name made here (`upload-<time>-<random>.xml`,
 * `.xml.gz` when the bytes are gzip): the client's file name never becomes a path. Written to a
 * `.part` file first and renamed once complete; past `maxBytes`, or when the upload breaks off,
 * the partial file is removed. Resolves to the final path.
 */
export async function saveUploadedGuide(
  body: Readable,
  folder: string,
  maxBytes: number,
  now: number,
): Promise<string> {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const base = `upload-${now}-${randomBytes(6).toString('hex')}`;
  const partial = join(folder, `${base}.part`);
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  let head: Buffer | undefined;
  let bytes: number;
  try {
    ({ bytes, head } = await copy(body, out, maxBytes));
  } catch (error) {
    // Closed before removed: a stream still opening would create the file after the removal.
    if (!out.closed) {
      // Not events.once: a write cut short emits 'error' first, which would reject it.
      const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
      out.destroy();
      await closed;
    }
    rmSync(partial, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError('INVALID_INPUT', 'guide upload interrupted', { cause: error });
  }
  if (bytes === 0) {
    rmSync(partial, { force: true });
    throw new AppError('INVALID_INPUT', 'the uploaded guide file is empty');
  }
  const gzip = head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const path = join(folder, `${base}${gzip ? '.xml.gz' : '.xml'}`);
  renameSync(partial, path);
  return path;
}

/**
 * Copies the request body into the file with backpressure. Past the cap it stops writing but
 * does not destroy the request (the client must still read the 413): the rest is drained.
 */
function copy(body: Readable, out: WriteStream, maxBytes: number): Promise<{ bytes: number; head?: Buffer }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let head: Buffer | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      if (error === undefined) return out.end(() => resolve({ bytes, ...(head ? { head } : {}) }));
      body.resume(); // what is left is read and dropped
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) return finish(uploadTooLarge(maxBytes));
      head ??= chunk;
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    const onEnd = () => finish();
    // Closed without an end: the client broke the upload off.
    const onClose = () => finish(new Error('upload ended early'));
    out.once('error', (error) => finish(error));
    body.once('error', (error) => finish(error));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onClose);
  });
}
