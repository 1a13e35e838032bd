import { describe, expect, it } from 'vitest';
import { currentIndex, dayBounds, progressPercent, sortByStart } from './programmes';

const at = (iso: string) => new Date(iso);
const items = [
  { start: '2026-12-04T08:00:00Z', stop: '2026-12-04T09:00:00Z' },
  { start: '2026-12-04T09:00:00Z', stop: '2026-12-04T10:30:00Z' },
  { start: '2026-12-04T11:00:00Z', stop: '2026-12-04T12:00:00Z' },
];

describe('programmes', () => {
  it('finds the programme on air, start inclusive, stop exclusive', () => {
    expect(currentIndex(items, at('2026-12-04T08:00:00Z'))).toBe(0);
    expect(currentIndex(items, at('2026-12-04T09:00:00Z'))).toBe(1);
    expect(currentIndex(items, at('2026-12-04T10:45:00Z'))).toBe(-1);
    expect(currentIndex(items, at('2026-12-04T07:00:00Z'))).toBe(-1);
  });

  it('gives the local day around a time', () => {
    const now = new Date(2026, 11, 4, 15, 30);
    const { from, to } = dayBounds(now);
    expect(from).toEqual(new Date(2026, 11, 4));
    expect(to).toEqual(new Date(2026, 11, 5));
  });

  it('sorts by start and measures progress', () => {
    expect(sortByStart([items[2]!, items[0]!]).map((p) => p.start)).toEqual([items[0]!.start, items[2]!.start]);
    expect(progressPercent(items[0]!, at('2026-12-04T08:30:00Z'))).toBe(50);
    expect(progressPercent(items[0]!, at('2026-12-04T10:00:00Z'))).toBe(100);
  });
});
