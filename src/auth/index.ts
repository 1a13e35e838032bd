export {
  AdminAuth,
  minPasswordLength,
  maxPasswordLength,
  noPasswordMessage,
  type AdminAuthOptions,
  type AdminIdentity,
  type AuthVia,
  type PasswordSource,
  type PresentedCredentials,
} from './admin-auth.js';
export type { ApiKey, NewApiKey } from './api-key-store.js';
export type { NewSession, SessionTimes } from './session-store.js';
export { isLoopbackAddress } from './client-address.js';
export { hashPassword, verifyPassword } from './password-hash.js';
