import { describe, expect, it } from "vitest";
import type { Widget } from "../api/dashboards";
import { chartOption, figureTable, formatFigure, mergeWidgetUpdate, numberFigure } from "./chart-data";

function widget(type: Widget["type"], query: Widget["query"]): Widget {
  return { id: "w", name: "W", type, query, layout: { x: 0, y: 0, w: 6, h: 4 } };
}

const costByModel = widget("time_series", {
  view: "observations",
  dimensions: [{ field: "providedModelName" }],
  metrics: [{ measure: "totalCost", aggregation: "sum" }],
  timeDimension: { granularity: "hour" },
});

const costRows = [
  { providedModelName: "gpt-4o", time_dimension: "2026-01-05T11:00:00.000Z", sum_totalCost: 0.5 },
  { providedModelName: "gpt-4o", time_dimension: "2026-01-05T10:00:00.000Z", sum_totalCost: 0.25 },
  { providedModelName: null, time_dimension: "2026-01-05T10:00:00.000Z", sum_totalCost: 0.001 },
];

describe("formatFigure", () => {
  it("formats units", () => {
    expect(formatFigure(1234.5, "ms")).toBe("1,235 ms");
    expect(formatFigure(12.5, "usd")).toBe("$12.50");
    expect(formatFigure(0.000123, "usd")).toBe("$0.000123");
    expect(formatFigure(1234567)).toBe("1,234,567");
    expect(formatFigure(0.12345)).toBe("0.123");
  });

  it("shows a dash for no value", () => {
    expect(formatFigure(null)).toBe("–");
    expect(formatFigure(undefined, "usd")).toBe("–");
  });

  it("reads numbers sent as text", () => {
    expect(formatFigure("42")).toBe("42");
  });
});

describe("chartOption", () => {
  it("draws one line per dimension value, in time order", () => {
    const option = chartOption(costByModel, costRows)!;
    expect(option.xAxis.type).toBe("time");
    expect(option.series.map((series) => series.name)).toEqual(["gpt-4o", "(none)"]);
    expect(option.series[0].data).toEqual([
      ["2026-01-05T10:00:00.000Z", 0.25],
      ["2026-01-05T11:00:00.000Z", 0.5],
    ]);
    expect(option.legend).toBeDefined();
  });

  it("spans the range on the time axis", () => {
    const option = chartOption(costByModel, costRows, {
      from: "2026-01-05T00:00:00.000Z",
      to: "2026-01-05T11:30:00.000Z",
    })!;
    expect(option.xAxis.min).toBe(Date.parse("2026-01-05T00:00:00.000Z"));
    expect(option.xAxis.max).toBe(Date.parse("2026-01-05T11:30:00.000Z"));
  });

  it("stretches the time axis to a newer bucket", () => {
    const option = chartOption(costByModel, costRows, {
      from: "2026-01-05T00:00:00.000Z",
      to: "2026-01-05T10:30:00.000Z",
    })!;
    expect(option.xAxis.max).toBe(Date.parse("2026-01-05T11:00:00.000Z"));
  });

  it("names lines by metric without a dimension", () => {
    const option = chartOption(
      widget("time_series", {
        view: "traces",
        metrics: [{ measure: "count", aggregation: "count" }],
        timeDimension: { granularity: "auto" },
      }),
      [{ time_dimension: "2026-01-05T10:00:00.000Z", count_count: 3 }],
    )!;
    expect(option.series).toEqual([
      { type: "line", name: "Count", data: [["2026-01-05T10:00:00.000Z", 3]], showSymbol: true },
    ]);
    expect(option.legend).toBeUndefined();
  });

  it("draws a bar per dimension group and a series per metric", () => {
    const option = chartOption(
      widget("bar", {
        view: "observations",
        dimensions: [{ field: "providedModelName" }],
        metrics: [
          { measure: "inputTokens", aggregation: "sum" },
          { measure: "outputTokens", aggregation: "sum" },
        ],
      }),
      [
        { providedModelName: "a", sum_inputTokens: 10, sum_outputTokens: 4 },
        { providedModelName: "b", sum_inputTokens: 7, sum_outputTokens: null },
      ],
    )!;
    expect(option.xAxis).toEqual({ type: "category", data: ["a", "b"] });
    expect(option.series.map((series) => series.name)).toEqual(["sum Input tokens", "sum Output tokens"]);
    expect(option.series[1].data).toEqual([4, null]);
  });

  it("draws histogram bins as bars", () => {
    const option = chartOption(
      widget("histogram", {
        view: "observations",
        metrics: [{ measure: "latency", aggregation: "histogram" }],
        config: { bins: 2 },
      }),
      [{ histogram_latency: [[0, 50, 3], [50, 100, 1]] }],
    )!;
    expect(option.xAxis.data).toEqual(["0 ms – 50 ms", "50 ms – 100 ms"]);
    expect(option.series[0].data).toEqual([3, 1]);
  });

  it("has no chart for number and table widgets", () => {
    expect(chartOption(widget("number", { view: "traces", metrics: [] }), [])).toBeNull();
    expect(chartOption(widget("table", { view: "traces", metrics: [] }), [])).toBeNull();
  });

  it("keeps colours to the theme", () => {
    const option = chartOption(costByModel, costRows)!;
    expect(option.backgroundColor).toBe("transparent");
    expect(JSON.stringify(option)).not.toMatch(/#[0-9a-f]{3,6}/i);
  });
});

describe("figureTable", () => {
  it("lists time, dimensions and metrics with units", () => {
    const table = figureTable(costByModel, costRows);
    expect(table.columns).toEqual(["Time", "Model", "sum Total cost"]);
    expect(table.rows).toEqual([
      ["2026-01-05 10:00", "gpt-4o", "$0.25"],
      ["2026-01-05 10:00", "(none)", "$0.00100"],
      ["2026-01-05 11:00", "gpt-4o", "$0.50"],
    ]);
  });

  it("lists histogram bins", () => {
    const table = figureTable(
      widget("histogram", { view: "observations", metrics: [{ measure: "latency", aggregation: "histogram" }] }),
      [{ histogram_latency: [[0, 10, 2]] }],
    );
    expect(table).toEqual({ columns: ["Latency", "Count"], rows: [["0 ms – 10 ms", "2"]] });
  });

  it("joins tag arrays", () => {
    const table = figureTable(
      widget("table", { view: "traces", dimensions: [{ field: "tags" }], metrics: [{ measure: "count", aggregation: "count" }] }),
      [{ tags: ["a", "b"], count_count: 2 }, { tags: [], count_count: 1 }],
    );
    expect(table.rows).toEqual([
      ["a, b", "2"],
      ["(none)", "1"],
    ]);
  });
});

describe("numberFigure", () => {
  const errors = widget("number", { view: "observations", metrics: [{ measure: "count", aggregation: "count" }] });

  it("shows the first metric of the first row", () => {
    expect(numberFigure(errors, [{ count_count: 1200 }])).toBe("1,200");
  });

  it("counts zero over no rows", () => {
    expect(numberFigure(errors, [])).toBe("0");
  });

  it("shows a dash for an empty sum", () => {
    const cost = widget("number", { view: "observations", metrics: [{ measure: "totalCost", aggregation: "sum" }] });
    expect(numberFigure(cost, [{ sum_totalCost: null }])).toBe("–");
  });
});

describe("mergeWidgetUpdate", () => {
  it("replaces the buckets the update covers and keeps the others", () => {
    const merged = mergeWidgetUpdate(costRows, {
      widget: "w",
      mode: "merge",
      from: "2026-01-05T11:00:00.000Z",
      to: "2026-01-05T13:00:00.000Z",
      rows: [
        { providedModelName: "gpt-4o", time_dimension: "2026-01-05T12:00:00.000Z", sum_totalCost: 1 },
        { providedModelName: "gpt-4o", time_dimension: "2026-01-05T11:00:00.000Z", sum_totalCost: 0.75 },
      ],
    });
    expect(merged.map((row) => [row.time_dimension, row.sum_totalCost])).toEqual([
      ["2026-01-05T10:00:00.000Z", 0.25],
      ["2026-01-05T10:00:00.000Z", 0.001],
      ["2026-01-05T11:00:00.000Z", 0.75],
      ["2026-01-05T12:00:00.000Z", 1],
    ]);
  });

  it("replaces every row in replace mode", () => {
    const rows = [{ count_count: 9 }];
    expect(
      mergeWidgetUpdate([{ count_count: 1 }], { widget: "w", mode: "replace", from: "", to: "", rows }),
    ).toBe(rows);
  });
});
