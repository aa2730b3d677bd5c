import { describe, expect, it } from "vitest";
import { countConditions, emptyFilters, nextOrdering, parseBound, splitList, traceListParams } from "./trace-filters";
import { parseColumnChoice, parseSavedFilters, upsertSavedFilter } from "./saved-filters";
import { fieldsFor } from "./trace-columns";

const now = Date.UTC(2026, 0, 5, 12, 0, 0);
const page = { page: 2, limit: 50, fields: ["core", "metrics"] };

describe("traceListParams", () => {
  it("sends paging, ordering and field groups", () => {
    const params = traceListParams(emptyFilters, { column: "name", descending: false }, page, now);
    expect(Object.fromEntries(params)).toEqual({ page: "2", limit: "50", orderBy: "name.asc", fields: "core,metrics" });
  });

  it("uses simple parameters for plain columns and a time window from now", () => {
    const params = traceListParams(
      { ...emptyFilters, search: " refund ", name: "chat", environments: ["prod", "dev"], tags: ["a", "b"], timeRange: "1h" },
      { column: "timestamp", descending: true },
      page,
      now,
    );
    expect(params.get("searchQuery")).toBe("refund");
    expect(params.get("name")).toBe("chat");
    expect(params.getAll("environment")).toEqual(["prod", "dev"]);
    expect(params.getAll("tags")).toEqual(["a", "b"]);
    expect(params.get("fromTimestamp")).toBe("2026-01-05T11:00:00.000Z");
    expect(params.has("filter")).toBe(false);
  });

  it("puts aggregates, scores and metadata into the filter JSON", () => {
    const params = traceListParams(
      {
        ...emptyFilters,
        minLatency: 1.5,
        maxCost: 0.01,
        levels: ["ERROR"],
        scores: [{ name: "helpfulness", operator: ">=", value: 0.8 }],
        categories: [{ name: "label", values: ["good"] }],
        metadata: [{ key: "tier", value: "gold" }],
      },
      { column: "timestamp", descending: true },
      page,
      now,
    );
    expect(JSON.parse(params.get("filter")!)).toEqual([
      { type: "number", column: "latency", operator: ">=", value: 1.5 },
      { type: "number", column: "totalCost", operator: "<=", value: 0.01 },
      { type: "stringOptions", column: "level", operator: "any of", value: ["ERROR"] },
      { type: "numberObject", column: "scores_avg", key: "helpfulness", operator: ">=", value: 0.8 },
      { type: "categoryOptions", column: "score_categories", key: "label", operator: "any of", value: ["good"] },
      { type: "stringObject", column: "metadata", key: "tier", operator: "=", value: "gold" },
    ]);
  });

  it("sends tags holding commas through the filter JSON", () => {
    const params = traceListParams({ ...emptyFilters, tags: ["a,b", "c"] }, { column: "id", descending: true }, page, now);
    expect(params.has("tags")).toBe(false);
    expect(JSON.parse(params.get("filter")!)).toEqual([
      { type: "arrayOptions", column: "tags", operator: "all of", value: ["a,b", "c"] },
    ]);
  });
});

describe("form helpers", () => {
  it("counts set conditions", () => {
    expect(countConditions(emptyFilters)).toBe(0);
    expect(countConditions({ ...emptyFilters, userId: "u", minLatency: 1, maxLatency: 2, scores: [{ name: "a", operator: ">", value: 1 }] })).toBe(3);
  });

  it("parses bounds and lists", () => {
    expect(parseBound(" ")).toEqual({ value: null });
    expect(parseBound("2.5")).toEqual({ value: 2.5 });
    expect(parseBound("-1")).toHaveProperty("error");
    expect(parseBound("fast")).toHaveProperty("error");
    expect(splitList("a, b,\n c,,")).toEqual(["a", "b", "c"]);
  });

  it("flips the order of the same column and starts new columns descending", () => {
    expect(nextOrdering({ column: "name", descending: true }, "name")).toEqual({ column: "name", descending: false });
    expect(nextOrdering({ column: "name", descending: false }, "userId")).toEqual({ column: "userId", descending: true });
  });
});

describe("saved filters", () => {
  it("round-trips and fills fields added later", () => {
    const list = upsertSavedFilter([], " Errors ", { ...emptyFilters, levels: ["ERROR"] });
    const stored = JSON.stringify(list.map((entry) => ({ name: entry.name, filters: { levels: entry.filters.levels } })));
    const read = parseSavedFilters(stored);
    expect(read).toHaveLength(1);
    expect(read[0].name).toBe("Errors");
    expect(read[0].filters).toEqual({ ...emptyFilters, levels: ["ERROR"] });
  });

  it("replaces a filter of the same name and drops unreadable storage", () => {
    const once = upsertSavedFilter([], "a", emptyFilters);
    expect(upsertSavedFilter(once, "a", { ...emptyFilters, name: "x" })).toHaveLength(1);
    expect(parseSavedFilters("not json")).toEqual([]);
    expect(parseSavedFilters('[{"name":"x","filters":{"levels":["LOUD"]}}]')).toEqual([]);
  });

  it("keeps only known column ids", () => {
    expect(parseColumnChoice('["name","gone"]', ["name", "latency"])).toEqual(["name"]);
    expect(parseColumnChoice('["gone"]', ["name"])).toBeNull();
    expect(parseColumnChoice("{", ["name"])).toBeNull();
  });
});

describe("fieldsFor", () => {
  it("asks only for the groups the shown columns need", () => {
    expect(fieldsFor(["name", "timestamp"])).toEqual(["core"]);
    expect(fieldsFor(["latency", "input", "scores"])).toEqual(["core", "io", "scores", "metrics"]);
  });
});
