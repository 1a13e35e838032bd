export { buildStreamUrl, buildGuideUrl, providerBase } from './stream-url.js';
export { XtreamClient, type XtreamClientOptions } from './xtream-client.js';
export type { ProviderUserInfo, ProviderCategory, ProviderStream } from './payload.js';
export { effectiveMaxConnections, type AccountView } from './account-repository.js';
export type { ProviderChannelView } from './provider-channels.js';
export type { ScanResult } from './scan-store.js';
export { Accounts, type AccountsDeps, type AccountInput, type AccountPatch } from './accounts.js';
export {
  ProviderCatalog,
  type ProviderChannelInfo,
  type ProviderSearch,
  type StreamVariant,
} from './provider-catalog.js';
export type { MappedLineupLookup } from './scan-store.js';
