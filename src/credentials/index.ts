export {
  createOsKeyring,
  createVolatileKeyring,
  probeKeyring,
  type KeyringBackend,
  type SecretStoreKind,
} from './keyring.js';
export {
  CredentialStore,
  unavailableHint,
  type StoredSecret,
  type CredentialStoreOptions,
  type UnavailableReason,
} from './credential-store.js';
export { redactUrl } from './redact-url.js';
