// Sending traces and observations to a labeling project:
// POST /api/projects/{id}/tasks/from-traces makes one task per reference,
// and annotations on those tasks come back as scores (source ANNOTATION)
// on the trace or observation.
import { z } from "zod";
import { apiJson } from "../../../api/client";

export interface TraceReferences {
  traceIds: string[];
  observations: Array<{ traceId: string; observationId: string }>;
}

const resultSchema = z.object({ task_count: z.number(), task_ids: z.array(z.number()) });

// At most this many traces and observations per request (the server's limit).
export const maxReferencesPerRequest = 1000;

export function sendToLabeling(labelingProjectId: number, traceProjectId: number, refs: TraceReferences) {
  return apiJson(`/api/projects/${labelingProjectId}/tasks/from-traces`, resultSchema, {
    method: "POST",
    json: {
      trace_project: traceProjectId,
      trace_ids: refs.traceIds,
      observations: refs.observations.map((ref) => ({ trace_id: ref.traceId, observation_id: ref.observationId })),
    },
  });
}
