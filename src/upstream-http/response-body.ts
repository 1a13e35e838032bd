import type { Readable } from 'node:stream';

/** A body went past the size its reader allows; the body is already released. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`body larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Drops a body (or file stream) we will not read to its end. undici reports destroying an
 * unfinished body as an 'error' event, which would be an uncaught exception without a listener:
 * give it one first.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Passes a body's chunks on until more than `maxBytes` arrived, then throws BodyTooLargeError.
 * However the reading ends (done, the cap, a read error, the consumer stopping early) the body
 * is released, so its socket or file never lingers.
 */
export async function* capBody(body: Readable, maxBytes: number): AsyncGenerator<Buffer, void, undefined> {
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
      yield chunk;
    }
  } finally {
    discardBody(body);
  }
}

/** Reads a whole body into one Buffer; BodyTooLargeError past `maxBytes`. */
export async function readCapped(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of capBody(body, maxBytes)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
