import { describe, expect, it } from 'vitest';
import { rankVariants, selectTier } from '../../src/lineup/index.js';

describe('tier selection', () => {
  it('prefers 4K over FHD over HD over SD, whatever the order given', () => {
    const chosen = selectTier([
      { streamId: 1, tier: 'SD' },
      { streamId: 2, tier: 'HD' },
      { streamId: 3, tier: '4K' },
      { streamId: 4, tier: 'FHD' },
    ]);
    expect(chosen).toEqual({ streamId: 3, tier: '4K' });
  });

  it('prefers FHD over HD when there is no 4K', () => {
    expect(
      selectTier([
        { streamId: 7, tier: 'HD' },
        { streamId: 8, tier: 'FHD' },
      ])?.streamId,
    ).toBe(8);
  });

  it('treats a stream without a tier marker as SD: below HD, explicit SD first on a tie', () => {
    expect(
      selectTier([
        { streamId: 5, tier: 'unknown' },
        { streamId: 6, tier: 'HD' },
      ])?.streamId,
    ).toBe(6);
    expect(
      selectTier([
        { streamId: 5, tier: 'unknown' },
        { streamId: 9, tier: 'SD' },
      ])?.streamId,
    ).toBe(9);
    expect(selectTier([{ streamId: 5, tier: 'unknown' }])?.streamId).toBe(5);
  });

  it('orders the remaining variants for failover, equal tiers by stream id, and returns undefined for none', () => {
    const ranked = rankVariants([
      { streamId: 30, tier: 'HD' },
      { streamId: 10, tier: 'SD' },
      { streamId: 20, tier: 'HD' },
    ]);
    expect(ranked.map((v) => v.streamId)).toEqual([20, 30, 10]);
    expect(selectTier([])).toBeUndefined();
  });
});
