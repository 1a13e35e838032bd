import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfig, createLogger, systemClock } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { NetworkDiscovery } from '../../src/discovery/index.js';
import { TunerDevice } from '../../src/tuner/index.js';
import {
  decodePacket,
  encodePacket,
  findTlv,
  packetType,
  readCString,
  tag,
  type Packet,
} from '../../src/discovery/hdhr-packet.js';
import { baseUrlFor, localAddressFor, specificIpv4 } from '../../src/discovery/local-address.js';
import { parseSsdpMessage } from '../../src/discovery/ssdp.js';
import { deviceSources } from '../support/lineup.js';
import { seedAccountRow } from '../support/seed.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A client UDP socket on 127.0.0.1 that collects every datagram it receives. */
async function udpClient(): Promise<{
  socket: Socket;
  port: number;
  messages: { data: Buffer; port: number }[];
  next(count?: number): Promise<void>;
}> {
  const socket = createSocket('udp4');
  const messages: { data: Buffer; port: number }[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data, remote) => {
    messages.push({ data, port: remote.port });
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    socket,
    port: socket.address().port,
    messages,
    next: (count = 1) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(
          () => reject(new Error(`only ${messages.length} of ${count} datagrams arrived`)),
          5000,
        );
        waiters.add(check);
        check();
      }),
  };
}

const discoverRequest = (deviceId = 0xffffffff) =>
  encodePacket(packetType.discoverRequest, [
    { tag: tag.deviceType, value: Buffer.from('ffffffff', 'hex') },
    { tag: tag.deviceId, value: Buffer.from(deviceId.toString(16).padStart(8, '0'), 'hex') },
  ]);

function decoded(data: Buffer): Packet {
  const result = decodePacket(data);
  if (!result.ok) throw new Error(result.reason);
  return result.packet;
}

async function appWithDiscovery(config: Parameters<typeof createConfig>[0] = {}): Promise<TestApp> {
  const t = await startApp({ config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0, ...config } });
  cleanups.push(() => t.close());
  return t;
}

describe('HDHomeRun discovery over UDP (a real dgram round-trip on loopback)', () => {
  it('answers a discover request unicast, from its discovery port, with id, tuner count and URLs the sender can reach', async () => {
    const t = await appWithDiscovery();
    const db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
    cleanups.push(() => {
      db.close();
    });
    seedAccountRow(db, { maxConnections: 3 });
    const port = (await t.domains.discovery!.ready()).hdhomerunUdp!;
    const discover = (await t.app.inject('/discover.json')).json<{ DeviceID: string; TunerCount: number }>();

    const client = await udpClient();
    client.socket.send(discoverRequest(), port, '127.0.0.1');
    await client.next();
    const reply = client.messages[0]!;
    expect(reply.port).toBe(port);
    const packet = decoded(reply.data);
    expect(packet.type).toBe(packetType.discoverReply);
    expect(findTlv(packet, tag.deviceType)!.readUInt32BE(0)).toBe(1);
    expect(findTlv(packet, tag.deviceId)!.readUInt32BE(0).toString(16).toUpperCase().padStart(8, '0')).toBe(
      discover.DeviceID,
    );
    expect(findTlv(packet, tag.tunerCount)![0]).toBe(3);
    expect(findTlv(packet, tag.baseUrl)!.toString()).toBe(t.url);
    expect(findTlv(packet, tag.lineupUrl)!.toString()).toBe(`${t.url}/lineup.json`);
    expect(findTlv(packet, tag.deviceAuth)!.toString().length).toBeGreaterThan(0);
  });

  it('stays silent for another device id and for garbage, answers its own id', async () => {
    const t = await appWithDiscovery({ deviceId: '12345674' });
    const port = (await t.domains.discovery!.ready()).hdhomerunUdp!;
    const client = await udpClient();
    client.socket.send(discoverRequest(0x1234567b), port, '127.0.0.1');
    client.socket.send(Buffer.from('hello'), port, '127.0.0.1');
    client.socket.send(discoverRequest(0x12345674), port, '127.0.0.1');
    await client.next();
    // Give a stray answer to the first two requests the time the third one took, twice over.
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages).toHaveLength(1);
    expect(findTlv(decoded(client.messages[0]!.data), tag.deviceId)!.readUInt32BE(0)).toBe(0x12345674);
  });

  it('puts --advertise-url in the reply instead of the local address', async () => {
    const t = await appWithDiscovery({ advertiseUrl: 'http://192.168.7.7:5004' });
    const client = await udpClient();
    client.socket.send(discoverRequest(), (await t.domains.discovery!.ready()).hdhomerunUdp, '127.0.0.1');
    await client.next();
    const packet = decoded(client.messages[0]!.data);
    expect(findTlv(packet, tag.baseUrl)!.toString()).toBe('http://192.168.7.7:5004');
    expect(findTlv(packet, tag.lineupUrl)!.toString()).toBe('http://192.168.7.7:5004/lineup.json');
  });

  it('is off by default in tests and with --no-discovery, and frees its ports on close', async () => {
    const off = await startApp({ config: { discovery: false } });
    cleanups.push(() => off.close());
    expect(off.domains.discovery).toBeUndefined();

    const t = await startApp({ config: { discovery: true, hdhomerunPort: 0, ssdpPort: 0 } });
    const { hdhomerunUdp, hdhomerunTcp } = await t.domains.discovery!.ready();
    await t.close();
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(hdhomerunUdp, '0.0.0.0', resolve);
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    const { createServer } = await import('node:net');
    const tcp = createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(hdhomerunTcp, '0.0.0.0', resolve);
    });
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  });
});

/** Sends raw bytes to the control port and collects `count` reply packets. */
function controlExchange(port: number, writes: Buffer[], count: number): Promise<Packet[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      (async () => {
        for (const w of writes) {
          socket.write(w);
          await new Promise((r) => setTimeout(r, 20));
        }
      })().catch(reject);
    });
    let buffer = Buffer.alloc(0);
    const packets: Packet[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let r = decodePacket(buffer); r.ok; r = decodePacket(buffer)) {
        packets.push(r.packet);
        buffer = buffer.subarray(r.size);
      }
      if (packets.length >= count) {
        socket.destroy();
        resolve(packets);
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      packets.length < count ? reject(new Error(`closed after ${packets.length} replies`)) : undefined,
    );
  });
}

const getRequest = (name: string) =>
  encodePacket(packetType.getSetRequest, [{ tag: tag.getSetName, value: Buffer.from(`${name}\0`) }]);

describe('HDHomeRun control protocol over TCP', () => {
  it('answers get requests, pipelined or split across writes', async () => {
    const t = await appWithDiscovery();
    const port = (await t.domains.discovery!.ready()).hdhomerunTcp!;
    const both = Buffer.concat([getRequest('/sys/model'), getRequest('/sys/version')]);
    const split = getRequest('/tuner0/status');
    const replies = await controlExchange(port, [both, split.subarray(0, 5), split.subarray(5)], 3);
    const values = replies.map((p) => [
      readCString(findTlv(p, tag.getSetName)!),
      readCString(findTlv(p, tag.getSetValue)!),
    ]);
    expect(replies.every((p) => p.type === packetType.getSetReply)).toBe(true);
    expect(values[0]).toEqual(['/sys/model', 'hdhomerun5_atsc']);
    expect(values[1]![0]).toBe('/sys/version');
    expect(values[1]![1]).toMatch(/^\d{8}$/);
    expect(values[2]![1]).toMatch(/^ch=none lock=none/);
  });

  it('drops a connection that sends a corrupted packet', async () => {
    const t = await appWithDiscovery();
    const bad = getRequest('/sys/model');
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    await expect(controlExchange((await t.domains.discovery!.ready()).hdhomerunTcp!, [bad], 1)).rejects.toThrow(
      /closed after 0 replies/,
    );
  });
});

describe('ports already in use', () => {
  it('warns and keeps the other services running instead of crashing', async () => {
    const busy = createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(0, '0.0.0.0', resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const busyPort = busy.address().port;

    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const db: Db = openDatabase(join(dir.path, 'tunerbridge.db'));
    cleanups.push(() => {
      db.close();
    });
    const lines: string[] = [];
    const log = createLogger(
      'debug',
      new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) }),
    );
    const config = createConfig({ hdhomerunPort: busyPort, ssdpPort: 0 });
    const discovery = new NetworkDiscovery({
      device: new TunerDevice(db, config, deviceSources(db)),
      log,
      clock: systemClock,
      config,
      ssdpNotifyTarget: { address: '127.0.0.1', port: 9 },
    });
    cleanups.push(() => discovery.close());
    const ports = await discovery.start(5004);
    expect(ports.hdhomerunUdp).toBeUndefined();
    expect(ports.ssdp).toBeGreaterThan(0);
    const warning = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.includes('HDHomeRun discovery (UDP) not started'));
    expect(warning?.msg).toContain('port already in use');
    expect(warning?.level).toBe(40);
  });
});

describe('ports already in use, through the app', () => {
  it('still serves HTTP and logs a warning when the HDHomeRun port is taken', async () => {
    const busy = createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(0, '0.0.0.0', resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const t = await appWithDiscovery({ hdhomerunPort: busy.address().port });
    const ports = await t.domains.discovery!.ready();
    expect(ports.hdhomerunUdp).toBeUndefined();
    expect((await fetch(`${t.url}/discover.json`)).status).toBe(200);
    expect(t.logs.some((l) => l.includes('HDHomeRun discovery (UDP) not started') && l.includes('"level":40'))).toBe(
      true,
    );
    const events = (await t.app.inject('/api/events?category=tuner')).json<{
      items: { level: string; message: string }[];
    }>().items;
    expect(events).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: `HDHomeRun discovery (UDP) not started on port ${busy.address().port}: port already in use`,
      }),
    ]);
  });
});

describe('SSDP', () => {
  async function startSsdp(advertiseUrl?: string) {
    const dir = makeTempDir();
    cleanups.push(() => dir.remove());
    const db = openDatabase(join(dir.path, 'tunerbridge.db'));
    cleanups.push(() => {
      db.close();
    });
    const config = createConfig({ hdhomerunPort: 0, ssdpPort: 0, advertiseUrl });
    const device = new TunerDevice(db, config, deviceSources(db));
    const notified = await udpClient();
    const discovery = new NetworkDiscovery({
      device,
      log: createLogger('silent'),
      clock: systemClock,
      config,
      ssdpNotifyTarget: { address: '127.0.0.1', port: notified.port },
    });
    let closed = false;
    cleanups.push(() => (closed ? undefined : discovery.close()));
    const ports = await discovery.start(5004);
    return {
      uuid: device.identity.uuid,
      ssdpPort: ports.ssdp!,
      notified,
      close: async () => {
        closed = true;
        await discovery.close();
      },
    };
  }
  const search = (st: string, mx?: number) =>
    Buffer.from(
      `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n${mx ? `MX: ${mx}\r\n` : ''}ST: ${st}\r\n\r\n`,
    );

  it('announces itself with NOTIFY ssdp:alive on start and ssdp:byebye on close', async () => {
    const s = await startSsdp();
    await s.notified.next(4);
    const alive = s.notified.messages.map((m) => parseSsdpMessage(m.data.toString())!);
    expect(alive.every((m) => m.method === 'NOTIFY' && m.headers.get('NTS') === 'ssdp:alive')).toBe(true);
    expect(alive.map((m) => m.headers.get('NT'))).toEqual([
      'upnp:rootdevice',
      `uuid:${s.uuid}`,
      'urn:schemas-upnp-org:device:MediaServer:1',
      'urn:schemas-upnp-org:device:HDHomeRun:1',
    ]);
    expect(alive[0]!.headers.get('LOCATION')).toMatch(/^http:\/\/[\d.]+:5004\/device\.xml$/);
    expect(alive[0]!.headers.get('USN')).toBe(`uuid:${s.uuid}::upnp:rootdevice`);
    await s.close();
    await s.notified.next(8);
    const byebye = s.notified.messages.slice(4).map((m) => parseSsdpMessage(m.data.toString())!);
    expect(byebye.every((m) => m.headers.get('NTS') === 'ssdp:byebye')).toBe(true);
  });

  it('answers M-SEARCH for ssdp:all, each known target and its uuid, and ignores others', async () => {
    const s = await startSsdp('http://192.168.9.9:5004');
    const client = await udpClient();
    client.socket.send(search('urn:schemas-upnp-org:device:Printer:1'), s.ssdpPort, '127.0.0.1');
    client.socket.send(search('urn:schemas-upnp-org:device:MediaServer:1'), s.ssdpPort, '127.0.0.1');
    await client.next(1);
    client.socket.send(search('ssdp:all'), s.ssdpPort, '127.0.0.1');
    await client.next(5);
    client.socket.send(search(`uuid:${s.uuid}`), s.ssdpPort, '127.0.0.1');
    client.socket.send(search('urn:schemas-upnp-org:device:HDHomeRun:1'), s.ssdpPort, '127.0.0.1');
    await client.next(7);
    const replies = client.messages.map((m) => m.data.toString());
    expect(replies.every((r) => r.startsWith('HTTP/1.1 200 OK\r\n'))).toBe(true);
    const headers = replies.map(
      (r) =>
        new Map(
          r
            .split('\r\n')
            .slice(1)
            .filter(Boolean)
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        ),
    );
    // The Printer search got no answer: the first reply is the MediaServer one.
    expect(headers.map((h) => h.get('ST'))).toEqual([
      'urn:schemas-upnp-org:device:MediaServer:1',
      'upnp:rootdevice',
      `uuid:${s.uuid}`,
      'urn:schemas-upnp-org:device:MediaServer:1',
      'urn:schemas-upnp-org:device:HDHomeRun:1',
      `uuid:${s.uuid}`,
      'urn:schemas-upnp-org:device:HDHomeRun:1',
    ]);
    for (const h of headers) {
      expect(h.get('LOCATION')).toBe('http://192.168.9.9:5004/device.xml');
      expect(h.get('CACHE-CONTROL')).toBe('max-age=1800');
      expect(h.has('EXT')).toBe(true);
      expect(h.get('USN')!.startsWith(`uuid:${s.uuid}`)).toBe(true);
    }
  });

  it('answers a multicast-style search with MX after its random delay, and ignores NOTIFY and non-discover requests', async () => {
    const s = await startSsdp();
    const client = await udpClient();
    client.socket.send(
      Buffer.from('NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n'),
      s.ssdpPort,
      '127.0.0.1',
    );
    client.socket.send(
      Buffer.from('M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:update"\r\nST: ssdp:all\r\n\r\n'),
      s.ssdpPort,
      '127.0.0.1',
    );
    client.socket.send(search('upnp:rootdevice', 1), s.ssdpPort, '127.0.0.1');
    await client.next(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages.map((m) => /\r\nST: (.*)\r\n/.exec(m.data.toString())?.[1])).toEqual(['upnp:rootdevice']);
    // The reply names the address the searcher reached: loopback here.
    expect(client.messages[0]!.data.toString()).toContain('\r\nLOCATION: http://127.0.0.1:5004/device.xml\r\n');
  });
});

describe('local address selection', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true, mac: '', cidr: null }],
    eth0: [{ address: '192.168.1.5', netmask: '255.255.255.0', family: 'IPv4', internal: false, mac: '', cidr: null }],
    wg0: [{ address: '10.8.0.2', netmask: '255.255.0.0', family: 'IPv4', internal: false, mac: '', cidr: null }],
  } as unknown as Parameters<typeof localAddressFor>[1];

  it('picks the interface whose subnet holds the sender, loopback for 127.x, else the first LAN address', () => {
    expect(localAddressFor('192.168.1.77', interfaces)).toBe('192.168.1.5');
    expect(localAddressFor('10.8.3.1', interfaces)).toBe('10.8.0.2');
    expect(localAddressFor('127.0.0.5', interfaces)).toBe('127.0.0.1');
    expect(localAddressFor('::ffff:192.168.1.9', interfaces)).toBe('192.168.1.5');
    expect(localAddressFor('172.16.0.1', interfaces)).toBe('192.168.1.5');
  });

  it('hands out the advertised URL, else the one listen address, else the address the sender reaches', () => {
    const http = { httpPort: 5004, advertiseUrl: undefined, listenAddress: undefined };
    expect(baseUrlFor('10.8.3.1', http, interfaces)).toBe('http://10.8.0.2:5004');
    expect(baseUrlFor('10.8.3.1', { ...http, listenAddress: '192.168.1.5' }, interfaces)).toBe(
      'http://192.168.1.5:5004',
    );
    expect(
      baseUrlFor('10.8.3.1', { ...http, listenAddress: '192.168.1.5', advertiseUrl: 'https://tv.lan' }, interfaces),
    ).toBe('https://tv.lan');
    expect(specificIpv4('192.168.1.5')).toBe('192.168.1.5');
    expect(specificIpv4('0.0.0.0')).toBeUndefined();
    expect(specificIpv4('::')).toBeUndefined();
    expect(specificIpv4('localhost')).toBeUndefined();
  });
});
