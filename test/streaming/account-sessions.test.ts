import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from './stream-fixture.js';

/** Deleting or switching off an account ends its live streams at once, not when the viewer zaps away. */
describe('streams of an account that goes away', () => {
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

  async function sessionCount(): Promise<number> {
    return (await f.t.app.inject({ method: 'GET', url: '/api/sessions' })).json<{ total: number }>().total;
  }

  for (const [what, reason, change] of [
    [
      'PATCH isActive:false',
      'account-deactivated',
      (id: number) => ({ method: 'PATCH' as const, url: `/api/accounts/${id}`, payload: { isActive: false } }),
    ],
    ['DELETE', 'account-deleted', (id: number) => ({ method: 'DELETE' as const, url: `/api/accounts/${id}` })],
  ] as const) {
    it(`${what} ends the account's streams: client response, provider connection, slot, event`, async () => {
      const first = await open('bbc1.uk');
      const second = await open('itv.uk');
      expect(await sessionCount()).toBe(2);
      expect(f.provider.openStreams()).toBe(2);

      const res = await f.t.app.inject(change(f.accountId));
      expect(res.statusCode).toBeLessThan(300);

      // Both responses end without the client doing anything; the provider sees its sockets close.
      await Promise.all([first.ended, second.ended]);
      await f.provider.waitForOpenStreams((n) => n === 0);
      expect(await sessionCount()).toBe(0);
      expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);

      const events = await eventsOf(f, 'stream');
      const ended = events.filter((e) => e.message === 'Stream ended');
      expect(ended).toHaveLength(2);
      for (const e of ended) expect(e.details).toMatchObject({ accountId: f.accountId, reason });
      expect(events.find((e) => e.message.startsWith('Ended 2 streams'))?.details).toMatchObject({
        accountId: f.accountId,
        reason,
      });

      // No new stream of that account starts afterwards.
      const after = await openStream(`${f.t.url}/stream/bbc1.uk`);
      clients.push(after);
      expect(after.status).toBeGreaterThanOrEqual(400);
      expect(f.provider.openStreams()).toBe(0);
    });
  }

  it('leaves the streams alone on other changes (a rename)', async () => {
    const client = await open('bbc1.uk');
    const renamed = await f.t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${f.accountId}`,
      payload: { name: 'Renamed', isActive: true },
    });
    expect(renamed.statusCode).toBe(200);
    const before = client.received();
    await client.waitForBytes(before + 20_000);
    expect(await sessionCount()).toBe(1);
  });

  it('a request waiting for a slot of the account does not stream when the account is switched off', async () => {
    await f.close();
    f = await startStreamFixture({ maxConnections: 2, app: { config: { tunerWaitMs: 10_000 } } });
    f.addChannel('bbc1.uk', [{ streamId: 801, tier: 'HD' }]);
    f.addChannel('itv.uk', [{ streamId: 802, tier: 'HD' }]);
    // A third channel: a request for a playing one would join its hub and need no slot.
    f.addChannel('c4.uk', [{ streamId: 803, tier: 'HD' }]);
    await open('bbc1.uk');
    await open('itv.uk');
    const third = openStream(`${f.t.url}/stream/c4.uk`);
    await waitUntil(() => f.t.domains.streaming.slots.waiting(f.accountId) === 1, 5000, 'a queued request');

    const res = await f.t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${f.accountId}`,
      payload: { isActive: false },
    });
    expect(res.statusCode).toBe(200);
    const waited = await third;
    clients.push(waited);
    // The freed slot went to the waiter, which gave up instead of opening the provider stream.
    expect(waited.status).toBe(503);
    expect(f.provider.streamRequests()).toHaveLength(2);
    expect(f.t.domains.streaming.slots.inUse(f.accountId)).toBe(0);
    expect(await sessionCount()).toBe(0);
  });
});
