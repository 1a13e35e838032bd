import { Badge } from '@mantine/core';
import type { MatchStatus, Tier } from '../../api/types';
import { tierColor } from '../../lib/tiers';

/** A stream tier (4K / FHD / HD / SD) as a coloured badge. */
export function TierBadge({ tier }: { tier: Tier }) {
  return (
    <Badge color={tierColor(tier)} variant="light" size="sm" radius="sm" miw="fit-content" style={{ flexShrink: 0 }}>
      {tier === 'unknown' ? '?' : tier}
    </Badge>
  );
}

const statusColor: Record<MatchStatus, string> = { matched: 'green', unmatched: 'gray', lost: 'red' };

/** matched / unmatched / lost, as the API reports it. */
export function StatusBadge({ status }: { status: MatchStatus }) {
  return (
    <Badge color={statusColor[status]} variant="dot" size="sm">
      {status}
    </Badge>
  );
}

/** A match confidence (0..1) as a percentage. */
export function confidenceText(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
