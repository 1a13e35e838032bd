import { packetSize, syncByte } from './packet.js';

/**
 * Turns a byte stream into whole 188-byte packets: a partial packet waits for the rest, and bytes
 * between packets (a broken or spliced stream) are dropped until three sync bytes line up again.
 * What comes out is always a multiple of 188 bytes starting with 0x47.
 */
export class PacketAligner {
  private pending: Buffer = Buffer.alloc(0);
  private locked = false;

  /** Whole packets from this chunk (and what was left of the last), or undefined when none is complete yet. */
  push(chunk: Buffer): Buffer | undefined {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    while (data.length - at >= packetSize) {
      if (data[at] === syncByte && (this.locked || this.confirmed(data, at))) {
        this.locked = true;
        // Take the run of packets that stay aligned.
        let end = at + packetSize;
        while (end + packetSize <= data.length && data[end] === syncByte) end += packetSize;
        out.push(data.subarray(at, end));
        at = end;
        if (end + packetSize <= data.length) this.locked = false; // lost sync: the next byte is not 0x47
        continue;
      }
      if (data[at] === syncByte && !this.locked && data.length - at < 3 * packetSize) break; // need more bytes to confirm
      this.locked = false;
      at++;
    }
    data = data.subarray(at);
    // Keep at most what could still become packets once confirmed.
    this.pending = Buffer.from(data.length > 3 * packetSize ? data.subarray(data.length - 3 * packetSize) : data);
    if (out.length === 0) return undefined;
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** Forgets a partial packet (the next bytes come from another upstream). */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.locked = false;
  }

  private confirmed(data: Buffer, at: number): boolean {
    if (data.length - at < 3 * packetSize) return false;
    return data[at + packetSize] === syncByte && data[at + 2 * packetSize] === syncByte;
  }
}
