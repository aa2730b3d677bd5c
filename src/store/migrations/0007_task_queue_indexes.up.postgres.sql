-- Indexes for the next-task queries and data manager pages, so their cost
-- follows the rows a request returns or skips, not the project's size.
-- docs/next-task-plans.md shows the plan of each hot query.

-- Sequential and random picks: unlabeled tasks of a project in id order.
CREATE INDEX tasks_next_sequential ON tasks (project_id, is_labeled, id);
-- Disagreement-first picks, and breadth-first picks for overlap above one.
CREATE INDEX tasks_next_disagreement ON tasks (project_id, is_labeled, disagreement DESC, id);
CREATE INDEX tasks_next_breadth ON tasks (project_id, is_labeled, total_annotations DESC, id);
-- Data manager pages in id order, and counts over a project.
CREATE INDEX tasks_project_id ON tasks (project_id, id);
-- Uncertainty picks: a model version's predictions by score.
CREATE INDEX predictions_next_uncertainty ON predictions (project_id, model_version, score);
-- "Has the user annotated this task?" for every candidate, and the
-- user's skipped tasks.
CREATE INDEX annotations_task_user ON annotations (task_id, completed_by);
CREATE INDEX annotations_project_user ON annotations (project_id, completed_by, was_cancelled);
-- The user's postponed drafts.
CREATE INDEX drafts_project_user ON drafts (project_id, user_id, was_postponed);
-- Purging a project's expired locks, and the user's held lock.
CREATE INDEX task_locks_project_expiry ON task_locks (project_id, expire_at);
CREATE INDEX task_locks_project_user ON task_locks (project_id, user_id);
