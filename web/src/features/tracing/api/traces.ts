// Traces, observations, sessions and model prices from the
// Langfuse-compatible API under /api/public. The UI reaches it with the
// session cookie, naming the project in X-Tally-Project (RequestOptions
// .project). Schemas check the fields the screens read; other fields pass
// through unchecked, because the API carries Langfuse's full objects.
import { z } from "zod";
import { apiJson } from "../../../api/client";
import { scoreSchema } from "./scores";

const nullableString = z.string().nullable().optional();
const nullableNumber = z.number().nullable().optional();

export const traceSchema = z
  .object({
    id: z.string(),
    timestamp: z.string(),
    name: nullableString,
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    sessionId: nullableString,
    release: nullableString,
    version: nullableString,
    userId: nullableString,
    metadata: z.unknown().optional(),
    tags: z.array(z.string()),
    environment: nullableString,
    latency: nullableNumber, // seconds; -1 when the metrics group was not requested
    totalCost: nullableNumber, // USD; -1 likewise
    observations: z.array(z.unknown()),
    scores: z.array(z.unknown()),
  })
  .passthrough();
export type Trace = z.infer<typeof traceSchema>;

const pageMetaSchema = z.object({
  page: z.number(),
  limit: z.number(),
  totalItems: z.number(),
  totalPages: z.number(),
});

export const tracePageSchema = z.object({ data: z.array(traceSchema), meta: pageMetaSchema });
export type TracePage = z.infer<typeof tracePageSchema>;

export const observationSchema = z
  .object({
    id: z.string(),
    traceId: nullableString,
    parentObservationId: nullableString,
    type: z.string(),
    name: nullableString,
    startTime: z.string(),
    endTime: nullableString,
    completionStartTime: nullableString,
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    metadata: z.unknown().optional(),
    level: nullableString,
    statusMessage: nullableString,
    version: nullableString,
    environment: nullableString,
    model: nullableString,
    modelId: nullableString,
    modelParameters: z.unknown().optional(),
    usageDetails: z.record(z.string(), z.number()).nullable().optional(),
    costDetails: z.record(z.string(), z.number()).nullable().optional(),
    usagePricingTierName: nullableString,
    calculatedTotalCost: nullableNumber,
    promptName: nullableString,
    promptVersion: nullableNumber,
    latency: nullableNumber,
    timeToFirstToken: nullableNumber,
  })
  .passthrough();
export type Observation = z.infer<typeof observationSchema>;

export const traceDetailSchema = traceSchema.extend({
  observations: z.array(observationSchema),
  scores: z.array(scoreSchema),
});
export type TraceDetail = z.infer<typeof traceDetailSchema>;

// One page of traces; `query` comes from traceListParams.
export function fetchTracePage(projectId: number, query: URLSearchParams, signal?: AbortSignal): Promise<TracePage> {
  return apiJson(`/api/public/traces?${query}`, tracePageSchema, { project: projectId, signal });
}

export function fetchTrace(projectId: number, traceId: string, signal?: AbortSignal): Promise<TraceDetail> {
  return apiJson(`/api/public/traces/${encodeURIComponent(traceId)}`, traceDetailSchema, { project: projectId, signal });
}

// The number of traces in a project, read from the list's totalItems.
export async function fetchTraceCount(projectId: number, signal?: AbortSignal): Promise<number> {
  const page = await apiJson("/api/public/traces?limit=1&fields=core", tracePageSchema, { project: projectId, signal });
  return page.meta.totalItems;
}

export const sessionSchema = z
  .object({ id: z.string(), createdAt: nullableString, environment: nullableString })
  .passthrough();
export type Session = z.infer<typeof sessionSchema>;

const sessionPageSchema = z.object({ data: z.array(sessionSchema), meta: pageMetaSchema });

export function fetchSessionPage(projectId: number, page: number, limit: number) {
  return apiJson(`/api/public/sessions?page=${page}&limit=${limit}`, sessionPageSchema, { project: projectId });
}

export const sessionDetailSchema = sessionSchema.extend({ traces: z.array(traceSchema) });
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

export function fetchSession(projectId: number, sessionId: string): Promise<SessionDetail> {
  return apiJson(`/api/public/sessions/${encodeURIComponent(sessionId)}`, sessionDetailSchema, { project: projectId });
}

// A model definition with its pricing tiers; prices are USD per unit.
export const modelSchema = z
  .object({
    id: z.string(),
    modelName: z.string(),
    matchPattern: z.string(),
    unit: nullableString,
    isLangfuseManaged: z.boolean(),
    prices: z.record(z.string(), z.object({ price: z.number() }).passthrough()).optional(),
    pricingTiers: z
      .array(
        z
          .object({
            id: z.string().optional(),
            name: z.string(),
            isDefault: z.boolean().optional(),
            prices: z.record(z.string(), z.number()),
          })
          .passthrough(),
      ),
  })
  .passthrough();
export type Model = z.infer<typeof modelSchema>;

export function fetchModel(projectId: number, modelId: string): Promise<Model> {
  return apiJson(`/api/public/models/${encodeURIComponent(modelId)}`, modelSchema, { project: projectId });
}
