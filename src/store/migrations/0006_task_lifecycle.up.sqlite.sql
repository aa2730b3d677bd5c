-- Task lifecycle, task locks and data manager views.
--
-- tasks.state is the task's place in its project's workflow (unlabeled,
-- in_progress, labeled, reviewed, skipped, or a state the workflow adds);
-- every change of it writes a task_transitions row in the same transaction.
-- projects.workflow holds the project's declarative workflow definition as
-- JSON, NULL for the built-in one. tasks.disagreement is 1 minus the share
-- of the largest group of identical results among the task's annotations,
-- kept with the counters for the disagreement-first next-task strategy.

ALTER TABLE projects ADD COLUMN workflow TEXT;
ALTER TABLE tasks ADD COLUMN state TEXT NOT NULL DEFAULT 'unlabeled';
ALTER TABLE tasks ADD COLUMN disagreement DOUBLE PRECISION NOT NULL DEFAULT 0;

CREATE TABLE task_transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id BIGINT NOT NULL,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  event TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  annotation_id BIGINT,
  reason TEXT NOT NULL DEFAULT '',
  comment TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX task_transitions_task ON task_transitions (task_id, id);

CREATE TABLE annotation_reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  reviewer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  accepted INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX annotation_reviews_annotation ON annotation_reviews (annotation_id);

-- One row per (task, user) holding the task; rows past expire_at are dead
-- and purged lazily by the next-task endpoint.
CREATE TABLE task_locks (
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  expire_at BIGINT NOT NULL,
  PRIMARY KEY (task_id, user_id)
);

-- Data manager tabs: `data` is the UI's object (title, filters, ordering,
-- hiddenColumns, …) kept as sent.
CREATE TABLE dm_views (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX dm_views_project_user ON dm_views (project_id, user_id);
