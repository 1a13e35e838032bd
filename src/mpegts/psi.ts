import { packetSize, payloadOffset, startsUnit } from './packet.js';

/** One program of a PAT: its number and the PID of its PMT. */
export interface PatEntry {
  program: number;
  pmtPid: number;
}

/** One elementary stream of a PMT. */
export interface PmtStream {
  pid: number;
  streamType: number;
}

/** A parsed PMT. */
export interface Pmt {
  program: number;
  pcrPid: number;
  streams: PmtStream[];
}

/** The video codecs a random-access point can be found in. */
export type VideoCodec = 'h264' | 'hevc' | 'mpeg2';

/** The codec of a PMT stream_type when it is video we can find random-access points in. */
export function videoCodecOf(streamType: number): VideoCodec | undefined {
  switch (streamType) {
    case 0x1b:
      return 'h264';
    case 0x24:
      return 'hevc';
    case 0x01: // MPEG-1 video has the same sequence header as MPEG-2
    case 0x02:
      return 'mpeg2';
    default:
      return undefined;
  }
}

/** True for the PMT stream types of audio: MPEG-1/2 audio, AAC (ADTS, LATM), AC-3, E-AC-3, DTS. */
export function isAudioType(streamType: number): boolean {
  return [0x03, 0x04, 0x0f, 0x11, 0x81, 0x82, 0x84, 0x85, 0x86, 0x87, 0x8a].includes(streamType);
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 over `bytes` (0 over a whole section including its CRC means it is intact). */
export function crc32Mpeg(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

/**
 * The PSI section that starts in the packet at `offset` (after its pointer field), with table_id
 * `tableId` and an intact CRC; undefined otherwise. Assumes the section fits in this one packet,
 * which PATs and PMTs of live IPTV streams (one program, a handful of streams) always do; a longer
 * one is not parsed.
 */
export function sectionIn(packets: Uint8Array, offset: number, tableId: number): Uint8Array | undefined {
  if (!startsUnit(packets, offset)) return undefined;
  const payload = payloadOffset(packets, offset);
  if (payload < 0) return undefined;
  const start = payload + 1 + packets[payload]!; // pointer_field
  const end = offset + packetSize;
  if (start + 3 > end || packets[start] !== tableId) return undefined;
  const length = ((packets[start + 1]! & 0x0f) << 8) | packets[start + 2]!;
  if (length < 9 || start + 3 + length > end) return undefined;
  const section = packets.subarray(start, start + 3 + length);
  if ((section[5]! & 0x01) === 0) return undefined; // current_next_indicator 0: a table not in force yet
  return crc32Mpeg(section) === 0 ? section : undefined;
}

/** The programs of a PAT section (program 0, the network PID, left out). */
export function parsePat(section: Uint8Array): PatEntry[] {
  const entries: PatEntry[] = [];
  for (let at = 8; at + 4 <= section.length - 4; at += 4) {
    const program = (section[at]! << 8) | section[at + 1]!;
    const pid = ((section[at + 2]! & 0x1f) << 8) | section[at + 3]!;
    if (program !== 0) entries.push({ program, pmtPid: pid });
  }
  return entries;
}

/** A PMT section's program, PCR PID and elementary streams. */
export function parsePmt(section: Uint8Array): Pmt {
  const program = (section[3]! << 8) | section[4]!;
  const pcrPid = ((section[8]! & 0x1f) << 8) | section[9]!;
  const infoLength = ((section[10]! & 0x0f) << 8) | section[11]!;
  const streams: PmtStream[] = [];
  const end = section.length - 4;
  for (let at = 12 + infoLength; at + 5 <= end;) {
    const streamType = section[at]!;
    const pid = ((section[at + 1]! & 0x1f) << 8) | section[at + 2]!;
    const esInfo = ((section[at + 3]! & 0x0f) << 8) | section[at + 4]!;
    streams.push({ pid, streamType });
    at += 5 + esInfo;
  }
  return { program, pcrPid, streams };
}
