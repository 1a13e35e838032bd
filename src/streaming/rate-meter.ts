/** A bit rate over the last few seconds, from byte counts as they pass (one-second buckets). */
export class RateMeter {
  private readonly buckets: { second: number; bytes: number }[] = [];

  constructor(private readonly now: () => number) {}

  add(bytes: number): void {
    const second = Math.floor(this.now() / 1000);
    const last = this.buckets[this.buckets.length - 1];
    if (last?.second === second) last.bytes += bytes;
    else this.buckets.push({ second, bytes });
    while (this.buckets.length > 6) this.buckets.shift();
  }

  /** Bits per second over the last five whole seconds (0 when idle). */
  bitsPerSecond(): number {
    const current = Math.floor(this.now() / 1000);
    const recent = this.buckets.filter((b) => b.second < current && b.second >= current - 5);
    const bytes = recent.reduce((sum, b) => sum + b.bytes, 0);
    return Math.round((bytes * 8) / 5);
  }
}
