import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';
import { openStream, startStreamFixture, type StreamClient, type StreamFixture } from './stream-fixture.js';
import { trimToWholeCut } from './ts-bytes.js';

const run = promisify(execFile);

/** A viewer joining a running hub, its bytes read by ffmpeg/ffprobe as Plex's transcoder and Jellyfin would. */
describe('a viewer joining a shared hub, read by ffmpeg', () => {
  let f: StreamFixture;
  const dir = makeTempDir();
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });
  afterAll(() => dir.remove());

  it('decodes from its very first frame, a key frame, with no complaint', async () => {
    f = await startStreamFixture({ maxConnections: 1 });
    f.addChannel('live.uk', [{ streamId: 711, tier: 'HD' }]);
    const url = `${f.t.url}/stream/live.uk`;
    const first = await openStream(url);
    clients.push(first);
    await first.waitForBytes(500_000, 10_000); // 2 s at the fake provider's 2 Mbit/s
    const joiner = await openStream(url, 'GET', 2 * 1024 * 1024);
    clients.push(joiner);
    await joiner.waitForBytes(600_000, 10_000);
    expect(f.provider.streamRequests()).toHaveLength(1);
    const path = join(dir.path, 'joiner.ts');
    writeFileSync(path, trimToWholeCut(joiner.head()));
    const { stderr } = await run(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-v', 'warning', '-i', path, '-f', 'null', '-'],
      { timeout: 30_000 },
    );
    expect(stderr.split(/\r?\n/).filter((line) => line.trim() !== '')).toEqual([]);
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame,pict_type', '-of', 'csv=p=0', path],
      { timeout: 30_000 },
    );
    const frames = stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
    expect(frames.length).toBeGreaterThan(50);
    expect(frames[0]).toMatch(/^1,I/);
  });
});
