-- The number of tasks per project and per combination of the task columns
-- that data manager filters read most (is_labeled, the annotation and
-- prediction counters, ground_truth_annotations, overlap, state). A count of
-- the tasks that a filter on these columns alone matches sums the `n` of the
-- matching rows instead of reading every task. The columns keep the names of
-- tasks' columns, so a filter compiled against tasks (alias t) runs
-- unchanged against this table.
--
-- On PostgreSQL the table holds deltas: statement-level triggers only ever
-- insert rows (+n for tasks that arrive in a combination, -n for tasks that
-- leave one), grouped per statement, in the writer's transaction. Writers
-- never update a shared row, so two annotators moving tasks between the
-- same two combinations in opposite order neither wait for nor deadlock
-- with each other. Readers sum the rows; CompactTaskColumnCounts
-- (query_store.cc) folds a project's deltas into one row per combination.
CREATE TABLE task_column_counts (
  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  is_labeled BIGINT NOT NULL,
  total_annotations BIGINT NOT NULL,
  cancelled_annotations BIGINT NOT NULL,
  total_predictions BIGINT NOT NULL,
  ground_truth_annotations BIGINT NOT NULL,
  overlap BIGINT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL
);
CREATE INDEX task_column_counts_project ON task_column_counts (project_id);

INSERT INTO task_column_counts
  SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
         ground_truth_annotations, overlap, state, COUNT(*)
  FROM tasks
  GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
           ground_truth_annotations, overlap, state;

CREATE FUNCTION add_task_column_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_column_counts
    SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
           ground_truth_annotations, overlap, state, COUNT(*)
    FROM new_tasks
    GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
             ground_truth_annotations, overlap, state;
  RETURN NULL;
END
$$;

-- Tasks that a project's deletion removes by cascade add no deltas: the
-- project's rows here go by the same cascade, and a delta for a deleted
-- project would fail the foreign key.
CREATE FUNCTION remove_task_column_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_column_counts
    SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
           ground_truth_annotations, overlap, state, -COUNT(*)
    FROM old_tasks o
    WHERE EXISTS (SELECT 1 FROM projects p WHERE p.id = o.project_id)
    GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
             ground_truth_annotations, overlap, state;
  RETURN NULL;
END
$$;

-- Most task updates leave every counted column as it was, so the moves
-- cancel out per combination and nothing is inserted.
CREATE FUNCTION move_task_column_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_column_counts
    SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
           ground_truth_annotations, overlap, state, SUM(n)
    FROM (SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
                 ground_truth_annotations, overlap, state, -1 AS n
          FROM old_tasks
          UNION ALL
          SELECT project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
                 ground_truth_annotations, overlap, state, 1 AS n
          FROM new_tasks) AS moved
    GROUP BY project_id, is_labeled, total_annotations, cancelled_annotations, total_predictions,
             ground_truth_annotations, overlap, state
    HAVING SUM(n) <> 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER tasks_column_counts_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION add_task_column_counts();
CREATE TRIGGER tasks_column_counts_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
  FOR EACH STATEMENT EXECUTE FUNCTION move_task_column_counts();
CREATE TRIGGER tasks_column_counts_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_tasks FOR EACH STATEMENT EXECUTE FUNCTION remove_task_column_counts();
