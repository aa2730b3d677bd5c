// ML backends of a project: connect one (URL, title, optional basic auth),
// change its URL, title or timeout, see its health, train it, try a
// prediction, switch pre-annotation on, and
// compare its model versions against ground truth. Predictions for chosen
// tasks are retrieved from the Data Manager's actions.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import type { Project } from "../../projects/api/projects";
import {
  createMlBackend,
  deleteMlBackend,
  fetchMlBackends,
  fetchModelVersionComparison,
  fetchPreAnnotation,
  mlBackendsKey,
  modelVersionsKey,
  preAnnotationKey,
  predictRandomTask,
  trainMlBackend,
  updatePreAnnotation,
  type MlBackend,
  type PreAnnotationSettings,
} from "../api/ml-backends";
import { groundTruthNote, versionRows } from "../lib/model-accuracy";
import { MlBackendEditForm } from "./ml-backend-edit-form";

function ConnectForm({ projectId }: { projectId: number }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const [basicAuth, setBasicAuth] = useState(false);
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [interactive, setInteractive] = useState(false);
  const connect = useMutation({
    mutationFn: () =>
      createMlBackend(projectId, {
        url: url.trim(),
        title: title.trim() || url.trim(),
        auth_method: basicAuth ? "BASIC_AUTH" : "NONE",
        ...(basicAuth ? { basic_auth_user: user, basic_auth_pass: password } : {}),
        is_interactive: interactive,
      }),
    onSuccess: () => {
      setUrl("");
      setTitle("");
      setPassword("");
      void queryClient.invalidateQueries({ queryKey: mlBackendsKey(projectId) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (url.trim() !== "") connect.mutate();
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="connect-backend-title">
      <h3 id="connect-backend-title">Connect a model</h3>
      <div className="inline-form">
        <label className="grow">
          Backend URL
          <input
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="http://ml-backend:9090"
            required
          />
        </label>
        <label>
          Title
          <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={500} />
        </label>
      </div>
      <div className="check-row">
        <label className="check">
          <input type="checkbox" checked={basicAuth} onChange={(event) => setBasicAuth(event.target.checked)} />
          Basic authentication
        </label>
        <label className="check">
          <input type="checkbox" checked={interactive} onChange={(event) => setInteractive(event.target.checked)} />
          Interactive (suggests while annotating)
        </label>
      </div>
      {basicAuth && (
        <div className="inline-form">
          <label>
            User
            <input value={user} onChange={(event) => setUser(event.target.value)} autoComplete="off" />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              autoComplete="new-password"
            />
          </label>
        </div>
      )}
      <div className="form-footer">
        {connect.error && (
          <p className="form-error" role="alert">
            {describeError(connect.error, "connect the ML backend")}
          </p>
        )}
        <button type="submit" className="primary" disabled={connect.isPending || url.trim() === ""}>
          {connect.isPending ? "Connecting…" : "Connect"}
        </button>
      </div>
    </form>
  );
}

function PreAnnotationSettingsForm({ projectId }: { projectId: number }) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: preAnnotationKey(projectId), queryFn: () => fetchPreAnnotation(projectId) });
  // The value being saved. React state, not the query cache, shows it:
  // cache updates reach components a task later, and a controlled box
  // flips back in between.
  const [pending, setPending] = useState<PreAnnotationSettings | null>(null);
  const save = useMutation({
    mutationFn: (next: PreAnnotationSettings) => updatePreAnnotation(projectId, next),
    onSuccess: (saved) => queryClient.setQueryData(preAnnotationKey(projectId), saved),
    onSettled: () => setPending(null),
  });

  function change(next: PreAnnotationSettings) {
    setPending(next);
    save.mutate(next);
  }

  if (!settings.data) {
    return settings.error ? (
      <p className="form-error">{describeError(settings.error, "load the pre-annotation settings")}</p>
    ) : null;
  }
  const current = pending ?? settings.data;
  return (
    <div className="stack">
      <label className="check">
        <input
          type="checkbox"
          checked={current.evaluate_predictions_automatically}
          disabled={save.isPending}
          onChange={(event) => change({ ...current, evaluate_predictions_automatically: event.target.checked })}
        />
        Pre-annotate each task with the connected model when an annotator opens it
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={current.show_collab_predictions}
          disabled={save.isPending}
          onChange={(event) => change({ ...current, show_collab_predictions: event.target.checked })}
        />
        Show predictions to annotators
      </label>
      {current.evaluate_predictions_automatically && !current.show_collab_predictions && (
        <p className="notice">Pre-annotation also needs predictions to be shown to annotators.</p>
      )}
      {save.error && (
        <p className="form-error" role="alert">
          {describeError(save.error, "save the pre-annotation settings")}
        </p>
      )}
    </div>
  );
}

function BackendRow({ backend, projectId }: { backend: MlBackend; projectId: number }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: mlBackendsKey(projectId) });
    void queryClient.invalidateQueries({ queryKey: modelVersionsKey(projectId) });
  };
  const train = useMutation({
    mutationFn: () => trainMlBackend(backend.id),
    onSuccess: () => {
      setMessage("Training started.");
      refresh();
    },
  });
  const predict = useMutation({
    mutationFn: () => predictRandomTask(backend.id),
    onSuccess: (result) => {
      setMessage(`Predicted task ${result.task}.`);
      refresh();
    },
  });
  const disconnect = useMutation({ mutationFn: () => deleteMlBackend(backend.id), onSuccess: refresh });
  const error = train.error ?? predict.error ?? disconnect.error;
  let action = "disconnect the backend";
  if (train.error) action = "start training";
  else if (predict.error) action = "predict a task";

  return (
    <tr>
      <td>
        {editing ? (
          <MlBackendEditForm
            backend={backend}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setMessage("Saved.");
              refresh();
            }}
          />
        ) : (
          <>
            <strong>{backend.title}</strong>
            <div className="hint">{backend.url}</div>
          </>
        )}
      </td>
      <td>
        <span className={`status-pill status-${backend.state}`}>{backend.readable_state}</span>
        {backend.error_message && <div className="form-error">{backend.error_message}</div>}
      </td>
      <td>{backend.model_version || "–"}</td>
      <td>
        <div className="button-row">
          <button type="button" onClick={() => setEditing(true)} disabled={editing}>
            Edit<span className="visually-hidden"> {backend.title}</span>
          </button>
          <button type="button" onClick={() => train.mutate()} disabled={train.isPending}>
            Train
          </button>
          <button type="button" onClick={() => predict.mutate()} disabled={predict.isPending}>
            Predict a random task
          </button>
          <button type="button" className="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
            Disconnect<span className="visually-hidden"> {backend.title}</span>
          </button>
        </div>
        {message && !error && <p className="form-ok">{message}</p>}
        {error && (
          <p className="form-error" role="alert">
            {describeError(error, action)}
          </p>
        )}
      </td>
    </tr>
  );
}

function ModelVersions({ projectId }: { projectId: number }) {
  const comparison = useQuery({
    queryKey: modelVersionsKey(projectId),
    queryFn: () => fetchModelVersionComparison(projectId),
  });
  if (comparison.isPending) return <p className="muted">Loading model versions…</p>;
  if (comparison.error) {
    return <p className="form-error">{describeError(comparison.error, "compare the model versions")}</p>;
  }
  const rows = versionRows(comparison.data);
  if (rows.length === 0) {
    return <p className="muted">No prediction has a ground truth to compare with yet. Annotate some predicted tasks.</p>;
  }
  return (
    <div className="stack">
      <table className="simple-table" aria-label="Model versions against ground truth">
        <thead>
          <tr>
            <th scope="col">Model version</th>
            <th scope="col">Tasks scored</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">F1</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.version}>
              <td>
                {row.version} {row.best && <span className="badge">best</span>}
              </td>
              <td>{row.tasks}</td>
              <td>{row.precision}</td>
              <td>{row.recall}</td>
              <td>{row.f1}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        {groundTruthNote(comparison.data)} Choices, text spans and rectangles (IoU ≥ 0.5) are scored; other result
        types are not.
      </p>
    </div>
  );
}

export function MlBackendsSection({ project }: { project: Project }) {
  const backends = useQuery({ queryKey: mlBackendsKey(project.id), queryFn: () => fetchMlBackends(project.id) });
  return (
    <section className="card stack" aria-labelledby="ml-title">
      <div className="section-heading">
        <h2 id="ml-title">Machine learning</h2>
        <button type="button" onClick={() => backends.refetch()} disabled={backends.isFetching}>
          {backends.isFetching ? "Checking…" : "Check health"}
        </button>
      </div>
      {backends.error && <p className="form-error">{describeError(backends.error, "load the ML backends")}</p>}
      {backends.data && backends.data.length === 0 && <p className="muted">No ML backend is connected.</p>}
      {backends.data && backends.data.length > 0 && (
        <table className="simple-table" aria-label="ML backends">
          <thead>
            <tr>
              <th scope="col">Backend</th>
              <th scope="col">Health</th>
              <th scope="col">Model version</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {backends.data.map((backend) => (
              <BackendRow key={backend.id} backend={backend} projectId={project.id} />
            ))}
          </tbody>
        </table>
      )}
      <ConnectForm projectId={project.id} />
      <h3>Pre-annotation</h3>
      <PreAnnotationSettingsForm projectId={project.id} />
      <p className="hint">
        To fetch predictions for chosen tasks, select them in the{" "}
        <Link to={`/projects/${project.id}/data`}>Data Manager</Link> and run the Retrieve Predictions action.
      </p>
      <h3>Model versions against ground truth</h3>
      <ModelVersions projectId={project.id} />
    </section>
  );
}
