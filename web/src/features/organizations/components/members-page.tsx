// Members of the active organization: their roles, and for owners and
// admins adding people, changing roles and removing members. The server
// enforces who may do what; a refused change shows its reason here.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { useCurrentUser } from "../../auth/hooks/use-current-user";
import { addMember, changeRole, fetchMembers, removeMember, roles, type Role } from "../api/organizations";

export function MembersPage() {
  const user = useCurrentUser();
  const organizationId = user.data?.active_organization ?? null;
  const members = useQuery({
    queryKey: ["members", organizationId],
    queryFn: () => fetchMembers(organizationId!),
    enabled: organizationId !== null,
  });
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["members", organizationId] });
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("annotator");

  const add = useMutation({
    mutationFn: () => addMember({ email, password, role }),
    onSuccess: () => {
      setEmail("");
      setPassword("");
      setError(null);
      void refresh();
    },
    onError: (caught) => setError(describeError(caught, "add the member")),
  });
  const update = useMutation({
    mutationFn: (change: { userId: number; role: Role }) => changeRole(organizationId!, change.userId, change.role),
    onSuccess: () => {
      setError(null);
      void refresh();
    },
    onError: (caught) => setError(describeError(caught, "change the role")),
  });
  const remove = useMutation({
    mutationFn: (userId: number) => removeMember(organizationId!, userId),
    onSuccess: () => {
      setError(null);
      void refresh();
    },
    onError: (caught) => setError(describeError(caught, "remove the member")),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <section className="page stack">
      <header className="page-header">
        <h1>Members</h1>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section className="card">
        {members.isPending && <Loading what="members" />}
        {members.error && <ErrorState message={describeError(members.error, "load the members")} onRetry={() => members.refetch()} />}
        {members.data && (
          <table className="simple-table" aria-label="Members">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Member since</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.results.map((member) => (
                <tr key={member.user.id}>
                  <td>{member.user.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${member.user.email}`}
                      value={member.role}
                      onChange={(e) => update.mutate({ userId: member.user.id, role: e.target.value as Role })}
                    >
                      {roles.map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{new Date(member.created_at).toLocaleDateString()}</td>
                  <td>
                    {member.user.id !== user.data?.id && (
                      <button type="button" className="danger" aria-label={`Remove ${member.user.email}`} onClick={() => remove.mutate(member.user.id)}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form className="card stack" onSubmit={submit} aria-labelledby="add-member-title">
        <h2 id="add-member-title">Add a member</h2>
        <p className="muted">Creates an account with this password; tell the person to change it after logging in.</p>
        <div className="inline-form">
          <label>
            Email
            <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            Password
            <input type="password" required minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={add.isPending}>
            Add
          </button>
        </div>
      </form>
    </section>
  );
}
