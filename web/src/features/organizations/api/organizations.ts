// The caller's organizations and switching the active one, which decides
// whose projects every other request returns.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

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

export const roles = ["owner", "admin", "manager", "reviewer", "annotator"] as const;
export type Role = (typeof roles)[number];

export const membershipSchema = z.object({
  user: z.object({
    id: z.number(),
    email: z.string(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  }),
  role: z.enum(roles),
  created_at: z.string(),
});
export type Membership = z.infer<typeof membershipSchema>;

export function fetchMembers(organizationId: number): Promise<{ count: number; results: Membership[] }> {
  return apiJson(
    `/api/organizations/${organizationId}/memberships?page_size=1000`,
    z.object({ count: z.number(), results: z.array(membershipSchema) }),
  );
}

// Creates a user with a password in the active organization, with a role.
export async function addMember(body: { email: string; password: string; role: Role }): Promise<void> {
  await apiJson("/api/users", z.object({ id: z.number() }), { method: "POST", json: body });
}

export async function changeRole(organizationId: number, userId: number, role: Role): Promise<void> {
  await apiJson(`/api/organizations/${organizationId}/memberships/${userId}`, z.object({}).passthrough(), {
    method: "PATCH",
    json: { role },
  });
}

export function removeMember(organizationId: number, userId: number): Promise<void> {
  return apiSend(`/api/organizations/${organizationId}/memberships/${userId}`, { method: "DELETE" });
}
