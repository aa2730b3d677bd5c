// Uploads task files to /api/projects/{id}/import as multipart/form-data.
// XMLHttpRequest rather than fetch because only it reports upload progress.
import { z } from "zod";
import { ApiError, codeForStatus, fieldErrorsFrom, readCookie } from "../../../api/client";

export const importSummarySchema = z.object({
  task_count: z.number(),
  annotation_count: z.number(),
  prediction_count: z.number(),
  data_columns: z.array(z.string()).optional(),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

export function uploadTaskFiles(projectId: number, files: File[], onProgress: (fraction: number) => void): Promise<ImportSummary> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", `/api/projects/${projectId}/import`);
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
        const parsed = importSummarySchema.safeParse(body);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError("unexpected", request.status, "The import response did not have the expected shape."));
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
