// Webhooks as /api/webhooks serves them (Label Studio's shape,
// src/integrations/webhooks/routes.cc): settings, the action catalogue, a
// signed test send, the delivery log and secret rotation.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const webhookSchema = z.object({
  id: z.number(),
  organization: z.number(),
  project: z.number().nullable(),
  url: z.string(),
  send_payload: z.boolean(),
  send_for_all_actions: z.boolean(),
  headers: z.record(z.string(), z.string()),
  is_active: z.boolean(),
  actions: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  // Present only in the create and rotate-secret responses.
  secret: z.string().optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export interface WebhookFields {
  url: string;
  send_payload: boolean;
  send_for_all_actions: boolean;
  headers: Record<string, string>;
  is_active: boolean;
  actions: string[];
}

const actionSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  "organization-only": z.boolean().optional(),
});
export type WebhookAction = z.infer<typeof actionSchema>;

export const deliverySchema = z.object({
  id: z.number(),
  webhook: z.number(),
  delivery_id: z.string(),
  action: z.string(),
  attempt: z.number(),
  status_code: z.number().nullable(),
  latency_ms: z.number().nullable(),
  error: z.string().nullable(),
  job_id: z.number().nullable(),
  is_test: z.boolean(),
  created_at: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

const deliveryPageSchema = z.object({
  count: z.number(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(deliverySchema),
});
export type DeliveryPage = z.infer<typeof deliveryPageSchema>;

export const webhooksKey = (projectId: number) => ["webhooks", projectId] as const;
export const deliveriesKey = (webhookId: number, page: number) => ["webhook-deliveries", webhookId, page] as const;

export function fetchWebhookActions(): Promise<WebhookAction[]> {
  return apiJson("/api/webhooks/info", z.record(z.string(), actionSchema)).then((catalogue) => Object.values(catalogue));
}

export function fetchWebhooks(projectId: number): Promise<Webhook[]> {
  return apiJson(`/api/webhooks?project=${projectId}`, z.array(webhookSchema));
}

// Creates a project webhook; the response carries the signing secret, which
// the server shows only this once.
export function createWebhook(projectId: number, fields: WebhookFields): Promise<Webhook> {
  return apiJson("/api/webhooks", webhookSchema, { method: "POST", json: { project: projectId, ...fields } });
}

export function updateWebhook(id: number, fields: Partial<WebhookFields>): Promise<Webhook> {
  return apiJson(`/api/webhooks/${id}`, webhookSchema, { method: "PATCH", json: fields });
}

export function deleteWebhook(id: number): Promise<void> {
  return apiSend(`/api/webhooks/${id}`, { method: "DELETE" });
}

export function rotateWebhookSecret(id: number): Promise<Webhook> {
  return apiJson(`/api/webhooks/${id}/rotate-secret`, webhookSchema, { method: "POST" });
}

// Sends a signed WEBHOOK_TEST event now and returns the logged attempt.
export function testWebhook(id: number): Promise<Delivery> {
  return apiJson(`/api/webhooks/${id}/test`, deliverySchema, { method: "POST" });
}

// Delivery attempts, newest first, 20 per page.
export function fetchDeliveries(id: number, page: number): Promise<DeliveryPage> {
  return apiJson(`/api/webhooks/${id}/deliveries?page=${page}&page_size=20`, deliveryPageSchema);
}
