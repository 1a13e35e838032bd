import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hasPayload, pidOf, startsUnit, StreamSplicer } from '../../src/mpegts/index.js';
import { payloadOffset } from '../../src/mpegts/packet.js';
import { fixturePath } from '../support/paths.js';
import { makeTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
// Two different real H.264/AAC streams with the same PIDs (video 0x100, audio 0x101, PMT 0x1000):
// sample.mpegts (320x180, clock from 1.4 s) and backup.mpegts (480x270, clock from 41.4 s), as a
// failover from one provider stream to another would give.
const sample = readFileSync(fixturePath('sample.mpegts'));
const backup = readFileSync(fixturePath('backup.mpegts'));
const video = 0x100;
const audio = 0x101;

/** What `ffmpeg -v warning -i file -f null -` complains about (one line each; nothing for a clean stream). */
async function ffmpegComplaints(path: string): Promise<string[]> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'warning', '-i', path, '-f', 'null', '-'], {
    timeout: 30_000,
  });
  return stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/**
 * The first packet index from `near` where a stream can end without cutting a PES short: a video
 * PES starts there (so the one before is whole) and every audio PES begun before it is complete.
 */
function wholeCut(stream: Buffer, near: number): number {
  let audioLeft = 0; // bytes the current audio PES still needs
  for (let index = 0; index * 188 < stream.length; index++) {
    const at = index * 188;
    const pid = pidOf(stream, at);
    if (index >= near && pid === video && startsUnit(stream, at) && audioLeft <= 0) return index;
    if (pid !== audio || !hasPayload(stream, at)) continue;
    const payload = payloadOffset(stream, at);
    const bytes = at + 188 - payload;
    audioLeft = startsUnit(stream, at) ? stream.readUInt16BE(payload + 4) + 6 - bytes : audioLeft - bytes;
  }
  throw new Error('no whole cut');
}

function splice(first: Buffer, second: Buffer): Buffer {
  const splicer = new StreamSplicer();
  const out: Buffer[] = [];
  const feed = (data: Buffer) => {
    for (let at = 0; at < data.length; at += 188 * 7) {
      const packets = splicer.push(data.subarray(at, at + 188 * 7));
      if (packets) out.push(packets);
    }
  };
  feed(first);
  splicer.startSegment();
  feed(second);
  return Buffer.concat(out);
}

describe('StreamSplicer with ffmpeg', () => {
  const dir = makeTempDir();
  afterAll(() => dir.remove());

  async function complaintsOf(name: string, bytes: Buffer): Promise<string[]> {
    const path = join(dir.path, name);
    writeFileSync(path, bytes);
    return ffmpegComplaints(path);
  }

  it('the fixtures decode cleanly on their own', async () => {
    expect(await ffmpegComplaints(fixturePath('sample.mpegts'))).toEqual([]);
    expect(await ffmpegComplaints(fixturePath('backup.mpegts'))).toEqual([]);
  });

  for (const [name, first, second] of [
    ['sample, then a backup whose clock is 40 s ahead', sample, backup],
    ['backup, then a stream whose clock is 40 s behind', backup, sample],
    ['sample, then the same stream again from its start (a reconnect replaying)', sample, sample],
  ] as const) {
    it(`${name}: a naive join makes ffmpeg complain, the splice decodes without a complaint`, async () => {
      const cut = first.subarray(0, wholeCut(first, 140) * 188);
      const naive = await complaintsOf('naive.ts', Buffer.concat([cut, second]));
      expect(naive.some((line) => /Packet corrupt|non monotonically increasing dts/.test(line))).toBe(true);
      expect(await complaintsOf('spliced.ts', splice(cut, second))).toEqual([]);
    });
  }

  it('a backup joined mid-GOP: its pictures before the first IDR are left out, nothing to complain about', async () => {
    const cut = sample.subarray(0, wholeCut(sample, 140) * 188);
    const midGop = backup.subarray(61 * 188); // packet 61: well after the first IDR, long before the next
    const naive = await complaintsOf('naive.ts', Buffer.concat([cut, midGop]));
    expect(naive.some((line) => /h264/.test(line))).toBe(true); // e.g. "non-existing PPS 0 referenced"
    expect(await complaintsOf('spliced.ts', splice(cut, midGop))).toEqual([]);
  });

  it('an upstream dying inside an audio PES: only that cut frame is reported, nothing from the splice', async () => {
    // Cut just after an audio PES starts: the old stream ends with most of that PES missing.
    let index = 200;
    while (!(pidOf(sample, index * 188) === audio && startsUnit(sample, index * 188))) index++;
    const cut = sample.subarray(0, (index + 1) * 188);
    const complaints = await complaintsOf('cut.ts', splice(cut, backup));
    // What remains: ffmpeg sees the short PES ("PES packet size mismatch", marked corrupt) and the
    // AAC decoder fails on it. No continuity error on video, no timestamp going back.
    expect(complaints.some((line) => /PES packet size mismatch/.test(line))).toBe(true);
    for (const line of complaints) {
      expect(line).not.toMatch(/non monotonically|stream = 0|h264|discontinuity/);
    }
  });
});
