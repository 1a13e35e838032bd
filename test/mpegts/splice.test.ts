import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  continuityOf,
  decodeTimeOf,
  hasPayload,
  markDiscontinuity,
  nullPacket,
  pcrOf,
  pidOf,
  startsUnit,
  StreamSplicer,
} from '../../src/mpegts/index.js';
import { fixturePath } from '../support/paths.js';
import { packet, packetsOf, patPacket, pes, pmtPacket } from './ts-builder.js';

const sample = readFileSync(fixturePath('sample.mpegts'));
const backup = readFileSync(fixturePath('backup.mpegts'));

const discontinuous = (p: Buffer) => (p[3]! & 0x20) !== 0 && p[4]! > 0 && (p[5]! & 0x80) !== 0;

/** Continuity errors as ffmpeg counts them: a counter that does not follow, unless flagged discontinuous. */
function continuityErrors(stream: Buffer): string[] {
  const last = new Map<number, number>();
  const errors: string[] = [];
  packetsOf(stream).forEach((p, index) => {
    const pid = pidOf(p);
    if (pid === 0x1fff) return;
    const before = last.get(pid);
    const expected = before === undefined ? undefined : hasPayload(p) ? (before + 1) & 15 : before;
    if (expected !== undefined && !discontinuous(p) && continuityOf(p) !== expected) {
      errors.push(`packet ${index} pid ${pid}: ${continuityOf(p)} after ${before}`);
    }
    last.set(pid, continuityOf(p));
  });
  return errors;
}

function splice(first: Buffer, second: Buffer, chunk = 188 * 7): Buffer {
  const splicer = new StreamSplicer();
  const out: Buffer[] = [];
  const feed = (data: Buffer) => {
    for (let at = 0; at < data.length; at += chunk) {
      const packets = splicer.push(data.subarray(at, at + chunk));
      if (packets) out.push(packets);
    }
  };
  feed(first);
  splicer.startSegment();
  feed(second);
  return Buffer.concat(out);
}

describe('StreamSplicer', () => {
  it('passes the first segment straight through, the same bytes, whole packets only', () => {
    const splicer = new StreamSplicer();
    const chunk = sample.subarray(0, 188 * 10);
    expect(splicer.push(chunk)).toBe(chunk);
    expect(splicer.push(sample.subarray(0, 188 * 2 + 50))!.equals(sample.subarray(0, 188 * 2))).toBe(true);
    expect(splicer.push(sample.subarray(0, 50))).toBeUndefined();
  });

  it('after a switch: holds until PAT and PMT, sends them first, flags each PID once, drops partial PES', () => {
    const video = 0x31;
    const audio = 0x32;
    const splicer = new StreamSplicer();
    splicer.push(
      Buffer.concat([
        patPacket(0x30, 4),
        pmtPacket(
          0x30,
          [
            [0x1b, video],
            [0x0f, audio],
          ],
          9,
        ),
      ]),
    );
    splicer.startSegment();
    const input = [
      packet({ pid: video, cc: 5, payload: [1, 2, 3] }), // rest of a PES begun before: dropped
      packet({ pid: audio, cc: 2, start: true, payload: pes(1800, [0xff, 0xf1]) }), // no adaptation field
      patPacket(0x30, 7),
      packet({ pid: video, cc: 6, start: true, adaptation: [0x40], payload: pes(3600, [0, 0, 1, 0x65]) }),
      pmtPacket(
        0x30,
        [
          [0x1b, video],
          [0x0f, audio],
        ],
        3,
      ),
    ];
    expect(splicer.push(Buffer.concat(input.slice(0, 3)))).toBeUndefined(); // no PMT yet
    const out = packetsOf(splicer.push(Buffer.concat(input.slice(3)))!);
    const later = splicer.push(Buffer.concat([packet({ pid: audio, cc: 3, payload: [4] }), nullPacket()]))!;

    expect(out.map((p) => pidOf(p))).toEqual([0, 0, 0x30, 0x30, audio, audio, video]);
    // PAT and PMT have no adaptation field: each is preceded by an adaptation-field-only packet
    // flagged discontinuous, whose counter the PAT/PMT's own then follows.
    expect(out.map(discontinuous)).toEqual([true, false, true, false, true, false, true]);
    expect(out[0]![3]! & 0x30).toBe(0x20);
    expect(out[0]![4]).toBe(183);
    expect(continuityOf(out[0]!)).toBe(6);
    expect(out[1]!.equals(patPacket(0x30, 7))).toBe(true);
    expect(continuityOf(out[2]!)).toBe(2);
    expect(continuityOf(out[4]!)).toBe(1);
    // The video packet had an adaptation field: the bit is set in it, nothing inserted.
    expect(out[6]![5]).toBe(0x40 | 0x80);
    expect(continuityErrors(Buffer.concat(out))).toEqual([]);
    // Once flagged, a PID's packets go out as they are; null packets are never flagged.
    expect(packetsOf(later).map(discontinuous)).toEqual([false, false]);
  });

  it('after a switch: leaves out video before the first random-access point, keeps the audio', () => {
    const video = 0x31;
    const audio = 0x32;
    const splicer = new StreamSplicer();
    splicer.push(patPacket(0x30));
    splicer.startSegment();
    const out = packetsOf(
      splicer.push(
        Buffer.concat([
          patPacket(0x30, 1),
          pmtPacket(
            0x30,
            [
              [0x1b, video],
              [0x0f, audio],
            ],
            1,
          ),
          packet({ pid: video, cc: 1, start: true, payload: pes(3600, [0, 0, 1, 0x41]) }), // P slice
          packet({ pid: audio, cc: 1, start: true, payload: pes(3000, [0xff, 0xf1]) }),
        ]),
      )!,
    );
    expect(out.map((p) => pidOf(p))).toEqual([0, 0, 0x30, 0x30, audio, audio]);
    const later = packetsOf(
      splicer.push(
        Buffer.concat([
          packet({ pid: video, cc: 2, payload: [7] }),
          packet({ pid: video, cc: 3, start: true, payload: pes(7200, [0, 0, 1, 0x41]) }), // P slice
          packet({ pid: audio, cc: 2, payload: [7] }),
          packet({ pid: video, cc: 4, start: true, payload: pes(10800, [0, 0, 1, 0x65]) }), // IDR
          packet({ pid: video, cc: 5, payload: [7] }),
        ]),
      )!,
    );
    expect(later.map((p) => pidOf(p))).toEqual([audio, video, video, video]);
    expect(later.map(discontinuous)).toEqual([false, true, false, false]);
    expect(continuityErrors(Buffer.concat([...out, ...later]))).toEqual([]);
  });

  it('does not wait for a stream the PMT names but that is never sent', () => {
    const splicer = new StreamSplicer();
    splicer.push(patPacket(0x30));
    splicer.startSegment();
    const pmt = pmtPacket(0x30, [
      [0x0f, 0x32],
      [0x0f, 0x33],
    ]); // a second audio track, never sent
    const audio = (cc: number) => packet({ pid: 0x32, cc, start: true, payload: pes(cc * 1920, [0xff, 0xf1]) });
    expect(splicer.push(Buffer.concat([patPacket(0x30, 1), pmt, audio(0)]))).toBeUndefined();
    let pushed = 0;
    let out: Buffer | undefined;
    while (!out) {
      out = splicer.push(Buffer.concat(Array.from({ length: 100 }, (_, i) => audio(i + 1))));
      pushed += 100 * 188;
    }
    expect(pushed).toBeGreaterThan(256 * 1024);
    expect(pushed).toBeLessThan(256 * 1024 + 100 * 188 + 1);
  });

  it('does not modify the packets given to it', () => {
    const input = Buffer.from(backup);
    splice(Buffer.from(sample.subarray(0, 188 * 100)), input);
    expect(input.equals(backup)).toBe(true);
  });

  it('splices two real streams with one timeline: decode times and PCR keep rising, counters follow', () => {
    for (const [first, second] of [
      [sample.subarray(0, 188 * 150), backup], // the backup's clock is 40 s ahead
      [backup.subarray(0, 188 * 200), sample], // ...and here 40 s behind
      [sample.subarray(0, 188 * 150), sample], // a reconnect that replays what was sent
    ] as const) {
      const out = splice(first, second);
      expect(continuityErrors(out)).toEqual([]);
      const dts = new Map<number, number>();
      let pcr = -1;
      for (let at = 0; at < out.length; at += 188) {
        const time = decodeTimeOf(out, at);
        const pid = pidOf(out, at);
        if (time !== undefined) {
          expect(time).toBeGreaterThan(dts.get(pid) ?? -1);
          dts.set(pid, time);
        }
        const clock = pcrOf(out, at);
        if (clock !== undefined) {
          expect(clock).toBeGreaterThan(pcr);
          pcr = clock;
        }
      }
      // Every PES of the second stream is there (only held PAT/PMT copies are left out).
      const starts = (buffer: Buffer) =>
        packetsOf(buffer).filter((p) => startsUnit(p) && [0x100, 0x101].includes(pidOf(p))).length;
      expect(starts(out)).toBe(starts(first) + starts(second));
    }
  });

  it('gives up holding past 2 MB of a segment without PAT and PMT', () => {
    const splicer = new StreamSplicer();
    splicer.startSegment();
    const chunk = Buffer.concat(
      Array.from({ length: 1000 }, (_, cc) => packet({ pid: 0x44, cc, start: true, payload: [1] })),
    );
    let out: Buffer | undefined;
    let pushed = 0;
    while (!out) {
      out = splicer.push(chunk);
      pushed += chunk.length;
    }
    expect(pushed).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(pushed).toBeLessThan(2 * 1024 * 1024 + chunk.length);
    expect(out.length).toBe(pushed + 188); // all held packets, and one inserted to flag PID 0x44
  });
});

describe('markDiscontinuity', () => {
  it('flags the first packet of each PID, leaves the input alone, drops a PES tail only when a start follows', () => {
    const input = Buffer.concat([
      packet({ pid: 0x31, cc: 3, payload: [9] }), // tail of a PES: a start of 0x31 follows, dropped
      packet({ pid: 0x32, cc: 8, payload: [9] }), // no start of 0x32 here: kept, flagged
      nullPacket(),
      packet({ pid: 0x31, cc: 4, start: true, adaptation: [0x00], payload: pes(0, [0, 0, 1, 0x65]) }),
      packet({ pid: 0x31, cc: 5, payload: [1] }),
      packet({ pid: 0x32, cc: 9, payload: [1] }),
    ]);
    const copy = Buffer.from(input);
    const out = packetsOf(markDiscontinuity(input));
    expect(input.equals(copy)).toBe(true);
    expect(out.map((p) => pidOf(p))).toEqual([0x32, 0x32, 0x1fff, 0x31, 0x31, 0x32]);
    expect(out.map(discontinuous)).toEqual([true, false, false, true, false, false]);
    expect(continuityOf(out[0]!)).toBe(7);
    expect(continuityErrors(Buffer.concat(out))).toEqual([]);
  });
});
