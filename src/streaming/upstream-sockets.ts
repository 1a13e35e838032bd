import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Which socket carries which upstream request, so a tuner slot is freed only once the provider's
 * connection is really closed, not when we aborted it: providers count open connections, and a
 * new stream opened while the old socket is still closing is one too many (they punish that by
 * killing the account's oldest stream). Each stream request carries an `x-playback-session-id`
 * header (players such as AVPlayer send one too); undici's `sendHeaders` channel names the socket
 * it wrote those headers to (the last hop of a redirect chain wins).
 */

const sockets = new Map<string, Socket>();
const header = /\r\nx-playback-session-id: ([0-9a-f-]{36})\r\n/i;
// The longest a slot waits for a socket to close; past it something else is wrong and holding the slot would leak it.
const closeCapMs = 3000;

subscribe('undici:client:sendHeaders', (message) => {
  const { headers, socket } = message as { headers: string; socket: Socket };
  const id = header.exec(headers)?.[1];
  if (id) sockets.set(id, socket);
});

/** The header name carrying a request's playback id. */
export const playbackIdHeader = 'x-playback-session-id';

/**
 * Resolves once the upstream request `id` holds no provider connection any more: at once when
 * its socket was kept alive for reuse (the response was complete) or never opened, else when the
 * socket's 'close' fired. Forgets the id.
 */
export function whenUpstreamClosed(id: string): Promise<void> {
  const socket = sockets.get(id);
  sockets.delete(id);
  if (!socket) return Promise.resolve();
  return new Promise((resolve) => {
    // undici destroys a socket whose response was cut short within the abort; a tick later the
    // socket is either destroyed (wait for its close) or back in the pool, idle (not a stream).
    setImmediate(() => {
      if (socket.closed || !socket.destroyed) return resolve();
      const cap = setTimeout(resolve, closeCapMs);
      socket.once('close', () => {
        clearTimeout(cap);
        resolve();
      });
    });
  });
}
