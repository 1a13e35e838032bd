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
import { firstSwitch, packetsOf, randomAccessIndexes } from './ts-bytes.js';

const pmtPid = 0x1000;
const videoPid = 0x100;

describe('failover rules', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function play(keepBytes = 4 * 1024 * 1024): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/news.uk`, 'GET', keepBytes);
    clients.push(client);
    return client;
  }

  it("sends the new upstream's PAT and PMT before its other packets, each PID's first packet flagged", async () => {
    f = await startStreamFixture({ maxConnections: 2, app: { config: { stallTimeoutMs: 500 } } });
    channelWithBackup(f, 'same account');
    const cut = 700;
    f.provider.setStream(primaryId, { fault: { kind: 'stall-after', afterBytes: 188 * cut } });
    f.provider.setStream(backupId, { recording: 'backup' });
    const client = await play();
    await waitUntil(() => f.provider.streamRequests().length === 2, 10_000, 'the backup request');
    await client.waitForBytes(188 * (cut + 1500), 10_000);
    const bytes = client.head();
    const packets = packetsOf(bytes);
    // The primary's packets are never flagged; the first flagged one is where the backup begins.
    const at = firstSwitch(packets);
    expect(at).toBeGreaterThanOrEqual(cut);
    expect(packets.slice(0, at).every((p) => !p.discontinuity)).toBe(true);
    // Between the primary's last packet and the switch: null packets only (keep-alive while recovering).
    expect(packets.slice(cut, at).every((p) => p.pid === 0x1fff)).toBe(true);
    const backup = packets.slice(at).filter((p) => p.pid !== 0x1fff);
    // PAT first, then the PMT, then the rest (a flag with no room in its packet comes in an
    // adaptation-field-only packet of the same PID just before it).
    const order = backup.map((p) => p.pid).filter((pid, i, all) => i === 0 || all[i - 1] !== pid);
    expect(order.slice(0, 2)).toEqual([0, pmtPid]);
    expect(backup.findIndex((p) => p.pid === 0 && p.startsUnit)).toBeLessThan(
      backup.findIndex((p) => p.pid === pmtPid && p.startsUnit),
    );
    // Each PID's first packet after the switch carries the discontinuity indicator.
    const firstOf = new Map<number, (typeof backup)[number]>();
    for (const p of backup) if (!firstOf.has(p.pid)) firstOf.set(p.pid, p);
    expect([...firstOf.keys()]).toEqual(expect.arrayContaining([0, pmtPid, videoPid, videoPid + 1]));
    for (const p of firstOf.values()) expect(p.discontinuity).toBe(true);
    // The backup's video starts at a random-access point (nothing of a GOP begun before it).
    const backupBytes = bytes.subarray(at * 188);
    const raps = randomAccessIndexes(backupBytes);
    const firstVideo = backup.find((p) => p.pid === videoPid && p.startsUnit)!.index - at;
    expect(raps.has(firstVideo)).toBe(true);
  });

  it('reconnects an upstream that was healthy for 30 s once, then moves on when the reconnect dies young', async () => {
    // The engine's clock, moved forward by the test: "healthy for 30 s" without waiting 30 s. The
    // stall timeout is longer than the jump, so the jump itself is no stall.
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    f = await startStreamFixture({
      maxConnections: 2,
      app: { deps: { clock }, config: { stallTimeoutMs: 40_000 } },
    });
    channelWithBackup(f, 'same account');
    // Every connection of the primary closes after ~3 s of stream: long enough that the clock has
    // jumped before the first one ends, even on a busy machine.
    f.provider.setStream(primaryId, { fault: { kind: 'close-early', afterBytes: 188 * 4000 } });
    const client = await play();
    await client.waitForBytes(188 * 100);
    offset += 31_000;
    await waitUntil(() => f.provider.streamRequests().length === 3, 15_000, 'a reconnect, then the backup');
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, primaryId, backupId]);
    const events = (await eventsOf(f, 'stream')).reverse();
    const reconnected = events.find((e) => e.message === 'Stream reconnected');
    expect(reconnected?.details).toMatchObject({ from: { streamId: primaryId }, to: { streamId: primaryId } });
    expect(reconnected!.details!.healthyMs).toBeGreaterThanOrEqual(30_000);
    const failover = events.find((e) => e.message === 'Stream failover');
    expect(failover?.details).toMatchObject({ from: { streamId: primaryId }, to: { streamId: backupId } });
    expect(failover!.details!.healthyMs).toBeLessThan(30_000);
    const hub = f.t.domains.streaming.listHubs()[0]!;
    expect(hub).toMatchObject({ reconnects: 1, failovers: 1, candidate: { streamId: backupId } });
    // One response throughout.
    expect(f.t.domains.streaming.sessions.size).toBe(1);
  });

  it('moves on to the next candidate at once when an upstream dies before 30 s of health', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'close-early', afterBytes: 188 * 700 } });
    const client = await play();
    await waitUntil(() => f.provider.streamRequests().length === 2, 10_000, 'the backup request');
    await client.waitForBytes(188 * 1000);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
    expect((await eventsOf(f, 'stream')).some((e) => e.message === 'Stream reconnected')).toBe(false);
  });

  const redirects: [string, StreamFault][] = [
    ['redirects past the cap (a chain of 10)', { kind: 'redirect-chain', hops: 10 }],
    ['redirects to a file', { kind: 'redirect-to', location: 'file:///etc/passwd' }],
  ];
  it.each(redirects)('plays the backup within 2 s when the primary %s', async (_name, fault) => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault });
    const started = Date.now();
    const client = await play();
    expect(client.status).toBe(200);
    await client.waitForBytes(188 * 10);
    expect(Date.now() - started).toBeLessThan(2000);
    const requested = f.provider.streamRequests().map((r) => r.streamId);
    // The primary's hops the guard followed (at most the cap of 5), then the backup once.
    expect(requested.at(-1)).toBe(backupId);
    expect(requested.slice(0, -1).every((id) => id === primaryId)).toBe(true);
    expect(requested.length - 1).toBeLessThanOrEqual(1 + 5);
    const unavailable = (await eventsOf(f, 'stream')).find((e) => e.message === 'Upstream unavailable');
    expect(unavailable?.details).toMatchObject({ streamId: primaryId, reason: 'redirect' });
    expect(JSON.stringify(unavailable)).not.toContain('/etc/passwd');
    client.close();
    await f.provider.waitForOpenStreams((n) => n === 0, 3000);
    await waitUntil(() => f.t.domains.streaming.slots.inUse(f.accountId) === 0, 3000, 'slots freed');
  });
});
