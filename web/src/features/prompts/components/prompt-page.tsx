// One prompt name: its versions (newest first) beside the selected view:
// a version with its labels, a diff of two versions, the live co-editing
// editor, or the per-version metrics. The view and the selected version
// live in the URL (?view=…&version=…), so each can be linked.
import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchPromptList, fetchPromptVersions, promptVersionsKey, type PromptSummary } from "../api/prompts";
import { DraftEditor } from "./draft-editor";
import { VersionDiff } from "./version-diff";
import { VersionList } from "./version-list";
import { VersionMetricsView } from "./version-metrics";
import { VersionView } from "./version-view";

// NOTE: the page reads the newest 100 versions (one page of the versions
// route); older versions of a longer history are not listed.
const listedVersions = 100;

const views = [
  { id: "version", label: "Version" },
  { id: "diff", label: "Compare" },
  { id: "editor", label: "Editor" },
  { id: "metrics", label: "Metrics" },
] as const;
type ViewId = (typeof views)[number]["id"];

function PromptDetail({ projectId, name }: { projectId: number; name: string }) {
  const [search, setSearch] = useSearchParams();
  const summary = useQuery({
    queryKey: ["prompts", projectId, { name, page: 1, limit: 1 }],
    queryFn: () => fetchPromptList(projectId, { name, page: 1, limit: 1 }),
  });
  const prompt: PromptSummary | undefined = summary.data?.data[0];
  // Keyed by the version count too, so a new version reloads the list.
  const versionList = useQuery({
    queryKey: [...promptVersionsKey(projectId, name), prompt?.versions.length ?? 0],
    queryFn: () => fetchPromptVersions(projectId, name, listedVersions),
    enabled: prompt !== undefined,
    placeholderData: (previous) => previous,
  });

  if (summary.isPending) return <Loading what="the prompt" />;
  if (summary.error) {
    return <ErrorState message={describeError(summary.error, "load the prompt")} onRetry={() => summary.refetch()} />;
  }
  if (!prompt) return <ErrorState message={`There is no prompt named “${name}” in this project.`} />;

  const versions = versionList.data ?? [];
  const view: ViewId = (views.find((candidate) => candidate.id === search.get("view"))?.id ?? "version") as ViewId;
  const selectedNumber = Number(search.get("version") ?? versions[0]?.version);
  const selected = versions.find((version) => version.version === selectedNumber) ?? versions[0];
  // The newest loaded version. Right after a save the list reloads, and the
  // editor must stay mounted (and connected) meanwhile.
  const latest = versions[0];

  function show(next: Partial<{ view: ViewId; version: number }>) {
    const params = new URLSearchParams(search);
    if (next.view) params.set("view", next.view);
    if (next.version !== undefined) params.set("version", String(next.version));
    setSearch(params, { replace: true });
  }

  return (
    <div className="prompt-detail">
      <header className="prompt-heading">
        <div>
          <Link to={`/projects/${projectId}/prompts`} className="muted">
            Prompts
          </Link>{" "}
          / <h2 className="inline-title">{name}</h2> <span className="badge">{prompt.type}</span>
        </div>
        <nav className="tabs" aria-label="Prompt views">
          {views.map((candidate) => (
            <button
              key={candidate.id}
              type="button"
              className="tab"
              aria-current={candidate.id === view ? "page" : undefined}
              onClick={() => show({ view: candidate.id })}
            >
              {candidate.label}
            </button>
          ))}
        </nav>
      </header>
      {versionList.error && <p className="banner-error">{describeError(versionList.error, "load the versions")}</p>}
      <div className="prompt-columns">
        <VersionList
          versions={versions}
          loading={versionList.isPending}
          selected={selected?.version}
          onSelect={(version) => show({ version })}
        />
        <div className="prompt-main">
          {!selected && <Loading what="the versions" />}
          {selected && view === "version" && <VersionView projectId={projectId} version={selected} />}
          {selected && view === "diff" && <VersionDiff versions={versions} initialRight={selected.version} />}
          {latest && view === "editor" && (
            // Keyed by name: the editor's Yjs document belongs to one draft.
            <DraftEditor key={name} projectId={projectId} name={name} type={prompt.type} latest={latest} />
          )}
          {view === "metrics" && <VersionMetricsView projectId={projectId} name={name} />}
        </div>
      </div>
    </div>
  );
}

export function PromptPage() {
  const name = useParams().name ?? "";
  return <ProjectPage active="prompts">{(project) => <PromptDetail projectId={project.id} name={name} />}</ProjectPage>;
}
