import type { Clock } from '../core/index.js';
import type { Db } from '../db/index.js';
import { hashSecret, newSecret, sessionTokenPrefix } from './tokens.js';

export interface SessionTimes {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after login, however active. */
  lifetimeMs: number;
}

/** A session just created: the token exists only here and in the client's cookie. */
export interface NewSession {
  id: number;
  token: string;
  /** When it ends if unused (idle), never past the absolute lifetime (Unix ms). */
  expiresAt: number;
  /** The absolute end, however active (Unix ms): the cookie lives this long. */
  endsAt: number;
}

export interface ActiveSession {
  id: number;
  expiresAt: number;
}

interface SessionRow {
  id: number;
  last_seen_at: number;
  expires_at: number;
}

// last_seen_at is written at most this often: idle expiry needs no finer grain, and a write on
// every API request would be a write per poll of the web UI.
const renewAfterMs = 5 * 60_000;

/** Login sessions in `admin_sessions`, by the SHA-256 of their token; they survive a restart. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly times: SessionTimes,
  ) {}

  /** Starts a session (and drops the expired ones). */
  create(): NewSession {
    const now = this.clock.now();
    this.prune(now);
    const token = newSecret(sessionTokenPrefix);
    const end = now + this.times.lifetimeMs;
    const id = Number(
      this.db
        .prepare('INSERT INTO admin_sessions (token_hash, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(hashSecret(token), now, now, end).lastInsertRowid,
    );
    return { id, token, expiresAt: Math.min(now + this.times.idleMs, end), endsAt: end };
  }

  /** The live session `token` names, renewing its idle time; null when unknown or expired (then deleted). */
  find(token: string): ActiveSession | null {
    if (!token.startsWith(sessionTokenPrefix)) return null;
    const row = this.db
      .prepare('SELECT id, last_seen_at, expires_at FROM admin_sessions WHERE token_hash = ?')
      .get(hashSecret(token)) as SessionRow | undefined;
    if (!row) return null;
    const now = this.clock.now();
    if (now >= row.expires_at || now >= row.last_seen_at + this.times.idleMs) {
      this.end(row.id);
      return null;
    }
    let lastSeen = row.last_seen_at;
    if (now - lastSeen >= renewAfterMs) {
      this.db.prepare('UPDATE admin_sessions SET last_seen_at = ? WHERE id = ?').run(now, row.id);
      lastSeen = now;
    }
    return { id: row.id, expiresAt: Math.min(lastSeen + this.times.idleMs, row.expires_at) };
  }

  /** Ends one session (logout). */
  end(id: number): void {
    this.db.prepare('DELETE FROM admin_sessions WHERE id = ?').run(id);
  }

  /** Ends every session (the password changed); returns how many there were. */
  endAll(): number {
    return this.db.prepare('DELETE FROM admin_sessions').run().changes;
  }

  /** How many sessions are stored (live or not yet pruned). */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM admin_sessions').pluck().get() as number;
  }

  private prune(now: number): void {
    this.db
      .prepare('DELETE FROM admin_sessions WHERE expires_at <= ? OR last_seen_at <= ?')
      .run(now, now - this.times.idleMs);
  }
}
