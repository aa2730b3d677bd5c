-- The number of tasks per project and per combination of the task columns
-- that data manager filters read most (is_labeled, the annotation and
-- prediction counters, ground_truth_annotations, overlap, state). A count of
-- the tasks that a filter on these columns alone matches sums the `n` of the
-- matching rows, a few dozen per project, instead of reading every task.
-- The columns keep the names of tasks' columns, so a filter compiled
-- against tasks (alias t) runs unchanged against this table.
--
-- Row-level triggers keep `n` exact in the same transaction as every write
-- to tasks. SQLite serializes writers, so an upsert per written row cannot
-- deadlock. The PostgreSQL version of this migration uses an insert-only
-- table of deltas instead.
CREATE TABLE task_column_counts (
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  is_labeled INTEGER NOT NULL,
  total_annotations INTEGER NOT NULL,
  cancelled_annotations INTEGER NOT NULL,
  total_predictions INTEGER NOT NULL,
  ground_truth_annotations INTEGER NOT NULL,
  overlap INTEGER NOT NULL,
  state TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
               ground_truth_annotations, overlap, state)
) WITHOUT ROWID;

INSERT INTO task_column_counts
  SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
         ground_truth_annotations, overlap, state, COUNT(*)
  FROM tasks
  GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
           ground_truth_annotations, overlap, state;

CREATE TRIGGER tasks_column_counts_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_column_counts VALUES (NEW.project_id, NEW.is_labeled, NEW.total_annotations,
      NEW.cancelled_annotations, NEW.total_predictions, NEW.ground_truth_annotations, NEW.overlap, NEW.state, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Most task updates rewrite every counter with mostly the same values, so
-- the WHEN clause skips those that move no task to another row.
CREATE TRIGGER tasks_column_counts_update AFTER UPDATE ON tasks
  WHEN OLD.project_id IS NOT NEW.project_id OR OLD.is_labeled IS NOT NEW.is_labeled
    OR OLD.total_annotations IS NOT NEW.total_annotations
    OR OLD.cancelled_annotations IS NOT NEW.cancelled_annotations
    OR OLD.total_predictions IS NOT NEW.total_predictions
    OR OLD.ground_truth_annotations IS NOT NEW.ground_truth_annotations
    OR OLD.overlap IS NOT NEW.overlap OR OLD.state IS NOT NEW.state
BEGIN
  UPDATE task_column_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND is_labeled = OLD.is_labeled
      AND total_annotations = OLD.total_annotations AND cancelled_annotations = OLD.cancelled_annotations
      AND total_predictions = OLD.total_predictions AND ground_truth_annotations = OLD.ground_truth_annotations
      AND overlap = OLD.overlap AND state = OLD.state;
  DELETE FROM task_column_counts
    WHERE project_id = OLD.project_id AND is_labeled = OLD.is_labeled
      AND total_annotations = OLD.total_annotations AND cancelled_annotations = OLD.cancelled_annotations
      AND total_predictions = OLD.total_predictions AND ground_truth_annotations = OLD.ground_truth_annotations
      AND overlap = OLD.overlap AND state = OLD.state AND n = 0;
  INSERT INTO task_column_counts VALUES (NEW.project_id, NEW.is_labeled, NEW.total_annotations,
      NEW.cancelled_annotations, NEW.total_predictions, NEW.ground_truth_annotations, NEW.overlap, NEW.state, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tasks_column_counts_delete AFTER DELETE ON tasks BEGIN
  UPDATE task_column_counts SET n = n - 1
    WHERE project_id = OLD.project_id AND is_labeled = OLD.is_labeled
      AND total_annotations = OLD.total_annotations AND cancelled_annotations = OLD.cancelled_annotations
      AND total_predictions = OLD.total_predictions AND ground_truth_annotations = OLD.ground_truth_annotations
      AND overlap = OLD.overlap AND state = OLD.state;
  DELETE FROM task_column_counts
    WHERE project_id = OLD.project_id AND is_labeled = OLD.is_labeled
      AND total_annotations = OLD.total_annotations AND cancelled_annotations = OLD.cancelled_annotations
      AND total_predictions = OLD.total_predictions AND ground_truth_annotations = OLD.ground_truth_annotations
      AND overlap = OLD.overlap AND state = OLD.state AND n = 0;
END;
