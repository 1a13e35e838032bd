import { describe, expect, it } from 'vitest';
import { detectTier, stripTierMarkers, type Tier } from '../../src/core/index.js';

// [stream name as a provider sends it, tier it implies]
const cases: [string, Tier][] = [
  // 4K
  ['UK: Sky Cinema 4K', '4K'],
  ['US: ESPN UHD', '4K'],
  ['Nature 2160p', '4K'],
  ['uhd', '4K'],
  ['UK | 4K | Sky Sports', '4K'],
  ['4K-Kanal', '4K'],
  // FHD
  ['DE: Das Erste FHD', 'FHD'],
  ['Eurosport 1080p', 'FHD'],
  ['Eurosport 1080P', 'FHD'],
  ['BBC One 1080i', 'FHD'],
  ['Canal+ Full HD', 'FHD'],
  ['FR: TF1 FHD HEVC', 'FHD'],
  ['[FHD] RTL', 'FHD'],
  // HD
  ['UK: BBC One HD', 'HD'],
  ['ITV 720p', 'HD'],
  ['BBC Two (HD)', 'HD'],
  ['(HD) BBC Two', 'HD'],
  ['HD | BBC Two', 'HD'],
  ['Shadowhunters HD', 'HD'],
  // SD
  ['UK: BBC One SD', 'SD'],
  ['Dave 480p', 'SD'],
  ['Rai 1 576p', 'SD'],
  ['Rai 1 576i', 'SD'],
  // Decorative superscripts, also glued to the name
  ['Sky Sports ᴴᴰ', 'HD'],
  ['Sky Sportsᴴᴰ', 'HD'],
  ['Sky Sports ᵁᴴᴰ', '4K'],
  ['Sky Sports ᵁᴴᴰ ᴿᴬᵂ', '4K'],
  ['Sky Sports ᶠᴴᴰ', 'FHD'],
  ['Sky Sports ˢᴰ', 'SD'],
  // Other resolutions by line count
  ['Local (360p)', 'SD'],
  ['Local (1440p)', 'FHD'],
  // The right-most marker wins
  ['BBC One SD FHD', 'FHD'],
  // No marker
  ['BBC One', 'unknown'],
  ['', 'unknown'],
  // Words that merely contain the letters
  ['HDNet Movies', 'unknown'],
  ['Shadow', 'unknown'],
  ['SDTV', 'unknown'],
  ['4Kids TV', 'unknown'],
  ['Movies HDR', 'unknown'],
  ['HEVC', 'unknown'],
  // Category separator rows are no stream
  ['★★★ UK HD ★★★', 'unknown'],
  ['##### 4K #####', 'unknown'],
];

describe('detectTier', () => {
  it.each(cases)('%j → %s', (name, tier) => {
    expect(detectTier(name)).toBe(tier);
  });
});

describe('stripTierMarkers', () => {
  it.each([
    ['UK: BBC One ᶠᴴᴰ ᴿᴬᵂ', 'UK: BBC One'],
    ['FR: TF1 FHD HEVC', 'FR: TF1'],
    ['BBC Two (HD)', 'BBC Two'],
    ['HDNet Movies', 'HDNet Movies'],
  ])('%j → %j', (name, stripped) => {
    expect(stripTierMarkers(name)).toBe(stripped);
  });
});
