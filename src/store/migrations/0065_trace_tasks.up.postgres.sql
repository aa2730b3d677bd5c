-- Tasks made from traces or observations: the task's annotations become
-- scores (source ANNOTATION) on the trace they came from.
CREATE TABLE task_trace_links (
  task_id BIGINT PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
  trace_project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  trace_id TEXT NOT NULL,
  observation_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX task_trace_links_trace ON task_trace_links (trace_project_id, trace_id);
