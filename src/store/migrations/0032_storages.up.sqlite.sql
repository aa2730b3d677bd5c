-- Cloud and local storages of a project. role 'import' is a source storage
-- (sync creates tasks from its objects), 'export' a target storage
-- (annotations are written to it). settings holds the type's plain fields as
-- a JSON object; the credential fields (keys, secrets, service-account JSON)
-- are one JSON object sealed by the server's secret box, never stored in
-- clear. status follows Label Studio: initialized, queued, in_progress,
-- failed, completed, completed_with_errors.
CREATE TABLE storages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '{}',
  credentials_sealed TEXT,
  status TEXT NOT NULL DEFAULT 'initialized',
  traceback TEXT,
  meta TEXT NOT NULL DEFAULT '{}',
  last_sync INTEGER,
  last_sync_count INTEGER,
  last_sync_job INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX storages_project ON storages (project_id, role);

-- Which task each object of a source storage became. The primary key makes
-- a retried or concurrent sync skip an object instead of importing it twice.
-- row_index numbers the tasks of an object that holds a list of tasks.
CREATE TABLE storage_task_links (
  storage_id INTEGER NOT NULL REFERENCES storages (id) ON DELETE CASCADE,
  object_key TEXT NOT NULL,
  row_index INTEGER NOT NULL,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (storage_id, object_key, row_index)
);
CREATE INDEX storage_task_links_task ON storage_task_links (task_id);
