-- ML backends connected to a project (Label Studio's ML backend protocol).
-- state: CO connected, DI disconnected (health failed), ER error (setup or
-- predict failed), TR training, PR predicting. The Basic auth password is
-- stored sealed by the server's secret box, never in clear.
CREATE TABLE ml_backends (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT 'default',
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'DI',
  error_message TEXT,
  model_version TEXT NOT NULL DEFAULT '',
  is_interactive INTEGER NOT NULL DEFAULT 0,
  auth_method TEXT NOT NULL DEFAULT 'NONE',
  basic_auth_user TEXT,
  basic_auth_pass_sealed TEXT,
  extra_params TEXT,
  timeout REAL NOT NULL DEFAULT 100,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ml_backends_project ON ml_backends (project_id);
