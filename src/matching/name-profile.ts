import { countryOfWord } from './countries.js';
import { analyzeName } from './normalize.js';
import { feedWords, genericWords, numberWords, synonyms } from './vocabulary.js';

/** A name prepared for comparison: its words, the tokens that tell siblings apart, and compact keys. */
export interface NameProfile {
  /** Words (no numbers, feeds, country suffixes), in order. */
  words: string[];
  /** Sorted numbers, timeshifts and "plus" ("1", "+1"): names differing here are siblings, never the same channel. */
  marks: string;
  /** "east", "west" or "" */
  feed: string;
  /** Every kept token joined without spaces ("bbc1+1"). */
  compact: string;
  /** Every token, country and feed words too, joined ("gousatv" for "GoUSA TV" / "Go USA TV"). */
  full: string;
  /** Compact form without generic words ("drone" for "Drone TV"); empty when no letters remain. */
  core: string;
  country: string | null;
  /** The country the name belongs to (XMLTV id, prefix or trailing country word), null if unknown. */
  home: string | null;
  /** Factor on scores reached through this name (1, less for derived variants). */
  weight: number;
  /** Only an equal compact or core form counts (names derived from ids: "AMItv" splits badly). */
  exactOnly?: boolean;
  /** Cache of the core's sorted bigram codes. */
  grams?: Int32Array;
}

/**
 * Builds the comparison profile of a channel name. `home` is the country the name belongs to (an
 * XMLTV id's); by default its prefix's. `prefixed`: a provider name, which may start with a country prefix.
 */
export function profileName(name: string, home?: string | null, prefixed = true): NameProfile {
  const { country: prefixCountry, normalized } = analyzeName(name, prefixed);
  const tokens = normalized === '' ? [] : normalized.split(' ');
  // No prefix: a trailing country word ("BBC One UK", "Sky Sport Austria") says the country.
  const last = tokens.length > 1 ? countryOfWord(tokens[tokens.length - 1]!) : undefined;
  const country = prefixCountry ?? (prefixed ? (last ?? null) : null);
  const homeCountry = home ?? country ?? last ?? null;
  const words: string[] = [];
  const marks: string[] = [];
  const kept: string[] = [];
  let feed = '';
  tokens.forEach((raw, index) => {
    const token = numberWords[raw] ?? synonyms[raw] ?? raw;
    if (/^\+?\d+$/.test(token) || token === 'plus') {
      marks.push(token.replace(/^(\+?)0+(?=\d)/, '$1'));
      kept.push(token);
    } else if (feedWords[token] !== undefined && index > 0 && !/^(?:north|south)$/.test(tokens[index - 1]!)) {
      // "North East" is a region, "HBO East" a feed
      feed = feedWords[token];
    } else if (index > 0 && homeCountry !== null && countryOfWord(token) === homeCountry) {
      // dropped: the name's own country after its start ("True Crime UK", "QVC UK Beauty", but
      // "USA Today" and "Sky Sport Austria" on a German list keep theirs)
    } else {
      words.push(token);
      kept.push(token);
    }
  });
  const compact = kept.join('');
  const core = kept.filter((t) => !genericWords.has(t)).join('');
  const full = tokens.join('');
  return {
    words,
    marks: marks.sort().join(' '),
    feed,
    compact,
    full,
    core: /\p{L}/u.test(core) ? core : '',
    country,
    home: homeCountry,
    weight: 1,
  };
}
