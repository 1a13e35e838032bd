import type { Writable } from 'node:stream';
import type { Clock, Logger } from '../core/index.js';
import type { EventLog } from '../events/index.js';
import type { SessionInfo, SessionRegistry } from './session-registry.js';

/** Why a viewer's stream ended. */
export type EndReason =
  | 'client-closed'
  | 'upstream-ended'
  | 'upstream-error'
  | 'upstream-failed'
  | 'too-slow'
  | 'shutdown'
  | 'stopped-by-admin'
  | 'account-deleted'
  | 'account-deactivated'
  | 'error';

export interface ViewerDeps {
  registry: SessionRegistry;
  events: EventLog;
  log: Logger;
  clock: Clock;
  /** The viewer ended: its hub forgets it. */
  onEnd(viewer: Viewer): void;
  /** The viewer's queue drained below the resume mark: the hub may read on. */
  onDrain(): void;
}

/** Bytes a viewer may have queued (beyond its socket's buffer) before it must skip forward. */
export const maxQueueBytes = 4 * 1024 * 1024;
// A viewer this far behind counts as backed up: when every viewer is, the hub stops reading.
const backedUpBytes = 512 * 1024;
// A viewer that had to skip this often within the window cannot keep up at all: drop it.
const maxSkips = 3;
const skipWindowMs = 30_000;
// How long a finishing response may take to flush before its socket is destroyed.
const finishCapMs = 5000;

/**
 * One client of a channel hub: its own cursor into the stream as a bounded queue, written with
 * `write()` and 'drain' (never one source piped to many, which runs at the slowest viewer's
 * pace). A viewer that falls behind past the bound skips forward (the hub hands it the latest
 * random-access point); one that keeps falling behind is disconnected. `end()` is the one
 * idempotent teardown: it leaves the registry and the hub and closes the client, once.
 */
export class Viewer {
  readonly info: SessionInfo;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private client: Writable | undefined;
  private ended = false;
  private skips: number[] = [];
  private readonly done: Promise<EndReason>;
  private resolveDone!: (reason: EndReason) => void;

  constructor(
    info: SessionInfo,
    private readonly deps: ViewerDeps,
  ) {
    this.info = info;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    deps.registry.add(info);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** True while the viewer is far enough behind that reading on only grows its queue. */
  get isBackedUp(): boolean {
    return this.queuedBytes >= backedUpBytes;
  }

  /** Bytes waiting for the client (not counting the socket's own buffer). */
  get pendingBytes(): number {
    return this.queuedBytes + (this.client?.writableLength ?? 0);
  }

  /** Resolves with the reason once the viewer has ended and its response is closed. */
  whenEnded(): Promise<EndReason> {
    return this.done;
  }

  /** Queues whole packets; false when the queue is past its bound (the hub then skips it forward). */
  push(packets: Buffer): boolean {
    if (this.ended) return true;
    if (this.queuedBytes + packets.length > maxQueueBytes) return false;
    this.queue.push(packets);
    this.queuedBytes += packets.length;
    this.flush();
    return true;
  }

  /**
   * Drops what is queued and starts again at `restart` (PAT/PMT and a random-access point,
   * discontinuity flagged). A viewer that needs this too often is disconnected instead.
   */
  skipForward(restart: Buffer | undefined): void {
    const now = this.deps.clock.now();
    this.skips = [...this.skips.filter((at) => now - at < skipWindowMs), now];
    if (this.skips.length >= maxSkips) {
      this.deps.events.record({
        level: 'warn',
        category: 'stream',
        message: 'Viewer too slow',
        details: { ...this.facts(), skips: this.skips.length, bytesSent: this.info.bytesSent },
      });
      return this.end('too-slow');
    }
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (restart) this.push(restart);
  }

  /** Writes the stream to `client` until the viewer ends; resolves with the reason. */
  relayTo(client: Writable): Promise<EndReason> {
    if (this.ended || this.client) {
      client.destroy();
      this.end('error');
      return this.done;
    }
    this.client = client;
    this.info.state = 'streaming';
    this.deps.registry.changed();
    this.deps.events.record({ level: 'info', category: 'stream', message: 'Stream started', details: this.facts() });
    client.on('drain', () => this.flush());
    client.on('error', () => undefined); // a reset client; 'close' follows and ends the viewer
    client.once('close', () => this.end('client-closed'));
    this.flush();
    return this.done;
  }

  /**
   * Ends the viewer (idempotent). With `finish`, what is queued is still written and the response
   * ends cleanly (the stream is over: the client gets every byte); otherwise the client is cut.
   */
  end(reason: EndReason, finish = false): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.registry.remove(this.info.id);
    this.deps.onEnd(this);
    const client = this.client;
    if (client) {
      const level = reason === 'upstream-error' || reason === 'error' || reason === 'too-slow' ? 'warn' : 'info';
      if (finish && !client.destroyed) {
        for (const chunk of this.queue.splice(0)) {
          this.info.bytesSent += chunk.length;
          client.write(chunk);
        }
      }
      this.queue.length = 0;
      this.deps.events.record({
        level,
        category: 'stream',
        message: 'Stream ended',
        details: {
          ...this.facts(),
          reason,
          bytesSent: this.info.bytesSent,
          durationMs: this.deps.clock.now() - this.info.startedAt,
        },
      });
      if (client.destroyed || client.writableFinished) return this.resolveDone(reason);
      const cap = setTimeout(() => client.destroy(), finishCapMs);
      client.once('close', () => {
        clearTimeout(cap);
        this.resolveDone(reason);
      });
      if (finish) client.end();
      else client.destroy();
    } else {
      this.deps.log.debug({ sessionId: this.info.id, reason }, 'viewer ended before relaying');
      this.resolveDone(reason);
    }
  }

  private flush(): void {
    const client = this.client;
    if (!client || this.ended) return;
    let wrote = false;
    while (this.queue.length > 0 && !client.writableNeedDrain) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      this.info.bytesSent += chunk.length;
      client.write(chunk);
      wrote = true;
    }
    if (wrote && !this.isBackedUp) this.deps.onDrain();
  }

  private facts(): Record<string, unknown> {
    const { id, channelId, accountId, streamId, tier, clientAddress } = this.info;
    return { sessionId: id, channelId, accountId, streamId, tier, clientAddress };
  }
}
