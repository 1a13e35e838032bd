import type { Channel, Mapping, MatchStatus, Tier } from '../api/types';

export interface LineupFilter {
  /** Free text: name (any of its names), guide id or number. */
  q: string;
  status: 'all' | MatchStatus;
  enabled: 'all' | 'enabled' | 'disabled';
  /** The primary stream's tier; 'none' = no stream at all. */
  tier: 'all' | 'none' | Tier;
}

export const emptyFilter: LineupFilter = { q: '', status: 'all', enabled: 'all', tier: 'all' };

/** The stream tried first: the one marked primary, else the first (the API lists the primary first). */
export function primaryMapping(channel: Pick<Channel, 'mappings'>): Mapping | undefined {
  return channel.mappings.find((m) => m.isPrimary) ?? channel.mappings[0];
}

function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** True when every word of `q` appears in the channel's names, guide id, number or primary stream name. */
export function matchesText(channel: Channel, q: string): boolean {
  const words = normalize(q).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = normalize(
    [
      channel.displayName,
      ...channel.displayNames,
      channel.channelId,
      channel.number === null ? '' : String(channel.number),
      primaryMapping(channel)?.name ?? '',
    ].join(' '),
  );
  return words.every((w) => haystack.includes(w));
}

export function matchesFilter(channel: Channel, filter: LineupFilter): boolean {
  if (filter.status !== 'all' && channel.matchStatus !== filter.status) return false;
  if (filter.enabled === 'enabled' && !channel.enabled) return false;
  if (filter.enabled === 'disabled' && channel.enabled) return false;
  if (filter.tier !== 'all') {
    const tier = primaryMapping(channel)?.tier;
    if (filter.tier === 'none' ? tier !== undefined : tier !== filter.tier) return false;
  }
  return matchesText(channel, filter.q);
}

/** The channels that pass, in their order. */
export function filterChannels(channels: readonly Channel[], filter: LineupFilter): Channel[] {
  return channels.filter((c) => matchesFilter(c, filter));
}

export function isFiltered(filter: LineupFilter): boolean {
  return filter.q.trim() !== '' || filter.status !== 'all' || filter.enabled !== 'all' || filter.tier !== 'all';
}

/** Plex shows at most this many channels of a tuner. */
export const plexChannelLimit = 480;

export function enabledCount(channels: readonly Pick<Channel, 'enabled'>[]): number {
  return channels.reduce((n, c) => n + (c.enabled ? 1 : 0), 0);
}
