-- Dashboards of a project: named, ordered sets of widgets, each a metrics
-- query with a chart type and a place on a 12-column grid. Widgets live in
-- one JSON column because they are always read and written with their
-- dashboard. default_key marks the dashboards the server creates on demand
-- ("cost", "latency", …), at most one of each per project.
CREATE TABLE dashboards (
  id TEXT PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  default_key TEXT,
  widgets TEXT NOT NULL DEFAULT '[]',
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX dashboards_project ON dashboards (project_id, created_at);
CREATE UNIQUE INDEX dashboards_project_default ON dashboards (project_id, default_key) WHERE default_key IS NOT NULL;
