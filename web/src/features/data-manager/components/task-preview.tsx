// The preview drawer of one task: its data, the annotations and the
// predictions, without leaving the table.
import { useEffect } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { fetchAnnotations, fetchPredictions, fetchTask } from "../../labeling/api/tasks";
import { summarizeResult } from "../lib/result-summary";

export function TaskPreview({ projectId, taskId, onClose }: { projectId: number; taskId: number; onClose: () => void }) {
  const preview = useQuery({
    queryKey: ["task-preview", taskId],
    queryFn: async () => {
      const [task, annotations, predictions] = await Promise.all([
        fetchTask(taskId),
        fetchAnnotations(taskId),
        fetchPredictions(taskId),
      ]);
      return { task, annotations, predictions };
    },
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [onClose]);

  return (
    <aside className="task-preview card" aria-label={`Preview of task ${taskId}`}>
      <header className="dialog-header">
        <h2>Task #{taskId}</h2>
        <button type="button" className="icon-button" aria-label="Close preview" onClick={onClose}>
          ×
        </button>
      </header>
      {preview.isPending && <Loading what="the task" />}
      {preview.error && <ErrorState message={describeError(preview.error, "load the task")} onRetry={() => preview.refetch()} />}
      {preview.data && (
        <div className="stack">
          <div className="button-row">
            <Link className="button primary" to={`/projects/${projectId}/label?task=${taskId}`}>
              Label
            </Link>
            {preview.data.annotations.length > 0 && (
              <Link className="button" to={`/projects/${projectId}/review?task=${taskId}`}>
                Review
              </Link>
            )}
          </div>
          <section>
            <h3>Data</h3>
            <pre className="code-preview">{JSON.stringify(preview.data.task.data, null, 2)}</pre>
          </section>
          <section>
            <h3>Annotations ({preview.data.annotations.length})</h3>
            {preview.data.annotations.length === 0 && <p className="muted">None yet.</p>}
            <ul className="preview-list">
              {preview.data.annotations.map((annotation) => (
                <li key={annotation.id}>
                  <strong>
                    #{annotation.id} by user {annotation.completed_by ?? "unknown"}
                  </strong>
                  <ul>
                    {summarizeResult(annotation.result).map((line, index) => (
                      <li key={index}>{line}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h3>Predictions ({preview.data.predictions.length})</h3>
            {preview.data.predictions.length === 0 && <p className="muted">None.</p>}
            <ul className="preview-list">
              {preview.data.predictions.map((prediction) => (
                <li key={prediction.id}>
                  <strong>
                    {prediction.model_version || "no model version"}
                    {prediction.score !== null && ` · score ${prediction.score.toFixed(2)}`}
                  </strong>
                  <ul>
                    {summarizeResult(prediction.result).map((line, index) => (
                      <li key={index}>{line}</li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </aside>
  );
}
