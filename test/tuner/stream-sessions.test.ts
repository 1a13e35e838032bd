import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from '../streaming/stream-fixture.js';

interface ApiSession {
  id: string;
  channelId: string;
  accountId: number;
  streamId: number;
  tier: string;
  clientAddress: string;
  state: string;
  startedAt: string;
  bytesSent: number;
}

/** Seed story 4-4, group "session tracking": `GET /api/sessions` before, during and after. */
describe('stream proxy: session tracking', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  beforeEach(async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    f.addChannel('bbc1.uk', [
      { streamId: 701, tier: 'SD' },
      { streamId: 702, tier: 'FHD' },
    ]);
    f.addChannel('itv.uk', [{ streamId: 703, tier: 'HD' }]);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function sessions(): Promise<{ items: ApiSession[]; total: number }> {
    const res = await f.t.app.inject({ method: 'GET', url: '/api/sessions' });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  async function open(channelId: string): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/${channelId}`);
    clients.push(client);
    expect(client.status).toBe(200);
    return client;
  }

  it('creates a session with its metadata when a stream starts, and counts the bytes sent', async () => {
    expect(await sessions()).toEqual({ items: [], total: 0, hubs: [] });
    const before = Date.now();
    const client = await open('bbc1.uk');
    await client.waitForBytes(50_000);
    const { items, total } = await sessions();
    expect(total).toBe(1);
    const session = items[0]!;
    expect(session).toMatchObject({
      channelId: 'bbc1.uk',
      accountId: f.accountId,
      streamId: 702,
      tier: 'FHD',
      clientAddress: '127.0.0.1',
      state: 'streaming',
    });
    expect(session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.parse(session.startedAt)).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(session.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(session.bytesSent).toBeGreaterThanOrEqual(50_000);
    // The count moves while the stream runs.
    await client.waitForBytes(session.bytesSent + 20_000);
    expect((await sessions()).items[0]!.bytesSent).toBeGreaterThan(session.bytesSent);
  });

  it('gives every stream a unique session id', async () => {
    await open('bbc1.uk');
    await open('itv.uk');
    const { items } = await sessions();
    expect(items.map((s) => s.channelId).sort()).toEqual(['bbc1.uk', 'itv.uk']);
    expect(new Set(items.map((s) => s.id)).size).toBe(2);
  });

  it('removes the session when the client disconnects, and records start and end events', async () => {
    const client = await open('bbc1.uk');
    await client.waitForBytes(1000);
    const [session] = (await sessions()).items;
    client.close();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'session removal');
    expect(await sessions()).toEqual({ items: [], total: 0, hubs: [] });
    const events = await eventsOf(f, 'stream');
    const started = events.find((e) => e.message === 'Stream started');
    const ended = events.find((e) => e.message === 'Stream ended');
    expect(started?.details).toMatchObject({
      sessionId: session!.id,
      channelId: 'bbc1.uk',
      streamId: 702,
      tier: 'FHD',
    });
    expect(ended?.details).toMatchObject({ sessionId: session!.id, reason: 'client-closed' });
    expect(ended!.details!.bytesSent).toBeGreaterThanOrEqual(1000);
  });

  it('removes the session when the upstream ends the stream', async () => {
    f.provider.setStream(703, { totalBytes: 188 * 500 });
    const client = await open('itv.uk');
    await client.ended;
    expect(client.received()).toBe(188 * 500);
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'session removal');
    const ended = (await eventsOf(f, 'stream')).find((e) => e.message === 'Stream ended');
    expect(ended?.details).toMatchObject({ reason: 'upstream-ended', bytesSent: 188 * 500 });
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
  });

  it('ends every session and frees every slot when the app shuts down', async () => {
    const a = await open('bbc1.uk');
    const b = await open('itv.uk');
    await f.provider.waitForOpenStreams((n) => n === 2);
    const streaming = f.t.domains.streaming;
    await f.t.app.close();
    await Promise.all([a.ended, b.ended]);
    expect(streaming.sessions.size).toBe(0);
    expect(streaming.slots.inUse(f.accountId)).toBe(0);
    await f.provider.waitForOpenStreams((n) => n === 0, 1000);
  });
});
