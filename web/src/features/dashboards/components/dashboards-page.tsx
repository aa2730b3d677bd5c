// A project's dashboards: the defaults the server creates on first view and
// the ones people built, with a form to start a new one.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { createDashboard, dashboardsKey, deleteDashboard, fetchDashboards, type Dashboard } from "../api/dashboards";

export function DashboardsPage() {
  return <ProjectPage active="dashboards">{(project) => <DashboardList project={project} />}</ProjectPage>;
}

function DashboardList({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const dashboards = useQuery({ queryKey: dashboardsKey(project.id), queryFn: () => fetchDashboards(project.id) });
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [deleting, setDeleting] = useState<Dashboard | null>(null);

  const create = useMutation({
    mutationFn: () => createDashboard(project.id, { name: name.trim(), description: description.trim() }),
    onSuccess: (dashboard) => {
      void queryClient.invalidateQueries({ queryKey: dashboardsKey(project.id) });
      navigate(`/projects/${project.id}/dashboards/${dashboard.id}?edit=1`);
    },
  });
  const remove = useMutation({
    mutationFn: (dashboard: Dashboard) => deleteDashboard(dashboard.id),
    onSuccess: () => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: dashboardsKey(project.id) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim() === "") return;
    create.mutate();
  }

  if (dashboards.isPending) return <Loading what="the dashboards" />;
  if (dashboards.error) {
    return (
      <ErrorState message={describeError(dashboards.error, "load the dashboards")} onRetry={() => dashboards.refetch()} />
    );
  }

  return (
    <div className="stack">
      {dashboards.data.length === 0 ? (
        <Empty>No dashboards yet.</Empty>
      ) : (
        <ul className="dashboard-list">
          {dashboards.data.map((dashboard) => (
            <li key={dashboard.id} className="card dashboard-card">
              <h2>
                <Link to={`/projects/${project.id}/dashboards/${dashboard.id}`}>{dashboard.name}</Link>
              </h2>
              {dashboard.description && <p className="muted">{dashboard.description}</p>}
              <p className="hint">
                {dashboard.widgets.length} {dashboard.widgets.length === 1 ? "widget" : "widgets"}
                {dashboard.default_key && <span className="badge">default</span>}
              </p>
              {!dashboard.default_key && (
                <button type="button" className="link-button danger-link" onClick={() => setDeleting(dashboard)}>
                  Delete<span className="visually-hidden"> {dashboard.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      <form className="card stack" onSubmit={submit} aria-labelledby="new-dashboard-title">
        <h2 id="new-dashboard-title">New dashboard</h2>
        <div className="inline-form">
          <label>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={200} required />
          </label>
          <label className="grow">
            Description
            <input value={description} onChange={(event) => setDescription(event.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={create.isPending || name.trim() === ""}>
            Create dashboard
          </button>
        </div>
        {create.error && (
          <p className="form-error" role="alert">
            {describeError(create.error, "create the dashboard")}
          </p>
        )}
      </form>

      <Dialog title="Delete dashboard" open={deleting !== null} onClose={() => setDeleting(null)}>
        <div className="stack">
          <p>
            Delete “{deleting?.name}” and its widgets? The traces and scores it shows stay.
          </p>
          {remove.error && (
            <p className="form-error" role="alert">
              {describeError(remove.error, "delete the dashboard")}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => deleting && remove.mutate(deleting)} disabled={remove.isPending}>
              Delete
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
