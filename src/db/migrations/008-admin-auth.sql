-- Admin authentication (owned by src/auth). Secrets are never stored: the password as a scrypt
-- hash with its salt and parameters, session tokens and API keys as SHA-256 of a 256-bit random
-- value, so a copy of the database lets no one in.

-- At most one admin password (id is always 1); no row = none set, /api answers loopback only.
CREATE TABLE admin_password (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  hash TEXT NOT NULL,
  changed_at INTEGER NOT NULL
);

-- Login sessions: in the database so they survive a restart; all deleted when the password changes.
CREATE TABLE admin_sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  -- Idle expiry counts from here; renewed on use at most every few minutes, not on every request.
  last_seen_at INTEGER NOT NULL,
  -- The absolute end, however active the session is.
  expires_at INTEGER NOT NULL
);

-- Named keys for scripts, revocable one by one.
CREATE TABLE admin_api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
