import { describe, expect, it } from 'vitest';
import { detectTier, isSeparatorName, stripTierMarkers, type Tier } from '../../src/core/index.js';

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
  ['★★★ DE 4K ★★★', 'unknown'],
  ['##### UK HD #####', 'unknown'],
  ['--- 4K ---', 'unknown'],
  ['== UHD ==', 'unknown'],
  // A trailing decoration is no separator
  ['BBC ONE HD ***', 'HD'],
  ['DE: Das Erste 4K', '4K'],
];

describe('detectTier', () => {
  it.each(cases)('%j → %s', (name, tier) => {
    expect(detectTier(name)).toBe(tier);
  });
});

// [name as a provider lists it, whether it is a category header row rather than a channel]
const separatorCases: [string, boolean][] = [
  // Nothing but decoration, or nothing at all
  ['', true],
  ['   ', true],
  ['#####', true],
  ['-----', true],
  ['|||||', true],
  ['=====', true],
  ['★★★', true],
  // A label after an opening run of decoration, closed by one or not
  ['##### UK #####', true],
  ['##### UK SPORTS #####', true],
  ['##### UK HD #####', true],
  ['##### 4K #####', true],
  ['--- 4K ---', true],
  ['---- FR ----', true],
  ['== SPORTS ==', true],
  ['===== NEWS =====', true],
  ['===== DE =====', true],
  ['★★★ USA ★★★', true],
  ['★★★ US GENERAL ★★★', true],
  ['★★★ UK HD ★★★', true],
  ['★★★ DE 4K ★★★', true],
  ['▬▬▬ NEWS ▬▬▬', true],
  ['━━━ CINEMA ━━━', true],
  ['►► KIDS ◄◄', true],
  ['- - - KIDS - - -', true],
  [' ##### UK ENTERTAINMENT #####', true],
  ['#### ADULT', true],
  // Channels: punctuation, country prefixes, one decoration character, a trailing run
  ['BBC ONE ***', false],
  ['Sky Cinema ★★★', false],
  ['UK: BBC One', false],
  ['UK | BBC One HD', false],
  ['UK | 4K | Sky Sports', false],
  ['|US| Documentary+', false],
  ['[FHD] RTL', false],
  ['(HD) BBC Two', false],
  ['#1 Music', false],
  ['#1 Hits', false],
  ['★ Star Channel', false],
  ['-Sky News', false],
  ['Sky Sports F1 - HD', false],
  ['A-Z News', false],
  ['HI-YAH!', false],
  ['UK - E4 +1', false],
  ['Public Senat 24/24', false],
  ['🇬🇧 BBC One', false],
];

describe('isSeparatorName', () => {
  it.each(separatorCases)('%j → %s', (name, separator) => {
    expect(isSeparatorName(name)).toBe(separator);
  });

  it('gives a separator no tier, whatever marker its label has', () => {
    for (const [name] of separatorCases.filter(([, separator]) => separator))
      expect(detectTier(name), name).toBe('unknown');
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
