-- Label Studio's side of a project: label config, settings and counters on
-- the shared projects row; tasks, annotations (with their change history),
-- predictions, drafts and file uploads in tables of their own.
-- Timestamps are microseconds since the Unix epoch (UTC); JSON is stored as
-- text; booleans are 0/1.

ALTER TABLE projects ADD COLUMN label_config TEXT NOT NULL DEFAULT '<View></View>';
ALTER TABLE projects ADD COLUMN expert_instruction TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN show_instruction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN show_skip_button INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN enable_empty_annotation INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN show_annotation_history INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN reveal_preannotations_interactively INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN show_collab_predictions INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN evaluate_predictions_automatically INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN model_version TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN maximum_annotations INTEGER NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN overlap_cohort_percentage INTEGER NOT NULL DEFAULT 100;
ALTER TABLE projects ADD COLUMN show_overlap_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN show_ground_truth_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN sampling TEXT NOT NULL DEFAULT 'Sequential sampling';
ALTER TABLE projects ADD COLUMN skip_queue TEXT NOT NULL DEFAULT 'REQUEUE_FOR_OTHERS';
ALTER TABLE projects ADD COLUMN min_annotations_to_start_training INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN start_training_on_annotation_update INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN color TEXT NOT NULL DEFAULT '#FFFFFF';
ALTER TABLE projects ADD COLUMN is_published INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN is_draft INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN control_weights TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN pinned_at BIGINT;
ALTER TABLE projects ADD COLUMN custom_task_lock_ttl INTEGER;
ALTER TABLE projects ADD COLUMN task_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN finished_task_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN num_tasks_with_annotations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN total_annotations_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN skipped_annotations_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN useful_annotation_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN ground_truth_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN total_predictions_number INTEGER NOT NULL DEFAULT 0;

CREATE TABLE file_uploads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  file TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX file_uploads_project ON file_uploads (project_id);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  inner_id INTEGER NOT NULL,
  data TEXT NOT NULL,
  meta TEXT NOT NULL DEFAULT '{}',
  overlap INTEGER NOT NULL DEFAULT 1,
  is_labeled INTEGER NOT NULL DEFAULT 0,
  total_annotations INTEGER NOT NULL DEFAULT 0,
  cancelled_annotations INTEGER NOT NULL DEFAULT 0,
  total_predictions INTEGER NOT NULL DEFAULT 0,
  completed_annotations INTEGER NOT NULL DEFAULT 0,
  ground_truth_annotations INTEGER NOT NULL DEFAULT 0,
  useful_annotations INTEGER NOT NULL DEFAULT 0,
  allow_skip INTEGER NOT NULL DEFAULT 1,
  file_upload_id INTEGER REFERENCES file_uploads (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX tasks_project_inner_id ON tasks (project_id, inner_id);

CREATE TABLE predictions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  model_version TEXT NOT NULL DEFAULT '',
  score DOUBLE PRECISION,
  result TEXT,
  mislabeling DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX predictions_task ON predictions (task_id);
CREATE INDEX predictions_project ON predictions (project_id);

CREATE TABLE annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  completed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  result TEXT,
  was_cancelled INTEGER NOT NULL DEFAULT 0,
  ground_truth INTEGER NOT NULL DEFAULT 0,
  lead_time DOUBLE PRECISION,
  unique_id TEXT NOT NULL,
  import_id BIGINT,
  last_action TEXT,
  last_created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  parent_prediction INTEGER REFERENCES predictions (id) ON DELETE SET NULL,
  parent_annotation INTEGER REFERENCES annotations (id) ON DELETE SET NULL,
  prediction TEXT NOT NULL DEFAULT '{}',
  draft_created_at BIGINT,
  bulk_created INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX annotations_task ON annotations (task_id);
CREATE INDEX annotations_project ON annotations (project_id);

-- Every change to an annotation: one row per create, update and delete with
-- the state after the change (before it, for a delete). Rows outlive the
-- annotation, so a deleted annotation's history stays readable.
CREATE TABLE annotation_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  annotation_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  result TEXT,
  was_cancelled INTEGER NOT NULL,
  ground_truth INTEGER NOT NULL,
  lead_time DOUBLE PRECISION,
  created_at BIGINT NOT NULL
);
CREATE INDEX annotation_history_annotation ON annotation_history (annotation_id);

CREATE TABLE drafts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  annotation_id INTEGER REFERENCES annotations (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  result TEXT NOT NULL DEFAULT '[]',
  lead_time DOUBLE PRECISION,
  was_postponed INTEGER NOT NULL DEFAULT 0,
  import_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_task_user ON drafts (task_id, user_id);
