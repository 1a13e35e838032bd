/** What the first-run wizard knows about the server, each from one query (undefined while loading). */
export interface SetupState {
  passwordSet?: boolean;
  accounts?: number;
  scannedChannels?: number;
  guideSources?: number;
  importedSources?: number;
  matchedChannels?: number;
  enabledChannels?: number;
  plexFetchedLineup?: boolean;
}

export const setupSteps = ['password', 'account', 'scan', 'guide', 'import', 'matching', 'enable', 'plex'] as const;
export type SetupStep = (typeof setupSteps)[number];

/** Which steps the server state says are done. */
export function doneSteps(s: SetupState): Record<SetupStep, boolean> {
  return {
    password: s.passwordSet === true,
    account: (s.accounts ?? 0) > 0,
    scan: (s.scannedChannels ?? 0) > 0,
    guide: (s.guideSources ?? 0) > 0,
    import: (s.importedSources ?? 0) > 0,
    matching: (s.matchedChannels ?? 0) > 0,
    enable: (s.enabledChannels ?? 0) > 0,
    plex: s.plexFetchedLineup === true,
  };
}

/** Where a returning user resumes: the first step not done (the last one when all are). */
export function firstOpenStep(s: SetupState): number {
  const done = doneSteps(s);
  const index = setupSteps.findIndex((step) => !done[step]);
  return index === -1 ? setupSteps.length - 1 : index;
}

/** A progress event's share done, 0-100, or undefined when it has no measure (show an indeterminate bar). */
export function progressPercent(
  p: { percent?: number; done?: number; total?: number } | undefined,
): number | undefined {
  if (!p) return undefined;
  if (typeof p.percent === 'number' && Number.isFinite(p.percent)) return clamp(p.percent);
  if (typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0) return clamp((p.done / p.total) * 100);
  return undefined;
}

function clamp(n: number): number {
  return Math.max(0, Math.min(100, Math.round(n)));
}

/** The latest scan time per account, from `scan` events (newest first, as the events API lists them). */
export function lastScans(
  events: { createdAt: string; category: string; level: string; details: Record<string, unknown> | null }[],
): Map<number, string> {
  const result = new Map<number, string>();
  for (const event of events) {
    if (event.category !== 'scan' || event.level !== 'info') continue;
    const id = event.details?.accountId;
    if (typeof id === 'number' && !result.has(id)) result.set(id, event.createdAt);
  }
  return result;
}
