import { afterEach, describe, expect, it } from 'vitest';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from '../streaming/stream-fixture.js';

/** Seed story 4-4, group "connection limit": per-account tuner slots, counted by us. */
describe('stream proxy: connection limit', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function open(channelId: string): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/${channelId}`);
    clients.push(client);
    return client;
  }

  it('returns 503 with the HDHomeRun 805 header and a JSON error when every tuner is in use', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.addChannel('one.uk', [{ streamId: 1, tier: 'HD' }]);
    f.addChannel('two.uk', [{ streamId: 2, tier: 'HD' }]);
    expect((await open('one.uk')).status).toBe(200);
    const busy = await open('two.uk');
    expect(busy.status).toBe(503);
    expect(busy.headers['x-hdhomerun-error']).toBe('805 All Tuners In Use');
    expect(busy.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(await busy.text())).toEqual({ error: 'all tuners in use' });
    // The provider never saw the second request: the limit is enforced before connecting.
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([1]);
  });

  it('logs an event when the tuner limit is reached', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.addChannel('one.uk', [{ streamId: 1, tier: 'HD' }]);
    f.addChannel('two.uk', [{ streamId: 2, tier: 'HD' }]);
    await open('one.uk');
    expect((await open('two.uk')).status).toBe(503);
    const events = await eventsOf(f, 'tuner');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      level: 'warn',
      message: 'All tuners in use',
      details: { channelId: 'two.uk', accountId: f.accountId, limit: 1 },
    });
  });

  it('allows a new stream once the previous one ended, and frees the slot within 1 s of a disconnect', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { tunerWaitMs: 0 } } });
    f.addChannel('one.uk', [{ streamId: 1, tier: 'HD' }]);
    f.addChannel('two.uk', [{ streamId: 2, tier: 'HD' }]);
    const first = await open('one.uk');
    await first.waitForBytes(1);
    first.close();
    // The disconnect aborts the upstream request at once and frees the slot.
    await f.provider.waitForOpenStreams((n) => n === 0, 1000);
    await waitUntil(() => f.t.domains.streaming.slots.inUse(f.accountId) === 0, 1000, 'slot release');
    const second = await open('two.uk');
    expect(second.status).toBe(200);
    await second.waitForBytes(1);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([1, 2]);
  });

  it('tracks active connections: slots, sessions and provider connections agree', async () => {
    f = await startStreamFixture({ maxConnections: 3 });
    for (const id of ['a', 'b', 'c', 'd']) f.addChannel(`${id}.uk`, [{ streamId: id.charCodeAt(0), tier: 'SD' }]);
    const streams = [await open('a.uk'), await open('b.uk'), await open('c.uk')];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const streaming = f.t.domains.streaming;
    expect(streaming.slots.inUse(f.accountId)).toBe(3);
    expect(streaming.sessions.size).toBe(3);
    await f.provider.waitForOpenStreams((n) => n === 3);
    expect((await open('d.uk')).status).toBe(503);
    streams[1]!.close();
    await waitUntil(
      () => streaming.slots.inUse(f.accountId) === 2 && streaming.sessions.size === 2,
      1000,
      'one slot freed',
    );
    await f.provider.waitForOpenStreams((n) => n === 2, 1000);
    expect((await open('d.uk')).status).toBe(200);
  });

  it('is race-free: 50 simultaneous requests against a limit of 2 give exactly 2 streams and 48 prompt 503s', async () => {
    const waitMs = 1000;
    f = await startStreamFixture({ maxConnections: 2, app: { config: { tunerWaitMs: waitMs } } });
    // 50 channels: requests for one channel share its hub (see the next test).
    for (let i = 0; i < 50; i++) f.addChannel(`busy${i}.uk`, [{ streamId: 100 + i, tier: 'HD' }]);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const client = await open(`busy${i}.uk`);
        return { status: client.status, after: Date.now() - started, header: client.headers['x-hdhomerun-error'] };
      }),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused).toHaveLength(48);
    expect(refused.every((a) => a.header === '805 All Tuners In Use')).toBe(true);
    expect(Math.max(...refused.map((a) => a.after))).toBeLessThan(waitMs + 1000);
    expect(f.provider.streamRequests()).toHaveLength(2);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(2);
  });

  it('serves 50 simultaneous requests for one channel from one provider connection (single flight)', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { tunerWaitMs: 0 } } });
    f.addChannel('busy.uk', [{ streamId: 9, tier: 'HD' }]);
    const clients = await Promise.all(Array.from({ length: 50 }, () => open('busy.uk')));
    expect(clients.map((c) => c.status)).toEqual(Array(50).fill(200));
    await Promise.all(clients.map((c) => c.waitForBytes(188 * 100)));
    expect(f.provider.streamRequests()).toHaveLength(1);
    expect(f.provider.peakOpenStreams()).toBe(1);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(1);
    expect(f.t.domains.streaming.sessions.size).toBe(50);
  });

  it('lets a zap through: a request on a full account waits for the previous channel to close', async () => {
    // Plex opens the next channel before it closes the previous one.
    f = await startStreamFixture({ maxConnections: 1, app: { config: { tunerWaitMs: 3000 } } });
    f.addChannel('old.uk', [{ streamId: 11, tier: 'HD' }]);
    f.addChannel('new.uk', [{ streamId: 12, tier: 'HD' }]);
    const previous = await open('old.uk');
    await previous.waitForBytes(1);
    const next = open('new.uk');
    await waitUntil(() => f.t.domains.streaming.slots.waiting(f.accountId) === 1, 2000, 'the zap to queue');
    expect(f.provider.streamRequests()).toHaveLength(1); // not connected while the account is full
    const closedAt = Date.now();
    previous.close();
    const zapped = await next;
    expect(zapped.status).toBe(200);
    expect(Date.now() - closedAt).toBeLessThan(1000);
    await zapped.waitForBytes(1);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([11, 12]);
    expect(f.provider.openStreams()).toBe(1);
  });

  it("uses the user's limit, else the provider's advertised limit, else 1", async () => {
    f = await startStreamFixture({ app: { config: { tunerWaitMs: 0 } } });
    for (const id of ['a', 'b', 'c']) f.addChannel(`${id}.uk`, [{ streamId: id.charCodeAt(0), tier: 'SD' }]);
    // No limit anywhere: one connection.
    expect((await open('a.uk')).status).toBe(200);
    expect((await open('b.uk')).status).toBe(503);
    // The provider advertises 2.
    f.db.prepare('UPDATE accounts SET provider_max_connections = 2 WHERE id = ?').run(f.accountId);
    expect((await open('b.uk')).status).toBe(200);
    expect((await open('c.uk')).status).toBe(503);
    // The user's limit wins over the provider's.
    f.db.prepare('UPDATE accounts SET max_connections = 3 WHERE id = ?').run(f.accountId);
    expect((await open('c.uk')).status).toBe(200);
  });
});

describe('stream proxy: a client that leaves early', () => {
  let f: StreamFixture;
  afterEach(() => f.close());

  it('stops waiting for a slot when the client leaves the queue', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { tunerWaitMs: 10_000 } } });
    f.addChannel('one.uk', [{ streamId: 1, tier: 'HD' }]);
    f.addChannel('two.uk', [{ streamId: 2, tier: 'HD' }]);
    const playing = await openStream(`${f.t.url}/stream/one.uk`);
    const controller = new AbortController();
    const queued = fetch(`${f.t.url}/stream/two.uk`, { signal: controller.signal }).catch(() => undefined);
    const streaming = f.t.domains.streaming;
    await waitUntil(() => streaming.slots.waiting(f.accountId) === 1, 2000, 'the request to queue');
    controller.abort();
    await queued;
    await waitUntil(() => streaming.slots.waiting(f.accountId) === 0, 1000, 'the queue to empty');
    // The request that left never takes the slot: once the first stream ends, a new one plays.
    playing.close();
    await waitUntil(() => streaming.slots.inUse(f.accountId) === 0, 1000, 'slot release');
    const next = await openStream(`${f.t.url}/stream/two.uk`);
    expect(next.status).toBe(200);
    next.close();
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([1, 2]);
  });

  it('aborts the upstream request and frees the slot when the client leaves while the provider is slow to answer', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { upstreamConnectTimeoutMs: 30_000 } } });
    f.provider.setStream(3, { fault: { kind: 'stall' } });
    f.addChannel('slow.uk', [{ streamId: 3, tier: 'HD' }]);
    const controller = new AbortController();
    const pending = fetch(`${f.t.url}/stream/slow.uk`, { signal: controller.signal }).catch(() => undefined);
    const streaming = f.t.domains.streaming;
    await waitUntil(() => f.provider.streamRequests().length === 1, 2000, 'the upstream request');
    expect(streaming.sessions.list()[0]?.state).toBe('connecting');
    const hungUpAt = Date.now();
    controller.abort();
    await pending;
    await waitUntil(
      () => streaming.slots.inUse(f.accountId) === 0 && streaming.sessions.size === 0,
      1000,
      'slot release',
    );
    expect(Date.now() - hungUpAt).toBeLessThan(1000);
    // No 'Upstream unavailable' event: the provider did nothing wrong.
    expect((await eventsOf(f, 'stream')).filter((e) => e.message === 'Upstream unavailable')).toEqual([]);
  });
});
