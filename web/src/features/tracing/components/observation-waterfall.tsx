// The trace's observation tree beside a timeline: one row per observation,
// indented by depth, with a bar placed and sized to scale of its start and
// end. Clicking a row selects it; the trace itself is the first row. Rows
// are virtualised, so a trace of many thousands of observations draws only
// the rows on screen.
import { useEffect, useRef, type KeyboardEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Observation, TraceDetail } from "../api/traces";
import { flattenTree, type TreeNode, type TreeRow } from "../lib/observation-tree";
import { barFor, formatDuration, timelineTicks, type TimelineScale } from "../lib/timeline";

const typeClass: Record<string, string> = { GENERATION: "generation", SPAN: "span", EVENT: "event" };
// Row height in px, border included; styles.css gives .waterfall-row the same.
const rowHeight = 31;

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
  const scroller = useRef<HTMLDivElement>(null);
  // Index 0 is the trace row; observation rows follow.
  const virtualizer = useVirtualizer({
    count: rows.length + 1,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 20,
  });

  // A deep-linked observation far down the tree is scrolled into view.
  const selectedIndex = selectedId === null ? 0 : rows.findIndex((row) => row.observation.id === selectedId) + 1;
  useEffect(() => {
    if (selectedIndex > 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedIndex]);

  return (
    <div ref={scroller} className="waterfall" role="tree" aria-label="Observations">
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
      <div className="waterfall-rows" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} className="waterfall-slot" style={{ transform: `translateY(${item.start}px)` }}>
            {item.index === 0 ? (
              <TraceRow trace={trace} scale={scale} selected={selectedId === null} onSelect={() => onSelect(null)} />
            ) : (
              <ObservationRow
                row={rows[item.index - 1]}
                scale={scale}
                selected={rows[item.index - 1].observation.id === selectedId}
                collapsed={collapsed.has(rows[item.index - 1].observation.id)}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

function TraceRow({
  trace,
  scale,
  selected,
  onSelect,
}: {
  trace: TraceDetail;
  scale: TimelineScale;
  selected: boolean;
  onSelect: () => void;
}) {
  return (
    <div
      role="treeitem"
      aria-selected={selected}
      className={`waterfall-row${selected ? " selected" : ""}`}
      tabIndex={0}
      onClick={onSelect}
      onKeyDown={selectOnKey(onSelect)}
    >
      <div className="waterfall-label">
        <span className="obs-type obs-trace">TRACE</span> {trace.name ?? trace.id}
      </div>
      <div className="waterfall-track">
        <div className="waterfall-bar bar-trace" style={{ left: 0, width: "100%" }} />
        <span className="waterfall-duration">{formatDuration(scale.durationMs)}</span>
      </div>
    </div>
  );
}

function ObservationRow({
  row,
  scale,
  selected,
  collapsed,
  onSelect,
  onToggle,
}: {
  row: TreeRow<Observation>;
  scale: TimelineScale;
  selected: boolean;
  collapsed: boolean;
  onSelect: (observationId: string) => void;
  onToggle: (observationId: string) => void;
}) {
  const { observation, depth, hasChildren } = row;
  const bar = barFor(scale, observation);
  const kind = typeClass[observation.type] ?? "other";
  return (
    <div
      role="treeitem"
      aria-level={depth + 2}
      aria-selected={selected}
      aria-expanded={hasChildren ? !collapsed : undefined}
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
            aria-label={collapsed ? "Expand" : "Collapse"}
            onClick={(event) => {
              event.stopPropagation();
              onToggle(observation.id);
            }}
          >
            {collapsed ? "▸" : "▾"}
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
}
