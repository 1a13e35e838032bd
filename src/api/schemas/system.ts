import { Type, type Static } from 'typebox';

/** How this server keeps its secrets: `keyring` (the persistent OS keyring) or `aes` (the AES-256-GCM vault in the data dir). */
export const SystemInfo = Type.Object({
  secretStore: Type.Union([Type.Literal('keyring'), Type.Literal('aes')]),
  /** For people: "Secret Service", "macOS Keychain", "Windows Credential Manager", or the vault and its key file. */
  secretStoreName: Type.String(),
});
export type SystemInfo = Static<typeof SystemInfo>;
