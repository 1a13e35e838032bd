import { AppError, invalidInput, type Clock, type Logger } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { EventLog } from '../events/index.js';
import { ApiKeyStore, type ApiKey, type NewApiKey } from './api-key-store.js';
import { isLoopbackAddress } from './client-address.js';
import { LoginLimiter, type LoginLimiterOptions } from './login-limiter.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { SessionStore, type NewSession, type SessionTimes } from './session-store.js';

export const minPasswordLength = 8;
export const maxPasswordLength = 1024;
export const noPasswordMessage = 'set an admin password first: tunerbridge set-password';

/** How a request proved it may use the API. */
export type AuthVia = 'cookie' | 'bearer' | 'api-key' | 'loopback';

export interface AdminIdentity {
  via: AuthVia;
  /** The login session used (cookie or bearer), else null. */
  sessionId: number | null;
  apiKeyId: number | null;
  /** When the session ends if unused (Unix ms); null for an API key or loopback. */
  expiresAt: number | null;
}

/** What a request presented, as the HTTP layer read it. */
export interface PresentedCredentials {
  /** The client address (`request.ip`). */
  address: string;
  cookieToken?: string | undefined;
  /** `Authorization: Bearer …`: a session token or an API key. */
  bearer?: string | undefined;
  /** `X-Api-Key`. */
  apiKey?: string | undefined;
}

/** Who changed the password: the web API, the CLI on the machine, or the start-up environment variable. */
export type PasswordSource = 'api' | 'cli' | 'env';

export interface AdminAuthOptions {
  db: Db;
  clock: Clock;
  events: EventLog;
  log: Logger;
  sessions?: Partial<SessionTimes>;
  limiter?: LoginLimiterOptions;
}

// A week idle, a month at most: a home server's admin logs in now and then, not every day.
const defaultTimes: SessionTimes = { idleMs: 7 * 24 * 3600_000, lifetimeMs: 30 * 24 * 3600_000 };

/**
 * The admin password, login sessions, API keys and the failed-login limit. The password lives
 * only as a scrypt hash, tokens and keys only as SHA-256 hashes; nothing here logs or returns a
 * secret the caller did not just receive.
 */
export class AdminAuth {
  readonly sessions: SessionStore;
  readonly keys: ApiKeyStore;
  private readonly limiter: LoginLimiter;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly events: EventLog;
  private readonly log: Logger;

  constructor(options: AdminAuthOptions) {
    ({ db: this.db, clock: this.clock, events: this.events, log: this.log } = options);
    this.sessions = new SessionStore(this.db, this.clock, { ...defaultTimes, ...options.sessions });
    this.keys = new ApiKeyStore(this.db, this.clock);
    this.limiter = new LoginLimiter(this.clock, options.limiter);
  }

  /** True once an admin password exists; until then only loopback clients reach the API. */
  passwordSet(): boolean {
    return this.storedHash() !== undefined;
  }

  /** Who the credentials prove the caller to be, or null (then the API answers 401). */
  identify(credentials: PresentedCredentials): AdminIdentity | null {
    if (!this.passwordSet()) {
      return isLoopbackAddress(credentials.address)
        ? { via: 'loopback', sessionId: null, apiKeyId: null, expiresAt: null }
        : null;
    }
    const { bearer, apiKey, cookieToken } = credentials;
    if (bearer !== undefined) {
      const session = this.sessions.find(bearer);
      if (session) return { via: 'bearer', sessionId: session.id, apiKeyId: null, expiresAt: session.expiresAt };
      const key = this.keys.find(bearer);
      return key ? { via: 'api-key', sessionId: null, apiKeyId: key.id, expiresAt: null } : null;
    }
    if (apiKey !== undefined) {
      const key = this.keys.find(apiKey);
      return key ? { via: 'api-key', sessionId: null, apiKeyId: key.id, expiresAt: null } : null;
    }
    if (cookieToken !== undefined) {
      const session = this.sessions.find(cookieToken);
      if (session) return { via: 'cookie', sessionId: session.id, apiKeyId: null, expiresAt: session.expiresAt };
    }
    return null;
  }

  /** Checks the password and starts a session; 401 when wrong, 429 after too many failures from `address`. */
  async login(password: string, address: string): Promise<NewSession> {
    const stored = this.storedHash();
    if (stored === undefined) throw new AppError('AUTH_REQUIRED', noPasswordMessage);
    await this.checkPassword(password, stored, address);
    this.events.record({ level: 'info', category: 'auth', message: 'admin logged in', details: { address } });
    return this.sessions.create();
  }

  /**
   * Sets the password from the API: the current one is needed once one exists. Every session
   * ends; the caller gets a new one.
   */
  async changePassword(
    change: { currentPassword?: string | undefined; newPassword: string },
    address: string,
  ): Promise<NewSession> {
    const stored = this.storedHash();
    if (stored !== undefined) {
      if (change.currentPassword === undefined) throw invalidInput('currentPassword is required');
      await this.checkPassword(change.currentPassword, stored, address);
    }
    await this.setPassword(change.newPassword, 'api', address);
    return this.sessions.create();
  }

  /** Sets or replaces the password (the CLI and start-up use this directly) and ends every session. */
  async setPassword(password: string, source: PasswordSource, address?: string): Promise<void> {
    checkNewPassword(password);
    const hash = await hashPassword(password);
    const ended = this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO admin_password (id, hash, changed_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, changed_at = excluded.changed_at',
        )
        .run(hash, this.clock.now());
      return this.sessions.endAll();
    })();
    this.events.record({
      level: 'info',
      category: 'auth',
      message: `admin password set (${sourceLabel[source]}); ${ended} session${ended === 1 ? '' : 's'} ended`,
      details: { source, endedSessions: ended, ...(address ? { address } : {}) },
    });
  }

  /**
   * `TUNERBRIDGE_ADMIN_PASSWORD` at start-up: sets the password unless it already is that one,
   * so a restart with the variable still set keeps the sessions.
   */
  async applyStartupPassword(password: string): Promise<'set' | 'unchanged'> {
    checkNewPassword(password);
    const stored = this.storedHash();
    if (stored !== undefined && (await verifyPassword(password, stored))) return 'unchanged';
    await this.setPassword(password, 'env');
    return 'set';
  }

  /** Ends the session `id` (logout). */
  logout(id: number, address: string): void {
    this.sessions.end(id);
    this.log.info({ address }, 'admin logged out');
  }

  createKey(name: string, address: string): NewApiKey {
    const key = this.keys.create(name);
    this.events.record({
      level: 'info',
      category: 'auth',
      message: `API key "${name}" created`,
      details: { keyId: key.id, address },
    });
    return key;
  }

  listKeys(): ApiKey[] {
    return this.keys.list();
  }

  /** Revokes a key at once: its next request is refused. */
  revokeKey(id: number, address: string): void {
    const name = this.keys.revoke(id);
    if (name === undefined) throw new AppError('NOT_FOUND', 'API key not found');
    this.events.record({
      level: 'info',
      category: 'auth',
      message: `API key "${name}" revoked`,
      details: { keyId: id, address },
    });
  }

  private storedHash(): string | undefined {
    return this.db.prepare('SELECT hash FROM admin_password WHERE id = 1').pluck().get() as string | undefined;
  }

  /** Verifies `password` against `stored` under the failed-attempt limit of `address`. */
  private async checkPassword(password: string, stored: string, address: string): Promise<void> {
    const waitMs = this.limiter.retryAfterMs(address);
    if (waitMs > 0) throw tooManyAttempts(waitMs);
    // Counted before the (slow) check and forgiven on success: parallel guesses cannot slip past the limit.
    const limited = this.limiter.recordFailure(address);
    if (await verifyPassword(password, stored)) {
      this.limiter.clear(address);
      return;
    }
    this.events.record({
      level: 'warn',
      category: 'auth',
      message: limited ? 'failed admin login; further attempts refused for a while' : 'failed admin login',
      details: { address },
    });
    throw new AppError('LOGIN_FAILED', 'wrong password', { details: { address } });
  }
}

const sourceLabel: Record<PasswordSource, string> = {
  api: 'through the API',
  cli: 'with tunerbridge set-password',
  env: 'from TUNERBRIDGE_ADMIN_PASSWORD',
};

function checkNewPassword(password: string): void {
  if (password.length < minPasswordLength)
    throw invalidInput(`the admin password needs at least ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength)
    throw invalidInput(`the admin password may have at most ${maxPasswordLength} characters`);
}

function tooManyAttempts(waitMs: number): AppError {
  const seconds = Math.ceil(waitMs / 1000);
  return new AppError('TOO_MANY_ATTEMPTS', 'too many failed logins; try again later', {
    headers: { 'Retry-After': String(seconds) },
  });
}
