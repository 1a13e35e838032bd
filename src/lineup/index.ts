export { listPlayableChannels, findPlayableByNumber, type PlayableChannel } from './playable-channels.js';
export { Lineup, type LineupDeps, type MatchingSummary, type RematchSummary, type ScanChanges } from './lineup.js';
export type { ChannelView, MappingView, MatchStatus, ChannelQuery } from './channel-queries.js';
export type { ChannelPatch, ReorderInput, SyntheticInput } from './channel-settings.js';
export type { MappingInput } from './mapping-edits.js';
export type { ProviderChannelSummary, ProviderQuery } from './provider-search.js';
