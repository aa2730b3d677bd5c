// The Data Manager: a project's tasks in a virtualised table over server
// pages. Opening a row labels that task.
import { useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link, useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { ImportDialog } from "../../import/components/import-dialog";
import { parseLabelConfig } from "../../labeling/lib/config";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { projectKey, projectsKey } from "../../projects/api/query-keys";
import { useTaskRows } from "../hooks/use-task-rows";
import { buildColumns, dataKeys } from "../lib/columns";

// NOTE: Chromium caps an element's height near 33.5 million px, so at 32 px
// per row the table scrolls through about 1,048,000 tasks; rows past that
// cannot be reached until the table scales its scroll range.
const rowHeight = 32;

export function DataManagerPage() {
  return (
    <ProjectPage active="data" className="page data-manager">
      {(project) => <DataManager project={project} />}
    </ProjectPage>
  );
}

function DataManager({ project }: { project: Project }) {
  const projectId = project.id;
  const [importing, setImporting] = useState(false);
  const [range, setRange] = useState({ start: 0, end: 50 });
  const tasks = useTaskRows(projectId, range);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const scroller = useRef<HTMLDivElement>(null);

  const configKeys = useMemo(() => {
    const parsed = parseLabelConfig(project.label_config);
    return parsed.ok ? parsed.config.dataKeys : [];
  }, [project.label_config]);
  const columns = useMemo(() => buildColumns(dataKeys(configKeys, tasks.sample)), [configKeys, tasks.sample]);
  const template = columns.map((column) => `${column.width}px`).join(" ");
  const width = columns.reduce((sum, column) => sum + column.width, 0);

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

  return (
    <>
      <div className="toolbar">
        <span className="muted" aria-live="polite">
          {tasks.total} tasks · {project.finished_task_number} done
        </span>
        <div className="toolbar-end">
          <button type="button" onClick={() => setImporting(true)}>
            Import
          </button>
          <Link className="button primary" to={`/projects/${projectId}/label`}>
            Label all tasks
          </Link>
        </div>
      </div>
      {tasks.isPending && <Loading what="tasks" />}
      {tasks.error && <ErrorState message={describeError(tasks.error, "load the tasks")} onRetry={tasks.refetch} />}
      {!tasks.isPending && !tasks.error && tasks.total === 0 && (
        <Empty>
          No tasks yet.{" "}
          <button type="button" className="link-button" onClick={() => setImporting(true)}>
            Import tasks
          </button>{" "}
          to start.
        </Empty>
      )}
      {tasks.total > 0 && (
        <div className="dm-table" role="table" aria-label="Tasks" aria-rowcount={tasks.total + 1}>
          <div ref={scroller} className="dm-scroller">
            <div className="dm-row dm-head" role="row" style={{ gridTemplateColumns: template, width }}>
              {columns.map((column) => (
                <div key={column.id} role="columnheader" className="dm-cell">
                  {column.title}
                </div>
              ))}
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
                    onDoubleClick={() => task && navigate(`/projects/${projectId}/label?task=${task.id}`)}
                  >
                    {task ? (
                      columns.map((column) =>
                        column.id === "id" ? (
                          <div key={column.id} role="cell" className="dm-cell">
                            <Link to={`/projects/${projectId}/label?task=${task.id}`} aria-label={`Label task ${task.id}`}>
                              {task.id}
                            </Link>
                          </div>
                        ) : (
                          <div key={column.id} role="cell" className="dm-cell" title={column.value(task)}>
                            {column.value(task)}
                          </div>
                        ),
                      )
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
      )}
      <ImportDialog
        projectId={projectId}
        open={importing}
        onClose={() => setImporting(false)}
        onImported={() => {
          void queryClient.invalidateQueries({ queryKey: ["tasks", projectId] });
          void queryClient.invalidateQueries({ queryKey: projectKey(projectId) });
          void queryClient.invalidateQueries({ queryKey: projectsKey });
        }}
      />
    </>
  );
}
