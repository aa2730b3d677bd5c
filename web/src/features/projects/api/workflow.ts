// A project's task workflow: GET/PUT /api/projects/{id}/workflow
// (src/labeling/lifecycle.h). The server validates a definition and names
// the faulty field (maximum_annotations, states.1, transitions.0.to, ...).
import { z } from "zod";
import { apiJson } from "../../../api/client";

const transitionSchema = z.object({ from: z.string(), on: z.string(), to: z.string() });
export type WorkflowTransition = z.infer<typeof transitionSchema>;

const workflowSchema = z.object({
  review_required: z.boolean(),
  maximum_annotations: z.number().nullable(),
  extra_states: z.array(z.string()),
  states: z.array(z.string()),
  custom_transitions: z.array(transitionSchema),
  transitions: z.array(transitionSchema),
});
export type Workflow = z.infer<typeof workflowSchema>;

// The request body of PUT: the project's own part of the workflow.
export interface WorkflowDefinition {
  review_required: boolean;
  maximum_annotations: number | null;
  states: string[];
  transitions: WorkflowTransition[];
}

// Event names a transition may react to, as the server defines them.
export const taskEvents = [
  "locked",
  "lock_expired",
  "annotated",
  "skipped",
  "completed",
  "uncompleted",
  "annotation_changed",
  "annotations_removed",
  "review_accepted",
  "review_rejected",
  "imported",
] as const;

export function workflowKey(projectId: number) {
  return ["workflow", projectId] as const;
}

export function fetchWorkflow(projectId: number): Promise<Workflow> {
  return apiJson(`/api/projects/${projectId}/workflow`, workflowSchema);
}

export function saveWorkflow(projectId: number, definition: WorkflowDefinition): Promise<Workflow> {
  return apiJson(`/api/projects/${projectId}/workflow`, workflowSchema, { method: "PUT", json: definition });
}
