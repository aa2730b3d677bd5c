import { Link } from "react-router-dom";
import type { Project } from "../api/projects";

// The sections of a project page; each id marks its tab as the current one.
export type ProjectSection = "data" | "label" | "review" | "settings" | "traces" | "sessions" | "scores" | "prompts" | "datasets" | "evaluators" | "dashboards" | "integrations";

// The project's title and its sections, shared by the project pages.
export function ProjectTabs({ project, active }: { project: Project; active: ProjectSection }) {
  const tabs = [
    { id: "data", label: "Data Manager", to: `/projects/${project.id}/data` },
    { id: "label", label: "Label", to: `/projects/${project.id}/label` },
    { id: "settings", label: "Settings", to: `/projects/${project.id}/settings` },
    { id: "traces", label: "Traces", to: `/projects/${project.id}/traces` },
    { id: "sessions", label: "Sessions", to: `/projects/${project.id}/sessions` },
    { id: "scores", label: "Scores", to: `/projects/${project.id}/scores` },
    { id: "prompts", label: "Prompts", to: `/projects/${project.id}/prompts` },
    { id: "datasets", label: "Datasets", to: `/projects/${project.id}/datasets` },
    { id: "evaluators", label: "Evaluators", to: `/projects/${project.id}/evaluators` },
    { id: "dashboards", label: "Dashboards", to: `/projects/${project.id}/dashboards` },
    { id: "integrations", label: "Integrations", to: `/projects/${project.id}/integrations` },
  ] as const;
  return (
    <header className="page-header project-header">
      <div>
        <Link to="/projects" className="muted">
          Projects
        </Link>{" "}
        / <h1 className="inline-title">{project.title}</h1>
      </div>
      <nav aria-label="Project sections" className="tabs">
        {tabs.map((tab) => (
          <Link key={tab.id} to={tab.to} aria-current={tab.id === active ? "page" : undefined} className="tab">
            {tab.label}
          </Link>
        ))}
      </nav>
    </header>
  );
}
