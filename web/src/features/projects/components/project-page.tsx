// Loads the project named in the route and renders a project page around
// it, with the tabs; loading and failure get their own states.
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { fetchProject, type Project } from "../api/projects";
import { projectKey } from "../api/query-keys";
import { ProjectTabs, type ProjectSection } from "./project-tabs";

export function ProjectPage({
  active,
  className = "page",
  children,
}: {
  active: ProjectSection;
  className?: string;
  children: (project: Project) => ReactNode;
}) {
  const projectId = Number(useParams().projectId);
  const project = useQuery({ queryKey: projectKey(projectId), queryFn: () => fetchProject(projectId) });
  if (project.isPending) return <Loading what="the project" />;
  if (project.error) {
    return <ErrorState message={describeError(project.error, "load the project")} onRetry={() => project.refetch()} />;
  }
  return (
    <section className={className}>
      <ProjectTabs project={project.data} active={active} />
      {children(project.data)}
    </section>
  );
}
