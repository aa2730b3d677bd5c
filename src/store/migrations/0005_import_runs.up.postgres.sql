-- Imports run by a background job, recorded in the transaction that commits
-- their tasks. A job that runs again after its worker died finds its row and
-- returns the recorded outcome instead of importing the tasks twice.
CREATE TABLE import_runs (
  job_id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  outcome TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
