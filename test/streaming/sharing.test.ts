import { afterEach, describe, expect, it } from 'vitest';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from './stream-fixture.js';

/** One upstream per channel, shared by its viewers; slots follow the provider's real connections. */
describe('shared channel hubs', () => {
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

  it('serves 3 viewers of a channel from 1 provider connection, using 1 tuner slot', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { tunerWaitMs: 0 } } });
    f.addChannel('bbc1.uk', [{ streamId: 501, tier: 'HD' }]);
    const viewers = [await open('bbc1.uk'), await open('bbc1.uk'), await open('bbc1.uk')];
    expect(viewers.map((v) => v.status)).toEqual([200, 200, 200]);
    await Promise.all(viewers.map((v) => v.waitForBytes(188 * 200)));
    for (const v of viewers) expect(v.head()[0]).toBe(0x47);
    expect(f.provider.streamRequests()).toHaveLength(1);
    expect(f.provider.peakOpenStreams()).toBe(1);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(1);
    const { hubs, items } = (await f.t.app.inject({ method: 'GET', url: '/api/sessions' })).json<{
      items: { id: string }[];
      hubs: { channelId: string; viewers: { id: string; clientAddress: string; bytesSent: number }[] }[];
    }>();
    expect(items).toHaveLength(3);
    expect(hubs).toHaveLength(1);
    expect(hubs[0]!.viewers.map((v) => v.id).sort()).toEqual(items.map((i) => i.id).sort());
    expect(hubs[0]!.viewers.every((v) => v.clientAddress === '127.0.0.1' && v.bytesSent > 0)).toBe(true);
    // The hub (one provider connection) is one emulated tuner, watched by three.
    const tuners = (await f.t.app.inject({ method: 'GET', url: '/status.json' })).json<{ TargetIP?: string }[]>();
    expect(tuners).toEqual([expect.objectContaining({ Resource: 'tuner0', TargetIP: '127.0.0.1', Viewers: 3 })]);
  });

  it('drops a viewer that stops reading while the others keep receiving', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.provider.setStream(502, { unpaced: true });
    f.addChannel('fast.uk', [{ streamId: 502, tier: 'HD' }]);
    const slow = await open('fast.uk');
    const fast = await open('fast.uk');
    await slow.waitForBytes(188 * 100);
    slow.pause();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 1, 15_000, 'the slow viewer to be dropped');
    const at = fast.received();
    await fast.waitForBytes(at + 20_000_000, 20_000);
    const tooSlow = (await eventsOf(f, 'stream')).find((e) => e.message === 'Viewer too slow');
    expect(tooSlow).toBeDefined();
    expect(f.t.domains.streaming.sessions.size).toBe(1);
    expect(f.provider.streamRequests()).toHaveLength(1);
  });

  it('keeps the upstream for the grace after the last viewer left, then closes it and frees the slot', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { hubGraceMs: 1500 } } });
    f.addChannel('bbc1.uk', [{ streamId: 503, tier: 'HD' }]);
    const first = await open('bbc1.uk');
    await first.waitForBytes(188 * 10);
    first.close();
    const leftAt = Date.now();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'the viewer to leave');
    // A zap back within the grace reuses the upstream.
    const back = await open('bbc1.uk');
    expect(back.status).toBe(200);
    await back.waitForBytes(188 * 10);
    expect(f.provider.streamRequests()).toHaveLength(1);
    back.close();
    await f.provider.waitForOpenStreams((n) => n === 0, 5000);
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(1400);
    await waitUntil(() => f.t.domains.streaming.slots.inUse(f.accountId) === 0, 1000, 'slot release');
    expect(f.t.domains.streaming.listHubs()).toEqual([]);
  });

  it('closes a lingering hub at once when a request needs its account slot', async () => {
    f = await startStreamFixture({ maxConnections: 1, app: { config: { hubGraceMs: 30_000, tunerWaitMs: 5000 } } });
    f.addChannel('old.uk', [{ streamId: 504, tier: 'HD' }]);
    f.addChannel('new.uk', [{ streamId: 505, tier: 'HD' }]);
    const old = await open('old.uk');
    await old.waitForBytes(188 * 10);
    old.close();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 1000, 'the viewer to leave');
    const zappedAt = Date.now();
    const next = await open('new.uk');
    expect(next.status).toBe(200);
    expect(Date.now() - zappedAt).toBeLessThan(1500);
    await next.waitForBytes(188 * 10);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([504, 505]);
    expect(f.provider.peakOpenStreams()).toBe(1);
  });

  it('never lets the provider see more open streams than the limit during a zap storm', async () => {
    f = await startStreamFixture({ maxConnections: 2, app: { config: { tunerWaitMs: 3000, hubGraceMs: 200 } } });
    const channels = ['a', 'b', 'c', 'd', 'e'].map((id, i) => {
      f.addChannel(`${id}.uk`, [{ streamId: 600 + i, tier: 'HD' }]);
      return `${id}.uk`;
    });
    // Four viewers zapping at once, each through 12 channels, sometimes before the first byte.
    await Promise.all(
      Array.from({ length: 4 }, async (_, viewer) => {
        for (let zap = 0; zap < 12; zap++) {
          const client = await open(channels[(viewer * 3 + zap * 7) % channels.length]!);
          if (client.status === 200 && zap % 3 !== 0) await client.waitForBytes(188 * 5).catch(() => undefined);
          client.close();
        }
      }),
    );
    expect(f.provider.streamRequests().length).toBeGreaterThan(4);
    expect(f.provider.peakOpenStreams()).toBeLessThanOrEqual(2);
    await f.provider.waitForOpenStreams((n) => n === 0, 5000);
    await waitUntil(() => f.t.domains.streaming.slots.inUse(f.accountId) === 0, 2000, 'slots freed');
  });
});
