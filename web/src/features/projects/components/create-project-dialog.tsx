import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { createProject } from "../api/projects";
import { starterConfigs } from "../lib/starter-configs";
import { ProjectFields } from "./project-fields";
import { projectsKey } from "../api/query-keys";

export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [starterId, setStarterId] = useState(starterConfigs[0].id);
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const needle = search.trim().toLowerCase();
  const shown = starterConfigs.filter(
    (starter) =>
      needle === "" || `${starter.title} ${starter.description} ${starter.category}`.toLowerCase().includes(needle),
  );
  const chosen = starterConfigs.find((starter) => starter.id === starterId) ?? starterConfigs[0];

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
        <fieldset className="starter-gallery">
          <legend>Labeling setup</legend>
          <input
            type="search"
            placeholder="Search setups"
            aria-label="Search setups"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <div className="starter-list" role="radiogroup" aria-label="Labeling setups">
            {shown.map((starter) => (
              <label key={starter.id} className={starter.id === chosen.id ? "starter selected" : "starter"}>
                <input
                  type="radio"
                  name="starter"
                  value={starter.id}
                  checked={starter.id === chosen.id}
                  onChange={() => setStarterId(starter.id)}
                />
                <span className="starter-title">{starter.title}</span>
                <span className="badge">{starter.category}</span>
                <span className="muted">{starter.description}</span>
              </label>
            ))}
            {shown.length === 0 && <p className="muted">No setup matches “{search}”.</p>}
          </div>
          <details>
            <summary>Label config of “{chosen.title}”</summary>
            <pre className="code-preview">{chosen.config}</pre>
          </details>
          <p className="hint">You can change the config later in the project's settings.</p>
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
