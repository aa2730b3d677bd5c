import { describe, expect, it } from "vitest";
import {
  clampCell,
  moveWidget,
  overlaps,
  packLayout,
  pixelsToCells,
  resizeWidget,
  sameLayout,
  slotForNewWidget,
  stepWidget,
  type Placed,
} from "./grid";

function at(id: string, x: number, y: number, w = 6, h = 4): Placed {
  return { id, layout: { x, y, w, h } };
}

function layoutOf(widgets: Placed[], id: string) {
  return widgets.find((widget) => widget.id === id)!.layout;
}

function noOverlaps(widgets: Placed[]): boolean {
  return widgets.every((a, i) => widgets.every((b, j) => i === j || !overlaps(a.layout, b.layout)));
}

describe("clampCell", () => {
  it("keeps a cell inside twelve columns", () => {
    expect(clampCell({ x: 10, y: 0, w: 6, h: 4 })).toEqual({ x: 6, y: 0, w: 6, h: 4 });
  });

  it("limits width, height and row", () => {
    expect(clampCell({ x: -2, y: -1, w: 20, h: 99 })).toEqual({ x: 0, y: 0, w: 12, h: 48 });
    expect(clampCell({ x: 0, y: 0, w: 0, h: 0 })).toEqual({ x: 0, y: 0, w: 1, h: 1 });
  });

  it("rounds fractions", () => {
    expect(clampCell({ x: 1.4, y: 2.6, w: 3.5, h: 2.2 })).toEqual({ x: 1, y: 3, w: 4, h: 2 });
  });
});

describe("moveWidget", () => {
  it("swaps a widget dropped onto the one below", () => {
    const layout = [at("a", 0, 0, 12), at("b", 0, 4, 12)];
    const moved = moveWidget(layout, "a", { x: 0, y: 4 });
    expect(layoutOf(moved, "b")).toEqual({ x: 0, y: 0, w: 12, h: 4 });
    expect(layoutOf(moved, "a")).toEqual({ x: 0, y: 4, w: 12, h: 4 });
  });

  it("swaps a widget dropped onto the one above", () => {
    const layout = [at("a", 0, 0, 12), at("b", 0, 4, 12)];
    const moved = moveWidget(layout, "b", { x: 0, y: 0 });
    expect(layoutOf(moved, "b").y).toBe(0);
    expect(layoutOf(moved, "a").y).toBe(4);
  });

  it("moves a widget into a free column", () => {
    const layout = [at("a", 0, 0), at("b", 0, 4)];
    const moved = moveWidget(layout, "b", { x: 6, y: 0 });
    expect(layoutOf(moved, "b")).toEqual({ x: 6, y: 0, w: 6, h: 4 });
    expect(layoutOf(moved, "a")).toEqual({ x: 0, y: 0, w: 6, h: 4 });
  });

  it("packs a widget dropped far below up to the others", () => {
    const moved = moveWidget([at("a", 0, 0), at("b", 6, 0)], "b", { x: 6, y: 30 });
    expect(layoutOf(moved, "b").y).toBe(0);
  });

  it("pushes an overlapped widget down", () => {
    const layout = [at("a", 0, 0), at("b", 6, 0), at("c", 0, 4, 12)];
    const moved = moveWidget(layout, "c", { x: 0, y: 0 });
    expect(layoutOf(moved, "c").y).toBe(0);
    expect(layoutOf(moved, "a").y).toBe(4);
    expect(layoutOf(moved, "b").y).toBe(4);
    expect(noOverlaps(moved)).toBe(true);
  });

  it("returns the layout for an unknown id", () => {
    const layout = [at("a", 0, 0)];
    expect(moveWidget(layout, "missing", { x: 3, y: 3 })).toBe(layout);
  });

  it("keeps the input order of the array", () => {
    const moved = moveWidget([at("a", 0, 0, 12), at("b", 0, 4, 12)], "a", { x: 0, y: 4 });
    expect(moved.map((widget) => widget.id)).toEqual(["a", "b"]);
  });
});

describe("resizeWidget", () => {
  it("pushes the widget below down when growing taller", () => {
    const resized = resizeWidget([at("a", 0, 0, 12), at("b", 0, 4, 12)], "a", { w: 12, h: 6 });
    expect(layoutOf(resized, "a").h).toBe(6);
    expect(layoutOf(resized, "b").y).toBe(6);
  });

  it("moves a neighbour below when growing wider over it", () => {
    const resized = resizeWidget([at("a", 0, 0), at("b", 6, 0)], "a", { w: 8, h: 4 });
    expect(layoutOf(resized, "a")).toEqual({ x: 0, y: 0, w: 8, h: 4 });
    expect(layoutOf(resized, "b")).toEqual({ x: 6, y: 4, w: 6, h: 4 });
  });

  it("pulls widgets up when shrinking", () => {
    const resized = resizeWidget([at("a", 0, 0, 12, 6), at("b", 0, 6, 12)], "a", { w: 12, h: 2 });
    expect(layoutOf(resized, "b").y).toBe(2);
  });

  it("clamps the width to the grid", () => {
    const resized = resizeWidget([at("a", 6, 0)], "a", { w: 10, h: 4 });
    expect(layoutOf(resized, "a")).toEqual({ x: 2, y: 0, w: 10, h: 4 });
  });
});

describe("packLayout", () => {
  it("closes the hole a removed widget leaves", () => {
    const packed = packLayout([at("a", 0, 0, 12), at("c", 0, 8, 12)]);
    expect(layoutOf(packed, "c").y).toBe(4);
  });

  it("lets a narrow widget fill a gap beside a tall one", () => {
    const packed = packLayout([at("tall", 0, 0, 6, 8), at("small", 6, 5, 6, 2)]);
    expect(layoutOf(packed, "small").y).toBe(0);
  });
});

describe("stepWidget", () => {
  const layout = [at("a", 0, 0), at("b", 6, 0), at("c", 0, 4, 12)];

  it("moves right and left by one column", () => {
    const right = stepWidget([at("a", 0, 0)], "a", "right");
    expect(layoutOf(right, "a").x).toBe(1);
    expect(layoutOf(stepWidget(right, "a", "left"), "a").x).toBe(0);
  });

  it("does nothing at the grid edge", () => {
    expect(stepWidget(layout, "a", "left")).toBe(layout);
    expect(stepWidget(layout, "b", "right")).toBe(layout);
    expect(stepWidget(layout, "a", "up")).toBe(layout);
  });

  it("moves below the neighbour below", () => {
    const stepped = stepWidget(layout, "a", "down");
    // The full-width neighbour cannot rise past the widget still beside it.
    expect(layoutOf(stepped, "b").y).toBe(0);
    expect(layoutOf(stepped, "c").y).toBe(4);
    expect(layoutOf(stepped, "a").y).toBe(8);
    expect(noOverlaps(stepped)).toBe(true);
  });

  it("swaps with a full-width neighbour below", () => {
    const stepped = stepWidget([at("a", 0, 0, 12), at("b", 0, 4, 12)], "a", "down");
    expect(layoutOf(stepped, "b").y).toBe(0);
    expect(layoutOf(stepped, "a").y).toBe(4);
  });

  it("swaps with the neighbour above", () => {
    const stepped = stepWidget(layout, "c", "up");
    expect(layoutOf(stepped, "c").y).toBe(0);
    expect(layoutOf(stepped, "a").y).toBe(4);
    expect(layoutOf(stepped, "b").y).toBe(4);
  });

  it("changes the size by one cell", () => {
    expect(layoutOf(stepWidget([at("a", 0, 0)], "a", "wider"), "a").w).toBe(7);
    expect(layoutOf(stepWidget([at("a", 0, 0)], "a", "narrower"), "a").w).toBe(5);
    expect(layoutOf(stepWidget([at("a", 0, 0)], "a", "taller"), "a").h).toBe(5);
    expect(layoutOf(stepWidget([at("a", 0, 0)], "a", "shorter"), "a").h).toBe(3);
  });

  it("keeps the smallest size", () => {
    const tiny = [at("a", 0, 0, 1, 1)];
    expect(stepWidget(tiny, "a", "narrower")).toBe(tiny);
    expect(stepWidget(tiny, "a", "shorter")).toBe(tiny);
  });
});

describe("slotForNewWidget", () => {
  it("places below the lowest widget", () => {
    expect(slotForNewWidget([at("a", 0, 0), at("b", 6, 0, 6, 7)], { w: 6, h: 4 })).toEqual({ x: 0, y: 7, w: 6, h: 4 });
  });

  it("starts at the top of an empty dashboard", () => {
    expect(slotForNewWidget([], { w: 12, h: 4 })).toEqual({ x: 0, y: 0, w: 12, h: 4 });
  });
});

describe("pixelsToCells", () => {
  const metrics = { columnWidth: 90, rowHeight: 60, gap: 10 };

  it("rounds to the nearest cell", () => {
    expect(pixelsToCells(149, 0, metrics)).toEqual({ columns: 1, rows: 0 });
    expect(pixelsToCells(151, 35, metrics)).toEqual({ columns: 2, rows: 1 });
  });

  it("handles negative offsets", () => {
    expect(pixelsToCells(-210, -140, metrics)).toEqual({ columns: -2, rows: -2 });
  });
});

describe("sameLayout", () => {
  it("compares by id, not by order", () => {
    expect(sameLayout([at("a", 0, 0), at("b", 6, 0)], [at("b", 6, 0), at("a", 0, 0)])).toBe(true);
    expect(sameLayout([at("a", 0, 0)], [at("a", 0, 1)])).toBe(false);
    expect(sameLayout([at("a", 0, 0)], [at("b", 0, 0)])).toBe(false);
  });
});
