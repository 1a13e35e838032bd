import { afterEach, describe, expect, it, vi } from 'vitest';
import { DailyTimer } from '../../src/xmltv/refresh-schedule.js';
import { missedRefresh, nextOccurrence, parseDailyTime, previousOccurrence } from '../../src/xmltv/index.js';
import { startFakeGuideServer } from '../support/fake-guide-server.js';
import { hourlyProgrammes, startGuideApp, xmltvDocument, type GuideTestApp } from './guide-fixture.js';

// Local times, as the schedule is: the machine's time zone decides what "04:00" means.
const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const four = { hour: 4, minute: 0 };

describe('daily refresh time', () => {
  it('parses HH:MM and refuses anything else', () => {
    expect(parseDailyTime('04:00')).toEqual(four);
    expect(parseDailyTime('4:05')).toEqual({ hour: 4, minute: 5 });
    expect(parseDailyTime(' 23:59 ')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '12:60', '12', '12:5', 'noon', '', '-1:00'])
      expect(parseDailyTime(bad), bad).toBeUndefined();
  });

  it('finds the last and the next occurrence around now', () => {
    expect(previousOccurrence(local(2026, 12, 1, 10), four)).toBe(local(2026, 12, 1, 4));
    expect(previousOccurrence(local(2026, 12, 1, 3), four)).toBe(local(2026, 11, 30, 4));
    expect(previousOccurrence(local(2026, 12, 1, 4), four)).toBe(local(2026, 12, 1, 4));
    expect(nextOccurrence(local(2026, 12, 1, 3), four)).toBe(local(2026, 12, 1, 4));
    expect(nextOccurrence(local(2026, 12, 1, 4), four)).toBe(local(2026, 12, 2, 4));
    expect(nextOccurrence(local(2026, 12, 31, 22), four)).toBe(local(2027, 1, 1, 4));
  });

  it('counts a refresh as missed when the last good import is older than the last 04:00', () => {
    const now = local(2026, 12, 1, 10);
    expect(missedRefresh({ lastRefreshAt: local(2026, 12, 1, 4, 1), createdAt: 0 }, now, four)).toBe(false);
    expect(missedRefresh({ lastRefreshAt: local(2026, 12, 1, 3, 59), createdAt: 0 }, now, four)).toBe(true);
    // Never imported: judged by when it was added.
    expect(missedRefresh({ lastRefreshAt: null, createdAt: local(2026, 12, 1, 9) }, now, four)).toBe(false);
    expect(missedRefresh({ lastRefreshAt: null, createdAt: local(2026, 11, 29, 9) }, now, four)).toBe(true);
  });
});

describe('DailyTimer', () => {
  afterEach(() => vi.useRealTimers());

  it('runs the task at the next occurrence, then again a day later, and not after stop', async () => {
    vi.useFakeTimers({ now: local(2026, 12, 1, 10) });
    const runs: number[] = [];
    const timer = new DailyTimer(
      async () => void runs.push(Date.now()),
      () => Date.now(),
    );
    timer.schedule(four);
    await vi.advanceTimersByTimeAsync(18 * 3_600_000 + 1000);
    expect(runs).toEqual([local(2026, 12, 2, 4)]);
    // Re-armed for the time set meanwhile.
    timer.schedule({ hour: 6, minute: 30 });
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(runs).toEqual([local(2026, 12, 2, 4), local(2026, 12, 2, 6, 30)]);
    timer.stop();
    await vi.advanceTimersByTimeAsync(48 * 3_600_000);
    expect(runs).toHaveLength(2);
  });
});

describe('start-up catch-up', () => {
  let t: GuideTestApp | undefined;
  afterEach(async () => t?.close());

  it('refreshes the enabled sources that missed their daily refresh while the server was off, and only those', async () => {
    const server = await startFakeGuideServer();
    try {
      const doc = xmltvDocument([{ id: 'A.uk', names: ['A'] }], hourlyProgrammes(['A.uk'], 2));
      for (const path of ['/missed', '/fresh', '/disabled']) server.route(path, { body: doc });
      const first = await startGuideApp();
      const guides = first.guides;
      const missed = guides.create({ name: 'missed', url: `${server.url}/missed` }).id;
      const fresh = guides.create({ name: 'fresh', url: `${server.url}/fresh` }).id;
      const disabled = guides.create({ name: 'disabled', url: `${server.url}/disabled`, enabled: false }).id;
      const dayAgo = Date.now() - 26 * 3_600_000;
      first.db
        .prepare('UPDATE xmltv_sources SET created_at = ?, last_refresh_at = ? WHERE id IN (?, ?)')
        .run(dayAgo, dayAgo, missed, disabled);
      first.db
        .prepare('UPDATE xmltv_sources SET created_at = ?, last_refresh_at = ? WHERE id = ?')
        .run(dayAgo, Date.now(), fresh);
      const dataDir = first.t.dataDir;
      await first.close({ keepDataDir: true });
      expect(server.requests).toEqual([]);

      t = await startGuideApp({ dataDir });
      const restarted = t.guides;
      while (restarted.get(missed).programmes === 0 && restarted.get(missed).lastError === null)
        await new Promise((r) => setTimeout(r, 20));
      expect(restarted.get(missed)).toMatchObject({ programmes: 2, lastError: null });
      expect(server.requests).toEqual(['/missed']);
      expect(t.events('guide')[0]).toMatchObject({ message: 'Guide "missed" imported: 1 channel, 2 programmes' });
    } finally {
      await server.close();
    }
  });
});
