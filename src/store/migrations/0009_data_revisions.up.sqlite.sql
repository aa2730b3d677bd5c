-- A per-project data revision that every write to a table the data
-- manager's filters read (tasks, annotations, predictions, drafts,
-- file_uploads) bumps, so a count cached under one revision is never served
-- after the project's data changed, whichever process wrote it.
-- SQLite serializes writers, so row-level triggers bumping one row per
-- write are enough; they commit or roll back with the write itself.
CREATE TABLE project_data_revisions (
  project_id INTEGER PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  revision INTEGER NOT NULL DEFAULT 0
);
INSERT INTO project_data_revisions (project_id) SELECT id FROM projects;

CREATE TRIGGER projects_data_revision_insert AFTER INSERT ON projects BEGIN
  INSERT OR IGNORE INTO project_data_revisions (project_id) VALUES (NEW.id);
END;

CREATE TRIGGER tasks_data_revision_insert AFTER INSERT ON tasks BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER tasks_data_revision_update AFTER UPDATE ON tasks BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
CREATE TRIGGER tasks_data_revision_delete AFTER DELETE ON tasks BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = OLD.project_id;
END;

CREATE TRIGGER annotations_data_revision_insert AFTER INSERT ON annotations BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER annotations_data_revision_update AFTER UPDATE ON annotations BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
CREATE TRIGGER annotations_data_revision_delete AFTER DELETE ON annotations BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = OLD.project_id;
END;

CREATE TRIGGER predictions_data_revision_insert AFTER INSERT ON predictions BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER predictions_data_revision_update AFTER UPDATE ON predictions BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
CREATE TRIGGER predictions_data_revision_delete AFTER DELETE ON predictions BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = OLD.project_id;
END;

CREATE TRIGGER drafts_data_revision_insert AFTER INSERT ON drafts BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = NEW.project_id;
END;
-- Filters read only whether a user has a draft of a task (draft_exists), so
-- saving a draft's result again changes no count.
CREATE TRIGGER drafts_data_revision_update AFTER UPDATE ON drafts
  WHEN OLD.task_id IS NOT NEW.task_id OR OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id
BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
CREATE TRIGGER drafts_data_revision_delete AFTER DELETE ON drafts BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = OLD.project_id;
END;

CREATE TRIGGER file_uploads_data_revision_insert AFTER INSERT ON file_uploads BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = NEW.project_id;
END;
CREATE TRIGGER file_uploads_data_revision_update AFTER UPDATE ON file_uploads BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id IN (OLD.project_id, NEW.project_id);
END;
CREATE TRIGGER file_uploads_data_revision_delete AFTER DELETE ON file_uploads BEGIN
  UPDATE project_data_revisions SET revision = revision + 1 WHERE project_id = OLD.project_id;
END;
