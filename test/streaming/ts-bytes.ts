import { nullPid, packetSize, pidOf, startsUnit, TsAnalyzer } from '../../src/mpegts/index.js';
import { adaptationLength, hasPayload, payloadOffset } from '../../src/mpegts/packet.js';

/** One received TS packet, as the tests look at it. */
export interface SeenPacket {
  index: number;
  pid: number;
  /** The adaptation field's discontinuity_indicator. */
  discontinuity: boolean;
  startsUnit: boolean;
}

/** The client's bytes as packets (whole ones; a trailing partial packet is left out). */
export function packetsOf(bytes: Buffer): SeenPacket[] {
  const out: SeenPacket[] = [];
  for (let index = 0; (index + 1) * packetSize <= bytes.length; index++) {
    const at = index * packetSize;
    out.push({
      index,
      pid: pidOf(bytes, at),
      discontinuity: adaptationLength(bytes, at) > 0 && (bytes[at + 5]! & 0x80) !== 0,
      startsUnit: startsUnit(bytes, at),
    });
  }
  return out;
}

/** Index of the first packet flagged discontinuous (where the output switched upstream), or -1. */
export function firstSwitch(packets: SeenPacket[]): number {
  return packets.find((p) => p.pid !== nullPid && p.discontinuity)?.index ?? -1;
}

/**
 * The first packet index from `near` where a stream can end without cutting a PES short: a video
 * PES starts there (so the one before is whole) and every audio PES begun before it is complete.
 */
export function wholeCut(stream: Buffer, near: number, video = 0x100, audio = 0x101): number {
  let audioLeft = 0; // bytes the current audio PES still needs
  for (let index = 0; index * packetSize < stream.length; index++) {
    const at = index * packetSize;
    const pid = pidOf(stream, at);
    if (index >= near && pid === video && startsUnit(stream, at) && audioLeft <= 0) return index;
    if (pid !== audio || !hasPayload(stream, at)) continue;
    const payload = payloadOffset(stream, at);
    const bytes = at + packetSize - payload;
    audioLeft = startsUnit(stream, at) ? stream.readUInt16BE(payload + 4) + 6 - bytes : audioLeft - bytes;
  }
  throw new Error('no whole cut');
}

/** `bytes` up to the last whole cut: a capture that ends in the middle of a picture would decode with errors of its own. */
export function trimToWholeCut(bytes: Buffer, video = 0x100): Buffer {
  let last = -1;
  for (let at = 0; at + packetSize <= bytes.length; at += packetSize)
    if (pidOf(bytes, at) === video && startsUnit(bytes, at)) last = at;
  return last < 0 ? bytes : bytes.subarray(0, last);
}

/** Indexes of the packets that are random-access points of the video (PAT/PMT must come first). */
export function randomAccessIndexes(bytes: Buffer): Set<number> {
  const analyzer = new TsAnalyzer();
  const whole = bytes.subarray(0, bytes.length - (bytes.length % packetSize));
  return new Set(analyzer.scan(whole).map((offset) => offset / packetSize));
}
