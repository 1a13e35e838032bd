import type { StreamCandidate } from '../lineup/index.js';
import { ChannelHub, type HubDeps } from './channel-hub.js';

/**
 * The running hubs, one per channel. Single flight: two simultaneous requests for a channel get
 * the same hub (and so one provider connection), created synchronously by whichever came first.
 */
// The replay rings of all hubs share this much memory: one or two channels get seconds each (8 MiB
// at most), twenty 25 Mbit/s channels a quarter of a second each, so memory stays bounded however
// many channels play (measured: 145 MB peak RSS with twenty, against 164 MB with a 32 MiB budget) (a viewer joining a hub whose ring holds no random-access point starts at
// live instead of a second behind).
const replayBudgetBytes = 16 * 1024 * 1024;

/** What every hub since start-up did: failovers, reconnects and bytes read from providers. */
export interface StreamTotals {
  failovers: number;
  reconnects: number;
  upstreamBytes: number;
}

export class HubRegistry {
  private readonly hubs = new Map<string, ChannelHub>();
  // Totals of the hubs already closed; the running ones are added at each read (monotonic counters).
  private readonly closedTotals: StreamTotals = { failovers: 0, reconnects: 0, upstreamBytes: 0 };

  constructor(
    private readonly deps: Omit<HubDeps, 'onClosed' | 'replayBytes'>,
    /** A hub was created or closed (the live sessions view). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** The channel's running hub, or a new one connecting its candidates. */
  hubFor(channelId: string, candidates: () => StreamCandidate[]): ChannelHub {
    const running = this.hubs.get(channelId);
    if (running && !running.isClosed) return running;
    const hub = new ChannelHub(channelId, candidates, {
      ...this.deps,
      replayBytes: () => Math.floor(replayBudgetBytes / Math.max(1, this.hubs.size)),
      onClosed: (closed) => {
        if (this.hubs.get(channelId) === closed) this.hubs.delete(channelId);
        const { failovers, reconnects, bytesIn } = closed.describe();
        this.closedTotals.failovers += failovers;
        this.closedTotals.reconnects += reconnects;
        this.closedTotals.upstreamBytes += bytesIn;
        this.onChange();
      },
    });
    this.hubs.set(channelId, hub);
    this.onChange();
    return hub;
  }

  /** Closes the account's lingering hubs (a request needs their slot); true when one was closed. */
  reclaim(accountId: number): boolean {
    let any = false;
    for (const hub of this.hubs.values()) if (hub.candidate?.accountId === accountId && hub.reclaim()) any = true;
    return any;
  }

  /** Failovers, reconnects and upstream bytes of every hub since start-up, the running ones included. */
  totals(): StreamTotals {
    const totals = { ...this.closedTotals };
    for (const hub of this.hubs.values()) {
      const { failovers, reconnects, bytesIn } = hub.describe();
      totals.failovers += failovers;
      totals.reconnects += reconnects;
      totals.upstreamBytes += bytesIn;
    }
    return totals;
  }

  /** Hubs oldest first. */
  list(): ChannelHub[] {
    return [...this.hubs.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  get size(): number {
    return this.hubs.size;
  }
}
