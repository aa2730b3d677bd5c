-- The update log of each prompt's shared draft, edited live by several
-- people with Yjs: each row is one binary Yjs update, base64-encoded, that the
-- server relays without reading. A late joiner replays the rows in seq order.
-- Saving a version compacts the log: the saver's full document state
-- (is_snapshot = 1) replaces the rows it had already applied.
CREATE TABLE prompt_draft_updates (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  update_data TEXT NOT NULL,
  is_snapshot BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, name, seq)
);
