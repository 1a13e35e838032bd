-- Lineup overrides the matcher must respect.

-- 1 once a user set a channel's enabled state (PATCH, bulk). Until then the lineup keeps
-- "enabled = has a stream mapping" up to date by itself; afterwards it never changes it.
ALTER TABLE xmltv_channel_settings ADD COLUMN enabled_by_user INTEGER NOT NULL DEFAULT 0;

-- Pairs a user removed (DELETE a mapping, or left out of a PUT): automatic runs never re-add them.
-- Adding the mapping by hand again deletes the row.
CREATE TABLE channel_mapping_exclusions (
  xmltv_channel_id   INTEGER NOT NULL REFERENCES xmltv_channels(id) ON DELETE CASCADE,
  xtream_channel_id  INTEGER NOT NULL REFERENCES xtream_channels(id) ON DELETE CASCADE,
  created_at         INTEGER NOT NULL,
  PRIMARY KEY (xmltv_channel_id, xtream_channel_id)
);
CREATE INDEX channel_mapping_exclusions_xtream ON channel_mapping_exclusions(xtream_channel_id);
