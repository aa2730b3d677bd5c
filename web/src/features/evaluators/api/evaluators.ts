// LLM connections and LLM-as-a-judge evaluator rules (Tally's own routes
// under /api/evals/{project id}/…, session auth, manager role to write).
// Connection API keys are write-only: reads return "…" and the last four
// characters.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";
import type { VariableMapping } from "../lib/template";

export const llmConnectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  model: z.string(),
  apiKey: z.string(),
  timeoutMs: z.number(),
});
export type LlmConnection = z.infer<typeof llmConnectionSchema>;

export function fetchLlmConnections(projectId: number): Promise<LlmConnection[]> {
  return apiJson(`/api/evals/${projectId}/llm-connections`, z.object({ data: z.array(llmConnectionSchema) })).then(
    (body) => body.data,
  );
}

export interface NewLlmConnection {
  name: string;
  baseUrl: string;
  model: string;
  apiKey: string;
  timeoutMs?: number;
}

export function createLlmConnection(projectId: number, body: NewLlmConnection): Promise<LlmConnection> {
  return apiJson(`/api/evals/${projectId}/llm-connections`, llmConnectionSchema, { method: "POST", json: body });
}

export function deleteLlmConnection(projectId: number, id: string): Promise<void> {
  return apiSend(`/api/evals/${projectId}/llm-connections/${encodeURIComponent(id)}`, { method: "DELETE" });
}

const mappingSchema = z.object({
  variable: z.string(),
  source: z.string(),
  jsonPath: z.string().optional(),
  observationName: z.string().optional(),
});

export const scoreDataTypes = ["NUMERIC", "BOOLEAN", "CATEGORICAL"] as const;

export const evaluatorRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  connectionId: z.string(),
  prompt: z.string(),
  variableMapping: z.array(mappingSchema),
  filter: z.unknown(),
  sampling: z.number(),
  delayMs: z.number(),
  scoreName: z.string(),
  scoreDataType: z.enum(scoreDataTypes),
  scoreCategories: z.array(z.string()),
  status: z.enum(["ACTIVE", "INACTIVE"]),
  createdAt: z.string(),
});
export type EvaluatorRule = z.infer<typeof evaluatorRuleSchema>;

export interface RuleFields {
  name: string;
  connectionId: string;
  prompt: string;
  variableMapping: VariableMapping[];
  filter: unknown[];
  sampling: number;
  delayMs: number;
  scoreName: string;
  scoreDataType: (typeof scoreDataTypes)[number];
  scoreCategories?: string[];
}

export function fetchRules(projectId: number): Promise<EvaluatorRule[]> {
  return apiJson(`/api/evals/${projectId}/evaluators`, z.object({ data: z.array(evaluatorRuleSchema) })).then(
    (body) => body.data,
  );
}

export function createRule(projectId: number, fields: RuleFields): Promise<EvaluatorRule> {
  return apiJson(`/api/evals/${projectId}/evaluators`, evaluatorRuleSchema, { method: "POST", json: fields });
}

export function setRuleStatus(projectId: number, id: string, status: "ACTIVE" | "INACTIVE"): Promise<EvaluatorRule> {
  return apiJson(`/api/evals/${projectId}/evaluators/${encodeURIComponent(id)}`, evaluatorRuleSchema, {
    method: "PATCH",
    json: { status },
  });
}

export function deleteRule(projectId: number, id: string): Promise<void> {
  return apiSend(`/api/evals/${projectId}/evaluators/${encodeURIComponent(id)}`, { method: "DELETE" });
}

const executionSchema = z.object({
  id: z.string(),
  traceId: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  scoreId: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number(),
});
export type EvaluatorExecution = z.infer<typeof executionSchema>;

export function fetchExecutions(projectId: number, ruleId: string): Promise<EvaluatorExecution[]> {
  return apiJson(
    `/api/evals/${projectId}/evaluators/${encodeURIComponent(ruleId)}/executions?limit=20`,
    z.object({ data: z.array(executionSchema) }),
  ).then((body) => body.data);
}

const dryRunSchema = z.object({
  traceId: z.string(),
  variables: z.record(z.string(), z.string()),
  prompt: z.string(),
  verdict: z
    .object({ value: z.number().nullable(), stringValue: z.string().nullable(), reasoning: z.string() })
    .nullable(),
  error: z.string().nullable(),
});
export type DryRunResult = z.infer<typeof dryRunSchema>;

// Judges one trace with the rule as edited, storing nothing.
export function dryRunRule(projectId: number, traceId: string, fields: RuleFields): Promise<DryRunResult> {
  return apiJson(`/api/evals/${projectId}/evaluators/dry-run`, dryRunSchema, {
    method: "POST",
    json: { ...fields, traceId },
  });
}
