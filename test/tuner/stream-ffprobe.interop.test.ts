import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startStreamFixture, waitUntil, type StreamFixture } from '../streaming/stream-fixture.js';

const run = promisify(execFile);

/** A real client (ffprobe, as Plex's transcoder and Jellyfin use ffmpeg) reads the proxied stream. */
describe('stream proxy with ffprobe', () => {
  let f: StreamFixture;
  afterEach(() => f.close());

  it('is playable MPEG-TS (H.264 + AAC) through the proxy, and the slot frees when ffprobe hangs up', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.addChannel('bbc1.uk', [
      { streamId: 1001, tier: 'SD' },
      { streamId: 1002, tier: 'HD' },
    ]);
    const { stdout } = await run(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_type,codec_name:format=format_name',
        '-of',
        'json',
        `${f.t.url}/stream/bbc1.uk`,
      ],
      {
        timeout: 30_000,
      },
    );
    const probe = JSON.parse(stdout) as {
      streams: { codec_type: string; codec_name: string }[];
      format: { format_name: string };
    };
    expect(probe.format.format_name).toBe('mpegts');
    expect(probe.streams).toEqual(
      expect.arrayContaining([
        { codec_type: 'video', codec_name: 'h264' },
        { codec_type: 'audio', codec_name: 'aac' },
      ]),
    );
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([1002]);
    const streaming = f.t.domains.streaming;
    await waitUntil(
      () => streaming.sessions.size === 0 && streaming.slots.inUse(f.accountId) === 0,
      1000,
      'slot release after ffprobe exits',
    );
    await f.provider.waitForOpenStreams((n) => n === 0, 1000);
  });
});
