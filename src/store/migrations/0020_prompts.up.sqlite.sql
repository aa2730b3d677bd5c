-- Langfuse-style prompt management: one row per prompt version, the labels
-- that point at versions, the tags shared by all versions of a name, and an
-- audit trail of who created versions and moved labels.

-- A version's `prompt` and `config` are JSON text: a string or an array of
-- chat messages, and any JSON value. Versions count from 1 per name and are
-- never renumbered, so a deleted version leaves a gap.
CREATE TABLE prompts (
  project_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  prompt TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  commit_message TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, id),
  UNIQUE (project_id, name, version)
);
CREATE INDEX prompts_project_updated ON prompts (project_id, updated_at);

-- The primary key makes a label sit on one version of a name at a time.
-- `position` keeps the order in which a version received its labels.
CREATE TABLE prompt_labels (
  project_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  version INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (project_id, name, label)
);
CREATE INDEX prompt_labels_version ON prompt_labels (project_id, name, version);

CREATE TABLE prompt_tags (
  project_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (project_id, name, tag)
);
CREATE INDEX prompt_tags_tag ON prompt_tags (project_id, tag);

-- action: create_version, add_label, remove_label or delete_version.
-- actor_kind is "user" (actor_id = user id) or "api_key" (actor_id = the
-- public key, never the secret). The id orders entries written in the same
-- microsecond, as one request's label moves are.
CREATE TABLE prompt_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  label TEXT,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX prompt_audit_name ON prompt_audit (project_id, name, id);
