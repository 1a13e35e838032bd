/**
 * The last seconds of a hub's stream, for joining and skipping viewers: chunks of whole packets
 * with the time they arrived and the random-access points in them. Bounded by age and by bytes,
 * so memory per hub stays fixed whatever the bit rate; and nothing is kept that no replay can
 * start in: before the newest random-access point at least `replayBehindMs` old (a replay asked
 * for at most that far behind starts there or later), or before the oldest one when none is that
 * old. At 25 Mbit/s that is 1.5 s plus a GOP instead of 8 MB per hub.
 *
 * Packets are copied into blocks the ring reuses, not kept as views of the socket reads they came
 * in: kept for seconds, those reads would outlive V8's young generation by far, and every one
 * promoted is memory only a full collection gives back (measured on an unpaced stream: the garbage
 * collector's share of the proxy's main thread 8.9% → 5.6%; the copy costs ~0.05 s per GB).
 */

interface Entry {
  at: number;
  /** A view of `block`. */
  packets: Buffer;
  block: Buffer;
  /** Byte offsets of random-access points in `packets`. */
  raps: number[];
}

// A GOP is 0.5-2 s in broadcast; a few seconds always hold one, and a replay stays short.
const keepMs = 4000;
const keepBytes = 8 * 1024 * 1024;
// Blocks of 256 KiB (a larger chunk gets a block of its own); two spare ones are kept for reuse.
const blockSize = 256 * 1024;
const spareBlocks = 2;

export class PacketRing {
  // Oldest first; the live ones are entries[head..]. Dropping advances `head` (taking from the
  // front of an array of thousands on every push would move all of them each time).
  private entries: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private block: Buffer | undefined;
  private written = 0;
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly now: () => number,
    private readonly replayBehindMs = keepMs,
    /** This ring's share of the replay memory (the hubs share one budget); at most 8 MiB. */
    private readonly maxBytes: () => number = () => keepBytes,
  ) {}

  push(packets: Buffer, raps: number[]): void {
    const at = this.now();
    const block = this.room(packets.length);
    const copy = block.subarray(this.written, this.written + packets.length);
    packets.copy(copy);
    this.written += packets.length;
    this.entries.push({ at, packets: copy, block, raps });
    this.bytes += packets.length;
    let drop = this.head;
    const limit = Math.min(keepBytes, this.maxBytes());
    while (this.entries.length > drop + 1 && (this.bytes > limit || at - this.entries[drop]!.at > keepMs)) {
      this.bytes -= this.entries[drop++]!.packets.length;
    }
    this.dropTo(drop);
    this.dropUnreachable(at - this.replayBehindMs);
  }

  clear(): void {
    this.dropTo(this.entries.length);
    this.bytes = 0;
  }

  /**
   * The stream from the latest random-access point at least `behindMs` old (else the oldest one
   * kept) up to live; undefined when no random-access point is known (the viewer starts at live).
   * Always a copy of its own (the ring reuses its blocks).
   */
  replayFrom(behindMs: number): Buffer | undefined {
    const cutoff = this.now() - behindMs;
    let start: { index: number; offset: number } | undefined;
    for (let index = this.entries.length - 1; index >= this.head; index--) {
      const entry = this.entries[index]!;
      const last = entry.raps[entry.raps.length - 1];
      if (last === undefined) continue;
      // Keep going back while entries are too new; the first old-enough point wins.
      start = { index, offset: entry.at <= cutoff ? last : entry.raps[0]! };
      if (entry.at <= cutoff) break;
    }
    if (!start) return undefined;
    const parts = [this.entries[start.index]!.packets.subarray(start.offset)];
    for (let index = start.index + 1; index < this.entries.length; index++) parts.push(this.entries[index]!.packets);
    return Buffer.concat(parts);
  }

  // The block to copy `length` bytes into: the current one when they fit, else a spare or a new one.
  private room(length: number): Buffer {
    if (this.block && this.written + length <= this.block.length) return this.block;
    const newest = this.entries[this.entries.length - 1];
    if (this.block && (this.head === this.entries.length || newest?.block !== this.block)) this.recycle(this.block);
    this.block =
      length <= blockSize ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(blockSize)) : Buffer.allocUnsafeSlow(length);
    this.written = 0;
    return this.block;
  }

  // Forgets the entries before `index`; blocks no entry uses any more (but the current one) are
  // reused. Entries use blocks in order, each block's entries one run.
  private dropTo(index: number): void {
    if (index <= this.head) return;
    const stillUsed = this.entries[index]?.block;
    for (let at = this.head; at < index; at++) {
      const block = this.entries[at]!.block;
      if (block !== this.entries[at + 1]?.block || at + 1 === index) {
        if (block !== stillUsed && block !== this.block) this.recycle(block);
      }
    }
    this.head = index;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
      this.written = 0; // nothing refers to the current block any more
    } else if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private recycle(block: Buffer): void {
    if (block.length === blockSize && this.spare.length < spareBlocks && !this.spare.includes(block))
      this.spare.push(block);
  }

  // Entries before the first one any replay (at most `replayBehindMs` behind) can start in.
  private dropUnreachable(cutoff: number): void {
    let start = -1;
    for (let index = this.head; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      if (entry.raps.length > 0) {
        if (entry.at > cutoff && start >= 0) break;
        start = index;
        if (entry.at > cutoff) break;
      } else if (entry.at > cutoff && start >= 0) break;
    }
    if (start < 0) start = this.entries.length;
    for (let index = this.head; index < start; index++) this.bytes -= this.entries[index]!.packets.length;
    this.dropTo(start);
  }
}
