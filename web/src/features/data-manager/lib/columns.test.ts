import { describe, expect, it } from "vitest";
import type { Task } from "../../labeling/api/tasks";
import { buildColumns, cellText, dataKeys } from "./columns";

const task = (id: number, data: Record<string, unknown>): Task => ({
  id,
  data,
  total_annotations: 0,
  cancelled_annotations: 1,
  total_predictions: 2,
  is_labeled: false,
  created_at: "2026-01-01T00:00:00Z",
});

describe("data manager columns", () => {
  it("puts the config's keys first, then keys seen in tasks", () => {
    expect(dataKeys(["text"], [task(1, { meta_id: 1, text: "a" }), task(2, { extra: true })])).toEqual(["text", "meta_id", "extra"]);
  });

  it("renders task fields and data values", () => {
    const columns = buildColumns(["text", "nested"]);
    const row = task(7, { text: "hello", nested: { a: [1, 2] } });
    expect(columns.map((column) => column.value(row))).toEqual(["7", "", "0", "1", "2", "hello", '{"a":[1,2]}']);
  });

  it("shortens long values", () => {
    expect(cellText("x".repeat(300))).toHaveLength(201);
    expect(cellText(null)).toBe("");
  });
});
