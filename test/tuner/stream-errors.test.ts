import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamFault } from '../support/fake-xtream-provider.js';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamFixture,
} from '../streaming/stream-fixture.js';

/** A loopback port nobody listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Nothing a client may learn about our upstream or internals. */
function expectOpaque(body: string, f: StreamFixture): void {
  for (const secret of [
    f.password,
    f.username,
    `127.0.0.1:${f.provider.port}`,
    '/live/',
    'SELECT',
    'sqlite',
    'at ',
    'Error:',
  ]) {
    expect(body).not.toContain(secret);
  }
}

/** Seed story 4-4, group "error handling". */
describe('stream proxy: error handling', () => {
  let f: StreamFixture;
  afterEach(() => f.close());

  it('returns 503 and records an event when the provider is unreachable, and frees the slot', async () => {
    f = await startStreamFixture();
    const port = await closedPort();
    f.db.prepare('UPDATE accounts SET server_url = ? WHERE id = ?').run(`http://127.0.0.1:${port}`, f.accountId);
    f.addChannel('gone.uk', [{ streamId: 41, tier: 'HD' }]);
    const res = await openStream(`${f.t.url}/stream/gone.uk`);
    expect(res.status).toBe(503);
    expect(JSON.parse(await res.text())).toEqual({ error: 'stream unavailable' });
    const [event] = await eventsOf(f, 'stream');
    expect(event).toMatchObject({
      level: 'warn',
      message: 'Upstream unavailable',
      details: { channelId: 'gone.uk', streamId: 41, reason: 'refused' },
    });
    // The event names the upstream, redacted: user and password never recorded.
    expect(event!.details!.url).toBe(`http://127.0.0.1:${port}/live/***/***/41.ts`);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
    expect(f.t.domains.streaming.sessions.size).toBe(0);
  });

  it.each<[string, StreamFault, string]>([
    ['an HTTP error', { kind: 'status', status: 404 }, 'http-status'],
    ['a custom panel code', { kind: 'status', status: 458 }, 'http-status'],
    ['a refused stream (socket destroyed)', { kind: 'refuse' }, 'unreachable'],
    ['no answer within the connect timeout', { kind: 'stall' }, 'timeout'],
    [
      'a 200 HTML error page instead of video',
      { kind: 'status', status: 200, body: '<html>Account expired</html>' },
      'not-a-stream',
    ],
  ])('returns 503 for %s from the provider', async (_name, fault, reason) => {
    f = await startStreamFixture({ app: { config: { upstreamConnectTimeoutMs: 400 } } });
    f.provider.setStream(42, { fault });
    f.addChannel('faulty.uk', [{ streamId: 42, tier: 'HD' }]);
    const res = await openStream(`${f.t.url}/stream/faulty.uk`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: 'stream unavailable' });
    expectOpaque(body, f);
    expect((await eventsOf(f, 'stream'))[0]).toMatchObject({ message: 'Upstream unavailable', details: { reason } });
    // One request only: no probe before it and no retry after it.
    expect(f.provider.streamRequests()).toHaveLength(1);
    await waitUntil(() => f.t.domains.streaming.slots.inUse(f.accountId) === 0, 1000, 'slot release');
  });

  it('follows a provider redirect to its load balancer at once', async () => {
    f = await startStreamFixture();
    f.provider.setStream(43, { fault: { kind: 'redirect', status: 302 } });
    f.addChannel('balanced.uk', [{ streamId: 43, tier: 'HD' }]);
    const res = await openStream(`${f.t.url}/stream/balanced.uk`);
    expect(res.status).toBe(200);
    await res.waitForBytes(188);
    expect(res.head()[0]).toBe(0x47);
    const paths = f.provider.streamRequests().map((r) => r.path);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toBe(`/live/${f.username}/${f.password}/43.ts`);
    expect(paths[1]).toMatch(/^\/lb\/token\d+\/43\.ts$/);
    res.close();
  });

  it('ends the response and the session when the upstream breaks mid-stream', async () => {
    f = await startStreamFixture();
    f.provider.setStream(44, { fault: { kind: 'close-early', afterBytes: 188 * 700 } });
    f.addChannel('flaky.uk', [{ streamId: 44, tier: 'HD' }]);
    const res = await openStream(`${f.t.url}/stream/flaky.uk`);
    expect(res.status).toBe(200);
    await res.ended;
    expect(res.received()).toBe(188 * 700);
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'session end');
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
    const ended = (await eventsOf(f, 'stream')).find((e) => e.message === 'Stream ended');
    expect(ended).toMatchObject({ level: 'warn', details: { reason: 'upstream-error', bytesSent: 188 * 700 } });
  });

  it('returns 503 for an inactive account without contacting the provider', async () => {
    f = await startStreamFixture();
    f.t.domains.accounts.update(f.accountId, { isActive: false });
    f.addChannel('paused.uk', [{ streamId: 45, tier: 'HD' }]);
    const res = await f.t.app.inject({ method: 'GET', url: '/stream/paused.uk' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'stream unavailable' });
    expect(f.provider.streamRequests()).toHaveLength(0);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
  });

  it.each([
    ['a slash', 'a%2Fb'],
    ['a sub-path', 'a/b'],
    ['too long', 'x'.repeat(201)],
    ['a control character', 'bbc%001'],
    ['markup', '%3Cscript%3E'],
    ['a leading space', '%20bbc1.uk'],
    ['a percent sign', 'bbc%251'],
    ['nothing', ''],
  ])('returns a JSON 400 for a malformed channel id (%s)', async (_name, id) => {
    f = await startStreamFixture();
    const res = await f.t.app.inject({ method: 'GET', url: `/stream/${id}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid channel id' });
  });

  it('accepts ids up to 200 characters with letters of any script', async () => {
    f = await startStreamFixture();
    const long = 'x'.repeat(200);
    f.addChannel(long, [{ streamId: 46, tier: 'HD' }]);
    f.addChannel('Das Erste.de', [{ streamId: 47, tier: 'HD' }]);
    for (const id of [long, 'Das Erste.de', 'Tagesschau24 ÄÖÜ.de']) {
      const res = await openStream(`${f.t.url}/stream/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(id.startsWith('Tagesschau') ? 404 : 200);
      res.close();
    }
  });

  it('answers with a generic 500 when the database fails under a running app', async () => {
    f = await startStreamFixture();
    f.addChannel('bbc1.uk', [{ streamId: 48, tier: 'HD' }]);
    // Break the schema from another connection, as a corrupted or half-migrated file would.
    f.db.exec('ALTER TABLE xtream_streams RENAME TO xtream_streams_broken');
    const res = await f.t.app.inject({ method: 'GET', url: '/stream/bbc1.uk' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal error' });
    expectOpaque(res.body, f);
    expect(res.body).not.toContain('xtream_streams');
    expect(f.t.logs.join('\n')).toContain('no such table: xtream_streams');
    f.db.exec('ALTER TABLE xtream_streams_broken RENAME TO xtream_streams');
  });

  it('returns UTF-8 JSON errors, also for non-ASCII ids', async () => {
    f = await startStreamFixture();
    const res = await f.t.app.inject({ method: 'GET', url: `/stream/${encodeURIComponent('Ñoño TV.es')}` });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(Buffer.from(res.rawPayload).toString('utf8'))).toEqual({ error: 'channel not found' });
  });
});
