import { Link } from "react-router-dom";
import type { Project } from "../api/projects";

// The project's title and its sections, shared by the project pages.
export function ProjectTabs({ project, active }: { project: Project; active: "data" | "label" | "review" | "settings" }) {
  const tabs = [
    { id: "data", label: "Data Manager", to: `/projects/${project.id}/data` },
    { id: "label", label: "Label", to: `/projects/${project.id}/label` },
    { id: "settings", label: "Settings", to: `/projects/${project.id}/settings` },
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
