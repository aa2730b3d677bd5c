// The project's datasets, with a form that creates one.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Pager } from "../../../ui/pager";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { ProjectPage } from "../../projects/components/project-page";
import { createDataset, fetchDatasets } from "../api/datasets";

const pageSize = 50;

export function datasetHref(projectId: number, name: string): string {
  return `/projects/${projectId}/datasets/${encodeURIComponent(name)}`;
}

function DatasetList({ projectId }: { projectId: number }) {
  const [page, setPage] = useState(1);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const queryClient = useQueryClient();
  const datasets = useQuery({
    queryKey: ["datasets", projectId, page],
    queryFn: () => fetchDatasets(projectId, page, pageSize),
    placeholderData: (previous) => previous,
  });
  const create = useMutation({
    mutationFn: () => createDataset(projectId, { name: name.trim(), description: description.trim() || undefined }),
    onSuccess: () => {
      setName("");
      setDescription("");
      queryClient.invalidateQueries({ queryKey: ["datasets", projectId] });
    },
  });

  return (
    <div className="stack">
      <form
        className="eval-form-row card"
        aria-label="New dataset"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create dataset
        </button>
        {create.error && <p className="form-error">{describeError(create.error, "create the dataset")}</p>}
      </form>
      {datasets.isPending && <Loading what="datasets" />}
      {datasets.error && (
        <ErrorState message={describeError(datasets.error, "load the datasets")} onRetry={() => datasets.refetch()} />
      )}
      {datasets.data && datasets.data.data.length === 0 && (
        <Empty>No datasets yet. Create one above, or with an SDK's createDataset.</Empty>
      )}
      {datasets.data && datasets.data.data.length > 0 && (
        <table className="eval-table" aria-label="Datasets">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {datasets.data.data.map((dataset) => (
              <tr key={dataset.id}>
                <td>
                  <Link to={datasetHref(projectId, dataset.name)}>{dataset.name}</Link>
                </td>
                <td>{dataset.description ?? ""}</td>
                <td>{new Date(dataset.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {datasets.data && (
        <Pager page={page} totalPages={datasets.data.meta.totalPages} onPage={setPage} label="Dataset pages" />
      )}
    </div>
  );
}

export function DatasetsPage() {
  return <ProjectPage active="datasets">{(project) => <DatasetList projectId={project.id} />}</ProjectPage>;
}
