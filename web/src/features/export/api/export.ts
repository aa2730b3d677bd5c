// Export formats of a project and the download address of an export.
// The server streams the file, so the browser downloads it with a plain
// link (the session cookie authenticates it) and never keeps it in memory.
import { z } from "zod";
import { apiJson } from "../../../api/client";

export const exportFormatSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()).optional(),
  disabled: z.boolean().optional(),
});
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export function fetchExportFormats(projectId: number): Promise<ExportFormat[]> {
  return apiJson(`/api/projects/${projectId}/export/formats`, z.array(exportFormatSchema));
}

// The export's address: `allTasks` includes tasks without annotations.
export function exportUrl(projectId: number, format: string, allTasks: boolean): string {
  const params = new URLSearchParams({ exportType: format, download_all_tasks: String(allTasks) });
  return `/api/projects/${projectId}/export?${params}`;
}
