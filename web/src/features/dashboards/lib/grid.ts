// Layout math of the dashboard grid: 12 columns, rows of a fixed height,
// widgets placed as {x, y, w, h} in grid cells (the server's widget layout,
// src/evals/dashboards_store.h). No React here; the grid component converts
// pointer and keyboard input into the calls below.
//
// Packing rule: after every move or resize the layout is packed upwards, so
// a dashboard keeps no holes that a widget below could rise into. Widgets
// are placed one by one in order of their row. Each keeps its columns,
// moves below whatever placed widget it overlaps, then rises until the next
// widget above stops it. The widget being moved is ordered just
// after the widgets that start on its target row when it moves down, and
// just before them otherwise. That is what makes dropping a widget onto
// its neighbour swap the two in either direction.

export const gridColumns = 12;
export const maxWidgetHeight = 48;

export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed {
  id: string;
  layout: Cell;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

// Brings a cell inside the grid: 1..12 columns wide, 1..48 rows tall, x + w
// at most 12, y at least 0. Fractions are rounded.
export function clampCell(cell: Cell): Cell {
  const w = clamp(Math.round(cell.w), 1, gridColumns);
  const h = clamp(Math.round(cell.h), 1, maxWidgetHeight);
  return { x: clamp(Math.round(cell.x), 0, gridColumns - w), y: Math.max(0, Math.round(cell.y)), w, h };
}

export function overlaps(a: Cell, b: Cell): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// The row `cell` settles at among `placed`: pushed below every placed cell
// it overlaps, then raised one row at a time while it overlaps nothing.
// Rising stops at the first widget above, so a widget never jumps over
// another into a hole higher up.
function settledRow(cell: Cell, placed: Cell[]): number {
  let y = cell.y;
  for (;;) {
    const blocking = placed.filter((other) => overlaps({ ...cell, y }, other));
    if (blocking.length === 0) break;
    y = Math.max(...blocking.map((other) => other.y + other.h));
  }
  while (y > 0 && !placed.some((other) => overlaps({ ...cell, y: y - 1 }, other))) y -= 1;
  return y;
}

// Packs widgets upwards in the order given by `orderKey` (lower first; ties
// keep the input order). Returns a new array in the input order.
function pack(widgets: Placed[], orderKey: (widget: Placed) => number): Placed[] {
  const order = widgets.map((widget, index) => ({ widget, index })).sort((a, b) => {
    const byKey = orderKey(a.widget) - orderKey(b.widget);
    return byKey !== 0 ? byKey : a.widget.layout.x - b.widget.layout.x || a.index - b.index;
  });
  const placed: Cell[] = [];
  const result: Placed[] = new Array(widgets.length);
  for (const { widget, index } of order) {
    const cell = { ...widget.layout, y: settledRow(widget.layout, placed) };
    placed.push(cell);
    result[index] = { id: widget.id, layout: cell };
  }
  return result;
}

// Packs a layout without a moved widget, e.g. after one was removed.
export function packLayout(widgets: Placed[]): Placed[] {
  return pack(widgets, (widget) => widget.layout.y);
}

// Moves widget `id` to `target` (x and y; its size stays) and packs the
// rest around it. An unknown id returns the layout unchanged.
export function moveWidget(widgets: Placed[], id: string, target: { x: number; y: number }): Placed[] {
  const current = widgets.find((widget) => widget.id === id);
  if (!current) return widgets;
  const cell = clampCell({ ...current.layout, x: target.x, y: target.y });
  const movedKey = cell.y > current.layout.y ? cell.y + 0.5 : cell.y - 0.5;
  const moved = widgets.map((widget) => (widget.id === id ? { id, layout: cell } : widget));
  return pack(moved, (widget) => (widget.id === id ? movedKey : widget.layout.y));
}

// Gives widget `id` a new size (its corner stays) and packs the rest below
// or beside it.
export function resizeWidget(widgets: Placed[], id: string, size: { w: number; h: number }): Placed[] {
  const current = widgets.find((widget) => widget.id === id);
  if (!current) return widgets;
  const cell = clampCell({ ...current.layout, w: size.w, h: size.h });
  const resized = widgets.map((widget) => (widget.id === id ? { id, layout: cell } : widget));
  return pack(resized, (widget) => (widget.id === id ? cell.y - 0.5 : widget.layout.y));
}

// Returns the cell for a new widget of the given size: the left edge,
// below everything else.
export function slotForNewWidget(widgets: Placed[], size: { w: number; h: number }): Cell {
  const bottom = widgets.reduce((max, widget) => Math.max(max, widget.layout.y + widget.layout.h), 0);
  return clampCell({ x: 0, y: bottom, w: size.w, h: size.h });
}

// Converts a pointer offset in pixels into whole grid steps, rounding to the
// nearest cell. `gap` is the space between two cells.
export function pixelsToCells(
  dx: number,
  dy: number,
  metrics: { columnWidth: number; rowHeight: number; gap: number },
): { columns: number; rows: number } {
  return {
    columns: Math.round(dx / (metrics.columnWidth + metrics.gap)),
    rows: Math.round(dy / (metrics.rowHeight + metrics.gap)),
  };
}

export type KeyboardStep = "left" | "right" | "up" | "down" | "wider" | "narrower" | "taller" | "shorter";

// The row a keyboard "up" or "down" moves a widget to: the top of the
// nearest widget above or below that shares a column with it, so one key
// press swaps it with that neighbour. Null when there is none.
function neighbourRow(widgets: Placed[], id: string, direction: "up" | "down"): number | null {
  const self = widgets.find((widget) => widget.id === id)!.layout;
  const sharesColumn = (other: Cell) => other.x < self.x + self.w && self.x < other.x + other.w;
  const rows = widgets
    .filter((widget) => widget.id !== id && sharesColumn(widget.layout))
    .map((widget) => widget.layout.y)
    .filter((y) => (direction === "up" ? y < self.y : y > self.y));
  if (rows.length === 0) return null;
  return direction === "up" ? Math.max(...rows) : Math.min(...rows);
}

// Applies one keyboard step to widget `id`. Arrows move it a column left or
// right, or swap it with the neighbour above or below. The size steps
// change its width or height by one cell. Steps that would leave the grid
// change nothing.
export function stepWidget(widgets: Placed[], id: string, step: KeyboardStep): Placed[] {
  const current = widgets.find((widget) => widget.id === id);
  if (!current) return widgets;
  const { x, y, w, h } = current.layout;
  switch (step) {
    case "left":
      return x > 0 ? moveWidget(widgets, id, { x: x - 1, y }) : widgets;
    case "right":
      return x + w < gridColumns ? moveWidget(widgets, id, { x: x + 1, y }) : widgets;
    case "up":
    case "down": {
      const row = neighbourRow(widgets, id, step);
      return row === null ? widgets : moveWidget(widgets, id, { x, y: row });
    }
    case "wider":
      return x + w < gridColumns ? resizeWidget(widgets, id, { w: w + 1, h }) : widgets;
    case "narrower":
      return w > 1 ? resizeWidget(widgets, id, { w: w - 1, h }) : widgets;
    case "taller":
      return h < maxWidgetHeight ? resizeWidget(widgets, id, { w, h: h + 1 }) : widgets;
    case "shorter":
      return h > 1 ? resizeWidget(widgets, id, { w, h: h - 1 }) : widgets;
  }
}

// Whether two layouts place every widget identically.
export function sameLayout(a: Placed[], b: Placed[]): boolean {
  if (a.length !== b.length) return false;
  const byId = new Map(b.map((widget) => [widget.id, widget.layout]));
  return a.every((widget) => {
    const other = byId.get(widget.id);
    return (
      other !== undefined &&
      other.x === widget.layout.x &&
      other.y === widget.layout.y &&
      other.w === widget.layout.w &&
      other.h === widget.layout.h
    );
  });
}
