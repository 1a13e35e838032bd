import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  type StreamClient,
  type StreamFixture,
} from '../streaming/stream-fixture.js';

describe('DELETE /api/sessions/:hubId', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  beforeEach(async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    f.addChannel('bbc1.uk', [{ streamId: 801, tier: 'HD' }]);
    f.addChannel('itv.uk', [{ streamId: 802, tier: 'HD' }]);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function open(channelId: string): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/${channelId}`);
    clients.push(client);
    expect(client.status).toBe(200);
    await client.waitForBytes(20_000);
    return client;
  }

  async function hubs() {
    const res = await f.t.app.inject({ url: '/api/sessions' });
    return res.json<{ hubs: { id: string; channelId: string; viewers: { id: string }[] }[] }>().hubs;
  }

  it("stops one hub: both viewers' responses end, the provider sees its connection close, the slot frees", async () => {
    const a = await open('bbc1.uk');
    const b = await open('bbc1.uk');
    const other = await open('itv.uk');
    expect(f.provider.openStreams()).toBe(2);
    const hub = (await hubs()).find((h) => h.channelId === 'bbc1.uk')!;
    expect(hub.viewers).toHaveLength(2);

    const res = await f.t.app.inject({ method: 'DELETE', url: `/api/sessions/${hub.id}` });
    expect(res.statusCode).toBe(204);
    await Promise.all([a.ended, b.ended]);
    await f.provider.waitForOpenStreams((n) => n === 1);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(1);
    expect((await hubs()).map((h) => h.channelId)).toEqual(['itv.uk']);
    // The other channel plays on.
    const before = other.received();
    await other.waitForBytes(before + 20_000);

    const stopped = (await eventsOf(f, 'stream')).filter((e) => e.message === 'Stream stopped by admin');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.details).toMatchObject({ hubId: hub.id, channelId: 'bbc1.uk', accountId: f.accountId });
    expect((stopped[0]!.details!.sessionIds as string[]).sort()).toEqual(hub.viewers.map((v) => v.id).sort());
    const ended = (await eventsOf(f, 'stream')).filter((e) => e.message === 'Stream ended');
    expect(ended.filter((e) => e.details?.reason === 'stopped-by-admin')).toHaveLength(2);
  });

  it('answers 404 for an unknown or already stopped hub', async () => {
    await open('bbc1.uk');
    const hub = (await hubs())[0]!;
    expect((await f.t.app.inject({ method: 'DELETE', url: `/api/sessions/${hub.id}` })).statusCode).toBe(204);
    for (const id of [hub.id, 'no-such-hub']) {
      const res = await f.t.app.inject({ method: 'DELETE', url: `/api/sessions/${id}` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'stream not found' });
    }
  });
});
