import type { Tier } from '../core/index.js';

/** What a stream session is doing: holding a slot while the upstream connects, or relaying. */
export type SessionState = 'connecting' | 'streaming';

/** One viewer's stream, as the sessions API shows it. Times are Unix ms. */
export interface SessionInfo {
  id: string;
  /** The XMLTV channel id the client asked for. */
  channelId: string;
  accountId: number;
  /** The provider stream id being relayed (the chosen tier's). */
  streamId: number;
  tier: Tier;
  clientAddress: string;
  state: SessionState;
  startedAt: number;
  bytesSent: number;
}

/** The live sessions, by id. A session is in here exactly while it holds a tuner slot. */
export class SessionRegistry {
  private readonly sessions = new Map<string, SessionInfo>();
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after a session is added, removed or changes state; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Adds a session; its object is updated in place (state, bytesSent) while it runs. */
  add(session: SessionInfo): void {
    this.sessions.set(session.id, session);
    this.changed();
  }

  /** Removes a session; true when it was there (teardown calls this once per session). */
  remove(id: string): boolean {
    const removed = this.sessions.delete(id);
    if (removed) this.changed();
    return removed;
  }

  /** A session's state changed in place (it started relaying). */
  changed(): void {
    // A listener's failure is its own (the live updates catch theirs): it must not break a stream's teardown.
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // ignored
      }
    }
  }

  get(id: string): SessionInfo | undefined {
    return this.sessions.get(id);
  }

  /** Snapshot of every session, oldest first. */
  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s })).sort((a, b) => a.startedAt - b.startedAt);
  }

  get size(): number {
    return this.sessions.size;
  }
}
