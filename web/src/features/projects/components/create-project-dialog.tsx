// The create-project dialog: title, description and a labeling setup from
// the template gallery.
import { useMemo, useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { createProject } from "../api/projects";
import { fetchTemplates, templatesKey } from "../api/templates";
import { ProjectFields } from "./project-fields";
import { projectsKey } from "../api/query-keys";
import { galleryEntries, TemplateGallery } from "./template-gallery";

export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const templates = useQuery({ queryKey: templatesKey, queryFn: fetchTemplates, enabled: open, staleTime: 60_000 });
  // A failed list falls back to the starters, with the error shown above them.
  const entries = useMemo(() => galleryEntries(templates.data ?? []), [templates.data]);
  const chosen = entries.find((entry) => entry.id === chosenId) ?? entries[0];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await createProject({ title, description, label_config: chosen.config });
      await queryClient.invalidateQueries({ queryKey: projectsKey });
      onClose();
      navigate(`/projects/${project.id}/data`);
    } catch (caught) {
      setError(describeError(caught, "create the project"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="Create project" open={open} onClose={onClose} wide>
      <form onSubmit={submit} className="stack">
        <ProjectFields title={title} description={description} onTitle={setTitle} onDescription={setDescription} />
        {templates.error && (
          <p className="form-error" role="alert">
            {describeError(templates.error, "load the template gallery")}
          </p>
        )}
        {templates.isPending ? (
          <p className="muted">Loading templates…</p>
        ) : (
          <TemplateGallery entries={entries} fromServer={(templates.data ?? []).length > 0} chosenId={chosen.id} onChoose={setChosenId} />
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || templates.isPending}>
            {busy ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
