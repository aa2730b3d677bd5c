// The trace table's filters and ordering, and how they become the query of
// GET /api/public/traces.
//
// Plain columns use the endpoint's simple parameters (name, userId, tags,
// environment, …). Aggregates (latency, cost, level), scores and metadata go
// into the structured `filter` JSON parameter with Langfuse's columns and
// condition types:
//   latency           seconds
//   totalCost         USD
//   level             the most severe observation level
//   scores_avg        numberObject keyed by score name
//   score_categories  categoryOptions keyed by score name
//   metadata          stringObject keyed by metadata key
// `searchQuery` is Tally's free-text search over ids, names, tags,
// metadata, input and output.

export type TimeRange = "all" | "1h" | "24h" | "7d" | "30d";
export const timeRangeLabels: Record<TimeRange, string> = {
  all: "All time",
  "1h": "Past hour",
  "24h": "Past 24 hours",
  "7d": "Past 7 days",
  "30d": "Past 30 days",
};
const timeRangeMs: Record<Exclude<TimeRange, "all">, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export const levels = ["ERROR", "WARNING", "DEFAULT", "DEBUG"] as const;
export type Level = (typeof levels)[number];

export type NumberOperator = ">" | ">=" | "<" | "<=" | "=";
export const numberOperators: NumberOperator[] = [">=", ">", "<=", "<", "="];

export interface ScoreCondition {
  name: string;
  operator: NumberOperator;
  value: number;
}

export interface CategoryCondition {
  name: string;
  values: string[];
}

export interface MetadataCondition {
  key: string;
  value: string; // matched with "="
}

export interface TraceFilters {
  search: string;
  timeRange: TimeRange;
  name: string;
  userId: string;
  sessionId: string;
  release: string;
  version: string;
  environments: string[];
  tags: string[];
  levels: Level[];
  minLatency: number | null; // seconds
  maxLatency: number | null;
  minCost: number | null; // USD
  maxCost: number | null;
  scores: ScoreCondition[];
  categories: CategoryCondition[];
  metadata: MetadataCondition[];
}

export const emptyFilters: TraceFilters = {
  search: "",
  timeRange: "all",
  name: "",
  userId: "",
  sessionId: "",
  release: "",
  version: "",
  environments: [],
  tags: [],
  levels: [],
  minLatency: null,
  maxLatency: null,
  minCost: null,
  maxCost: null,
  scores: [],
  categories: [],
  metadata: [],
};

export const sortableColumns = ["timestamp", "name", "userId", "sessionId", "release", "version", "id"] as const;
export type SortColumn = (typeof sortableColumns)[number];
export interface TraceOrdering {
  column: SortColumn;
  descending: boolean;
}
export const defaultOrdering: TraceOrdering = { column: "timestamp", descending: true };

// Clicking a header: a new column sorts descending, the same column flips.
export function nextOrdering(current: TraceOrdering, column: SortColumn): TraceOrdering {
  if (current.column !== column) return { column, descending: true };
  return { column, descending: !current.descending };
}

// How many conditions are set, for the Filters button's badge (search and
// the time range have their own controls).
export function countConditions(filters: TraceFilters): number {
  let count = 0;
  for (const key of ["name", "userId", "sessionId", "release", "version"] as const) if (filters[key].trim()) count++;
  if (filters.environments.length > 0) count++;
  if (filters.tags.length > 0) count++;
  if (filters.levels.length > 0) count++;
  if (filters.minLatency !== null || filters.maxLatency !== null) count++;
  if (filters.minCost !== null || filters.maxCost !== null) count++;
  return count + filters.scores.length + filters.categories.length + filters.metadata.length;
}

interface FilterCondition {
  type: string;
  column: string;
  operator: string;
  value: unknown;
  key?: string;
}

// The structured conditions of `filters`, in Langfuse's filter format.
export function structuredConditions(filters: TraceFilters): FilterCondition[] {
  const out: FilterCondition[] = [];
  const range = (column: string, min: number | null, max: number | null) => {
    if (min !== null) out.push({ type: "number", column, operator: ">=", value: min });
    if (max !== null) out.push({ type: "number", column, operator: "<=", value: max });
  };
  range("latency", filters.minLatency, filters.maxLatency);
  range("totalCost", filters.minCost, filters.maxCost);
  if (filters.levels.length > 0) {
    out.push({ type: "stringOptions", column: "level", operator: "any of", value: [...filters.levels] });
  }
  for (const score of filters.scores) {
    out.push({ type: "numberObject", column: "scores_avg", key: score.name, operator: score.operator, value: score.value });
  }
  for (const category of filters.categories) {
    out.push({
      type: "categoryOptions",
      column: "score_categories",
      key: category.name,
      operator: "any of",
      value: [...category.values],
    });
  }
  for (const entry of filters.metadata) {
    out.push({ type: "stringObject", column: "metadata", key: entry.key, operator: "=", value: entry.value });
  }
  return out;
}

export interface ListRequest {
  page: number;
  limit: number;
  fields: string[]; // field groups: core, io, scores, observations, metrics
}

// The query string of one page of the trace list. `now` anchors relative
// time ranges, so one applied filter keeps asking for the same window.
export function traceListParams(
  filters: TraceFilters,
  ordering: TraceOrdering,
  request: ListRequest,
  now: number,
): URLSearchParams {
  const params = new URLSearchParams();
  params.set("page", String(request.page));
  params.set("limit", String(request.limit));
  params.set("orderBy", `${ordering.column}.${ordering.descending ? "desc" : "asc"}`);
  params.set("fields", request.fields.join(","));
  if (filters.search.trim()) params.set("searchQuery", filters.search.trim());
  if (filters.timeRange !== "all") {
    params.set("fromTimestamp", new Date(now - timeRangeMs[filters.timeRange]).toISOString());
  }
  for (const key of ["name", "userId", "sessionId", "release", "version"] as const) {
    if (filters[key].trim()) params.set(key, filters[key].trim());
  }
  for (const environment of filters.environments) params.append("environment", environment);
  // Repeated tags are all required. The server splits a tag at commas, so
  // when any tag contains one, all tags go through `filter` instead.
  const conditions = structuredConditions(filters);
  if (filters.tags.some((tag) => tag.includes(","))) {
    conditions.push({ type: "arrayOptions", column: "tags", operator: "all of", value: [...filters.tags] });
  } else {
    for (const tag of filters.tags) params.append("tags", tag);
  }
  if (conditions.length > 0) params.set("filter", JSON.stringify(conditions));
  return params;
}

// Reads a number field of the filter form: blank is "no bound"; anything
// else must be a finite number at least 0.
export function parseBound(text: string): { value: number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { value: null };
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < 0) return { error: `"${trimmed}" is not a number of at least 0.` };
  return { value };
}

// Splits a comma- or newline-separated field into trimmed, non-empty values.
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
