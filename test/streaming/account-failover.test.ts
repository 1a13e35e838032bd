import { afterEach, describe, expect, it } from 'vitest';
import { backupId, channelWithBackup, primaryId } from './backup-channel.js';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from './stream-fixture.js';

/**
 * An account deleted or switched off while its streams play: a channel that also plays on
 * another active account fails over to it inside the running response; one that does not ends.
 */
describe('streams of an account that goes away, with a candidate on another account', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
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

  it('PATCH isActive:false: the channel with a backup account fails over, the one without ends', async () => {
    const reason = 'account-deactivated';
    f = await startStreamFixture({ maxConnections: 2 });
    const backupAccount = channelWithBackup(f, 'other account');
    f.addChannel('itv.uk', [{ streamId: 803, tier: 'HD' }]);
    const moved = await open('news.uk');
    const ended = await open('itv.uk');
    expect(f.provider.openStreams()).toBe(2);

    const res = await f.t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${f.accountId}`,
      payload: { isActive: false },
    });
    expect(res.statusCode).toBe(200);

    // itv.uk has no other account: its response ends. news.uk goes on from the backup account.
    await ended.ended;
    await waitUntil(() => f.provider.streamRequests().length === 3, 5000, 'the backup request');
    expect(f.provider.streamRequests().map((r) => [r.streamId, r.username])).toEqual([
      [primaryId, f.username],
      [803, f.username],
      [backupId, 'backup-user'],
    ]);
    const at = moved.received();
    await moved.waitForBytes(at + 50_000);
    // The old account's connections are closed and its slots free; the backup holds one of its own.
    await f.provider.waitForOpenStreams((n) => n === 1);
    const slots = f.t.domains.streaming.slots;
    expect(slots.inUse(f.accountId)).toBe(0);
    expect(slots.inUse(backupAccount)).toBe(1);
    const sessions = f.t.domains.streaming.sessions.list();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ channelId: 'news.uk', accountId: backupAccount, streamId: backupId });

    const events = await eventsOf(f, 'stream');
    expect(events.find((e) => e.message === 'Stream failover')?.details).toMatchObject({
      channelId: 'news.uk',
      from: { accountId: f.accountId, streamId: primaryId },
      to: { accountId: backupAccount, streamId: backupId },
      reason,
    });
    const endedEvents = events.filter((e) => e.message === 'Stream ended');
    expect(endedEvents).toHaveLength(1);
    expect(endedEvents[0]!.details).toMatchObject({ channelId: 'itv.uk', reason });
    expect(events.find((e) => e.message.startsWith('Ended 1 stream'))?.details).toMatchObject({
      accountId: f.accountId,
      reason,
    });
  });

  it("DELETE of the primary mapping's account ends the stream: the lineup no longer plays the channel", async () => {
    // Deleting the account deletes its provider channels and so the channel's primary mapping; the
    // lineup then answers 404 for the channel (a new tune too) until it is mapped again.
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'other account');
    const client = await open('news.uk');
    const res = await f.t.app.inject({ method: 'DELETE', url: `/api/accounts/${f.accountId}` });
    expect(res.statusCode).toBeLessThan(300);
    await client.ended;
    await f.provider.waitForOpenStreams((n) => n === 0);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId]);
    const events = await eventsOf(f, 'stream');
    expect(events.find((e) => e.message === 'Stream ended')?.details).toMatchObject({ reason: 'account-deleted' });
    const again = await openStream(`${f.t.url}/stream/news.uk`);
    clients.push(again);
    expect(again.status).toBe(404);
  });

  it('ends the stream when the other account cannot play it either', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'other account');
    f.provider.setStream(backupId, { fault: { kind: 'status', status: 500 } });
    const client = await open('news.uk');
    const res = await f.t.app.inject({
      method: 'PATCH',
      url: `/api/accounts/${f.accountId}`,
      payload: { isActive: false },
    });
    expect(res.statusCode).toBe(200);
    await client.ended;
    await f.provider.waitForOpenStreams((n) => n === 0);
    const events = await eventsOf(f, 'stream');
    expect(events.find((e) => e.message === 'All candidates failed')?.details).toMatchObject({
      channelId: 'news.uk',
      reason: 'account-deactivated',
    });
    expect(events.find((e) => e.message === 'Stream ended')?.details).toMatchObject({
      reason: 'account-deactivated',
    });
    expect(f.t.domains.streaming.sessions.size).toBe(0);
  });
});
