/**
 * The last seconds of a hub's stream, for joining and skipping viewers: chunks of whole packets
 * with the time they arrived and the random-access points in them. Bounded by age and by bytes,
 * so memory per hub stays fixed whatever the bit rate; and nothing is kept that no replay can
 * start in: before the newest random-access point at least `replayBehindMs` old (a replay asked
 * for at most that far behind starts there or later), or before the oldest one when none is that
 * old. At 25 Mbit/s that is 1.5 s plus a GOP instead of 8 MB per hub.
 */

interface Entry {
  at: number;
  packets: Buffer;
  /** Byte offsets of random-access points in `packets`. */
  raps: number[];
}

// A GOP is 0.5-2 s in broadcast; a few seconds always hold one, and a replay stays short.
const keepMs = 4000;
const keepBytes = 8 * 1024 * 1024;

export class PacketRing {
  private entries: Entry[] = [];
  private bytes = 0;

  constructor(
    private readonly now: () => number,
    private readonly replayBehindMs = keepMs,
  ) {}

  push(packets: Buffer, raps: number[]): void {
    const at = this.now();
    this.entries.push({ at, packets, raps });
    this.bytes += packets.length;
    while (this.entries.length > 1 && (this.bytes > keepBytes || at - this.entries[0]!.at > keepMs)) {
      this.bytes -= this.entries.shift()!.packets.length;
    }
    this.dropUnreachable(at - this.replayBehindMs);
  }

  // Entries before the first one any replay (at most `replayBehindMs` behind) can start in.
  private dropUnreachable(cutoff: number): void {
    let start = -1;
    for (let index = 0; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      if (entry.raps.length > 0) {
        if (entry.at > cutoff && start >= 0) break;
        start = index;
        if (entry.at > cutoff) break;
      } else if (entry.at > cutoff && start >= 0) break;
    }
    if (start < 0) start = this.entries.length;
    if (start === 0) return;
    for (const entry of this.entries.splice(0, start)) this.bytes -= entry.packets.length;
  }

  clear(): void {
    this.entries = [];
    this.bytes = 0;
  }

  /**
   * The stream from the latest random-access point at least `behindMs` old (else the oldest one
   * kept) up to live; undefined when no random-access point is known (the viewer starts at live).
   */
  replayFrom(behindMs: number): Buffer | undefined {
    const cutoff = this.now() - behindMs;
    let start: { index: number; offset: number } | undefined;
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      const last = entry.raps[entry.raps.length - 1];
      if (last === undefined) continue;
      // Keep going back while entries are too new; the first old-enough point wins.
      start = { index, offset: entry.at <= cutoff ? last : entry.raps[0]! };
      if (entry.at <= cutoff) break;
    }
    if (!start) return undefined;
    const parts = [this.entries[start.index]!.packets.subarray(start.offset)];
    for (const entry of this.entries.slice(start.index + 1)) parts.push(entry.packets);
    return Buffer.concat(parts);
  }
}
