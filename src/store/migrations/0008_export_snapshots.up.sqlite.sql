-- Export snapshots: a project's JSON export saved as a file under
-- <data dir>/exports/<project id>/<id>.json by a labeling.export job, then
-- downloaded in any format. `selection` is the JSON of the tasks and
-- annotations it includes; `status` is created, in_progress, completed or
-- failed, as Label Studio reports it.
CREATE TABLE export_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'created',
  selection TEXT NOT NULL DEFAULT '{}',
  job_id BIGINT,
  task_count INTEGER NOT NULL DEFAULT 0,
  file_bytes BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX export_snapshots_project ON export_snapshots (project_id, id);
