-- Guide imports replace a source's programmes atomically without copying them: an import writes
-- its rows under the source's next generation, and readers see only each source's current one.
-- The switch (and the delete of the old generation) is one transaction at the end; a failed or
-- killed import leaves rows of a generation nobody reads, removed on failure or at start-up.
ALTER TABLE xmltv_sources ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE xmltv_sources ADD COLUMN last_attempt_at INTEGER;       -- ms; the last import tried, good or bad
ALTER TABLE xmltv_sources ADD COLUMN last_duration_ms INTEGER;      -- of the last successful import
ALTER TABLE programmes ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

DROP INDEX programmes_source;
CREATE INDEX programmes_source_generation ON programmes(source_id, generation);

-- A guide URL that carries credentials (provider links: xmltv.php?username=…&password=…) is kept
-- like an account password: in the keyring or AES-encrypted, with only its masked form in `url`.
ALTER TABLE xmltv_sources ADD COLUMN url_secret TEXT;
ALTER TABLE xmltv_sources ADD COLUMN url_backend TEXT CHECK (url_backend IS NULL OR url_backend IN ('keyring', 'aes'));

-- A source can be an account's own guide (`{server}/xmltv.php`): its URL is built from the
-- account at each import, so a changed password or server needs no edit here.
ALTER TABLE xmltv_sources ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE;
