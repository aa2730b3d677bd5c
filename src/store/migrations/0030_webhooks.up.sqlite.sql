-- Webhooks: an organization's (project_id NULL) or one project's receivers
-- of labeling events. headers and actions are JSON text; the HMAC signing
-- secret is stored sealed by the server's secret box, never in clear.
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  send_payload INTEGER NOT NULL DEFAULT 1,
  send_for_all_actions INTEGER NOT NULL DEFAULT 1,
  headers TEXT NOT NULL DEFAULT '{}',
  is_active INTEGER NOT NULL DEFAULT 1,
  actions TEXT NOT NULL DEFAULT '[]',
  secret_sealed TEXT NOT NULL,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_organization ON webhooks (organization_id, project_id);

-- One row per delivery attempt. delivery_id names the event sent to one
-- webhook and stays the same across its retries.
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  delivery_id TEXT NOT NULL,
  action TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  latency_ms REAL,
  error TEXT,
  job_id INTEGER,
  is_test INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
