export {
  Streaming,
  type StreamingDeps,
  type StreamRequest,
  type StreamAccounts,
  type StreamTarget,
} from './streaming.js';
export { StreamSession, type EndReason } from './stream-session.js';
export { SessionRegistry, type SessionInfo, type SessionState } from './session-registry.js';
export { SlotPool, type Slot, type AcquireOptions } from './slot-pool.js';
