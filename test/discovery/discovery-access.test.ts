import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, packetType, tag } from '../../src/discovery/hdhr-packet.js';
import { startApp, type TestApp } from '../support/start-app.js';

// Linux routes all of 127.0.0.0/8 to loopback: a client bound to 127.0.0.2 is a second host here.
const allowed = '127.0.0.2';
const refused = '127.0.0.1';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appAllowingOnly(address: string): Promise<TestApp> {
  const t = await startApp({
    config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0, allowCidrs: [`${address}/32`] },
  });
  cleanups.push(() => t.close());
  return t;
}

interface UdpClient {
  socket: Socket;
  messages: Buffer[];
  next(): Promise<Buffer>;
}

async function udpClient(address: string): Promise<UdpClient> {
  const socket = createSocket('udp4');
  const messages: Buffer[] = [];
  const waiters: ((message: Buffer) => void)[] = [];
  socket.on('message', (message) => {
    messages.push(message);
    waiters.shift()?.(message);
  });
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, messages, next: () => new Promise((resolve) => waiters.push(resolve)) };
}

/** Log lines (parsed) whose message contains `text`. */
const logged = (t: TestApp, text: string) =>
  t.logs.map((line) => JSON.parse(line) as { msg: string; client?: string }).filter((l) => l.msg.includes(text));

const discoverRequest = encodePacket(packetType.discoverRequest, [
  { tag: tag.deviceType, value: Buffer.from('ffffffff', 'hex') },
  { tag: tag.deviceId, value: Buffer.from('ffffffff', 'hex') },
]);

describe('discovery answers only --allow-cidr sources', () => {
  it('HDHomeRun UDP discovery: ignores a source outside the list, answers one inside', async () => {
    const t = await appAllowingOnly(allowed);
    const port = (await t.domains.discovery!.ready()).hdhomerunUdp!;
    const outsider = await udpClient(refused);
    const insider = await udpClient(allowed);
    outsider.socket.send(discoverRequest, port, '127.0.0.1');
    // Sent after the outsider's request on the same server socket: by the time this reply is here,
    // the outsider's request has been handled (and ignored, as the log says).
    insider.socket.send(discoverRequest, port, '127.0.0.1');
    const reply = await insider.next();
    expect(decodePacket(reply).ok).toBe(true);
    expect(logged(t, 'HDHomeRun discovery from a client outside --allow-cidr ignored')).toEqual([
      expect.objectContaining({ client: refused }),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outsider.messages).toEqual([]);
  });

  it('HDHomeRun TCP control: drops a client outside the list without a reply, serves one inside', async () => {
    const t = await appAllowingOnly(allowed);
    const port = (await t.domains.discovery!.ready()).hdhomerunTcp!;
    const request = encodePacket(packetType.getSetRequest, [
      { tag: tag.getSetName, value: Buffer.from('/sys/model\0') },
    ]);
    const exchange = (localAddress: string) =>
      new Promise<Buffer>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(request));
        let received = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (decodePacket(received).ok) socket.end();
        });
        socket.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error),
        );
        socket.on('close', () => resolve(received));
      });
    expect(await exchange(refused)).toHaveLength(0);
    expect(logged(t, 'HDHomeRun control client outside --allow-cidr dropped')).toEqual([
      expect.objectContaining({ client: refused }),
    ]);
    const reply = decodePacket(await exchange(allowed));
    expect(reply.ok && reply.packet.type).toBe(packetType.getSetReply);
  });

  it('SSDP: ignores an M-SEARCH from outside the list, answers one from inside', async () => {
    const t = await appAllowingOnly(allowed);
    const port = (await t.domains.discovery!.ready()).ssdp!;
    const search = Buffer.from(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nST: upnp:rootdevice\r\n\r\n',
    );
    const outsider = await udpClient(refused);
    const insider = await udpClient(allowed);
    outsider.socket.send(search, port, '127.0.0.1');
    insider.socket.send(search, port, '127.0.0.1');
    expect((await insider.next()).toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*ST: upnp:rootdevice\r\n/);
    expect(logged(t, 'SSDP message from a client outside --allow-cidr ignored')).toEqual([
      expect.objectContaining({ client: refused }),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outsider.messages).toEqual([]);
  });

  it('the default list answers loopback discovery', async () => {
    const t = await startApp({ config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } });
    cleanups.push(() => t.close());
    const client = await udpClient(refused);
    client.socket.send(discoverRequest, (await t.domains.discovery!.ready()).hdhomerunUdp, '127.0.0.1');
    expect(decodePacket(await client.next()).ok).toBe(true);
  });
});
