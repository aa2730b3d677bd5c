// Project settings: name and description, the label config with server
// validation and a live preview, and the danger zone.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { ApiError, describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { parseLabelConfig } from "../../labeling/lib/config";
import { fetchTaskPage } from "../../labeling/api/tasks";
import { LabelingEditor } from "../../labeling/components/labeling-editor";
import { deleteProject, updateProject, validateLabelConfig, type Project } from "../api/projects";
import { parseConfigDiagnostic, type ConfigDiagnostic } from "../lib/config-diagnostics";
import { ConfigEditor } from "./config-editor";
import { ProjectFields } from "./project-fields";
import { ProjectPage } from "./project-page";
import { WorkflowSettings } from "./workflow-settings";
import { projectKey, projectsKey } from "../api/query-keys";

function diagnosticsFrom(error: unknown): ConfigDiagnostic[] {
  if (error instanceof ApiError && error.fieldErrors.label_config) {
    return error.fieldErrors.label_config.map(parseConfigDiagnostic);
  }
  return [];
}

// Data for the preview: the project's first task when it has the keys the
// config reads, else a short made-up text for each key.
function previewData(keys: string[], firstTask: Record<string, unknown> | undefined): Record<string, unknown> {
  if (firstTask && keys.every((key) => key in firstTask)) return firstTask;
  return Object.fromEntries(keys.map((key) => [key, `Sample ${key}: Ada Lovelace wrote the first program 👩‍💻.`]));
}

function SettingsForm({ project }: { project: Project }) {
  const [title, setTitle] = useState(project.title);
  const [description, setDescription] = useState(project.description);
  const [config, setConfig] = useState(project.label_config);
  const [diagnostics, setDiagnostics] = useState<ConfigDiagnostic[]>([]);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const queryClient = useQueryClient();

  // Validate as the user types, after a pause.
  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      validateLabelConfig(config).then(
        () => current && setDiagnostics([]),
        (error) => current && setDiagnostics(diagnosticsFrom(error)),
      );
    }, 400);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [config]);

  const firstTask = useQuery({
    queryKey: ["tasks", project.id, "first"],
    queryFn: ({ signal }) => fetchTaskPage(project.id, 1, 1, signal),
  });
  // The first task's data decides how often a Repeater repeats in the preview.
  const firstData = firstTask.data?.tasks[0]?.data ?? null;
  const parsed = useMemo(() => parseLabelConfig(config, firstData), [config, firstData]);

  const save = useMutation({
    mutationFn: () => updateProject(project.id, { title, description, label_config: config }),
    onSuccess: async (updated) => {
      queryClient.setQueryData(projectKey(project.id), updated);
      await queryClient.invalidateQueries({ queryKey: projectsKey });
      setMessage({ kind: "ok", text: "Saved." });
    },
    onError: (error) => {
      const fromServer = diagnosticsFrom(error);
      if (fromServer.length > 0) setDiagnostics(fromServer);
      setMessage({ kind: "error", text: describeError(error, "save the settings") });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    save.mutate();
  }

  return (
    <form onSubmit={submit} className="stack">
      <section className="card stack">
        <h2>General</h2>
        <ProjectFields title={title} description={description} onTitle={setTitle} onDescription={setDescription} />
      </section>
      <section className="card">
        <h2>Labeling interface</h2>
        <div className="config-split">
          <div>
            <h3>Label config</h3>
            <ConfigEditor value={config} onChange={setConfig} diagnostics={diagnostics} />
          </div>
          <div>
            <h3>Preview</h3>
            <div className="preview" aria-label="Preview of the labeling interface">
              {parsed.ok ? (
                <LabelingEditor
                  config={parsed.config}
                  data={previewData(parsed.config.dataKeys, firstTask.data?.tasks[0]?.data)}
                  readOnly={false}
                />
              ) : (
                <p className="muted">The preview appears once the config is valid XML.</p>
              )}
            </div>
          </div>
        </div>
      </section>
      <div className="form-footer">
        {message && (
          <p className={message.kind === "ok" ? "form-ok" : "form-error"} role={message.kind === "ok" ? "status" : "alert"}>
            {message.text}
          </p>
        )}
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}

function DangerZone({ project }: { project: Project }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => deleteProject(project.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: projectKey(project.id) });
      await queryClient.invalidateQueries({ queryKey: projectsKey });
      navigate("/projects");
    },
    onError: (caught) => setError(describeError(caught, "delete the project")),
  });

  return (
    <section className="card danger-zone">
      <h2>Danger zone</h2>
      <p>Deleting a project removes its tasks, annotations and predictions for good.</p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete project
      </button>
      <Dialog title="Delete project" open={open} onClose={() => setOpen(false)}>
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            remove.mutate();
          }}
        >
          <p>
            This deletes <strong>{project.title}</strong> with its {project.task_number} tasks and{" "}
            {project.total_annotations_number} annotations. It cannot be undone. Type the project name to confirm.
          </p>
          <label>
            Project name
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="danger" disabled={typed !== project.title || remove.isPending}>
              Delete for good
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}

export function ProjectSettingsPage() {
  return (
    <ProjectPage active="settings">
      {(project) => (
        <>
          <SettingsForm key={project.id} project={project} />
          <WorkflowSettings project={project} />
          <DangerZone project={project} />
        </>
      )}
    </ProjectPage>
  );
}
