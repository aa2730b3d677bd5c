// Session endpoints. /api/auth/login sets the tally_session (HttpOnly) and
// tally_csrftoken cookies, /api/auth/logout clears them, and whoami returns
// the user the session belongs to.
import { z } from "zod";
import { apiJson, apiSend } from "../../../api/client";

export const currentUserSchema = z.object({
  id: z.number(),
  email: z.string(),
  username: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  active_organization: z.number().nullable(),
  org_membership: z.array(z.object({ organization_id: z.number(), role: z.string() })).optional(),
});
export type CurrentUser = z.infer<typeof currentUserSchema>;

export function fetchCurrentUser(): Promise<CurrentUser> {
  return apiJson("/api/current-user/whoami", currentUserSchema);
}

export async function logIn(email: string, password: string): Promise<void> {
  await apiJson("/api/auth/login", z.object({ user: z.object({ id: z.number() }) }), {
    method: "POST",
    json: { email, password },
  });
}

export function logOut(): Promise<void> {
  return apiSend("/api/auth/logout", { method: "POST" });
}
