import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../core/index.js';

/**
 * The absolute base URL a client can reach us at: `--advertise-url` when set, else the Host the
 * client used (Plex stores the URLs we hand out, so they must work from its side of the LAN).
 */
export function baseUrlOf(request: FastifyRequest, config: Pick<AppConfig, 'advertiseUrl' | 'port'>): string {
  if (config.advertiseUrl) return config.advertiseUrl;
  const host = request.headers.host;
  if (host && /^[\w.\-:[\]]+$/.test(host)) return `${request.protocol}://${host}`;
  // HTTP/1.0 clients may send no Host: fall back to the address they reached.
  const address = request.socket.localAddress ?? '127.0.0.1';
  const hostPart =
    address.includes(':') && !address.startsWith('::ffff:') ? `[${address}]` : address.replace(/^::ffff:/, '');
  return `http://${hostPart}:${request.socket.localPort ?? config.port}`;
}
