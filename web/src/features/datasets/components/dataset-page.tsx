// One dataset: its items, and its runs compared side by side.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchDataset } from "../api/datasets";
import { DatasetItems } from "./dataset-items";
import { RunComparisonView } from "./run-comparison";

function DatasetDetail({ projectId, name }: { projectId: number; name: string }) {
  const [search, setSearch] = useSearchParams();
  const view = search.get("view") === "runs" ? "runs" : "items";
  const dataset = useQuery({ queryKey: ["dataset", projectId, name], queryFn: () => fetchDataset(projectId, name) });
  if (dataset.isPending) return <Loading what="the dataset" />;
  if (dataset.error) {
    return <ErrorState message={describeError(dataset.error, "load the dataset")} onRetry={() => dataset.refetch()} />;
  }
  return (
    <div className="stack">
      <header className="prompt-heading">
        <div>
          <Link to={`/projects/${projectId}/datasets`} className="muted">
            Datasets
          </Link>{" "}
          / <h2 className="inline-title">{dataset.data.name}</h2>
          {dataset.data.description && <p className="hint">{dataset.data.description}</p>}
        </div>
        <nav className="tabs" aria-label="Dataset views">
          {(["items", "runs"] as const).map((id) => (
            <button
              key={id}
              type="button"
              className="tab"
              aria-current={id === view ? "page" : undefined}
              onClick={() => setSearch({ view: id }, { replace: true })}
            >
              {id === "items" ? "Items" : "Runs"}
            </button>
          ))}
        </nav>
      </header>
      {view === "items" ? (
        <DatasetItems projectId={projectId} datasetName={dataset.data.name} />
      ) : (
        <RunComparisonView projectId={projectId} datasetName={dataset.data.name} />
      )}
    </div>
  );
}

export function DatasetPage() {
  const name = useParams().name ?? "";
  return <ProjectPage active="datasets">{(project) => <DatasetDetail projectId={project.id} name={name} />}</ProjectPage>;
}
