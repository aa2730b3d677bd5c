// Label config templates from GET /api/templates: the folder the server's
// --templates-dir names (Label Studio's template corpus, for example). The
// list is empty when the server has no such folder.
import { z } from "zod";
import { apiJson } from "../../../api/client";

const templateSchema = z.object({
  id: z.string(),
  title: z.string(),
  group: z.string(),
  config: z.string(),
  sample: z.record(z.string(), z.unknown()).nullable(),
});
export type LabelTemplate = z.infer<typeof templateSchema>;

export const templatesKey = ["templates"] as const;

export function fetchTemplates(): Promise<LabelTemplate[]> {
  return apiJson("/api/templates", z.array(templateSchema));
}
