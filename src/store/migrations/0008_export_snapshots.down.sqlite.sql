DROP TABLE export_snapshots;
