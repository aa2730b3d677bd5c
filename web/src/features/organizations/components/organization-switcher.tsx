// Shows the active organization and, for members of several, switches it.
// Switching drops every cached response, because each belongs to the
// organization that was active when it was fetched.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { fetchOrganizations, switchOrganization } from "../api/organizations";

export function OrganizationSwitcher({ activeId }: { activeId: number | null }) {
  const organizations = useQuery({ queryKey: ["organizations"], queryFn: fetchOrganizations, staleTime: 60_000 });
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const list = organizations.data ?? [];
  if (list.length === 0) return null;
  if (list.length === 1) return <span className="organization-name">{list[0].title}</span>;

  async function choose(id: number) {
    setError(null);
    try {
      await switchOrganization(id);
      queryClient.clear();
      navigate("/projects");
    } catch (caught) {
      setError(describeError(caught, "switch the organization"));
    }
  }

  return (
    <span className="organization-switcher">
      <select aria-label="Organization" value={activeId ?? ""} onChange={(e) => void choose(Number(e.target.value))}>
        {list.map((organization) => (
          <option key={organization.id} value={organization.id}>
            {organization.title}
          </option>
        ))}
      </select>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
