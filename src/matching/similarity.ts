import type { NameProfile } from './name-profile.js';
import { genericWords, spinOffWords } from './vocabulary.js';

// A name plus its own initials: a sure match, yet any exact one wins.
const containedScore = 0.9;
// A parent and its spin-off share every word of the parent: their overlap is discounted.
const spinOffFactor = 0.85;
// Editions ("Yu-Gi-Oh! ES") and generic-word swaps ("NFL Channel"/"NFL Network") stay just under the
// default threshold: a provider's agreeing epg_channel_id can still lift them.
const editionCap = 0.84;
const genericSwapScore = 0.84;
// A fuzzy match is never as sure as an equal name (1) or an equal core (0.96).
const fuzzyScale = 0.95;

/** Sorted character-bigram codes of a text, for a linear-time Dice coefficient. */
function bigramCodes(text: string): Int32Array {
  const codes = new Int32Array(Math.max(0, text.length - 1));
  for (let i = 0; i < codes.length; i++) codes[i] = (text.charCodeAt(i) << 16) | text.charCodeAt(i + 1);
  return codes.sort();
}

function diceOfCodes(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * shared) / (a.length + b.length);
}

/** Sørensen–Dice coefficient of character bigrams, 0..1. */
export function bigramDice(a: string, b: string): number {
  if (a === b) return a === '' ? 0 : 1;
  if (a.length < 2 || b.length < 2) return 0;
  return diceOfCodes(bigramCodes(a), bigramCodes(b));
}

// The core's bigrams, computed once per profile: a profile is compared with many names.
function coreBigrams(profile: NameProfile): Int32Array {
  profile.grams ??= bigramCodes(profile.core);
  return profile.grams;
}

function contentOf(words: readonly string[]): string {
  return words.filter((w) => !genericWords.has(w)).join('');
}

function coreDice(a: NameProfile, b: NameProfile): number {
  const la = a.core.length;
  const lb = b.core.length;
  // Dice can be at most 2·min/(sum): too different in length to ever count (≥ 0.5), skip the work.
  if (la < 2 || lb < 2 || (2 * Math.min(la, lb)) / (la + lb) < 0.5) return 0;
  // Characters only judge spelling ("viàMoselleTV" / "Moselle TV"): the words one name has and the
  // other lacks must themselves be spelled alike. A name that only adds words ("National
  // Geographic Wild") or swaps a short one ("BBC America" / "MBC America") is for the word rules.
  const onlyA = contentOf(a.words.filter((w) => !b.words.includes(w)));
  const onlyB = contentOf(b.words.filter((w) => !a.words.includes(w)));
  if (onlyA === '' || onlyB === '') return 0;
  const near = nearness(onlyA, onlyB) > 0;
  // One only extends the other ("ESPN"/"ESPNU") without being its plural or abbreviation: siblings.
  const extended = onlyA.startsWith(onlyB) || onlyB.startsWith(onlyA);
  if (!near && (extended || bigramDice(onlyA, onlyB) < 0.7)) return 0;
  return diceOfCodes(coreBigrams(a), coreBigrams(b));
}

function wordWeight(word: string): number {
  return genericWords.has(word) ? 0.3 : 1;
}

// How much two different words count as one, 0 when they do not: a plural ("sport"/"sports")
// nearly fully, an abbreviation ("disc"/"discovery") less, a typo ("evnt"/"event") least. A short
// ending that is no plural makes another channel ("ESPN"/"ESPNU", "ITV"/"ITVBe").
function nearness(a: string, b: string): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 3 && (long === `${short}s` || long === `${short}es`)) return 0.9;
  if (long.startsWith(short)) return short.length >= 4 && long.length - short.length >= 3 ? 0.8 : 0;
  // Typos keep the first letter and the length; checking that first saves most Dice computations.
  if (short.length < 4 || a[0] !== b[0] || long.length - short.length > 2) return 0;
  return withinOneEdit(a, b) || (short.length >= 5 && bigramDice(a, b) >= 0.75) ? 0.75 : 0;
}

/** True when one insertion, deletion or substitution turns a into b ("evnt" / "event"). */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length < b.length ? a.slice(i) === b.slice(i + 1) : a.slice(i + 1) === b.slice(i);
}

interface WordOverlap {
  /** Weighted Dice over words: exact words count fully, near words by their nearness, generic words little. */
  dice: number;
  /** Words of the shorter side matched only approximately (abbreviation, typo, acronym). */
  approximate: number;
  /** The words of the side with fewer words that found no partner. */
  missing: number;
  /** Extra words of the longer side. */
  extra: string[];
}

// "tg" for "toon goggles", "rb" for "red button": initials of consecutive words of the other name.
function acronymAt(acronym: string, words: readonly string[], used: boolean[]): number {
  // "TV" is a word of its own, not "Toulon Var".
  if (acronym.length < 2 || acronym.length > 5 || genericWords.has(acronym)) return -1;
  for (let start = 0; start + acronym.length <= words.length; start++) {
    let ok = true;
    for (let k = 0; k < acronym.length && ok; k++) ok = !used[start + k] && words[start + k]![0] === acronym[k];
    if (ok) return start;
  }
  return -1;
}

function overlapWords(shortSide: readonly string[], longSide: readonly string[]): WordOverlap {
  const total = shortSide.reduce((s, w) => s + wordWeight(w), 0) + longSide.reduce((s, w) => s + wordWeight(w), 0);
  const used = longSide.map(() => false);
  let shared = 0;
  const pending: string[] = [];
  for (const word of shortSide) {
    const at = longSide.findIndex((other, i) => !used[i] && other === word);
    if (at >= 0) {
      shared += 2 * wordWeight(word);
      used[at] = true;
    } else pending.push(word);
  }
  let missing = 0;
  let approximate = 0;
  for (const word of pending) {
    const at = longSide.findIndex((other, i) => !used[i] && nearness(word, other) > 0);
    if (at >= 0) {
      shared += nearness(word, longSide[at]!) * (wordWeight(word) + wordWeight(longSide[at]!));
      used[at] = true;
      approximate++;
      continue;
    }
    const start = acronymAt(word, longSide, used);
    if (start >= 0) {
      let weight = wordWeight(word);
      for (let k = 0; k < word.length; k++) {
        used[start + k] = true;
        weight += wordWeight(longSide[start + k]!);
      }
      shared += 0.8 * weight;
      approximate++;
      continue;
    }
    missing++;
  }
  return { dice: total === 0 ? 0 : shared / total, approximate, missing, extra: longSide.filter((_, i) => !used[i]) };
}

// "JLTV" for "Jewish Life Television", "CFN" for "Catholic Faith Network": a name followed by its
// own initials ("Television" may give "TV").
function isInitialsOf(word: string, words: readonly string[]): boolean {
  if (word.length < 2 || word.length > words.length + 1) return false;
  const plain = words.map((w) => w[0]).join('');
  const withTv = words.map((w) => (w === 'tv' ? 'tv' : w[0])).join('');
  const content = words
    .filter((w) => !genericWords.has(w))
    .map((w) => w[0])
    .join('');
  return word === plain || word === withTv || word === content;
}

/** Similarity of two word lists, 0..1, from their weighted overlap and whether one contains the other. */
export function compareWords(a: readonly string[], b: readonly string[]): number {
  const [shortSide, longSide] = a.length <= b.length ? [a, b] : [b, a];
  const overlap = overlapWords(shortSide, longSide);
  if (overlap.missing > 0) return overlap.dice;
  // A spin-off shares every word of its parent, so word overlap alone would rate it high.
  if (overlap.extra.some((w) => spinOffWords.has(w))) return overlap.dice * spinOffFactor;
  // One name inside the other is otherwise only as good as its overlap: the extra words may be a
  // region ("NBC Sports" / "NBC Sports Boston"), a language or an edition. Only the name's own
  // initials added to it ("Catholic Faith Network" / "CFN Catholic Faith Network") keep it whole.
  const contained =
    overlap.approximate === 0 &&
    overlap.extra.length > 0 &&
    shortSide.filter((w) => wordWeight(w) === 1).length >= 2 &&
    overlap.extra.every((w) => isInitialsOf(w, shortSide));
  if (contained) return Math.max(overlap.dice, containedScore);
  // Otherwise a longer name that only adds a real word is another edition of it ("Yu-Gi-Oh! ES",
  // "Antiques Roadshow UK"): kept under the threshold, however long the shared part.
  // Words added in front are more often a brand ("BBC Doctor Who Classic", "PBS Antiques Road Trip").
  const firstShared = longSide.findIndex((w) => shortSide.includes(w));
  const trailing = longSide.slice(firstShared + 1).filter((w) => overlap.extra.includes(w) && !genericWords.has(w));
  return trailing.length > 0 ? Math.min(overlap.dice, editionCap) : overlap.dice;
}

// "NFL Channel" / "NFL Network": same core, but one generic word replaced by another is a different
// name, while "Drone" / "Drone TV" only adds one.
function swapsGenericWord(a: NameProfile, b: NameProfile): boolean {
  const onlyA = a.words.filter((w) => genericWords.has(w) && !b.words.includes(w));
  const onlyB = b.words.filter((w) => genericWords.has(w) && !a.words.includes(w));
  return onlyA.length > 0 && onlyB.length > 0;
}

/** Overall closeness of two names' characters, 0..1: breaks ties between equally scored candidates. */
export function closeness(a: NameProfile, b: NameProfile): number {
  return bigramDice(a.full, b.full);
}

/** Similarity of two profiled names, 0..1; 0 when they are siblings (numbers, timeshift or feed differ). */
export function compareNames(epg: NameProfile, provider: NameProfile): number {
  if (epg.marks !== provider.marks) return 0;
  if (epg.feed !== '' && provider.feed !== '' && epg.feed !== provider.feed) return 0;
  if (epg.compact === '' || provider.compact === '') return 0;
  // A feed named on one side only: the East feed is the main one; a West (Pacific) feed is
  // another channel than the unnamed one (it runs three hours later).
  // That holds for North American networks; elsewhere "East" is a region ("BBC One East").
  const eastIsMain = epg.home === null || epg.home === 'us' || epg.home === 'ca';
  const feedFactor =
    epg.feed === provider.feed ? 1 : epg.feed === 'west' || provider.feed === 'west' || !eastIsMain ? 0.8 : 0.97;
  let score: number;
  if (epg.compact === provider.compact || epg.full === provider.full) score = 1;
  else if (epg.core !== '' && epg.core === provider.core)
    score = swapsGenericWord(epg, provider) ? genericSwapScore : 0.96;
  else if (epg.exactOnly || provider.exactOnly) score = 0;
  else score = fuzzyScale * Math.max(compareWords(epg.words, provider.words), coreDice(epg, provider));
  return score * feedFactor;
}
