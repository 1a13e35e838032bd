import { FirstPackets } from './discontinuity.js';
import { packetSize, pidOf, startsUnit, syncByte } from './packet.js';
import { isAudioType, videoCodecOf } from './psi.js';
import { SpliceClock } from './splice-clock.js';
import { shiftTimestamps } from './timestamp-shift.js';
import { TsAnalyzer } from './ts-analyzer.js';

// How much of a new segment is held while waiting for its PAT and PMT (sent at least every 100 ms
// by any muxer; 2 MB is 0.6 s of a 25 Mbit/s stream, many seconds of an SD one). Past it the
// packets go on without a header rather than being held without bound.
const holdLimit = 2 * 1024 * 1024;
// How much of a new segment may go by with its video dropped while waiting for a random-access
// point: a GOP of 10 s at 6 Mbit/s. Past it (a picture type not recognised), the video goes on.
const rapLimit = 8 * 1024 * 1024;
// A PMT may name a stream that is never sent (a second audio track): once PAT and PMT are known,
// a stream without a single packet in this much is not waited for.
const absentLimit = 256 * 1024;

/**
 * Joins the segments of one output stream cleanly: after each upstream switch the new segment's
 * PAT and PMT go out before its other packets (they are held, bounded, until seen), and the first
 * packet of each PID carries the discontinuity indicator, so decoders reset their clocks and
 * continuity counters instead of reporting errors. The leading packets of a PID that continue a
 * PES or section begun before the switch are dropped: a decoder would append them to the
 * unfinished one of the old segment. The new segment's PCR, PTS and DTS are moved to go on just
 * after the old segment's (SpliceClock), so the output has one monotonic timeline; the hold also
 * waits for the first timestamp of each audio and video stream to know by how much. Video before
 * the new segment's first random-access point is dropped (bounded): pictures that refer to ones
 * never received would decode as errors and smears. The first segment passes straight through.
 */
export class StreamSplicer {
  private switched = false;
  private holding = false;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private readonly analyzer = new TsAnalyzer();
  private readonly firsts = new FirstPackets();
  private readonly clock = new SpliceClock();
  private offset = 0;
  private videoPid = -1;
  private awaitingRap = false;
  private sinceRelease = 0;
  private sinceComplete = 0;

  /** Call when the next packets come from a new upstream (not needed before the first). */
  startSegment(): void {
    this.switched = true;
    this.holding = true;
    this.held = [];
    this.heldBytes = 0;
    this.sinceComplete = 0;
    this.analyzer.reset();
    this.firsts.reset();
    this.clock.restart();
  }

  /** Whole packets of the current segment in; the packets to send out, or undefined while holding. */
  push(packets: Buffer): Buffer | undefined {
    const whole = packets.length - (packets.length % packetSize);
    const data = whole === packets.length ? packets : packets.subarray(0, whole);
    if (data.length === 0) return undefined;
    if (!this.switched) {
      this.clock.sent(data);
      return data;
    }
    if (!this.holding) {
      if (!this.awaitingRap) return this.send(this.firsts.apply(data, always), data);
      return this.send(this.firsts.apply(data, always, this.beforeRap(data)), data);
    }

    this.analyzer.scan(data);
    this.clock.held(data);
    this.held.push(data);
    this.heldBytes += data.length;
    if (!this.ready(data.length) && this.heldBytes < holdLimit) return undefined;
    this.holding = false;
    this.offset = this.clock.settle();
    const held = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    this.videoPid = this.analyzer.videoPid();
    this.awaitingRap = this.videoPid >= 0;
    this.sinceRelease = 0;
    const beforeRap = this.beforeRap(held);
    // Past the bound, whatever PAT and PMT were seen still go first.
    const header = this.analyzer.programHeader();
    if (!header) return this.send(this.firsts.apply(held, always, beforeRap), held);
    // The header is the latest PAT and PMT of the held packets: those go out first (flagged), and
    // the held copies are left out, so no PAT or PMT goes out twice.
    const programPids = new Set<number>();
    for (let at = 0; at < header.length; at += packetSize) programPids.add(pidOf(header, at));
    const head = this.firsts.apply(header, () => false);
    const body = this.firsts.apply(held, always, (pid, at) => programPids.has(pid) || beforeRap(pid, at));
    return this.send(Buffer.concat([head, body]), held);
  }

  // Which packets of `packets` are video before the segment's first random-access point. Scanning
  // again what was held is needed: random-access points before the PMT was known were not found.
  private beforeRap(packets: Buffer): (pid: number, at: number) => boolean {
    if (!this.awaitingRap) return never;
    const rap = this.analyzer.scan(packets)[0];
    this.sinceRelease += packets.length;
    if (rap !== undefined || this.sinceRelease > rapLimit) this.awaitingRap = false;
    const video = this.videoPid;
    const end = rap ?? (this.awaitingRap ? packets.length : 0);
    return (pid, at) => pid === video && at < end;
  }

  // PAT, the PMTs, and a first timestamp of every audio and video stream they name that is sent.
  private ready(latest: number): boolean {
    if (!this.analyzer.complete()) return false;
    this.sinceComplete += latest;
    const absentGivenUp = this.sinceComplete > absentLimit;
    return this.analyzer
      .programs()
      .every((pmt) =>
        pmt.streams.every(
          (s) =>
            !(videoCodecOf(s.streamType) || isAudioType(s.streamType)) ||
            this.clock.hasFirst(s.pid) ||
            (absentGivenUp && !this.clock.hasPackets(s.pid)),
        ),
      );
  }

  // `out` (== `input` when nothing changed: then copied before its timestamps are moved) goes out.
  private send(out: Buffer, input: Buffer): Buffer | undefined {
    if (out.length === 0) return undefined;
    if (this.offset !== 0) {
      if (out === input) out = Buffer.from(out);
      shiftTimestamps(out, this.offset);
    }
    this.clock.sent(out);
    return out;
  }
}

/**
 * `packets` (whole packets, as a viewer skipping forward gets them) with the first packet of each
 * PID flagged discontinuous: the viewer's decoder must not expect continuity with what it had.
 * A PID's packets before its first PES or section start in `packets` are left out (they continue
 * one the viewer never had the start of); a PID with no start in `packets` keeps them.
 */
export function markDiscontinuity(packets: Buffer): Buffer {
  const starts = new Set<number>();
  for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
    if (packets[at] === syncByte && startsUnit(packets, at)) starts.add(pidOf(packets, at));
  }
  return new FirstPackets().apply(packets, (pid) => starts.has(pid));
}

const always = (): boolean => true;
const never = (): boolean => false;
