import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError, type ErrorCode } from '../../src/core/index.js';
import { createUpstreamAgent } from '../../src/upstream-http/index.js';
import { XtreamClient, type XtreamClientOptions } from '../../src/xtream/index.js';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';

const password = 'p@ss/w:rd?#&';

async function expectProviderError(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  // Opaque: no URL, no host, no password in what a client could see or the log records.
  const visible = `${(error as Error).message} ${JSON.stringify((error as { details?: unknown }).details ?? {})}`;
  expect(visible).not.toContain(password);
  expect(visible).not.toContain(encodeURIComponent(password));
  expect((error as Error).message).not.toMatch(/127\.0\.0\.1|http/);
  return error as Error;
}

describe('XtreamClient', () => {
  let provider: FakeProvider;
  const dispatcher = createUpstreamAgent({ connectTimeoutMs: 2000 });
  afterAll(() => dispatcher.close());
  const client = (overrides: Partial<XtreamClientOptions> = {}) =>
    new XtreamClient({
      serverUrl: provider.url,
      username: 'alice',
      password,
      userAgent: 'TestAgent/1.0',
      requestTimeoutMs: 5000,
      dispatcher,
      ...overrides,
    });

  beforeEach(async () => {
    provider = await startFakeProvider({
      accounts: [
        {
          username: 'alice',
          password,
          userInfo: { exp_date: null, max_connections: '3', active_cons: '1' },
          categories: [
            { category_id: '1', category_name: 'UK' },
            { category_id: 2, category_name: 'Sports' },
          ],
          streams: [
            liveStream(1, 'UK: BBC One HD'),
            { ...liveStream(1, 'UK: BBC One HD'), category_id: '2' },
            liveStream('2' as unknown as number, 'UK: BBC Two'),
            liveStream(3, '##### UK SPORTS #####'),
            { name: 'broken row' },
          ],
        },
      ],
    });
  });
  afterEach(() => provider.close());

  it('authenticates, reading string numbers and a null expiry, and sends the configured User-Agent', async () => {
    expect(await client().authenticate()).toEqual({
      status: 'Active',
      expiresAt: null,
      maxConnections: 3,
      activeConnections: 1,
      isTrial: false,
    });
    const [req] = provider.requests;
    expect(req).toMatchObject({ path: '/player_api.php', username: 'alice', password, userAgent: 'TestAgent/1.0' });
  });

  it('reads categories and live streams: de-duplicated, separators and broken rows skipped', async () => {
    expect(await client().getLiveCategories()).toEqual([
      { id: '1', name: 'UK' },
      { id: '2', name: 'Sports' },
    ]);
    const streams = await client().getLiveStreams();
    expect(streams.map((s) => [s.streamId, s.name])).toEqual([
      [1, 'UK: BBC One HD'],
      [2, 'UK: BBC Two'],
    ]);
    expect(provider.requests.map((r) => r.query.action)).toEqual(['get_live_categories', 'get_live_streams']);
  });

  it('turns auth: 0 and 401/403 into PROVIDER_AUTH_FAILED', async () => {
    await expectProviderError(client({ password: 'wrong' }).authenticate(), 'PROVIDER_AUTH_FAILED');
    provider.overrideApi('', { status: 403, body: 'Forbidden', contentType: 'text/plain' });
    await expectProviderError(client().authenticate(), 'PROVIDER_AUTH_FAILED');
  });

  it('turns an HTML error page and an empty body into PROVIDER_BAD_RESPONSE', async () => {
    provider.overrideApi('get_live_streams', {
      body: '<html><body>502 Bad Gateway</body></html>',
      contentType: 'text/html',
    });
    const error = await expectProviderError(client().getLiveStreams(), 'PROVIDER_BAD_RESPONSE');
    expect(error.message).toBe('provider sent an invalid response');
    provider.overrideApi('get_live_categories', { body: '' });
    await expectProviderError(client().getLiveCategories(), 'PROVIDER_BAD_RESPONSE');
    provider.overrideApi('get_live_streams', { body: { user_info: { auth: 0 } } });
    await expectProviderError(client().getLiveStreams(), 'PROVIDER_BAD_RESPONSE');
  });

  it('turns 5xx into PROVIDER_HTTP_ERROR with the status in the details', async () => {
    provider.overrideApi('get_live_streams', { status: 500, body: 'Internal Server Error', contentType: 'text/plain' });
    const error = await expectProviderError(client().getLiveStreams(), 'PROVIDER_HTTP_ERROR');
    expect((error as unknown as { details: Record<string, unknown> }).details).toMatchObject({ status: 500 });
    expect((error as unknown as { statusCode: number }).statusCode).toBe(502);
  });

  it('times out a slow answer with PROVIDER_TIMEOUT', async () => {
    provider.overrideApi('', { body: { user_info: { auth: 1 } }, delayMs: 3000 });
    const started = Date.now();
    await expectProviderError(client({ requestTimeoutMs: 200 }).authenticate(), 'PROVIDER_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2900); // did not wait for the answer
  });

  it('refuses a body over the size cap', async () => {
    const error = await expectProviderError(client({ maxBodyBytes: 100 }).getLiveStreams(), 'PROVIDER_BAD_RESPONSE');
    expect(error.message).toBe('provider response too large');
  });

  it('reports a closed port as PROVIDER_UNREACHABLE', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    await expectProviderError(client({ serverUrl: `http://127.0.0.1:${port}` }).authenticate(), 'PROVIDER_UNREACHABLE');
  });

  it('fails at once with a clear reason on a redirect to file:, past the cap, or in a loop', async () => {
    let location = '';
    const balancer = createHttpServer((req, res) => {
      res.writeHead(302, { location: location || `/again${req.url?.length ?? 0}${req.url ?? ''}` });
      res.end();
    });
    await new Promise<void>((r) => balancer.listen(0, '127.0.0.1', r));
    try {
      const serverUrl = `http://127.0.0.1:${(balancer.address() as { port: number }).port}`;
      // A long request deadline: the failure must come from the refused redirect, not a timeout.
      const slow = () => client({ serverUrl, requestTimeoutMs: 30_000 });
      location = 'file:///etc/passwd';
      let error = await expectProviderError(slow().authenticate(), 'PROVIDER_BAD_RESPONSE');
      expect(error.message).toBe('provider redirected to a location that is not HTTP(S)');
      location = ''; // a new path each hop: an endless chain
      error = await expectProviderError(slow().authenticate(), 'PROVIDER_BAD_RESPONSE');
      expect(error.message).toBe('provider redirected more than 5 times');
      location = '/player_api.php?loop=1';
      error = await expectProviderError(slow().getLiveStreams(), 'PROVIDER_BAD_RESPONSE');
      expect(error.message).toBe('provider redirected in a loop');
    } finally {
      await new Promise<void>((r) => balancer.close(() => r()));
    }
  });

  it('follows a load balancer redirect of player_api.php', async () => {
    const balancer = createHttpServer((req, res) => {
      res.writeHead(302, { location: `${provider.url}${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((r) => balancer.listen(0, '127.0.0.1', r));
    try {
      const port = (balancer.address() as { port: number }).port;
      expect((await client({ serverUrl: `http://127.0.0.1:${port}` }).authenticate()).status).toBe('Active');
      expect(provider.requests).toEqual([
        expect.objectContaining({ path: '/player_api.php', username: 'alice', password }),
      ]);
    } finally {
      await new Promise<void>((r) => balancer.close(() => r()));
    }
  });
});
