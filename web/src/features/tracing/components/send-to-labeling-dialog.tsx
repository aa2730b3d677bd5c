// Chooses a labeling project and sends traces or observations to it as
// tasks. `resolveRefs` runs when the user confirms, so a "everything that
// matches the filters" selection is read only then.
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { fetchProjects } from "../../projects/api/projects";
import { projectsKey } from "../../projects/api/query-keys";
import { sendToLabeling, type TraceReferences } from "../api/send-to-labeling";

export function SendToLabelingDialog({
  open,
  onClose,
  traceProjectId,
  description,
  resolveRefs,
}: {
  open: boolean;
  onClose: () => void;
  traceProjectId: number;
  description: string; // "3 selected traces", "observation generate"
  resolveRefs: () => Promise<TraceReferences>;
}) {
  const projects = useQuery({ queryKey: projectsKey, queryFn: fetchProjects, enabled: open });
  // Projects with a label config can take tasks; a tracing-only project has none.
  const labeling = (projects.data?.results ?? []).filter((project) => project.label_config.trim() !== "");
  const [target, setTarget] = useState<number | null>(null);
  const chosen = target ?? labeling[0]?.id ?? null;

  const send = useMutation({
    mutationFn: async () => sendToLabeling(chosen!, traceProjectId, await resolveRefs()),
  });

  function close() {
    send.reset();
    onClose();
  }

  return (
    <Dialog title="Send to labeling" open={open} onClose={close}>
      <div className="stack">
        <p>
          Creates one labeling task per item from {description}. Annotations on those tasks come back as scores on the
          trace, with source ANNOTATION.
        </p>
        {projects.error && <p className="form-error">{describeError(projects.error, "load the projects")}</p>}
        {projects.data && labeling.length === 0 && (
          <p className="notice">No project has a label config yet. Create a labeling project first.</p>
        )}
        {labeling.length > 0 && (
          <label>
            Labeling project
            <select value={chosen ?? ""} onChange={(e) => setTarget(Number(e.target.value))}>
              {labeling.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.title}
                </option>
              ))}
            </select>
          </label>
        )}
        {send.error && (
          <p className="form-error" role="alert">
            {describeError(send.error, "send to labeling")}
          </p>
        )}
        {send.data && (
          <p className="form-ok" role="status">
            Created {send.data.task_count} task{send.data.task_count === 1 ? "" : "s"}.{" "}
            <Link to={`/projects/${chosen}/data`}>Open the project</Link>
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {send.data ? "Done" : "Cancel"}
          </button>
          {!send.data && (
            <button type="button" className="primary" disabled={chosen === null || send.isPending} onClick={() => send.mutate()}>
              {send.isPending ? "Sending…" : "Send"}
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
