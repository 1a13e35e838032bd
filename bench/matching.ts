/**
 * Matching benchmark: accuracy of `matchChannels` on the real dev set in ../shared/data/matching
 * (precision, recall, false-positive rate, variant recall, scored as its README says), compared
 * with a plain exact-name reference, and the time for 3,000 EPG channels × 30,000 provider
 * streams generated from the same data. Run: npm run bench:matching [-- --errors]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SaxesParser } from 'saxes';
import { detectTier, stripTierMarkers, tierGroupKey, tierRank, type Tier } from '../src/core/index.js';
import {
  matchChannels,
  normalizeChannelName,
  type EpgChannelInput,
  type ProviderChannelInput,
} from '../src/matching/index.js';
import { recordResults } from './results-file.js';

const dataDir = resolve(process.cwd(), '../shared/data/matching');
const showErrors = process.argv.includes('--errors');

interface Stream {
  stream_id: number;
  name: string;
  epg_channel_id: string | null;
}
type Mapping = Map<string, number[]>;

function readEpg(xml: string): { channelId: string; names: string[] }[] {
  const channels: { channelId: string; names: string[] }[] = [];
  const parser = new SaxesParser();
  let current: { channelId: string; names: string[] } | undefined;
  let text: string | undefined;
  parser.on('opentag', (tag) => {
    if (tag.name === 'channel') current = { channelId: String(tag.attributes.id), names: [] };
    else if (tag.name === 'display-name' && current) text = '';
  });
  parser.on('text', (t) => {
    if (text !== undefined) text += t;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'display-name' && current && text !== undefined) current.names.push(text.trim());
    if (tag.name === 'display-name') text = undefined;
    if (tag.name === 'channel' && current) {
      channels.push(current);
      current = undefined;
    }
  });
  parser.write(xml).close();
  return channels;
}

/** Groups streams as the scan does: same account, same marker-free name → one provider channel. */
function groupStreams(
  streams: Stream[],
  accountId = 1,
): { providers: ProviderChannelInput[]; streamsOf: Map<number, number[]> } {
  const groups = new Map<string, (Stream & { tier: Tier })[]>();
  for (const stream of streams) {
    const key = tierGroupKey(stream.name) || stream.name.toLowerCase();
    const list = groups.get(key) ?? [];
    list.push({ ...stream, tier: detectTier(stream.name) });
    groups.set(key, list);
  }
  const providers: ProviderChannelInput[] = [];
  const streamsOf = new Map<number, number[]>();
  let id = 0;
  for (const list of groups.values()) {
    list.sort((a, b) => tierRank[b.tier] - tierRank[a.tier] || a.stream_id - b.stream_id);
    const best = list[0]!;
    id++;
    providers.push({
      id,
      accountId,
      name: stripTierMarkers(best.name) || best.name,
      epgChannelId: list.find((s) => s.epg_channel_id)?.epg_channel_id ?? null,
      tiers: [...new Set(list.map((s) => s.tier))].filter((t) => t !== 'unknown'),
    });
    streamsOf.set(
      id,
      list.map((s) => s.stream_id),
    );
  }
  return { providers, streamsOf };
}

function score(truth: Record<string, number[]>, mapping: Mapping) {
  const channels = Object.keys(truth);
  const has = channels.filter((c) => truth[c]!.length > 0);
  const none = channels.filter((c) => truth[c]!.length === 0);
  const primary = (c: string) => mapping.get(c)?.[0];
  const right = (c: string) => truth[c]!.includes(primary(c) ?? -1);
  const predicted = has.filter((c) => primary(c) !== undefined);
  const variants = has.reduce((s, c) => s + (mapping.get(c) ?? []).filter((id) => truth[c]!.includes(id)).length, 0);
  return {
    precision: predicted.filter(right).length / Math.max(1, predicted.length),
    recall: has.filter(right).length / Math.max(1, has.length),
    falsePositiveRate: none.filter((c) => primary(c) !== undefined).length / Math.max(1, none.length),
    variantRecall:
      variants /
      Math.max(
        1,
        has.reduce((s, c) => s + truth[c]!.length, 0),
      ),
    // Streams mapped to a channel they do not carry (siblings, editions): failover would use them.
    wrongStreams: channels.reduce(
      (s, c) => s + (mapping.get(c) ?? []).filter((id) => !truth[c]!.includes(id)).length,
      0,
    ),
  };
}

function runMatcher(
  epg: EpgChannelInput[],
  providers: ProviderChannelInput[],
  streamsOf: Map<number, number[]>,
): Mapping {
  const result = matchChannels(epg, providers);
  const mapping: Mapping = new Map();
  for (const channel of epg) {
    mapping.set(
      channel.channelId,
      (result.get(channel.id) ?? []).flatMap((m) => streamsOf.get(m.providerChannelId) ?? []),
    );
  }
  return mapping;
}

/** Reference: exact equality of normalised names, first provider channel wins. */
function runReference(
  epg: EpgChannelInput[],
  providers: ProviderChannelInput[],
  streamsOf: Map<number, number[]>,
): Mapping {
  const byName = new Map<string, ProviderChannelInput[]>();
  for (const p of providers) {
    const key = normalizeChannelName(p.name);
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const used = new Set<number>();
  const mapping: Mapping = new Map();
  for (const channel of epg) {
    const found = channel.names
      .flatMap((n) => byName.get(normalizeChannelName(n)) ?? [])
      .filter((p) => !used.has(p.id));
    found.forEach((p) => used.add(p.id));
    mapping.set(
      channel.channelId,
      found.flatMap((p) => streamsOf.get(p.id) ?? []),
    );
  }
  return mapping;
}

// Synthetic scale: every replica renames channels with its own made-up word, so replicas do not
// collide but still share most tokens (the hard case for a blocking index).
const syllables = ['ka', 'lo', 'mi', 'ter', 'vo', 'zan', 'ru', 'pe', 'dax', 'qui', 'sol', 'fen'];
function replicaWord(r: number): string {
  return r === 0 ? '' : ` ${syllables[r % 12]!}${syllables[Math.floor(r / 12) % 12]!}${syllables[(r * 7) % 12]!}`;
}
function withWord(name: string, word: string): string {
  const stripped = stripTierMarkers(name);
  return word === '' ? name : name.replace(stripped, `${stripped}${word}`);
}

function scaled(epgBase: EpgChannelInput[], streams: Stream[], epgCount: number, streamCount: number) {
  const epg: EpgChannelInput[] = [];
  for (let r = 0; epg.length < epgCount; r++) {
    for (const c of epgBase) {
      if (epg.length >= epgCount) break;
      epg.push({
        id: epg.length + 1,
        channelId: `${c.channelId}${r}`,
        names: c.names.map((n) => withWord(n, replicaWord(r))),
      });
    }
  }
  const many: Stream[] = [];
  for (let r = 0; many.length < streamCount; r++) {
    for (const s of streams) {
      if (many.length >= streamCount) break;
      many.push({
        stream_id: many.length + 1,
        name: withWord(s.name, replicaWord(r)),
        epg_channel_id: s.epg_channel_id,
      });
    }
  }
  return { epg, ...groupStreams(many) };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function main(): void {
  const epgRaw = readEpg(readFileSync(resolve(dataDir, 'epg.xml'), 'utf8'));
  const streams = JSON.parse(readFileSync(resolve(dataDir, 'live_streams.json'), 'utf8')) as Stream[];
  const { quality: _quality, ...truth } = JSON.parse(readFileSync(resolve(dataDir, 'truth.json'), 'utf8')) as Record<
    string,
    number[]
  > & {
    quality: unknown;
  };
  const epg = epgRaw.map((c, i) => ({ id: i + 1, ...c }));
  const { providers, streamsOf } = groupStreams(streams);

  const mapping = runMatcher(epg, providers, streamsOf);
  const ours = score(truth, mapping);
  const reference = score(truth, runReference(epg, providers, streamsOf));

  if (showErrors) printErrors(truth, mapping, streams, epg);

  const big = scaled(epg, streams, 3000, 30_000);
  matchChannels(big.epg, big.providers); // warm-up (JIT), not timed
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    matchChannels(big.epg, big.providers);
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  const ms = Math.min(...times);
  const robustness = [1, 2, 3].map((seed) => strayMappings(epg, providers, streamsOf, truth, seed));
  const stray = robustness.reduce((s, r) => s + r.wrong, 0);
  const orphaned = robustness.reduce((s, r) => s + r.orphans, 0);

  const rows = [
    ['', 'fuzzy matcher', 'reference: exact normalised name', 'target'],
    ['primary precision', percent(ours.precision), percent(reference.precision), '≥ 97%'],
    ['recall', percent(ours.recall), percent(reference.recall), '≥ 95%'],
    ['false-positive rate (no stream)', percent(ours.falsePositiveRate), percent(reference.falsePositiveRate), '≤ 3%'],
    ['variant recall', percent(ours.variantRecall), percent(reference.variantRecall), ''],
    ['streams mapped to a channel they do not carry', String(ours.wrongStreams), String(reference.wrongStreams), ''],
  ];
  const table = rows.map((r) => `| ${r.join(' | ')} |`);
  table.splice(1, 0, '| --- | --- | --- | --- |');
  const timing =
    `3,000 EPG channels × 30,000 streams (${big.providers.length} provider channels): best of 3 = ${(ms / 1000).toFixed(2)} s ` +
    `(target < 5 s); runs ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s wall, ${cpu.map((t) => (t / 1000).toFixed(2)).join(', ')} s CPU.`;
  const strayLine =
    `Guide lacking channels (half the EPG channels removed, 3 seeds): ${stray} of ${orphaned} provider channels whose channel is ` +
    `gone were mapped to another one (${percent(stray / Math.max(1, orphaned))}).`;
  const section = [
    '## Matching (`npm run bench:matching`)',
    '',
    `Dev set ../shared/data/matching: ${epg.length} EPG channels, ${streams.length} streams → ${providers.length} provider channels. Node ${process.version}, ${new Date().toISOString()}.`,
    '',
    ...table,
    '',
    strayLine,
    '',
    timing,
  ].join('\n');
  console.log(section);
  recordResults('matching', section);
}

/**
 * Robustness for guides that lack channels (the held-out case of a provider carrying channels the
 * guide has not): drop half the EPG channels at random and count the provider channels of dropped
 * ones that still got mapped, necessarily to a wrong channel.
 */
function strayMappings(
  epgAll: EpgChannelInput[],
  providers: ProviderChannelInput[],
  streamsOf: Map<number, number[]>,
  truth: Record<string, number[]>,
  seed: number,
): { orphans: number; wrong: number } {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const kept = epgAll.filter(() => random() >= 0.5);
  const keptIds = new Set(kept.map((c) => c.channelId));
  const channelOfStream = new Map<number, string>();
  for (const [channel, ids] of Object.entries(truth)) for (const id of ids) channelOfStream.set(id, channel);
  const channelOf = (p: ProviderChannelInput) =>
    (streamsOf.get(p.id) ?? []).map((id) => channelOfStream.get(id)).find(Boolean);
  const isOrphan = (p: ProviderChannelInput) => {
    const channel = channelOf(p);
    return channel !== undefined && !keptIds.has(channel);
  };
  const orphans = new Set(providers.filter(isOrphan).map((p) => p.id));
  const mapped = [...matchChannels(kept, providers).values()].flat().map((m) => m.providerChannelId);
  return { orphans: orphans.size, wrong: mapped.filter((id) => orphans.has(id)).length };
}

function printErrors(
  truth: Record<string, number[]>,
  mapping: Mapping,
  streams: Stream[],
  epg: EpgChannelInput[],
): void {
  const nameOf = new Map(
    streams.map((s) => [s.stream_id, `${s.name}${s.epg_channel_id ? ` {${s.epg_channel_id}}` : ''}`]),
  );
  const epgNames = new Map(epg.map((c) => [c.channelId, c.names.join(' | ')]));
  for (const [channel, expected] of Object.entries(truth)) {
    const got = mapping.get(channel) ?? [];
    if (expected.length === 0 && got.length === 0) continue;
    if (
      expected.includes(got[0] ?? -1) &&
      got.every((id) => expected.includes(id)) &&
      expected.every((id) => got.includes(id))
    )
      continue;
    const kind =
      got.length === 0 ? 'MISS' : expected.length === 0 ? 'FP' : !expected.includes(got[0]!) ? 'WRONG' : 'VARIANT';
    const names = (ids: number[]) => ids.map((id) => nameOf.get(id)).join(' ; ');
    console.log(`${kind} ${channel} (${epgNames.get(channel)})\n   want: ${names(expected)}\n   got:  ${names(got)}`);
  }
}

main();
