import { packetSize, pidOf, startsUnit, syncByte } from './packet.js';
import { isAudioType, parsePat, parsePmt, sectionIn, videoCodecOf, type Pmt, type VideoCodec } from './psi.js';
import { isRandomAccess } from './random-access.js';

/**
 * Learns a stream's program structure as packets go by: the PAT (PID 0), the PMT PIDs it names,
 * the video PID and its codec from the PMT; and finds random-access points, where a viewer can
 * start decoding (adaptation-field random_access_indicator, or a PES start carrying an H.264 IDR
 * / HEVC IRAP picture).
 *
 * Each PAT and PMT section is assumed to fit in one packet (one program with a handful of
 * streams, as live IPTV has); a section spanning packets is not parsed, and the last complete one
 * stays in force. Without a video stream (radio), every PES start of the first audio stream is a
 * random-access point.
 */
export class TsAnalyzer {
  private pat: Buffer | undefined;
  private pmtPids: number[] = [];
  private readonly pmts = new Map<number, { packet: Buffer; pmt: Pmt }>();
  private accessPid = -1;
  private codec: VideoCodec | 'audio' = 'audio';

  /** Looks at whole packets (a multiple of 188 bytes); returns the byte offsets of the random-access points in them. */
  scan(packets: Buffer): number[] {
    const points: number[] = [];
    for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
      if (packets[at] !== syncByte || !startsUnit(packets, at)) continue;
      const pid = pidOf(packets, at);
      if (pid === this.accessPid) {
        if (this.codec === 'audio' || isRandomAccess(packets, at, this.codec)) points.push(at);
      } else if (pid === 0) {
        this.readPat(packets, at);
      } else if (this.pmtPids.includes(pid)) {
        this.readPmt(packets, at, pid);
      }
    }
    return points;
  }

  /** The latest PAT and PMT packets, concatenated (what a joining viewer gets first), or undefined before both were seen. */
  programHeader(): Buffer | undefined {
    if (!this.pat) return undefined;
    const parts = [this.pat];
    for (const pid of this.pmtPids) {
      const seen = this.pmts.get(pid);
      if (seen) parts.push(seen.packet);
    }
    return parts.length > 1 ? Buffer.concat(parts) : undefined;
  }

  /** True once the PAT and the PMT of every program it names were seen. */
  complete(): boolean {
    return this.pat !== undefined && this.pmtPids.length > 0 && this.pmtPids.every((pid) => this.pmts.has(pid));
  }

  /** The PIDs of the PAT, the PMTs and every elementary stream they name (known so far). */
  programPids(): number[] {
    const pids = [0, ...this.pmtPids];
    for (const { pmt } of this.pmts.values()) for (const stream of pmt.streams) pids.push(stream.pid);
    return pids;
  }

  /** The PID random-access points are found on when it is video, else -1 (not known yet, or no video). */
  videoPid(): number {
    return this.codec === 'audio' ? -1 : this.accessPid;
  }

  /** The PMTs seen, in PAT order. */
  programs(): Pmt[] {
    return this.pmtPids.flatMap((pid) => this.pmts.get(pid)?.pmt ?? []);
  }

  /** Forgets everything (the next packets come from another upstream). */
  reset(): void {
    this.pat = undefined;
    this.pmtPids = [];
    this.pmts.clear();
    this.accessPid = -1;
    this.codec = 'audio';
  }

  private readPat(packets: Buffer, at: number): void {
    // A PAT repeats every 100 ms or so, the same but for its continuity counter: keep the latest
    // bytes without parsing it again.
    if (this.pat && sameTable(this.pat, packets, at)) return void packets.copy(this.pat, 0, at, at + packetSize);
    const section = sectionIn(packets, at, 0x00);
    if (!section) return;
    const pids = parsePat(section).map((entry) => entry.pmtPid);
    if (pids.length === 0) return;
    // A copy: a view would keep the whole chunk it came in alive.
    this.pat = Buffer.from(packets.subarray(at, at + packetSize));
    if (pids.join() !== this.pmtPids.join()) {
      this.pmtPids = pids;
      for (const pid of this.pmts.keys()) if (!pids.includes(pid)) this.pmts.delete(pid);
      this.chooseAccessPid();
    }
  }

  private readPmt(packets: Buffer, at: number, pid: number): void {
    const known = this.pmts.get(pid);
    if (known && sameTable(known.packet, packets, at)) return void packets.copy(known.packet, 0, at, at + packetSize);
    const section = sectionIn(packets, at, 0x02);
    if (!section) return;
    this.pmts.set(pid, { packet: Buffer.from(packets.subarray(at, at + packetSize)), pmt: parsePmt(section) });
    this.chooseAccessPid();
  }

  // The first video stream of the first program that has one; else the first audio stream.
  private chooseAccessPid(): void {
    const streams = this.programs().flatMap((pmt) => pmt.streams);
    for (const stream of streams) {
      const codec = videoCodecOf(stream.streamType);
      if (codec) {
        this.accessPid = stream.pid;
        this.codec = codec;
        return;
      }
    }
    this.accessPid = streams.find((stream) => isAudioType(stream.streamType))?.pid ?? -1;
    this.codec = 'audio';
  }
}

// True when the packet at `at` is `known` but for the continuity counter (header byte 3).
function sameTable(known: Buffer, packets: Buffer, at: number): boolean {
  return (
    known.compare(packets, at + 4, at + packetSize, 4) === 0 &&
    known[1] === packets[at + 1] &&
    known[2] === packets[at + 2]
  );
}
