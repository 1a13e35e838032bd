import type { Db } from '../../src/db/index.js';
import type { Tier } from '../../src/core/index.js';

/**
 * Direct SQL seeding of preconditions (the real schema, the real SQLite file) for tests whose
 * subject is something else: a proxy test needs a mapped channel, not the whole import flow.
 * Accounts that must stream need a real stored password: create those through the accounts
 * domain instead (`testApp.domains.accounts.create`).
 */

const now = () => Date.now();

export interface SeedLineupChannel {
  channelId: string;
  displayName?: string;
  displayNames?: string[];
  icon?: string | null;
  number?: number;
  enabled?: boolean;
  synthetic?: boolean;
}

/** Inserts an XMLTV (lineup) channel with its settings row; returns its row id. */
export function seedLineupChannel(db: Db, input: SeedLineupChannel): number {
  const t = now();
  const name = input.displayName ?? input.channelId;
  const id = Number(
    db
      .prepare(
        `INSERT INTO xmltv_channels (channel_id, display_name, display_names, icon, is_synthetic, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.channelId,
        name,
        JSON.stringify(input.displayNames ?? [name]),
        input.icon ?? null,
        input.synthetic ? 1 : 0,
        t,
        t,
      ).lastInsertRowid,
  );
  const next = db
    .prepare(
      'SELECT coalesce(max(display_order), 0) + 1 AS n, coalesce(max(channel_number), 0) + 1 AS c FROM xmltv_channel_settings',
    )
    .get() as {
    n: number;
    c: number;
  };
  db.prepare(
    'INSERT INTO xmltv_channel_settings (xmltv_channel_id, is_enabled, display_order, channel_number, updated_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, input.enabled === false ? 0 : 1, next.n, input.number ?? next.c, t);
  return id;
}

export interface SeedProviderChannel {
  accountId: number;
  name: string;
  /** One provider stream per tier variant. */
  streams: { streamId: number; tier: Tier; name?: string }[];
  icon?: string | null;
  categoryName?: string | null;
  epgChannelId?: string | null;
}

/** Inserts a provider channel and its tier variants; returns the xtream_channels row id. */
export function seedProviderChannel(db: Db, input: SeedProviderChannel): number {
  const t = now();
  const qualities = input.streams.map((s) => s.tier).filter((tier) => tier !== 'unknown');
  const id = Number(
    db
      .prepare(
        `INSERT INTO xtream_channels (account_id, group_key, name, icon, category_id, category_name, epg_channel_id, qualities, created_at, updated_at)
         VALUES (?, ?, ?, ?, '1', ?, ?, ?, ?, ?)`,
      )
      .run(
        input.accountId,
        input.name.toLowerCase(),
        input.name,
        input.icon ?? null,
        input.categoryName ?? null,
        input.epgChannelId ?? null,
        JSON.stringify(qualities),
        t,
        t,
      ).lastInsertRowid,
  );
  const insert = db.prepare(
    `INSERT INTO xtream_streams (account_id, xtream_channel_id, stream_id, name, tier, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of input.streams)
    insert.run(input.accountId, id, s.streamId, s.name ?? `${input.name} ${s.tier}`, s.tier, t, t);
  return id;
}

export interface SeedMapping {
  lineupChannelId: number;
  providerChannelId: number;
  primary?: boolean;
  priority?: number;
  confidence?: number;
  manual?: boolean;
}

/** Maps a provider channel to a lineup channel. */
export function seedMapping(db: Db, input: SeedMapping): number {
  const t = now();
  return Number(
    db
      .prepare(
        `INSERT INTO channel_mappings (xmltv_channel_id, xtream_channel_id, match_confidence, is_manual, is_primary, stream_priority, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.lineupChannelId,
        input.providerChannelId,
        input.confidence ?? 1,
        input.manual ? 1 : 0,
        input.primary === false ? 0 : 1,
        input.priority ?? 0,
        t,
        t,
      ).lastInsertRowid,
  );
}

/** Inserts an account row with an opaque secret (for tests that never stream from it). */
export function seedAccountRow(
  db: Db,
  input: { name?: string; serverUrl?: string; maxConnections?: number; active?: boolean } = {},
): number {
  const t = now();
  return Number(
    db
      .prepare(
        `INSERT INTO accounts (name, server_url, username, password_secret, password_backend, max_connections, is_active, status, created_at, updated_at)
         VALUES (?, ?, 'user', 'not-a-real-secret', 'aes', ?, ?, 'Active', ?, ?)`,
      )
      .run(
        input.name ?? 'Test account',
        input.serverUrl ?? 'http://127.0.0.1:9',
        input.maxConnections ?? 2,
        input.active === false ? 0 : 1,
        t,
        t,
      ).lastInsertRowid,
  );
}
