// Scores, score configs and score distributions under /api/public.
import { z } from "zod";
import { apiJson } from "../../../api/client";
import { fillHistogram } from "../lib/histogram";

const nullableString = z.string().nullable().optional();

export const scoreSchema = z
  .object({
    id: z.string(),
    traceId: nullableString,
    observationId: nullableString,
    name: z.string(),
    value: z.number().nullable().optional(),
    stringValue: nullableString,
    dataType: z.string(),
    source: z.string(),
    comment: nullableString,
    timestamp: z.string().optional(),
    configId: nullableString,
  })
  .passthrough();
export type Score = z.infer<typeof scoreSchema>;

export type ScoreDataType = "NUMERIC" | "CATEGORICAL" | "BOOLEAN";

export interface NewScore {
  traceId: string;
  observationId?: string;
  name: string;
  dataType: ScoreDataType;
  value: number | string;
  comment?: string;
  configId?: string;
}

// Scores written from the UI carry source ANNOTATION, as a person gave them.
export function createScore(projectId: number, score: NewScore): Promise<{ id: string }> {
  return apiJson("/api/public/scores", z.object({ id: z.string() }).passthrough(), {
    method: "POST",
    project: projectId,
    json: { ...score, source: "ANNOTATION" },
  });
}

export const scoreConfigSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    dataType: z.string(),
    isArchived: z.boolean(),
    minValue: z.number().nullable().optional(),
    maxValue: z.number().nullable().optional(),
    categories: z
      .array(z.object({ label: z.string(), value: z.number() }))
      .nullable()
      .optional(),
    description: nullableString,
    createdAt: z.string().optional(),
  })
  .passthrough();
export type ScoreConfig = z.infer<typeof scoreConfigSchema>;

const configPageSchema = z.object({
  data: z.array(scoreConfigSchema),
  meta: z.object({ totalItems: z.number(), totalPages: z.number() }).passthrough(),
});

// Every score config of the project, reading all pages.
export async function fetchScoreConfigs(projectId: number): Promise<ScoreConfig[]> {
  const configs: ScoreConfig[] = [];
  for (let page = 1; ; page++) {
    const result = await apiJson(`/api/public/score-configs?page=${page}&limit=100`, configPageSchema, {
      project: projectId,
    });
    configs.push(...result.data);
    if (page >= result.meta.totalPages) return configs;
  }
}

export interface NewScoreConfig {
  name: string;
  dataType: ScoreDataType;
  minValue?: number;
  maxValue?: number;
  categories?: Array<{ label: string; value: number }>;
  description?: string;
}

export function createScoreConfig(projectId: number, config: NewScoreConfig): Promise<ScoreConfig> {
  return apiJson("/api/public/score-configs", scoreConfigSchema, { method: "POST", project: projectId, json: config });
}

export function setScoreConfigArchived(projectId: number, id: string, isArchived: boolean): Promise<ScoreConfig> {
  return apiJson(`/api/public/score-configs/${encodeURIComponent(id)}`, scoreConfigSchema, {
    method: "PATCH",
    project: projectId,
    json: { isArchived },
  });
}

// ----- Distributions, through the metrics API -----

const metricsSchema = z.object({ data: z.array(z.record(z.string(), z.unknown())) });

export interface NumericDistribution {
  name: string;
  bins: Array<{ lower: number; upper: number; count: number }>;
}

export interface CategoryDistribution {
  name: string;
  counts: Array<{ value: string; count: number }>;
}

function runMetrics(projectId: number, query: object) {
  const encoded = encodeURIComponent(JSON.stringify(query));
  return apiJson(`/api/public/metrics?query=${encoded}`, metricsSchema, { project: projectId });
}

// The metric column of a row: the first key starting with `prefix`
// ("histogram_value", "count_count"), as the metrics API names outputs
// <aggregation>_<measure>.
function metricCell(row: Record<string, unknown>, prefix: string): unknown {
  const key = Object.keys(row).find((name) => name.startsWith(prefix));
  return key === undefined ? undefined : row[key];
}

// A histogram of each numeric score name between `from` and `to`.
export async function fetchNumericDistributions(
  projectId: number,
  from: string,
  to: string,
  bins = 10,
): Promise<NumericDistribution[]> {
  const result = await runMetrics(projectId, {
    view: "scores-numeric",
    dimensions: [{ field: "name" }],
    metrics: [{ measure: "value", aggregation: "histogram" }],
    filters: [],
    fromTimestamp: from,
    toTimestamp: to,
    config: { bins },
  });
  return result.data
    .map((row) => {
      const cell = metricCell(row, "histogram");
      const triples = Array.isArray(cell) ? cell : [];
      const returned = triples
        .filter((triple): triple is number[] => Array.isArray(triple) && triple.length === 3)
        .map(([lower, upper, count]) => ({ lower: Number(lower), upper: Number(upper), count: Number(count) }));
      return { name: String(row.name ?? ""), bins: fillHistogram(returned, bins) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

// Counts per value of each categorical or boolean score name.
export async function fetchCategoryDistributions(
  projectId: number,
  view: "scores-categorical" | "scores-boolean",
  from: string,
  to: string,
): Promise<CategoryDistribution[]> {
  // The boolean view names its value booleanValue (1 or 0, or true/false).
  const valueField = view === "scores-boolean" ? "booleanValue" : "stringValue";
  const result = await runMetrics(projectId, {
    view,
    dimensions: [{ field: "name" }, { field: valueField }],
    metrics: [{ measure: "count", aggregation: "count" }],
    filters: [],
    fromTimestamp: from,
    toTimestamp: to,
  });
  const byName = new Map<string, CategoryDistribution>();
  for (const row of result.data) {
    const name = String(row.name ?? "");
    const entry = byName.get(name) ?? { name, counts: [] };
    const raw = row[valueField];
    let value = String(raw ?? "(none)");
    if (view === "scores-boolean") value = raw === true || raw === 1 || raw === "1" ? "True" : "False";
    entry.counts.push({ value, count: Number(metricCell(row, "count") ?? 0) });
    byName.set(name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
