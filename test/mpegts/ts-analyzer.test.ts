import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidOf, startsUnit, TsAnalyzer } from '../../src/mpegts/index.js';
import { fixturePath } from '../support/paths.js';
import { packet, patPacket, pes, pmtPacket } from './ts-builder.js';

const sample = readFileSync(fixturePath('sample.mpegts'));

describe('TsAnalyzer on a real H.264/AAC stream', () => {
  it('finds the PMT and video PID, and one random-access point per IDR picture', () => {
    const analyzer = new TsAnalyzer();
    const points = analyzer.scan(sample);
    // sample.mpegts has two IDR pictures (ffprobe: key_frame=1 twice), each a PES start on PID 0x100.
    expect(points).toHaveLength(2);
    for (const at of points) {
      expect(at % 188).toBe(0);
      expect(pidOf(sample, at)).toBe(0x100);
      expect(startsUnit(sample, at)).toBe(true);
    }
    expect(points[0]).toBe(3 * 188); // the first video packet, right after SDT, PAT and PMT
    expect(analyzer.programs()).toEqual([
      {
        program: 1,
        pcrPid: 0x100,
        streams: [
          { pid: 0x100, streamType: 0x1b },
          { pid: 0x101, streamType: 0x0f },
        ],
      },
    ]);
  });

  it('gives the latest PAT and PMT packets as the program header, and the same offsets whatever the chunking', () => {
    const analyzer = new TsAnalyzer();
    expect(analyzer.programHeader()).toBeUndefined();
    const points: number[] = [];
    const chunk = 188 * 50;
    for (let at = 0; at < sample.length; at += chunk) {
      points.push(...analyzer.scan(sample.subarray(at, at + chunk)).map((offset) => offset + at));
    }
    expect(points).toEqual(new TsAnalyzer().scan(sample));
    const header = analyzer.programHeader()!;
    expect(header.length).toBe(2 * 188);
    expect(pidOf(header, 0)).toBe(0);
    expect(pidOf(header, 188)).toBe(0x1000);
    // The latest ones: the last PAT and PMT packets of the stream, byte for byte.
    let lastPat = -1;
    let lastPmt = -1;
    for (let at = 0; at < sample.length; at += 188) {
      if (pidOf(sample, at) === 0) lastPat = at;
      if (pidOf(sample, at) === 0x1000) lastPmt = at;
    }
    expect(header.subarray(0, 188).equals(sample.subarray(lastPat, lastPat + 188))).toBe(true);
    expect(header.subarray(188).equals(sample.subarray(lastPmt, lastPmt + 188))).toBe(true);
    analyzer.reset();
    expect(analyzer.programHeader()).toBeUndefined();
  });
});

describe('TsAnalyzer on synthetic packets', () => {
  const header = (type: number) =>
    Buffer.concat([
      patPacket(0x30),
      pmtPacket(0x30, [
        [type, 0x31],
        [0x0f, 0x32],
      ]),
    ]);

  it('finds H.264 IDR and SPS starts without random_access_indicator, not a P slice', () => {
    const analyzer = new TsAnalyzer();
    const stream = Buffer.concat([
      header(0x1b),
      packet({ pid: 0x31, start: true, payload: pes(900, [0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x65, 0x88]) }), // AUD, IDR
      packet({ pid: 0x31, payload: [0, 0, 1, 0x65] }), // not a PES start: never looked into
      packet({ pid: 0x31, start: true, payload: pes(4500, [0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 0x9a]) }), // P slice
      packet({ pid: 0x31, start: true, payload: pes(8100, [0, 0, 0, 1, 0x67, 0x64, 0, 0x1f]) }), // SPS
      packet({ pid: 0x32, start: true, payload: pes(900, [0xff, 0xf1]) }), // audio
    ]);
    expect(analyzer.scan(stream)).toEqual([2 * 188, 5 * 188]);
  });

  it('honours random_access_indicator, and finds HEVC IRAP pictures', () => {
    const analyzer = new TsAnalyzer();
    const stream = Buffer.concat([
      header(0x24),
      packet({ pid: 0x31, start: true, adaptation: [0x40], payload: pes(900, [0, 0, 1, 0x02, 0x01]) }), // RAI
      packet({ pid: 0x31, start: true, payload: pes(900, [0, 0, 1, 0x02, 0x01]) }), // TRAIL_R
      packet({ pid: 0x31, start: true, payload: pes(900, [0, 0, 0, 1, 0x46, 0x01, 0, 0, 1, 0x26, 0x01]) }), // AUD, IDR
      packet({ pid: 0x31, start: true, payload: pes(900, [0, 0, 1, 0x2a, 0x01]) }), // CRA
    ]);
    expect(analyzer.scan(stream)).toEqual([2 * 188, 4 * 188, 5 * 188]);
  });

  it('reads a PAT after a pointer field, ignores one with a bad CRC, and follows a changed PMT PID', () => {
    const analyzer = new TsAnalyzer();
    const pat = patPacket(0x40);
    // Move the section 3 bytes on: pointer_field 3.
    const shifted = Buffer.from(pat);
    shifted.copy(shifted, 8, 5, 188 - 3);
    shifted[4] = 3;
    analyzer.scan(Buffer.concat([shifted, pmtPacket(0x40, [[0x02, 0x41]])]));
    expect(analyzer.programs()[0]?.streams).toEqual([{ pid: 0x41, streamType: 0x02 }]);
    expect(analyzer.complete()).toBe(true);

    const broken = patPacket(0x50);
    broken[10] = broken[10]! ^ 0xff;
    analyzer.scan(broken);
    expect(analyzer.programs()[0]?.streams[0]?.pid).toBe(0x41);

    analyzer.scan(patPacket(0x50));
    expect(analyzer.complete()).toBe(false); // the new PMT PID has not been seen
    expect(analyzer.programHeader()).toBeUndefined();
    analyzer.scan(
      Buffer.concat([
        pmtPacket(0x50, [[0x1b, 0x51]]),
        packet({ pid: 0x51, start: true, adaptation: [0x40], payload: [] }),
      ]),
    );
    expect(analyzer.programs()[0]?.streams[0]?.pid).toBe(0x51);
  });

  it('uses the audio PES starts as random-access points of a stream without video', () => {
    const analyzer = new TsAnalyzer();
    const stream = Buffer.concat([
      patPacket(0x30),
      pmtPacket(0x30, [[0x03, 0x32]]),
      packet({ pid: 0x32, start: true, payload: pes(900, [0xff, 0xfb]) }),
      packet({ pid: 0x32, payload: [1, 2, 3] }),
    ]);
    expect(analyzer.scan(stream)).toEqual([2 * 188]);
  });
});
