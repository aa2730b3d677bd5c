-- The number of named traces per project, name and environment, kept by
-- triggers like trace_counts, so a list filtered by name (and optionally
-- environments) reports its total without counting the name's traces.
-- Traces without a name are not counted: a name filter never matches them.
CREATE TABLE trace_name_counts (
  project_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  environment TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (project_id, name, environment)
);
INSERT INTO trace_name_counts (project_id, name, environment, count)
  SELECT project_id, name, environment, COUNT(*) FROM traces WHERE name IS NOT NULL
  GROUP BY project_id, name, environment;

CREATE TRIGGER traces_name_count_insert AFTER INSERT ON traces WHEN NEW.name IS NOT NULL BEGIN
  INSERT INTO trace_name_counts (project_id, name, environment, count)
    VALUES (NEW.project_id, NEW.name, NEW.environment, 1)
    ON CONFLICT (project_id, name, environment) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER traces_name_count_delete AFTER DELETE ON traces WHEN OLD.name IS NOT NULL BEGIN
  UPDATE trace_name_counts SET count = count - 1
    WHERE project_id = OLD.project_id AND name = OLD.name AND environment = OLD.environment;
END;
-- A later event may set, change or clear a trace's name. An old or new name
-- that is NULL matches no counter row, so its step changes nothing.
CREATE TRIGGER traces_name_count_update AFTER UPDATE OF project_id, name, environment ON traces
  WHEN OLD.project_id <> NEW.project_id OR OLD.name IS NOT NEW.name OR OLD.environment <> NEW.environment BEGIN
  UPDATE trace_name_counts SET count = count - 1
    WHERE project_id = OLD.project_id AND name = OLD.name AND environment = OLD.environment;
  INSERT INTO trace_name_counts (project_id, name, environment, count)
    SELECT NEW.project_id, NEW.name, NEW.environment, 1 WHERE NEW.name IS NOT NULL
    ON CONFLICT (project_id, name, environment) DO UPDATE SET count = count + 1;
END;
