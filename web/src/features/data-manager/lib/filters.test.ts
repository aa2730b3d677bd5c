import { describe, expect, it } from "vitest";
import { filterColumns, fromOrderingList, nextOrdering, toFilterItem, toFilterRows, toOrderingList } from "./filters";

const columns = filterColumns(["text"]);

describe("toFilterItem", () => {
  it("builds Label Studio's filter items by column type", () => {
    expect(toFilterItem({ column: "data.text", operator: "contains", value: "refund" }, columns)).toEqual({
      item: { filter: "filter:tasks:data.text", operator: "contains", type: "String", value: "refund" },
    });
    expect(toFilterItem({ column: "total_annotations", operator: "greater", value: " 2 " }, columns)).toEqual({
      item: { filter: "filter:tasks:total_annotations", operator: "greater", type: "Number", value: 2 },
    });
    expect(toFilterItem({ column: "is_labeled", operator: "equal", value: "false" }, columns)).toEqual({
      item: { filter: "filter:tasks:is_labeled", operator: "equal", type: "Boolean", value: false },
    });
    expect(toFilterItem({ column: "created_at", operator: "greater", value: "2026-01-02" }, columns)).toEqual({
      item: { filter: "filter:tasks:created_at", operator: "greater", type: "Datetime", value: "2026-01-02T00:00:00.000Z" },
    });
  });

  it("names what to fix in a bad row", () => {
    expect(toFilterItem({ column: "total_annotations", operator: "greater", value: "many" }, columns)).toEqual({
      error: "Annotations needs a number.",
    });
    expect(toFilterItem({ column: "data.text", operator: "greater", value: "x" }, columns)).toEqual({
      error: "Choose a comparison for text.",
    });
    expect(toFilterItem({ column: "nope", operator: "equal", value: "x" }, columns)).toHaveProperty("error");
  });

  it("round-trips through editable rows", () => {
    const row = { column: "data.text", operator: "not_contains", value: "spam" };
    const built = toFilterItem(row, columns);
    if (!("item" in built)) throw new Error(built.error);
    expect(toFilterRows({ conjunction: "and", items: [built.item] })).toEqual([row]);
  });
});

describe("ordering", () => {
  it("cycles ascending, descending, none", () => {
    const first = nextOrdering(null, "id");
    expect(first).toEqual({ column: "id", descending: false });
    const second = nextOrdering(first, "id");
    expect(toOrderingList(second)).toEqual(["-tasks:id"]);
    expect(nextOrdering(second, "id")).toBeNull();
    expect(nextOrdering(second, "data.text")).toEqual({ column: "data.text", descending: false });
  });

  it("reads the stored list", () => {
    expect(fromOrderingList(["-tasks:data.text"])).toEqual({ column: "data.text", descending: true });
    expect(fromOrderingList([])).toBeNull();
    expect(fromOrderingList(null)).toBeNull();
  });
});
