// The caller's organizations and switching the active one, which decides
// whose projects every other request returns.
import { z } from "zod";
import { apiJson } from "../../../api/client";

export const organizationSchema = z.object({ id: z.number(), title: z.string() });
export type Organization = z.infer<typeof organizationSchema>;

export function fetchOrganizations(): Promise<Organization[]> {
  return apiJson("/api/organizations", z.array(organizationSchema));
}

export async function switchOrganization(id: number): Promise<void> {
  await apiJson("/api/current-user", z.object({ active_organization: z.number().nullable() }), {
    method: "PATCH",
    json: { active_organization: id },
  });
}
