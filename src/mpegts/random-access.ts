import { adaptationLength, packetSize, payloadOffset, startsUnit } from './packet.js';
import type { VideoCodec } from './psi.js';

/**
 * True when the packet at `offset` (a packet of the video PID) is where a decoder can start: its
 * adaptation field sets random_access_indicator, or it starts a PES whose payload, within this
 * packet, holds an H.264 IDR or SPS, an HEVC IRAP (or VPS/SPS), or an MPEG-2 sequence header.
 * Only the first packet of a PES is looked into: that is where an access unit's first NAL units
 * are (after an access unit delimiter), which keeps this cheap.
 */
export function isRandomAccess(packets: Uint8Array, offset: number, codec: VideoCodec): boolean {
  if (!startsUnit(packets, offset)) return false;
  if (adaptationLength(packets, offset) > 0 && packets[offset + 5]! & 0x40) return true;
  const payload = payloadOffset(packets, offset);
  const end = offset + packetSize;
  // PES header: 00 00 01, stream_id, length (2), flags (2), header_data_length, header data.
  if (payload < 0 || payload + 9 > end) return false;
  if (packets[payload] !== 0 || packets[payload + 1] !== 0 || packets[payload + 2] !== 1) return false;
  const es = payload + 9 + packets[payload + 8]!;
  return startsAccessPoint(packets, es, end, codec);
}

function startsAccessPoint(bytes: Uint8Array, from: number, end: number, codec: VideoCodec): boolean {
  // Each NAL unit (or MPEG-2 start code) follows 00 00 01; the byte after it says what it is.
  for (let at = from; at + 3 < end; at++) {
    if (bytes[at] !== 0 || bytes[at + 1] !== 0 || bytes[at + 2] !== 1) continue;
    const header = bytes[at + 3]!;
    if (codec === 'h264') {
      const type = header & 0x1f;
      if (type === 5 || type === 7) return true; // IDR slice, SPS (sent at the start of a GOP)
      if (type === 1) return false; // a non-IDR slice: this access unit is not a starting point
    } else if (codec === 'hevc') {
      const type = (header >> 1) & 0x3f;
      // IRAP pictures (BLA, IDR, CRA: 16-21); VPS and SPS (32, 33) come first in an IRAP access unit
      // and can fill the first packet before the picture's own NAL unit.
      if ((type >= 16 && type <= 21) || type === 32 || type === 33) return true;
      if (type < 16) return false; // a non-IRAP slice
    } else {
      if (header === 0xb3) return true; // sequence header
      if (header === 0x00) return false; // a picture before any sequence header
    }
    at += 3;
  }
  return false;
}
