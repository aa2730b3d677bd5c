// /projects/:id picks the project's first screen: the Data Manager for a
// labeling project, the Traces tab for a project that has traces and no
// tasks (a project fed only by an LLM application's SDK).
import { useQuery } from "@tanstack/react-query";
import { Navigate, useParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { fetchTraceCount } from "../../tracing/api/traces";
import { fetchProject } from "../api/projects";
import { projectKey } from "../api/query-keys";

export function ProjectLanding() {
  const projectId = Number(useParams().projectId);
  const project = useQuery({ queryKey: projectKey(projectId), queryFn: () => fetchProject(projectId) });
  const tasklessProject = project.data !== undefined && project.data.task_number === 0;
  const traces = useQuery({
    queryKey: ["trace-count", projectId],
    queryFn: ({ signal }) => fetchTraceCount(projectId, signal),
    enabled: tasklessProject,
  });
  if (project.error) {
    return <ErrorState message={describeError(project.error, "load the project")} onRetry={() => project.refetch()} />;
  }
  if (project.isPending || (tasklessProject && traces.isPending)) return <Loading what="the project" />;
  // A failed trace count (an older server, no read access to traces) falls
  // back to the Data Manager.
  const tracing = tasklessProject && (traces.data ?? 0) > 0;
  return <Navigate to={tracing ? "traces" : "data"} replace />;
}
