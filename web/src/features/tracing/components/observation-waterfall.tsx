// The trace's observation tree beside a timeline: one row per observation,
// indented by depth, with a bar placed and sized to scale of its start and
// end. Clicking a row selects it; the trace itself is the first row.
// NOTE: every visible row is rendered, so a trace of many thousands of
// observations is slow to draw; collapse its branches or read it through
// the API until this list is virtualised like the trace table.
import type { KeyboardEvent } from "react";
import type { Observation, TraceDetail } from "../api/traces";
import { flattenTree, type TreeNode } from "../lib/observation-tree";
import { barFor, formatDuration, timelineTicks, type TimelineScale } from "../lib/timeline";

const typeClass: Record<string, string> = { GENERATION: "generation", SPAN: "span", EVENT: "event" };

// Rows are selected with Enter or Space as well as by clicking, so the tree
// works from the keyboard (Tab moves between rows).
function selectOnKey(select: () => void) {
  return (event: KeyboardEvent) => {
    // Keys on the collapse button inside a row are the button's own.
    if (event.target !== event.currentTarget) return;
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    select();
  };
}

export function ObservationWaterfall({
  trace,
  roots,
  scale,
  selectedId,
  collapsed,
  onSelect,
  onToggle,
}: {
  trace: TraceDetail;
  roots: TreeNode<Observation>[];
  scale: TimelineScale;
  selectedId: string | null; // null: the trace
  collapsed: ReadonlySet<string>;
  onSelect: (observationId: string | null) => void;
  onToggle: (observationId: string) => void;
}) {
  const rows = flattenTree(roots, collapsed);
  const traceBar = { left: 0, width: 1 };
  return (
    <div className="waterfall" role="tree" aria-label="Observations">
      <div className="waterfall-axis" aria-hidden="true">
        <span />
        <div className="waterfall-ticks">
          {timelineTicks(scale.durationMs).map((tick) => (
            <span key={tick} style={{ left: `${(tick / scale.durationMs) * 100}%` }}>
              {formatDuration(tick)}
            </span>
          ))}
        </div>
      </div>
      <div
        role="treeitem"
        aria-selected={selectedId === null}
        className={`waterfall-row${selectedId === null ? " selected" : ""}`}
        tabIndex={0}
        onClick={() => onSelect(null)}
        onKeyDown={selectOnKey(() => onSelect(null))}
      >
        <div className="waterfall-label">
          <span className="obs-type obs-trace">TRACE</span> {trace.name ?? trace.id}
        </div>
        <div className="waterfall-track">
          <div className="waterfall-bar bar-trace" style={{ left: `${traceBar.left * 100}%`, width: `${traceBar.width * 100}%` }} />
          <span className="waterfall-duration">{formatDuration(scale.durationMs)}</span>
        </div>
      </div>
      {rows.map(({ observation, depth, hasChildren }) => {
        const bar = barFor(scale, observation);
        const selected = observation.id === selectedId;
        const kind = typeClass[observation.type] ?? "other";
        return (
          <div
            key={observation.id}
            role="treeitem"
            aria-level={depth + 2}
            aria-selected={selected}
            aria-expanded={hasChildren ? !collapsed.has(observation.id) : undefined}
            data-observation-id={observation.id}
            className={`waterfall-row${selected ? " selected" : ""}${observation.level === "ERROR" ? " level-error" : ""}`}
            tabIndex={0}
            onClick={() => onSelect(observation.id)}
            onKeyDown={selectOnKey(() => onSelect(observation.id))}
          >
            <div className="waterfall-label" style={{ paddingLeft: `${(depth + 1) * 14}px` }}>
              {hasChildren ? (
                <button
                  type="button"
                  className="tree-toggle"
                  aria-label={collapsed.has(observation.id) ? "Expand" : "Collapse"}
                  onClick={(event) => {
                    event.stopPropagation();
                    onToggle(observation.id);
                  }}
                >
                  {collapsed.has(observation.id) ? "▸" : "▾"}
                </button>
              ) : (
                <span className="tree-toggle-space" />
              )}
              <span className={`obs-type obs-${kind}`}>{observation.type}</span> {observation.name ?? observation.id}
            </div>
            <div className="waterfall-track">
              <div
                className={`waterfall-bar bar-${kind}`}
                style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }}
                title={`${observation.name ?? observation.id}: ${formatDuration(bar.durationMs)}`}
              />
              <span className="waterfall-duration">{formatDuration(bar.durationMs)}</span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
