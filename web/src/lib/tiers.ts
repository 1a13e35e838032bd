import type { Tier } from '../api/types';

/** Best first, as the server ranks them. */
export const tierOrder: readonly Tier[] = ['4K', 'FHD', 'HD', 'SD', 'unknown'];

/** The Mantine colour name of a tier's badge (a theme colour, so light/dark both work). */
export function tierColor(tier: Tier): string {
  switch (tier) {
    case '4K':
      return 'grape';
    case 'FHD':
      return 'teal';
    case 'HD':
      return 'blue';
    case 'SD':
      return 'orange';
    default:
      return 'gray';
  }
}

/** Distinct tiers, best first. */
export function sortTiers(tiers: readonly Tier[]): Tier[] {
  return tierOrder.filter((t) => tiers.includes(t));
}
