export {
  Lineup,
  type LineupDeps,
  type MatchingSummary,
  type RematchSummary,
  type ScanChanges,
  type GuideChannelStore,
} from './lineup.js';
export { isValidChannelId, type PlayableChannel, type StreamCandidate, type StreamCandidates } from './playable.js';
export { rankVariants, selectTier, type TierVariant } from './tier-select.js';
export type { GuideChannelInput } from './guide-channels.js';
export type { ChannelView, MappingView, MatchStatus, ChannelQuery } from './channel-queries.js';
export type { ChannelPatch, ReorderInput, SyntheticInput } from './channel-settings.js';
export type { MappingInput } from './mapping-edits.js';
export type { ProviderChannelSummary, ProviderQuery } from './provider-search.js';
