import { Entry } from '@napi-rs/keyring';

/** The OS keyring as the credential store sees it; tests inject an in-memory one. Methods throw when the keyring is unusable. */
export interface KeyringBackend {
  setPassword(account: string, password: string): void;
  getPassword(account: string): string | null;
  deletePassword(account: string): void;
}

/**
 * The real OS keyring (Secret Service on Linux, Keychain, Credential Manager) via
 * @napi-rs/keyring. Without a running Secret Service every call throws "Couldn't access
 * platform storage", which is the credential store's cue to fall back to AES.
 */
export function createOsKeyring(service = 'tunerbridge'): KeyringBackend {
  return {
    setPassword: (account, password) => new Entry(service, account).setPassword(password),
    getPassword: (account) => new Entry(service, account).getPassword(),
    deletePassword: (account) => void new Entry(service, account).deletePassword(),
  };
}
