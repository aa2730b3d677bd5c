// Datasets, items and runs through the Langfuse-compatible API (session plus
// X-Tally-Project), and Tally's own imports, run comparison and built-in
// evaluators under /api/evals/{project id}/….
import { z } from "zod";
import { apiJson } from "../../../api/client";

const pageMetaSchema = z.object({ page: z.number(), limit: z.number(), totalItems: z.number(), totalPages: z.number() });

export const datasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.unknown().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Dataset = z.infer<typeof datasetSchema>;

export const datasetItemSchema = z.object({
  id: z.string(),
  status: z.enum(["ACTIVE", "ARCHIVED"]),
  input: z.unknown().optional(),
  expectedOutput: z.unknown().optional(),
  metadata: z.unknown().optional(),
  sourceTraceId: z.string().nullable().optional(),
  sourceObservationId: z.string().nullable().optional(),
  datasetName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DatasetItem = z.infer<typeof datasetItemSchema>;

export const datasetRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  createdAt: z.string(),
});
export type DatasetRun = z.infer<typeof datasetRunSchema>;

const paged = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), meta: pageMetaSchema });

export function fetchDatasets(projectId: number, page: number, limit: number) {
  return apiJson(`/api/public/v2/datasets?page=${page}&limit=${limit}`, paged(datasetSchema), { project: projectId });
}

export function fetchDataset(projectId: number, name: string): Promise<Dataset> {
  return apiJson(`/api/public/v2/datasets/${encodeURIComponent(name)}`, datasetSchema, { project: projectId });
}

export function createDataset(projectId: number, body: { name: string; description?: string }): Promise<Dataset> {
  return apiJson("/api/public/v2/datasets", datasetSchema, { method: "POST", json: body, project: projectId });
}

// Active items only, newest first: the API leaves archived items out.
export function fetchDatasetItems(projectId: number, datasetName: string, page: number, limit: number) {
  const query = new URLSearchParams({ datasetName, page: String(page), limit: String(limit) });
  return apiJson(`/api/public/dataset-items?${query}`, paged(datasetItemSchema), { project: projectId });
}

export interface DatasetItemUpsert {
  datasetName: string;
  id?: string; // present: updates that item
  input?: unknown;
  expectedOutput?: unknown;
  metadata?: unknown;
  status?: "ACTIVE" | "ARCHIVED";
}

export function upsertDatasetItem(projectId: number, body: DatasetItemUpsert): Promise<DatasetItem> {
  return apiJson("/api/public/dataset-items", datasetItemSchema, { method: "POST", json: body, project: projectId });
}

export function fetchDatasetRuns(projectId: number, datasetName: string) {
  return apiJson(
    `/api/public/datasets/${encodeURIComponent(datasetName)}/runs?limit=100`,
    paged(datasetRunSchema),
    { project: projectId },
  );
}

const importResultSchema = z.object({
  dataset: datasetSchema,
  created: z.number(),
  updated: z.number(),
  skipped: z.number().optional(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export function importItemsFromTraces(projectId: number, datasetName: string, traceIds: string[]): Promise<ImportResult> {
  return apiJson(`/api/evals/${projectId}/datasets/items-from-traces`, importResultSchema, {
    method: "POST",
    json: { datasetName, traceIds },
  });
}

export function importItemsFromTasks(projectId: number, datasetName: string, labelingProjectId: number): Promise<ImportResult> {
  return apiJson(`/api/evals/${projectId}/datasets/items-from-tasks`, importResultSchema, {
    method: "POST",
    json: { datasetName, labelingProjectId },
  });
}

const scoreCellSchema = z.object({
  name: z.string(),
  dataType: z.string(),
  value: z.number().nullable(),
  stringValue: z.string().nullable(),
  comment: z.string().nullable(),
  source: z.string(),
});
export type ScoreCell = z.infer<typeof scoreCellSchema>;

export const runOutcomeSchema = z.object({
  datasetRunItemId: z.string(),
  traceId: z.string(),
  observationId: z.string().nullable(),
  output: z.unknown(),
  latency: z.number().nullable(),
  cost: z.number().nullable(),
  scores: z.array(scoreCellSchema),
});
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

const runColumnSchema = datasetRunSchema.extend({
  isBaseline: z.boolean(),
  aggregates: z.object({
    itemCount: z.number(),
    latency: z.object({ mean: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() }),
    totalCost: z.number().nullable(),
    scores: z.record(
      z.string(),
      z.object({ count: z.number(), mean: z.number().nullable(), categories: z.record(z.string(), z.number()).optional() }),
    ),
  }),
  deltas: z.object({
    latency: z.object({ mean: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() }),
    totalCost: z.number().nullable(),
    scores: z.record(z.string(), z.number().nullable()),
  }),
});
export type RunColumn = z.infer<typeof runColumnSchema>;

const comparisonSchema = z.object({
  baseline: z.string(),
  scoreNames: z.array(z.string()),
  runs: z.array(runColumnSchema),
  items: z.array(
    z.object({
      datasetItemId: z.string(),
      input: z.unknown(),
      expectedOutput: z.unknown(),
      runs: z.record(z.string(), runOutcomeSchema.nullable()),
    }),
  ),
  meta: pageMetaSchema,
});
export type RunComparison = z.infer<typeof comparisonSchema>;

export interface ComparisonQuery {
  datasetName: string;
  runs: string[]; // empty: every run, newest first
  baseline?: string;
  page: number;
  limit: number;
}

export function fetchRunComparison(projectId: number, query: ComparisonQuery): Promise<RunComparison> {
  const params = new URLSearchParams({ datasetName: query.datasetName, page: String(query.page), limit: String(query.limit) });
  if (query.runs.length) params.set("runs", query.runs.join(","));
  if (query.baseline) params.set("baseline", query.baseline);
  return apiJson(`/api/evals/${projectId}/experiments?${params}`, comparisonSchema);
}

export const builtinEvaluatorTypes = [
  "exact_match",
  "contains",
  "regex",
  "json_validity",
  "numeric_tolerance",
  "levenshtein_similarity",
] as const;
export type BuiltinEvaluatorType = (typeof builtinEvaluatorTypes)[number];

const runEvaluationSchema = z.object({
  scored: z.number(),
  failures: z.array(z.object({ datasetItemId: z.string(), error: z.string() })),
});
export type RunEvaluationResult = z.infer<typeof runEvaluationSchema>;

export function runBuiltinEvaluator(
  projectId: number,
  body: { datasetName: string; runName: string; evaluator: Record<string, unknown>; scoreName?: string },
): Promise<RunEvaluationResult> {
  return apiJson(`/api/evals/${projectId}/datasets/run-evaluations`, runEvaluationSchema, { method: "POST", json: body });
}
