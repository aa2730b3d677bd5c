-- A per-project data revision that every write to a table the data
-- manager's filters read (tasks, annotations, predictions, drafts,
-- file_uploads) bumps, so a count cached under one revision is never served
-- after the project's data changed, whichever process wrote it.
-- On PostgreSQL the bump is a deferred constraint trigger: it runs at
-- commit, so a transaction takes the revision row's lock after every other
-- lock it holds (no lock-order deadlock with row locks on tasks), and it
-- updates the row once per transaction (last_xid), not once per written
-- row, because many updates of one row inside one transaction make a long
-- version chain.
CREATE TABLE project_data_revisions (
  project_id BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  revision BIGINT NOT NULL DEFAULT 0,
  last_xid BIGINT
);
INSERT INTO project_data_revisions (project_id) SELECT id FROM projects;

CREATE FUNCTION add_project_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_data_revisions (project_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER projects_data_revision_insert AFTER INSERT ON projects
  FOR EACH ROW EXECUTE FUNCTION add_project_data_revision();

CREATE FUNCTION bump_project_data_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  transaction_id BIGINT := txid_current();
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE project_data_revisions SET revision = revision + 1, last_xid = transaction_id
      WHERE project_id = OLD.project_id AND last_xid IS DISTINCT FROM transaction_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE project_data_revisions SET revision = revision + 1, last_xid = transaction_id
      WHERE project_id = NEW.project_id AND last_xid IS DISTINCT FROM transaction_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER tasks_data_revision AFTER INSERT OR UPDATE OR DELETE ON tasks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_project_data_revision();
CREATE CONSTRAINT TRIGGER annotations_data_revision AFTER INSERT OR UPDATE OR DELETE ON annotations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_project_data_revision();
CREATE CONSTRAINT TRIGGER predictions_data_revision AFTER INSERT OR UPDATE OR DELETE ON predictions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_project_data_revision();
CREATE CONSTRAINT TRIGGER drafts_data_revision AFTER INSERT OR DELETE ON drafts
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_project_data_revision();
-- Filters read only whether a user has a draft of a task (draft_exists), so
-- saving a draft's result again changes no count.
CREATE CONSTRAINT TRIGGER drafts_data_revision_update AFTER UPDATE ON drafts
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.task_id IS DISTINCT FROM NEW.task_id OR OLD.user_id IS DISTINCT FROM NEW.user_id
        OR OLD.project_id IS DISTINCT FROM NEW.project_id)
  EXECUTE FUNCTION bump_project_data_revision();
CREATE CONSTRAINT TRIGGER file_uploads_data_revision AFTER INSERT OR UPDATE OR DELETE ON file_uploads
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_project_data_revision();
