import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodePacket,
  findTlv,
  packetType,
  readCString,
  tag,
  u32,
  wildcard,
} from '../../src/discovery/hdhr-packet.js';
import { liveStream, startFakeProvider, type FakeProvider } from '../support/fake-xtream-provider.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { openStream } from '../streaming/stream-fixture.js';
import { hourlyProgrammes, xmltvDocument } from '../xmltv/guide-fixture.js';

/** Sends an HDHomeRun discover request over UDP and returns the base URL of the reply. */
async function discoverBaseUrl(port: number): Promise<string> {
  const socket = createSocket('udp4');
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no discovery reply')), 5000);
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      const request = encodePacket(packetType.discoverRequest, [
        { tag: tag.deviceType, value: u32(wildcard) },
        { tag: tag.deviceId, value: u32(wildcard) },
      ]);
      socket.send(request, port, '127.0.0.1');
    });
    const decoded = decodePacket(reply);
    if (!decoded.ok) throw new Error(`undecodable discovery reply: ${decoded.reason}`);
    expect(decoded.packet.type).toBe(packetType.discoverReply);
    return readCString(findTlv(decoded.packet, tag.baseUrl)!);
  } finally {
    socket.close();
  }
}

/*
 * The whole path a newcomer's Plex takes: a provider account is added and scanned, an XMLTV file
 * imported (its channels are the lineup), matched and enabled, the tuner found over UDP, its
 * lineup and guide read, and a channel played through /auto/v{n} into ffprobe.
 */
describe('end to end: provider → scan → guide import → match → discover → lineup → guide → play', () => {
  let provider: FakeProvider;
  let t: TestApp;

  beforeAll(async () => {
    provider = await startFakeProvider({
      accounts: [
        {
          username: 'alice',
          password: 'secret-pw',
          categories: [{ category_id: '1', category_name: 'UK', parent_id: 0 }],
          streams: [
            liveStream(101, 'UK: BBC One SD'),
            liveStream(102, 'UK: BBC One HD'),
            liveStream(201, 'UK: Channel 4 HD'),
          ],
        },
      ],
    });
    t = await startApp({ config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } });
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  it('plays the matched channel as MPEG-TS that ffprobe reads', async () => {
    const { accounts, guides } = t.domains;
    const account = accounts.create({
      name: 'Provider',
      serverUrl: provider.url,
      username: 'alice',
      password: 'secret-pw',
    });
    await accounts.scan(account.id);
    const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    mkdirSync(join(t.dataDir, 'guides'), { recursive: true });
    const guideFile = join(t.dataDir, 'guides', 'guide.xml');
    writeFileSync(
      guideFile,
      xmltvDocument(
        [
          { id: 'bbc1.uk', names: ['BBC One', 'BBC 1'] },
          { id: 'c4.uk', names: ['Channel 4'] },
          { id: 'nostream.uk', names: ['No Stream TV'] },
        ],
        hourlyProgrammes(['bbc1.uk', 'c4.uk', 'nostream.uk'], 4, now),
      ),
    );
    const source = guides.create({ name: 'Guide', url: guideFile });
    // The import matches the lineup: channels with a stream are enabled, the one without is not.
    expect(await guides.refresh(source.id)).toMatchObject({ channels: 3, programmes: 12 });

    const ports = await t.domains.discovery!.ready();
    expect(ports.hdhomerunUdp).toBeGreaterThan(0);
    const baseUrl = await discoverBaseUrl(ports.hdhomerunUdp!);
    expect(baseUrl).toBe(t.url);

    const entries = (await (await fetch(`${baseUrl}/lineup.json`)).json()) as {
      GuideNumber: string;
      GuideName: string;
      HD?: 1;
    }[];
    const bbc = entries.find((e) => e.GuideName === 'BBC One');
    expect(bbc).toMatchObject({ HD: 1 });
    expect(entries.map((e) => e.GuideName).sort()).toEqual(['BBC One', 'Channel 4']);

    // The guide Plex reads names the same channels, with the imported programmes.
    const epg = await (await fetch(`${baseUrl}/epg.xml`)).text();
    const epgChannels = [...epg.matchAll(/<channel id="([^"]+)">/g)].map((m) => m[1]);
    expect(epgChannels.sort()).toEqual(['bbc1.uk', 'c4.uk']);
    expect(epg).toContain('<title>bbc1.uk show 0</title>');
    expect(epg).not.toContain('nostream.uk');

    const stream = await openStream(`${baseUrl}/auto/v${bbc!.GuideNumber}`);
    try {
      expect(stream.status).toBe(200);
      await stream.waitForBytes(60_000, 15_000);
    } finally {
      stream.close();
    }
    // The best tier of the primary mapping was asked for upstream.
    expect(provider.streamRequests().map((r) => r.streamId)).toEqual([102]);
    const file = join(t.dataDir, 'e2e.ts');
    writeFileSync(file, stream.head());
    const probe = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=format_name', '-of', 'json', file],
      { encoding: 'utf8' },
    );
    const parsed = JSON.parse(probe) as {
      streams: { codec_type: string; codec_name: string }[];
      format: { format_name: string };
    };
    expect(parsed.format.format_name).toBe('mpegts');
    expect(parsed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
  });
});
