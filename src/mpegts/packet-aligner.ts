import { packetSize, syncByte } from './packet.js';

const empty = Buffer.alloc(0);
// Bytes kept while looking for sync: three packets' worth is enough to confirm one.
const confirmBytes = 3 * packetSize;

/**
 * Turns a byte stream into whole 188-byte packets: a partial packet waits for the rest, and bytes
 * between packets (a broken or spliced stream) are dropped until three sync bytes line up again.
 * What comes out is always a multiple of 188 bytes starting with 0x47.
 *
 * This runs on every chunk of every stream, and socket reads rarely end on a packet boundary, so
 * almost every chunk follows a partial packet: the packet that straddles the two chunks is copied
 * (one packet, never the chunk), the rest of the chunk comes back as views of itself; never an
 * allocation per packet. `pushEach` hands those pieces over one by one; `push` joins them.
 * A packet cut short and glued to the next is recognised when the bytes after it are in the same
 * push (the stream resumes inside it); when it is the last whole packet of a push it goes out, as
 * holding back every chunk's last packet would cost a copy of every chunk.
 */
export class PacketAligner {
  // A copy (never a view of a caller's chunk, which would keep the whole chunk alive): at most one
  // partial packet while locked, at most three packets' worth while confirming sync.
  private pending: Buffer = empty;
  private locked = false;

  /** Whole packets from this chunk (and what was left of the last), or undefined when none is complete yet. */
  push(chunk: Buffer): Buffer | undefined {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    this.pushEach(chunk, (run) => {
      if (!first) first = run;
      else (more ??= [first]).push(run);
    });
    return more ? Buffer.concat(more) : first;
  }

  /**
   * The same packets as `push`, in order, as one or more pieces (each whole packets): the chunk's
   * aligned runs as views of it, a packet straddling the previous chunk as a small copy.
   */
  pushEach(chunk: Buffer, take: (packets: Buffer) => void): void {
    // The bytes are `pending` followed by `chunk`, read in place: `held` of them are pending's.
    const pending = this.pending;
    const held = pending.length;
    const length = held + chunk.length;
    const byteAt = held === 0 ? (i: number) => chunk[i] : (i: number) => (i < held ? pending[i] : chunk[i - held]);
    let at = 0;
    while (length - at >= packetSize) {
      if (byteAt(at) !== syncByte) {
        this.locked = false;
        at++;
        continue;
      }
      if (!this.locked) {
        if (length - at < confirmBytes) break; // could be sync: wait for the bytes that confirm it
        if (byteAt(at + packetSize) !== syncByte || byteAt(at + 2 * packetSize) !== syncByte) {
          at++;
          continue;
        }
        this.locked = true;
      }
      // Take the run of packets that stay aligned.
      let end = at + packetSize;
      while (end + packetSize <= length && byteAt(end) === syncByte) end += packetSize;
      let next = end;
      if (end < length && byteAt(end) !== syncByte) {
        // Lost sync. When the stream resumes inside the run's last packet, that packet is a cut one
        // glued to the start of the next: leave it out and resync there.
        const resume = resumesWithin(byteAt, length, end - packetSize + 1, end);
        if (resume >= 0) {
          end -= packetSize;
          next = resume;
          this.locked = false;
        }
      }
      if (end > at) {
        if (at >= held) take(chunk.subarray(at - held, end - held));
        else if (end <= held) take(pending.subarray(at, end));
        else {
          // The run starts in what was pending: its packets up to the first one wholly in `chunk` are copied.
          const split = Math.min(end, at + Math.ceil((held - at) / packetSize) * packetSize);
          take(Buffer.concat([pending.subarray(at), chunk.subarray(0, split - held)]));
          if (end > split) take(chunk.subarray(split - held, end - held));
        }
      }
      at = next;
    }
    if (at === length) this.pending = empty;
    else if (at >= held) this.pending = Buffer.from(chunk.subarray(at - held));
    else this.pending = Buffer.concat([pending.subarray(at), chunk]);
  }

  /** Forgets a partial packet (the next bytes come from another upstream). */
  reset(): void {
    this.pending = empty;
    this.locked = false;
  }
}

// The first position in [from, to) where a packet starts that the next packet boundary confirms, or -1.
function resumesWithin(byteAt: (i: number) => number | undefined, length: number, from: number, to: number): number {
  for (let at = from; at < to && at + packetSize < length; at++) {
    if (byteAt(at) !== syncByte || byteAt(at + packetSize) !== syncByte) continue;
    if (at + 2 * packetSize >= length || byteAt(at + 2 * packetSize) === syncByte) return at;
  }
  return -1;
}
