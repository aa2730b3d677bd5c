import { useQuery } from "@tanstack/react-query";
import { ApiError } from "../../../api/client";
import { fetchCurrentUser } from "../api/session";

export const currentUserKey = ["current-user"] as const;

// The logged-in user, or an ApiError with code "unauthorized" when there is
// no session. A 401 is not retried because it is a result, not a failure.
export function useCurrentUser() {
  return useQuery({
    queryKey: currentUserKey,
    queryFn: fetchCurrentUser,
    retry: (count, error) => !(error instanceof ApiError && error.code === "unauthorized") && count < 2,
    staleTime: 60_000,
  });
}
