// Uploads task files to /api/projects/{id}/import as multipart/form-data.
// XMLHttpRequest rather than fetch because only it reports upload progress.
import { z } from "zod";
import { ApiError, apiJson, codeForStatus, fieldErrorsFrom, readCookie } from "../../../api/client";

export const importSummarySchema = z.object({
  task_count: z.number(),
  annotation_count: z.number(),
  prediction_count: z.number(),
  data_columns: z.array(z.string()).optional(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

// Uploads above this size run as a background job whose progress the dialog
// polls, so a large import never keeps one request open for minutes.
export const asyncImportBytes = 5 * 1024 * 1024;

const jobStartSchema = z.object({ import: z.number() });
const importStatusSchema = z.object({
  status: z.enum(["created", "in_progress", "failed", "completed"]),
  progress: z.number(),
  error: z.string().nullable(),
  task_count: z.number().optional(),
  annotation_count: z.number().optional(),
  prediction_count: z.number().optional(),
});

// Uploads the files as a background import and polls the job until it ends.
// `onProgress` gets the upload fraction, then the job's fraction done.
export async function importTaskFilesInBackground(
  projectId: number,
  files: File[],
  onProgress: (stage: "upload" | "import", fraction: number) => void,
): Promise<ImportSummary> {
  const started = jobStartSchema.parse(
    await postFiles(projectId, files, (fraction) => onProgress("upload", fraction), "?async=true"),
  );
  for (;;) {
    const status = await apiJson(`/api/projects/${projectId}/imports/${started.import}`, importStatusSchema);
    onProgress("import", status.progress / 100);
    if (status.status === "completed") {
      return {
        task_count: status.task_count ?? 0,
        annotation_count: status.annotation_count ?? 0,
        prediction_count: status.prediction_count ?? 0,
      };
    }
    if (status.status === "failed") {
      throw new ApiError("invalid", 400, status.error ?? "The import failed.", { import: [status.error ?? "failed"] });
    }
    await new Promise((done) => setTimeout(done, 500));
  }
}

export async function uploadTaskFiles(projectId: number, files: File[], onProgress: (fraction: number) => void): Promise<ImportSummary> {
  const body = await postFiles(projectId, files, onProgress, "");
  const parsed = importSummarySchema.safeParse(body);
  if (!parsed.success) throw new ApiError("unexpected", 201, "The import response did not have the expected shape.");
  return parsed.data;
}

// Posts the files as multipart/form-data; resolves with the parsed JSON body.
function postFiles(projectId: number, files: File[], onProgress: (fraction: number) => void, query: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", `/api/projects/${projectId}/import${query}`);
    request.setRequestHeader("Accept", "application/json");
    const csrf = readCookie("tally_csrftoken");
    if (csrf) request.setRequestHeader("X-CSRFToken", csrf);
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onerror = () => reject(new ApiError("network", 0, "The server could not be reached."));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) {
        resolve(body);
        return;
      }
      const code = codeForStatus(request.status);
      if (code === "unauthorized") window.dispatchEvent(new Event("tally:unauthorized"));
      const detail = typeof body === "object" && body && "detail" in body ? String((body as { detail: unknown }).detail) : request.statusText;
      reject(new ApiError(code, request.status, detail, fieldErrorsFrom(body)));
    };
    request.send(form);
  });
}
