// The storage form as data: which fields each storage type shows, their
// starting values, the request body they make, and how a storage's status
// reads. No React here, so the rules are unit-tested on their own.
import type { Storage, StorageFields, StorageRole, StorageType } from "../api/storages";

export type FieldKind = "text" | "secret" | "checkbox" | "number";

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  hint?: string;
  // Roles that show the field; both when absent.
  roles?: StorageRole[];
}

export type FormValues = Record<string, string | boolean>;

export const typeTitles: Record<StorageType, string> = {
  s3: "AWS S3 or S3-compatible",
  gcs: "Google Cloud Storage (HMAC key)",
  azure: "Azure Blob Storage",
  localfiles: "Local files",
};

const cloudCommon: FieldSpec[] = [
  { name: "prefix", label: "Prefix", kind: "text", hint: "Only keys that start with it, e.g. tasks/" },
  {
    name: "regex_filter",
    label: "File filter (regular expression)",
    kind: "text",
    hint: "Matched at the start of each key, e.g. .*\\.json",
    roles: ["import"],
  },
  {
    name: "use_blob_urls",
    label: "Treat every object as a media file",
    kind: "checkbox",
    hint: "Off: each object is a task JSON file",
    roles: ["import"],
  },
  { name: "recursive_scan", label: "Scan nested folders", kind: "checkbox", roles: ["import"] },
  {
    name: "presign",
    label: "Presigned URLs for media",
    kind: "checkbox",
    hint: "Off: Tally proxies media",
    roles: ["import"],
  },
  { name: "presign_ttl", label: "Presigned URL lifetime (minutes)", kind: "number", roles: ["import"] },
  {
    name: "can_delete_objects",
    label: "Delete an object when its annotation is deleted",
    kind: "checkbox",
    roles: ["export"],
  },
];

const typeFields: Record<StorageType, FieldSpec[]> = {
  s3: [
    { name: "bucket", label: "Bucket", kind: "text", required: true },
    { name: "region_name", label: "Region", kind: "text", hint: "us-east-1 when empty" },
    { name: "s3_endpoint", label: "Endpoint URL", kind: "text", hint: "For S3-compatible servers; empty for AWS" },
    { name: "aws_access_key_id", label: "Access key ID", kind: "secret" },
    { name: "aws_secret_access_key", label: "Secret access key", kind: "secret" },
    { name: "aws_session_token", label: "Session token", kind: "secret" },
  ],
  gcs: [
    { name: "bucket", label: "Bucket", kind: "text", required: true },
    { name: "gcs_hmac_access_key_id", label: "HMAC access key ID", kind: "secret" },
    { name: "gcs_hmac_secret", label: "HMAC secret", kind: "secret" },
    { name: "gcs_endpoint", label: "Endpoint URL", kind: "text", hint: "https://storage.googleapis.com when empty" },
  ],
  azure: [
    { name: "container", label: "Container", kind: "text", required: true },
    { name: "account_name", label: "Account name", kind: "text", required: true },
    { name: "account_key", label: "Account key", kind: "secret" },
    {
      name: "azure_endpoint",
      label: "Endpoint URL",
      kind: "text",
      hint: "For emulators such as Azurite; empty for Azure",
    },
  ],
  localfiles: [
    {
      name: "path",
      label: "Absolute directory on the server",
      kind: "text",
      required: true,
      hint: "Must lie under TALLY_LOCAL_FILES_ROOT",
    },
  ],
};

export function fieldsFor(type: StorageType, role: StorageRole): FieldSpec[] {
  // Local files have no prefix (the path is the directory) and no presigning.
  const common =
    type === "localfiles"
      ? cloudCommon.filter((field) => !["prefix", "presign", "presign_ttl"].includes(field.name))
      : cloudCommon;
  const all: FieldSpec[] = [{ name: "title", label: "Title", kind: "text" }, ...typeFields[type], ...common];
  return all.filter((field) => !field.roles || field.roles.includes(role));
}

const checkboxDefaults: Record<string, boolean> = {
  use_blob_urls: false,
  recursive_scan: false,
  presign: true,
  can_delete_objects: false,
};

// Starting values: the storage's own for an edit (credentials stay empty,
// because the server never returns them), else the server's defaults.
export function initialValues(type: StorageType, role: StorageRole, storage?: Storage): FormValues {
  const values: FormValues = {};
  const stored = (storage ?? {}) as Record<string, unknown>;
  for (const field of fieldsFor(type, role)) {
    const current = stored[field.name];
    if (field.kind === "checkbox") {
      values[field.name] = typeof current === "boolean" ? current : (checkboxDefaults[field.name] ?? false);
    } else if (field.kind === "secret") {
      values[field.name] = "";
    } else if (field.kind === "number") {
      values[field.name] = typeof current === "number" ? String(current) : "1";
    } else {
      values[field.name] = typeof current === "string" ? current : "";
    }
  }
  return values;
}

// Whether the stored storage has this credential set.
export function isSecretSet(storage: Storage | undefined, name: string): boolean {
  return Boolean(storage && (storage as Record<string, unknown>)[`${name}_is_set`] === true);
}

// Builds the request body. On an edit, an empty credential field is left
// out so the stored value stays; on create it is left out too.
export function requestFields(type: StorageType, role: StorageRole, values: FormValues): StorageFields {
  const fields: StorageFields = {};
  for (const field of fieldsFor(type, role)) {
    const value = values[field.name];
    if (field.kind === "checkbox") fields[field.name] = value === true;
    else if (field.kind === "number") fields[field.name] = Number(value);
    else if (field.kind === "secret") {
      if (typeof value === "string" && value !== "") fields[field.name] = value;
    } else if (typeof value === "string") {
      const trimmed = value.trim();
      // Empty optional text fields are left out, so the server's default applies.
      if (trimmed !== "" || field.name === "prefix" || field.name === "regex_filter") fields[field.name] = trimmed;
    }
  }
  return fields;
}

// The first problem that stops the form from being sent, or null.
export function formProblem(type: StorageType, role: StorageRole, values: FormValues): string | null {
  for (const field of fieldsFor(type, role)) {
    if (field.required && String(values[field.name] ?? "").trim() === "") return `${field.label} is required.`;
    if (field.kind === "number") {
      const minutes = Number(values[field.name]);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080) {
        return `${field.label} must be a whole number of minutes from 1 to 10080 (7 days).`;
      }
    }
  }
  return null;
}

export type Tone = "ok" | "error" | "busy" | "idle";

// Describes a storage's last sync for the list: its text and tone.
export function syncSummary(storage: Storage, role: StorageRole): { text: string; tone: Tone } {
  const count = storage.last_sync_count ?? 0;
  const [singular, plural] = role === "export" ? ["annotation", "annotations"] : ["task", "tasks"];
  const noun = count === 1 ? singular : plural;
  const when = storage.last_sync ? ` on ${new Date(storage.last_sync).toLocaleString()}` : "";
  switch (storage.status) {
    case "initialized":
      return { text: "Not synced yet", tone: "idle" };
    case "queued":
      return { text: "Sync queued", tone: "busy" };
    case "in_progress":
      return { text: "Syncing", tone: "busy" };
    case "completed":
      return { text: `Synced ${count} ${noun}${when}`, tone: "ok" };
    case "completed_with_errors":
      return { text: `Synced ${count} ${noun}${when}; some objects failed`, tone: "error" };
    case "failed":
      return { text: `Sync failed${when}`, tone: "error" };
  }
}

export function isSyncing(storage: Storage): boolean {
  return storage.status === "queued" || storage.status === "in_progress";
}

// URI schemes of cloud objects in task data.
const uriSchemes: Record<StorageType, string> = { s3: "s3", gcs: "gs", azure: "azure-blob", localfiles: "" };

// The bucket, container or directory a storage reads, for its list entry.
export function storageLocation(storage: Storage): string {
  if (storage.type === "localfiles") return storage.path ?? "";
  const place = storage.type === "azure" ? storage.container : storage.bucket;
  return `${uriSchemes[storage.type]}://${place ?? ""}/${storage.prefix ?? ""}`;
}
