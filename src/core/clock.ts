/** The time source; tests may pass a fixed one. Milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A stored time (Unix ms) as the API shows it: ISO 8601 UTC, null kept. */
export const isoTime = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
