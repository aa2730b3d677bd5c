// Data Manager views (saved tabs with filters and ordering) and actions on
// selected tasks, as /api/dm/views and /api/dm/actions serve them.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";
import type { FilterGroup } from "../lib/filters";

const filterItemSchema = z.object({
  filter: z.string(),
  operator: z.string(),
  type: z.enum(["Number", "String", "Boolean", "Datetime"]),
  value: z.unknown(),
});

export const viewSchema = z.object({
  id: z.number(),
  data: z
    .object({
      title: z.string().optional(),
      filters: z.object({ conjunction: z.enum(["and", "or"]), items: z.array(filterItemSchema) }).nullable().optional(),
      ordering: z.array(z.string()).nullable().optional(),
    })
    .passthrough(),
});
export type View = z.infer<typeof viewSchema>;

export interface ViewData {
  title: string;
  filters: FilterGroup;
  ordering: string[];
}

export function fetchViews(projectId: number): Promise<View[]> {
  return apiJson(`/api/dm/views?project=${projectId}`, z.array(viewSchema));
}

export function createView(projectId: number, data: ViewData): Promise<View> {
  return apiJson("/api/dm/views", viewSchema, { method: "POST", json: { project: projectId, data } });
}

export function updateView(projectId: number, id: number, data: ViewData): Promise<View> {
  return apiJson(`/api/dm/views/${id}`, viewSchema, { method: "PATCH", json: { project: projectId, data } });
}

export function deleteView(id: number): Promise<void> {
  return apiSend(`/api/dm/views/${id}`, { method: "DELETE" });
}

const actionResultSchema = z.object({ processed_items: z.number().optional(), detail: z.string().optional() });

// Tasks an action applies to: the ticked ones, or every task the view or
// query matches except the unticked ones.
export type Selection = { all: false; included: number[] } | { all: true; excluded: number[] };

// Runs a Data Manager action (delete_tasks, delete_tasks_annotations, …) on
// the selection. With `all`, the server applies the view's filters (or the
// query's) to find the tasks.
export function runAction(
  projectId: number,
  action: string,
  selection: Selection,
  scope: { view?: number; query?: Record<string, unknown> },
) {
  const params = new URLSearchParams({ id: action, project: String(projectId) });
  if (scope.view !== undefined) params.set("view", String(scope.view));
  return apiJson(`/api/dm/actions?${params}`, actionResultSchema, {
    method: "POST",
    json: { selectedItems: selection, ...(scope.query ?? {}) },
  });
}

export const actionSchema = z.object({
  id: z.string(),
  title: z.string(),
  dialog: z.object({ title: z.string(), text: z.string() }).partial().nullable().optional(),
});
export type Action = z.infer<typeof actionSchema>;

export function fetchActions(projectId: number): Promise<Action[]> {
  return apiJson(`/api/dm/actions?project=${projectId}`, z.array(actionSchema));
}
