-- A guide that carries wrong offsets (a provider's "+0000" on local times) is shifted by this many
-- minutes when it is read for output; the stored programmes stay as imported, so a change takes
-- effect at once without a re-import.
ALTER TABLE xmltv_sources ADD COLUMN time_shift_minutes INTEGER NOT NULL DEFAULT 0
  CHECK (time_shift_minutes BETWEEN -1440 AND 1440);

-- The logo URLs Tunerbridge handed out (M3U, XMLTV) under their /logos/<key> name: only these may
-- be fetched, so /logos is never an open proxy. Fetched files live in {dataDir}/logos; the type
-- the origin sent is kept to serve them with.
CREATE TABLE logos (
  key TEXT PRIMARY KEY,                -- sha256 of the URL (hex) + "." + extension
  url TEXT NOT NULL,
  content_type TEXT,                   -- set by the first successful fetch
  created_at INTEGER NOT NULL
);
