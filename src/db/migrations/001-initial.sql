-- Tunerbridge schema. All times are INTEGER Unix milliseconds (UTC).
-- Booleans are INTEGER 0/1. JSON columns hold text that parses as JSON.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL            -- JSON
);

CREATE TABLE accounts (
  id                        INTEGER PRIMARY KEY,
  name                      TEXT NOT NULL,
  server_url                TEXT NOT NULL,
  username                  TEXT NOT NULL,
  -- keyring: the keyring entry name; aes: base64(nonce|ciphertext|tag)
  password_secret           TEXT NOT NULL,
  password_backend          TEXT NOT NULL CHECK (password_backend IN ('keyring', 'aes')),
  -- the user's limit wins over the provider's (advertised limits are often wrong)
  max_connections           INTEGER CHECK (max_connections IS NULL OR max_connections >= 1),
  provider_max_connections  INTEGER,
  is_active                 INTEGER NOT NULL DEFAULT 1,
  status                    TEXT NOT NULL DEFAULT 'unchecked',  -- provider status (Active, Expired…), 'unchecked' or 'error'
  exp_date                  INTEGER,                            -- ms; NULL = never / unknown
  active_cons               INTEGER,
  last_checked_at           INTEGER,
  last_scanned_at           INTEGER,
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER NOT NULL
);

-- One provider channel: the tier variants of one name on one account ("UK: BBC One SD/HD/4K").
CREATE TABLE xtream_channels (
  id               INTEGER PRIMARY KEY,
  account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  group_key        TEXT NOT NULL,         -- name with tier markers removed, case-folded: groups variants
  name             TEXT NOT NULL,         -- display name with tier markers removed
  normalized_name  TEXT NOT NULL,         -- for matching
  icon             TEXT,
  category_id      TEXT,
  category_name    TEXT,
  epg_channel_id   TEXT,
  qualities        TEXT NOT NULL DEFAULT '[]',   -- JSON, best first, e.g. ["4K","HD","SD"]
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (account_id, group_key)
);
CREATE INDEX xtream_channels_account ON xtream_channels(account_id);

-- One provider stream id: one tier of one provider channel.
CREATE TABLE xtream_streams (
  id                 INTEGER PRIMARY KEY,
  account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  xtream_channel_id  INTEGER NOT NULL REFERENCES xtream_channels(id) ON DELETE CASCADE,
  stream_id          INTEGER NOT NULL,     -- the provider's id, used in /live/u/p/{stream_id}.ts
  name               TEXT NOT NULL,        -- the provider's raw name
  tier               TEXT NOT NULL CHECK (tier IN ('4K', 'FHD', 'HD', 'SD', 'unknown')),
  num                INTEGER,
  icon               TEXT,
  category_id        TEXT,
  epg_channel_id     TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (account_id, stream_id)
);
CREATE INDEX xtream_streams_channel ON xtream_streams(xtream_channel_id);

CREATE TABLE xmltv_sources (
  id                    INTEGER PRIMARY KEY,
  name                  TEXT NOT NULL,
  url                   TEXT NOT NULL,     -- http(s) URL or local file path
  enabled               INTEGER NOT NULL DEFAULT 1,
  last_refresh_at       INTEGER,
  last_error            TEXT,
  channel_count         INTEGER NOT NULL DEFAULT 0,
  programme_count       INTEGER NOT NULL DEFAULT 0,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);

-- The lineup: one row per XMLTV channel id, merged across sources, plus synthetic channels.
CREATE TABLE xmltv_channels (
  id             INTEGER PRIMARY KEY,
  source_id      INTEGER REFERENCES xmltv_sources(id) ON DELETE SET NULL,  -- first source seen; NULL when synthetic
  channel_id     TEXT NOT NULL UNIQUE,     -- the XMLTV id: tvg-id and EPG id, stable forever
  display_name   TEXT NOT NULL,
  display_names  TEXT NOT NULL DEFAULT '[]',  -- JSON: every <display-name>
  icon           TEXT,
  url            TEXT,
  is_synthetic   INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

-- Which sources currently provide which channel (several sources merge into one channel).
CREATE TABLE xmltv_source_channels (
  source_id         INTEGER NOT NULL REFERENCES xmltv_sources(id) ON DELETE CASCADE,
  xmltv_channel_id  INTEGER NOT NULL REFERENCES xmltv_channels(id) ON DELETE CASCADE,
  PRIMARY KEY (source_id, xmltv_channel_id)
);

CREATE TABLE xmltv_channel_settings (
  xmltv_channel_id  INTEGER PRIMARY KEY REFERENCES xmltv_channels(id) ON DELETE CASCADE,
  is_enabled        INTEGER NOT NULL DEFAULT 0,
  display_order     INTEGER NOT NULL,
  channel_number    INTEGER UNIQUE,        -- the GuideNumber Plex sees; never changes on provider renames
  streams_lost_at   INTEGER,               -- set when a rescan removed every stream of a mapped channel
  updated_at        INTEGER NOT NULL
);

CREATE TABLE channel_mappings (
  id                 INTEGER PRIMARY KEY,
  xmltv_channel_id   INTEGER NOT NULL REFERENCES xmltv_channels(id) ON DELETE CASCADE,
  xtream_channel_id  INTEGER NOT NULL REFERENCES xtream_channels(id) ON DELETE CASCADE,
  match_confidence   REAL NOT NULL DEFAULT 1.0,
  is_manual          INTEGER NOT NULL DEFAULT 0,   -- set by a user: automatic runs never touch it
  is_primary         INTEGER NOT NULL DEFAULT 0,
  stream_priority    INTEGER NOT NULL DEFAULT 0,   -- failover order, 0 first
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (xmltv_channel_id, xtream_channel_id)
);
CREATE UNIQUE INDEX channel_mappings_one_primary ON channel_mappings(xmltv_channel_id) WHERE is_primary = 1;
CREATE INDEX channel_mappings_xtream ON channel_mappings(xtream_channel_id);

CREATE TABLE programmes (
  id                   INTEGER PRIMARY KEY,
  source_id            INTEGER NOT NULL REFERENCES xmltv_sources(id) ON DELETE CASCADE,
  channel_id           TEXT NOT NULL,         -- XMLTV channel id
  start_at             INTEGER NOT NULL,      -- ms UTC
  stop_at              INTEGER,               -- ms UTC; NULL when the guide gave none
  title                TEXT NOT NULL,
  sub_title            TEXT,
  description          TEXT,
  categories           TEXT NOT NULL DEFAULT '[]',  -- JSON
  episode_num_xmltv_ns TEXT,
  episode_num_onscreen TEXT,
  icon                 TEXT,
  rating               TEXT,
  is_new               INTEGER NOT NULL DEFAULT 0,
  previously_shown     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX programmes_channel_start ON programmes(channel_id, start_at);
CREATE INDEX programmes_source ON programmes(source_id);

CREATE TABLE event_log (
  id          INTEGER PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  category    TEXT NOT NULL,       -- e.g. 'stream', 'tuner', 'account', 'scan', 'guide', 'matching'
  message     TEXT NOT NULL,
  details     TEXT,                -- JSON; never secrets
  is_read     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_log_created ON event_log(created_at DESC, id DESC);
