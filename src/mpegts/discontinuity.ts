import {
  adaptationLength,
  continuityOf,
  hasPayload,
  nullPid,
  packetSize,
  pidOf,
  startsUnit,
  syncByte,
} from './packet.js';

// A PID whose first packets after a switch never start a unit (a broken stream) is let through
// after this many, flagged, rather than dropped for ever. 8192 packets are 1.5 MB: more than the
// largest picture of a 4K stream, so a healthy stream always reaches its next unit start first.
const maxDroppedPerPid = 8192;

/**
 * Per-PID state of "the first packet since a switch": which PIDs were flagged already, and how
 * many leading packets of a PID were dropped because they continued a PES or section that began
 * in the other stream (a decoder would glue them to its own unfinished one).
 */
export class FirstPackets {
  private readonly done = new Uint8Array(8192);
  private readonly dropped = new Uint16Array(8192);

  /** Starts over: every PID's next packet is a first one again. */
  reset(): void {
    this.done.fill(0);
    this.dropped.fill(0);
  }

  /** Marks `pid` as handled without looking at its packets (e.g. PAT and PMT sent from a header). */
  markDone(pid: number): void {
    this.done[pid] = 1;
  }

  /**
   * `packets` with the first packet of each PID (null packets aside) flagged discontinuous: the
   * adaptation field's discontinuity_indicator set, or an adaptation-field-only packet carrying it
   * inserted just before when the packet has no room for one. A PID's leading packets that
   * continue a unit (PES or section) are dropped when `dropPartial(pid)`; `skip(pid, offset)` drops
   * the packet at `offset` altogether. Returns `packets` itself when nothing changed, else a new
   * buffer; the input is never modified.
   */
  apply(
    packets: Buffer,
    dropPartial: (pid: number) => boolean,
    skip?: (pid: number, offset: number) => boolean,
  ): Buffer {
    let pieces: Buffer[] | undefined;
    let runStart = 0; // start of the current run of unchanged packets
    const cut = (at: number) => {
      pieces ??= [];
      if (at > runStart) pieces.push(packets.subarray(runStart, at));
    };
    for (let at = 0; at + packetSize <= packets.length; at += packetSize) {
      const pid = pidOf(packets, at);
      if (packets[at] !== syncByte || (skip?.(pid, at) ?? false)) {
        cut(at);
        runStart = at + packetSize;
        continue;
      }
      if (this.done[pid] || pid === nullPid) continue;
      if (
        hasPayload(packets, at) &&
        !startsUnit(packets, at) &&
        this.dropped[pid]! < maxDroppedPerPid &&
        dropPartial(pid)
      ) {
        this.dropped[pid]!++;
        cut(at);
        runStart = at + packetSize;
        continue;
      }
      this.done[pid] = 1;
      cut(at);
      pieces!.push(...flagged(packets.subarray(at, at + packetSize)));
      runStart = at + packetSize;
    }
    if (!pieces) return packets;
    const end = packets.length - (packets.length % packetSize);
    if (end > runStart) pieces.push(packets.subarray(runStart, end));
    return Buffer.concat(pieces);
  }
}

// The packet with its discontinuity_indicator set: [copy] when it has an adaptation field with a
// flags byte, else [adaptation-field-only packet, packet].
function flagged(packet: Buffer): Buffer[] {
  if (adaptationLength(packet) > 0) {
    const copy = Buffer.from(packet);
    copy[5] = copy[5]! | 0x80;
    return [copy];
  }
  return [discontinuityPacket(packet), packet];
}

/**
 * An adaptation-field-only packet (adaptation_field_control 10, length 183, flags 0x80 =
 * discontinuity, stuffing 0xFF) for the PID of `next`, to go just before it. Packets without payload
 * do not advance the continuity counter, so it carries the counter the packet before `next` would
 * have had: `next` then follows it without a gap.
 */
export function discontinuityPacket(next: Uint8Array): Buffer {
  const packet = Buffer.alloc(packetSize, 0xff);
  const cc = hasPayload(next) ? (continuityOf(next) + 15) & 0x0f : continuityOf(next);
  packet[0] = syncByte;
  packet[1] = next[1]! & 0x1f; // same PID; no unit start, no error or priority bit
  packet[2] = next[2]!;
  packet[3] = 0x20 | cc;
  packet[4] = 183;
  packet[5] = 0x80;
  return packet;
}
