import { adaptationLength, hasPayload, packetSize, payloadOffset, pidOf, startsUnit, syncByte } from './packet.js';

// PTS, DTS and the PCR base count a 90 kHz clock in 33 bits.
const wrap = 2 ** 33;

function readTimestamp(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! >> 1) & 0x07) * 2 ** 30 +
    ((bytes[at + 1]! << 7) | (bytes[at + 2]! >> 1)) * 2 ** 15 +
    ((bytes[at + 3]! << 7) | (bytes[at + 4]! >> 1))
  );
}

function writeTimestamp(bytes: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 2 ** 30) & 0x07;
  const mid = Math.floor(value / 2 ** 15) & 0x7fff;
  const low = value & 0x7fff;
  bytes[at] = (bytes[at]! & 0xf0) | (high << 1) | 1; // keep the '0010' / '0011' / '0001' prefix
  bytes[at + 1] = mid >> 7;
  bytes[at + 2] = ((mid & 0x7f) << 1) | 1;
  bytes[at + 3] = low >> 7;
  bytes[at + 4] = ((low & 0x7f) << 1) | 1;
}

// Where the PTS of the PES starting in this packet is, or -1; a DTS follows 5 bytes later when
// `hasDts(packets, at)`. A position, not an object: this runs on every PES start of every stream.
function pesTimestampAt(packets: Uint8Array, offset: number): number {
  if (!startsUnit(packets, offset)) return -1;
  const payload = payloadOffset(packets, offset);
  if (payload < 0 || payload + 14 > offset + packetSize) return -1;
  if (packets[payload] !== 0 || packets[payload + 1] !== 0 || packets[payload + 2] !== 1) return -1;
  if ((packets[payload + 6]! & 0xc0) !== 0x80) return -1; // no optional PES header (padding, private 2, ...)
  const flags = packets[payload + 7]! >> 6;
  if (flags < 2) return -1;
  if (flags === 3 && payload + 19 > offset + packetSize) return -1;
  return payload + 9;
}

// True when the PES whose PTS is at `at` has a DTS too (PTS_DTS_flags, two bytes before the PTS).
function hasDts(packets: Uint8Array, at: number): boolean {
  return packets[at - 2]! >> 6 === 3;
}

// Where the PCR of this packet's adaptation field is, or -1.
function pcrAt(packets: Uint8Array, offset: number): number {
  return adaptationLength(packets, offset) >= 7 && packets[offset + 5]! & 0x10 ? offset + 6 : -1;
}

/** The DTS (else the PTS) of the PES starting in the packet at `offset`, in 90 kHz units, or undefined. */
export function decodeTimeOf(packets: Uint8Array, offset = 0): number | undefined {
  const at = pesTimestampAt(packets, offset);
  return at < 0 ? undefined : readTimestamp(packets, hasDts(packets, at) ? at + 5 : at);
}

/** The PTS and DTS (the PTS again when there is none) of the PES starting at `offset`, or undefined. */
export function pesTimesOf(packets: Uint8Array, offset = 0): { pts: number; dts: number } | undefined {
  const times = { pts: 0, dts: 0 };
  return pesTimesInto(packets, offset, times) ? times : undefined;
}

/** `pesTimesOf` without an allocation: fills `times` and returns true, or returns false (no PES timestamp here). */
export function pesTimesInto(packets: Uint8Array, offset: number, times: { pts: number; dts: number }): boolean {
  const at = pesTimestampAt(packets, offset);
  if (at < 0) return false;
  times.pts = readTimestamp(packets, at);
  times.dts = hasDts(packets, at) ? readTimestamp(packets, at + 5) : times.pts;
  return true;
}

/** The PCR base (90 kHz units) of the packet at `offset`, or undefined when it carries none. */
export function pcrOf(packets: Uint8Array, offset = 0): number | undefined {
  const at = pcrAt(packets, offset);
  if (at < 0) return undefined;
  return (
    packets[at]! * 2 ** 25 +
    ((packets[at + 1]! << 17) | (packets[at + 2]! << 9) | (packets[at + 3]! << 1)) +
    (packets[at + 4]! >> 7)
  );
}

/** Adds `offset90k` (90 kHz ticks, modulo 2^33) to the PCR, PTS and DTS of the packet at `offset`, in place. */
export function shiftPacketTimestamps(packets: Uint8Array, offset: number, offset90k: number): void {
  const pcr = pcrOf(packets, offset);
  if (pcr !== undefined) {
    const base = (pcr + offset90k) % wrap;
    const at = offset + 6;
    packets[at] = Math.floor(base / 2 ** 25) & 0xff;
    packets[at + 1] = (base >>> 17) & 0xff;
    packets[at + 2] = (base >>> 9) & 0xff;
    packets[at + 3] = (base >>> 1) & 0xff;
    packets[at + 4] = ((base & 1) << 7) | (packets[at + 4]! & 0x7f); // keep the reserved bits and the extension
  }
  const at = pesTimestampAt(packets, offset);
  if (at < 0) return;
  const dts = hasDts(packets, at);
  writeTimestamp(packets, at, (readTimestamp(packets, at) + offset90k) % wrap);
  if (dts) writeTimestamp(packets, at + 5, (readTimestamp(packets, at + 5) + offset90k) % wrap);
}

/** Adds `offset90k` to every PCR, PTS and DTS in `packets` (whole packets), in place. */
export function shiftTimestamps(packets: Uint8Array, offset90k: number): void {
  const shift = ((offset90k % wrap) + wrap) % wrap;
  for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
    if (packets[at] === syncByte) shiftPacketTimestamps(packets, at, shift);
  }
}

/**
 * Plays a recorded stream in a loop that a player takes for one continuous stream: loop n is the
 * recording with n × its duration added to every PCR, PTS and DTS, and continuity counters that go
 * on from where the previous loop ended. (Replaying the bytes as they are makes time jump back at
 * each loop: ffmpeg reports non-monotonic DTS and players stall.)
 */
export class LoopRebaser {
  /** One loop's length in 90 kHz ticks: the video's span plus one frame. */
  readonly duration90k: number;
  // Per PID, how many payload packets one loop has: the continuity counter advances that much per loop.
  private readonly payloadPackets = new Map<number, number>();

  /** `recording`: whole packets with continuous timestamps and continuity counters. */
  constructor(private readonly recording: Buffer) {
    const times = new Map<number, number[]>();
    for (let at = 0; at + packetSize <= recording.length; at += packetSize) {
      const pid = pidOf(recording, at);
      if (hasPayload(recording, at)) this.payloadPackets.set(pid, (this.payloadPackets.get(pid) ?? 0) + 1);
      const time = decodeTimeOf(recording, at);
      if (time !== undefined) (times.get(pid) ?? times.set(pid, []).get(pid)!).push(time);
    }
    // The stream with the most PES packets is the video (one PES per frame; audio packs several
    // frames into one): its span plus one frame is the loop. Audio is expected to fit in it.
    const clock = [...times.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    clock.sort((a, b) => a - b);
    let frame = Infinity;
    for (let i = 1; i < clock.length; i++)
      if (clock[i]! > clock[i - 1]!) frame = Math.min(frame, clock[i]! - clock[i - 1]!);
    if (!Number.isFinite(frame)) throw new Error('the recording has no timestamps to loop');
    let duration = clock[clock.length - 1]! - clock[0]! + frame;
    // An audio stream can run on past the video's last frame (its last PES holds several frames):
    // the loop is long enough for each stream to end before its next loop starts (else ffmpeg:
    // "non monotonically increasing dts"). ADTS AAC says how long its last PES lasts.
    for (const [pid, other] of times) {
      if (other === clock || other.length < 2) continue;
      other.sort((a, b) => a - b);
      const last = other[other.length - 1]!;
      const lasts = adtsDuration90k(lastPesPayload(recording, pid)) ?? last - other[other.length - 2]!;
      duration = Math.max(duration, last - other[0]! + lasts);
    }
    this.duration90k = duration;
  }

  /** Loop `n` (0 is the recording itself): a new buffer. */
  loop(n: number): Buffer {
    const out = Buffer.from(this.recording);
    if (n === 0) return out;
    shiftTimestamps(out, (n * this.duration90k) % wrap);
    for (let at = 0; at + packetSize <= out.length; at += packetSize) {
      const step = (this.payloadPackets.get(pidOf(out, at)) ?? 0) * n;
      out[at + 3] = (out[at + 3]! & 0xf0) | ((out[at + 3]! + step) & 0x0f);
    }
    return out;
  }
}

/** The payload of the last PES of `pid` in `recording` (from its PES header to the recording's end). */
function lastPesPayload(recording: Buffer, pid: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at + packetSize <= recording.length; at += packetSize) {
    if (pidOf(recording, at) !== pid) continue;
    const payload = payloadOffset(recording, at);
    if (payload < 0) continue;
    if (startsUnit(recording, at)) parts.length = 0;
    parts.push(recording.subarray(payload, at + packetSize));
  }
  return Buffer.concat(parts);
}

// ADTS sampling_frequency_index → Hz.
const adtsRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** How long the ADTS AAC frames of a PES last (1024 samples each), in 90 kHz ticks; undefined when it is not ADTS. */
function adtsDuration90k(pes: Buffer): number | undefined {
  if (pes.length < 9 || pes[0] !== 0 || pes[1] !== 0 || pes[2] !== 1) return undefined;
  let at = 9 + pes[8]!;
  let frames = 0;
  let rate = 0;
  while (at + 7 <= pes.length && pes[at] === 0xff && (pes[at + 1]! & 0xf6) === 0xf0) {
    rate = adtsRates[(pes[at + 2]! >> 2) & 0x0f] ?? 0;
    const length = ((pes[at + 3]! & 0x03) << 11) | (pes[at + 4]! << 3) | (pes[at + 5]! >> 5);
    if (length < 7 || rate === 0) return undefined;
    frames++;
    at += length;
  }
  return frames > 0 ? Math.round((frames * 1024 * 90_000) / rate) : undefined;
}
