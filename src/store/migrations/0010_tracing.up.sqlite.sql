-- Langfuse-style tracing: the raw ingestion events of every entity, and the
-- traces, observations, scores and sessions folded from them.

-- Every accepted ingestion event, kept so an entity can be re-folded from all
-- of its events whatever order they arrived in. Re-sending an event with the
-- same envelope id replaces its row, which keeps retries idempotent.
CREATE TABLE tracing_events (
  project_id INTEGER NOT NULL,
  entity_kind TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (project_id, entity_kind, entity_id, event_id)
);

CREATE TABLE traces (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  name TEXT,
  user_id TEXT,
  session_id TEXT,
  release TEXT,
  version TEXT,
  environment TEXT NOT NULL,
  public INTEGER NOT NULL DEFAULT 0,
  bookmarked INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '[]',
  metadata TEXT NOT NULL DEFAULT '{}',
  input TEXT,
  output TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX traces_project_timestamp ON traces (project_id, timestamp);
CREATE INDEX traces_project_user ON traces (project_id, user_id);
CREATE INDEX traces_project_session ON traces (project_id, session_id);
CREATE INDEX traces_project_name ON traces (project_id, name);

-- One row per (trace, tag) so "has all of these tags" is an indexed lookup.
CREATE TABLE trace_tags (
  project_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (project_id, trace_id, tag)
);
CREATE INDEX trace_tags_project_tag ON trace_tags (project_id, tag);

CREATE TABLE observations (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  parent_observation_id TEXT,
  type TEXT NOT NULL,
  name TEXT,
  environment TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  completion_start_time INTEGER,
  level TEXT NOT NULL,
  status_message TEXT,
  version TEXT,
  input TEXT,
  output TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  model TEXT,
  internal_model_id TEXT,
  model_parameters TEXT,
  usage_details TEXT NOT NULL DEFAULT '{}',
  cost_details TEXT NOT NULL DEFAULT '{}',
  total_cost REAL,
  pricing_tier_id TEXT,
  pricing_tier_name TEXT,
  prompt_name TEXT,
  prompt_version INTEGER,
  is_app_root INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX observations_project_trace ON observations (project_id, trace_id);
CREATE INDEX observations_project_start ON observations (project_id, start_time);

CREATE TABLE scores (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL,
  string_value TEXT,
  data_type TEXT NOT NULL,
  source TEXT NOT NULL,
  trace_id TEXT,
  observation_id TEXT,
  session_id TEXT,
  dataset_run_id TEXT,
  comment TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  config_id TEXT,
  queue_id TEXT,
  author_user_id TEXT,
  environment TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX scores_project_timestamp ON scores (project_id, timestamp);
CREATE INDEX scores_project_trace ON scores (project_id, trace_id);
CREATE INDEX scores_project_session ON scores (project_id, session_id);

CREATE TABLE trace_sessions (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  environment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX trace_sessions_project_created ON trace_sessions (project_id, created_at);

CREATE TABLE score_configs (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  data_type TEXT NOT NULL,
  categories TEXT,
  min_value REAL,
  max_value REAL,
  description TEXT,
  is_archived INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);

-- Project-owned model definitions; the managed defaults are compiled into
-- the binary and never stored here.
CREATE TABLE trace_models (
  id TEXT PRIMARY KEY,
  project_id INTEGER NOT NULL,
  model_name TEXT NOT NULL,
  match_pattern TEXT NOT NULL,
  start_date INTEGER,
  unit TEXT,
  tokenizer_id TEXT,
  tokenizer_config TEXT,
  pricing_tiers TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX trace_models_project ON trace_models (project_id);
