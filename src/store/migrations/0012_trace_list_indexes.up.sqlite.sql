-- Trace lists filter on one column and show the newest traces first. With the
-- timestamp in the filter's index, the first page of a user's, session's or
-- name's traces is read in order instead of sorting every match, and the
-- planner has no reason to walk the whole timestamp index instead.
DROP INDEX traces_project_user;
DROP INDEX traces_project_session;
DROP INDEX traces_project_name;
CREATE INDEX traces_project_user_timestamp ON traces (project_id, user_id, timestamp);
CREATE INDEX traces_project_session_timestamp ON traces (project_id, session_id, timestamp);
CREATE INDEX traces_project_name_timestamp ON traces (project_id, name, timestamp);

-- A tag filter reads the trace ids of one tag. With trace_id in the index the
-- read never touches the table, and SQLite (which has no statistics unless
-- ANALYZE ran) then prefers it to the primary key.
DROP INDEX trace_tags_project_tag;
CREATE INDEX trace_tags_project_tag_trace ON trace_tags (project_id, tag, trace_id);

-- The observations and scores of a trace are read in time order (trace
-- detail, and the ids and latency of each trace in a list). With the time in
-- the trace index that read is a range scan of the trace's own rows.
DROP INDEX observations_project_trace;
CREATE INDEX observations_project_trace_start ON observations (project_id, trace_id, start_time);
DROP INDEX scores_project_trace;
CREATE INDEX scores_project_trace_timestamp ON scores (project_id, trace_id, timestamp);

-- The number of traces per project and environment, kept by triggers, so an
-- unfiltered trace list (or one filtered by environment only) reports its
-- total without counting every trace of the project. SQLite serializes
-- writers, so one counter row per environment costs no concurrency. The
-- PostgreSQL schema has no such table: there the counter rows would
-- serialize concurrent ingestion transactions of a project across
-- processes, so its totals are counted.
CREATE TABLE trace_counts (
  project_id INTEGER NOT NULL,
  environment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (project_id, environment)
);
INSERT INTO trace_counts (project_id, environment, count)
  SELECT project_id, environment, COUNT(*) FROM traces GROUP BY project_id, environment;

CREATE TRIGGER traces_count_insert AFTER INSERT ON traces BEGIN
  INSERT INTO trace_counts (project_id, environment, count) VALUES (NEW.project_id, NEW.environment, 1)
    ON CONFLICT (project_id, environment) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER traces_count_delete AFTER DELETE ON traces BEGIN
  UPDATE trace_counts SET count = count - 1 WHERE project_id = OLD.project_id AND environment = OLD.environment;
END;
CREATE TRIGGER traces_count_update AFTER UPDATE OF project_id, environment ON traces
  WHEN OLD.project_id <> NEW.project_id OR OLD.environment <> NEW.environment BEGIN
  UPDATE trace_counts SET count = count - 1 WHERE project_id = OLD.project_id AND environment = OLD.environment;
  INSERT INTO trace_counts (project_id, environment, count) VALUES (NEW.project_id, NEW.environment, 1)
    ON CONFLICT (project_id, environment) DO UPDATE SET count = count + 1;
END;
