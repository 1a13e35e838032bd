/**
 * Fuzzy matching of XMLTV (EPG) channels to provider channels. Pure: no I/O, no database, so the
 * lineup domain can call it from a transaction and the benchmark can time it in isolation.
 */
import type { Tier } from '../core/index.js';

/** An XMLTV channel: database id, XMLTV id ("BBCOne.uk") and every display-name. */
export interface EpgChannelInput {
  id: number;
  channelId: string;
  names: string[];
}

/** A provider channel: tier variants of one account grouped under their marker-free name. */
export interface ProviderChannelInput {
  id: number;
  accountId: number;
  name: string;
  epgChannelId: string | null;
  tiers: Tier[];
}

/** A provider channel proposed for an EPG channel, confidence 0..1. */
export interface MatchCandidate {
  providerChannelId: number;
  confidence: number;
}

/** Matching options; threshold defaults to 0.85. */
export interface MatchOptions {
  threshold?: number;
}

export { matchChannels } from './match-channels.js';
export { normalizeChannelName } from './normalize.js';
