import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { startDemoProvider, type DemoProvider } from '../../src/demo/index.js';
import { demoCredentials, demoStreams } from '../../src/demo/demo-catalog.js';

const run = promisify(execFile);

/** ffmpeg (what Plex's transcoder and Jellyfin use) reads the looped demo stream as one stream. */
describe('demo provider stream with ffmpeg', () => {
  let provider: DemoProvider | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  it('decodes three and a half loops (1.92 s each) with no timestamp or continuity complaint', async () => {
    provider = await startDemoProvider(systemClock);
    const id = demoStreams()[0]!.stream_id as number;
    const url = `${provider.url}/live/${demoCredentials.username}/${demoCredentials.password}/${id}.ts`;
    // -stats prints the frame count even at -v warning; everything else on stderr is a complaint.
    const { stderr } = await run(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-v', 'warning', '-stats', '-i', url, '-t', '6.8', '-f', 'null', '-'],
      {
        timeout: 40_000,
      },
    );
    const lines = stderr.split(/[\r\n]+/).filter((line) => line.trim() !== '');
    const complaints = lines.filter((line) => !/^frame=/.test(line.trim()));
    expect(complaints).toEqual([]);
    const frames = Number(/frame=\s*(\d+)/.exec(lines.filter((line) => /frame=/.test(line)).at(-1) ?? '')?.[1]);
    expect(frames).toBeGreaterThanOrEqual(3 * 48); // more than three loops of 48 pictures were decoded
  });
});
