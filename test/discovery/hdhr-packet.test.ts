import { describe, expect, it } from 'vitest';
import {
  crc32,
  decodePacket,
  encodePacket,
  encodeTlv,
  findTlv,
  packetType,
  readCString,
  tag,
} from '../../src/discovery/hdhr-packet.js';
import {
  answerControlPacket,
  answerDiscoverDatagram,
  encodeDiscoverReply,
  matchesDiscoverRequest,
} from '../../src/discovery/hdhr-protocol.js';
import type { DeviceDescription } from '../../src/tuner/tuner-device.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ascii = (text: string) => Buffer.from(text, 'ascii').toString('hex');

// protocols.md: the reply of device 12345674 with 2 tuners at http://192.168.1.50:5004.
const vector = hex(
  `0003 004f 01 04 00000001 02 04 12345674 10 01 02
   2a 18 ${ascii('http://192.168.1.50:5004')} 27 24 ${ascii('http://192.168.1.50:5004/lineup.json')} 6377f11f`,
);
// What Debian's `hdhomerun_config discover 127.0.0.1` sends.
const debianRequest = hex('0002 000c 01 04 ffffffff 02 04 ffffffff 73cc7d8f');

describe('HDHomeRun packets', () => {
  it('computes the Ethernet CRC-32 (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('encodes the discover reply of protocols.md byte for byte, CRC little-endian', () => {
    const reply = encodeDiscoverReply({ deviceId: 0x12345674, tunerCount: 2, baseUrl: 'http://192.168.1.50:5004' });
    expect(reply.length).toBe(87);
    expect(reply.toString('hex')).toBe(vector.toString('hex'));
  });

  it('decodes the vector back into its TLVs', () => {
    const decoded = decodePacket(vector);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.size).toBe(87);
    expect(decoded.packet.type).toBe(packetType.discoverReply);
    expect(findTlv(decoded.packet, tag.deviceId)!.readUInt32BE(0)).toBe(0x12345674);
    expect(findTlv(decoded.packet, tag.tunerCount)![0]).toBe(2);
    expect(findTlv(decoded.packet, tag.lineupUrl)!.toString()).toBe('http://192.168.1.50:5004/lineup.json');
  });

  it('rejects a corrupted CRC and asks for more bytes on a short packet', () => {
    const broken = Buffer.from(vector);
    broken[10] = broken[10]! ^ 0xff;
    expect(decodePacket(broken)).toEqual({ ok: false, reason: 'bad-crc' });
    expect(decodePacket(vector.subarray(0, 40))).toEqual({ ok: false, reason: 'incomplete' });
  });

  it('round-trips two-byte TLV lengths (≥ 128)', () => {
    const long = 'x'.repeat(300);
    const tlv = encodeTlv(tag.baseUrl, long);
    // 300 = 0b10_0101100: low 7 bits 0x2c | 0x80, then 300 >> 7 = 2.
    expect([...tlv.subarray(0, 3)]).toEqual([tag.baseUrl, 0xac, 0x02]);
    const decoded = decodePacket(
      encodePacket(packetType.discoverReply, [{ tag: tag.baseUrl, value: Buffer.from(long) }]),
    );
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(findTlv(decoded.packet, tag.baseUrl)!.toString()).toBe(long);
  });

  it('flags a TLV that runs past the payload', () => {
    const header = hex('0002 0004 01 08 0000');
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(header));
    expect(decodePacket(Buffer.concat([header, crc]))).toEqual({ ok: false, reason: 'bad-tlv' });
  });
});

describe('discover requests', () => {
  const me = { deviceId: 0x12345674, tunerCount: 2, baseUrl: 'http://192.168.1.50:5004' };

  it("accepts Debian hdhomerun_config's request (its CRC included) and answers with the vector", () => {
    expect(answerDiscoverDatagram(debianRequest, me)!.toString('hex')).toBe(vector.toString('hex'));
  });

  const request = (...tlvs: [number, Buffer][]) => {
    const decoded = decodePacket(
      encodePacket(
        packetType.discoverRequest,
        tlvs.map(([t, value]) => ({ tag: t, value })),
      ),
    );
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.packet;
  };

  it('answers wildcard and tuner types, its own id; ignores other types and ids', () => {
    expect(matchesDiscoverRequest(request([tag.deviceType, hex('ffffffff')]), me.deviceId)).toBe(true);
    expect(
      matchesDiscoverRequest(request([tag.deviceType, hex('00000001')], [tag.deviceId, hex('12345674')]), me.deviceId),
    ).toBe(true);
    expect(
      matchesDiscoverRequest(request([tag.deviceType, hex('00000001')], [tag.deviceId, hex('1234567b')]), me.deviceId),
    ).toBe(false);
    expect(matchesDiscoverRequest(request([tag.deviceType, hex('00000005')]), me.deviceId)).toBe(false);
    expect(matchesDiscoverRequest(request(), me.deviceId)).toBe(true);
  });

  it('reads the multi-type list (tag 0x2D) of newer clients', () => {
    expect(matchesDiscoverRequest(request([tag.multiType, hex('00000005 00000001')]), me.deviceId)).toBe(true);
    expect(matchesDiscoverRequest(request([tag.multiType, hex('00000005 00000006')]), me.deviceId)).toBe(false);
  });

  it('ignores replies, bad CRCs and trailing garbage', () => {
    expect(answerDiscoverDatagram(vector, me)).toBeUndefined();
    const bad = Buffer.from(debianRequest);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    expect(answerDiscoverDatagram(bad, me)).toBeUndefined();
    expect(answerDiscoverDatagram(Buffer.concat([debianRequest, hex('00')]), me)).toBeUndefined();
  });

  it('appends the device auth after the lineup URL when there is one', () => {
    const decoded = decodePacket(encodeDiscoverReply({ ...me, deviceAuth: 'abc' }));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.packet.tlvs.map((t) => t.tag)).toEqual([
      tag.deviceType,
      tag.deviceId,
      tag.tunerCount,
      tag.baseUrl,
      tag.lineupUrl,
      tag.deviceAuth,
    ]);
    expect(findTlv(decoded.packet, tag.deviceAuth)!.toString()).toBe('abc');
  });
});

describe('control get/set', () => {
  const device: DeviceDescription = {
    friendlyName: 'Tunerbridge',
    manufacturer: 'Silicondust',
    modelNumber: 'HDHR5-4K',
    firmwareName: 'hdhomerun5_atsc',
    firmwareVersion: '20250301',
    deviceId: '12345674',
    deviceIdNumber: 0x12345674,
    deviceAuth: 'auth',
    uuid: 'u',
    tunerCount: 2,
  };
  const get = (name: string, value?: string) => {
    const tlvs: { tag: number; value: Buffer }[] = [{ tag: tag.getSetName, value: Buffer.from(`${name}\0`) }];
    if (value !== undefined) tlvs.push({ tag: tag.getSetValue, value: Buffer.from(`${value}\0`) });
    const decoded = decodePacket(encodePacket(packetType.getSetRequest, tlvs));
    if (!decoded.ok) throw new Error(decoded.reason);
    const reply = decodePacket(answerControlPacket(decoded.packet, { device })!);
    if (!reply.ok) throw new Error(reply.reason);
    expect(reply.packet.type).toBe(packetType.getSetReply);
    expect(readCString(findTlv(reply.packet, tag.getSetName)!)).toBe(name);
    const v = findTlv(reply.packet, tag.getSetValue);
    const e = findTlv(reply.packet, tag.errorMessage);
    // Values and errors are NUL-terminated strings, the NUL counted in the TLV length.
    expect((v ?? e)!.at(-1)).toBe(0);
    return v ? { value: readCString(v) } : { error: readCString(e!) };
  };

  it('answers the system variables', () => {
    expect(get('/sys/model')).toEqual({ value: 'hdhomerun5_atsc' });
    expect(get('/sys/hwmodel')).toEqual({ value: 'HDHR5-4K' });
    expect(get('/sys/version')).toEqual({ value: '20250301' });
    expect(get('/sys/features').value).toContain('channelmap');
  });

  it('answers the status of each tuner it has, and an error beyond', () => {
    expect(get('/tuner0/status').value).toMatch(/^ch=none lock=none ss=0/);
    expect(get('/tuner1/status').value).toMatch(/^ch=none/);
    expect(get('/tuner2/status')).toEqual({ error: 'ERROR: unknown getset variable' });
    expect(get('/sys/nonsense')).toEqual({ error: 'ERROR: unknown getset variable' });
  });

  it('refuses sets', () => {
    expect(get('/tuner0/channel', 'auto:5')).toEqual({ error: 'ERROR: permission denied' });
  });
});
