// One dashboard: its widgets on the grid over a chosen time range, kept
// current by live updates, and an edit mode to add, change, remove,
// arrange and resize widgets. Every edit is saved at once, and the widget
// list on the server is the only copy.
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import {
  dashboardDataKey,
  dashboardKey,
  dashboardsKey,
  fetchDashboard,
  fetchDashboardData,
  updateDashboard,
  type Dashboard,
  type Widget,
  type WidgetData,
  type WidgetInput,
  type WidgetQuery,
} from "../api/dashboards";
import { useDashboardLive, type LiveState } from "../hooks/use-dashboard-live";
import { packLayout, slotForNewWidget, type Placed } from "../lib/grid";
import { resolveTimeRange, timeRanges } from "../lib/time-range";
import { WidgetEditor } from "./widget-editor";
import { WidgetGrid } from "./widget-grid";

export function DashboardPage() {
  return <ProjectPage active="dashboards">{(project) => <DashboardView project={project} />}</ProjectPage>;
}

const liveLabels: Record<LiveState["status"], string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline, reconnecting…",
  rejected: "Live updates unavailable",
};

function LiveBadge({ live }: { live: LiveState }) {
  return (
    <span className={`live-badge live-badge-${live.status}`} role="status" title={live.message}>
      {liveLabels[live.status]}
    </span>
  );
}

// The size a new widget of each type starts with.
function defaultSize(type: Widget["type"]): { w: number; h: number } {
  if (type === "number") return { w: 3, h: 2 };
  if (type === "time_series") return { w: 12, h: 4 };
  return { w: 6, h: 4 };
}

function DashboardView({ project }: { project: Project }) {
  const dashboardId = useParams().dashboardId ?? "";
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const editing = params.get("edit") === "1";
  const [range, setRange] = useState(() => resolveTimeRange(params.get("range"), Date.now()));
  const [editorFor, setEditorFor] = useState<Widget | "new" | null>(null);
  const [removing, setRemoving] = useState<Widget | null>(null);

  const dashboard = useQuery({ queryKey: dashboardKey(dashboardId), queryFn: () => fetchDashboard(dashboardId) });
  const dataKey = dashboardDataKey(dashboardId, range.from, range.to);
  const data = useQuery({
    queryKey: dataKey,
    queryFn: ({ signal }) => fetchDashboardData(dashboardId, range.from, range.to, signal),
    // Live updates keep the rows current; a refetch would only race them.
    staleTime: Infinity,
  });
  const live = useDashboardLive(dashboardId, range.from, dataKey);

  // Saves run one at a time in the order made (a shared scope), so a quick
  // series of keyboard steps cannot land out of order. `refetch`: the change
  // adds or alters a query, so the rows must be read again. Layout changes
  // and removals need no new rows. `previous` is restored if the save fails.
  const saveKey = ["save-dashboard", dashboardId];
  const save = useMutation({
    mutationKey: saveKey,
    scope: { id: `save-dashboard-${dashboardId}` },
    mutationFn: ({ widgets }: { widgets: WidgetInput[]; refetch: boolean; previous?: Dashboard }) =>
      updateDashboard(dashboardId, { widgets }),
    onError: (_error, { previous }) => {
      if (previous) queryClient.setQueryData(dashboardKey(dashboardId), previous);
    },
    onSuccess: (saved, { refetch }) => {
      // A later save still queued already shows its own widgets.
      if (queryClient.isMutating({ mutationKey: saveKey }) <= 1) queryClient.setQueryData(dashboardKey(dashboardId), saved);
      void queryClient.invalidateQueries({ queryKey: dashboardsKey(project.id) });
      if (refetch) void queryClient.invalidateQueries({ queryKey: dataKey });
      setEditorFor(null);
      setRemoving(null);
    },
  });

  // Shows `widgets` at once and saves them. A new widget (no id yet)
  // appears when the server responds with its id.
  function commit(widgets: WidgetInput[], refetch: boolean) {
    const previous = queryClient.getQueryData<Dashboard>(dashboardKey(dashboardId));
    if (previous && widgets.every((widget) => widget.id)) {
      queryClient.setQueryData<Dashboard>(dashboardKey(dashboardId), { ...previous, widgets: widgets as Widget[] });
    }
    save.mutate({ widgets, refetch, previous });
  }

  const dataById = useMemo(() => {
    const map = new Map<string, WidgetData>();
    for (const widget of data.data?.widgets ?? []) map.set(widget.id, widget);
    return map;
  }, [data.data]);

  if (dashboard.isPending) return <Loading what="the dashboard" />;
  if (dashboard.error) {
    return <ErrorState message={describeError(dashboard.error, "load the dashboard")} onRetry={() => dashboard.refetch()} />;
  }
  const widgets = dashboard.data.widgets;

  function setParam(key: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  }

  // Opens the widget form without the error of an earlier save.
  function openEditor(target: Widget | "new") {
    save.reset();
    setEditorFor(target);
  }

  function chooseRange(key: string) {
    setParam("range", key);
    setRange(resolveTimeRange(key, Date.now()));
  }

  function applyLayout(layout: Placed[]) {
    const byId = new Map(layout.map((placed) => [placed.id, placed.layout]));
    commit(
      widgets.map((widget) => ({ ...widget, layout: byId.get(widget.id) ?? widget.layout })),
      false,
    );
  }

  function saveWidget(fields: { name: string; type: Widget["type"]; query: WidgetQuery }) {
    if (editorFor === "new") {
      const layout = slotForNewWidget(
        widgets.map((widget) => ({ id: widget.id, layout: widget.layout })),
        defaultSize(fields.type),
      );
      commit([...widgets, { ...fields, description: "", layout }], true);
    } else if (editorFor) {
      commit(
        widgets.map((widget) => (widget.id === editorFor.id ? { ...widget, ...fields } : widget)),
        true,
      );
    }
  }

  function removeWidget(widget: Widget) {
    const rest = widgets.filter((other) => other.id !== widget.id);
    const packed = new Map(packLayout(rest.map((other) => ({ id: other.id, layout: other.layout }))).map((p) => [p.id, p.layout]));
    commit(
      rest.map((other) => ({ ...other, layout: packed.get(other.id) ?? other.layout })),
      false,
    );
  }

  return (
    <div className="stack dashboard">
      <header className="dashboard-header">
        <div>
          <Link to={`/projects/${project.id}/dashboards`} className="muted">
            Dashboards
          </Link>
          <h2 className="dashboard-title">{dashboard.data.name}</h2>
          {dashboard.data.description && <p className="muted">{dashboard.data.description}</p>}
        </div>
        <div className="dashboard-controls">
          <LiveBadge live={live} />
          <label className="inline-label">
            Time range
            <select value={range.key} onChange={(event) => chooseRange(event.target.value)}>
              {timeRanges.map((option) => (
                <option key={option.key} value={option.key}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setRange(resolveTimeRange(range.key, Date.now()))}>
            Refresh
          </button>
          {editing && (
            <button type="button" onClick={() => openEditor("new")}>
              Add widget
            </button>
          )}
          <button type="button" className={editing ? "primary" : undefined} onClick={() => setParam("edit", editing ? null : "1")}>
            {editing ? "Done editing" : "Edit dashboard"}
          </button>
        </div>
      </header>
      {editing && (
        <p className="hint">
          Drag a widget by its ⠿ handle and resize it from its bottom-right corner. With the keyboard, focus a handle and
          use the arrow keys. Changes are saved as you make them.
        </p>
      )}
      <p className="visually-hidden" role="status">
        {save.isPending ? "Saving…" : ""}
      </p>
      {save.error && (
        <p className="form-error" role="alert">
          {describeError(save.error, "save the dashboard")}
        </p>
      )}
      {data.error && (
        <ErrorState message={describeError(data.error, "load the widgets' figures")} onRetry={() => data.refetch()} />
      )}

      {widgets.length === 0 ? (
        <Empty>
          This dashboard has no widgets yet.{" "}
          {!editing && (
            <button type="button" className="link-button" onClick={() => setParam("edit", "1")}>
              Edit it to add one.
            </button>
          )}
        </Empty>
      ) : (
        <WidgetGrid
          widgets={widgets}
          data={dataById}
          range={range}
          editing={editing}
          onLayoutChange={applyLayout}
          onEdit={(widget) => openEditor(widget)}
          onRemove={(widget) => setRemoving(widget)}
        />
      )}

      <Dialog
        title={editorFor === "new" ? "Add widget" : "Edit widget"}
        open={editorFor !== null}
        onClose={() => setEditorFor(null)}
        wide
      >
        {editorFor !== null && (
          <WidgetEditor
            widget={editorFor === "new" ? null : editorFor}
            error={save.error ? describeError(save.error, "save the widget") : null}
            saving={save.isPending}
            onSave={saveWidget}
            onCancel={() => setEditorFor(null)}
          />
        )}
      </Dialog>

      <Dialog title="Remove widget" open={removing !== null} onClose={() => setRemoving(null)}>
        <div className="stack">
          <p>Remove “{removing?.name}” from this dashboard?</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setRemoving(null)}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={() => removing && removeWidget(removing)} disabled={save.isPending}>
              Remove
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
