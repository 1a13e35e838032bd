import type { Clock } from '../core/index.js';
import type { StreamCandidate } from '../lineup/index.js';
import { PacketAligner, StreamSplicer } from '../mpegts/index.js';
import { candidateKey } from './candidate-picker.js';
import { connectFirst, type Connection, type ConnectorDeps } from './connector.js';

/** Why a live upstream was given up. */
export type LossReason = 'stall' | 'slow' | 'error' | 'ended' | 'account-deactivated' | 'account-deleted';

/** What the hub hears from its feed. */
export interface FeedSink {
  /** Whole packets, spliced (after a switch the new stream's PAT/PMT first, discontinuities flagged). */
  onPackets(packets: Buffer): void;
  /** The next packets come from another upstream (reset what was learnt of the stream). */
  onSwitch(): void;
  /** The upstream was lost; recovery is under way (keep viewers busy). */
  onRecovering(reason: LossReason): void;
  onRecovered(): void;
  /** Every candidate failed: the stream is over. */
  onFailed(reason: LossReason): void;
}

export interface FeedDeps extends ConnectorDeps {
  clock: Clock;
  config: ConnectorDeps['config'] & { recoveryTimeoutMs: number };
}

// A stream healthy this long is worth one reconnect of its own before switching (a provider blip).
const reconnectAfterHealthyMs = 30_000;
// No real TV stream is below ~100 kbit/s; a drip of a packet now and then holds a slot forever.
const minBytesPerSecond = 12_500;
// Below this share of its own rate (measured while healthy) for a whole window, a stream is failing.
const minRateShare = 0.05;

/**
 * The upstream side of one channel hub: connects the best candidate that plays, watches it (no
 * bytes for `stallTimeoutMs`, a rate far below the stream's own, an error, an early end) and
 * repairs a loss inside the running response: the same candidate once if it had been healthy for
 * 30 s, else the next one, each failed candidate cooling down. Recovery is bounded by candidates
 * (each tried once) and by `recoveryTimeoutMs`. Every switch starts the aligner, the splicer and
 * every health counter afresh (stale health state would condemn the healthy replacement).
 */
export class Feed {
  private connection: Connection | undefined;
  private readonly abort = new AbortController();
  private readonly aligner = new PacketAligner();
  private readonly splicer = new StreamSplicer();
  private closed = false;
  private recovering = false;
  private paused = false;
  private monitor: NodeJS.Timeout | undefined;
  private health = { since: 0, lastByteAt: 0, windowStart: 0, windowBytes: 0, peakRate: 0 };
  failovers = 0;
  reconnects = 0;
  bytesIn = 0;

  constructor(
    private readonly channelId: string,
    private readonly candidates: () => StreamCandidate[],
    private readonly deps: FeedDeps,
    private readonly sink: FeedSink,
  ) {}

  /** The candidate playing now (or being recovered from). */
  get candidate(): StreamCandidate | undefined {
    return this.connection?.candidate;
  }

  get isRecovering(): boolean {
    return this.recovering;
  }

  /** Connects the first candidate that plays; rejects with the AppError for the client (503/805). */
  async start(): Promise<void> {
    const startedAt = this.deps.clock.now();
    const order = this.candidates();
    let connection: Connection;
    try {
      connection = await connectFirst(this.channelId, order, this.deps, this.abort.signal);
    } catch (error) {
      if (order.length > 1 && !this.closed)
        this.deps.events.record({
          level: 'error',
          category: 'stream',
          message: 'All candidates failed',
          details: { channelId: this.channelId, reason: 'connect', tried: order.map(describe) },
        });
      throw error;
    }
    if (this.closed) {
      void connection.close();
      return;
    }
    const first = order[0];
    if (first && candidateKey(first) !== candidateKey(connection.candidate)) {
      this.failovers++;
      this.deps.events.record({
        level: 'warn',
        category: 'stream',
        message: 'Stream failover',
        details: {
          channelId: this.channelId,
          from: describe(first),
          to: describe(connection.candidate),
          reason: 'connect',
          recoveredMs: this.deps.clock.now() - startedAt,
        },
      });
    }
    this.attach(connection);
  }

  /** Stops reading (every viewer is backed up); the stall watch pauses with it. */
  pause(): void {
    this.paused = true;
    this.connection?.upstream.body.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.health.lastByteAt = this.deps.clock.now();
    this.health.windowStart = this.health.lastByteAt;
    this.health.windowBytes = 0;
    this.connection?.upstream.body.resume();
  }

  /**
   * Gives the upstream up at once (its account went away) and recovers on another account; false
   * (nothing done) when there is no live upstream to give up (connecting, or already recovering).
   */
  drop(reason: 'account-deactivated' | 'account-deleted'): boolean {
    if (!this.connection || this.recovering || this.closed) return false;
    this.lose(reason);
    return true;
  }

  /** Ends the upstream (idempotent); resolves once its provider connection is closed and the slot free. */
  close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    clearInterval(this.monitor);
    const connection = this.connection;
    return connection ? connection.close() : Promise.resolve();
  }

  /** The channel's candidates now (none when it was unmapped or disabled meanwhile). */
  private currentCandidates(): StreamCandidate[] {
    try {
      return this.candidates();
    } catch {
      return [];
    }
  }

  private attach(connection: Connection): void {
    this.connection = connection;
    this.deps.picker.remember(this.channelId, connection.candidate);
    const now = this.deps.clock.now();
    this.health = { since: now, lastByteAt: now, windowStart: now, windowBytes: 0, peakRate: 0 };
    const { body, head } = connection.upstream;
    this.take(head);
    body.on('data', (chunk: Buffer) => this.connection === connection && this.take(chunk));
    body.once('end', () => this.connection === connection && this.lose('ended'));
    // `on`: a body can report more than one error (a reset, then our own destroy).
    body.on('error', () => this.connection === connection && this.lose('error'));
    if (body.readableEnded) return void this.lose('ended');
    const tick = Math.max(50, Math.min(500, Math.floor(this.deps.config.stallTimeoutMs / 4)));
    clearInterval(this.monitor);
    this.monitor = setInterval(() => this.checkHealth(), tick);
    if (!this.paused) body.resume();
  }

  private take(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.health.lastByteAt = this.deps.clock.now();
    this.health.windowBytes += chunk.length;
    // Pieces, not one buffer: joining them would copy every chunk (few end on a packet boundary).
    this.aligner.pushEach(chunk, this.takePackets);
  }

  private readonly takePackets = (packets: Buffer): void => {
    const out = this.splicer.push(packets);
    if (out) this.sink.onPackets(out);
  };

  private checkHealth(): void {
    if (this.paused || this.recovering || !this.connection) return;
    const now = this.deps.clock.now();
    const stall = this.deps.config.stallTimeoutMs;
    if (now - this.health.lastByteAt >= stall) return this.lose('stall');
    const elapsed = now - this.health.windowStart;
    // The rate is judged over windows a bit longer than the stall timeout (bursty CDNs).
    if (elapsed < Math.max(1000, stall * 1.5)) return;
    const rate = (this.health.windowBytes * 1000) / elapsed;
    this.health.peakRate = Math.max(this.health.peakRate, rate);
    this.health.windowStart = now;
    this.health.windowBytes = 0;
    if (rate < minBytesPerSecond || rate < this.health.peakRate * minRateShare) this.lose('slow');
  }

  /** The upstream is lost: free it, then reconnect it or switch, while the hub keeps viewers busy. */
  private lose(reason: LossReason): void {
    const lost = this.connection;
    if (!lost || this.recovering || this.closed) return;
    this.recovering = true;
    clearInterval(this.monitor);
    const startedAt = this.deps.clock.now();
    const healthyMs = startedAt - this.health.since;
    const released = lost.close();
    this.sink.onRecovering(reason);
    const accountGone = reason === 'account-deactivated' || reason === 'account-deleted';
    const reconnect = healthyMs >= reconnectAfterHealthyMs && !accountGone;
    if (!reconnect) this.deps.picker.coolDown(lost.candidate);
    const others = this.deps.picker
      .order(this.channelId, this.currentCandidates())
      .filter((c) => candidateKey(c) !== candidateKey(lost.candidate) && !this.deps.picker.isCooling(c))
      .filter((c) => !accountGone || c.accountId !== lost.candidate.accountId);
    const order = reconnect ? [lost.candidate, ...others] : others;
    const facts = { channelId: this.channelId, from: describe(lost.candidate), reason, healthyMs };
    const giveUp = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.deps.config.recoveryTimeoutMs)]);
    void released
      .then(() => connectFirst(this.channelId, order, this.deps, giveUp))
      .then(
        (connection) => {
          if (this.closed) return void connection.close();
          const same = candidateKey(connection.candidate) === candidateKey(lost.candidate);
          if (same) this.reconnects++;
          else this.failovers++;
          this.deps.events.record({
            level: 'warn',
            category: 'stream',
            message: same ? 'Stream reconnected' : 'Stream failover',
            details: { ...facts, to: describe(connection.candidate), recoveredMs: this.deps.clock.now() - startedAt },
          });
          this.aligner.reset();
          this.splicer.startSegment();
          this.sink.onSwitch();
          this.recovering = false;
          this.attach(connection);
          this.sink.onRecovered();
        },
        () => {
          if (this.closed) return;
          this.deps.events.record({
            level: 'error',
            category: 'stream',
            message: 'All candidates failed',
            details: { ...facts, tried: order.map(describe), failedAfterMs: this.deps.clock.now() - startedAt },
          });
          this.sink.onFailed(reason);
        },
      );
  }
}

function describe(candidate: StreamCandidate): { accountId: number; streamId: number; tier: string } {
  return { accountId: candidate.accountId, streamId: candidate.streamId, tier: candidate.tier };
}
