/**
 * The HDHomeRun packet format shared by UDP discovery and the TCP control protocol
 * (libhdhomerun `hdhomerun_pkt.h`): uint16 type, uint16 payload length (big-endian), TLV payload,
 * then the Ethernet CRC-32 of everything before it, written little-endian.
 */

export const packetType = {
  discoverRequest: 0x0002,
  discoverReply: 0x0003,
  getSetRequest: 0x0004,
  getSetReply: 0x0005,
} as const;

export const tag = {
  deviceType: 0x01,
  deviceId: 0x02,
  getSetName: 0x03,
  getSetValue: 0x04,
  errorMessage: 0x05,
  tunerCount: 0x10,
  getSetLockkey: 0x15,
  lineupUrl: 0x27,
  baseUrl: 0x2a,
  deviceAuth: 0x2b,
  /** A list of uint32 device types (multi-type discovery requests of newer clients). */
  multiType: 0x2d,
} as const;

export const deviceTypeTuner = 0x00000001;
export const wildcard = 0xffffffff;

export interface Tlv {
  tag: number;
  value: Buffer;
}

export interface Packet {
  type: number;
  tlvs: Tlv[];
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The standard (Ethernet, zlib) CRC-32 of `data`. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function encodeLength(length: number): Buffer {
  if (length <= 127) return Buffer.from([length]);
  // Two bytes: the low 7 bits with the high bit set, then the rest.
  return Buffer.from([(length & 0x7f) | 0x80, length >> 7]);
}

/** Encodes one TLV; string values are written as given (add the NUL yourself where the protocol wants it). */
export function encodeTlv(tlvTag: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length > 0x7fff) throw new RangeError('TLV value too long');
  return Buffer.concat([Buffer.from([tlvTag]), encodeLength(bytes.length), bytes]);
}

/** A uint32 TLV value, big-endian. */
export function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

/** Frames a packet: header, TLVs, little-endian CRC-32. */
export function encodePacket(type: number, tlvs: readonly Tlv[]): Buffer {
  const payload = Buffer.concat(tlvs.map((t) => encodeTlv(t.tag, t.value)));
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(payload.length, 2);
  const body = Buffer.concat([header, payload]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body));
  return Buffer.concat([body, crc]);
}

export type DecodeResult =
  { ok: true; packet: Packet; size: number } | { ok: false; reason: 'incomplete' | 'bad-crc' | 'bad-tlv' };

/**
 * Decodes the first packet in `data`. `size` is how many bytes it used, so a TCP reader can
 * keep what follows; 'incomplete' asks for more bytes.
 */
export function decodePacket(data: Buffer): DecodeResult {
  if (data.length < 8) return { ok: false, reason: 'incomplete' };
  const type = data.readUInt16BE(0);
  const length = data.readUInt16BE(2);
  const size = 4 + length + 4;
  if (data.length < size) return { ok: false, reason: 'incomplete' };
  if (crc32(data.subarray(0, 4 + length)) !== data.readUInt32LE(4 + length)) return { ok: false, reason: 'bad-crc' };
  const tlvs = decodeTlvs(data.subarray(4, 4 + length));
  if (!tlvs) return { ok: false, reason: 'bad-tlv' };
  return { ok: true, packet: { type, tlvs }, size };
}

function decodeTlvs(payload: Buffer): Tlv[] | undefined {
  const tlvs: Tlv[] = [];
  let pos = 0;
  while (pos < payload.length) {
    if (pos + 2 > payload.length) return undefined;
    const tlvTag = payload[pos]!;
    let length = payload[pos + 1]!;
    pos += 2;
    if (length & 0x80) {
      if (pos >= payload.length) return undefined;
      length = (length & 0x7f) | (payload[pos]! << 7);
      pos += 1;
    }
    if (pos + length > payload.length) return undefined;
    tlvs.push({ tag: tlvTag, value: payload.subarray(pos, pos + length) });
    pos += length;
  }
  return tlvs;
}

/** The first TLV with this tag, if any. */
export function findTlv(packet: Packet, tlvTag: number): Buffer | undefined {
  return packet.tlvs.find((t) => t.tag === tlvTag)?.value;
}

/** A NUL-terminated (or not) string value, without its NUL. */
export function readCString(value: Buffer): string {
  const end = value.indexOf(0);
  return value.subarray(0, end < 0 ? value.length : end).toString('utf8');
}
