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
});
