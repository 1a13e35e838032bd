import type { Writable } from 'node:stream';
import type { Clock, Logger } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import { discardBody } from '../upstream-http/index.js';
import { relay } from './relay.js';
import type { SessionInfo, SessionRegistry } from './session-registry.js';
import type { Slot } from './slot-pool.js';
import type { Upstream } from './upstream.js';

/** Why a session ended. */
export type EndReason =
  | 'client-closed'
  | 'upstream-ended'
  | 'upstream-error'
  | 'upstream-failed'
  | 'shutdown'
  | 'account-deleted'
  | 'account-deactivated'
  | 'error';

interface SessionDeps {
  registry: SessionRegistry;
  events: EventLog;
  log: Logger;
  clock: Clock;
}

/**
 * One viewer's stream from slot to teardown. Whatever ends it (client close, upstream end or
 * error, failed connect, shutdown) goes through `end()`, which is idempotent: it removes the
 * session, releases the tuner slot, aborts the upstream request and closes the client, once.
 * Leaked slots are the most common complaint about comparable tools.
 */
export class StreamSession {
  readonly info: SessionInfo;
  private readonly abort = new AbortController();
  private upstream: Upstream | undefined;
  private client: Writable | undefined;
  private ended = false;
  private readonly done: Promise<EndReason>;
  private resolveDone!: (reason: EndReason) => void;

  constructor(
    info: SessionInfo,
    private readonly slot: Slot,
    private readonly deps: SessionDeps,
  ) {
    this.info = info;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    deps.registry.add(info);
  }

  /** Aborted when the session ends: pass it to the upstream request. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Resolves with the reason once the session has ended. */
  whenEnded(): Promise<EndReason> {
    return this.done;
  }

  /** The upstream answered 200: from now on the session relays (and logs its end). */
  markStreaming(upstream: Upstream): void {
    this.upstream = upstream;
    this.info.state = 'streaming';
    if (this.ended) discardBody(upstream.body);
  }

  /** Relays the upstream to the client until either side ends; then tears down. */
  async relayTo(client: Writable): Promise<EndReason> {
    const upstream = this.upstream;
    if (!upstream || this.ended) {
      client.destroy();
      this.end('error');
      return this.done;
    }
    this.client = client;
    this.deps.events.record({ level: 'info', category: 'stream', message: 'Stream started', details: this.facts() });
    const outcome = await relay(upstream.body, client, (n) => {
      this.info.bytesSent += n;
    });
    this.end(outcome === 'client-error' ? 'client-closed' : outcome);
    return this.done;
  }

  /** Ends the session (idempotent). */
  end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.registry.remove(this.info.id);
    this.slot.release();
    this.abort.abort();
    if (this.upstream) discardBody(this.upstream.body);
    if (this.client && !this.client.writableFinished) this.client.destroy();
    if (this.client) {
      const level = reason === 'upstream-error' || reason === 'error' ? 'warn' : 'info';
      const durationMs = this.deps.clock.now() - this.info.startedAt;
      this.deps.events.record({
        level,
        category: 'stream',
        message: 'Stream ended',
        details: { ...this.facts(), reason, bytesSent: this.info.bytesSent, durationMs },
      });
    } else {
      this.deps.log.debug({ sessionId: this.info.id, reason }, 'stream session ended before relaying');
    }
    this.resolveDone(reason);
  }

  private facts(): Record<string, unknown> {
    const { id, channelId, accountId, streamId, tier, clientAddress } = this.info;
    return { sessionId: id, channelId, accountId, streamId, tier, clientAddress };
  }
}
