// The dashboard's 12-column grid. In edit mode each widget has a move
// handle and a resize handle, both driven by pointer events (drag) or by the
// keyboard (arrow keys), so a layout can be arranged without a mouse. The
// layout math lives in lib/grid.ts. This component turns input into those
// calls, previews the result while dragging, and reports the final layout
// through onLayoutChange.
import { useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { Widget, WidgetData } from "../api/dashboards";
import type { TimeSpan } from "../lib/chart-data";
import {
  gridColumns,
  moveWidget,
  pixelsToCells,
  resizeWidget,
  sameLayout,
  stepWidget,
  type KeyboardStep,
  type Placed,
} from "../lib/grid";
import { WidgetBody } from "./widget-body";

export const rowHeight = 64;
const gap = 12;

interface Drag {
  id: string;
  mode: "move" | "resize";
  pointerId: number;
  startX: number;
  startY: number;
  origin: Placed[];
}

const moveKeys: Record<string, KeyboardStep> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
const resizeKeys: Record<string, KeyboardStep> = {
  ArrowLeft: "narrower",
  ArrowRight: "wider",
  ArrowUp: "shorter",
  ArrowDown: "taller",
};

function placedOf(widgets: Widget[]): Placed[] {
  return widgets.map((widget) => ({ id: widget.id, layout: widget.layout }));
}

function describePlace(name: string, placed: Placed | undefined): string {
  if (!placed) return "";
  const { x, y, w, h } = placed.layout;
  return `${name}: column ${x + 1}, row ${y + 1}, ${w} columns wide, ${h} rows tall`;
}

export function WidgetGrid({
  widgets,
  data,
  range,
  editing,
  onLayoutChange,
  onEdit,
  onRemove,
}: {
  widgets: Widget[];
  data: Map<string, WidgetData>;
  // The time range shown, which a line chart's time axis spans.
  range: TimeSpan;
  editing: boolean;
  onLayoutChange: (layout: Placed[]) => void;
  onEdit: (widget: Widget) => void;
  onRemove: (widget: Widget) => void;
}) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [preview, setPreview] = useState<Placed[] | null>(null);
  const [announcement, setAnnouncement] = useState("");

  // The newest layout handed to onLayoutChange, so a second key press made
  // before the parent re-renders builds on the first.
  const fromProps = placedOf(widgets);
  const latest = useRef<Placed[]>(fromProps);
  const lastProps = useRef<Placed[]>(fromProps);
  if (!sameLayout(lastProps.current, fromProps)) {
    lastProps.current = fromProps;
    latest.current = fromProps;
  }

  const layout = preview ?? fromProps;
  const cellOf = new Map(layout.map((placed) => [placed.id, placed.layout]));

  function cellMetrics() {
    const width = gridRef.current?.clientWidth ?? 1200;
    return { columnWidth: (width - gap * (gridColumns - 1)) / gridColumns, rowHeight, gap };
  }

  function startDrag(event: PointerEvent<HTMLElement>, id: string, mode: Drag["mode"]) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ id, mode, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, origin: placedOf(widgets) });
  }

  function continueDrag(event: PointerEvent<HTMLElement>) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { columns, rows } = pixelsToCells(event.clientX - drag.startX, event.clientY - drag.startY, cellMetrics());
    const start = drag.origin.find((placed) => placed.id === drag.id)!.layout;
    setPreview(
      drag.mode === "move"
        ? moveWidget(drag.origin, drag.id, { x: start.x + columns, y: start.y + rows })
        : resizeWidget(drag.origin, drag.id, { w: start.w + columns, h: start.h + rows }),
    );
  }

  function endDrag(event: PointerEvent<HTMLElement>, commit: boolean) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (commit && preview && !sameLayout(preview, drag.origin)) {
      onLayoutChange(preview);
      const name = widgets.find((widget) => widget.id === drag.id)?.name ?? "";
      setAnnouncement(describePlace(name, preview.find((placed) => placed.id === drag.id)));
    }
    setDrag(null);
    setPreview(null);
  }

  function onHandleKey(event: KeyboardEvent<HTMLElement>, widget: Widget, keys: Record<string, KeyboardStep>) {
    const step = keys[event.key];
    if (!step) return;
    event.preventDefault();
    const current = latest.current;
    const next = stepWidget(current, widget.id, step);
    if (sameLayout(next, current)) {
      setAnnouncement(`${widget.name} cannot go further that way.`);
      return;
    }
    latest.current = next;
    onLayoutChange(next);
    setAnnouncement(describePlace(widget.name, next.find((placed) => placed.id === widget.id)));
  }

  const bottom = layout.reduce((max, placed) => Math.max(max, placed.layout.y + placed.layout.h), 0);
  // Row order for reading (screen readers, the one-column narrow layout).
  // Edit mode keeps the stored order, because moving the DOM node of a
  // focused handle would drop its focus after each key press.
  const ordered = editing
    ? widgets
    : [...widgets].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);

  return (
    <>
      <div
        ref={gridRef}
        className={editing ? "widget-grid widget-grid-editing" : "widget-grid"}
        style={{ gridTemplateRows: `repeat(${Math.max(bottom, 1)}, ${rowHeight}px)`, gap: `${gap}px` }}
      >
        {ordered.map((widget) => {
          const cell = cellOf.get(widget.id) ?? widget.layout;
          const dragging = drag?.id === widget.id;
          return (
            <section
              key={widget.id}
              className={dragging ? "card widget widget-dragging" : "card widget"}
              aria-label={widget.name}
              data-widget-id={widget.id}
              data-layout={`${cell.x},${cell.y},${cell.w},${cell.h}`}
              style={{ gridColumn: `${cell.x + 1} / span ${cell.w}`, gridRow: `${cell.y + 1} / span ${cell.h}` }}
            >
              <header className="widget-header">
                {editing && (
                  <button
                    type="button"
                    className="widget-handle widget-move"
                    aria-label={`Move ${widget.name}`}
                    title="Drag to move, or use the arrow keys"
                    onPointerDown={(event) => startDrag(event, widget.id, "move")}
                    onPointerMove={continueDrag}
                    onPointerUp={(event) => endDrag(event, true)}
                    onPointerCancel={(event) => endDrag(event, false)}
                    onKeyDown={(event) => onHandleKey(event, widget, moveKeys)}
                  >
                    ⠿
                  </button>
                )}
                <h3 className="widget-title" title={widget.description || widget.name}>
                  {widget.name}
                </h3>
                {editing && (
                  <span className="widget-tools">
                    <button type="button" className="link-button" onClick={() => onEdit(widget)}>
                      Edit<span className="visually-hidden"> {widget.name}</span>
                    </button>
                    <button type="button" className="link-button danger-link" onClick={() => onRemove(widget)}>
                      Remove<span className="visually-hidden"> {widget.name}</span>
                    </button>
                  </span>
                )}
              </header>
              <div className="widget-body">
                <WidgetBody widget={widget} data={data.get(widget.id)} range={range} />
              </div>
              {editing && (
                <button
                  type="button"
                  className="widget-handle widget-resize"
                  aria-label={`Resize ${widget.name}`}
                  title="Drag to resize, or use the arrow keys"
                  onPointerDown={(event) => startDrag(event, widget.id, "resize")}
                  onPointerMove={continueDrag}
                  onPointerUp={(event) => endDrag(event, true)}
                  onPointerCancel={(event) => endDrag(event, false)}
                  onKeyDown={(event) => onHandleKey(event, widget, resizeKeys)}
                >
                  ◢
                </button>
              )}
            </section>
          );
        })}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}
