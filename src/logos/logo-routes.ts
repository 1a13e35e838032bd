import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LogoCache } from './logo-cache.js';

export interface LogoRouteOptions {
  logos: Pick<LogoCache, 'get'>;
}

const KeyParams = Type.Object({ key: Type.String({ maxLength: 80 }) });

// A day: a logo rarely changes, and a changed URL is a new key anyway.
const maxAgeSeconds = 86_400;

/**
 * `GET /logos/:key`: a logo handed out in the M3U or XMLTV, from the cache or fetched now. Never
 * a redirect to the original (that is what the cache is for); an unknown key or a failing
 * origin is a 404. The headers keep an image an image: no sniffing, and an SVG opened on its own
 * runs no script on our origin.
 */
export const logoRoutes: FastifyPluginAsyncTypebox<LogoRouteOptions> = async (tuner, { logos }) => {
  tuner.get('/logos/:key', { schema: { params: KeyParams } }, async (request, reply) => {
    const logo = await logos.get(request.params.key);
    return reply
      .type(logo.contentType)
      .header('cache-control', `public, max-age=${maxAgeSeconds}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .send(logo.bytes);
  });
};
