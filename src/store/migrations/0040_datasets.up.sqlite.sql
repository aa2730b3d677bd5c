-- Langfuse-style datasets: items with an input and an expected output, and
-- runs whose run items link an item to the trace that processed it.
-- Times are microseconds since the Unix epoch; JSON fields are stored as
-- JSON text, NULL when absent.

CREATE TABLE datasets (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  metadata TEXT,
  input_schema TEXT,
  expected_output_schema TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX datasets_project_name ON datasets (project_id, name);
CREATE INDEX datasets_project_created ON datasets (project_id, created_at);

-- Item ids are unique per project, not per dataset, as in Langfuse: an
-- upsert names the item by id alone.
CREATE TABLE dataset_items (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ACTIVE',
  input TEXT,
  expected_output TEXT,
  metadata TEXT,
  source_trace_id TEXT,
  source_observation_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX dataset_items_dataset ON dataset_items (project_id, dataset_id, status, created_at);
CREATE INDEX dataset_items_source_trace ON dataset_items (project_id, source_trace_id);

CREATE TABLE dataset_runs (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  dataset_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  metadata TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX dataset_runs_dataset_name ON dataset_runs (project_id, dataset_id, name);

-- The trace need not exist when the run item is written: SDKs link the item
-- while the traced task is still running.
CREATE TABLE dataset_run_items (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  dataset_run_id TEXT NOT NULL,
  dataset_item_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  observation_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX dataset_run_items_run ON dataset_run_items (project_id, dataset_run_id, created_at);
CREATE INDEX dataset_run_items_item ON dataset_run_items (project_id, dataset_item_id);
