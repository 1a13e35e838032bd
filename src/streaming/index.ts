export { Streaming, type StreamingDeps, type StreamRequest, type StreamTarget } from './streaming.js';
export type { StreamAccounts } from './connector.js';
export { Viewer, type EndReason } from './viewer.js';
export type { HubInfo, HubState } from './channel-hub.js';
export { SessionRegistry, type SessionInfo, type SessionState } from './session-registry.js';
export { SlotPool, type Slot, type AcquireOptions } from './slot-pool.js';
export type { StreamTotals } from './hub-registry.js';
