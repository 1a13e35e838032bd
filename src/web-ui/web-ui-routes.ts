import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web UI: the files `npm run build` wrote to web/dist, served at `/`, and `index.html` for
 * the UI's own routes (`/lineup`, `/channels/42`…) so a reload or a bookmark opens the right page.
 * A path is the UI's only when its first segment is one of the UI's sections (`clientSections`,
 * the same list as web/src/pages) and a browser asks for HTML: no tuner path (/discover.json,
 * /lineup.json, /stream/…, /auto/…) or API path can be taken by it, and everything else keeps its
 * JSON 404. (Not "no file extension": XMLTV ids such as bbc.one.uk have dots.)
 */

/** The built UI next to this installation (dist/web-ui → ../../web/dist, as src/web-ui in development). */
export const bundledWebUiDir = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The first path segments of the UI's routes (web/src/pages/index.tsx). */
export const clientSections: ReadonlySet<string> = new Set([
  'setup',
  'lineup',
  'channels',
  'providers',
  'guide',
  'accounts',
  'live',
  'events',
  'settings',
]);
// Hashed file names (Vite's assets/): the content of a name never changes.
const assetCache = 'public, max-age=31536000, immutable';

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tunerbridge</title></head>
<body style="font-family:system-ui;max-width:40em;margin:3em auto;padding:0 1em">
<h1>Tunerbridge is running</h1>
<p>The web UI has not been built in this installation. Run <code>npm run build</code> (or <code>npm start</code>,
which builds it) and reload. The tuner and the API work without it.</p></body></html>`;

export interface WebUi {
  /** True when a built UI was found. */
  available: boolean;
  /** For the app's not-found handler: answers with the UI when the request is one of its routes. */
  serveClientRoute(request: FastifyRequest, reply: FastifyReply): boolean;
}

export async function registerWebUi(app: FastifyInstance, dir: string | undefined): Promise<WebUi> {
  const root = dir ?? bundledWebUiDir;
  const available = existsSync(`${root}/index.html`);
  if (available) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // One route per built file, found once at start-up: no catch-all that would shadow the
      // tuner's routes or the JSON 404.
      wildcard: false,
      index: false,
      setHeaders: (res, path) => {
        void res.header('x-content-type-options', 'nosniff');
        void res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? assetCache : 'no-cache');
      },
    });
  }
  const sendIndex = (reply: FastifyReply) => {
    void reply
      .header('cache-control', 'no-cache')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff');
    if (available) return void reply.sendFile('index.html');
    void reply.type('text/html; charset=utf-8').send(notBuiltPage);
  };
  app.get('/', (_request, reply) => sendIndex(reply));
  return {
    available,
    serveClientRoute(request, reply) {
      if (!isClientRoute(request)) return false;
      sendIndex(reply);
      return true;
    },
  };
}

/** True for a browser's request of one of the UI's own routes (see above). */
export function isClientRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const section = (request.url.split('?')[0] ?? '').split('/')[1] ?? '';
  if (!clientSections.has(section)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}
