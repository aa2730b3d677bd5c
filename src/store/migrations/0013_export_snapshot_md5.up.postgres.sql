-- The md5 of a completed export snapshot's file (hex), which Label Studio
-- reports in the export object's `md5` field; empty until the file is
-- complete.
ALTER TABLE export_snapshots ADD COLUMN md5 TEXT NOT NULL DEFAULT '';
