import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addLocalDays,
  dayOptions,
  dayWindow,
  floorToStep,
  gridWidth,
  MINUTE,
  nowWindow,
  placeProgramme,
  shiftWindow,
  startOfLocalDay,
  ticks,
  type GridWindow,
} from './epg-grid';

// Local time is the process's: each test picks a zone (Node reads TZ again when it changes).
const savedTz = process.env.TZ;
function zone(tz: string) {
  process.env.TZ = tz;
}
beforeEach(() => zone('UTC'));
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const t = (iso: string) => Date.parse(iso);
const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

describe('placeProgramme', () => {
  const w: GridWindow = { from: t('2026-03-01T12:00:00Z'), to: t('2026-03-01T15:00:00Z'), pxPerMinute: 4 };

  it('puts a programme inside the window at its start, as wide as its length', () => {
    expect(gridWidth(w)).toBe(720);
    expect(placeProgramme(w, t('2026-03-01T12:30:00Z'), t('2026-03-01T13:15:00Z'))).toEqual({
      left: 120,
      width: 180,
      clippedStart: false,
      clippedEnd: false,
    });
  });

  it('clips a programme that started before the window and one that ends after it', () => {
    expect(placeProgramme(w, t('2026-03-01T11:00:00Z'), t('2026-03-01T12:30:00Z'))).toEqual({
      left: 0,
      width: 120,
      clippedStart: true,
      clippedEnd: false,
    });
    expect(placeProgramme(w, t('2026-03-01T14:45:00Z'), t('2026-03-01T16:00:00Z'))).toEqual({
      left: 660,
      width: 60,
      clippedStart: false,
      clippedEnd: true,
    });
    expect(placeProgramme(w, t('2026-03-01T10:00:00Z'), t('2026-03-01T18:00:00Z'))).toEqual({
      left: 0,
      width: 720,
      clippedStart: true,
      clippedEnd: true,
    });
  });

  it('drops programmes outside the window, touching its edges, or empty', () => {
    expect(placeProgramme(w, t('2026-03-01T11:00:00Z'), t('2026-03-01T12:00:00Z'))).toBeNull();
    expect(placeProgramme(w, t('2026-03-01T15:00:00Z'), t('2026-03-01T16:00:00Z'))).toBeNull();
    expect(placeProgramme(w, t('2026-03-01T13:00:00Z'), t('2026-03-01T13:00:00Z'))).toBeNull();
    expect(placeProgramme(w, t('2026-03-01T14:00:00Z'), t('2026-03-01T13:00:00Z'))).toBeNull();
    expect(placeProgramme(w, Number.NaN, t('2026-03-01T13:00:00Z'))).toBeNull();
  });
});

describe('ticks', () => {
  it('falls on local half hours, with labels in local time', () => {
    zone('Asia/Kolkata'); // UTC+5:30: local half hours are UTC hours
    const w: GridWindow = { from: t('2026-03-01T12:10:00Z'), to: t('2026-03-01T14:00:00Z'), pxPerMinute: 2 };
    const list = ticks(w, 30, hhmm);
    expect(list.map((k) => k.label)).toEqual(['18:00', '18:30', '19:00']);
    expect(list[0]!.at).toBe(t('2026-03-01T12:30:00Z'));
    expect(list[0]!.x).toBe(40);
    expect(list.at(-1)!.x).toBe(160);
  });

  it('includes the left edge when it is on a boundary, never the right edge', () => {
    const w: GridWindow = { from: t('2026-03-01T12:00:00Z'), to: t('2026-03-01T13:00:00Z'), pxPerMinute: 1 };
    expect(ticks(w, 30, hhmm).map((k) => [k.label, k.x])).toEqual([
      ['12:00', 0],
      ['12:30', 30],
    ]);
  });

  it('keeps going over a daylight-saving change', () => {
    zone('Europe/Berlin'); // 2026-03-29 02:00 local jumps to 03:00
    const w: GridWindow = { from: t('2026-03-29T00:00:00Z'), to: t('2026-03-29T02:00:00Z'), pxPerMinute: 1 };
    expect(ticks(w, 30, hhmm).map((k) => k.label)).toEqual(['01:00', '01:30', '03:00', '03:30']);
  });
});

describe('windows', () => {
  it('"now" starts half an hour before the last local half hour', () => {
    zone('America/New_York');
    const now = t('2026-06-10T18:47:12Z'); // 14:47 local
    const w = nowWindow(now, 360, 4);
    expect(hhmm(w.from)).toBe('14:00');
    expect(w.to - w.from).toBe(360 * MINUTE);
    expect(floorToStep(now, 30)).toBe(t('2026-06-10T18:30:00Z'));
  });

  it('earlier and later shift the window without changing its span', () => {
    const w = nowWindow(t('2026-06-10T18:47:00Z'), 360, 4);
    const later = shiftWindow(w, 180);
    expect(later.from - w.from).toBe(180 * MINUTE);
    expect(later.to - later.from).toBe(360 * MINUTE);
    expect(shiftWindow(later, -180)).toEqual(w);
  });

  it('a day in the picker opens at its local midnight, today at now', () => {
    zone('Europe/Berlin');
    const now = t('2026-03-28T15:10:00Z'); // 16:10 local, the day before the clocks change
    expect(dayWindow(now, now, 360, 4)).toEqual(nowWindow(now, 360, 4));
    const tomorrow = addLocalDays(now, 1);
    expect(tomorrow).toBe(t('2026-03-28T23:00:00Z')); // 00:00 CET
    const after = addLocalDays(now, 2);
    expect(after).toBe(t('2026-03-29T22:00:00Z')); // 00:00 CEST: a 23-hour day in between
    expect(dayWindow(after, now, 360, 4).from).toBe(after);
    expect(startOfLocalDay(t('2026-03-29T21:59:00Z'))).toBe(tomorrow);
  });

  it('lists the days with today and tomorrow named', () => {
    const now = t('2026-03-01T12:00:00Z');
    const days = dayOptions(now, 1, 3, (d) => new Date(d).toISOString().slice(0, 10));
    expect(days.map((d) => d.label)).toEqual([
      'Yesterday (2026-02-28)',
      'Today (2026-03-01)',
      'Tomorrow (2026-03-02)',
      '2026-03-03',
      '2026-03-04',
    ]);
    expect(days[1]!.value).toBe(String(t('2026-03-01T00:00:00Z')));
  });
});
