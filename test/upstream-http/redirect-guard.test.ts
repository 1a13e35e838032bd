import type { IncomingMessage } from 'node:http';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamAgent, RedirectRefusedError, type RedirectRefusal } from '../../src/upstream-http/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

interface Seen {
  url: string;
  rawHeaders: string[];
}

/** What a redirect carries to another host, and which redirects fail at once; real node:http servers on loopback. */
describe('guarded redirects', () => {
  const servers: LoopbackServer[] = [];
  const agent = createUpstreamAgent({ connectTimeoutMs: 2000 });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function serve(handler: (req: IncomingMessage) => { status: number; location?: string }) {
    const seen: Seen[] = [];
    const server = await startLoopbackServer((req, res) => {
      seen.push({ url: req.url ?? '', rawHeaders: req.rawHeaders });
      const { status, location } = handler(req);
      res.writeHead(status, location === undefined ? {} : { location }).end(status === 200 ? 'arrived' : '');
    });
    servers.push(server);
    return { ...server, seen };
  }

  const secret = 'hunter2-Secret';
  // Every way a caller could hold a credential: in the userinfo, the path, the query, headers.
  const send = (base: string, path = `/live/alice/${secret}/1.ts?password=${secret}&token=${secret}`) =>
    request(`${base.replace('://', `://alice:${secret}@`)}${path}`, {
      dispatcher: agent,
      headers: {
        'user-agent': 'UA-Test',
        accept: '*/*',
        authorization: `Bearer ${secret}`,
        cookie: `session=${secret}`,
        'proxy-authorization': `Basic ${secret}`,
        'x-api-key': secret,
      },
      // Generous: a refusal must come from the guard, never from this deadline.
      signal: AbortSignal.timeout(30_000),
    });

  const headerNames = (seen: Seen) => seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

  it('a redirect to another port carries nothing of ours but the plain request headers', async () => {
    const other = await serve(() => ({ status: 200 }));
    const first = await serve(() => ({ status: 302, location: `${other.url}/cdn/1.ts` }));
    const response = await send(first.url);
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('arrived');
    expect(first.seen[0]!.url).toContain(secret); // the caller's own request, to the host it named
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.url).toBe('/cdn/1.ts');
    expect(JSON.stringify(other.seen[0])).not.toContain(secret);
    expect(headerNames(other.seen[0]!).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
  });

  it('a redirect from 127.0.0.1 to localhost (same port) is cross-origin: the hop is stripped', async () => {
    let port = 0;
    const seen: Seen[] = [];
    const server = await startLoopbackServer((req, res) => {
      seen.push({ url: req.url ?? '', rawHeaders: req.rawHeaders });
      if (req.url?.startsWith('/live/')) return res.writeHead(302, { location: `http://localhost:${port}/cdn` }).end();
      res.writeHead(200).end('arrived');
    });
    servers.push(server);
    port = server.port;
    const response = await send(server.url);
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('arrived');
    expect(seen.map((s) => s.url)).toEqual([`/live/alice/${secret}/1.ts?password=${secret}&token=${secret}`, '/cdn']);
    // The first hop is the caller's own request; the second went to localhost with nothing of it.
    expect(JSON.stringify(seen[1])).not.toContain(secret);
    expect(headerNames(seen[1]!).sort()).toEqual(['accept', 'connection', 'host', 'user-agent']);
    const host = seen[1]!.rawHeaders[seen[1]!.rawHeaders.findIndex((n) => n.toLowerCase() === 'host') + 1];
    expect(host).toBe(`localhost:${port}`);
  });

  it('a redirect on the same origin keeps the caller’s headers', async () => {
    const server = await serve((req) => (req.url === '/a' ? { status: 307, location: '/b' } : { status: 200 }));
    const response = await send(server.url, '/a');
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    const names = server.seen[1]!.rawHeaders.map((n) => n.toLowerCase());
    expect(names).toContain('x-api-key');
    expect(names).toContain('authorization');
  });

  async function refusal(promise: Promise<unknown>): Promise<RedirectRefusedError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedirectRefusedError);
    return error as RedirectRefusedError;
  }

  for (const location of ['file:///etc/passwd', 'ftp://127.0.0.1/guide.xml', 'data:text/plain,hi', 'javascript:x']) {
    it(`a redirect to ${location.split(':')[0]}: fails at once with a clear reason`, async () => {
      const server = await serve(() => ({ status: 302, location }));
      const error = await refusal(send(server.url));
      expect(error.refusal).toBe<RedirectRefusal>('not-http');
      expect(error.message).toBe('redirected to a location that is not HTTP(S)');
      expect(error.message).not.toContain(secret);
      expect(server.seen).toHaveLength(1);
    });
  }

  it('a chain past the cap fails with "redirected more than 5 times"; one at the cap arrives', async () => {
    const hops = (last: number) => (req: IncomingMessage) => {
      const n = Number(req.url?.split('/')[2]);
      return n >= last ? { status: 200 } : { status: 302, location: `/hop/${n + 1}` };
    };
    const atCap = await serve(hops(5));
    const ok = await send(atCap.url, '/hop/0');
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toBe('arrived');

    const endless = await serve(hops(Infinity));
    const error = await refusal(send(endless.url, '/hop/0'));
    expect(error).toMatchObject({ refusal: 'too-many', code: 'REDIRECT_TOO_MANY' });
    expect(error.message).toBe('redirected more than 5 times');
    expect(endless.seen.map((s) => s.url)).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3', '/hop/4', '/hop/5']);
  });

  it('a loop fails at the first repeat', async () => {
    const server = await serve((req) => ({ status: 302, location: req.url === '/a' ? '/b' : '/a' }));
    const error = await refusal(send(server.url, '/a'));
    expect(error.refusal).toBe('loop');
    expect(server.seen.map((s) => s.url)).toEqual(['/a', '/b']);
  });
});
