/**
 * The form rules of the set-up, accounts and settings pages: each returns the message to show
 * under the field, or null when the value is fine. Plain functions, so they are unit-tested
 * without a browser; the server checks everything again.
 */

export type FieldError = string | null;

/** A non-empty (after trimming) text of at most `max` characters. */
export function requiredText(value: string, label: string, max = 200): FieldError {
  const trimmed = value.trim();
  if (!trimmed) return `${label} is required`;
  if (trimmed.length > max) return `${label} must be at most ${max} characters`;
  return null;
}

/** An http:// or https:// URL with a host (what the server accepts for a provider or guide). */
export function httpUrl(value: string, label = 'URL'): FieldError {
  const trimmed = value.trim();
  if (!trimmed) return `${label} is required`;
  if (!/^https?:\/\//i.test(trimmed)) return `${label} must start with http:// or https://`;
  if (/\s/.test(trimmed)) return `${label} must not contain spaces`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return `${label} is not a valid address`;
  }
  if (!url.hostname) return `${label} needs a host name`;
  return null;
}

/**
 * A whole number in [min, max], typed as text (Mantine's NumberInput gives `number | string`).
 * Empty is allowed only when `optional` (then it means "automatic").
 */
export function wholeNumber(
  value: number | string | null | undefined,
  label: string,
  min: number,
  max: number,
  optional = false,
): FieldError {
  if (value === '' || value === null || value === undefined) return optional ? null : `${label} is required`;
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isFinite(n) || !Number.isInteger(n)) return `${label} must be a whole number`;
  if (n < min || n > max) return `${label} must be between ${min} and ${max}`;
  return null;
}

/** A number in [min, max] that may have decimals (seconds in the UI). */
export function numberInRange(value: number | string | null | undefined, label: string, min: number, max: number) {
  if (value === '' || value === null || value === undefined) return `${label} is required`;
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isFinite(n)) return `${label} must be a number`;
  if (n < min || n > max) return `${label} must be between ${min} and ${max}`;
  return null;
}

/** The admin password's length limits (the server's, src/auth). */
export const minAdminPassword = 8;
export const maxAdminPassword = 1024;

/** The new admin password and its confirmation. */
export function newPassword(password: string, confirm: string): { password: FieldError; confirm: FieldError } {
  return {
    password:
      password.length === 0
        ? 'Enter a password'
        : password.length < minAdminPassword
          ? `The password needs at least ${minAdminPassword} characters`
          : password.length > maxAdminPassword
            ? 'The password is too long'
            : null,
    confirm: confirm !== password ? 'The passwords do not match' : null,
  };
}

/** Seconds as typed in the UI → the API's milliseconds (whole). */
export function secondsToMs(seconds: number | string): number {
  return Math.round(Number(seconds) * 1000);
}

/** The API's milliseconds → seconds for the UI (at most 3 decimals). */
export function msToSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** `value` as a number, or null when the field is empty (an optional number field). */
export function optionalNumber(value: number | string | null | undefined): number | null {
  if (value === '' || value === null || value === undefined) return null;
  return Number(value);
}

export interface AccountFormValues {
  name: string;
  serverUrl: string;
  username: string;
  password: string;
  /** Empty = the provider's own limit. */
  maxConnections: number | string;
}

export type AccountFormErrors = Partial<Record<keyof AccountFormValues, string>>;

export interface AccountOriginal {
  name: string;
  serverUrl: string;
  username: string;
  maxConnections: number;
}

/**
 * The account form's rules. Creating needs every field; editing (`original` given) needs the
 * password again only when the server URL or username changes (the server refuses otherwise,
 * so that a stored password never follows a host it was not typed for).
 */
export function validateAccount(values: AccountFormValues, original?: AccountOriginal): AccountFormErrors {
  const errors: AccountFormErrors = {};
  const set = (key: keyof AccountFormValues, error: FieldError) => {
    if (error) errors[key] = error;
  };
  set('name', requiredText(values.name, 'Name'));
  set('serverUrl', httpUrl(values.serverUrl, 'Server URL'));
  set('username', requiredText(values.username, 'Username', 512));
  set('maxConnections', wholeNumber(values.maxConnections, 'Connection limit', 1, 1000, true));
  const needsPassword = !original || targetChanged(values, original);
  if (needsPassword && !values.password)
    errors.password = original ? 'Enter the password again: the server or username changed' : 'Password is required';
  else if (values.password.length > 512) errors.password = 'Password is too long';
  return errors;
}

/** Whether the edit points the account at another server or user. */
export function targetChanged(values: AccountFormValues, original: AccountOriginal): boolean {
  return (
    normaliseUrl(values.serverUrl) !== normaliseUrl(original.serverUrl) || values.username.trim() !== original.username
  );
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** The create body of an account form. */
export function accountCreateBody(values: AccountFormValues) {
  const max = optionalNumber(values.maxConnections);
  return {
    name: values.name.trim(),
    serverUrl: values.serverUrl.trim(),
    username: values.username.trim(),
    password: values.password,
    ...(max === null ? {} : { maxConnections: max }),
  };
}

/** The PATCH body of an edit: only what changed (the password only when typed). */
export function accountPatchBody(values: AccountFormValues, original: AccountOriginal) {
  const body: {
    name?: string;
    serverUrl?: string;
    username?: string;
    password?: string;
    maxConnections?: number | null;
  } = {};
  if (values.name.trim() !== original.name) body.name = values.name.trim();
  if (normaliseUrl(values.serverUrl) !== normaliseUrl(original.serverUrl)) body.serverUrl = values.serverUrl.trim();
  if (values.username.trim() !== original.username) body.username = values.username.trim();
  if (values.password) body.password = values.password;
  const max = optionalNumber(values.maxConnections);
  if (max !== original.maxConnections) body.maxConnections = max;
  return body;
}

export type ExpiryState = 'none' | 'ok' | 'soon' | 'expired';

/** An account's expiry: `soon` within 7 days, `expired` once past. */
export function expiryState(expiresAt: string | null, now: number): ExpiryState {
  if (!expiresAt) return 'none';
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 'none';
  if (at <= now) return 'expired';
  if (at - now <= 7 * 24 * 3600 * 1000) return 'soon';
  return 'ok';
}
