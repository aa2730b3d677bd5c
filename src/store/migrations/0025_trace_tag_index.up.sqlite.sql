-- Tag rows carry their trace's timestamp and environment, so a list filtered
-- by tags (and optionally environments and a time window) is read and
-- counted from the tag index alone. The index is ordered by timestamp within
-- a tag: a page of the newest traces of a tag is a walk of its range, and a
-- second tag is checked by a lookup of the same (timestamp, trace_id) in that
-- tag's range, which lands next to the previous lookup when the matches are
-- close in time. UpsertTrace writes the columns with the trace's own values.
CREATE TABLE trace_tags_new (
  project_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  environment TEXT NOT NULL,
  PRIMARY KEY (project_id, trace_id, tag)
);
INSERT INTO trace_tags_new (project_id, trace_id, tag, timestamp, environment)
  SELECT g.project_id, g.trace_id, g.tag, t.timestamp, t.environment
  FROM trace_tags g JOIN traces t ON t.project_id = g.project_id AND t.id = g.trace_id;
DROP TABLE trace_tags;
ALTER TABLE trace_tags_new RENAME TO trace_tags;
CREATE INDEX trace_tags_project_tag_time ON trace_tags (project_id, tag, timestamp, trace_id, environment);

-- The number of traces per project, tag and environment, kept by triggers
-- like trace_counts, so a list filtered by one tag (and optionally
-- environments) reports its total without counting the tag's traces.
CREATE TABLE trace_tag_counts (
  project_id INTEGER NOT NULL,
  tag TEXT NOT NULL,
  environment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (project_id, tag, environment)
);
INSERT INTO trace_tag_counts (project_id, tag, environment, count)
  SELECT project_id, tag, environment, COUNT(*) FROM trace_tags GROUP BY project_id, tag, environment;

CREATE TRIGGER trace_tags_count_insert AFTER INSERT ON trace_tags BEGIN
  INSERT INTO trace_tag_counts (project_id, tag, environment, count)
    VALUES (NEW.project_id, NEW.tag, NEW.environment, 1)
    ON CONFLICT (project_id, tag, environment) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER trace_tags_count_delete AFTER DELETE ON trace_tags BEGIN
  UPDATE trace_tag_counts SET count = count - 1
    WHERE project_id = OLD.project_id AND tag = OLD.tag AND environment = OLD.environment;
END;
CREATE TRIGGER trace_tags_count_update AFTER UPDATE OF project_id, tag, environment ON trace_tags
  WHEN OLD.project_id <> NEW.project_id OR OLD.tag <> NEW.tag OR OLD.environment <> NEW.environment BEGIN
  UPDATE trace_tag_counts SET count = count - 1
    WHERE project_id = OLD.project_id AND tag = OLD.tag AND environment = OLD.environment;
  INSERT INTO trace_tag_counts (project_id, tag, environment, count)
    VALUES (NEW.project_id, NEW.tag, NEW.environment, 1)
    ON CONFLICT (project_id, tag, environment) DO UPDATE SET count = count + 1;
END;
