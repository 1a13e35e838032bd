import type { Logger } from './logger.js';

/**
 * A set of listeners for a domain's changes (`onX(listener) → unsubscribe`). `emit` calls each in
 * turn and never throws: a failing listener (a live-update client gone wrong) is logged and the
 * change itself is not undone.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly log: Pick<Logger, 'error'>,
    private readonly what: string,
  ) {}

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.log.error({ err: error }, `${this.what} listener failed`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}

/**
 * The progress of a long task the UI shows live: an account scan or a guide import. `done` and
 * `total` count what `phase` works through (bytes while a guide is read); `percent` is given when
 * the total is known.
 */
export interface TaskProgress {
  kind: 'scan' | 'import';
  /** The account id (scan) or guide source id (import). */
  id: number;
  phase: string;
  done?: number;
  total?: number;
  percent?: number;
  finished: boolean;
  /** Why it failed (a safe message, as the API answers), when it finished unsuccessfully. */
  error?: string;
}
