import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LoopRebaser } from '../../src/mpegts/index.js';
import { fixturePath } from '../support/paths.js';
import { makeTempDir } from '../support/temp-dir.js';
import { backupId, channelWithBackup, primaryId } from './backup-channel.js';
import { openStream, startStreamFixture, waitUntil, type StreamClient, type StreamFixture } from './stream-fixture.js';
import { firstSwitch, packetsOf, trimToWholeCut, wholeCut } from './ts-bytes.js';

const run = promisify(execFile);
// What the fake provider sends for the primary: sample.mpegts looped with continuous timestamps.
const sample = readFileSync(fixturePath('sample.mpegts'));
const primaryBytes = (() => {
  const looper = new LoopRebaser(sample);
  return Buffer.concat([0, 1, 2, 3].map((n) => looper.loop(n)));
})();
const backupLoop = readFileSync(fixturePath('backup.mpegts')).length;

/** What `ffmpeg -v warning -i file -f null -` complains about, one line each (nothing for a clean stream). */
async function ffmpegComplaints(path: string): Promise<string[]> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'warning', '-i', path, '-f', 'null', '-'], {
    timeout: 30_000,
  });
  return stderr.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** Width×height of the pictures ffprobe decodes in the file, in order of first appearance. */
async function pictureSizes(path: string): Promise<string[]> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=width,height', '-of', 'csv=p=0', path],
    { timeout: 30_000 },
  );
  return [
    ...new Set(
      stdout
        .split(/\r?\n/)
        .map((line) => line.replace(/,+$/, ''))
        .filter((line) => line !== ''),
    ),
  ];
}

/*
 * A mid-stream failover through the real proxy, the recording of its client read by ffmpeg (what
 * Plex's transcoder and Jellyfin use): the primary (sample.mpegts, 320x180) goes silent after N
 * packets with its socket open, the backup is another recording (backup.mpegts, 480x270, its clock
 * 40 s ahead). The client's one response spans the switch and decodes as one stream.
 */
describe('mid-stream failover through the proxy, read by ffmpeg', () => {
  let f: StreamFixture;
  const dir = makeTempDir();
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });
  afterAll(() => dir.remove());

  /** Plays news.uk whose primary stalls after `afterPackets`; returns the client's bytes, trimmed to a whole cut. */
  async function recordFailover(where: 'same account' | 'other account', afterPackets: number): Promise<Buffer> {
    const maxConnections = where === 'same account' ? 2 : 1;
    f = await startStreamFixture({ maxConnections, app: { config: { stallTimeoutMs: 500 } } });
    channelWithBackup(f, where);
    f.provider.setStream(primaryId, { fault: { kind: 'stall-after', afterBytes: 188 * afterPackets } });
    f.provider.setStream(backupId, { recording: 'backup' });
    const client = await openStream(`${f.t.url}/stream/news.uk`, 'GET', 8 * 1024 * 1024);
    clients.push(client);
    expect(client.status).toBe(200);
    await waitUntil(() => f.provider.streamRequests().length === 2, 10_000, 'the backup request');
    // Three loops of the backup after the primary's packets (and the null packets meanwhile).
    await client.waitForBytes(188 * afterPackets + backupLoop * 3 + 188 * 200, 15_000);
    expect(f.provider.streamRequests().map((r) => [r.streamId, r.username])).toEqual([
      [primaryId, f.username],
      [backupId, where === 'same account' ? f.username : 'backup-user'],
    ]);
    return trimToWholeCut(client.head());
  }

  for (const where of ['same account', 'other account'] as const) {
    it(`decodes without a single complaint when the primary dies between two units (${where})`, async () => {
      const cut = wholeCut(primaryBytes, 700);
      const bytes = await recordFailover(where, cut);
      // The primary's packets as sent, then the switch.
      expect(bytes.subarray(0, cut * 188).equals(primaryBytes.subarray(0, cut * 188))).toBe(true);
      expect(firstSwitch(packetsOf(bytes))).toBeGreaterThanOrEqual(cut);
      const path = join(dir.path, `whole-${where.replace(' ', '-')}.ts`);
      writeFileSync(path, bytes);
      expect(await ffmpegComplaints(path)).toEqual([]);
      // Both streams' pictures were decoded: the primary's 320x180, then the backup's 480x270.
      expect(await pictureSizes(path)).toEqual(['320,180', '480,270']);
    });
  }

  it('ffmpeg reading the proxied URL itself plays across the switch without a complaint', async () => {
    f = await startStreamFixture({ maxConnections: 2, app: { config: { stallTimeoutMs: 500 } } });
    channelWithBackup(f, 'same account');
    const cut = wholeCut(primaryBytes, 500); // about 3.4 s of the primary's stream
    f.provider.setStream(primaryId, { fault: { kind: 'stall-after', afterBytes: 188 * cut } });
    f.provider.setStream(backupId, { recording: 'backup' });
    // -stats prints the frame count even at -v warning; every other line is a complaint.
    const { stderr } = await run(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-v',
        'warning',
        '-stats',
        '-i',
        `${f.t.url}/stream/news.uk`,
        '-t',
        '8',
        '-f',
        'null',
        '-',
      ],
      { timeout: 40_000 },
    ).catch((error: Error & { stderr?: string }) => ({ stderr: `failed: ${error.stderr ?? error.message}` }));
    const lines = stderr.split(/[\r\n]+/).filter((line) => line.trim() !== '');
    expect(lines.filter((line) => !/^frame=/.test(line.trim()))).toEqual([]);
    const frames = Number(/frame=\s*(\d+)/.exec(lines.filter((line) => /frame=/.test(line)).at(-1) ?? '')?.[1]);
    expect(frames).toBeGreaterThanOrEqual(8 * 25 - 5); // 8 s at 25 fps: the backup's pictures too
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([primaryId, backupId]);
  });

  it('reports only the picture the dead upstream cut short, nothing from the splice', async () => {
    // 700 packets: inside a video PES of the primary's third loop.
    const bytes = await recordFailover('other account', 700);
    expect(firstSwitch(packetsOf(bytes))).toBeGreaterThanOrEqual(700);
    const path = join(dir.path, 'cut.ts');
    writeFileSync(path, bytes);
    const complaints = await ffmpegComplaints(path);
    // The cut picture: one macroblock error and the frame it marks corrupt. No timestamp going
    // back, no continuity or "Packet corrupt" error, nothing about the audio.
    expect(complaints.filter((line) => /error while decoding MB/.test(line))).toHaveLength(1);
    for (const line of complaints)
      expect(line).toMatch(/^\[h264 @ \w+\] error while decoding MB|corrupt decoded frame in stream 0$/);
    expect(await pictureSizes(path)).toEqual(['320,180', '480,270']);
  });
});
