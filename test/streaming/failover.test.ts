import { afterEach, describe, expect, it } from 'vitest';
import type { StreamFault } from '../support/fake-xtream-provider.js';
import { backupId, channelWithBackup, primaryId } from './backup-channel.js';
import {
  eventsOf,
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from './stream-fixture.js';

/** Whole packets only: every 188th byte is the sync byte. */
function expectWholePackets(bytes: Buffer): void {
  expect(bytes.length).toBeGreaterThan(0);
  const whole = Math.floor(bytes.length / 188);
  const misaligned = Array.from({ length: whole }, (_, i) => i).filter((i) => bytes[i * 188] !== 0x47);
  expect(misaligned).toEqual([]);
}

/** How many null packets (PID 0x1FFF) the bytes hold; the sample stream has none of its own. */
function nullPackets(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i + 188 <= bytes.length; i += 188) if (bytes[i + 1] === 0x1f && bytes[i + 2] === 0xff) n++;
  return n;
}

describe('stream failover', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function play(): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/news.uk`, 'GET', 4 * 1024 * 1024);
    clients.push(client);
    return client;
  }

  async function expectNoLeak(backupAccount: number): Promise<void> {
    for (const c of clients.splice(0)) c.close();
    await f.provider.waitForOpenStreams((n) => n === 0, 3000);
    const slots = f.t.domains.streaming.slots;
    await waitUntil(() => slots.inUse(f.accountId) + slots.inUse(backupAccount) === 0, 3000, 'slots freed');
    expect(f.t.domains.streaming.sessions.size).toBe(0);
  }

  const connectFaults: [string, StreamFault][] = [
    ['refuses', { kind: 'refuse' }],
    ['answers 500', { kind: 'status', status: 500 }],
    ['sends an HTML page labelled video/mp2t', { kind: 'html' }],
    ['sends an HTML page without a content type', { kind: 'html', contentType: '' }],
    ['hangs', { kind: 'stall' }],
    ['stalls after its headers', { kind: 'stall-after-headers' }],
    ['sends garbage bytes', { kind: 'garbage' }],
  ];
  for (const where of ['same account', 'other account'] as const) {
    it.each(connectFaults)(`plays the backup (${where}) when the primary %s`, async (_name, fault) => {
      f = await startStreamFixture({ maxConnections: 2, app: { config: { upstreamConnectTimeoutMs: 800 } } });
      const backupAccount = channelWithBackup(f, where);
      f.provider.setStream(primaryId, { fault });
      const started = Date.now();
      const client = await play();
      expect(client.status).toBe(200);
      await client.waitForBytes(188 * 100);
      // Within the connect timeout + 1 s even when the primary hangs.
      expect(Date.now() - started).toBeLessThan(800 + 1000 + 1000);
      expectWholePackets(client.head());
      expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
      expect(f.provider.streamRequests()[1]!.username).toBe(where === 'same account' ? f.username : 'backup-user');
      const events = await eventsOf(f, 'stream');
      expect(events.find((e) => e.message === 'Stream failover')?.details).toMatchObject({
        channelId: 'news.uk',
        from: { streamId: primaryId, accountId: f.accountId },
        to: { streamId: backupId, accountId: backupAccount },
        reason: 'connect',
      });
      const sessions = (await f.t.app.inject({ method: 'GET', url: '/api/sessions' })).json<{
        hubs: { candidate: { streamId: number }; failovers: number; viewers: unknown[] }[];
      }>();
      expect(sessions.hubs).toMatchObject([{ candidate: { streamId: backupId }, failovers: 1 }]);
      expect(sessions.hubs[0]!.viewers).toHaveLength(1);
      // No password in any event.
      expect(JSON.stringify(events)).not.toContain(f.password);
      await expectNoLeak(backupAccount);
    });
  }

  it('skips the rest of an account after a 403, and uses another account', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'status', status: 403 } });
    const refused = await play();
    expect(refused.status).toBe(503);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId]);
    await f.close();

    f = await startStreamFixture({ maxConnections: 2 });
    const other = channelWithBackup(f, 'other account');
    f.provider.setStream(primaryId, { fault: { kind: 'status', status: 403 } });
    const client = await play();
    expect(client.status).toBe(200);
    await client.waitForBytes(188 * 10);
    expect(f.provider.streamRequests().map((r) => [r.streamId, r.username])).toEqual([
      [primaryId, f.username],
      [backupId, 'backup-user'],
    ]);
    await expectNoLeak(other);
  });

  it('plays the backup within 2 s of the request when the primary refuses', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'refuse' } });
    const started = Date.now();
    const client = await play();
    await client.waitForBytes(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  for (const where of ['same account', 'other account'] as const) {
    for (const [name, fault] of [
      ['stalls', { kind: 'stall-after', afterBytes: 188 * 700 }],
      ['closes early', { kind: 'close-early', afterBytes: 188 * 700 }],
      ['drips', { kind: 'drip', intervalMs: 200 }],
    ] as [string, StreamFault][]) {
      it(`keeps the response open when the primary ${name} mid-stream (${where}): null packets, then the backup`, async () => {
        f = await startStreamFixture({ maxConnections: 1, app: { config: { stallTimeoutMs: 500 } } });
        const backupAccount = channelWithBackup(f, where);
        f.provider.setStream(primaryId, { fault });
        // A slow backup: recovery takes a while, and the client must stay busy meanwhile.
        f.provider.setStream(backupId, { delayMs: 1500 });
        const client = await play();
        expect(client.status).toBe(200);
        await waitUntil(() => f.provider.streamRequests().length === 2, 10_000, 'the backup request');
        await client.waitForBytes(client.received() + 188 * 200, 10_000);
        const bytes = client.head();
        expectWholePackets(bytes);
        expect(nullPackets(bytes)).toBeGreaterThan(0);
        // The backup's bytes follow the null packets: real packets after the last null one.
        const lastNull = bytes.lastIndexOf(Buffer.from([0x47, 0x1f, 0xff, 0x10]));
        expect(bytes.length - lastNull).toBeGreaterThan(188 * 100);
        expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
        const failover = (await eventsOf(f, 'stream')).find((e) => e.message === 'Stream failover');
        expect(failover?.details).toMatchObject({
          from: { streamId: primaryId },
          to: { streamId: backupId, accountId: backupAccount },
          reason: name === 'stalls' ? 'stall' : name === 'drips' ? 'slow' : expect.stringMatching(/^(error|ended)$/),
        });
        expect(failover!.details!.recoveredMs).toBeGreaterThanOrEqual(1400);
        await expectNoLeak(backupAccount);
      });
    }
  }

  it('keeps playing the backup past the recovery bound (the bound ends a recovery, not the stream it found)', async () => {
    const recoveryTimeoutMs = 1000;
    f = await startStreamFixture({ maxConnections: 2, app: { config: { stallTimeoutMs: 500, recoveryTimeoutMs } } });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'stall-after', afterBytes: 188 * 700 } });
    const client = await play();
    await waitUntil(() => f.provider.streamRequests().length === 2, 10_000, 'the backup request');
    const failedOverAt = Date.now();
    await client.waitForBytes(client.received() + 188 * 100, 10_000);
    // Well past the bound, the backup still plays on the one request it had.
    await new Promise((r) => setTimeout(r, recoveryTimeoutMs + 1000 - (Date.now() - failedOverAt)));
    const before = client.received();
    await client.waitForBytes(before + 188 * 100, 10_000);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
    const events = await eventsOf(f, 'stream');
    expect(events.filter((e) => e.message === 'Stream failover')).toHaveLength(1);
    expect(events.filter((e) => e.message === 'All candidates failed')).toHaveLength(0);
  });

  it('ends the response once every candidate failed, and records it', async () => {
    f = await startStreamFixture({ maxConnections: 2, app: { config: { stallTimeoutMs: 500 } } });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'stall-after', afterBytes: 188 * 700 } });
    f.provider.setStream(backupId, { fault: { kind: 'status', status: 500 } });
    const client = await play();
    expect(client.status).toBe(200);
    await client.ended;
    expectWholePackets(client.head());
    const events = await eventsOf(f, 'stream');
    expect(events.find((e) => e.message === 'All candidates failed')?.details).toMatchObject({
      channelId: 'news.uk',
      reason: 'stall',
    });
    expect(events.find((e) => e.message === 'Stream ended')?.details).toMatchObject({ reason: 'upstream-error' });
    await expectNoLeak(f.accountId);
  });

  it('starts the next tune with the backup that worked (the primary cools down)', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'status', status: 500 } });
    const first = await play();
    await first.waitForBytes(188);
    first.close();
    await f.provider.waitForOpenStreams((n) => n === 0);
    const second = await play();
    await second.waitForBytes(188);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId, backupId]);
  });

  it('starts the next tune with a primary the user chose after the last one (what worked before yields)', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    const first = await play();
    await first.waitForBytes(188);
    first.close();
    await f.provider.waitForOpenStreams((n) => n === 0);

    const list = (await f.t.app.inject({ url: '/api/channels' })).json<{
      items: { id: number; mappings: { xtreamChannelId: number; isPrimary: boolean }[] }[];
    }>();
    const channel = list.items[0]!;
    const backup = channel.mappings.find((m) => !m.isPrimary)!;
    const chosen = await f.t.app.inject({
      method: 'POST',
      url: `/api/channels/${channel.id}/primary`,
      payload: { xtreamChannelId: backup.xtreamChannelId },
    });
    expect(chosen.statusCode).toBe(200);
    const second = await play();
    await second.waitForBytes(188);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
  });
});
