-- Migrations are append-only; this one repairs what editing a landed one did.
--
-- 006 was changed after it landed (xmltv_sources.account_id was added to it), so a database
-- migrated with its first version never got that column. Whether it is missing cannot be asked in
-- SQL, so the step for 007 in ../migration-steps.ts adds it (when missing) just before this file
-- runs, in the same transaction.

-- Written by every scan, read by nothing: it always held the same text as group_key.
ALTER TABLE xtream_channels DROP COLUMN normalized_name;
