// Tasks and annotations as the Label Studio-compatible API serves them.
import { z } from "zod";
import { ApiError, apiJson } from "../../../api/client";
import type { ResultItem } from "../lib/results";

export const taskSchema = z.object({
  id: z.number(),
  data: z.record(z.string(), z.unknown()),
  total_annotations: z.number(),
  cancelled_annotations: z.number(),
  total_predictions: z.number(),
  is_labeled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string().optional(),
  completed_at: z.string().nullable().optional(),
  inner_id: z.number().optional(),
});
export type Task = z.infer<typeof taskSchema>;

export const taskPageSchema = z.object({ tasks: z.array(taskSchema), total: z.number() });
export type TaskPage = z.infer<typeof taskPageSchema>;

export const annotationSchema = z.object({
  id: z.number(),
  task: z.number(),
  completed_by: z.number().nullable(),
  result: z.array(z.unknown()),
  was_cancelled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const predictionSchema = z.object({
  id: z.number(),
  model_version: z.string(),
  score: z.number().nullable(),
  result: z.array(z.unknown()),
});
export type Prediction = z.infer<typeof predictionSchema>;

const nextTaskSchema = taskSchema.extend({ predictions: z.array(predictionSchema).optional() });

export function fetchPredictions(taskId: number): Promise<Prediction[]> {
  return apiJson(`/api/predictions?task=${taskId}`, z.array(predictionSchema));
}

// The prediction to pre-fill the editor with: the highest score, the
// newest (last listed) among equals. Null when there is none.
export function bestPrediction(predictions: Prediction[]): Prediction | null {
  let best: Prediction | null = null;
  for (const prediction of predictions) {
    if (!best || (prediction.score ?? -Infinity) >= (best.score ?? -Infinity)) best = prediction;
  }
  return best;
}

export function fetchTask(id: number): Promise<Task> {
  return apiJson(`/api/tasks/${id}`, taskSchema);
}

// Scope of a task list: a saved Data Manager view, or an unsaved query
// ({filters, ordering} in Label Studio's format). Neither lists all tasks.
export interface TaskScope {
  view?: number;
  query?: Record<string, unknown>;
}

export function fetchTaskPage(
  projectId: number,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
  scope: TaskScope = {},
): Promise<TaskPage> {
  const params = new URLSearchParams({ project: String(projectId), page: String(page), page_size: String(pageSize) });
  if (scope.view !== undefined) params.set("view", String(scope.view));
  if (scope.query) params.set("query", JSON.stringify(scope.query));
  return apiJson(`/api/tasks?${params}`, taskPageSchema, { signal });
}

export function fetchAnnotations(taskId: number): Promise<Annotation[]> {
  return apiJson(`/api/tasks/${taskId}/annotations`, z.array(annotationSchema));
}

export function createAnnotation(
  taskId: number,
  body: {
    result: ResultItem[];
    was_cancelled?: boolean;
    lead_time?: number;
    parent_prediction?: number;
    draft_id?: number;
  },
): Promise<Annotation> {
  return apiJson(`/api/tasks/${taskId}/annotations`, annotationSchema, { method: "POST", json: body });
}

export function updateAnnotation(id: number, body: { result: ResultItem[]; lead_time?: number }): Promise<Annotation> {
  return apiJson(`/api/annotations/${id}`, annotationSchema, { method: "PATCH", json: body });
}

// Locks and returns the caller's next task with its predictions, chosen by
// the project's sampling, overlap and skip settings on the server. Null when
// no task is left for the caller (including tasks others hold locked now).
export async function fetchNextTask(projectId: number): Promise<{ task: Task; predictions: Prediction[] } | null> {
  try {
    const { predictions, ...task } = await apiJson(`/api/projects/${projectId}/next`, nextTaskSchema);
    return { task, predictions: predictions ?? [] };
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null;
    throw error;
  }
}
