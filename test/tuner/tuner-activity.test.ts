import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, findTlv, packetType, readCString, tag } from '../../src/discovery/hdhr-packet.js';
import { openStream, startStreamFixture, waitUntil, type StreamFixture } from '../streaming/stream-fixture.js';

/** One control-protocol get over a fresh TCP connection. */
function controlGet(port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(encodePacket(packetType.getSetRequest, [{ tag: tag.getSetName, value: Buffer.from(`${name}\0`) }]));
    });
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const decoded = decodePacket(buffer);
      if (!decoded.ok) return;
      socket.destroy();
      const value = findTlv(decoded.packet, tag.getSetValue) ?? findTlv(decoded.packet, tag.errorMessage);
      resolve(value ? readCString(value) : '');
    });
    socket.on('error', reject);
  });
}

describe('tuner status over the control protocol', () => {
  let f: StreamFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('shows a playing stream on tuner0 (channel, lock, bit rate) and idle tuners otherwise', async () => {
    f = await startStreamFixture({
      maxConnections: 2,
      app: { config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } },
    });
    const port = (await f.t.domains.discovery!.ready()).hdhomerunTcp!;
    const lineupId = f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    f.db.prepare('UPDATE xmltv_channel_settings SET channel_number = 7 WHERE xmltv_channel_id = ?').run(lineupId);

    expect(await controlGet(port, '/tuner0/status')).toBe('ch=none lock=none ss=0 snq=0 seq=0 bps=0 pps=0');
    const client = await openStream(`${f.t.url}/auto/v7`);
    await client.waitForBytes(188 * 100);
    await waitUntil(
      () => f!.t.domains.streaming.sessions.list().some((s) => s.state === 'streaming'),
      5000,
      'a streaming session',
    );

    const status = await controlGet(port, '/tuner0/status');
    expect(status).toMatch(/^ch=auto:v7 lock=iptv ss=100 snq=100 seq=100 bps=\d+ pps=\d+$/);
    expect(Number(/bps=(\d+)/.exec(status)![1])).toBeGreaterThan(0);
    expect(await controlGet(port, '/tuner0/vchannel')).toBe('7');
    expect(await controlGet(port, '/tuner1/status')).toMatch(/^ch=none lock=none/);
    expect(await controlGet(port, '/tuner2/status')).toBe('ERROR: unknown getset variable');

    client.close();
    await waitUntil(() => f!.t.domains.streaming.sessions.list().length === 0, 5000, 'the session to end');
    expect(await controlGet(port, '/tuner0/vchannel')).toBe('none');
  });

  it('shows the same on /status.json and /tuners.html (read the way Jellyfin reads it)', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    const lineupId = f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    f.db.prepare("UPDATE xmltv_channels SET display_name = 'BBC One & <Two>' WHERE id = ?").run(lineupId);
    f.db.prepare('UPDATE xmltv_channel_settings SET channel_number = 7 WHERE xmltv_channel_id = ?').run(lineupId);
    /** Jellyfin's HdHomerunHost: strip each line's tags, split at "Channel". */
    const jellyfinTuners = async () =>
      (await f!.t.app.inject('/tuners.html')).body
        .split('\n')
        .map((line) => line.replace(/<[^>]*>/g, ''))
        .filter((line) => line.includes('Channel'))
        .map((line) => ({
          name: line.slice(0, line.indexOf('Channel') - 1),
          channel: line.slice(line.indexOf('Channel') + 7),
        }));

    expect((await f.t.app.inject('/status.json')).json()).toEqual([{ Resource: 'tuner0' }, { Resource: 'tuner1' }]);
    expect(await jellyfinTuners()).toEqual([
      { name: 'Tuner 0', channel: 'none' },
      { name: 'Tuner 1', channel: 'none' },
    ]);

    const client = await openStream(`${f.t.url}/auto/v7`);
    await client.waitForBytes(188 * 100);
    await waitUntil(
      () => f!.t.domains.streaming.sessions.list().some((s) => s.state === 'streaming'),
      5000,
      'a streaming session',
    );
    const status = (await f.t.app.inject('/status.json')).json<Record<string, unknown>[]>();
    expect(status[0]).toMatchObject({
      Resource: 'tuner0',
      VctNumber: '7',
      VctName: 'BBC One & <Two>',
      TargetIP: '127.0.0.1',
      SignalStrengthPercent: 100,
    });
    expect(status[0]!.NetworkRate).toBeGreaterThan(0);
    expect(status[1]).toEqual({ Resource: 'tuner1' });
    expect(await jellyfinTuners()).toEqual([
      { name: 'Tuner 0', channel: '7 BBC One &amp; &lt;Two&gt;' },
      { name: 'Tuner 1', channel: 'none' },
    ]);
    client.close();
  });

  it('shows one tuner per shared stream (hub), with its viewer count, never more busy tuners than TunerCount', async () => {
    f = await startStreamFixture({
      maxConnections: 2,
      app: { config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } },
    });
    const port = (await f.t.domains.discovery!.ready()).hdhomerunTcp!;
    for (const [channelId, streamId, number] of [
      ['bbc1.uk', 101, 7],
      ['itv1.uk', 102, 8],
    ] as const) {
      const lineupId = f.addChannel(channelId, [{ streamId, tier: 'HD' }]);
      f.db
        .prepare('UPDATE xmltv_channel_settings SET channel_number = ? WHERE xmltv_channel_id = ?')
        .run(number, lineupId);
    }
    // Four clients on two channels: two provider connections, so two busy tuners of two.
    const clients = [];
    for (const path of ['/auto/v7', '/auto/v7', '/auto/v8', '/auto/v7']) {
      const client = await openStream(`${f.t.url}${path}`);
      await client.waitForBytes(188 * 10);
      clients.push(client);
    }
    await waitUntil(
      () => f!.t.domains.streaming.sessions.list().filter((s) => s.state === 'streaming').length === 4,
      5000,
      'four streaming sessions',
    );
    expect(f.provider.streamRequests()).toHaveLength(2);
    const status = (await f.t.app.inject('/status.json')).json<Record<string, unknown>[]>();
    expect(status).toHaveLength(2);
    expect(status[0]).toMatchObject({ Resource: 'tuner0', VctNumber: '7', TargetIP: '127.0.0.1', Viewers: 3 });
    expect(status[1]).toMatchObject({ Resource: 'tuner1', VctNumber: '8', TargetIP: '127.0.0.1', Viewers: 1 });
    const html = (await f.t.app.inject('/tuners.html')).body;
    expect(html).toContain('<td>Tuner 0 Channel</td><td>7 bbc1.uk</td>');
    expect(html).toContain('<td>Tuner 1 Channel</td><td>8 itv1.uk</td>');
    expect(await controlGet(port, '/tuner0/vchannel')).toBe('7');
    expect(await controlGet(port, '/tuner1/vchannel')).toBe('8');
    expect(await controlGet(port, '/tuner1/status')).toMatch(/^ch=auto:v8 lock=iptv /);

    // The channel's first viewer leaves: the hub (and its tuner) stays, with two viewers.
    clients[0]!.close();
    await waitUntil(() => f!.t.domains.streaming.sessions.list().length === 3, 5000, 'a viewer to leave');
    const after = (await f.t.app.inject('/status.json')).json<Record<string, unknown>[]>();
    expect(after[0]).toMatchObject({ VctNumber: '7', Viewers: 2 });
    expect(after[1]).toMatchObject({ VctNumber: '8', Viewers: 1 });
    for (const client of clients) client.close();
  });
});
