// Source and target storages as /api/storages and /api/storages/export
// serve them (Label Studio's shape, src/integrations/storages/routes.cc),
// and the sync job's progress from /api/jobs/{id}.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const storageTypes = ["s3", "gcs", "azure", "localfiles"] as const;
export type StorageType = (typeof storageTypes)[number];
// Source storages create tasks; target storages receive annotations.
export type StorageRole = "import" | "export";

export const storageStatuses = [
  "initialized",
  "queued",
  "in_progress",
  "failed",
  "completed",
  "completed_with_errors",
] as const;

// Credential fields come back as null beside `<field>_is_set`, so the
// schema keeps only the flags; unknown type-specific keys are dropped.
export const storageSchema = z.object({
  id: z.number(),
  type: z.enum(storageTypes),
  project: z.number(),
  title: z.string(),
  description: z.string(),
  status: z.enum(storageStatuses),
  traceback: z.string().nullable(),
  last_sync: z.string().nullable(),
  last_sync_count: z.number().nullable(),
  last_sync_job: z.number().nullable(),
  regex_filter: z.string().nullable(),
  use_blob_urls: z.boolean(),
  recursive_scan: z.boolean(),
  prefix: z.string().optional(),
  presign: z.boolean().optional(),
  presign_ttl: z.number().optional(),
  can_delete_objects: z.boolean().optional(),
  bucket: z.string().optional(),
  container: z.string().optional(),
  path: z.string().optional(),
  s3_endpoint: z.string().optional(),
  region_name: z.string().optional(),
  gcs_endpoint: z.string().optional(),
  account_name: z.string().optional(),
  azure_endpoint: z.string().optional(),
  aws_access_key_id_is_set: z.boolean().optional(),
  aws_secret_access_key_is_set: z.boolean().optional(),
  gcs_hmac_access_key_id_is_set: z.boolean().optional(),
  gcs_hmac_secret_is_set: z.boolean().optional(),
  account_key_is_set: z.boolean().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Storage = z.infer<typeof storageSchema>;

const jobSchema = z.object({
  id: z.number(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  progress: z.number(),
  error: z.string().nullable(),
});
export type SyncJob = z.infer<typeof jobSchema>;

// Fields sent on create, change and validate: plain values and credentials.
export type StorageFields = Record<string, string | number | boolean>;

function base(role: StorageRole): string {
  return role === "export" ? "/api/storages/export" : "/api/storages";
}

export const storagesKey = (projectId: number, role: StorageRole) => ["storages", projectId, role] as const;
export const syncJobKey = (jobId: number) => ["storage-sync-job", jobId] as const;

export function fetchStorages(projectId: number, role: StorageRole): Promise<Storage[]> {
  return apiJson(`${base(role)}?project=${projectId}`, z.array(storageSchema));
}

// Adds a storage. A target storage starts exporting every annotation at once.
export function createStorage(
  projectId: number,
  role: StorageRole,
  type: StorageType,
  fields: StorageFields,
): Promise<Storage> {
  return apiJson(`${base(role)}/${type}`, storageSchema, { method: "POST", json: { ...fields, project: projectId } });
}

// Changes a storage; credentials left out keep their stored values.
export function updateStorage(role: StorageRole, storage: Storage, fields: StorageFields): Promise<Storage> {
  return apiJson(`${base(role)}/${storage.type}/${storage.id}`, storageSchema, { method: "PATCH", json: fields });
}

export function deleteStorage(role: StorageRole, storage: Storage): Promise<void> {
  return apiSend(`${base(role)}/${storage.type}/${storage.id}`, { method: "DELETE" });
}

// Connects with these fields (on top of a saved storage when `storageId`
// is given) and lists one page; resolves when the connection works.
export function validateStorage(
  projectId: number,
  role: StorageRole,
  type: StorageType,
  fields: StorageFields,
  storageId?: number,
): Promise<void> {
  const body = storageId === undefined ? { ...fields, project: projectId } : { ...fields, id: storageId };
  return apiSend(`${base(role)}/${type}/validate`, { method: "POST", json: body });
}

// Queues a sync; the returned storage names its job in last_sync_job.
export function syncStorage(role: StorageRole, storage: Storage): Promise<Storage> {
  return apiJson(`${base(role)}/${storage.type}/${storage.id}/sync`, storageSchema, { method: "POST", json: {} });
}

export function fetchSyncJob(jobId: number): Promise<SyncJob> {
  return apiJson(`/api/jobs/${jobId}`, jobSchema);
}
