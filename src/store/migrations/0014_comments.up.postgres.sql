-- Langfuse comments: markdown notes on a trace, observation, session or
-- prompt version. `object_id` names the object within the project and is
-- checked on insert only, so a comment outlives the object it was made on.
-- `author_user_id` is the commenting user's id as text (Langfuse's user ids
-- are strings), or NULL when a key pair wrote it without naming one.
CREATE TABLE comments (
  project_id BIGINT NOT NULL,
  id TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  content TEXT NOT NULL,
  author_user_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX comments_project_object_created ON comments (project_id, object_type, object_id, created_at);
