import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  continuityOf,
  decodeTimeOf,
  hasPayload,
  LoopRebaser,
  pcrOf,
  pidOf,
  shiftTimestamps,
} from '../../src/mpegts/index.js';
import { fixturePath } from '../support/paths.js';
import { packet, pes } from './ts-builder.js';

const pattern = readFileSync(fileURLToPath(new URL('../../src/demo/assets/test-pattern.mpegts', import.meta.url)));

describe('LoopRebaser', () => {
  it("measures the demo pattern's loop: 48 frames at 25 fps", () => {
    expect(new LoopRebaser(pattern).duration90k).toBe(48 * 3600);
  });

  it("makes a loop long enough for audio that runs past the video's last frame", () => {
    // sample.mpegts: 50 frames (180,000 ticks) of video, but its last AAC PES (16 frames of 1024
    // samples at 48 kHz, 30,720 ticks) from 282,960 ends at 313,680: 182,400 after the first audio
    // PES at 131,280. A loop of 180,000 made the next loop's audio start before this one's ended.
    const sample = readFileSync(fixturePath('sample.mpegts'));
    expect(new LoopRebaser(sample).duration90k).toBe(182_400);
  });

  it('plays loops as one stream: timestamps rise by the loop length, continuity counters go on', () => {
    const looper = new LoopRebaser(pattern);
    const loops = [0, 1, 2, 3].map((n) => looper.loop(n));
    expect(loops[0]!.equals(pattern)).toBe(true);
    for (let at = 0; at < pattern.length; at += 188) {
      const time = decodeTimeOf(pattern, at);
      if (time !== undefined) expect(decodeTimeOf(loops[3]!, at)).toBe(time + 3 * looper.duration90k);
      const pcr = pcrOf(pattern, at);
      if (pcr !== undefined) expect(pcrOf(loops[2]!, at)).toBe(pcr + 2 * looper.duration90k);
    }
    const stream = Buffer.concat(loops);
    const lastCc = new Map<number, number>();
    const lastTime = new Map<number, number>();
    for (let at = 0; at < stream.length; at += 188) {
      const pid = pidOf(stream, at);
      const before = lastCc.get(pid);
      if (before !== undefined && pid !== 0x1fff) {
        expect(continuityOf(stream, at)).toBe(hasPayload(stream, at) ? (before + 1) & 15 : before);
      }
      lastCc.set(pid, continuityOf(stream, at));
      const time = decodeTimeOf(stream, at);
      if (time !== undefined) {
        expect(time).toBeGreaterThan(lastTime.get(pid) ?? -1);
        lastTime.set(pid, time);
      }
    }
    expect(
      pattern.equals(
        readFileSync(fileURLToPath(new URL('../../src/demo/assets/test-pattern.mpegts', import.meta.url))),
      ),
    ).toBe(true);
  });
});

describe('shiftTimestamps', () => {
  it('moves PTS and PCR in place, round the 33-bit clock', () => {
    const near = 2 ** 33 - 10;
    const p = packet({ pid: 0x31, start: true, adaptation: [0x10, 0, 0, 0, 0, 0x7e, 0x05], payload: pes(near, [1]) });
    shiftTimestamps(p, 25);
    expect(decodeTimeOf(p)).toBe(15);
    expect(pcrOf(p)).toBe(25);
    expect(p[6 + 4]! & 0x7f).toBe(0x7e); // PCR reserved bits and extension untouched
    expect(p[6 + 5]).toBe(0x05);
    shiftTimestamps(p, -20);
    expect(decodeTimeOf(p)).toBe(2 ** 33 - 5);
  });
});
