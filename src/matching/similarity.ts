import { analyzeName } from './normalize.js';

// Words that name a quality of most channels, not which channel: they count little.
const genericWords = new Set(['tv', 'channel', 'network', 'television', 'the', 'and', 'de', 'la', 'le', 'les', 'der', 'die', 'das', 'of', 'fernsehen']);
// Country words providers append ("True Crime UK", "MBC 1 USA", "QVC Style Germany"); the prefix and
// the XMLTV id already carry the country, so they are dropped unless they start the name ("USA Today").
const countryWords = new Set(['uk', 'us', 'usa', 'gb', 'germany', 'deutschland', 'france', 'canada', 'ca', 'de', 'fr']);
const numberWords: Record<string, string> = { one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10' };
// Feeds of one network that are different channels: "HBO East" ≠ "HBO West" (Pacific is the West feed).
const feedWords: Record<string, string> = { east: 'east', eastern: 'east', west: 'west', western: 'west', pacific: 'west' };

/** A name prepared for comparison: its words, the tokens that tell siblings apart, and compact keys. */
export interface NameProfile {
  /** Words (no numbers, feeds, country suffixes), in order. */
  words: string[];
  /** Sorted numbers and timeshifts ("1", "+1"): names differing here are siblings, never the same channel. */
  marks: string;
  /** "east", "west" or "" */
  feed: string;
  /** Every kept token joined without spaces ("bbcone+1"). */
  compact: string;
  /** Compact form without generic words ("drone" for "Drone TV"). */
  core: string;
  country: string | null;
  /** Factor on scores reached through this name (1, less for derived variants). */
  weight: number;
}

/** Builds the comparison profile of a channel name. */
export function profileName(name: string): NameProfile {
  const { country, normalized } = analyzeName(name);
  const tokens = normalized === '' ? [] : normalized.split(' ');
  const words: string[] = [];
  const marks: string[] = [];
  const kept: string[] = [];
  let feed = '';
  tokens.forEach((raw, index) => {
    const token = numberWords[raw] ?? raw;
    if (/^\+?\d+$/.test(token)) {
      marks.push(token.replace(/^(\+?)0+(?=\d)/, '$1'));
      kept.push(token);
    } else if (feedWords[token] !== undefined && index > 0) {
      feed = feedWords[token];
    } else if (countryWords.has(token) && index > 0 && index === tokens.length - 1) {
      // dropped: a trailing country word
    } else {
      words.push(token);
      kept.push(token);
    }
  });
  const compact = kept.join('');
  const core = kept.filter((t) => !genericWords.has(t)).join('');
  return { words, marks: marks.sort().join(' '), feed, compact, core: core === '' ? compact : core, country, weight: 1 };
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen–Dice coefficient of character bigrams, 0..1. */
export function bigramDice(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const ga = bigrams(a);
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const gram = b.slice(i, i + 2);
    const count = ga.get(gram) ?? 0;
    if (count > 0) {
      shared++;
      ga.set(gram, count - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

function wordWeight(word: string): number {
  return genericWords.has(word) ? 0.3 : 1;
}

// Two words are near when one abbreviates the other ("disc"/"discovery") or a typo apart.
function nearWords(a: string, b: string): boolean {
  if (a.length >= 3 && b.length >= 3 && (a.startsWith(b) || b.startsWith(a))) return true;
  return a.length >= 5 && b.length >= 5 && bigramDice(a, b) >= 0.75;
}

/** Weighted Dice over words: exact words count fully, near words 0.8, generic words little. */
export function wordDice(a: readonly string[], b: readonly string[]): number {
  const total = a.reduce((s, w) => s + wordWeight(w), 0) + b.reduce((s, w) => s + wordWeight(w), 0);
  if (total === 0) return 0;
  const unused = [...b];
  let shared = 0;
  const pending: string[] = [];
  for (const word of a) {
    const at = unused.indexOf(word);
    if (at >= 0) {
      shared += 2 * wordWeight(word);
      unused.splice(at, 1);
    } else pending.push(word);
  }
  for (const word of pending) {
    const at = unused.findIndex((other) => nearWords(word, other));
    if (at >= 0) {
      shared += 0.8 * (wordWeight(word) + wordWeight(unused[at]!));
      unused.splice(at, 1);
    }
  }
  return shared / total;
}

/** Similarity of two profiled names, 0..1; 0 when they are siblings (numbers, timeshift or feed differ). */
export function compareNames(epg: NameProfile, provider: NameProfile): number {
  if (epg.marks !== provider.marks) return 0;
  if (epg.feed !== '' && provider.feed !== '' && epg.feed !== provider.feed) return 0;
  if (epg.compact === '' || provider.compact === '') return 0;
  // A feed named on one side only: likely the same channel, but a feed-exact candidate should win.
  const feedFactor = epg.feed === provider.feed ? 1 : epg.feed === 'east' || provider.feed === 'east' ? 0.97 : 0.92;
  let score: number;
  if (epg.compact === provider.compact) score = 1;
  else if (epg.core === provider.core) score = 0.96;
  else score = Math.min(0.95, Math.max(wordDice(epg.words, provider.words), bigramDice(epg.core, provider.core)));
  return score * feedFactor;
}
