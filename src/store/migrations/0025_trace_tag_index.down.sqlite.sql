DROP TABLE trace_tag_counts;
CREATE TABLE trace_tags_old (
  project_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (project_id, trace_id, tag)
);
INSERT INTO trace_tags_old (project_id, trace_id, tag) SELECT project_id, trace_id, tag FROM trace_tags;
DROP TABLE trace_tags;
ALTER TABLE trace_tags_old RENAME TO trace_tags;
CREATE INDEX trace_tags_project_tag_trace ON trace_tags (project_id, tag, trace_id);
