import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { openStream, startStreamFixture, waitUntil, type StreamFixture } from '../streaming/stream-fixture.js';

/** Seed story 4-4, groups "basic functionality", "quality selection" and "XMLTV-first". */
describe('stream proxy: basic functionality', () => {
  let f: StreamFixture;
  beforeEach(async () => {
    f = await startStreamFixture();
  });
  afterEach(() => f.close());

  it('answers GET /stream/{xmltv id} with 200 video/mp2t and relays the provider bytes', async () => {
    f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    const client = await openStream(`${f.t.url}/stream/bbc1.uk`);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('video/mp2t');
    await client.waitForBytes(188 * 10);
    const head = client.head();
    // Real MPEG-TS from the provider: sync byte every 188 bytes.
    for (let i = 0; i < 10; i++) expect(head[i * 188]).toBe(0x47);
    client.close();
  });

  it('answers HEAD with the stream headers without opening a provider connection', async () => {
    f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    const head = await openStream(`${f.t.url}/stream/bbc1.uk`, 'HEAD');
    await head.ended;
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('video/mp2t');
    expect(f.provider.streamRequests()).toHaveLength(0);
    const missing = await f.t.app.inject({ method: 'HEAD', url: '/stream/nope.uk' });
    expect(missing.statusCode).toBe(404);
  });

  it('streams to an HTTP/1.0 client (Plex) without chunked encoding', async () => {
    f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    const socket = connect(Number(new URL(f.t.url).port), '127.0.0.1');
    socket.write('GET /stream/bbc1.uk HTTP/1.0\r\n\r\n');
    let received = Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length > 4096) resolve();
      });
      socket.once('error', reject);
    });
    socket.destroy();
    const headerEnd = received.indexOf('\r\n\r\n');
    const head = received.subarray(0, headerEnd).toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(head.toLowerCase()).toContain('content-type: video/mp2t');
    expect(head.toLowerCase()).not.toContain('transfer-encoding');
    // The body starts right after the headers with a TS sync byte, not a chunk-size line.
    expect(received[headerEnd + 4]).toBe(0x47);
  });

  it('ignores unknown query parameters (Jellyfin appends ?transcode=…)', async () => {
    f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    const client = await openStream(`${f.t.url}/stream/bbc1.uk?transcode=mobile`);
    expect(client.status).toBe(200);
    await client.waitForBytes(1);
    client.close();
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([101]);
  });

  it('returns a JSON 404 for an unknown channel id', async () => {
    const res = await f.t.app.inject({ method: 'GET', url: '/stream/unknown.channel' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'channel not found' });
    expect(f.provider.streamRequests()).toHaveLength(0);
  });

  it('returns 404 for a disabled channel', async () => {
    f.addChannel('disabled.uk', [{ streamId: 102, tier: 'HD' }], { enabled: false });
    const res = await f.t.app.inject({ method: 'GET', url: '/stream/disabled.uk' });
    expect(res.statusCode).toBe(404);
    expect(f.provider.streamRequests()).toHaveLength(0);
  });

  it('returns 404 for a channel without a primary mapping (unmapped, or mapped as non-primary only)', async () => {
    seedLineupChannel(f.db, { channelId: 'unmapped.uk' });
    const lineup = seedLineupChannel(f.db, { channelId: 'secondary-only.uk' });
    const provider = seedProviderChannel(f.db, {
      accountId: f.accountId,
      name: 'Secondary',
      streams: [{ streamId: 103, tier: 'HD' }],
    });
    seedMapping(f.db, { lineupChannelId: lineup, providerChannelId: provider, primary: false });
    for (const id of ['unmapped.uk', 'secondary-only.uk']) {
      const res = await f.t.app.inject({ method: 'GET', url: `/stream/${id}` });
      expect(res.statusCode).toBe(404);
    }
    expect(f.provider.streamRequests()).toHaveLength(0);
  });
});

describe('stream proxy: quality selection', () => {
  let f: StreamFixture;
  beforeEach(async () => {
    f = await startStreamFixture();
  });
  afterEach(() => f.close());

  /** Streams the channel, then returns the provider stream id the fake provider was asked for. */
  async function requestedStreamId(channelId: string): Promise<number | undefined> {
    const client = await openStream(`${f.t.url}/stream/${channelId}`);
    expect(client.status).toBe(200);
    await client.waitForBytes(1);
    client.close();
    await waitUntil(() => f.t.domains.streaming.sessions.size === 0, 2000, 'session end');
    return f.provider.streamRequests().at(-1)?.streamId;
  }

  it('selects the highest tier: 4K over FHD over HD over SD', async () => {
    f.addChannel('all-tiers.uk', [
      { streamId: 201, tier: 'SD' },
      { streamId: 202, tier: 'HD' },
      { streamId: 204, tier: '4K' },
      { streamId: 203, tier: 'FHD' },
    ]);
    expect(await requestedStreamId('all-tiers.uk')).toBe(204);
  });

  it('falls back to HD when there is no 4K or FHD', async () => {
    f.addChannel('hd.uk', [
      { streamId: 211, tier: 'SD' },
      { streamId: 212, tier: 'HD' },
    ]);
    expect(await requestedStreamId('hd.uk')).toBe(212);
  });

  it('falls back to SD when only SD exists', async () => {
    f.addChannel('sd.uk', [{ streamId: 221, tier: 'SD' }]);
    expect(await requestedStreamId('sd.uk')).toBe(221);
  });

  it('plays a channel with no quality information (treated as SD)', async () => {
    f.addChannel('plain.uk', [{ streamId: 231, tier: 'unknown' }]);
    expect(await requestedStreamId('plain.uk')).toBe(231);
    f.addChannel('plain-and-hd.uk', [
      { streamId: 232, tier: 'unknown' },
      { streamId: 233, tier: 'HD' },
    ]);
    expect(await requestedStreamId('plain-and-hd.uk')).toBe(233);
  });

  it('prefers FHD over HD', async () => {
    f.addChannel('fhd.uk', [
      { streamId: 241, tier: 'HD' },
      { streamId: 242, tier: 'FHD' },
    ]);
    expect(await requestedStreamId('fhd.uk')).toBe(242);
  });
});

describe('stream proxy: XMLTV-first', () => {
  let f: StreamFixture;
  beforeEach(async () => {
    f = await startStreamFixture();
  });
  afterEach(() => f.close());

  it('is addressed by the XMLTV channel id, not the provider stream id', async () => {
    f.addChannel('BBCOne.uk@HD', [{ streamId: 301, tier: 'HD' }]);
    const byXmltvId = await openStream(`${f.t.url}/stream/${encodeURIComponent('BBCOne.uk@HD')}`);
    expect(byXmltvId.status).toBe(200);
    byXmltvId.close();
    const byProviderId = await f.t.app.inject({ method: 'GET', url: '/stream/301' });
    expect(byProviderId.statusCode).toBe(404);
  });

  it('proxies the primary mapping and ignores the other mappings of the channel', async () => {
    const lineup = seedLineupChannel(f.db, { channelId: 'news.uk' });
    // A non-primary mapping with a better tier must not win: other mappings are failover candidates.
    const other = seedProviderChannel(f.db, {
      accountId: f.accountId,
      name: 'News backup',
      streams: [{ streamId: 311, tier: '4K' }],
    });
    const primary = seedProviderChannel(f.db, {
      accountId: f.accountId,
      name: 'News main',
      streams: [
        { streamId: 312, tier: 'SD' },
        { streamId: 313, tier: 'HD' },
      ],
    });
    seedMapping(f.db, { lineupChannelId: lineup, providerChannelId: other, primary: false, priority: 0 });
    seedMapping(f.db, { lineupChannelId: lineup, providerChannelId: primary, primary: true, priority: 1 });
    const client = await openStream(`${f.t.url}/stream/news.uk`);
    expect(client.status).toBe(200);
    await client.waitForBytes(1);
    client.close();
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([313]);
  });
});
