import { describe, expect, it } from 'vitest';
import { progressLog } from '../../src/core/index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  let t = 0;
  return {
    lines,
    at: (ms: number) => (t = ms),
    update: progressLog({
      log: { info: (fields: object) => void lines.push(fields as Record<string, unknown>) },
      message: 'test progress',
      fields: { sourceId: 7 },
      now: () => t,
    }),
  };
}

describe('progressLog', () => {
  it('stays quiet for a short run', () => {
    const c = capture();
    for (let p = 0; p <= 100; p += 5) {
      c.at(p * 40); // 4 s for the whole run
      c.update({ percent: p });
    }
    expect(c.lines).toEqual([]);
  });

  it('logs each new 10% step of a long run once, never 100%, and a line after 30 s on one step', () => {
    const c = capture();
    for (let p = 0; p <= 100; p++) {
      c.at(p * 200); // 20 s for the whole run
      c.update({ percent: p, done: p * 1000 });
    }
    // Quiet for the first 5 s (up to 25%); then 30, 40 … 90.
    expect(c.lines.map((l) => l.percent)).toEqual([30, 40, 50, 60, 70, 80, 90]);
    expect(c.lines[0]).toEqual({ sourceId: 7, percent: 30, done: 30_000, elapsedMs: 6000 });
    c.at(60_000);
    c.update({ percent: 100 });
    c.at(80_000);
    c.update({ percent: 100 });
    expect(c.lines.map((l) => l.percent)).toEqual([30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('without a percent, logs the count every 5 s once the run is long', () => {
    const c = capture();
    for (let s = 0; s <= 21; s++) {
      c.at(s * 1000);
      c.update({ done: s * 1_000_000 });
    }
    expect(c.lines.map((l) => [l.elapsedMs, l.done])).toEqual([
      [5000, 5_000_000],
      [10_000, 10_000_000],
      [15_000, 15_000_000],
      [20_000, 20_000_000],
    ]);
  });
});
