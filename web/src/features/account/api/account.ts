// The caller's API token and the Langfuse key pairs of a project. Secrets
// are shown once, in the response that creates them, and never stored here.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export function fetchTokenHint(): Promise<{ token_hint: string | null }> {
  return apiJson("/api/current-user/token", z.object({ token_hint: z.string().nullable() }));
}

export function resetToken(): Promise<{ token: string }> {
  return apiJson("/api/current-user/reset-token", z.object({ token: z.string() }), { method: "POST" });
}

export const keyPairSchema = z.object({
  id: z.string(),
  publicKey: z.string(),
  secretKey: z.string().optional(),
  displaySecretKey: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type KeyPair = z.infer<typeof keyPairSchema>;

export function fetchKeyPairs(projectId: number): Promise<KeyPair[]> {
  return apiJson(`/api/projects/${projectId}/api-keys`, z.array(keyPairSchema));
}

export function createKeyPair(projectId: number, note: string): Promise<KeyPair> {
  return apiJson(`/api/projects/${projectId}/api-keys`, keyPairSchema, { method: "POST", json: { note } });
}

export function deleteKeyPair(projectId: number, keyId: string): Promise<void> {
  return apiSend(`/api/projects/${projectId}/api-keys/${encodeURIComponent(keyId)}`, { method: "DELETE" });
}
