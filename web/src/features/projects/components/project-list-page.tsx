import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { fetchTraceCount } from "../../tracing/api/traces";
import { fetchProjects, type Project } from "../api/projects";
import { projectsKey } from "../api/query-keys";
import { CreateProjectDialog } from "./create-project-dialog";

function Progress({ project }: { project: Project }) {
  const total = project.task_number;
  const done = project.finished_task_number;
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return (
    <div className="progress-block">
      <div
        className="progress"
        role="progressbar"
        aria-label={`${project.title}: ${done} of ${total} tasks done`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <span className="muted">
        {done} / {total} tasks done
      </span>
    </div>
  );
}

// The project's trace count, read per card from the trace list's total.
// NOTE: on SQLite an unfiltered total comes from a trigger-kept counter.
// PostgreSQL counts the rows, so there a project of millions of traces adds
// a visible delay to its card.
function TraceCount({ projectId }: { projectId: number }) {
  const traces = useQuery({
    queryKey: ["trace-count", projectId],
    queryFn: ({ signal }) => fetchTraceCount(projectId, signal),
    staleTime: 30_000,
  });
  if (!traces.data) return null;
  return (
    <p className="muted trace-count">
      <Link to={`/projects/${projectId}/traces`}>
        {traces.data} trace{traces.data === 1 ? "" : "s"}
      </Link>
    </p>
  );
}

function counts(project: Project): Array<[string, number]> {
  return [
    ["Tasks", project.task_number],
    ["Annotations", project.total_annotations_number],
    ["Skipped", project.skipped_annotations_number],
    ["Predictions", project.total_predictions_number],
  ];
}

export function ProjectListPage() {
  const projects = useQuery({ queryKey: projectsKey, queryFn: fetchProjects });
  const [creating, setCreating] = useState(false);

  return (
    <section className="page">
      <header className="page-header">
        <h1>Projects</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create project
        </button>
      </header>
      {projects.isPending && <Loading what="projects" />}
      {projects.error && (
        <ErrorState message={describeError(projects.error, "load the projects")} onRetry={() => projects.refetch()} />
      )}
      {projects.data && projects.data.results.length === 0 && (
        <Empty>No projects yet. Create one to start labeling.</Empty>
      )}
      {projects.data && projects.data.results.length > 0 && (
        <ul className="project-grid" aria-label="Projects">
          {projects.data.results.map((project) => (
            <li key={project.id} className="card project-card">
              <h2>
                <Link to={`/projects/${project.id}`}>{project.title}</Link>
              </h2>
              {project.description && <p className="muted">{project.description}</p>}
              <Progress project={project} />
              <TraceCount projectId={project.id} />
              <dl className="counts">
                {counts(project).map(([term, value]) => (
                  <div key={term}>
                    <dt>{term}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
              <div className="card-actions">
                <Link to={`/projects/${project.id}/label`}>Label</Link>
                <Link to={`/projects/${project.id}/settings`}>Settings</Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      <CreateProjectDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
