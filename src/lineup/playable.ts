import { AppError, invalidInput, type Tier } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { ProviderCatalog } from '../xtream/index.js';
import { rankVariants } from './tier-select.js';

/*
 * The one definition of a playable channel: enabled, numbered (a channel without a number has no
 * GuideNumber to hand out) and with a primary provider mapping. Channels whose account is
 * inactive stay listed: dropping them would make Plex forget their guide mapping for what is
 * usually a temporary state; a stream request for one is refused instead (`accountActive`).
 */
const playableFrom = `
  FROM xmltv_channels c
  JOIN xmltv_channel_settings s ON s.xmltv_channel_id = c.id AND s.is_enabled = 1 AND s.channel_number IS NOT NULL
  JOIN channel_mappings m ON m.xmltv_channel_id = c.id AND m.is_primary = 1`;

/** A lineup channel a client can tune. */
export interface PlayableChannel {
  /** xmltv_channels row id. */
  id: number;
  /** The XMLTV channel id: tvg-id, EPG id and the `/stream/{id}` key. */
  channelId: string;
  displayName: string;
  /** The GuideNumber Plex sees. */
  number: number;
  /** The guide's logo. */
  icon: string | null;
  /** The primary provider channel's logo (fallback when the guide has none). */
  providerIcon: string | null;
  /** The primary provider channel's category. */
  groupTitle: string | null;
  /** Best tier the primary provider channel offers. */
  bestTier: Tier;
  isSynthetic: boolean;
}

interface PlayableRow {
  id: number;
  channel_id: string;
  display_name: string;
  channel_number: number;
  icon: string | null;
  is_synthetic: number;
  provider_channel_id: number;
}

const selectPlayable = `
  SELECT c.id, c.channel_id, c.display_name, s.channel_number, c.icon, c.is_synthetic, m.xtream_channel_id AS provider_channel_id
  ${playableFrom}`;

function toPlayable(rows: PlayableRow[], providers: ProviderCatalog): PlayableChannel[] {
  const info = providers.describe(rows.map((r) => r.provider_channel_id));
  // A mapping always points at an existing provider channel (foreign key, cascade).
  return rows.flatMap((row) => {
    const provider = info.get(row.provider_channel_id);
    if (!provider) return [];
    return [
      {
        id: row.id,
        channelId: row.channel_id,
        displayName: row.display_name,
        number: row.channel_number,
        icon: row.icon || null,
        providerIcon: provider.icon,
        groupTitle: provider.categoryName || null,
        bestTier: provider.bestTier,
        isSynthetic: row.is_synthetic === 1,
      },
    ];
  });
}

/** Playable lineup channels ordered by number. */
export function listPlayableChannels(db: Db, providers: ProviderCatalog): PlayableChannel[] {
  return toPlayable(db.prepare(`${selectPlayable} ORDER BY s.channel_number, c.id`).all() as PlayableRow[], providers);
}

/** The playable channel with this GuideNumber, if any. */
export function findPlayableByNumber(db: Db, providers: ProviderCatalog, number: number): PlayableChannel | undefined {
  return toPlayable(
    db.prepare(`${selectPlayable} AND s.channel_number = ?`).all(number) as PlayableRow[],
    providers,
  )[0];
}

/** One provider stream a tune of a channel may use, with its account's state. */
export interface StreamCandidate {
  /** `xtream_channels.id` of the mapping. */
  providerChannelId: number;
  accountId: number;
  accountActive: boolean;
  streamId: number;
  tier: Tier;
  isPrimary: boolean;
  /** The mapping's match confidence (0-1). */
  confidence: number;
}

/** What a stream request for a playable channel may play, best first. */
export interface StreamCandidates {
  /** The XMLTV channel id (stable, what Plex asked for). */
  channelId: string;
  /**
   * Every variant of every mapping of the channel: the primary mapping's variants best tier first
   * (4K > FHD > HD > SD), then the other mappings' variants by tier, then by match confidence.
   * Inactive accounts' variants are listed too (`accountActive`): the stream engine skips them.
   */
  candidates: StreamCandidate[];
}

// XMLTV ids are free text, and real ones vary ("bbc1.uk", "BBCOne.uk@SD", "Das Erste.de",
// "TF1(France)"), so only what can never be an id in a tuner URL is refused: control characters,
// path and URL delimiters, markup quotes, leading/trailing space, more than 200 characters.
const channelIdPattern = /^(?=\S)(?!.*\s$)[^\p{Cc}/\\?#%<>"]{1,200}$/u;

/** True for a well-formed XMLTV channel id (see the pattern's comment). */
export function isValidChannelId(id: string): boolean {
  return channelIdPattern.test(id);
}

/** The ranked streams of a playable channel. 400 for a malformed id; 404 for unknown, unplayable or without streams. */
export function resolveStreamCandidates(db: Db, providers: ProviderCatalog, channelId: string): StreamCandidates {
  if (!isValidChannelId(channelId)) throw invalidInput('invalid channel id');
  const lineupChannel = db.prepare(`SELECT c.id ${playableFrom} WHERE c.channel_id = ?`).pluck().get(channelId) as
    number | undefined;
  const mappings =
    lineupChannel === undefined
      ? []
      : (db
          .prepare(
            'SELECT xtream_channel_id AS id, is_primary, match_confidence FROM channel_mappings WHERE xmltv_channel_id = ?',
          )
          .all(lineupChannel) as { id: number; is_primary: number; match_confidence: number }[]);
  const info = providers.describe(mappings.map((m) => m.id));
  const variants = providers.variantsOf(mappings.map((m) => m.id));
  const candidates = mappings.flatMap((mapping) => {
    const provider = info.get(mapping.id);
    if (!provider) return [];
    return variants
      .filter((v) => v.providerChannelId === mapping.id)
      .map((v) => ({
        providerChannelId: provider.id,
        accountId: provider.accountId,
        accountActive: provider.accountActive,
        streamId: v.streamId,
        tier: v.tier,
        isPrimary: mapping.is_primary === 1,
        confidence: mapping.match_confidence,
      }));
  });
  const primary = candidates.filter((c) => c.isPrimary);
  if (primary.length === 0) throw new AppError('CHANNEL_NOT_FOUND', 'channel not found', { details: { channelId } });
  // Other mappings: by tier as rankVariants orders them, then the surer match first.
  const tierPosition = new Map(tierOrder.map((tier, index) => [tier, index]));
  const byTierThenConfidence = candidates
    .filter((c) => !c.isPrimary)
    .sort(
      (a, b) =>
        tierPosition.get(a.tier)! - tierPosition.get(b.tier)! || b.confidence - a.confidence || a.streamId - b.streamId,
    );
  return { channelId, candidates: [...rankVariants(primary), ...byTierThenConfidence] };
}

// rankVariants' order of tiers, best first (unknown plays as SD and loses a tie with it).
const tierOrder = rankVariants(
  (['SD', 'unknown', 'HD', 'FHD', '4K'] as const).map((tier, streamId) => ({ tier, streamId })),
).map((v) => v.tier);
