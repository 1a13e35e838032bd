import type { Clock } from '../core/index.js';

export interface LoginLimiterOptions {
  /** Failed attempts allowed per address within `windowMs`. */
  maxFailures?: number;
  windowMs?: number;
  /** Addresses remembered at most; the oldest is forgotten first, so a flood of addresses cannot grow memory. */
  maxAddresses?: number;
}

/** Failed logins per client address in a sliding window (in memory: a restart forgives, which is fine). */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;

  constructor(
    private readonly clock: Clock,
    options: LoginLimiterOptions = {},
  ) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string): number {
    const recent = this.recent(address);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, recent[recent.length - this.maxFailures]! + this.windowMs - this.clock.now());
  }

  /** Counts a failed attempt; true when it is the one that reached the limit. */
  recordFailure(address: string): boolean {
    const recent = this.recent(address);
    recent.push(this.clock.now());
    // Re-inserted last: Map order is then least recently failed first.
    this.failures.delete(address);
    this.failures.set(address, recent.slice(-this.maxFailures));
    if (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    return recent.length === this.maxFailures;
  }

  /** Forgets the failures of `address` (after a successful login). */
  clear(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const since = this.clock.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((at) => at > since);
  }
}
