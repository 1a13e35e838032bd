/**
 * Quality tiers of provider streams, read from their names. Providers sell one channel as
 * several streams ("UK: BBC One SD", "UK: BBC One HD", "UK: BBC One 4K"); the tier says which
 * is which, and the name without its markers says they are one channel.
 */
export type Tier = '4K' | 'FHD' | 'HD' | 'SD' | 'unknown';

export const tiers: readonly Tier[] = ['4K', 'FHD', 'HD', 'SD', 'unknown'];

/** Higher is better; unknown counts as SD when choosing (a stream with no marker is usually SD). */
export const tierRank: Record<Tier, number> = { '4K': 4, FHD: 3, HD: 2, SD: 1, unknown: 0 };

// ASCII markers need word boundaries ("HDNet" is a name, not a tier); the decorative superscripts
// providers use (ᴴᴰ, ᶠᴴᴰ, ᵁᴴᴰ, ᴿᴬᵂ) are unambiguous and often glued to other text.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';
const tierPatterns: [Tier, string][] = [
  ['4K', `${B}(?:4k|uhd|2160[pi])${E}|ᵁᴴᴰ|ᵘʰᵈ`],
  ['FHD', `${B}(?:fhd|full[ -]?hd|1080[pi])${E}|ᶠᴴᴰ|ᶠʰᵈ`],
  ['HD', `${B}(?:hd|720[pi])${E}|ᴴᴰ|ʰᵈ`],
  ['SD', `${B}(?:sd|576[pi]|480[pi])${E}|ˢᴰ|ˢᵈ`],
];
// Any other "(NNNp)" resolution, e.g. "(360p)", "(1280P)": classified by its line count.
const resolution = `${B}(\\d{3,4})[pi]${E}`;
const anyTier = new RegExp([...tierPatterns.map(([, p]) => `(${p})`), resolution].join('|'), 'giu');

function tierOfResolution(lines: number): Tier {
  if (lines >= 2160) return '4K';
  if (lines >= 1080) return 'FHD';
  if (lines >= 720) return 'HD';
  return 'SD';
}

// Markers that describe the encoding, not the channel; removed with the tier markers.
const encodingMarkers = new RegExp(
  `${B}(?:hevc|h\\.?26[45]|x26[45]|raw|50\\s?fps|60\\s?fps|hdr|hdr10|sdr|vip)${E}|ᴿᴬᵂ|ᴴᴱⱽᶜ`,
  'giu',
);

// The characters panels draw category header rows with: "##### UK #####", "--- 4K ---",
// "== SPORTS ==", "★★★ USA ★★★", "▬▬▬ NEWS ▬▬▬", "►► KIDS ◄◄".
const decoration = '#*=~_★☆✦✪✯◆◇■□▬▀▄█─━═►◄▶◀•●○◉♦♠♣♥|<>\\-—–';
// Panels open a header row with a run of decoration and often close it with one; a run at the
// end alone is how some mark a channel ("BBC ONE ***": new, VIP), so only the opening run counts.
// Two characters make a run ("== SPORTS =="); spaces may sit between them ("- - - KIDS - - -").
// One is not: "#1 Music", "|US| Documentary+", "-Sky News" are channels.
const openingRun = new RegExp(`^\\s*[${decoration}]\\s*[${decoration}]`, 'u');

/**
 * True for a category header row, which is no channel and no stream: nothing but decoration
 * ("#####", "-----", "") or a label after an opening run of it ("##### UK #####", "--- 4K ---").
 */
export function isSeparatorName(name: string): boolean {
  return !/[\p{L}\p{N}]/u.test(name) || openingRun.test(name);
}

/** The tier a stream name implies; the right-most marker wins ("SD FHD" → FHD); none, or a separator row → unknown. */
export function detectTier(name: string): Tier {
  if (isSeparatorName(name)) return 'unknown';
  let found: Tier = 'unknown';
  for (const match of name.matchAll(anyTier)) {
    const group = match.slice(1).findIndex((g) => g !== undefined);
    if (group === tierPatterns.length) found = tierOfResolution(Number(match[group + 1]));
    else if (group >= 0) found = tierPatterns[group]![0];
  }
  return found;
}

/** The name with tier and encoding markers removed, e.g. "UK: BBC One ᶠᴴᴰ ᴿᴬᵂ" → "UK: BBC One". */
export function stripTierMarkers(name: string): string {
  return name
    .replace(anyTier, ' ')
    .replace(encodingMarkers, ' ')
    .replace(/[([{]\s*[)\]}]/g, ' ') // "(720p)" leaves "()"
    .replace(/\s+/g, ' ')
    .replace(/[\s\-|:/]+$/, '')
    .trim();
}

/** Key that groups a provider's tier variants: marker-free name, case and accents folded. */
export function tierGroupKey(name: string): string {
  return stripTierMarkers(name).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The best tier of a list, best first by `tierRank`; an empty list gives 'unknown'. */
export function bestTier(list: readonly Tier[]): Tier {
  return list.reduce<Tier>((best, t) => (tierRank[t] > tierRank[best] ? t : best), 'unknown');
}

/** Sorts tiers best first (4K, FHD, HD, SD, unknown). */
export function sortTiers(list: readonly Tier[]): Tier[] {
  return [...list].sort((a, b) => tierRank[b] - tierRank[a]);
}

/** Parses a stored/qualities value into known tiers; anything unrecognised is dropped. */
export function parseTiers(value: unknown): Tier[] {
  return Array.isArray(value)
    ? value.filter((t): t is Tier => typeof t === 'string' && (tiers as string[]).includes(t))
    : [];
}
