/**
 * Errors that carry their meaning. One Fastify error handler renders them as
 * `{"error": message}` with `statusCode`; `message` is always safe to show a client.
 * Anything that is not an AppError becomes 500 `{"error":"internal error"}`.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_INACTIVE'
  | 'CHANNEL_NOT_FOUND'
  | 'SOURCE_NOT_FOUND'
  | 'REFRESH_IN_PROGRESS'
  | 'TUNER_LIMIT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'PROVIDER_AUTH_FAILED'
  | 'PROVIDER_BAD_RESPONSE'
  | 'PROVIDER_HTTP_ERROR'
  | 'PROVIDER_TIMEOUT'
  | 'PROVIDER_UNREACHABLE'
  | 'CREDENTIAL_UNAVAILABLE'
  | 'GUIDE_IMPORT_FAILED'
  | 'AUTH_REQUIRED'
  | 'LOGIN_FAILED'
  | 'CSRF_REJECTED'
  | 'TOO_MANY_ATTEMPTS'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

const defaultStatus: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_INACTIVE: 503,
  CHANNEL_NOT_FOUND: 404,
  SOURCE_NOT_FOUND: 404,
  REFRESH_IN_PROGRESS: 409,
  TUNER_LIMIT: 503,
  UPSTREAM_UNAVAILABLE: 503,
  PROVIDER_AUTH_FAILED: 502,
  PROVIDER_BAD_RESPONSE: 502,
  PROVIDER_HTTP_ERROR: 502,
  PROVIDER_TIMEOUT: 504,
  PROVIDER_UNREACHABLE: 502,
  CREDENTIAL_UNAVAILABLE: 500,
  GUIDE_IMPORT_FAILED: 502,
  AUTH_REQUIRED: 401,
  LOGIN_FAILED: 401,
  CSRF_REJECTED: 403,
  TOO_MANY_ATTEMPTS: 429,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

export interface AppErrorOptions {
  statusCode?: number;
  /** Extra response headers, e.g. `X-HDHomeRun-Error` for a busy tuner. */
  headers?: Record<string, string>;
  /** The underlying error, for the log only. Never rendered to a client. */
  cause?: unknown;
  /** Structured facts for the log only (must not contain secrets). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, safeMessage: string, options: AppErrorOptions = {}) {
    super(safeMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = options.statusCode ?? defaultStatus[code];
    this.headers = options.headers ?? {};
    this.details = options.details;
  }
}

/** True when `error` is an AppError with the given code. */
export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** Shorthand for the most common not-found case. */
export function notFound(what: string, code: ErrorCode = 'NOT_FOUND'): AppError {
  return new AppError(code, `${what} not found`);
}

/** Shorthand for a rejected request. */
export function invalidInput(message: string): AppError {
  return new AppError('INVALID_INPUT', message);
}

// C0 controls and DEL: NUL ends strings in C code (SQLite tools, Plex's scanner), a line break
// ends an M3U line, and none of them belongs in a name.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * `value` trimmed; INVALID_INPUT "`field` must not be empty" when nothing is left, and
 * "`field` must not contain control characters" for NUL, \x01-\x1f or \x7f anywhere in it.
 */
export function requiredText(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw invalidInput(`${field} must not be empty`);
  if (controlCharacters.test(trimmed)) throw invalidInput(`${field} must not contain control characters`);
  return trimmed;
}

// eslint-disable-next-line no-control-regex
const controlRuns = /[\u0000-\u001f\u007f]+/g;

/** `text` on one line: each run of control characters (line breaks, tabs, NUL…) becomes one space. For writers of names from provider or guide data. */
export function oneLine(text: string): string {
  return controlCharacters.test(text) ? text.replace(controlRuns, ' ') : text;
}
