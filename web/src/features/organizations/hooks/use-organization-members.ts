import { useQuery } from "@tanstack/react-query";
import { useCurrentUser } from "../../auth/hooks/use-current-user";
import { fetchMembers } from "../api/organizations";

// The members of the signed-in user's active organization, which every
// member may read. Pages use it to show people by name in place of user ids.
// NOTE: only the first 1000 members are read.
export function useOrganizationMembers() {
  const organization = useCurrentUser().data?.active_organization ?? null;
  return useQuery({
    queryKey: ["members", organization],
    queryFn: () => fetchMembers(organization!),
    enabled: organization !== null,
    retry: false,
    staleTime: 60_000,
  });
}
