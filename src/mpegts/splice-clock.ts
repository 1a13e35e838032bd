import { packetSize, pidOf, syncByte } from './packet.js';
import { pcrOf, pesTimesInto, pesTimesOf } from './timestamp-shift.js';

const wrap = 2 ** 33;
const pcrKey = -1;
// A frame at 25 fps: the gap put after a stream's last timestamp when its own step is unknown.
const defaultStep = 3600;
const maxStep = 2 * 90_000;

// b - a in 90 kHz ticks, taken the short way round the 33-bit clock. Timestamps are below 2^33, so
// one correction is enough; the modulo (slow on doubles, and this runs per PES) only for others.
function ahead(a: number, b: number): number {
  const d = b - a;
  if (d >= wrap / 2) return d < wrap ? d - wrap : aheadModulo(d);
  if (d < -wrap / 2) return d > -wrap ? d + wrap : aheadModulo(d);
  return d;
}

function aheadModulo(difference: number): number {
  const d = ((difference % wrap) + wrap) % wrap;
  return d >= wrap / 2 ? d - wrap : d;
}

/**
 * The timeline of a spliced stream: the last PCR and decode time (DTS, else PTS) of each PID sent
 * so far, and the first ones of the next segment; from them the offset that makes the next segment
 * go on where the last one stopped. Two upstreams' clocks are unrelated (a backup's may be hours
 * off, a reconnect may replay seconds already sent); a jump back makes ffmpeg, and so Plex's and
 * Jellyfin's transcoders, report non-monotonic DTS, so the new segment is moved to just after the
 * old one: each stream's first timestamp one step (its own frame or PES interval) after its last.
 */
export class SpliceClock {
  // Per PID (and the PCR): the latest decode time, the step to it, and the highest PTS sent, which
  // with B-frames is ahead of the decode time (a picture decoded but shown after the ones sent).
  private readonly last = new Map<number, { time: number; step: number; pts: number }>();
  private readonly first = new Map<number, { dts: number; pts: number }>();
  private readonly seen = new Set<number>();

  // Reused for every PES start `sent` reads (this runs on every packet of every stream).
  private readonly times = { pts: 0, dts: 0 };

  /** Notes the timestamps of packets that went out. */
  sent(packets: Uint8Array): void {
    const times = this.times;
    for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
      if (packets[at] !== syncByte) continue;
      // Most packets carry neither a PCR (adaptation field with the PCR flag) nor a PES start: skip them cheaply.
      if (packets[at + 3]! & 0x20 && packets[at + 5]! & 0x10) {
        const pcr = pcrOf(packets, at);
        if (pcr !== undefined) this.note(pcrKey, pcr, pcr);
      }
      if (packets[at + 1]! & 0x40 && pesTimesInto(packets, at, times))
        this.note(pidOf(packets, at), times.dts, times.pts);
    }
  }

  /** Notes the timestamps of a new segment's packets, before the offset is known. */
  held(packets: Uint8Array): void {
    for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
      if (packets[at] !== syncByte) continue;
      const pcr = pcrOf(packets, at);
      if (pcr !== undefined && !this.first.has(pcrKey)) this.first.set(pcrKey, { dts: pcr, pts: pcr });
      const pid = pidOf(packets, at);
      if (this.first.has(pid)) continue;
      this.seen.add(pid);
      const times = pesTimesOf(packets, at);
      if (times) this.first.set(pid, times);
    }
  }

  /** True when the new segment had a packet of `pid`. */
  hasPackets(pid: number): boolean {
    return this.seen.has(pid);
  }

  /** True when the new segment's first timestamp of `pid` was seen. */
  hasFirst(pid: number): boolean {
    return this.first.has(pid);
  }

  /**
   * The offset (90 kHz ticks, modulo 2^33) to add to the new segment's timestamps. Streams are
   * matched by PID; when the new segment's PIDs are not the old ones, everything new goes after
   * everything old.
   */
  settle(): number {
    let offset: number | undefined;
    const matched = [...this.first.keys()].some((key) => key !== pcrKey && this.last.has(key));
    if (matched) {
      for (const [key, first] of this.first) {
        const last = this.last.get(key);
        if (!last) continue;
        // Decode times go on one step later, and no picture is shown before one already shown.
        const need = Math.max(ahead(first.dts, last.time), ahead(first.pts, last.pts)) + last.step;
        offset = offset === undefined ? need : Math.max(offset, need);
      }
    } else if (this.first.size && this.last.size) {
      const earliest = [...this.first.values()].map((f) => f.dts).reduce((a, b) => (ahead(a, b) < 0 ? b : a));
      for (const last of this.last.values()) {
        const need = ahead(earliest, ahead(last.time, last.pts) > 0 ? last.pts : last.time) + last.step;
        offset = offset === undefined ? need : Math.max(offset, need);
      }
    }
    this.first.clear();
    this.seen.clear();
    return offset === undefined ? 0 : ((offset % wrap) + wrap) % wrap;
  }

  /** Forgets the next segment's first timestamps (a switch before the last one was settled). */
  restart(): void {
    this.first.clear();
    this.seen.clear();
  }

  private note(key: number, time: number, pts: number): void {
    const last = this.last.get(key);
    if (!last) return void this.last.set(key, { time, step: defaultStep, pts });
    // Updated in place: one record per PID for the stream's life, not one per PES.
    const step = ahead(last.time, time);
    const behind = ahead(pts, last.pts);
    last.time = time;
    if (step > 0 && step <= maxStep) last.step = step;
    if (!(behind > 0 && behind <= maxStep)) last.pts = pts;
  }
}
