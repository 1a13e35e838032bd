import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';

// The admin login, its session and the API keys. Response schemas are allow-lists: no hash of a
// password, token or key has a field to be serialized into.

const PasswordText = Type.String({ minLength: 1, maxLength: 1024 });

export const LoginBody = Type.Object({ password: PasswordText }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

/** A new session: the bearer token for scripts (the same one is set as the HttpOnly cookie). */
export const LoginResult = Type.Object({ token: Type.String(), expiresAt: Type.String() });
export type LoginResult = Static<typeof LoginResult>;

export const AuthVia = Type.Union([
  Type.Literal('cookie'),
  Type.Literal('bearer'),
  Type.Literal('api-key'),
  Type.Literal('loopback'),
]);
export type AuthVia = Static<typeof AuthVia>;

/**
 * `GET /api/auth/session`: whether a password exists and whether (and how) the caller is logged
 * in; `loopback` when the request comes from this machine (where the first password can be set
 * in the UI; elsewhere only `tunerbridge set-password` can).
 */
export const AuthSession = Type.Object({
  passwordSet: Type.Boolean(),
  loopback: Type.Boolean(),
  authenticated: Type.Boolean(),
  via: Nullable(AuthVia),
  expiresAt: Nullable(Type.String()),
});
export type AuthSession = Static<typeof AuthSession>;

/** A new admin password; `currentPassword` is needed once one is set. */
export const ChangePassword = Type.Object(
  { currentPassword: Type.Optional(PasswordText), newPassword: PasswordText },
  { additionalProperties: false },
);
export type ChangePassword = Static<typeof ChangePassword>;

export const ApiKeyInput = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]*$' }) },
  { additionalProperties: false },
);
export type ApiKeyInput = Static<typeof ApiKeyInput>;

/** A key as listed: never the key itself. */
export const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
});
export type ApiKey = Static<typeof ApiKey>;

/** A key just created: `key` is shown this once. */
export const NewApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  key: Type.String(),
  createdAt: Type.String(),
});
export type NewApiKey = Static<typeof NewApiKey>;

export const ApiKeyList = Type.Array(ApiKey);
export type ApiKeyList = Static<typeof ApiKeyList>;
