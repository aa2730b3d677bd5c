// Prompt management through the Langfuse-compatible prompts API
// (/api/public/v2/prompts, reached with the session and X-Tally-Project) and
// Tally's own per-version metrics and audit (/api/prompts/{project id}/…).
import { z } from "zod";
import { apiJson } from "../../../api/client";

export const chatMessageSchema = z.union([
  z.object({ type: z.literal("placeholder"), name: z.string() }).passthrough(),
  z.object({ role: z.string(), content: z.unknown() }).passthrough(),
]);
export type PromptChatMessage = z.infer<typeof chatMessageSchema>;

export const promptVersionSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  type: z.enum(["text", "chat"]),
  prompt: z.union([z.string(), z.array(chatMessageSchema)]),
  config: z.unknown(),
  labels: z.array(z.string()),
  tags: z.array(z.string()),
  commitMessage: z.string().nullable().optional(),
  createdAt: z.string().optional(),
  createdBy: z.string().optional(),
});
export type PromptVersion = z.infer<typeof promptVersionSchema>;

const pageMetaSchema = z.object({
  page: z.number(),
  limit: z.number(),
  totalItems: z.number(),
  totalPages: z.number(),
});

export const promptSummarySchema = z.object({
  name: z.string(),
  type: z.enum(["text", "chat"]),
  versions: z.array(z.number()),
  labels: z.array(z.string()),
  tags: z.array(z.string()),
  lastUpdatedAt: z.string(),
});
export type PromptSummary = z.infer<typeof promptSummarySchema>;

const promptListSchema = z.object({ data: z.array(promptSummarySchema), meta: pageMetaSchema });
export type PromptList = z.infer<typeof promptListSchema>;

export interface PromptListFilter {
  name?: string;
  label?: string;
  tag?: string;
  page: number;
  limit: number;
}

// Names are one path segment with their slashes encoded, as the SDKs send them.
function promptPath(name: string): string {
  return `/api/public/v2/prompts/${encodeURIComponent(name)}`;
}

export function fetchPromptList(projectId: number, filter: PromptListFilter): Promise<PromptList> {
  const query = new URLSearchParams({ page: String(filter.page), limit: String(filter.limit) });
  if (filter.name) query.set("name", filter.name);
  if (filter.label) query.set("label", filter.label);
  if (filter.tag) query.set("tag", filter.tag);
  return apiJson(`/api/public/v2/prompts?${query}`, promptListSchema, { project: projectId });
}

// The prefix of every query of one name's versions, so a label move can
// reload them all.
export function promptVersionsKey(projectId: number, name: string) {
  return ["prompt-versions", projectId, name] as const;
}

const versionListSchema = z.object({ name: z.string(), data: z.array(promptVersionSchema), meta: pageMetaSchema });

// A name's versions as stored (embedded-prompt tags unresolved, so diffs and
// the editor show what the author wrote), newest first, one page of them.
export function fetchPromptVersions(projectId: number, name: string, limit: number): Promise<PromptVersion[]> {
  const query = new URLSearchParams({ name, limit: String(limit) });
  return apiJson(`/api/prompts/${projectId}/versions?${query}`, versionListSchema).then((body) => body.data);
}

// Moves each label onto `version`; the server takes it off the version that had it.
export function addLabels(projectId: number, name: string, version: number, newLabels: string[]): Promise<PromptVersion> {
  return apiJson(`${promptPath(name)}/versions/${version}`, promptVersionSchema, {
    method: "PATCH",
    json: { newLabels },
    project: projectId,
  });
}

export interface NewPromptVersion {
  name: string;
  type: "text" | "chat";
  prompt: string | unknown[];
  labels: string[];
  commitMessage?: string;
  config?: unknown;
}

export function createPromptVersion(projectId: number, body: NewPromptVersion): Promise<PromptVersion> {
  return apiJson("/api/public/v2/prompts", promptVersionSchema, { method: "POST", json: body, project: projectId });
}

const versionMetricsSchema = z.object({
  version: z.number(),
  promptId: z.string(),
  labels: z.array(z.string()),
  createdAt: z.string(),
  generationCount: z.number(),
  latency: z.object({ median: z.number().nullable(), p95: z.number().nullable() }),
  tokens: z.object({ input: z.number(), output: z.number(), total: z.number() }),
  totalCost: z.number(),
  scores: z.array(z.object({ name: z.string(), mean: z.number(), count: z.number() })),
});
export type VersionMetrics = z.infer<typeof versionMetricsSchema>;

const metricsListSchema = z.object({ name: z.string(), versions: z.array(versionMetricsSchema) });

export function fetchPromptMetrics(projectId: number, name: string): Promise<VersionMetrics[]> {
  const query = new URLSearchParams({ name });
  return apiJson(`/api/prompts/${projectId}/metrics?${query}`, metricsListSchema).then((body) => body.versions);
}

const auditEntrySchema = z.object({
  id: z.number(),
  version: z.number(),
  action: z.enum(["create_version", "add_label", "remove_label", "delete_version"]),
  label: z.string().nullable(),
  actor: z.object({ kind: z.enum(["user", "api_key"]), id: z.string() }),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const auditListSchema = z.object({ data: z.array(auditEntrySchema), meta: pageMetaSchema });

// NOTE: the first 100 entries only (oldest first), so a name with a longer
// history shows no entries for its newest versions.
export function fetchPromptAudit(projectId: number, name: string): Promise<AuditEntry[]> {
  const query = new URLSearchParams({ name, limit: "100" });
  return apiJson(`/api/prompts/${projectId}/audit?${query}`, auditListSchema).then((body) => body.data);
}

const metricsComparisonSchema = z.object({
  name: z.string(),
  left: versionMetricsSchema,
  right: versionMetricsSchema,
  difference: z.object({
    generationCount: z.number(),
    latencyMedian: z.number().nullable(),
    latencyP95: z.number().nullable(),
    totalTokens: z.number(),
    totalCost: z.number(),
    scores: z.array(
      z.object({ name: z.string(), left: z.number().nullable(), right: z.number().nullable(), difference: z.number().nullable() }),
    ),
  }),
});
export type MetricsComparison = z.infer<typeof metricsComparisonSchema>;

// Two versions' metrics and right minus left, as the server computes them.
export function fetchMetricsComparison(projectId: number, name: string, left: number, right: number): Promise<MetricsComparison> {
  const query = new URLSearchParams({ name, left: String(left), right: String(right) });
  return apiJson(`/api/prompts/${projectId}/metrics/compare?${query}`, metricsComparisonSchema);
}
