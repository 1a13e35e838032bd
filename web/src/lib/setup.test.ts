import { describe, expect, it } from 'vitest';
import { doneSteps, firstOpenStep, lastScans, progressPercent } from './setup';

describe('setup steps', () => {
  it('nothing is done on a fresh server', () => {
    const done = doneSteps({});
    expect(Object.values(done).every((d) => !d)).toBe(true);
    expect(firstOpenStep({})).toBe(0);
  });
  it('resumes at the first open step', () => {
    expect(firstOpenStep({ passwordSet: true, accounts: 1 })).toBe(2);
    expect(firstOpenStep({ passwordSet: true, accounts: 1, scannedChannels: 10, guideSources: 1 })).toBe(4);
    // A later step done does not skip an earlier open one.
    expect(firstOpenStep({ passwordSet: true, accounts: 0, guideSources: 1 })).toBe(1);
  });
  it('stays on the last step when all are done', () => {
    const all = {
      passwordSet: true,
      accounts: 1,
      scannedChannels: 3,
      guideSources: 1,
      importedSources: 1,
      matchedChannels: 2,
      enabledChannels: 2,
      plexFetchedLineup: true,
    };
    expect(Object.values(doneSteps(all)).every(Boolean)).toBe(true);
    expect(firstOpenStep(all)).toBe(7);
  });
});

describe('progressPercent', () => {
  it('uses percent, else done/total, else nothing', () => {
    expect(progressPercent(undefined)).toBeUndefined();
    expect(progressPercent({ percent: 42.4 })).toBe(42);
    expect(progressPercent({ done: 1, total: 4 })).toBe(25);
    expect(progressPercent({ done: 5, total: 0 })).toBeUndefined();
    expect(progressPercent({ percent: 130 })).toBe(100);
  });
});

describe('lastScans', () => {
  it('keeps the newest successful scan per account', () => {
    const scans = lastScans([
      { createdAt: '2026-01-03', category: 'scan', level: 'warn', details: { accountId: 1 } },
      { createdAt: '2026-01-02', category: 'scan', level: 'info', details: { accountId: 1 } },
      { createdAt: '2026-01-01', category: 'scan', level: 'info', details: { accountId: 1 } },
      { createdAt: '2026-01-01', category: 'account', level: 'info', details: { accountId: 2 } },
      { createdAt: '2025-12-31', category: 'scan', level: 'info', details: { accountId: 3 } },
    ]);
    expect([...scans.entries()]).toEqual([
      [1, '2026-01-02'],
      [3, '2025-12-31'],
    ]);
  });
});
