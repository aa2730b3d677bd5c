// Agreement between a labeling project's annotators and per-annotator
// statistics (src/evals/agreement_store.h defines every figure).
import { z } from "zod";
import { apiJson } from "../../../api/client";

const optionalNumber = z.number().nullable().optional();

const agreementSchema = z.object({
  project: z.number(),
  tasks_with_overlap: z.number(),
  agreement: z.number().nullable(),
  skipped_results: z.number().optional(),
  page: z.number(),
  page_size: z.number(),
  controls: z.array(
    z.object({
      from_name: z.string(),
      type: z.string(),
      tasks: z.number(),
      mean_pair_agreement: optionalNumber,
      fleiss_kappa: optionalNumber,
      krippendorff_alpha: optionalNumber,
      cohen_kappa: optionalNumber,
      annotator_pairs: z.number().optional(),
      span_f1: optionalNumber,
      box_f1: optionalNumber,
      mean_iou: optionalNumber,
    }),
  ),
  tasks: z.array(z.object({ task: z.number(), annotations: z.number(), agreement: z.number().nullable() })),
});
export type ProjectAgreement = z.infer<typeof agreementSchema>;

const annotatorStatsSchema = z.array(
  z.object({
    user: z.number(),
    email: z.string().nullable(),
    tasks: z.number(),
    annotations: z.number(),
    mean_lead_time: z.number().nullable(),
    agreement_with_others: z.number().nullable(),
    agreement_with_ground_truth: z.number().nullable(),
  }),
);
export type AnnotatorStats = z.infer<typeof annotatorStatsSchema>;

export const agreementKey = (projectId: number, page: number) => ["agreement", projectId, page] as const;
export const annotatorStatsKey = (projectId: number) => ["annotator-stats", projectId] as const;

export const agreementPageSize = 25;

export function fetchAgreement(projectId: number, page: number): Promise<ProjectAgreement> {
  return apiJson(`/api/projects/${projectId}/agreement?page=${page}&page_size=${agreementPageSize}`, agreementSchema);
}

// Managers only; annotators get a "forbidden" ApiError.
export function fetchAnnotatorStats(projectId: number): Promise<AnnotatorStats> {
  return apiJson(`/api/projects/${projectId}/annotators/stats`, annotatorStatsSchema);
}
