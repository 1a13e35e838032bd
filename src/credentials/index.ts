export { createOsKeyring, type KeyringBackend } from './keyring.js';
export { CredentialStore, type StoredSecret, type CredentialStoreOptions } from './credential-store.js';
export { redactUrl, redactUrlFully, unmaskUrl, urlMask } from './redact-url.js';
