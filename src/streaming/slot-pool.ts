/**
 * Per-account tuner slots. Providers of the common Xtream lineage do not refuse a stream over
 * the limit: they kill the account's oldest one. So we count connections ourselves and never
 * open an upstream without a slot.
 *
 * Race-free because every check-and-take is synchronous on the one JS thread: 50 requests that
 * arrive together see the count move one by one. A full account queues the request (FIFO) for a
 * while, because Plex opens the next channel before it closes the previous one when a viewer zaps.
 */

/** A held connection slot of one account. `release()` is idempotent. */
export interface Slot {
  readonly accountId: number;
  release(): void;
}

export interface AcquireOptions {
  /** The account's effective connection limit (≥ 1), read fresh for each request. */
  limit: number;
  /** How long to wait for a slot to free when the account is full; 0 = do not wait. */
  waitMs: number;
  /** Gives up waiting when aborted (the client went away). */
  signal?: AbortSignal;
}

interface Waiter {
  limit: number;
  grant(slot: Slot | undefined): void;
}

interface AccountSlots {
  inUse: number;
  waiters: Waiter[];
}

export class SlotPool {
  private readonly accounts = new Map<number, AccountSlots>();
  private closed = false;

  /** Takes a slot at once if one is free, else waits up to `waitMs`; undefined when none freed in time. */
  acquire(accountId: number, options: AcquireOptions): Promise<Slot | undefined> {
    const state = this.stateOf(accountId);
    const limit = Math.max(1, Math.floor(options.limit));
    if (this.closed || options.signal?.aborted) return Promise.resolve(undefined);
    // Queued requests go first: a newcomer must not overtake a zap that has been waiting.
    if (state.waiters.length === 0 && state.inUse < limit) return Promise.resolve(this.take(accountId, state));
    if (options.waitMs <= 0) return Promise.resolve(undefined);

    return new Promise((resolve) => {
      const waiter: Waiter = {
        limit,
        grant: (slot) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
      };
      const leave = () => {
        const index = state.waiters.indexOf(waiter);
        if (index >= 0) state.waiters.splice(index, 1);
        waiter.grant(undefined);
        this.grantWaiters(accountId, state); // a waiter with a higher limit may be behind this one
      };
      const onAbort = () => leave();
      const timer = setTimeout(leave, options.waitMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      state.waiters.push(waiter);
    });
  }

  /** Slots of the account in use right now. */
  inUse(accountId: number): number {
    return this.accounts.get(accountId)?.inUse ?? 0;
  }

  /** Requests waiting for a slot of the account right now. */
  waiting(accountId: number): number {
    return this.accounts.get(accountId)?.waiters.length ?? 0;
  }

  /** True after `close()`: no slot will be handed out again. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Shutdown: every waiter gives up, and no slot is handed out any more. */
  close(): void {
    this.closed = true;
    for (const state of this.accounts.values()) {
      for (const waiter of state.waiters.splice(0)) waiter.grant(undefined);
    }
  }

  private stateOf(accountId: number): AccountSlots {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { inUse: 0, waiters: [] };
      this.accounts.set(accountId, state);
    }
    return state;
  }

  private take(accountId: number, state: AccountSlots): Slot {
    state.inUse++;
    let held = true;
    return {
      accountId,
      release: () => {
        if (!held) return;
        held = false;
        state.inUse--;
        this.grantWaiters(accountId, state);
        if (state.inUse === 0 && state.waiters.length === 0) this.accounts.delete(accountId);
      },
    };
  }

  private grantWaiters(accountId: number, state: AccountSlots): void {
    while (!this.closed && state.waiters.length > 0 && state.inUse < state.waiters[0]!.limit) {
      const waiter = state.waiters.shift()!;
      waiter.grant(this.take(accountId, state));
    }
  }
}
