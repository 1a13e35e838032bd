import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, findTlv, packetType, readCString, tag } from '../../src/tuner/hdhr-packet.js';
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
    f = await startStreamFixture({ maxConnections: 2, app: { config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } } });
    const port = (await f.t.app.domains.discovery!.ready()).hdhomerunTcp!;
    const lineupId = f.addChannel('bbc1.uk', [{ streamId: 101, tier: 'HD' }]);
    f.db.prepare('UPDATE xmltv_channel_settings SET channel_number = 7 WHERE xmltv_channel_id = ?').run(lineupId);

    expect(await controlGet(port, '/tuner0/status')).toBe('ch=none lock=none ss=0 snq=0 seq=0 bps=0 pps=0');
    const client = await openStream(`${f.t.url}/auto/v7`);
    await client.waitForBytes(188 * 100);
    await waitUntil(() => f!.t.app.domains.streaming.sessions.list().some((s) => s.state === 'streaming'), 5000, 'a streaming session');

    const status = await controlGet(port, '/tuner0/status');
    expect(status).toMatch(/^ch=auto:v7 lock=iptv ss=100 snq=100 seq=100 bps=\d+ pps=\d+$/);
    expect(Number(/bps=(\d+)/.exec(status)![1])).toBeGreaterThan(0);
    expect(await controlGet(port, '/tuner0/vchannel')).toBe('7');
    expect(await controlGet(port, '/tuner1/status')).toMatch(/^ch=none lock=none/);
    expect(await controlGet(port, '/tuner2/status')).toBe('ERROR: unknown getset variable');

    client.close();
    await waitUntil(() => f!.t.app.domains.streaming.sessions.list().length === 0, 5000, 'the session to end');
    expect(await controlGet(port, '/tuner0/vchannel')).toBe('none');
  });
});
