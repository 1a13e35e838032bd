import { packetSize, syncByte } from './packet.js';

const empty = Buffer.alloc(0);
// Bytes kept while looking for sync: three packets' worth is enough to confirm one.
const confirmBytes = 3 * packetSize;

/**
 * Turns a byte stream into whole 188-byte packets: a partial packet waits for the rest, and bytes
 * between packets (a broken or spliced stream) are dropped until three sync bytes line up again.
 * What comes out is always a multiple of 188 bytes starting with 0x47.
 *
 * This runs on every chunk of every stream: an aligned chunk comes back as a subarray of itself
 * (no copy); an unaligned one costs one copy of the chunk, never an allocation per packet.
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
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Fast path: in sync and the chunk starts on a packet; most chunks are one aligned run.
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let at = 0;
    while (data.length - at >= packetSize) {
      if (data[at] !== syncByte) {
        this.locked = false;
        at++;
        continue;
      }
      if (!this.locked) {
        if (data.length - at < confirmBytes) break; // could be sync: wait for the bytes that confirm it
        if (data[at + packetSize] !== syncByte || data[at + 2 * packetSize] !== syncByte) {
          at++;
          continue;
        }
        this.locked = true;
      }
      // Take the run of packets that stay aligned.
      let end = at + packetSize;
      while (end + packetSize <= data.length && data[end] === syncByte) end += packetSize;
      let next = end;
      if (end < data.length && data[end] !== syncByte) {
        // Lost sync. When the stream resumes inside the run's last packet, that packet is a cut one
        // glued to the start of the next: leave it out and resync there.
        const resume = resumesWithin(data, end - packetSize + 1, end);
        if (resume >= 0) {
          end -= packetSize;
          next = resume;
          this.locked = false;
        }
      }
      if (end > at) {
        const run = data.subarray(at, end);
        if (!first) first = run;
        else (more ??= [first]).push(run);
      }
      at = next;
    }
    const rest = data.length - at;
    this.pending = rest === 0 ? empty : Buffer.from(data.subarray(at));
    if (more) return Buffer.concat(more);
    return first;
  }

  /** Forgets a partial packet (the next bytes come from another upstream). */
  reset(): void {
    this.pending = empty;
    this.locked = false;
  }
}

// The first position in [from, to) where a packet starts that the next packet boundary confirms, or -1.
function resumesWithin(data: Buffer, from: number, to: number): number {
  for (let at = from; at < to && at + packetSize < data.length; at++) {
    if (data[at] !== syncByte || data[at + packetSize] !== syncByte) continue;
    if (at + 2 * packetSize >= data.length || data[at + 2 * packetSize] === syncByte) return at;
  }
  return -1;
}
