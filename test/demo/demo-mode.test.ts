import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { setUpDemo, type DemoProvider } from '../../src/demo/index.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openStream } from '../streaming/stream-fixture.js';

describe('demo mode', () => {
  const opened: { close(): Promise<void> | void }[] = [];
  afterEach(async () => {
    for (const item of opened.reverse()) await item.close();
    opened.length = 0;
  });

  async function startDemoApp(dataDir: string): Promise<{ t: TestApp; provider: DemoProvider }> {
    const t = await startApp({ dataDir, config: { demo: true } });
    opened.push({ close: () => t.close({ keepDataDir: true }) });
    const provider = await setUpDemo(t.domains, systemClock);
    opened.push(provider);
    return { t, provider };
  }

  function tempDir(): string {
    const dir = makeTempDir();
    opened.push({ close: () => dir.remove() });
    return dir.path;
  }

  it('starts scanned, matched and enabled: lineup, guide and a playable MPEG-TS stream through /auto/v{n}', async () => {
    const { t } = await startDemoApp(tempDir());

    const lineup = (await t.app.inject({ url: '/lineup.json' })).json<
      { GuideNumber: string; GuideName: string; URL: string; HD?: 1 }[]
    >();
    expect(lineup.map((c) => c.GuideName)).toEqual([
      'Demo News',
      'Demo Sports',
      'Demo Movies',
      'Demo Kids',
      'Demo Music',
    ]);
    expect(lineup.find((c) => c.GuideName === 'Demo Kids')?.HD).toBeUndefined();
    expect(lineup.find((c) => c.GuideName === 'Demo Sports')?.HD).toBe(1);

    // The guide came from the demo provider's xmltv.php, imported like any guide.
    expect(t.domains.guides.list()).toMatchObject([{ name: 'Demo guide', channels: 5, lastError: null }]);
    expect(t.domains.guides.list()[0]!.url).toContain('password=***');
    const epg = (await t.app.inject({ url: '/epg.xml' })).body;
    expect(epg).toContain('<channel id="demo-news.tunerbridge">');
    expect(epg).toMatch(
      /<programme start="\d{14} \+0000" stop="\d{14} \+0000" channel="demo-news.tunerbridge">\s*<title>(Morning Headlines|World Report|Business Today|Evening News)<\/title>/,
    );
    expect(epg).not.toContain('— Live');

    const stream = await openStream(`${t.url}/auto/v${lineup[0]!.GuideNumber}`);
    opened.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('video/mp2t');
    await stream.waitForBytes(188 * 50);
    const bytes = stream.head();
    for (let i = 0; i < 50; i++) expect(bytes[i * 188]).toBe(0x47);
    expect(t.domains.streaming.sessions.list()).toHaveLength(1);

    const plex = (await t.app.inject({ url: '/api/plex' })).json<{
      warnings: { code: string }[];
      tunerCount: number;
    }>();
    expect(plex.tunerCount).toBe(2);
    expect(plex.warnings.map((w) => w.code)).not.toContain('NO_ENABLED_CHANNEL');
    expect(plex.warnings.map((w) => w.code)).not.toContain('NO_ACCOUNT');
  });

  it('restarts on the same data dir without duplicating the account or the channels', async () => {
    const dir = tempDir();
    const first = await startDemoApp(dir);
    const numbers = first.t.domains.tunerDevice.channels().map((c) => [c.channelId, c.number]);
    await opened.pop()!.close();
    await opened.pop()!.close();
    const second = await startDemoApp(dir);
    expect(second.t.domains.accounts.list()).toHaveLength(1);
    expect(second.t.domains.guides.list()).toHaveLength(1);
    expect(second.t.domains.guides.list()[0]!.lastError).toBeNull();
    expect(second.t.domains.accounts.list()[0]!.serverUrl).toBe(second.provider.url);
    expect(second.t.domains.tunerDevice.channels().map((c) => [c.channelId, c.number])).toEqual(numbers);
  });
});
