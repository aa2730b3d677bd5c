// The caller's drafts of a new annotation on a task: saved while the
// annotator works, restored when the task is opened again, and deleted by
// the server when the annotation that names them is submitted.
import { z } from "zod";
import { apiJson } from "../../../api/client";
import type { ResultItem } from "../lib/results";

export const draftSchema = z.object({
  id: z.number(),
  result: z.array(z.unknown()),
  annotation: z.number().nullable(),
  updated_at: z.string(),
});
export type Draft = z.infer<typeof draftSchema>;

// The caller's newest draft of a new annotation on the task, or null.
export async function fetchTaskDraft(taskId: number): Promise<Draft | null> {
  const drafts = await apiJson(`/api/tasks/${taskId}/drafts`, z.array(draftSchema));
  const own = drafts.filter((draft) => draft.annotation === null);
  return own.length > 0 ? own[own.length - 1] : null;
}

export function createDraft(taskId: number, body: { result: ResultItem[]; lead_time: number }): Promise<Draft> {
  return apiJson(`/api/tasks/${taskId}/drafts`, draftSchema, { method: "POST", json: body });
}

export function updateDraft(id: number, body: { result: ResultItem[]; lead_time: number }): Promise<Draft> {
  return apiJson(`/api/drafts/${id}`, draftSchema, { method: "PATCH", json: body });
}
