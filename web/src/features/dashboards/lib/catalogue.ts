// The views, dimensions and measures a widget may use, with labels for the
// widget editor. The server's catalogue (src/evals/metrics_views.cc) is the
// authority and rejects an unknown name with a field error. This copy only
// fills the editor's menus: a name missing here is not offered, but a
// stored widget that uses it still works.
import type { MetricsFilter, WidgetQuery, WidgetType } from "../api/dashboards";

export type DimensionKind = "text" | "number" | "boolean" | "tags";

export interface DimensionOption {
  name: string;
  label: string;
  kind: DimensionKind;
  // Id-like columns: one group per trace or observation. Offered as
  // filters only, because grouping by them draws thousands of series.
  highCardinality?: boolean;
}

export interface MeasureOption {
  name: string;
  label: string;
  unit?: "ms" | "usd" | "tokens" | "seconds" | "per_second";
}

export interface ViewOption {
  name: string;
  label: string;
  dimensions: DimensionOption[];
  measures: MeasureOption[];
}

const traceDimensions: DimensionOption[] = [
  { name: "id", label: "Trace id", kind: "text", highCardinality: true },
  { name: "name", label: "Trace name", kind: "text" },
  { name: "tags", label: "Tags", kind: "tags" },
  { name: "userId", label: "User", kind: "text", highCardinality: true },
  { name: "sessionId", label: "Session", kind: "text", highCardinality: true },
  { name: "release", label: "Release", kind: "text" },
  { name: "version", label: "Version", kind: "text" },
  { name: "environment", label: "Environment", kind: "text" },
  { name: "timestampMonth", label: "Month", kind: "text" },
];

const observationDimensions: DimensionOption[] = [
  { name: "id", label: "Observation id", kind: "text", highCardinality: true },
  { name: "traceId", label: "Trace id", kind: "text", highCardinality: true },
  { name: "traceName", label: "Trace name", kind: "text" },
  { name: "environment", label: "Environment", kind: "text" },
  { name: "parentObservationId", label: "Parent observation id", kind: "text", highCardinality: true },
  { name: "type", label: "Type (span, generation, event)", kind: "text" },
  { name: "name", label: "Observation name", kind: "text" },
  { name: "level", label: "Level", kind: "text" },
  { name: "version", label: "Version", kind: "text" },
  { name: "tags", label: "Trace tags", kind: "tags" },
  { name: "providedModelName", label: "Model", kind: "text" },
  { name: "promptName", label: "Prompt name", kind: "text" },
  { name: "promptVersion", label: "Prompt version", kind: "number" },
  { name: "userId", label: "User", kind: "text", highCardinality: true },
  { name: "sessionId", label: "Session", kind: "text", highCardinality: true },
  { name: "traceRelease", label: "Trace release", kind: "text" },
  { name: "traceVersion", label: "Trace version", kind: "text" },
  { name: "startTimeMonth", label: "Month", kind: "text" },
];

const scoreDimensions: DimensionOption[] = [
  { name: "id", label: "Score id", kind: "text", highCardinality: true },
  { name: "traceId", label: "Trace id", kind: "text", highCardinality: true },
  { name: "observationId", label: "Observation id", kind: "text", highCardinality: true },
  { name: "environment", label: "Environment", kind: "text" },
  { name: "name", label: "Score name", kind: "text" },
  { name: "source", label: "Source (API, EVAL, ANNOTATION)", kind: "text" },
  { name: "dataType", label: "Data type", kind: "text" },
  { name: "configId", label: "Score config", kind: "text" },
  { name: "timestampMonth", label: "Month", kind: "text" },
  { name: "timestampDay", label: "Day", kind: "text" },
  { name: "traceName", label: "Trace name", kind: "text" },
  { name: "tags", label: "Trace tags", kind: "tags" },
  { name: "userId", label: "User", kind: "text", highCardinality: true },
  { name: "sessionId", label: "Session", kind: "text", highCardinality: true },
  { name: "traceRelease", label: "Trace release", kind: "text" },
  { name: "traceVersion", label: "Trace version", kind: "text" },
  { name: "observationName", label: "Observation name", kind: "text" },
  { name: "observationModelName", label: "Observation model", kind: "text" },
  { name: "observationPromptName", label: "Observation prompt name", kind: "text" },
  { name: "observationPromptVersion", label: "Observation prompt version", kind: "number" },
];

const count: MeasureOption = { name: "count", label: "Count" };

export const metricsViews: ViewOption[] = [
  {
    name: "traces",
    label: "Traces",
    dimensions: traceDimensions,
    measures: [
      count,
      { name: "observationsCount", label: "Observations per trace" },
      { name: "scoresCount", label: "Scores per trace" },
      { name: "uniqueUserIds", label: "Distinct users" },
      { name: "uniqueSessionIds", label: "Distinct sessions" },
      { name: "latency", label: "Latency", unit: "ms" },
      { name: "totalTokens", label: "Total tokens", unit: "tokens" },
      { name: "totalCost", label: "Total cost", unit: "usd" },
    ],
  },
  {
    name: "observations",
    label: "Observations",
    dimensions: observationDimensions,
    measures: [
      count,
      { name: "latency", label: "Latency", unit: "ms" },
      { name: "streamingLatency", label: "Streaming latency", unit: "ms" },
      { name: "timeToFirstToken", label: "Time to first token", unit: "ms" },
      { name: "inputTokens", label: "Input tokens", unit: "tokens" },
      { name: "outputTokens", label: "Output tokens", unit: "tokens" },
      { name: "totalTokens", label: "Total tokens", unit: "tokens" },
      { name: "outputTokensPerSecond", label: "Output tokens per second", unit: "per_second" },
      { name: "tokensPerSecond", label: "Tokens per second", unit: "per_second" },
      { name: "inputCost", label: "Input cost", unit: "usd" },
      { name: "outputCost", label: "Output cost", unit: "usd" },
      { name: "totalCost", label: "Total cost", unit: "usd" },
      { name: "countScores", label: "Scores per observation" },
    ],
  },
  {
    name: "scores-numeric",
    label: "Numeric scores",
    dimensions: [...scoreDimensions, { name: "value", label: "Value", kind: "number" }],
    measures: [count, { name: "value", label: "Value" }],
  },
  {
    name: "scores-boolean",
    label: "Boolean scores",
    dimensions: [
      ...scoreDimensions,
      { name: "value", label: "Value", kind: "number" },
      { name: "booleanValue", label: "True or false", kind: "boolean" },
    ],
    measures: [count, { name: "value", label: "Value" }],
  },
  {
    name: "scores-categorical",
    label: "Categorical scores",
    dimensions: [...scoreDimensions, { name: "stringValue", label: "Category", kind: "text" }],
    measures: [count],
  },
  {
    name: "annotations",
    label: "Annotations (labeling)",
    dimensions: [
      { name: "completedBy", label: "Annotator (user id)", kind: "number" },
      { name: "groundTruth", label: "Ground truth", kind: "boolean" },
      { name: "createdAtMonth", label: "Month", kind: "text" },
    ],
    measures: [
      count,
      { name: "leadTime", label: "Lead time", unit: "seconds" },
      { name: "tasks", label: "Tasks" },
    ],
  },
];

export const aggregations = ["sum", "avg", "count", "max", "min", "p50", "p75", "p90", "p95", "p99", "uniq"] as const;
export const granularities = ["auto", "minute", "hour", "day", "week", "month"] as const;

export const widgetTypeLabels: Record<Exclude<WidgetType, "agreement">, string> = {
  time_series: "Line chart over time",
  bar: "Bar chart",
  number: "Single number",
  table: "Table",
  histogram: "Histogram",
};

export function findView(name: string): ViewOption | undefined {
  return metricsViews.find((view) => view.name === name);
}

export function measureOf(view: string, measure: string): MeasureOption | undefined {
  return findView(view)?.measures.find((option) => option.name === measure);
}

// A metric's column name in the rows: "<aggregation>_<measure>".
export function metricKey(metric: { measure: string; aggregation: string }): string {
  return `${metric.aggregation}_${metric.measure}`;
}

// "p95 Latency", "Count": the heading of a metric's column or series.
export function metricLabel(view: string, metric: { measure: string; aggregation: string }): string {
  const label = measureOf(view, metric.measure)?.label ?? metric.measure;
  if (metric.measure === "count" && metric.aggregation === "count") return label;
  return `${metric.aggregation} ${label}`;
}

export function dimensionLabel(view: string, field: string): string {
  if (field === "time_dimension") return "Time";
  return findView(view)?.dimensions.find((option) => option.name === field)?.label ?? field;
}

// Operators the server accepts per filter kind (src/evals/metrics_sql.cc).
export const filterOperators: Record<DimensionKind, string[]> = {
  text: ["=", "contains", "does not contain", "starts with", "ends with", "any of", "none of"],
  number: ["=", ">", "<", ">=", "<="],
  boolean: ["=", "<>"],
  tags: ["any of", "none of", "all of"],
};

// Builds the filter the server expects from the editor's three inputs.
// Lists ("any of") are typed as comma-separated values. Returns a message
// naming the problem instead when the value does not fit the column.
export function buildFilter(
  dimension: DimensionOption,
  operator: string,
  text: string,
): { filter: MetricsFilter } | { error: string } {
  const list = () =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  switch (dimension.kind) {
    case "tags":
      if (list().length === 0) return { error: `Enter one or more tags for ${dimension.label}, separated by commas.` };
      return { filter: { column: dimension.name, operator, type: "arrayOptions", value: list() } };
    case "boolean":
      if (text !== "true" && text !== "false") return { error: `${dimension.label} takes true or false.` };
      return { filter: { column: dimension.name, operator, type: "boolean", value: text === "true" } };
    case "number": {
      const number = Number(text);
      if (text.trim() === "" || !Number.isFinite(number)) return { error: `${dimension.label} takes a number.` };
      return { filter: { column: dimension.name, operator, type: "number", value: number } };
    }
    case "text":
      if (operator === "any of" || operator === "none of") {
        if (list().length === 0) return { error: `Enter one or more values for ${dimension.label}, separated by commas.` };
        return { filter: { column: dimension.name, operator, type: "stringOptions", value: list() } };
      }
      return { filter: { column: dimension.name, operator, type: "string", value: text } };
  }
}

// The editor's text for a stored filter value.
export function filterText(filter: MetricsFilter): string {
  if (Array.isArray(filter.value)) return filter.value.join(", ");
  return String(filter.value ?? "");
}

export interface WidgetDraft {
  name: string;
  type: Exclude<WidgetType, "agreement">;
  view: string;
  metrics: { measure: string; aggregation: string }[];
  dimensions: string[];
  filters: MetricsFilter[];
  granularity: (typeof granularities)[number];
  bins: number;
}

// Turns the editor's fields into a stored widget query, or a message saying
// which field to fix. The server checks the query again.
export function draftToQuery(draft: WidgetDraft): { query: WidgetQuery } | { error: string } {
  if (draft.name.trim() === "") return { error: "Give the widget a name." };
  const view = findView(draft.view);
  if (!view) return { error: `Pick a view: ${draft.view} is not one.` };
  if (draft.metrics.length === 0) return { error: "Add at least one metric." };
  const seen = new Set<string>();
  for (const metric of draft.metrics) {
    const key = metricKey(metric);
    if (seen.has(key)) return { error: `The metric ${metricLabel(draft.view, metric)} is listed twice.` };
    seen.add(key);
  }
  if (new Set(draft.dimensions).size !== draft.dimensions.length) return { error: "A dimension is listed twice." };

  const query: WidgetQuery = {
    view: draft.view,
    dimensions: draft.dimensions.map((field) => ({ field })),
    metrics: draft.metrics,
    filters: draft.filters,
  };
  if (draft.type === "time_series") query.timeDimension = { granularity: draft.granularity };
  if (draft.type === "histogram") {
    query.metrics = draft.metrics.slice(0, 1).map((metric) => ({ ...metric, aggregation: "histogram" }));
    query.dimensions = [];
    query.config = { bins: draft.bins };
  }
  if (draft.type === "number") query.dimensions = [];
  return { query };
}

// The editor's fields for a stored widget (the reverse of draftToQuery).
export function queryToDraft(widget: { name: string; type: WidgetType; query?: WidgetQuery }): WidgetDraft {
  const query = widget.query;
  const type = widget.type === "agreement" ? "table" : widget.type;
  const granularity = query?.timeDimension?.granularity;
  return {
    name: widget.name,
    type,
    view: query?.view ?? "traces",
    metrics: (query?.metrics ?? [{ measure: "count", aggregation: "count" }]).map((metric) => ({
      measure: metric.measure,
      aggregation: metric.aggregation === "histogram" ? "count" : metric.aggregation,
    })),
    dimensions: (query?.dimensions ?? []).map((dimension) => dimension.field),
    filters: query?.filters ?? [],
    granularity: granularities.includes(granularity as (typeof granularities)[number])
      ? (granularity as (typeof granularities)[number])
      : "auto",
    bins: query?.config?.bins ?? 20,
  };
}
