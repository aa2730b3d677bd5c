DROP TABLE dataset_run_items;
DROP TABLE dataset_runs;
DROP TABLE dataset_items;
DROP TABLE datasets;
