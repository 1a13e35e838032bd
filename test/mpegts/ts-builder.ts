// Small synthetic MPEG-TS packets for edge cases the real recordings do not have.
import { crc32Mpeg } from '../../src/mpegts/psi.js';

export interface PacketSpec {
  pid: number;
  cc?: number;
  start?: boolean;
  /** Adaptation field bytes after its length byte (flags first); [] is an adaptation field of length 0. */
  adaptation?: number[];
  /** Payload bytes; padded with 0xFF to fill the packet. Omit for an adaptation-field-only packet. */
  payload?: number[];
}

/** One 188-byte packet. */
export function packet(spec: PacketSpec): Buffer {
  const out = Buffer.alloc(188, 0xff);
  out[0] = 0x47;
  out[1] = (spec.start ? 0x40 : 0) | ((spec.pid >> 8) & 0x1f);
  out[2] = spec.pid & 0xff;
  const hasAf = spec.adaptation !== undefined;
  const hasPayload = spec.payload !== undefined;
  out[3] = (hasAf ? 0x20 : 0) | (hasPayload ? 0x10 : 0) | ((spec.cc ?? 0) & 0x0f);
  let at = 4;
  if (hasAf) {
    const room = hasPayload ? spec.adaptation!.length : 183;
    out[4] = room;
    Buffer.from(spec.adaptation!).copy(out, 5);
    at = 5 + room;
  }
  if (hasPayload) Buffer.from(spec.payload!).copy(out, at);
  return out;
}

function section(tableId: number, id: number, body: number[]): number[] {
  const length = 5 + body.length + 4;
  const bytes = [tableId, 0xb0 | (length >> 8), length & 0xff, id >> 8, id & 0xff, 0xc1, 0, 0, ...body];
  const crc = crc32Mpeg(Uint8Array.from(bytes));
  return [...bytes, crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff];
}

/** A PAT packet naming one program's PMT PID. */
export function patPacket(pmtPid: number, cc = 0): Buffer {
  const body = [0, 1, 0xe0 | (pmtPid >> 8), pmtPid & 0xff];
  return packet({ pid: 0, start: true, cc, payload: [0, ...section(0x00, 1, body)] });
}

/** A PMT packet: PCR on the first stream; `streams` as [stream_type, pid]. */
export function pmtPacket(pmtPid: number, streams: [number, number][], cc = 0): Buffer {
  const pcrPid = streams[0]?.[1] ?? 0x1fff;
  const body = [0xe0 | (pcrPid >> 8), pcrPid & 0xff, 0xf0, 0];
  for (const [type, pid] of streams) body.push(type, 0xe0 | (pid >> 8), pid & 0xff, 0xf0, 0);
  return packet({ pid: pmtPid, start: true, cc, payload: [0, ...section(0x02, 1, body)] });
}

/** PES header bytes (stream_id 0xE0) with a PTS, followed by `es`. */
export function pes(pts: number, es: number[]): number[] {
  const b = [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5];
  b.push(0x21 | ((Math.floor(pts / 2 ** 30) & 7) << 1));
  b.push((pts >> 22) & 0xff, (((pts >> 15) & 0x7f) << 1) | 1, (pts >> 7) & 0xff, ((pts & 0x7f) << 1) | 1);
  return [...b, ...es];
}

/** The packets of `buffer`, one Buffer each. */
export function packetsOf(buffer: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 188 <= buffer.length; at += 188) out.push(buffer.subarray(at, at + 188));
  return out;
}
