import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { epgEtag, type EpgCache, type EpgFile } from './epg-cache.js';

export interface EpgRouteOptions {
  epg: EpgCache;
  /** Where the client reached us (logo URLs in the guide are absolute on it). */
  baseUrl?: (request: FastifyRequest) => string;
}

const AnyQuery = Type.Object({}, { additionalProperties: true });
const xmlType = 'application/xml; charset=utf-8';

/**
 * `GET /epg.xml` (gzipped when the client accepts it) and `GET /epg.xml.gz` (always gzipped, as
 * a file). Served from the cache with a Content-Length, since Plex may fetch over HTTP/1.0;
 * `If-None-Match` with the current ETag answers 304 without rendering anything.
 */
export const epgRoutes: FastifyPluginAsyncTypebox<EpgRouteOptions> = async (tuner, { epg, baseUrl }) => {
  tuner.get('/epg.xml', { schema: { querystring: AnyQuery } }, async (request, reply) => {
    const gzipped = acceptsGzip(request.headers['accept-encoding']);
    const base = baseUrl?.(request);
    const key = epg.fingerprint(base);
    reply.header('vary', 'Accept-Encoding');
    if (notModified(request, epgEtag(key, gzipped)))
      return reply.code(304).header('etag', epgEtag(key, gzipped)).send();
    const file = gzipped ? await epg.gzip(key, base) : await epg.xml(key, base);
    if (gzipped) reply.header('content-encoding', 'gzip');
    return sendFile(reply.type(xmlType), file);
  });

  tuner.get('/epg.xml.gz', { schema: { querystring: AnyQuery } }, async (request, reply) => {
    const base = baseUrl?.(request);
    const key = epg.fingerprint(base);
    if (notModified(request, epgEtag(key, true))) return reply.code(304).header('etag', epgEtag(key, true)).send();
    return sendFile(reply.type('application/gzip'), await epg.gzip(key, base));
  });
};

function sendFile(reply: FastifyReply, file: EpgFile): FastifyReply {
  return reply
    .header('etag', file.etag)
    .header('cache-control', 'no-cache')
    .header('content-length', file.size)
    .send(file.open());
}

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === etag || t === '*';
  });
}

/** True when `Accept-Encoding` allows gzip (a `q=0` refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== 'gzip' && name?.trim() !== '*') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    return !q || Number(q[1]) > 0;
  });
}
