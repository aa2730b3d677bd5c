// The columns the trace table can show, and the field group of
// GET /api/public/traces that each needs. The table requests only the groups
// of the columns it shows, because input and output (the "io" group) are the
// heaviest part of a page.
import { previewText } from "./chat";
import { formatCost, formatDuration } from "./timeline";
import type { SortColumn } from "./trace-filters";

export interface TraceRowValues {
  id: string;
  timestamp: string;
  name?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  release?: string | null;
  version?: string | null;
  environment?: string | null;
  tags: string[];
  latency?: number | null; // seconds
  totalCost?: number | null; // USD
  observations: unknown[];
  scores: unknown[];
  input?: unknown;
  output?: unknown;
}

export interface TraceColumn {
  id: string;
  title: string;
  width: number; // px
  group: "core" | "metrics" | "io" | "observations" | "scores";
  sort?: SortColumn;
  value: (trace: TraceRowValues) => string;
}

const text = (value: string | null | undefined) => value ?? "";

export const traceColumns: TraceColumn[] = [
  {
    id: "timestamp",
    title: "Time",
    width: 200,
    group: "core",
    sort: "timestamp",
    value: (trace) => new Date(trace.timestamp).toLocaleString(),
  },
  { id: "name", title: "Name", width: 180, group: "core", sort: "name", value: (trace) => text(trace.name) },
  { id: "id", title: "ID", width: 140, group: "core", sort: "id", value: (trace) => trace.id },
  { id: "userId", title: "User", width: 120, group: "core", sort: "userId", value: (trace) => text(trace.userId) },
  { id: "sessionId", title: "Session", width: 130, group: "core", sort: "sessionId", value: (trace) => text(trace.sessionId) },
  {
    id: "latency",
    title: "Latency",
    width: 90,
    group: "metrics",
    value: (trace) => (trace.latency === null || trace.latency === undefined ? "" : formatDuration(trace.latency * 1000)),
  },
  { id: "totalCost", title: "Cost", width: 100, group: "metrics", value: (trace) => formatCost(trace.totalCost) },
  { id: "input", title: "Input", width: 260, group: "io", value: (trace) => previewText(trace.input, "user") },
  { id: "output", title: "Output", width: 260, group: "io", value: (trace) => previewText(trace.output) },
  { id: "tags", title: "Tags", width: 160, group: "core", value: (trace) => trace.tags.join(", ") },
  {
    id: "observations",
    title: "Observations",
    width: 110,
    group: "observations",
    value: (trace) => String(trace.observations.length),
  },
  { id: "scores", title: "Scores", width: 80, group: "scores", value: (trace) => String(trace.scores.length) },
  { id: "environment", title: "Environment", width: 120, group: "core", value: (trace) => text(trace.environment) },
  { id: "release", title: "Release", width: 100, group: "core", sort: "release", value: (trace) => text(trace.release) },
  { id: "version", title: "Version", width: 100, group: "core", sort: "version", value: (trace) => text(trace.version) },
];

export const traceColumnIds = traceColumns.map((column) => column.id);

export const defaultTraceColumns = ["timestamp", "name", "userId", "sessionId", "latency", "totalCost", "input", "output", "tags"];

// The field groups a page needs for `columnIds`; core is always included.
export function fieldsFor(columnIds: readonly string[]): string[] {
  const groups = new Set<string>(["core"]);
  for (const column of traceColumns) if (columnIds.includes(column.id)) groups.add(column.group);
  return ["core", "io", "scores", "observations", "metrics"].filter((group) => groups.has(group));
}
