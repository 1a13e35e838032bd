import { randomUUID } from 'node:crypto';
import type { AppError, Clock } from '../core/index.js';
import type { StreamCandidate } from '../lineup/index.js';
import { markDiscontinuity, nullPacket, TsAnalyzer } from '../mpegts/index.js';
import { Feed, type FeedDeps, type LossReason } from './feed.js';
import { PacketRing } from './packet-ring.js';
import { RateMeter } from './rate-meter.js';
import type { EndReason, Viewer } from './viewer.js';

/** What a hub is doing. */
export type HubState = 'connecting' | 'streaming' | 'recovering' | 'lingering' | 'closed';

export interface HubDeps extends FeedDeps {
  clock: Clock;
  config: FeedDeps['config'] & { hubGraceMs: number };
  /** The hub closed: the registry forgets it. */
  onClosed(hub: ChannelHub): void;
  /** Requests wait for a slot of this account right now (a lingering hub then closes at once). */
  waitingFor(accountId: number): number;
  /** This hub's share of the replay memory all hubs share (bytes). */
  replayBytes(): number;
}

// While recovering, a viewer whose queue is empty gets null packets this often: Plex and Jellyfin
// time out on silence (Jellyfin after 30 s without a byte), not on stuffing.
const keepAliveMs = 500;
// Seven packets, as a real tuner sends per datagram.
const keepAlive = Buffer.concat(Array.from({ length: 7 }, () => nullPacket()));
// Joining viewers start this far behind live, at a random-access point, so playback starts at once.
const joinBehindMs = 1500;

/**
 * One channel's shared stream: one feed (one provider connection, failover inside it) and every
 * viewer of the channel, each with its own bounded queue. The hub reads while any viewer keeps up
 * and stops when all are backed up (an unpaced upstream runs at the fastest viewer's pace, never
 * the slowest's). A bounded ring of the last seconds lets a joining viewer start at a
 * random-access point with the program header first. When the last viewer leaves, the upstream
 * lingers for a grace (Plex opens B before closing A; a zap back reuses it), but closes at once
 * when a request needs that account's slot.
 */
export class ChannelHub {
  readonly id = randomUUID();
  readonly startedAt: number;
  readonly viewers = new Set<Viewer>();
  readonly ready: Promise<void>;
  private readonly feed: Feed;
  private readonly analyzer = new TsAnalyzer();
  private readonly ring: PacketRing;
  private readonly rateIn: RateMeter;
  private readonly rateOut: RateMeter;
  private state: HubState = 'connecting';
  private grace: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly channelId: string,
    candidates: () => StreamCandidate[],
    private readonly deps: HubDeps,
  ) {
    const now = () => deps.clock.now();
    this.startedAt = now();
    this.ring = new PacketRing(now, joinBehindMs, () => deps.replayBytes());
    this.rateIn = new RateMeter(now);
    this.rateOut = new RateMeter(now);
    this.feed = new Feed(channelId, candidates, deps, {
      onPackets: (packets) => this.distribute(packets),
      onSwitch: () => {
        this.analyzer.reset();
        this.ring.clear();
      },
      onRecovering: () => this.startKeepAlive(),
      onRecovered: () => this.stopKeepAlive(),
      onFailed: (reason) => void this.close(endReasonOf(reason), true),
    });
    this.ready = this.feed.start().then(
      () => {
        if (this.state === 'connecting') this.state = 'streaming';
        this.updateViewers();
      },
      (error: AppError) => {
        void this.close('upstream-failed');
        throw error;
      },
    );
    // The first joiner awaits `ready`; a hub nobody awaits any more must not report unhandled.
    this.ready.catch(() => undefined);
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** The candidate playing (or being recovered from). */
  get candidate(): StreamCandidate | undefined {
    return this.feed.candidate;
  }

  /** Adds a viewer; one joining a running stream gets the program header and a replay from a random-access point. */
  join(viewer: Viewer): void {
    clearTimeout(this.grace);
    this.grace = undefined;
    if (this.state === 'lingering') this.state = this.feed.isRecovering ? 'recovering' : 'streaming';
    this.viewers.add(viewer);
    this.updateViewers();
    const replay = this.ring.replayFrom(joinBehindMs);
    if (replay) viewer.push(this.withHeader(replay));
  }

  /** A viewer ended: the last one leaving starts the grace (or closes a hub that never streamed). */
  leave(viewer: Viewer): void {
    if (!this.viewers.delete(viewer) || this.viewers.size > 0 || this.isClosed) return;
    const accountId = this.candidate?.accountId;
    const needed = accountId !== undefined && this.deps.waitingFor(accountId) > 0;
    if (this.state === 'connecting' || needed || this.deps.config.hubGraceMs <= 0)
      return void this.close('client-closed');
    this.state = 'lingering';
    this.grace = setTimeout(() => void this.close('client-closed'), this.deps.config.hubGraceMs);
  }

  /** True (and closing) when the hub only lingers: another request needs its slot. */
  reclaim(): boolean {
    if (this.state !== 'lingering') return false;
    void this.close('client-closed');
    return true;
  }

  /** The account went away: every viewer ends with that reason. */
  endForAccount(reason: 'account-deleted' | 'account-deactivated'): number {
    const count = this.viewers.size;
    void this.close(reason);
    return count;
  }

  /**
   * The account went away but the channel plays on another one: the feed gives its upstream up
   * and fails over, the viewers' responses stay open. False when there is nothing to move (no
   * viewer, or no live upstream): the caller ends the hub instead.
   */
  moveOffAccount(reason: 'account-deleted' | 'account-deactivated'): boolean {
    if (this.viewers.size === 0 || this.isClosed) return false;
    return this.feed.drop(reason);
  }

  /** Ends the hub (idempotent): the feed closes, then every viewer; resolves once the slot is free. */
  close(reason: EndReason, finish = false): Promise<void> {
    if (this.closing) return this.closing;
    this.state = 'closed';
    clearTimeout(this.grace);
    this.stopKeepAlive();
    this.deps.onClosed(this);
    for (const viewer of [...this.viewers]) viewer.end(reason, finish);
    this.viewers.clear();
    this.closing = this.feed.close();
    return this.closing;
  }

  /** A snapshot for the sessions API. */
  describe() {
    const candidate = this.candidate;
    return {
      id: this.id,
      channelId: this.channelId,
      state: this.isClosed ? 'closed' : this.feed.isRecovering ? 'recovering' : this.state,
      startedAt: this.startedAt,
      candidate: candidate
        ? { accountId: candidate.accountId, streamId: candidate.streamId, tier: candidate.tier }
        : null,
      failovers: this.feed.failovers,
      reconnects: this.feed.reconnects,
      bytesIn: this.feed.bytesIn,
      bitrateIn: this.rateIn.bitsPerSecond(),
      bitrateOut: this.rateOut.bitsPerSecond(),
      viewers: [...this.viewers].map((v) => ({
        id: v.info.id,
        clientAddress: v.info.clientAddress,
        bytesSent: v.info.bytesSent,
        startedAt: v.info.startedAt,
      })),
    };
  }

  /** Every viewer backed up: stop reading; one drained: read on. */
  viewerDrained(): void {
    this.feed.resume();
  }

  private distribute(packets: Buffer): void {
    const raps = this.analyzer.scan(packets);
    this.ring.push(packets, raps);
    this.rateIn.add(packets.length);
    let allBackedUp = this.viewers.size > 0;
    for (const viewer of [...this.viewers]) {
      if (!viewer.push(packets)) viewer.skipForward(this.restartPoint());
      else this.rateOut.add(packets.length);
      if (!viewer.isBackedUp) allBackedUp = false;
    }
    if (allBackedUp) this.feed.pause();
  }

  /** What a viewer skipping forward restarts with: PAT/PMT, then the latest random-access point. */
  private restartPoint(): Buffer | undefined {
    const replay = this.ring.replayFrom(0);
    return replay && markDiscontinuity(this.withHeader(replay));
  }

  private withHeader(replay: Buffer): Buffer {
    const header = this.analyzer.programHeader();
    return header ? Buffer.concat([header, replay]) : replay;
  }

  /** Viewers' facts follow the candidate playing (the sessions API and tuner status show it). */
  private updateViewers(): void {
    const candidate = this.candidate;
    if (!candidate) return;
    for (const viewer of this.viewers) {
      viewer.info.accountId = candidate.accountId;
      viewer.info.streamId = candidate.streamId;
      viewer.info.tier = candidate.tier;
    }
  }

  private startKeepAlive(): void {
    this.state = this.viewers.size > 0 ? 'recovering' : this.state;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = setInterval(() => {
      for (const viewer of this.viewers) if (viewer.pendingBytes === 0) viewer.push(keepAlive);
    }, keepAliveMs);
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    if (this.state === 'recovering') this.state = 'streaming';
    this.updateViewers();
  }
}

function endReasonOf(reason: LossReason): EndReason {
  if (reason === 'account-deactivated' || reason === 'account-deleted') return reason;
  return reason === 'ended' ? 'upstream-ended' : 'upstream-error';
}

export type HubInfo = ReturnType<ChannelHub['describe']>;
export type { LossReason };
