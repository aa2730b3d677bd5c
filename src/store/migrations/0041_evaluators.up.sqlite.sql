-- LLM-as-a-judge: OpenAI-compatible connections with sealed API keys,
-- evaluator rules that pick new traces, and one execution per (rule, trace).
-- Times are microseconds since the Unix epoch.

-- api_key_sealed is the SecretBox output ("v1:…"); the clear key is never
-- stored, and only its last four characters are shown back.
CREATE TABLE llm_connections (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  base_url TEXT NOT NULL,
  model TEXT NOT NULL,
  api_key_sealed TEXT NOT NULL,
  api_key_last4 TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX llm_connections_project_name ON llm_connections (project_id, name);

-- scanned_until is the created_at of the newest trace the scheduler has
-- looked at for this rule; a new rule starts at its creation time, so only
-- traces ingested afterwards are evaluated.
CREATE TABLE evaluator_rules (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  prompt TEXT NOT NULL,
  variable_mapping TEXT NOT NULL,
  filter TEXT NOT NULL,
  sampling REAL NOT NULL,
  delay_ms INTEGER NOT NULL,
  score_name TEXT NOT NULL,
  score_data_type TEXT NOT NULL,
  score_categories TEXT,
  status TEXT NOT NULL,
  scanned_until INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX evaluator_rules_project_name ON evaluator_rules (project_id, name);
CREATE INDEX evaluator_rules_status ON evaluator_rules (status);

CREATE TABLE evaluator_executions (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  status TEXT NOT NULL,
  job_id INTEGER,
  score_id TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE UNIQUE INDEX evaluator_executions_rule_trace ON evaluator_executions (project_id, rule_id, trace_id);

-- The scheduler reads new traces of a project in creation order.
CREATE INDEX traces_project_created ON traces (project_id, created_at);
