-- Tag rows carry their trace's timestamp and environment, so a list filtered
-- by tags (and optionally environments and a time window) is read and
-- counted with an index-only scan of the tag index. The index is ordered by
-- timestamp within a tag: a page of the newest traces of a tag is a walk of
-- its range, and a second tag is checked by a lookup of the same
-- (timestamp, trace_id) in that tag's range, which lands next to the
-- previous lookup when the matches are close in time. UpsertTrace writes the
-- columns with the trace's own values.
ALTER TABLE trace_tags ADD COLUMN timestamp BIGINT;
ALTER TABLE trace_tags ADD COLUMN environment TEXT;
UPDATE trace_tags g SET timestamp = t.timestamp, environment = t.environment
  FROM traces t WHERE t.project_id = g.project_id AND t.id = g.trace_id;
DELETE FROM trace_tags WHERE timestamp IS NULL;
ALTER TABLE trace_tags ALTER COLUMN timestamp SET NOT NULL;
ALTER TABLE trace_tags ALTER COLUMN environment SET NOT NULL;
DROP INDEX trace_tags_project_tag_trace;
CREATE INDEX trace_tags_project_tag_time ON trace_tags (project_id, tag, timestamp, trace_id, environment);

-- The number of traces per project and environment, and per project, tag
-- and environment, so an unfiltered list, an environment-only list and a
-- one-tag list (with or without environments) report their totals without
-- counting traces. The tables have the names and columns of SQLite's
-- trigger-kept counters, so the same SUM reads both.
--
-- Here the tables hold deltas: statement-level triggers only ever insert
-- rows (+n for traces or tag rows that arrive in an environment, -n for
-- those that leave one), grouped per statement, in the writer's
-- transaction. A single counter row per environment would make every
-- ingestion transaction of a project wait for the previous one to commit;
-- inserted deltas never wait. Readers sum the rows, and
-- CompactTraceCounts (trace_store.cc) folds a project's deltas into one
-- row per key after a list read summed too many of them.
CREATE TABLE trace_counts (
  project_id BIGINT NOT NULL,
  environment TEXT NOT NULL,
  count BIGINT NOT NULL
);
CREATE INDEX trace_counts_project ON trace_counts (project_id, environment);
INSERT INTO trace_counts (project_id, environment, count)
  SELECT project_id, environment, COUNT(*) FROM traces GROUP BY project_id, environment;

CREATE TABLE trace_tag_counts (
  project_id BIGINT NOT NULL,
  tag TEXT NOT NULL,
  environment TEXT NOT NULL,
  count BIGINT NOT NULL
);
CREATE INDEX trace_tag_counts_project_tag ON trace_tag_counts (project_id, tag, environment);
INSERT INTO trace_tag_counts (project_id, tag, environment, count)
  SELECT project_id, tag, environment, COUNT(*) FROM trace_tags GROUP BY project_id, tag, environment;

CREATE FUNCTION add_trace_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_counts (project_id, environment, count)
    SELECT project_id, environment, COUNT(*) FROM new_traces GROUP BY project_id, environment;
  RETURN NULL;
END
$$;
CREATE FUNCTION remove_trace_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_counts (project_id, environment, count)
    SELECT project_id, environment, -COUNT(*) FROM old_traces GROUP BY project_id, environment;
  RETURN NULL;
END
$$;
-- Nearly every trace update (each refold) keeps the environment, so the
-- moves cancel out and nothing is inserted.
CREATE FUNCTION move_trace_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_counts (project_id, environment, count)
    SELECT project_id, environment, SUM(n)
    FROM (SELECT project_id, environment, -1 AS n FROM old_traces
          UNION ALL
          SELECT project_id, environment, 1 AS n FROM new_traces) AS moved
    GROUP BY project_id, environment
    HAVING SUM(n) <> 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER traces_counts_insert AFTER INSERT ON traces
  REFERENCING NEW TABLE AS new_traces FOR EACH STATEMENT EXECUTE FUNCTION add_trace_counts();
CREATE TRIGGER traces_counts_update AFTER UPDATE ON traces
  REFERENCING OLD TABLE AS old_traces NEW TABLE AS new_traces FOR EACH STATEMENT EXECUTE FUNCTION move_trace_counts();
CREATE TRIGGER traces_counts_delete AFTER DELETE ON traces
  REFERENCING OLD TABLE AS old_traces FOR EACH STATEMENT EXECUTE FUNCTION remove_trace_counts();

CREATE FUNCTION add_trace_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_tag_counts (project_id, tag, environment, count)
    SELECT project_id, tag, environment, COUNT(*) FROM new_tags GROUP BY project_id, tag, environment;
  RETURN NULL;
END
$$;
CREATE FUNCTION remove_trace_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_tag_counts (project_id, tag, environment, count)
    SELECT project_id, tag, environment, -COUNT(*) FROM old_tags GROUP BY project_id, tag, environment;
  RETURN NULL;
END
$$;
CREATE FUNCTION move_trace_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_tag_counts (project_id, tag, environment, count)
    SELECT project_id, tag, environment, SUM(n)
    FROM (SELECT project_id, tag, environment, -1 AS n FROM old_tags
          UNION ALL
          SELECT project_id, tag, environment, 1 AS n FROM new_tags) AS moved
    GROUP BY project_id, tag, environment
    HAVING SUM(n) <> 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER trace_tags_counts_insert AFTER INSERT ON trace_tags
  REFERENCING NEW TABLE AS new_tags FOR EACH STATEMENT EXECUTE FUNCTION add_trace_tag_counts();
CREATE TRIGGER trace_tags_counts_update AFTER UPDATE ON trace_tags
  REFERENCING OLD TABLE AS old_tags NEW TABLE AS new_tags FOR EACH STATEMENT EXECUTE FUNCTION move_trace_tag_counts();
CREATE TRIGGER trace_tags_counts_delete AFTER DELETE ON trace_tags
  REFERENCING OLD TABLE AS old_tags FOR EACH STATEMENT EXECUTE FUNCTION remove_trace_tag_counts();
