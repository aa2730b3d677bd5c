// A dataset's active items with create, edit and archive, and imports that
// add one item per trace or per labeled task.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Pager } from "../../../ui/pager";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { fetchProjects } from "../../projects/api/projects";
import { projectsKey } from "../../projects/api/query-keys";
import {
  fetchDatasetItems,
  importItemsFromTasks,
  importItemsFromTraces,
  upsertDatasetItem,
  type DatasetItem,
  type ImportResult,
} from "../api/datasets";
import { ItemDialog } from "./item-dialog";
import { previewJson } from "../lib/json-text";

const pageSize = 50;

function importSummary(result: ImportResult): string {
  const skipped = result.skipped ? `, ${result.skipped} tasks without a submitted annotation skipped` : "";
  return `${result.created} items added, ${result.updated} refreshed${skipped}.`;
}

function ImportForms({ projectId, datasetName }: { projectId: number; datasetName: string }) {
  const [traceIds, setTraceIds] = useState("");
  const [labelingProject, setLabelingProject] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const projects = useQuery({ queryKey: projectsKey, queryFn: fetchProjects });
  const onSuccess = (result: ImportResult) => {
    setMessage(importSummary(result));
    queryClient.invalidateQueries({ queryKey: ["dataset-items", projectId, datasetName] });
  };
  const fromTraces = useMutation({
    mutationFn: (ids: string[]) => importItemsFromTraces(projectId, datasetName, ids),
    onSuccess,
  });
  const fromTasks = useMutation({
    mutationFn: (id: number) => importItemsFromTasks(projectId, datasetName, id),
    onSuccess,
  });
  const error = fromTraces.error ?? fromTasks.error;

  return (
    <details className="card">
      <summary>Add items from traces or labeled tasks</summary>
      <div className="stack">
        <form
          className="eval-form-row"
          aria-label="Items from traces"
          onSubmit={(event) => {
            event.preventDefault();
            const ids = traceIds.split(/[\s,]+/).filter(Boolean);
            if (ids.length) fromTraces.mutate(ids);
          }}
        >
          <label className="grow">
            Trace ids (separated by spaces, commas or lines)
            <textarea rows={2} className="code-input" value={traceIds} onChange={(e) => setTraceIds(e.target.value)} />
          </label>
          <button type="submit" disabled={fromTraces.isPending}>
            Add from traces
          </button>
        </form>
        <p className="hint">Each trace's input becomes the item input and its output the expected output.</p>
        <form
          className="eval-form-row"
          aria-label="Items from labeled tasks"
          onSubmit={(event) => {
            event.preventDefault();
            if (labelingProject) fromTasks.mutate(Number(labelingProject));
          }}
        >
          <label>
            Labeling project
            <select value={labelingProject} onChange={(e) => setLabelingProject(e.target.value)}>
              <option value="">Choose a project</option>
              {projects.data?.results.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={fromTasks.isPending || !labelingProject}>
            Add from labeled tasks
          </button>
        </form>
        <p className="hint">
          Each labeled task's data becomes the input, and its ground-truth (else latest) annotation the expected output.
        </p>
        {message && <p className="form-ok">{message}</p>}
        {error && <p className="form-error">{describeError(error, "add the items")}</p>}
      </div>
    </details>
  );
}

export function DatasetItems({ projectId, datasetName }: { projectId: number; datasetName: string }) {
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<DatasetItem | "new" | null>(null);
  const queryClient = useQueryClient();
  const items = useQuery({
    queryKey: ["dataset-items", projectId, datasetName, page],
    queryFn: () => fetchDatasetItems(projectId, datasetName, page, pageSize),
    placeholderData: (previous) => previous,
  });
  const archive = useMutation({
    mutationFn: (item: DatasetItem) => upsertDatasetItem(projectId, { datasetName, id: item.id, status: "ARCHIVED" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["dataset-items", projectId, datasetName] }),
  });

  return (
    <section className="stack" aria-label="Items">
      <div className="toolbar">
        <h3>Items {items.data ? `(${items.data.meta.totalItems})` : ""}</h3>
        <button type="button" className="primary" onClick={() => setEditing("new")}>
          New item
        </button>
      </div>
      <ImportForms projectId={projectId} datasetName={datasetName} />
      {archive.error && <p className="form-error">{describeError(archive.error, "archive the item")}</p>}
      {items.isPending && <Loading what="items" />}
      {items.error && <ErrorState message={describeError(items.error, "load the items")} onRetry={() => items.refetch()} />}
      {items.data && items.data.data.length === 0 && <Empty>No active items. Add one, or import from traces.</Empty>}
      {items.data && items.data.data.length > 0 && (
        <table className="eval-table" aria-label="Dataset items">
          <thead>
            <tr>
              <th>Id</th>
              <th>Input</th>
              <th>Expected output</th>
              <th>Source</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.data.data.map((item) => (
              <tr key={item.id}>
                <td>
                  <code>{item.id}</code>
                </td>
                <td>{previewJson(item.input)}</td>
                <td>{previewJson(item.expectedOutput)}</td>
                <td>{item.sourceTraceId ? `trace ${item.sourceTraceId}` : ""}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setEditing(item)}>
                    Edit
                  </button>
                  <button type="button" className="danger" onClick={() => archive.mutate(item)} disabled={archive.isPending}>
                    Archive
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items.data && <Pager page={page} totalPages={items.data.meta.totalPages} onPage={setPage} label="Item pages" />}
      {editing && (
        <ItemDialog
          projectId={projectId}
          datasetName={datasetName}
          item={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}
