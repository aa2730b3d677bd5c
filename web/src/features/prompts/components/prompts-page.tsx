// The project's prompts: names with their type, versions, labels and tags,
// filtered by name, label or tag over server pages, and a dialog that
// creates a new prompt.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Pager } from "../../../ui/pager";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchPromptList, type PromptListFilter } from "../api/prompts";
import { NewPromptDialog } from "./new-prompt-dialog";

const pageSize = 25;

export function promptHref(projectId: number, name: string): string {
  return `/projects/${projectId}/prompts/${encodeURIComponent(name)}`;
}

function PromptList({ projectId }: { projectId: number }) {
  const [filter, setFilter] = useState<PromptListFilter>({ page: 1, limit: pageSize });
  const [draft, setDraft] = useState({ name: "", label: "", tag: "" });
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: ["prompts", projectId, filter],
    queryFn: () => fetchPromptList(projectId, filter),
    placeholderData: (previous) => previous,
  });

  function applyFilter(event: React.FormEvent) {
    event.preventDefault();
    setFilter({ page: 1, limit: pageSize, name: draft.name.trim(), label: draft.label.trim(), tag: draft.tag.trim() });
  }

  return (
    <div className="stack">
      <div className="toolbar">
        <form className="prompt-filters" onSubmit={applyFilter} aria-label="Filter prompts">
          <label>
            Name
            <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} placeholder="exact name" />
          </label>
          <label>
            Label
            <input value={draft.label} onChange={(e) => setDraft({ ...draft, label: e.target.value })} placeholder="production" />
          </label>
          <label>
            Tag
            <input value={draft.tag} onChange={(e) => setDraft({ ...draft, tag: e.target.value })} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New prompt
        </button>
      </div>
      {list.isPending && <Loading what="prompts" />}
      {list.error && <ErrorState message={describeError(list.error, "load the prompts")} onRetry={() => list.refetch()} />}
      {list.data && list.data.data.length === 0 && (
        <Empty>No prompts match. Create one here or with an SDK's createPrompt.</Empty>
      )}
      {list.data && list.data.data.length > 0 && (
        <table className="eval-table" aria-label="Prompts">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Versions</th>
              <th>Labels</th>
              <th>Tags</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((prompt) => (
              <tr key={prompt.name}>
                <td>
                  <Link to={promptHref(projectId, prompt.name)}>{prompt.name}</Link>
                </td>
                <td>{prompt.type}</td>
                <td>{prompt.versions.length}</td>
                <td>
                  {prompt.labels.map((label) => (
                    <span key={label} className="badge prompt-label">
                      {label}
                    </span>
                  ))}
                </td>
                <td>{prompt.tags.join(", ")}</td>
                <td>{new Date(prompt.lastUpdatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data && (
        <Pager
          page={filter.page}
          totalPages={list.data.meta.totalPages}
          onPage={(page) => setFilter({ ...filter, page })}
          label="Prompt pages"
        />
      )}
      <NewPromptDialog projectId={projectId} open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

export function PromptsPage() {
  return <ProjectPage active="prompts">{(project) => <PromptList projectId={project.id} />}</ProjectPage>;
}
