import type { Clock } from '../core/index.js';
import type { Db } from '../db/index.js';
import { apiKeyPrefix, hashSecret, newSecret } from './tokens.js';

/** An API key as listed: never its key material. */
export interface ApiKey {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A key just created: `key` is shown this once and stored only as its hash. */
export interface NewApiKey {
  id: number;
  name: string;
  key: string;
  createdAt: number;
}

interface KeyRow {
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

// Like session renewal: last_used_at is informative, a write per minute per key is plenty.
const touchAfterMs = 60_000;

/** Named API keys for scripts in `admin_api_keys`, by the SHA-256 of the key. */
export class ApiKeyStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  create(name: string): NewApiKey {
    const key = newSecret(apiKeyPrefix);
    const createdAt = this.clock.now();
    const id = Number(
      this.db
        .prepare('INSERT INTO admin_api_keys (name, key_hash, created_at) VALUES (?, ?, ?)')
        .run(name, hashSecret(key), createdAt).lastInsertRowid,
    );
    return { id, name, key, createdAt };
  }

  list(): ApiKey[] {
    const rows = this.db
      .prepare('SELECT id, name, created_at, last_used_at FROM admin_api_keys ORDER BY id')
      .all() as KeyRow[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** The key `key` names (noting its use), or null. */
  find(key: string): ApiKey | null {
    if (!key.startsWith(apiKeyPrefix)) return null;
    const row = this.db
      .prepare('SELECT id, name, created_at, last_used_at FROM admin_api_keys WHERE key_hash = ?')
      .get(hashSecret(key)) as KeyRow | undefined;
    if (!row) return null;
    const now = this.clock.now();
    if (row.last_used_at === null || now - row.last_used_at >= touchAfterMs) {
      this.db.prepare('UPDATE admin_api_keys SET last_used_at = ? WHERE id = ?').run(now, row.id);
      row.last_used_at = now;
    }
    return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
  }

  /** Deletes a key; its name, or undefined when there was none. */
  revoke(id: number): string | undefined {
    const row = this.db.prepare('DELETE FROM admin_api_keys WHERE id = ? RETURNING name').get(id) as
      { name: string } | undefined;
    return row?.name;
  }
}
