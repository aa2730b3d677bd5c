-- Where each annotator's walk for the next task by id may start. Every task
-- of the project whose id is below floor_task_id is labeled or carries an
-- annotation of the user (submitted or skipped), so it can never be that
-- user's next task. Without the floor, an annotator who skipped many tasks
-- walks past all of them on every request, one annotation probe each.
--
-- PostgreSQL only: SQLite walks those rows in-process, fast enough that the
-- bookkeeping would cost more than it saves.
--
-- The pick raises a floor only by compare-and-set on version, reading the
-- floor in the same snapshot as its walk. Every write that can bring a task
-- below a floor back into reach (a new task, a task that is no longer
-- labeled, a removed or moved annotation) lowers the floor and bumps version
-- in the writer's transaction, through the triggers below. A pick that raced
-- such a write then fails its compare-and-set and leaves the floor lowered.
CREATE TABLE next_task_floors (
  project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  floor_task_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);

-- New tasks: ids come from a sequence, so a task normally lands above every
-- floor, and the update matches no row. A transaction that took its ids
-- before a floor moved past them and commits later is the case it covers.
CREATE FUNCTION lower_floors_for_new_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE next_task_floors f SET floor_task_id = n.first_id, version = f.version + 1
  FROM (SELECT project_id, MIN(id) AS first_id FROM new_tasks GROUP BY project_id) n
  WHERE f.project_id = n.project_id AND f.floor_task_id > n.first_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_next_task_floors_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION lower_floors_for_new_tasks();

-- A labeled task that is no longer labeled is back in reach for every user
-- of the project who has not annotated it.
CREATE FUNCTION lower_floors_for_unlabeled_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE next_task_floors SET floor_task_id = NEW.id, version = version + 1
  WHERE project_id = NEW.project_id AND floor_task_id > NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_next_task_floors_unlabeled AFTER UPDATE OF is_labeled, project_id ON tasks
  FOR EACH ROW WHEN (NEW.is_labeled = 0 AND (OLD.is_labeled <> 0 OR OLD.project_id <> NEW.project_id))
  EXECUTE FUNCTION lower_floors_for_unlabeled_task();

-- A removed annotation puts its task back in reach for its author.
CREATE FUNCTION lower_floors_for_removed_annotations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE next_task_floors f SET floor_task_id = r.first_task_id, version = f.version + 1
  FROM (SELECT project_id, completed_by, MIN(task_id) AS first_task_id FROM old_annotations
        WHERE completed_by IS NOT NULL GROUP BY project_id, completed_by) r
  WHERE f.project_id = r.project_id AND f.user_id = r.completed_by AND f.floor_task_id > r.first_task_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER annotations_next_task_floors_delete AFTER DELETE ON annotations
  REFERENCING OLD TABLE AS old_annotations FOR EACH STATEMENT EXECUTE FUNCTION lower_floors_for_removed_annotations();

-- An annotation moved to another task or author: its old task is back in
-- reach for its old author.
CREATE FUNCTION lower_floors_for_moved_annotation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE next_task_floors SET floor_task_id = OLD.task_id, version = version + 1
  WHERE project_id = OLD.project_id AND user_id = OLD.completed_by AND floor_task_id > OLD.task_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER annotations_next_task_floors_update AFTER UPDATE OF task_id, completed_by, project_id ON annotations
  FOR EACH ROW WHEN (OLD.task_id <> NEW.task_id OR OLD.completed_by IS DISTINCT FROM NEW.completed_by
                     OR OLD.project_id <> NEW.project_id)
  EXECUTE FUNCTION lower_floors_for_moved_annotation();
