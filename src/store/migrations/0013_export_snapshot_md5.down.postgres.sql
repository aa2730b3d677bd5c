ALTER TABLE export_snapshots DROP COLUMN md5;
