// The Data Manager: a project's tasks in a virtualised table over server
// pages, with saved views as tabs, a filter builder, ordering by column,
// selection and actions on the selected tasks. Opening a row labels it.
import { useMemo, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { ExportDialog } from "../../export/components/export-dialog";
import { ImportDialog } from "../../import/components/import-dialog";
import type { Task, TaskScope } from "../../labeling/api/tasks";
import { parseLabelConfig } from "../../labeling/lib/config";
import type { Project } from "../../projects/api/projects";
import { projectKey, projectsKey } from "../../projects/api/query-keys";
import { ProjectPage } from "../../projects/components/project-page";
import {
  createView,
  deleteView,
  fetchActions,
  fetchViews,
  runAction,
  updateView,
  type Action,
  type Selection,
  type View,
} from "../api/views";
import { useTaskRows } from "../hooks/use-task-rows";
import { buildColumns, dataKeys, type Column } from "../lib/columns";
import {
  filterColumns,
  fromOrderingList,
  nextOrdering,
  toOrderingList,
  type FilterGroup,
  type Ordering,
} from "../lib/filters";
import { FilterPanel } from "./filter-panel";
import { TaskPreview } from "./task-preview";
import { ViewTabs } from "./view-tabs";

// NOTE: Chromium caps an element's height near 33.5 million px, so at 32 px
// per row the table scrolls through about 1,048,000 tasks. Rows past that
// cannot be reached until the table scales its scroll range.
const rowHeight = 32;
const selectWidth = 40;
const noFilters: FilterGroup = { conjunction: "and", items: [] };

const sortMarks = { ascending: " ▲", descending: " ▼", none: "" } as const;

function sortState(ordering: Ordering | null, column: string): keyof typeof sortMarks {
  if (ordering?.column !== column) return "none";
  return ordering.descending ? "descending" : "ascending";
}

// One cell of a task row: the ID opens the task for labeling, and an
// annotation count links to the review screen.
function TaskCell({ column, task, projectId }: { column: Column; task: Task; projectId: number }) {
  if (column.id === "id") {
    return (
      <div role="cell" className="dm-cell">
        <Link to={`/projects/${projectId}/label?task=${task.id}`} aria-label={`Label task ${task.id}`}>
          {task.id}
        </Link>
      </div>
    );
  }
  if (column.id === "total_annotations" && task.total_annotations > 0) {
    return (
      <div role="cell" className="dm-cell">
        {task.total_annotations}{" "}
        <Link to={`/projects/${projectId}/review?task=${task.id}`} aria-label={`Review task ${task.id}`}>
          Review
        </Link>
      </div>
    );
  }
  return (
    <div role="cell" className="dm-cell" title={column.value(task)}>
      {column.value(task)}
    </div>
  );
}

function countLine(total: number, filtered: boolean): string {
  const noun = total === 1 ? "task" : "tasks";
  if (!filtered) return `${total} ${noun}`;
  return `${total} ${noun} ${total === 1 ? "matches" : "match"}`;
}

export function DataManagerPage() {
  return (
    <ProjectPage active="data" className="page data-manager">
      {(project) => <DataManager project={project} />}
    </ProjectPage>
  );
}

function DataManager({ project }: { project: Project }) {
  const projectId = project.id;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const activeViewId = params.get("view") ? Number(params.get("view")) : null;

  const views = useQuery({ queryKey: ["views", projectId], queryFn: () => fetchViews(projectId) });
  const actions = useQuery({ queryKey: ["dm-actions", projectId], queryFn: () => fetchActions(projectId) });
  const activeView = views.data?.find((view) => view.id === activeViewId) ?? null;

  // "All tasks" keeps its filters and ordering in the page; views keep theirs on the server.
  const [localFilters, setLocalFilters] = useState<FilterGroup>(noFilters);
  const [localOrdering, setLocalOrdering] = useState<Ordering | null>(null);
  const filters: FilterGroup = activeView ? (activeView.data.filters ?? noFilters) : localFilters;
  const ordering = activeView ? fromOrderingList(activeView.data.ordering) : localOrdering;
  const scope: TaskScope = activeView
    ? { view: activeView.id }
    : localFilters.items.length > 0 || localOrdering
      ? { query: { filters: localFilters, ordering: toOrderingList(localOrdering) } }
      : {};

  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [showFilters, setShowFilters] = useState(false);
  const [viewError, setViewError] = useState<string | null>(null);
  // Ticked task ids, or with selectAll, the unticked ones among all matching.
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [selectAll, setSelectAll] = useState(false);
  const [pendingAction, setPendingAction] = useState<Action | null>(null);
  const [previewTaskId, setPreviewTaskId] = useState<number | null>(null);
  const [range, setRange] = useState({ start: 0, end: 50 });
  const tasks = useTaskRows(projectId, range, scope);
  const scroller = useRef<HTMLDivElement>(null);

  const configKeys = useMemo(() => {
    const parsed = parseLabelConfig(project.label_config);
    return parsed.ok ? parsed.config.dataKeys : [];
  }, [project.label_config]);
  const keys = useMemo(() => dataKeys(configKeys, tasks.sample), [configKeys, tasks.sample]);
  const columns = useMemo(() => buildColumns(keys), [keys]);
  const filterable = useMemo(() => filterColumns(keys), [keys]);
  const sortable = new Set(filterable.map((column) => column.id));
  const template = [`${selectWidth}px`, ...columns.map((column) => `${column.width}px`)].join(" ");
  const width = selectWidth + columns.reduce((sum, column) => sum + column.width, 0);

  const refreshTasks = () => {
    void queryClient.invalidateQueries({ queryKey: ["tasks", projectId] });
    void queryClient.invalidateQueries({ queryKey: projectKey(projectId) });
    void queryClient.invalidateQueries({ queryKey: projectsKey });
  };

  const saveView = useMutation({
    mutationFn: (change: { filters?: FilterGroup; ordering?: Ordering | null }) =>
      updateView(projectId, activeView!.id, {
        title: activeView!.data.title ?? "View",
        filters: change.filters ?? filters,
        ordering: toOrderingList(change.ordering === undefined ? ordering : change.ordering),
      }),
    onSuccess: () => {
      setViewError(null);
      void queryClient.invalidateQueries({ queryKey: ["views", projectId] });
      void queryClient.invalidateQueries({ queryKey: ["tasks", projectId] });
    },
    onError: (error) => setViewError(describeError(error, "apply the filters")),
  });

  function applyFilters(group: FilterGroup) {
    clearSelection();
    if (activeView) saveView.mutate({ filters: group });
    else setLocalFilters(group);
  }

  function orderBy(column: string) {
    const next = nextOrdering(ordering, column);
    if (activeView) saveView.mutate({ ordering: next });
    else setLocalOrdering(next);
  }

  const addView = useMutation({
    mutationFn: () =>
      createView(projectId, {
        title: `View ${(views.data?.length ?? 0) + 1}`,
        filters,
        ordering: toOrderingList(ordering),
      }),
    onSuccess: async (view) => {
      await queryClient.invalidateQueries({ queryKey: ["views", projectId] });
      setParams({ view: String(view.id) });
    },
    onError: (error) => setViewError(describeError(error, "add the view")),
  });

  const removeView = useMutation({
    mutationFn: (view: View) => deleteView(view.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["views", projectId] });
      setParams({});
    },
    onError: (error) => setViewError(describeError(error, "delete the view")),
  });

  const selection: Selection = selectAll ? { all: true, excluded: [...selected] } : { all: false, included: [...selected] };
  const selectedCount = selectAll ? tasks.total - selected.size : selected.size;
  const clearSelection = () => {
    setSelected(new Set());
    setSelectAll(false);
  };

  const act = useMutation({
    mutationFn: (action: Action) => runAction(projectId, action.id, selection, scope),
    onSuccess: () => {
      clearSelection();
      setPendingAction(null);
      refreshTasks();
    },
  });

  const virtualizer = useVirtualizer({
    count: tasks.total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 20,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (items.length === 0) return;
      const start = items[0].index;
      const end = items[items.length - 1].index;
      setRange((current) => (current.start === start && current.end === end ? current : { start, end }));
    },
  });

  function toggle(taskId: number) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(taskId)) next.delete(taskId);
      else next.add(taskId);
      return next;
    });
  }

  return (
    <>
      <ViewTabs
        views={views.data ?? []}
        activeId={activeView?.id ?? null}
        onSelect={(id) => {
          clearSelection();
          setParams(id === null ? {} : { view: String(id) });
        }}
        onAdd={() => addView.mutate()}
        onDelete={(view) => removeView.mutate(view)}
        busy={addView.isPending || removeView.isPending}
      />
      <div className="toolbar">
        <div className="toolbar-start">
          <button type="button" aria-expanded={showFilters} onClick={() => setShowFilters((open) => !open)}>
            Filters{filters.items.length > 0 ? ` (${filters.items.length})` : ""}
          </button>
          <span className="muted" aria-live="polite">
            {countLine(tasks.total, filters.items.length > 0)} · {project.finished_task_number} of {project.task_number}{" "}
            done
          </span>
        </div>
        <div className="toolbar-end">
          {selectedCount > 0 && (
            <label className="inline-label">
              <span>{selectedCount} selected</span>
              <select
                aria-label="Action on the selected tasks"
                value=""
                onChange={(e) => setPendingAction(actions.data?.find((a) => a.id === e.target.value) ?? null)}
              >
                <option value="">Actions…</option>
                {(actions.data ?? []).map((action) => (
                  <option key={action.id} value={action.id}>
                    {action.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => setImporting(true)}>
            Import
          </button>
          <button type="button" onClick={() => setExporting(true)}>
            Export
          </button>
          <Link className="button primary" to={`/projects/${projectId}/label`}>
            Label all tasks
          </Link>
        </div>
      </div>
      {viewError && (
        <p className="form-error" role="alert">
          {viewError}
        </p>
      )}
      {showFilters && (
        <FilterPanel
          key={`${activeView?.id ?? "all"}-${JSON.stringify(filters)}`}
          columns={filterable}
          applied={filters}
          onApply={applyFilters}
          error={null}
        />
      )}
      {tasks.isPending && <Loading what="tasks" />}
      {tasks.error && <ErrorState message={describeError(tasks.error, "load the tasks")} onRetry={tasks.refetch} />}
      {!tasks.isPending && !tasks.error && tasks.total === 0 && (
        <Empty>
          {filters.items.length > 0 ? (
            "No task matches these filters."
          ) : (
            <>
              No tasks yet.{" "}
              <button type="button" className="link-button" onClick={() => setImporting(true)}>
                Import tasks
              </button>{" "}
              to start.
            </>
          )}
        </Empty>
      )}
      {tasks.total > 0 && (
        <div className={previewTaskId === null ? "dm-body" : "dm-body dm-body-preview"}>
        <div className="dm-table" role="table" aria-label="Tasks" aria-rowcount={tasks.total + 1}>
          <div ref={scroller} className="dm-scroller">
            <div className="dm-row dm-head" role="row" style={{ gridTemplateColumns: template, width }}>
              <div role="columnheader" className="dm-cell">
                <input
                  type="checkbox"
                  aria-label={`Select all ${tasks.total} tasks`}
                  checked={selectAll && selected.size === 0}
                  onChange={() => {
                    const next = !(selectAll && selected.size === 0);
                    setSelected(new Set());
                    setSelectAll(next);
                  }}
                />
              </div>
              {columns.map((column) => {
                const sorted = sortState(ordering, column.id);
                return (
                  <div key={column.id} role="columnheader" className="dm-cell" aria-sort={sorted}>
                    {sortable.has(column.id) ? (
                      <button type="button" className="sort-button" onClick={() => orderBy(column.id)}>
                        {column.title}
                        {sortMarks[sorted]}
                      </button>
                    ) : (
                      column.title
                    )}
                  </div>
                );
              })}
            </div>
            <div style={{ height: virtualizer.getTotalSize(), width, position: "relative" }}>
              {virtualizer.getVirtualItems().map((item) => {
                const task = tasks.rows.get(item.index);
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className="dm-row"
                    style={{ gridTemplateColumns: template, width, height: rowHeight, transform: `translateY(${item.start}px)` }}
                    onClick={(event) => {
                      // Links and checkboxes in the row do their own thing.
                      if (task && !(event.target as HTMLElement).closest("a, input")) setPreviewTaskId(task.id);
                    }}
                    onDoubleClick={() => task && navigate(`/projects/${projectId}/label?task=${task.id}`)}
                  >
                    {task ? (
                      <>
                        <div role="cell" className="dm-cell">
                          <input
                            type="checkbox"
                            aria-label={`Select task ${task.id}`}
                            checked={selectAll !== selected.has(task.id)}
                            onChange={() => toggle(task.id)}
                          />
                        </div>
                        {columns.map((column) => (
                          <TaskCell key={column.id} column={column} task={task} projectId={projectId} />
                        ))}
                      </>
                    ) : (
                      <div role="cell" className="dm-cell muted">
                        Loading…
                      </div>
                    )}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        {previewTaskId !== null && (
          <TaskPreview projectId={projectId} taskId={previewTaskId} onClose={() => setPreviewTaskId(null)} />
        )}
        </div>
      )}
      <ImportDialog projectId={projectId} open={importing} onClose={() => setImporting(false)} onImported={refreshTasks} />
      <ExportDialog projectId={projectId} open={exporting} onClose={() => setExporting(false)} />
      <Dialog title={pendingAction?.dialog?.title ?? pendingAction?.title ?? "Run action"} open={pendingAction !== null} onClose={() => setPendingAction(null)}>
        {pendingAction && (
          <div className="stack">
            <p>
              {pendingAction.dialog?.text ?? pendingAction.title} This applies to {selectedCount} selected task
              {selectedCount === 1 ? "" : "s"}.
            </p>
            {act.error && (
              <p className="form-error" role="alert">
                {describeError(act.error, pendingAction.title.toLowerCase())}
              </p>
            )}
            <div className="dialog-actions">
              <button type="button" onClick={() => setPendingAction(null)}>
                Cancel
              </button>
              <button type="button" className="danger" disabled={act.isPending} onClick={() => act.mutate(pendingAction)}>
                {pendingAction.title}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
