import { isoTime } from '../core/index.js';
import type { Db } from '../db/index.js';
import type { StoredSecret } from '../credentials/index.js';

/** An `accounts` row as stored. */
export interface AccountRow {
  id: number;
  name: string;
  server_url: string;
  username: string;
  password_secret: string;
  password_backend: 'keyring' | 'aes';
  max_connections: number | null;
  provider_max_connections: number | null;
  is_active: number;
  status: string;
  exp_date: number | null;
  active_cons: number | null;
  last_checked_at: number | null;
  last_scanned_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What the API shows of an account: never the password, nor its secret. */
export interface AccountView {
  id: number;
  name: string;
  serverUrl: string;
  username: string;
  maxConnections: number;
  isActive: boolean;
  status: string;
  expiresAt: string | null;
  activeConnections: number | null;
  lastCheckedAt: string | null;
}

/** The user's limit wins (advertised limits are often wrong), else the provider's from the last test, else 1. */
export function effectiveMaxConnections(row: Pick<AccountRow, 'max_connections' | 'provider_max_connections'>): number {
  return row.max_connections ?? row.provider_max_connections ?? 1;
}

/** Row → API view. */
export function toAccountView(row: AccountRow): AccountView {
  return {
    id: row.id,
    name: row.name,
    serverUrl: row.server_url,
    username: row.username,
    maxConnections: effectiveMaxConnections(row),
    isActive: row.is_active === 1,
    status: row.status,
    expiresAt: isoTime(row.exp_date),
    activeConnections: row.active_cons,
    lastCheckedAt: isoTime(row.last_checked_at),
  };
}

/** The stored password reference of a row. */
export const secretOf = (row: AccountRow): StoredSecret => ({
  backend: row.password_backend,
  secret: row.password_secret,
});

/** Reads one account row, or undefined. */
export function findAccountRow(db: Db, id: number): AccountRow | undefined {
  return db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
}

/** Every account row, oldest first. */
export function listAccountRows(db: Db): AccountRow[] {
  return db.prepare('SELECT * FROM accounts ORDER BY id').all() as AccountRow[];
}

export interface NewAccountRow {
  name: string;
  serverUrl: string;
  username: string;
  secret: StoredSecret;
  maxConnections: number | null;
  now: number;
}

/** Inserts an account; returns its id. */
export function insertAccountRow(db: Db, row: NewAccountRow): number {
  return Number(
    db
      .prepare(
        `INSERT INTO accounts (name, server_url, username, password_secret, password_backend, max_connections, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.name,
        row.serverUrl,
        row.username,
        row.secret.secret,
        row.secret.backend,
        row.maxConnections,
        row.now,
        row.now,
      ).lastInsertRowid,
  );
}

const updatable = [
  'name',
  'server_url',
  'username',
  'password_secret',
  'password_backend',
  'max_connections',
  'provider_max_connections',
  'is_active',
  'status',
  'exp_date',
  'active_cons',
  'last_checked_at',
  'last_scanned_at',
] as const;
export type AccountChanges = Partial<Pick<AccountRow, (typeof updatable)[number]>>;

/** Updates the given columns (and updated_at). */
export function updateAccountRow(db: Db, id: number, changes: AccountChanges, now: number): void {
  const columns = updatable.filter((c) => c in changes);
  if (columns.length === 0) return;
  const set = columns.map((c) => `${c} = ?`).join(', ');
  db.prepare(`UPDATE accounts SET ${set}, updated_at = ? WHERE id = ?`).run(
    ...columns.map((c) => changes[c] ?? null),
    now,
    id,
  );
}

/** Deletes an account; its provider channels, streams and mappings go with it (ON DELETE CASCADE). */
export function deleteAccountRow(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0;
}
