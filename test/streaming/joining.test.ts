import { afterEach, describe, expect, it } from 'vitest';
import { decodeTimeOf } from '../../src/mpegts/index.js';
import { openStream, startStreamFixture, waitUntil, type StreamClient, type StreamFixture } from './stream-fixture.js';
import { packetsOf, randomAccessIndexes } from './ts-bytes.js';

const pmtPid = 0x1000;
const videoPid = 0x100;
// sample.mpegts plays 55,460 bytes in 2.03 s: paced at its own rate, wall time is stream time.
const ownBitrate = 220_000;

/** The DTS (90 kHz) of every video PES start in `bytes`, in order. */
function videoTimes(bytes: Buffer): number[] {
  const times: number[] = [];
  for (const p of packetsOf(bytes)) {
    if (p.pid !== videoPid || !p.startsUnit) continue;
    const time = decodeTimeOf(bytes, p.index * 188);
    if (time !== undefined) times.push(time);
  }
  return times;
}

describe('viewers joining and skipping forward in a shared hub', () => {
  let f: StreamFixture;
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function open(keepBytes = 1024 * 1024): Promise<StreamClient> {
    const client = await openStream(`${f.t.url}/stream/live.uk`, 'GET', keepBytes);
    clients.push(client);
    return client;
  }

  it('a viewer joining a live hub gets PAT and PMT, then starts at a random-access point about 1.5 s behind live', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.provider.setStream(701, { bitrate: ownBitrate });
    f.addChannel('live.uk', [{ streamId: 701, tier: 'HD' }]);
    const first = await open();
    // Three seconds of stream: the hub's ring holds more than the join distance.
    await first.waitForBytes(Math.ceil((ownBitrate / 8) * 3), 10_000);
    const liveTimes = videoTimes(first.head());
    const live = liveTimes[liveTimes.length - 1]!;
    const joiner = await open();
    await joiner.waitForBytes(188 * 50, 5000);
    expect(f.provider.streamRequests()).toHaveLength(1);
    const bytes = joiner.head();
    const packets = packetsOf(bytes);
    expect(packets[0]!.pid).toBe(0);
    expect(packets[1]!.pid).toBe(pmtPid);
    // The first video packet is a random-access point (an IDR), not a picture in the middle of a GOP.
    const firstVideo = packets.find((p) => p.pid === videoPid)!;
    expect(firstVideo.startsUnit).toBe(true);
    expect(randomAccessIndexes(bytes).has(firstVideo.index)).toBe(true);
    // Behind live by about the join distance (1.5 s, rounded to a GOP of 1 s and the provider's
    // 0.5 s chunks): never at live (it would wait for the next IDR), never seconds late.
    const behindMs = ((live - decodeTimeOf(bytes, firstVideo.index * 188)!) * 1000) / 90_000;
    expect(behindMs).toBeGreaterThanOrEqual(500);
    expect(behindMs).toBeLessThanOrEqual(4000);
  });

  it('a viewer that falls behind skips forward: PAT and PMT again, then a random-access point, flagged', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    // Fast enough to fill a paused viewer's queue bound (4 MB) in about a second.
    f.provider.setStream(702, { bitrate: 40_000_000 });
    f.addChannel('live.uk', [{ streamId: 702, tier: 'HD' }]);
    const fast = await open();
    const slow = await open(64 * 1024 * 1024);
    await slow.waitForBytes(188 * 100);
    slow.pause();
    const hub = () => f.t.domains.streaming.hubs.list()[0]!;
    const slowViewer = () => [...hub().viewers].find((v) => v.info.id !== [...hub().viewers][0]!.info.id)!;
    // The slow viewer's queue grows towards its bound, then drops to a restart point: it skipped.
    await waitUntil(() => slowViewer().pendingBytes > 3 * 1024 * 1024, 15_000, 'the slow queue to fill');
    await waitUntil(() => slowViewer().pendingBytes < 1024 * 1024, 15_000, 'the skip');
    slow.resume();
    const before = slow.received();
    await slow.waitForBytes(before + 8 * 1024 * 1024, 15_000);
    expect(fast.received()).toBeGreaterThan(8 * 1024 * 1024);
    const packets = packetsOf(slow.head());
    // The stream as the provider sent it has no discontinuity flag: the first one is the restart.
    const restart = packets.findIndex((p) => p.discontinuity);
    expect(restart).toBeGreaterThan(0);
    const after = packets.slice(restart);
    const order = after.map((p) => p.pid).filter((pid, i, all) => i === 0 || all[i - 1] !== pid);
    expect(order.slice(0, 2)).toEqual([0, pmtPid]);
    const firstVideo = after.find((p) => p.pid === videoPid)!;
    expect(firstVideo.discontinuity).toBe(true);
    expect(firstVideo.startsUnit).toBe(true);
    const restartBytes = slow.head().subarray(restart * 188);
    expect(randomAccessIndexes(restartBytes).has(firstVideo.index - restart)).toBe(true);
    // The viewer is still there, on the same single provider connection.
    expect(f.t.domains.streaming.sessions.size).toBe(2);
    expect(f.provider.streamRequests()).toHaveLength(1);
  });
});
