import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createUpstreamAgent,
  defaultMaxRedirections,
  followRedirects,
  RedirectRefusedError,
} from '../../src/upstream-http/index.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** The agent's redirect handling against a real node:http server. */
describe('createUpstreamAgent', () => {
  let server: LoopbackServer;
  const dispatchers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.close()));
    await server.close();
  });

  /** `/hop/N` redirects to `/hop/N+1` until `/hop/{last}`, which answers 200 (never, without `last`). */
  async function serveHops(last = Infinity): Promise<string> {
    server = await startLoopbackServer((req, res) => {
      const n = Number(req.url?.split('/')[2]);
      if (n >= last) return res.writeHead(200, { 'content-type': 'text/plain' }).end(`arrived at ${n}`);
      res.writeHead(302, { location: `/hop/${n + 1}` }).end();
    });
    return server.url;
  }

  it('follows redirects up to the cap and answers the final 200', async () => {
    const url = await serveHops(defaultMaxRedirections);
    const agent = createUpstreamAgent({ connectTimeoutMs: 2000 });
    dispatchers.push(agent);
    const response = await request(`${url}/hop/0`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe(`arrived at ${defaultMaxRedirections}`);
  });

  it('fails past the cap instead of handing the last 3xx back as if it were the answer', async () => {
    const url = await serveHops();
    const agent = createUpstreamAgent({ connectTimeoutMs: 2000 });
    const two = createUpstreamAgent({ connectTimeoutMs: 2000, maxRedirections: 2 });
    dispatchers.push(agent, two);

    const refused = await request(`${url}/hop/0`, { dispatcher: agent }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RedirectRefusedError);
    expect(refused).toMatchObject({ message: 'redirected more than 5 times' });
    expect(defaultMaxRedirections).toBe(5);
    expect(server.requests).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3', '/hop/4', '/hop/5']);

    server.requests.length = 0;
    const capped = await request(`${url}/hop/0`, { dispatcher: two }).catch((e: unknown) => e);
    expect(capped).toMatchObject({ refusal: 'too-many', message: 'redirected more than 2 times' });
    expect(server.requests).toEqual(['/hop/0', '/hop/1', '/hop/2']);
  });

  it('followRedirects gives an injected dispatcher (a test’s own agent) the same redirects', async () => {
    const url = await serveHops(2);
    const own = new Agent();
    dispatchers.push(own);
    const response = await request(`${url}/hop/0`, { dispatcher: followRedirects(own) });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('arrived at 2');
  });
});
