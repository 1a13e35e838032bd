import { bestTier, isSeparatorName, tierRank } from '../core/index.js';
import type { EpgChannelInput, MatchCandidate, MatchOptions, ProviderChannelInput } from './index.js';
import { namesStation, stationOfXmltvId, stationsInName, type Station } from './call-sign.js';
import { countryOfXmltvId } from './countries.js';
import { profileName, type NameProfile } from './name-profile.js';
import { closeness, compareNames } from './similarity.js';

const defaultThreshold = 0.85;
// A provider prefix naming another country than the XMLTV id's: the same name is most often that
// country's own edition ("US | QVC" is not "QVC Deutschland"), so it stays just under the default
// threshold and maps only with the provider's epg_channel_id agreeing.
const countryMismatchFactor = 0.84;
// Blocking: tokens on more EPG names than this are too common to narrow anything ("tv", "news").
const maxPosting = 100;
// Scored candidates per provider name, the best-sharing first: enough for every sibling and feed.
const maxCandidates = 24;

interface EpgEntry {
  channel: EpgChannelInput;
  index: number;
  country: string | null;
  station: Station | null;
  profiles: NameProfile[];
}

interface ProviderProfile {
  profiles: NameProfile[];
  stations: Station[];
  country: string | null;
}

// A name matched only after dropping its parenthesised part ("Franken Fernsehen (Nürnberg)").
// Low enough that only an exact match of the rest passes the default threshold.
const parenthesisFactor = 0.9;
// Same call sign and sub-channel: the same station, whatever the names say.
const stationScore = 0.95;

/**
 * Profiles of a name and of its variant without parenthesised parts, the latter weaker. In EPG
 * names only a call sign is dropped ("FNX (KVCR-DT2) San Bernardino"): other parentheses name the
 * edition ("Golf Channel (Latinoamérica)", "Yu-Gi-Oh! (ES)").
 */
function nameVariants(name: string, home: string | null, prefixed: boolean): NameProfile[] {
  const profiles = [profileName(name, home, prefixed)];
  const parts = prefixed ? /\([^)]*\)|\[[^\]]*\]$/g : /\((?:[KWC][A-Z]{2,4}(?:[- ]?(?:TV|DT|LD|CD)[- ]?\d?)?)\)/g;
  const bare = name.replace(parts, ' ').trim();
  if (bare !== name && bare !== '') profiles.push({ ...profileName(bare, home, prefixed), weight: parenthesisFactor });
  return profiles;
}

function blockingKeys(profile: NameProfile): string[] {
  const keys = profile.words.filter((w) => w.length >= 2).map((w) => `w:${w}`);
  if (profile.compact === '') return keys;
  keys.push(
    `c:${profile.compact.slice(0, 5)}`,
    `c:${profile.core.slice(0, 5)}`,
    `x:${profile.compact}`,
    `x:${profile.full}`,
  );
  return keys;
}

// Id-derived names split badly ("AMItv"), so only their exact forms count.
const idNameFactor = 1;
// The id without its feed ("History2LatinAmerica.us@Panregional").
// Below the threshold on purpose: feeds are often regions or timeshifts ("BBCOne.uk@Wales"), so the
// stem alone maps nothing, but it lets a provider's matching epg_channel_id count.
const idStemFactor = 0.8;
// ...unless the stem says more than the display-names ("MrBeanAnimated.uk@English" for "Mr. Bean").
const specificStemFactor = 0.9;

// "BBCOne.uk@London" → "BBC One London" (and "BBC One", weaker): the id is one more name, useful
// when EPG sites abbreviate or drop words the provider keeps.
function idProfiles(id: string, home: string | null): NameProfile[] {
  const [base = '', feed = ''] = id.split('@');
  const stem = base.replace(/\.[a-z]{2}$/i, '');
  const spell = (text: string) =>
    text
      .replace(/Plus1$/, ' +1')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  const profiles = [{ ...profileName(spell(`${stem}${feed}`), home, false), exactOnly: true, weight: idNameFactor }];
  if (feed !== '') profiles.push({ ...profileName(spell(stem), home, false), exactOnly: true, weight: idStemFactor });
  return profiles;
}

// A stem is the generic channel of a regional one when a display-name contains the stem or names
// the feed ("rbbFernsehen.de@Brandenburg": "rbb Brandenburg"); otherwise it is a more specific name
// than the display-names ("History2LatinAmerica.us@Panregional": "History 2") and counts nearly as one.
function weighStems(profiles: NameProfile[], displayNames: NameProfile[], feed: string): NameProfile[] {
  const feedWords = profileName(feed.replace(/([a-z])([A-Z])/g, '$1 $2'), null, false).words;
  const regional = (p: NameProfile) =>
    displayNames.some(
      (d) => d.compact.includes(p.compact) || feedWords.some((w) => d.words.includes(w) || d.feed === w),
    );
  return profiles.map((p) => (p.weight === idStemFactor && !regional(p) ? { ...p, weight: specificStemFactor } : p));
}

// "3sat" and "3sat HD" profile alike: compare each distinct form once, at its best weight.
function distinctProfiles(profiles: NameProfile[]): NameProfile[] {
  const byForm = new Map<string, NameProfile>();
  for (const profile of profiles) {
    const form = `${profile.compact}|${profile.full}|${profile.marks}|${profile.feed}|${profile.exactOnly === true}`;
    const seen = byForm.get(form);
    if (!seen || seen.weight < profile.weight) byForm.set(form, profile);
  }
  return [...byForm.values()];
}

class EpgIndex {
  readonly entries: EpgEntry[];
  private readonly postings = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();
  private readonly byBaseId = new Map<string, number[]>();

  constructor(channels: EpgChannelInput[]) {
    this.entries = channels.map((channel, index) => {
      const names = channel.names.filter((n) => !isSeparatorName(n));
      const country = countryOfXmltvId(channel.channelId);
      const displayNames = names.flatMap((n) => nameVariants(n, country, false));
      const profiles = distinctProfiles([
        ...displayNames,
        ...weighStems(idProfiles(channel.channelId, country), displayNames, channel.channelId.split('@')[1] ?? ''),
      ]);
      const station = stationOfXmltvId(channel.channelId);
      return { channel, index, country, station, profiles };
    });
    for (const entry of this.entries) {
      const keys = new Set(entry.profiles.flatMap(blockingKeys));
      if (entry.station) keys.add(`s:${entry.station.callSign}`);
      for (const key of keys) {
        const list = this.postings.get(key);
        if (list) list.push(entry.index);
        else this.postings.set(key, [entry.index]);
      }
      const id = entry.channel.channelId.toLowerCase();
      this.byId.set(id, entry.index);
      const base = id.split('@')[0]!;
      this.byBaseId.set(base, [...(this.byBaseId.get(base) ?? []), entry.index]);
    }
  }

  /**
   * EPG entries worth scoring for a provider name: those sharing its rarer words, call sign or
   * compact-name prefix, ranked by the rarity of what they share; only the best few are kept.
   */
  candidates(provider: ProviderProfile): Set<number> {
    const weights = new Map<number, number>();
    const keys = new Set(provider.profiles.flatMap(blockingKeys));
    for (const station of provider.stations) keys.add(`s:${station.callSign}`);
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list) continue;
      // Equal names and call signs always count; other keys only while rare enough to narrow.
      const exact = key.startsWith('x:') || key.startsWith('s:');
      if (!exact && list.length > maxPosting) continue;
      const rarity = exact ? 100 : Math.log(1 + this.entries.length / list.length);
      for (const index of list) weights.set(index, (weights.get(index) ?? 0) + rarity);
    }
    if (weights.size <= maxCandidates) return new Set(weights.keys());
    const ranked = [...weights].sort((a, b) => b[1] - a[1]);
    return new Set(ranked.slice(0, maxCandidates).map(([index]) => index));
  }

  /** The EPG entry a provider's epg_channel_id names: exactly, or by its base when the feed differs. */
  entryOfXmltvId(value: string | null): number | undefined {
    if (!value) return undefined;
    const id = value.trim().toLowerCase();
    const exact = this.byId.get(id);
    if (exact !== undefined) return exact;
    const [base = '', feed] = id.split('@');
    // "TF1.fr@HD" names the channel "TF1.fr" (a quality feed); but "BBCTwo.uk@Wales" does not name
    // "BBCTwo.uk", nor "BBCOne.uk@London", so only an id without a feed may find a lone feed.
    const exactBase = /^(?:sd|hd|fhd|uhd|4k|hevc|\d{3,4}p)?$/.test(feed ?? '') ? this.byId.get(base) : undefined;
    if (exactBase !== undefined) return exactBase;
    const feeds = this.byBaseId.get(base);
    return feed === undefined && feeds?.length === 1 ? feeds[0] : undefined;
  }
}

interface EntryScore {
  score: number;
  /** Character closeness of the best-scoring names, to break ties. */
  closeness: number;
}

function scoreEntry(entry: EpgEntry, provider: ProviderProfile): EntryScore {
  let best = 0;
  let close = 0;
  if (entry.station && provider.stations.length > 0) {
    // Both name a station: it decides; a different call sign is a different station. A bare
    // upper-case word ("CBS 8 Des Moines") may only look like one, so it cannot rule a name out.
    if (namesStation(provider.stations, entry.station)) best = stationScore;
    else if (provider.stations.some((s) => s.certain)) return { score: 0, closeness: 0 };
  }
  for (const epgName of entry.profiles) {
    for (const providerName of provider.profiles) {
      const score = compareNames(epgName, providerName) * epgName.weight * providerName.weight;
      if (score > 0 && score >= best) {
        const c = closeness(epgName, providerName);
        if (score > best || c > close) close = c;
        best = score;
      }
    }
  }
  const mismatch = entry.country !== null && provider.country !== null && entry.country !== provider.country;
  return { score: mismatch ? best * countryMismatchFactor : best, closeness: close };
}

// The provider's own epg_channel_id is strong evidence, unless the names clearly disagree
// (about 3% of providers' ids are wrong or stale).
function withXmltvIdEvidence(nameScore: number): number {
  return nameScore >= 0.35 ? Math.max(nameScore, 0.9 + 0.1 * nameScore) : nameScore;
}

/** For each EPG channel id (every one, [] when unmatched): its provider channels above the threshold, best first (confidence, then tier); a provider channel goes to one EPG channel at most. */
export function matchChannels(
  epg: EpgChannelInput[],
  providers: ProviderChannelInput[],
  options: MatchOptions = {},
): Map<number, MatchCandidate[]> {
  const threshold = options.threshold ?? defaultThreshold;
  const index = new EpgIndex(epg);
  const result = new Map<number, (MatchCandidate & { tier: number })[]>();
  for (const provider of providers) {
    if (isSeparatorName(provider.name)) continue;
    const profiles = nameVariants(provider.name, null, true).filter((p) => p.compact !== '');
    if (profiles.length === 0) continue;
    const profile: ProviderProfile = {
      profiles,
      stations: stationsInName(provider.name),
      country: profiles[0]!.country,
    };
    const hinted = index.entryOfXmltvId(provider.epgChannelId);
    const candidates = index.candidates(profile);
    if (hinted !== undefined) candidates.add(hinted);
    let best: EpgEntry | undefined;
    let bestScore = 0;
    let bestCloseness = 0;
    for (const at of candidates) {
      const entry = index.entries[at]!;
      const { score: nameScore, closeness: close } = scoreEntry(entry, profile);
      const score = at === hinted ? withXmltvIdEvidence(nameScore) : nameScore;
      const tie = score === bestScore && score > 0;
      // Ties: the closer spelling, then the earlier EPG channel, so the outcome never depends on order of discovery.
      if (
        score > bestScore ||
        (tie && (close > bestCloseness || (close === bestCloseness && entry.index < best!.index)))
      ) {
        best = entry;
        bestScore = score;
        bestCloseness = close;
      }
    }
    if (!best || bestScore < threshold) continue;
    const list = result.get(best.channel.id) ?? [];
    list.push({
      providerChannelId: provider.id,
      confidence: Math.min(1, bestScore),
      tier: tierRank[bestTier(provider.tiers)],
    });
    result.set(best.channel.id, list);
  }
  const sorted = new Map<number, MatchCandidate[]>();
  for (const channel of epg) {
    const id = channel.id;
    // Rounded before sorting, so that confidences that read the same are ordered by tier.
    const list = (result.get(id) ?? []).map((m) => ({ ...m, confidence: Math.round(m.confidence * 1000) / 1000 }));
    list.sort((a, b) => b.confidence - a.confidence || b.tier - a.tier || a.providerChannelId - b.providerChannelId);
    sorted.set(
      id,
      list.map(({ providerChannelId, confidence }) => ({ providerChannelId, confidence })),
    );
  }
  return sorted;
}
