import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** How a relay ended: the upstream finished, or one side failed or went away. */
export type RelayEnd = 'upstream-ended' | 'upstream-error' | 'client-error';

/**
 * Copies an upstream body to one client as it arrives, with backpressure: when the client reads
 * slowly the upstream is paused, so memory per stream stays at a couple of stream buffers
 * (undici's 64 KiB body buffer plus the socket's) however long it runs. `onBytes` sees each chunk
 * size (session byte counts). Never rejects: the outcome is the return value.
 */
export async function relay(body: Readable, client: Writable, onBytes: (n: number) => void): Promise<RelayEnd> {
  // Whichever side failed first is the cause; pipeline then destroys the other side too.
  let firstFailure: 'upstream' | 'client' | undefined;
  body.on('data', (chunk: Buffer) => onBytes(chunk.length));
  // `on`, not `once`: a body can report more than one error (a reset, then our own destroy), and
  // an error event without a listener would be an uncaught exception.
  body.on('error', () => {
    firstFailure ??= 'upstream';
  });
  client.once('close', () => {
    if (!client.writableFinished) firstFailure ??= 'client';
  });
  try {
    await pipeline(body, client);
    return 'upstream-ended';
  } catch {
    return firstFailure === 'upstream' ? 'upstream-error' : 'client-error';
  }
}
