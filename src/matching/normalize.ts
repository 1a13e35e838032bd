import { stripTierMarkers } from '../core/index.js';
import { countryOfCode, countryOfFlag } from './countries.js';

// A country prefix needs a separator or brackets: "UK: ", "|UK| ", "[UK] ", "UK - ", "USA | ".
// "USA Today" or "ABC News" have none and keep their first word.
const prefixPattern =
  /^\s*(?:[|[(┃│]\s*([A-Za-z]{2,4}(?:[-/][A-Za-z]{2,4})?)\s*[|\])┃│]\s*[:\-|]?|([A-Za-z]{2,4}(?:[-/][A-Za-z]{2,4})?)\s*(?::|\||[┃│▎▏»•➤►▶]|\s-\s|\s–\s))\s*/u;
// Only the forms no broadcaster's own name uses ("UK: ", "|UK| ", "[UK] "), for EPG names.
const strictPrefixPattern = /^\s*(?:[|[]\s*([A-Za-z]{2,4})\s*[|\]]\s*:?|([A-Za-z]{2,4})\s*(?::|\|))\s*/u;
const flag = /^\s*[\u{1F1E6}-\u{1F1FF}]{2}\s*[:\-|]?\s*/u;

/**
 * Splits a leading country prefix off a provider name: "UK: BBC One" → { country: 'uk', rest: 'BBC One' }.
 * `strict`: only bracketed, colon or pipe prefixes (for EPG names, where "BR - Süd" is a name).
 */
export function splitCountryPrefix(name: string, strict = false): { country: string | null; rest: string } {
  let country = countryOfFlag(name);
  let rest = country === null ? name : name.replace(flag, '');
  // Providers sometimes stack prefixes ("|UK| UK: ..."); take at most two.
  for (let i = 0; i < 2; i++) {
    const pattern = strict ? strictPrefixPattern : prefixPattern;
    // A tier marker stripped off the front may leave its separator ("HD | UK: BBC One" → "| UK: …").
    const match = pattern.exec(rest) ?? (strict ? null : pattern.exec(rest.replace(/^[\s|:\-–]+/, '')));
    if (!match) break;
    if (match.input !== rest) rest = match.input;
    const code = countryOfCode(match[1] ?? match[2] ?? '');
    if (code === undefined) break;
    country ??= code === '' ? null : code;
    rest = rest.slice(match[0].length);
  }
  return { country, rest };
}

// Markers that say nothing about which channel it is; removed like the tier markers.
const extraMarkers =
  /(?<![\p{L}\p{N}])(?:hdtv|backup|multi[- ]?audio|live|not 24\/7|24\/7|geo[- ]?blocked)(?![\p{L}\p{N}])|ᴸᴵⱽᴱ|ᴴᴰᴿ/giu;
const foldMap: Record<string, string> = { ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', đ: 'd', ł: 'l', þ: 'th' };

/** Lower-case, accent-free, punctuation-free text, with "+1" kept as a token and "+" alone as "plus". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæøœđłþ]/g, (c) => foldMap[c] ?? c)
    .replace(/&/g, ' and ')
    .replace(/\+\s*(\d{1,2})(?!\d)/g, ' \uE000$1 ') // timeshift "+1", "+ 2": a channel of its own
    .replace(/\+/g, ' plus ') // "Canal+", "Documentary+"
    .replace(/['’`´]/g, '') // "America's" → "americas"
    .replace(/(\p{L})(\d)/gu, '$1 $2') // "ESPN2" → "espn 2", as "ESPN 2"
    .replace(/(\d)(\p{L})/gu, '$1 $2')
    .replace(/[^\p{L}\p{N}\uE000]+/gu, ' ')
    .replace(/\uE000/g, '+')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The parts of a provider or EPG name that matter for matching. */
export interface NameParts {
  country: string | null;
  normalized: string;
}

/** Normalises a name and keeps the country its prefix named, if any; `prefixed` false for EPG names. */
export function analyzeName(name: string, prefixed = true): NameParts {
  // EPG names rarely carry a provider prefix (a lineup channel promoted from a provider channel
  // does), and "BR - Süd" or "HR - Info" must keep their first word.
  const { country, rest } = splitCountryPrefix(stripTierMarkers(name), !prefixed);
  // Tier markers may also sit before the prefix is gone ("HD | UK: ..."), so strip once more.
  const cleaned = stripTierMarkers(rest).replace(extraMarkers, ' ');
  return { country, normalized: foldText(cleaned) };
}

/** Matching form of a channel name: no country prefix, tier or encoding markers, case, accents or punctuation. */
export function normalizeChannelName(name: string): string {
  return analyzeName(name).normalized;
}
