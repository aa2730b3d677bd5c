// The project's sessions, newest first, in server pages.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchSessionPage } from "../api/traces";

const pageSize = 50;

export function SessionsPage() {
  return (
    <ProjectPage active="sessions">
      {(project) => <SessionList project={project} />}
    </ProjectPage>
  );
}

function SessionList({ project }: { project: Project }) {
  const [page, setPage] = useState(1);
  const sessions = useQuery({
    queryKey: ["sessions", project.id, page],
    queryFn: () => fetchSessionPage(project.id, page, pageSize),
    placeholderData: keepPreviousData,
  });
  if (sessions.isPending) return <Loading what="sessions" />;
  if (sessions.error) {
    return <ErrorState message={describeError(sessions.error, "load the sessions")} onRetry={() => sessions.refetch()} />;
  }
  const { data, meta } = sessions.data;
  if (meta.totalItems === 0) {
    return <Empty>No sessions yet. Traces that carry a sessionId group into sessions here.</Empty>;
  }
  return (
    <div className="card">
      <table className="tracing-table" aria-label="Sessions">
        <thead>
          <tr>
            <th>Session</th>
            <th>Started</th>
            <th>Environment</th>
          </tr>
        </thead>
        <tbody>
          {data.map((session) => (
            <tr key={session.id}>
              <td>
                <Link to={`/projects/${project.id}/sessions/${encodeURIComponent(session.id)}`}>{session.id}</Link>
              </td>
              <td>{session.createdAt ? new Date(session.createdAt).toLocaleString() : ""}</td>
              <td>{session.environment ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="tracing-pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span className="muted">
          Page {meta.page} of {Math.max(1, meta.totalPages)} · {meta.totalItems} sessions
        </span>
        <button type="button" disabled={page >= meta.totalPages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </div>
    </div>
  );
}
