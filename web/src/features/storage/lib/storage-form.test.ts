import { describe, expect, it } from "vitest";
import type { Storage } from "../api/storages";
import {
  fieldsFor,
  formProblem,
  initialValues,
  isSecretSet,
  requestFields,
  storageLocation,
  syncSummary,
} from "./storage-form";

const saved: Storage = {
  id: 4,
  type: "s3",
  project: 1,
  title: "Raw tasks",
  description: "",
  status: "completed_with_errors",
  traceback: "broken.json: not a JSON task",
  last_sync: "2026-01-02T03:04:05.000000Z",
  last_sync_count: 1,
  last_sync_job: 9,
  regex_filter: ".*\\.json",
  use_blob_urls: false,
  recursive_scan: false,
  prefix: "batch/",
  presign: false,
  presign_ttl: 15,
  bucket: "tasks",
  aws_access_key_id_is_set: true,
  aws_secret_access_key_is_set: true,
  created_at: "2026-01-01T00:00:00.000000Z",
  updated_at: "2026-01-01T00:00:00.000000Z",
};

describe("fieldsFor", () => {
  it("shows import-only fields on source storages only", () => {
    const source = fieldsFor("s3", "import").map((field) => field.name);
    const target = fieldsFor("s3", "export").map((field) => field.name);
    expect(source).toContain("use_blob_urls");
    expect(source).not.toContain("can_delete_objects");
    expect(target).toContain("can_delete_objects");
    expect(target).not.toContain("regex_filter");
  });

  it("gives local files a path and no prefix", () => {
    const names = fieldsFor("localfiles", "import").map((field) => field.name);
    expect(names).toContain("path");
    expect(names).not.toContain("prefix");
    expect(names).not.toContain("presign");
  });
});

describe("initialValues and requestFields", () => {
  it("starts an edit from the storage with empty credentials", () => {
    const values = initialValues("s3", "import", saved);
    expect(values.bucket).toBe("tasks");
    expect(values.presign).toBe(false);
    expect(values.presign_ttl).toBe("15");
    expect(values.aws_secret_access_key).toBe("");
  });

  it("leaves out empty credentials so stored ones stay", () => {
    const fields = requestFields("s3", "import", initialValues("s3", "import", saved));
    expect(fields).not.toHaveProperty("aws_secret_access_key");
    expect(fields.presign_ttl).toBe(15);
    expect(fields.prefix).toBe("batch/");
  });

  it("sends a typed credential and trims text", () => {
    const values = { ...initialValues("s3", "import"), bucket: " media ", aws_secret_access_key: "s3cr3t" };
    const fields = requestFields("s3", "import", values);
    expect(fields.bucket).toBe("media");
    expect(fields.aws_secret_access_key).toBe("s3cr3t");
    expect(fields.presign).toBe(true);
  });

  it("reports a missing required field and a bad lifetime", () => {
    expect(formProblem("azure", "import", initialValues("azure", "import"))).toBe("Container is required.");
    const values = { ...initialValues("s3", "import"), bucket: "b", presign_ttl: "0" };
    expect(formProblem("s3", "import", values)).toMatch(/from 1 to 10080/);
    expect(formProblem("s3", "import", { ...values, presign_ttl: "60" })).toBeNull();
  });
});

describe("storage summaries", () => {
  it("reads a partial sync as an error with its count", () => {
    const summary = syncSummary(saved, "import");
    expect(summary.tone).toBe("error");
    expect(summary.text).toMatch(/^Synced 1 task on .*; some objects failed$/);
    expect(syncSummary({ ...saved, status: "initialized" }, "export").text).toBe("Not synced yet");
  });

  it("names the location and the stored credentials", () => {
    expect(storageLocation(saved)).toBe("s3://tasks/batch/");
    expect(isSecretSet(saved, "aws_secret_access_key")).toBe(true);
    expect(isSecretSet(saved, "aws_session_token")).toBe(false);
  });
});
