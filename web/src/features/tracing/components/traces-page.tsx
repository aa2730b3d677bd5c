// The trace table: server pages behind a virtual list, with free-text
// search, a time range, the filter form, ordering by header, a column
// chooser and saved filters (localStorage, per project). Live mode refetches
// the visible pages when the hub announces a new or changed trace.
import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Link, useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import { fetchScoreConfigs } from "../api/scores";
import { maxReferencesPerRequest, type TraceReferences } from "../api/send-to-labeling";
import { fetchTracePage } from "../api/traces";
import { useLiveTopics } from "../hooks/use-live-topic";
import { traceListKey, tracePageSize, useTraceRows } from "../hooks/use-trace-rows";
import { columnsKey, parseColumnChoice, parseSavedFilters, savedFiltersKey, upsertSavedFilter, type SavedFilter } from "../lib/saved-filters";
import { defaultTraceColumns, fieldsFor, traceColumnIds, traceColumns } from "../lib/trace-columns";
import {
  countConditions,
  defaultOrdering,
  emptyFilters,
  nextOrdering,
  timeRangeLabels,
  traceListParams,
  type TimeRange,
  type TraceFilters,
  type SortColumn,
  type TraceOrdering,
} from "../lib/trace-filters";
import { SendToLabelingDialog } from "./send-to-labeling-dialog";
import { TraceFilterPanel } from "./trace-filter-panel";

const rowHeight = 34;
const selectWidth = 40;
// Live events arrive per ingested trace; a burst refetches at most every 100 ms.
const liveRefetchDelayMs = 100;

export function TracesPage() {
  return (
    <ProjectPage active="traces" className="page traces-page">
      {(project) => <TraceTable project={project} />}
    </ProjectPage>
  );
}

const sortMarks = { ascending: " ▲", descending: " ▼", none: "" } as const;

function sortState(ordering: TraceOrdering, column: SortColumn | undefined): keyof typeof sortMarks {
  if (!column || ordering.column !== column) return "none";
  return ordering.descending ? "descending" : "ascending";
}

function countLine(total: number, filtered: boolean): string {
  const noun = total === 1 ? "trace" : "traces";
  if (!filtered) return `${total} ${noun}`;
  return `${total} ${noun} ${total === 1 ? "matches" : "match"}`;
}

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: the choice lasts for this page only.
  }
}

function TraceTable({ project }: { project: Project }) {
  const projectId = project.id;
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const [filters, setFilters] = useState<TraceFilters>(emptyFilters);
  const [searchText, setSearchText] = useState("");
  const [now, setNow] = useState(() => Date.now());
  const [ordering, setOrdering] = useState<TraceOrdering>(defaultOrdering);
  const [showFilters, setShowFilters] = useState(false);
  const [showColumns, setShowColumns] = useState(false);
  const [live, setLive] = useState(true);
  const [columnIds, setColumnIds] = useState<string[]>(
    () => parseColumnChoice(readStored(columnsKey(projectId)), traceColumnIds) ?? defaultTraceColumns,
  );
  const [saved, setSaved] = useState<SavedFilter[]>(() => parseSavedFilters(readStored(savedFiltersKey(projectId))));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [sending, setSending] = useState(false);
  // The first page until the virtualizer reports what is on screen.
  const [range, setRange] = useState({ start: 0, end: tracePageSize - 1 });
  const scroller = useRef<HTMLDivElement>(null);

  const columns = traceColumns.filter((column) => columnIds.includes(column.id));
  const fields = useMemo(() => fieldsFor(columnIds), [columnIds]);
  const traces = useTraceRows(projectId, range, filters, ordering, fields, now);
  const configs = useQuery({ queryKey: ["score-configs", projectId], queryFn: () => fetchScoreConfigs(projectId) });
  const scoreNames = [...new Set((configs.data ?? []).map((config) => config.name))].sort();

  function applyFilters(next: TraceFilters) {
    setFilters(next);
    setNow(Date.now());
    setSelected(new Set());
    scroller.current?.scrollTo({ top: 0 });
  }

  // Search applies 300 ms after the last keystroke, or at once on Enter.
  useEffect(() => {
    if (searchText === filters.search) return;
    const timer = window.setTimeout(() => applyFilters({ ...filters, search: searchText }), 300);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  // The first event of a burst refetches at once; later ones within
  // liveRefetchDelayMs wait and refetch once at its end.
  const refetchTimer = useRef<number | undefined>(undefined);
  const refetchPending = useRef(false);
  const refetchSoon = () => {
    if (refetchTimer.current !== undefined) {
      refetchPending.current = true;
      return;
    }
    void queryClient.invalidateQueries({ queryKey: traceListKey(projectId) });
    refetchTimer.current = window.setTimeout(() => {
      refetchTimer.current = undefined;
      if (refetchPending.current) {
        refetchPending.current = false;
        refetchSoon();
      }
    }, liveRefetchDelayMs);
  };
  useEffect(() => () => window.clearTimeout(refetchTimer.current), []);
  const liveState = useLiveTopics([`project:${projectId}:traces`], live, refetchSoon, refetchSoon);

  function chooseColumns(ids: string[]) {
    setColumnIds(ids);
    writeStored(columnsKey(projectId), JSON.stringify(ids));
  }

  function saveFilter() {
    const name = window.prompt("Name for these filters");
    if (!name || !name.trim()) return;
    const next = upsertSavedFilter(saved, name, filters);
    setSaved(next);
    writeStored(savedFiltersKey(projectId), JSON.stringify(next));
  }

  function deleteSaved(name: string) {
    const next = saved.filter((entry) => entry.name !== name);
    setSaved(next);
    writeStored(savedFiltersKey(projectId), JSON.stringify(next));
  }

  // The ids to send: the ticked traces, or up to the server's limit of the
  // traces matching the filters, read page by page.
  async function resolveRefs(): Promise<TraceReferences> {
    if (selected.size > 0) return { traceIds: [...selected], observations: [] };
    const ids: string[] = [];
    for (let page = 1; ids.length < maxReferencesPerRequest; page++) {
      const query = traceListParams(filters, ordering, { page, limit: 100, fields: ["core"] }, now);
      const result = await fetchTracePage(projectId, query);
      ids.push(...result.data.map((trace) => trace.id));
      if (page >= result.meta.totalPages) break;
    }
    return { traceIds: ids.slice(0, maxReferencesPerRequest), observations: [] };
  }

  const virtualizer = useVirtualizer({
    count: traces.total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 15,
    onChange: (instance) => {
      const items = instance.getVirtualItems();
      if (items.length === 0) return;
      const start = items[0].index;
      const end = items[items.length - 1].index;
      setRange((current) => (current.start === start && current.end === end ? current : { start, end }));
    },
  });

  const template = [`${selectWidth}px`, ...columns.map((column) => `${column.width}px`)].join(" ");
  const width = selectWidth + columns.reduce((sum, column) => sum + column.width, 0);
  const conditionCount = countConditions(filters);
  const filtered = conditionCount > 0 || filters.search !== "" || filters.timeRange !== "all";
  const sendCount = selected.size > 0 ? selected.size : Math.min(traces.total, maxReferencesPerRequest);

  return (
    <>
      <div className="toolbar trace-toolbar">
        <div className="toolbar-start">
          <input
            type="search"
            className="trace-search"
            aria-label="Search traces"
            placeholder="Search name, id, user, session, tags, metadata, input, output"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") applyFilters({ ...filters, search: searchText });
            }}
          />
          <select
            aria-label="Time range"
            value={filters.timeRange}
            onChange={(e) => applyFilters({ ...filters, timeRange: e.target.value as TimeRange })}
          >
            {Object.entries(timeRangeLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <button type="button" aria-expanded={showFilters} onClick={() => setShowFilters((open) => !open)}>
            Filters{conditionCount > 0 ? ` (${conditionCount})` : ""}
          </button>
          <select
            aria-label="Saved filters"
            value=""
            onChange={(e) => {
              const entry = saved.find((item) => item.name === e.target.value);
              if (entry) {
                setSearchText(entry.filters.search);
                applyFilters(entry.filters);
              }
            }}
          >
            <option value="">Saved filters…</option>
            {saved.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={saveFilter}>
            Save filters
          </button>
        </div>
        <div className="toolbar-end">
          <span className="muted" aria-live="polite" data-testid="trace-count">
            {countLine(traces.total, filtered)}
          </span>
          <label className="tracing-check live-toggle" title={liveState.error ?? undefined}>
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
            Live
            <span className={`live-dot live-${liveState.status}`} aria-label={`Live updates: ${liveState.status}`} />
          </label>
          <button type="button" aria-expanded={showColumns} onClick={() => setShowColumns((open) => !open)}>
            Columns
          </button>
          <button type="button" disabled={traces.total === 0} onClick={() => setSending(true)}>
            Send {selected.size > 0 ? `${selected.size} selected` : "all matching"} to labeling
          </button>
        </div>
      </div>

      {showColumns && (
        <fieldset className="card trace-columns" aria-label="Columns">
          <legend>Columns</legend>
          {traceColumns.map((column) => (
            <label key={column.id} className="tracing-check">
              <input
                type="checkbox"
                checked={columnIds.includes(column.id)}
                disabled={columnIds.length === 1 && columnIds.includes(column.id)}
                onChange={(e) =>
                  chooseColumns(
                    e.target.checked
                      ? traceColumnIds.filter((id) => id === column.id || columnIds.includes(id))
                      : columnIds.filter((id) => id !== column.id),
                  )
                }
              />
              {column.title}
            </label>
          ))}
        </fieldset>
      )}
      {showFilters && (
        <>
          <TraceFilterPanel key={JSON.stringify(filters)} applied={filters} scoreNames={scoreNames} onApply={applyFilters} />
          {saved.length > 0 && (
            <p className="hint">
              Saved:{" "}
              {saved.map((entry) => (
                <span key={entry.name} className="saved-filter">
                  {entry.name}{" "}
                  <button type="button" className="link-button" onClick={() => deleteSaved(entry.name)} aria-label={`Delete saved filter ${entry.name}`}>
                    delete
                  </button>
                </span>
              ))}
            </p>
          )}
        </>
      )}

      {traces.isPending && <Loading what="traces" />}
      {traces.error && <ErrorState message={describeError(traces.error, "load the traces")} onRetry={traces.refetch} />}
      {!traces.isPending && !traces.error && traces.total === 0 && (
        <Empty>
          {filtered
            ? "No trace matches these filters."
            : "No traces yet. Send some with a Langfuse SDK and this project's key pair (Account → Key pairs); they appear here as they arrive."}
        </Empty>
      )}
      {traces.total > 0 && (
        <div className="dm-table" role="table" aria-label="Traces" aria-rowcount={traces.total + 1}>
          <div ref={scroller} className="dm-scroller">
            <div className="dm-row dm-head" role="row" style={{ gridTemplateColumns: template, width }}>
              <div role="columnheader" className="dm-cell">
                {selected.size > 0 && (
                  <input type="checkbox" checked aria-label="Clear the selection" onChange={() => setSelected(new Set())} />
                )}
              </div>
              {columns.map((column) => {
                const sorted = sortState(ordering, column.sort);
                return (
                  <div key={column.id} role="columnheader" className="dm-cell" aria-sort={sorted}>
                    {column.sort ? (
                      <button type="button" className="sort-button" onClick={() => setOrdering(nextOrdering(ordering, column.sort!))}>
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
                const trace = traces.rows.get(item.index);
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className="dm-row"
                    data-trace-id={trace?.id}
                    style={{ gridTemplateColumns: template, width, height: rowHeight, transform: `translateY(${item.start}px)` }}
                    onClick={(event) => {
                      if (trace && !(event.target as HTMLElement).closest("a, input, button")) {
                        navigate(`/projects/${projectId}/traces/${encodeURIComponent(trace.id)}`);
                      }
                    }}
                  >
                    {trace ? (
                      <>
                        <div role="cell" className="dm-cell">
                          <input
                            type="checkbox"
                            aria-label={`Select trace ${trace.name ?? trace.id}`}
                            checked={selected.has(trace.id)}
                            onChange={() =>
                              setSelected((current) => {
                                const next = new Set(current);
                                if (next.has(trace.id)) next.delete(trace.id);
                                else next.add(trace.id);
                                return next;
                              })
                            }
                          />
                        </div>
                        {columns.map((column) => (
                          <div key={column.id} role="cell" className="dm-cell" title={column.value(trace)}>
                            {column.id === "name" || column.id === "id" ? (
                              <Link to={`/projects/${projectId}/traces/${encodeURIComponent(trace.id)}`}>
                                {column.value(trace) || trace.id}
                              </Link>
                            ) : (
                              column.value(trace)
                            )}
                          </div>
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
      )}
      <SendToLabelingDialog
        open={sending}
        onClose={() => setSending(false)}
        traceProjectId={projectId}
        description={selected.size > 0 ? `${selected.size} selected traces` : `the ${sendCount} traces matching the filters`}
        resolveRefs={resolveRefs}
      />
    </>
  );
}
