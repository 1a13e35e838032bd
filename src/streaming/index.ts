export { Streaming, type StreamingDeps, type StreamRequest, type StreamCredentialSource } from './streaming.js';
export { StreamSession, type EndReason } from './stream-session.js';
export { SessionRegistry, type SessionInfo, type SessionState } from './session-registry.js';
export { isValidChannelId, type StreamTarget } from './stream-target.js';
export { rankVariants, selectTier, type TierVariant } from './tier-select.js';
export { SlotPool, type Slot, type AcquireOptions } from './slot-pool.js';
