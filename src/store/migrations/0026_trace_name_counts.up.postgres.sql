-- The number of named traces per project, name and environment, so a list
-- filtered by name (and optionally environments) reports its total without
-- counting the name's traces. Traces without a name are not counted: a name
-- filter never matches them. Like trace_counts (migration 0025) the table
-- holds delta rows that statement-level triggers insert, and
-- CompactTraceCounts folds them.
CREATE TABLE trace_name_counts (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  environment TEXT NOT NULL,
  count BIGINT NOT NULL
);
CREATE INDEX trace_name_counts_project_name ON trace_name_counts (project_id, name, environment);
INSERT INTO trace_name_counts (project_id, name, environment, count)
  SELECT project_id, name, environment, COUNT(*) FROM traces WHERE name IS NOT NULL
  GROUP BY project_id, name, environment;

CREATE FUNCTION add_trace_name_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_name_counts (project_id, name, environment, count)
    SELECT project_id, name, environment, COUNT(*) FROM new_traces WHERE name IS NOT NULL
    GROUP BY project_id, name, environment;
  RETURN NULL;
END
$$;
CREATE FUNCTION remove_trace_name_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_name_counts (project_id, name, environment, count)
    SELECT project_id, name, environment, -COUNT(*) FROM old_traces WHERE name IS NOT NULL
    GROUP BY project_id, name, environment;
  RETURN NULL;
END
$$;
-- Most updates (each refold) keep the name and environment, so the moves
-- cancel out and nothing is inserted.
CREATE FUNCTION move_trace_name_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO trace_name_counts (project_id, name, environment, count)
    SELECT project_id, name, environment, SUM(n)
    FROM (SELECT project_id, name, environment, -1 AS n FROM old_traces WHERE name IS NOT NULL
          UNION ALL
          SELECT project_id, name, environment, 1 AS n FROM new_traces WHERE name IS NOT NULL) AS moved
    GROUP BY project_id, name, environment
    HAVING SUM(n) <> 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER traces_name_counts_insert AFTER INSERT ON traces
  REFERENCING NEW TABLE AS new_traces FOR EACH STATEMENT EXECUTE FUNCTION add_trace_name_counts();
CREATE TRIGGER traces_name_counts_update AFTER UPDATE ON traces
  REFERENCING OLD TABLE AS old_traces NEW TABLE AS new_traces
  FOR EACH STATEMENT EXECUTE FUNCTION move_trace_name_counts();
CREATE TRIGGER traces_name_counts_delete AFTER DELETE ON traces
  REFERENCING OLD TABLE AS old_traces FOR EACH STATEMENT EXECUTE FUNCTION remove_trace_name_counts();
