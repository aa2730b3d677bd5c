import { describe, expect, it } from "vitest";
import { buildFilter, draftToQuery, findView, metricLabel, queryToDraft, type WidgetDraft } from "./catalogue";

const draft: WidgetDraft = {
  name: "Cost by model",
  type: "bar",
  view: "observations",
  metrics: [{ measure: "totalCost", aggregation: "sum" }],
  dimensions: ["providedModelName"],
  filters: [],
  granularity: "auto",
  bins: 20,
};

describe("draftToQuery", () => {
  it("builds a bar query", () => {
    expect(draftToQuery(draft)).toEqual({
      query: {
        view: "observations",
        dimensions: [{ field: "providedModelName" }],
        metrics: [{ measure: "totalCost", aggregation: "sum" }],
        filters: [],
      },
    });
  });

  it("adds the time dimension of a line chart", () => {
    const result = draftToQuery({ ...draft, type: "time_series", granularity: "hour" });
    expect(result).toMatchObject({ query: { timeDimension: { granularity: "hour" } } });
  });

  it("turns the first metric into a histogram", () => {
    const result = draftToQuery({ ...draft, type: "histogram", metrics: [{ measure: "latency", aggregation: "avg" }] });
    expect(result).toEqual({
      query: {
        view: "observations",
        dimensions: [],
        metrics: [{ measure: "latency", aggregation: "histogram" }],
        filters: [],
        config: { bins: 20 },
      },
    });
  });

  it("drops dimensions of a single number", () => {
    const result = draftToQuery({ ...draft, type: "number" });
    expect(result).toMatchObject({ query: { dimensions: [] } });
  });

  it("rejects a draft without a name or metric", () => {
    expect(draftToQuery({ ...draft, name: " " })).toEqual({ error: "Give the widget a name." });
    expect(draftToQuery({ ...draft, metrics: [] })).toEqual({ error: "Add at least one metric." });
  });

  it("rejects a metric listed twice", () => {
    const twice = { ...draft, metrics: [draft.metrics[0], draft.metrics[0]] };
    expect(draftToQuery(twice)).toEqual({ error: "The metric sum Total cost is listed twice." });
  });

  it("rejects an unknown view", () => {
    expect(draftToQuery({ ...draft, view: "spans" })).toEqual({ error: "Pick a view: spans is not one." });
  });
});

describe("queryToDraft", () => {
  it("reads back what draftToQuery wrote", () => {
    const timed = { ...draft, type: "time_series" as const, granularity: "day" as const };
    const result = draftToQuery(timed);
    if (!("query" in result)) throw new Error(result.error);
    expect(queryToDraft({ name: timed.name, type: timed.type, query: result.query })).toEqual(timed);
  });

  it("reads a histogram's metric back as its measure", () => {
    const back = queryToDraft({
      name: "Latency",
      type: "histogram",
      query: { view: "observations", metrics: [{ measure: "latency", aggregation: "histogram" }], config: { bins: 5 } },
    });
    expect(back.metrics).toEqual([{ measure: "latency", aggregation: "count" }]);
    expect(back.bins).toBe(5);
  });
});

describe("buildFilter", () => {
  const observations = findView("observations")!;
  const dimension = (name: string) => observations.dimensions.find((option) => option.name === name)!;

  it("builds string and option filters", () => {
    expect(buildFilter(dimension("level"), "=", "ERROR")).toEqual({
      filter: { column: "level", operator: "=", type: "string", value: "ERROR" },
    });
    expect(buildFilter(dimension("level"), "any of", "ERROR, WARNING")).toEqual({
      filter: { column: "level", operator: "any of", type: "stringOptions", value: ["ERROR", "WARNING"] },
    });
  });

  it("builds tag and number filters", () => {
    expect(buildFilter(dimension("tags"), "all of", "prod,beta")).toEqual({
      filter: { column: "tags", operator: "all of", type: "arrayOptions", value: ["prod", "beta"] },
    });
    expect(buildFilter(dimension("promptVersion"), ">=", "2")).toEqual({
      filter: { column: "promptVersion", operator: ">=", type: "number", value: 2 },
    });
  });

  it("names the column a value does not fit", () => {
    expect(buildFilter(dimension("promptVersion"), "=", "two")).toEqual({ error: "Prompt version takes a number." });
    expect(buildFilter(dimension("tags"), "any of", " , ")).toEqual({
      error: "Enter one or more tags for Trace tags, separated by commas.",
    });
  });
});

describe("metricLabel", () => {
  it("names a plain count without its aggregation", () => {
    expect(metricLabel("traces", { measure: "count", aggregation: "count" })).toBe("Count");
    expect(metricLabel("observations", { measure: "latency", aggregation: "p95" })).toBe("p95 Latency");
    expect(metricLabel("observations", { measure: "unknown", aggregation: "sum" })).toBe("sum unknown");
  });
});
