import { tierRank, type Tier } from '../core/index.js';

/** One provider stream id of a provider channel, with the quality tier read from its name. */
export interface TierVariant {
  streamId: number;
  tier: Tier;
}

// A stream with no tier marker is usually the plain SD feed, so it ranks as SD when choosing.
const choiceRank = (tier: Tier): number => (tier === 'unknown' ? tierRank.SD : tierRank[tier]);

/**
 * The variants best first: 4K > FHD > HD > SD (unknown counts as SD; an explicit SD wins a tie
 * with an unknown one), then by provider stream id so the choice is stable. The first is the one
 * to play; the rest are the order a later failover tries.
 */
export function rankVariants<T extends TierVariant>(variants: readonly T[]): T[] {
  return [...variants].sort(
    (a, b) => choiceRank(b.tier) - choiceRank(a.tier) || tierRank[b.tier] - tierRank[a.tier] || a.streamId - b.streamId,
  );
}

/** The best variant to stream, or undefined for an empty list. */
export function selectTier<T extends TierVariant>(variants: readonly T[]): T | undefined {
  return rankVariants(variants)[0];
}
