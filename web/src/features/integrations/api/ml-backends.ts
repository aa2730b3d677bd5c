// ML backends of a project as /api/ml serves them (Label Studio's ML
// backend API, src/integrations/ml_backends/routes.cc), the project
// settings that make /next pre-annotate, and the comparison of model
// versions against ground truth.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const mlBackendSchema = z.object({
  id: z.number(),
  project: z.number(),
  url: z.string(),
  title: z.string(),
  description: z.string(),
  state: z.enum(["CO", "DI", "ER", "TR", "PR"]),
  readable_state: z.string(),
  error_message: z.string().nullable(),
  model_version: z.string(),
  is_interactive: z.boolean(),
  auth_method: z.enum(["NONE", "BASIC_AUTH"]),
  basic_auth_user: z.string().nullable(),
  basic_auth_pass_is_set: z.boolean(),
  timeout: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type MlBackend = z.infer<typeof mlBackendSchema>;

export interface MlBackendFields {
  url: string;
  title: string;
  description?: string;
  is_interactive?: boolean;
  auth_method: "NONE" | "BASIC_AUTH";
  basic_auth_user?: string;
  // Sent only when typed; the server never returns it.
  basic_auth_pass?: string;
  timeout?: number;
}

export const mlBackendsKey = (projectId: number) => ["ml-backends", projectId] as const;
export const modelVersionsKey = (projectId: number) => ["model-versions-compare", projectId] as const;
export const preAnnotationKey = (projectId: number) => ["pre-annotation", projectId] as const;

// Lists the project's backends. The server checks each one's health first,
// so the state is current and the call takes as long as the slowest backend.
export function fetchMlBackends(projectId: number): Promise<MlBackend[]> {
  return apiJson(`/api/ml?project=${projectId}`, z.array(mlBackendSchema));
}

// Connects a backend: the server checks its health, then calls /setup.
export function createMlBackend(projectId: number, fields: MlBackendFields): Promise<MlBackend> {
  return apiJson("/api/ml", mlBackendSchema, { method: "POST", json: { project: projectId, ...fields } });
}

export function updateMlBackend(id: number, fields: Partial<MlBackendFields>): Promise<MlBackend> {
  return apiJson(`/api/ml/${id}`, mlBackendSchema, { method: "PATCH", json: fields });
}

export function deleteMlBackend(id: number): Promise<void> {
  return apiSend(`/api/ml/${id}`, { method: "DELETE" });
}

const trainSchema = z.object({ status: z.literal("ok"), response: z.unknown() });

// Asks the backend to train. A backend that refuses or cannot be reached
// makes the server respond 502, which arrives as an ApiError with code
// "server".
export function trainMlBackend(id: number): Promise<z.infer<typeof trainSchema>> {
  return apiJson(`/api/ml/${id}/train`, trainSchema, { method: "POST" });
}

const predictTestSchema = z.object({ task: z.number() }).passthrough();

// Predicts one random task of the project now and stores the prediction.
// Backend failures arrive as an ApiError with code "server" (a 502).
export function predictRandomTask(id: number): Promise<z.infer<typeof predictTestSchema>> {
  return apiJson(`/api/ml/${id}/predict/test?random=true`, predictTestSchema, { method: "POST" });
}

const scoreFields = {
  true_positives: z.number(),
  false_positives: z.number(),
  false_negatives: z.number(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
};

const compareSchema = z.object({
  project: z.number(),
  ground_truth_source: z.enum(["ground_truth", "latest_annotation"]),
  tasks_with_ground_truth: z.number(),
  model_versions: z.array(
    z.object({
      model_version: z.string(),
      tasks_evaluated: z.number(),
      micro: z.object(scoreFields),
      labels: z.array(z.object({ ...scoreFields, control: z.string(), type: z.string(), label: z.string() })),
    }),
  ),
});
export type ModelVersionComparison = z.infer<typeof compareSchema>;

export function fetchModelVersionComparison(projectId: number): Promise<ModelVersionComparison> {
  return apiJson(`/api/projects/${projectId}/model-versions/compare`, compareSchema);
}

// The two project settings /next reads before asking a backend to
// pre-annotate the task it hands out. A project that never set them has
// the server's defaults: off and on.
const preAnnotationSchema = z.object({
  evaluate_predictions_automatically: z.boolean().optional(),
  show_collab_predictions: z.boolean().optional(),
});
export interface PreAnnotationSettings {
  evaluate_predictions_automatically: boolean;
  show_collab_predictions: boolean;
}

function withDefaults(settings: z.infer<typeof preAnnotationSchema>): PreAnnotationSettings {
  return {
    evaluate_predictions_automatically: settings.evaluate_predictions_automatically ?? false,
    show_collab_predictions: settings.show_collab_predictions ?? true,
  };
}

export async function fetchPreAnnotation(projectId: number): Promise<PreAnnotationSettings> {
  return withDefaults(await apiJson(`/api/projects/${projectId}`, preAnnotationSchema));
}

export async function updatePreAnnotation(
  projectId: number,
  settings: PreAnnotationSettings,
): Promise<PreAnnotationSettings> {
  return withDefaults(await apiJson(`/api/projects/${projectId}`, preAnnotationSchema, { method: "PATCH", json: settings }));
}
