import { describe, expect, it } from 'vitest';
import { PacketRing } from '../../src/streaming/packet-ring.js';

// Chunks of whole "packets" whose bytes say which chunk they came from, pushed 20-120 ms apart,
// some with random-access points (at packet offsets) and some without.
function feed(rings: PacketRing[], clock: { now: number }, count: number, random: (n: number) => number): void {
  for (let i = 0; i < count; i++) {
    clock.now += 20 + random(100);
    const packets = Buffer.alloc(188 * (1 + random(20)), i & 0xff);
    const raps = random(4) === 0 ? [188 * random(packets.length / 188)] : [];
    for (const ring of rings) ring.push(packets, raps);
  }
}

describe('PacketRing', () => {
  it('replays exactly what an unpruned ring would, up to its replay distance, while keeping less', () => {
    let seed = 3;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const clock = { now: 0 };
    const pruned = new PacketRing(() => clock.now, 1500);
    const full = new PacketRing(() => clock.now, Infinity);
    let smaller = 0;
    for (let round = 0; round < 300; round++) {
      feed([pruned, full], clock, 1 + random(10), random);
      clock.now += random(300);
      for (const behind of [0, 700, 1500]) {
        const a = pruned.replayFrom(behind);
        const b = full.replayFrom(behind);
        expect(a === undefined).toBe(b === undefined);
        if (a && b) expect(a.equals(b)).toBe(true);
      }
      const bytes = (ring: PacketRing) => (ring as unknown as { bytes: number }).bytes;
      if (bytes(pruned) < bytes(full)) smaller++;
    }
    expect(smaller).toBeGreaterThan(200);
  });

  it('keeps nothing while the stream has no random-access point', () => {
    const clock = { now: 0 };
    const ring = new PacketRing(() => clock.now, 1500);
    for (let i = 0; i < 50; i++) {
      clock.now += 100;
      ring.push(Buffer.alloc(188 * 10), []);
    }
    expect((ring as unknown as { bytes: number }).bytes).toBe(0);
    expect(ring.replayFrom(0)).toBeUndefined();
  });
  it('keeps copies in blocks it reuses, never the buffers it was given', () => {
    const clock = { now: 0 };
    const ring = new PacketRing(() => clock.now, 1500);
    const reused = Buffer.alloc(188 * 100, 1);
    ring.push(reused, [0]);
    reused.fill(2); // the caller's buffer is its own again at once (a socket read, a viewer's write)
    expect(ring.replayFrom(0)!.every((byte) => byte === 1)).toBe(true);
    const blocks = new Set<Buffer>();
    for (let i = 0; i < 5000; i++) {
      clock.now += 10;
      ring.push(Buffer.alloc(188 * 100, i & 0xff), [0]); // 94 MB in all, 1.5 s kept: ~2.8 MB
      for (const entry of (ring as unknown as { entries: { block: Buffer }[] }).entries) blocks.add(entry.block);
    }
    expect(blocks.size).toBeLessThan(20);
    const replay = ring.replayFrom(1500)!;
    expect(replay.length).toBe(188 * 100 * 151);
    expect(replay[0]).toBe((5000 - 151) & 0xff);
  });

  it('stays within its share of the replay budget, however fast the stream', () => {
    const clock = { now: 0 };
    let share = 4 * 1024 * 1024;
    const ring = new PacketRing(
      () => clock.now,
      1500,
      () => share,
    );
    const bytes = () => (ring as unknown as { bytes: number }).bytes;
    for (let i = 0; i < 2000; i++) {
      clock.now += 1; // 18.8 kB a millisecond: 150 Mbit/s, far past what the share holds for 1.5 s
      ring.push(Buffer.alloc(188 * 100, i & 0xff), [0]);
      expect(bytes()).toBeLessThanOrEqual(share + 188 * 100);
    }
    share = 1024 * 1024; // more hubs joined: the share shrinks, and the ring with it
    ring.push(Buffer.alloc(188 * 100), [0]);
    expect(bytes()).toBeLessThanOrEqual(share + 188 * 100);
    expect(ring.replayFrom(1500)!.length).toBeLessThanOrEqual(share + 188 * 100);
  });
});
