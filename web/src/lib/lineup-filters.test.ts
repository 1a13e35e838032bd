import { describe, expect, it } from 'vitest';
import type { Channel, Mapping } from '../api/types';
import { emptyFilter, enabledCount, filterChannels, isFiltered, primaryMapping } from './lineup-filters';

function mapping(over: Partial<Mapping>): Mapping {
  return {
    xtreamChannelId: 1,
    accountId: 1,
    isPrimary: false,
    priority: 0,
    confidence: 1,
    isManual: false,
    name: 'Stream',
    tier: 'HD',
    ...over,
  };
}

function channel(over: Partial<Channel>): Channel {
  return {
    id: 1,
    channelId: 'x.uk',
    displayName: 'X',
    displayNames: [],
    icon: null,
    number: 1,
    displayOrder: 1,
    enabled: true,
    enabledByUser: false,
    isSynthetic: false,
    matchStatus: 'matched',
    streamsLostAt: null,
    mappings: [],
    ...over,
  };
}

const bbc = channel({
  id: 1,
  channelId: 'bbc1.uk',
  displayName: 'BBC One',
  displayNames: ['BBC One London'],
  number: 101,
  mappings: [
    mapping({ tier: 'HD', name: 'UK: BBC 1' }),
    mapping({ tier: 'FHD', isPrimary: true, name: 'UK: BBC ONE FHD' }),
  ],
});
const cnn = channel({
  id: 2,
  channelId: 'cnn.us',
  displayName: 'CNN',
  number: 205,
  enabled: false,
  matchStatus: 'lost',
  mappings: [mapping({ tier: 'SD' })],
});
const arte = channel({
  id: 3,
  channelId: 'arte.fr',
  displayName: 'Arté',
  number: 7,
  enabled: false,
  matchStatus: 'unmatched',
});
const all = [bbc, cnn, arte];
const ids = (cs: Channel[]) => cs.map((c) => c.id);

describe('lineup filters', () => {
  it('passes everything with the empty filter, in order', () => {
    expect(ids(filterChannels(all, emptyFilter))).toEqual([1, 2, 3]);
    expect(isFiltered(emptyFilter)).toBe(false);
  });

  it('searches names, other names, guide id, number and the primary stream, accent- and case-blind', () => {
    expect(ids(filterChannels(all, { ...emptyFilter, q: 'london' }))).toEqual([1]);
    expect(ids(filterChannels(all, { ...emptyFilter, q: 'CNN.US' }))).toEqual([2]);
    expect(ids(filterChannels(all, { ...emptyFilter, q: '205' }))).toEqual([2]);
    expect(ids(filterChannels(all, { ...emptyFilter, q: 'arte' }))).toEqual([3]);
    expect(ids(filterChannels(all, { ...emptyFilter, q: 'one fhd' }))).toEqual([1]);
    expect(ids(filterChannels(all, { ...emptyFilter, q: 'bbc nope' }))).toEqual([]);
  });

  it('filters by status and enabled', () => {
    expect(ids(filterChannels(all, { ...emptyFilter, status: 'lost' }))).toEqual([2]);
    expect(ids(filterChannels(all, { ...emptyFilter, status: 'unmatched' }))).toEqual([3]);
    expect(ids(filterChannels(all, { ...emptyFilter, enabled: 'enabled' }))).toEqual([1]);
    expect(ids(filterChannels(all, { ...emptyFilter, enabled: 'disabled' }))).toEqual([2, 3]);
  });

  it("filters by the primary stream's tier, or by having none", () => {
    expect(ids(filterChannels(all, { ...emptyFilter, tier: 'FHD' }))).toEqual([1]);
    expect(ids(filterChannels(all, { ...emptyFilter, tier: 'HD' }))).toEqual([]);
    expect(ids(filterChannels(all, { ...emptyFilter, tier: 'none' }))).toEqual([3]);
  });

  it('combines filters', () => {
    const filter = { ...emptyFilter, enabled: 'disabled' as const, q: 'c' };
    expect(ids(filterChannels(all, filter))).toEqual([2]);
    expect(isFiltered(filter)).toBe(true);
  });

  it('finds the primary stream, else the first', () => {
    expect(primaryMapping(bbc)?.tier).toBe('FHD');
    expect(primaryMapping(cnn)?.tier).toBe('SD');
    expect(primaryMapping(arte)).toBeUndefined();
  });

  it('counts enabled channels', () => {
    expect(enabledCount(all)).toBe(1);
  });
});
