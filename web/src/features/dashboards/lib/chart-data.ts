// Shapes a widget's metrics rows for display: the ECharts option of its
// chart, the table of figures shown beside every chart, the single figure
// of a number widget, and the merge of live updates into the rows. Screen
// readers and the browser tests read the figures table.
//
// Options carry no colours: the ECharts theme (light or dark, following the
// app's theme) supplies them, and the background stays transparent so the
// card's own surface shows through.
import type { MetricsRow, Widget } from "../api/dashboards";
import { dimensionLabel, measureOf, metricKey, metricLabel } from "./catalogue";

export interface FigureTable {
  columns: string[];
  rows: string[][];
}

// The ECharts option subset this module produces, so tests can read it
// without importing ECharts.
export interface ChartOption {
  backgroundColor: "transparent";
  animation: boolean;
  grid: { left: number; right: number; top: number; bottom: number; containLabel: boolean };
  tooltip: { trigger: "axis" | "item" };
  legend?: { type: "scroll"; bottom: number };
  xAxis: { type: "time" | "category"; data?: string[]; min?: number; max?: number };
  yAxis: { type: "value" };
  series: {
    type: "line" | "bar";
    name: string;
    data: (number | null)[] | [string, number | null][];
    showSymbol?: boolean;
    barMaxWidth?: number;
  }[];
}

// A time range as ISO 8601 strings.
export interface TimeSpan {
  from: string;
  to: string;
}

const noneLabel = "(none)";

function numberOf(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

// A figure as people read it: grouped thousands, dollars to four
// significant digits for small costs, milliseconds rounded.
export function formatFigure(value: unknown, unit?: string): string {
  const number = numberOf(value);
  if (number === null) return value === null || value === undefined ? "–" : String(value);
  switch (unit) {
    case "usd":
      if (number !== 0 && Math.abs(number) < 0.01) return `$${number.toPrecision(3)}`;
      return `$${number.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case "ms":
      return `${Math.round(number).toLocaleString("en-US")} ms`;
    case "seconds":
      return `${number.toLocaleString("en-US", { maximumFractionDigits: 1 })} s`;
    case "per_second":
      return `${number.toLocaleString("en-US", { maximumFractionDigits: 1 })}/s`;
    default:
      return Number.isInteger(number)
        ? number.toLocaleString("en-US")
        : number.toLocaleString("en-US", { maximumFractionDigits: 3 });
  }
}

function dimensionText(value: unknown): string {
  if (value === null || value === undefined || value === "") return noneLabel;
  if (Array.isArray(value)) return value.length === 0 ? noneLabel : value.join(", ");
  return String(value);
}

function dimensionsOf(widget: Widget): string[] {
  return (widget.query?.dimensions ?? []).map((dimension) => dimension.field);
}

function metricsOf(widget: Widget) {
  return widget.query?.metrics ?? [];
}

// The label of a row's dimension values: "gpt-4o / ERROR".
function groupKey(row: MetricsRow, dimensions: string[]): string {
  return dimensions.map((field) => dimensionText(row[field])).join(" / ");
}

// "2026-01-05T10:00:00.000Z" -> "2026-01-05 10:00" (UTC, as the buckets are).
export function formatBucket(value: unknown): string {
  if (typeof value !== "string") return dimensionText(value);
  return value.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "");
}

function unitOf(widget: Widget, measure: string): string | undefined {
  return measureOf(widget.query?.view ?? "", measure)?.unit;
}

// The single figure of a number widget: its first metric in the first row.
export function numberFigure(widget: Widget, rows: MetricsRow[]): string {
  const metric = metricsOf(widget)[0];
  if (!metric) return "–";
  const value = rows[0]?.[metricKey(metric)];
  // An aggregate over no rows is null; a count over none is 0.
  if ((value === null || value === undefined) && metric.aggregation === "count") return "0";
  return formatFigure(value, unitOf(widget, metric.measure));
}

// Histogram bins of the widget's first metric: [lower, upper, count].
function histogramBins(widget: Widget, rows: MetricsRow[]): [number, number, number][] {
  const metric = metricsOf(widget)[0];
  if (!metric) return [];
  const cell = rows[0]?.[metricKey(metric)];
  if (!Array.isArray(cell)) return [];
  return cell.filter(
    (bin): bin is [number, number, number] => Array.isArray(bin) && bin.length === 3 && bin.every((n) => typeof n === "number"),
  );
}

function binLabel(bin: [number, number, number], unit?: string): string {
  return `${formatFigure(bin[0], unit)} – ${formatFigure(bin[1], unit)}`;
}

// The table of figures for any widget type.
export function figureTable(widget: Widget, rows: MetricsRow[]): FigureTable {
  const view = widget.query?.view ?? "";
  if (widget.type === "histogram") {
    const unit = unitOf(widget, metricsOf(widget)[0]?.measure ?? "");
    return {
      columns: [metricsOf(widget)[0] ? measureOf(view, metricsOf(widget)[0].measure)?.label ?? "Value" : "Value", "Count"],
      rows: histogramBins(widget, rows).map((bin) => [binLabel(bin, unit), formatFigure(bin[2])]),
    };
  }
  const dimensions = dimensionsOf(widget);
  const timed = widget.query?.timeDimension != null;
  const columns = [
    ...(timed ? ["Time"] : []),
    ...dimensions.map((field) => dimensionLabel(view, field)),
    ...metricsOf(widget).map((metric) => metricLabel(view, metric)),
  ];
  const tableRows = sortRowsByTime(rows, timed).map((row) => [
    ...(timed ? [formatBucket(row.time_dimension)] : []),
    ...dimensions.map((field) => dimensionText(row[field])),
    ...metricsOf(widget).map((metric) => formatFigure(row[metricKey(metric)], unitOf(widget, metric.measure))),
  ]);
  return { columns, rows: tableRows };
}

function sortRowsByTime(rows: MetricsRow[], timed: boolean): MetricsRow[] {
  if (!timed) return rows;
  return [...rows].sort((a, b) => String(a.time_dimension).localeCompare(String(b.time_dimension)));
}

function baseOption(withLegend: boolean): Omit<ChartOption, "xAxis" | "series" | "tooltip"> {
  return {
    backgroundColor: "transparent",
    animation: false,
    grid: { left: 8, right: 16, top: 16, bottom: withLegend ? 40 : 8, containLabel: true },
    ...(withLegend ? { legend: { type: "scroll" as const, bottom: 0 } } : {}),
    yAxis: { type: "value" },
  };
}

// The ECharts option of a chart widget (time_series, bar, histogram), or
// null for types drawn without a chart (number, table, agreement). A line
// chart's time axis spans `range`, stretched to the newest bucket because
// live updates add buckets after the range was fixed.
export function chartOption(widget: Widget, rows: MetricsRow[], range?: TimeSpan): ChartOption | null {
  const view = widget.query?.view ?? "";
  const metrics = metricsOf(widget);
  const dimensions = dimensionsOf(widget);

  if (widget.type === "histogram") {
    const unit = unitOf(widget, metrics[0]?.measure ?? "");
    const bins = histogramBins(widget, rows);
    return {
      ...baseOption(false),
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: bins.map((bin) => binLabel(bin, unit)) },
      series: [{ type: "bar", name: "Count", data: bins.map((bin) => bin[2]), barMaxWidth: 48 }],
    };
  }

  if (widget.type === "time_series") {
    // One line per dimension group and metric.
    const series = new Map<string, [string, number | null][]>();
    for (const row of sortRowsByTime(rows, true)) {
      const group = groupKey(row, dimensions);
      for (const metric of metrics) {
        const name = [group, metrics.length > 1 || !group ? metricLabel(view, metric) : ""].filter(Boolean).join(" · ");
        if (!series.has(name)) series.set(name, []);
        series.get(name)!.push([String(row.time_dimension), numberOf(row[metricKey(metric)])]);
      }
    }
    const bucketTimes = rows.map((row) => Date.parse(String(row.time_dimension))).filter((time) => !Number.isNaN(time));
    const xAxis: ChartOption["xAxis"] = { type: "time" };
    if (range) {
      xAxis.min = Date.parse(range.from);
      xAxis.max = Math.max(Date.parse(range.to), ...bucketTimes);
    }
    return {
      ...baseOption(series.size > 1),
      tooltip: { trigger: "axis" },
      xAxis,
      series: [...series].map(([name, data]) => ({ type: "line", name, data, showSymbol: data.length < 30 })),
    };
  }

  if (widget.type === "bar") {
    const categories = rows.map((row) => (dimensions.length > 0 ? groupKey(row, dimensions) : "All"));
    return {
      ...baseOption(metrics.length > 1),
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: categories },
      series: metrics.map((metric) => ({
        type: "bar",
        name: metricLabel(view, metric),
        data: rows.map((row) => numberOf(row[metricKey(metric)])),
        barMaxWidth: 48,
      })),
    };
  }
  return null;
}

export interface WidgetUpdate {
  widget: string;
  mode: "merge" | "replace";
  from: string;
  to: string;
  rows: MetricsRow[];
}

// Applies a live update from the dashboard topic to a widget's rows.
// "replace" swaps every row. "merge" replaces the time buckets in
// [from, to), the only ones the new data touched, and keeps the rest.
export function mergeWidgetUpdate(rows: MetricsRow[], update: WidgetUpdate): MetricsRow[] {
  if (update.mode === "replace") return update.rows;
  const from = Date.parse(update.from);
  const to = Date.parse(update.to);
  const untouched = rows.filter((row) => {
    const time = Date.parse(String(row.time_dimension));
    return Number.isNaN(time) || time < from || time >= to;
  });
  return sortRowsByTime([...untouched, ...update.rows], true);
}
