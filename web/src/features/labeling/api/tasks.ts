// Tasks and annotations as the Label Studio-compatible API serves them.
import { z } from "zod";
import { apiJson } from "../../../api/client";
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

export function fetchTask(id: number): Promise<Task> {
  return apiJson(`/api/tasks/${id}`, taskSchema);
}

export function fetchTaskPage(projectId: number, page: number, pageSize: number, signal?: AbortSignal): Promise<TaskPage> {
  return apiJson(`/api/tasks?project=${projectId}&page=${page}&page_size=${pageSize}`, taskPageSchema, { signal });
}

export function fetchAnnotations(taskId: number): Promise<Annotation[]> {
  return apiJson(`/api/tasks/${taskId}/annotations`, z.array(annotationSchema));
}

export function createAnnotation(
  taskId: number,
  body: { result: ResultItem[]; was_cancelled?: boolean; lead_time?: number },
): Promise<Annotation> {
  return apiJson(`/api/tasks/${taskId}/annotations`, annotationSchema, { method: "POST", json: body });
}

export function updateAnnotation(id: number, body: { result: ResultItem[]; lead_time?: number }): Promise<Annotation> {
  return apiJson(`/api/annotations/${id}`, annotationSchema, { method: "PATCH", json: body });
}

const nextPageSize = 100;

// The next task to label: the first task, in list order, with no
// annotation and no skip. Known limitation: this pages through the task
// list in the browser and ignores the project's sampling and overlap
// settings, so a large, mostly labeled project costs one request per 100
// labeled tasks, and two annotators may get the same task. Replace with the
// server's next-task endpoint once it exists.
export async function findNextTask(projectId: number, excluded: ReadonlySet<number>): Promise<Task | null> {
  for (let page = 1; ; page++) {
    const { tasks, total } = await fetchTaskPage(projectId, page, nextPageSize);
    const next = tasks.find((task) => task.total_annotations === 0 && task.cancelled_annotations === 0 && !excluded.has(task.id));
    if (next) return next;
    if (tasks.length === 0 || page * nextPageSize >= total) return null;
  }
}
