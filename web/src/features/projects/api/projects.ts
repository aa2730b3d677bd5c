// Projects as /api/projects returns them (Label Studio's shape), trimmed to
// the fields the UI reads; unknown fields pass through unchecked.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const projectSchema = z.object({
  id: z.number(),
  title: z.string(),
  description: z.string(),
  label_config: z.string(),
  color: z.string().nullable().optional(),
  show_skip_button: z.boolean(),
  task_number: z.number(),
  finished_task_number: z.number(),
  total_annotations_number: z.number(),
  skipped_annotations_number: z.number(),
  total_predictions_number: z.number(),
  created_at: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

const projectPageSchema = z.object({ count: z.number(), results: z.array(projectSchema) });

export function fetchProjects(): Promise<z.infer<typeof projectPageSchema>> {
  return apiJson("/api/projects?page_size=100", projectPageSchema);
}

export function fetchProject(id: number): Promise<Project> {
  return apiJson(`/api/projects/${id}`, projectSchema);
}

export interface ProjectFields {
  title: string;
  description: string;
  label_config: string;
}

export function createProject(fields: ProjectFields): Promise<Project> {
  return apiJson("/api/projects", projectSchema, { method: "POST", json: fields });
}

export function updateProject(id: number, fields: Partial<ProjectFields>): Promise<Project> {
  return apiJson(`/api/projects/${id}`, projectSchema, { method: "PATCH", json: fields });
}

export function deleteProject(id: number): Promise<void> {
  return apiSend(`/api/projects/${id}`, { method: "DELETE" });
}

// Checks a label config without saving it: resolves when valid, rejects with
// an ApiError whose fieldErrors.label_config lists "line:column: message".
export function validateLabelConfig(labelConfig: string): Promise<void> {
  return apiSend("/api/projects/validate", { method: "POST", json: { label_config: labelConfig } });
}
