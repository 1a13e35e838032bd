import type { StreamCandidate } from '../lineup/index.js';

/**
 * The order a channel's candidates are tried in. The lineup ranks them (primary mapping's
 * variants best tier first, then the other mappings'); this adds what the stream engine learnt:
 * the candidate that last worked for the channel goes first for a few minutes (a re-tune after a
 * failover must not start with the dead primary again), and a candidate that just failed cools
 * down before it is tried again. The memory holds only while the lineup's own first choice is the
 * one it was when the candidate worked: a new primary chosen by the user plays on the next tune.
 */

// Long enough for a viewer's re-tune after a failover; then the primary gets its chance again.
const rememberMs = 5 * 60_000;
// A stream that failed is usually still dead a few seconds later; a minute later it may be back.
const coolDownMs = 60_000;

/** A candidate's identity: provider streams are unique per account. */
export function candidateKey(candidate: Pick<StreamCandidate, 'accountId' | 'streamId'>): string {
  return `${candidate.accountId}:${candidate.streamId}`;
}

export class CandidatePicker {
  private readonly lastGood = new Map<string, { key: string; until: number; lineupFirst: string | undefined }>();
  private readonly coolingUntil = new Map<string, number>();
  /** Per channel, the lineup's first active candidate when it was last ordered (what `remember` keys on). */
  private readonly lineupFirst = new Map<string, string | undefined>();

  constructor(private readonly now: () => number) {}

  /**
   * The active-account candidates in the order to try: the remembered one first, the cooling ones
   * last (a new tune still tries them rather than refusing), the lineup's order otherwise.
   */
  order(channelId: string, candidates: readonly StreamCandidate[]): StreamCandidate[] {
    const now = this.now();
    const active = candidates.filter((c) => c.accountActive);
    const first = active[0] && candidateKey(active[0]);
    this.lineupFirst.set(channelId, first);
    const remembered = this.lastGood.get(channelId);
    // The lineup ranks another candidate first since (the user chose another primary): it wins.
    const preferred =
      remembered && remembered.until > now && remembered.lineupFirst === first ? remembered.key : undefined;
    const cooling = (c: StreamCandidate) => (this.coolingUntil.get(candidateKey(c)) ?? 0) > now;
    return [
      ...active.filter((c) => candidateKey(c) === preferred && !cooling(c)),
      ...active.filter((c) => candidateKey(c) !== preferred && !cooling(c)),
      ...active.filter((c) => cooling(c)),
    ];
  }

  /** True while a candidate that failed is cooling down. */
  isCooling(candidate: StreamCandidate): boolean {
    return (this.coolingUntil.get(candidateKey(candidate)) ?? 0) > this.now();
  }

  /** The candidate worked for the channel: start there next time. */
  remember(channelId: string, candidate: StreamCandidate): void {
    if (candidate === undefined) return;
    this.lastGood.set(channelId, {
      key: candidateKey(candidate),
      until: this.now() + rememberMs,
      lineupFirst: this.lineupFirst.get(channelId),
    });
    this.coolingUntil.delete(candidateKey(candidate));
  }

  /** The candidate failed: try others first for a while. */
  coolDown(candidate: StreamCandidate): void {
    this.coolingUntil.set(candidateKey(candidate), this.now() + coolDownMs);
    for (const [channelId, entry] of this.lastGood)
      if (entry.key === candidateKey(candidate)) this.lastGood.delete(channelId);
  }
}
