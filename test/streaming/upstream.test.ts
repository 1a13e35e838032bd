import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openUpstream, UpstreamFailure } from '../../src/streaming/upstream.js';
import { createUpstreamAgent, discardBody } from '../../src/upstream-http/index.js';

/** The upstream opener against a real node:http server: redirects, loops, content types. */
describe('openUpstream', () => {
  let server: Server | undefined;
  const dispatcher = createUpstreamAgent({ connectTimeoutMs: 2000 });
  afterAll(() => dispatcher.close());
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const options = () => ({
    userAgent: 'UA-Test',
    answerTimeoutMs: 2000,
    idleTimeoutMs: 2000,
    signal: new AbortController().signal,
  });

  it('follows a chain of redirects and returns the body of the 200', async () => {
    const hops: string[] = [];
    const base = await serve((req, res) => {
      hops.push(`${req.url} ${req.headers['user-agent']}`);
      if (req.url === '/a') return res.writeHead(302, { location: '/b' }).end();
      if (req.url === '/b') return res.writeHead(307, { location: '/c' }).end();
      res.writeHead(200, { 'content-type': 'video/mp2t' }).end(Buffer.alloc(188 * 4, 0x47));
    });
    const upstream = await openUpstream(`${base}/a`, dispatcher, options());
    const chunks: Buffer[] = [upstream.head];
    for await (const chunk of upstream.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(188 * 4);
    expect(upstream.contentType).toBe('video/mp2t');
    expect(hops).toEqual(['/a UA-Test', '/b UA-Test', '/c UA-Test']);
  });

  it('gives up on a redirect loop instead of following it forever', async () => {
    let requests = 0;
    const base = await serve((_req, res) => {
      requests++;
      res.writeHead(302, { location: '/again' }).end();
    });
    const failure = await openUpstream(`${base}/start`, dispatcher, options()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamFailure);
    expect(failure).toMatchObject({ reason: 'redirect', errorCode: 'REDIRECT_LOOP' });
    expect(requests).toBe(2); // /start, then /again once: the second /again is the loop
  });

  it('fails at once on a redirect to a non-http(s) location', async () => {
    const base = await serve((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    const failure = await openUpstream(`${base}/live/u/p/1.ts`, dispatcher, {
      ...options(),
      answerTimeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: 'redirect', errorCode: 'REDIRECT_NOT_HTTP' });
  });

  it('treats an octet-stream or untyped 200 as video and a text page as a failure', async () => {
    // Video is checked by its first bytes: sync bytes 188 apart (an HTML page labelled video is not).
    const ts = Buffer.alloc(188 * 4, 0x47);
    const base = await serve((req, res) => {
      if (req.url === '/octet') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(ts);
      if (req.url === '/none') return res.writeHead(200).end(ts);
      if (req.url === '/html-as-video')
        return res.writeHead(200, { 'content-type': 'video/mp2t' }).end('<html>expired</html>'.repeat(50));
      if (req.url === '/html-untyped') return res.writeHead(200).end('<html>expired</html>'.repeat(50));
      if (req.url === '/endless-text')
        return void res.writeHead(200, { 'content-type': 'text/html' }).write('<html>'.repeat(10_000));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('limit reached');
    });
    for (const path of ['/octet', '/none']) {
      const upstream = await openUpstream(`${base}${path}`, dispatcher, options());
      discardBody(upstream.body);
    }
    const failure = await openUpstream(`${base}/text`, dispatcher, options()).catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: 'not-a-stream', status: 200 });
    // An error page that never ends (a captcha served as a stream) is dropped without an uncaught error.
    for (const path of ['/html-as-video', '/html-untyped']) {
      const page = await openUpstream(`${base}${path}`, dispatcher, options()).catch((e: unknown) => e);
      expect(page).toMatchObject({ reason: 'not-a-stream', status: 200 });
    }
    const endless = await openUpstream(`${base}/endless-text`, dispatcher, options()).catch((e: unknown) => e);
    expect(endless).toMatchObject({ reason: 'not-a-stream' });
  });

  it('reports an abort by the caller as aborted, not as a provider failure', async () => {
    const base = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = openUpstream(`${base}/slow`, dispatcher, { ...options(), signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ reason: 'aborted' });
  });
  it("keeps the stream open when the caller's signal fires after the answer (a recovery bound is not the stream's end)", async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      const packets = Buffer.alloc(188 * 4, 0x47);
      const timer = setInterval(() => res.write(packets), 20);
      res.once('close', () => clearInterval(timer));
    });
    const bound = new AbortController();
    const upstream = await openUpstream(`${base}/live`, dispatcher, { ...options(), signal: bound.signal });
    bound.abort();
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      upstream.body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= 188 * 4 * 5) resolve();
      });
      upstream.body.once('error', reject);
      upstream.body.resume(); // openUpstream leaves it paused after the head
    });
    expect(upstream.body.destroyed).toBe(false);
    await upstream.close();
    expect(upstream.body.destroyed).toBe(true);
  });
});
