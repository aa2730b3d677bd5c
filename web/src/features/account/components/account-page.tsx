// Account: who is signed in, the API token for scripts and SDKs, and the
// key pairs the Langfuse SDKs use per project.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { useCurrentUser } from "../../auth/hooks/use-current-user";
import { fetchProjects } from "../../projects/api/projects";
import { projectsKey } from "../../projects/api/query-keys";
import { createKeyPair, deleteKeyPair, fetchKeyPairs, fetchTokenHint, resetToken, type KeyPair } from "../api/account";

function SecretOnce({ label, value }: { label: string; value: string }) {
  return (
    <div className="secret-once" role="status">
      <p>
        {label} — copy it now; it is not shown again.
      </p>
      <code className="secret" data-testid="secret-value">
        {value}
      </code>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(value)}>
        Copy
      </button>
    </div>
  );
}

function TokenSection() {
  const hint = useQuery({ queryKey: ["token-hint"], queryFn: fetchTokenHint });
  const [fresh, setFresh] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const reset = useMutation({
    mutationFn: resetToken,
    onSuccess: (answer) => {
      setFresh(answer.token);
      void queryClient.invalidateQueries({ queryKey: ["token-hint"] });
    },
  });
  return (
    <section className="card stack" aria-labelledby="token-title">
      <h2 id="token-title">API token</h2>
      <p className="muted">
        Scripts and the Label Studio SDK send it as <code>Authorization: Token …</code>.
      </p>
      {hint.isPending && <Loading what="the token" />}
      {hint.error && <ErrorState message={describeError(hint.error, "load the token")} onRetry={() => hint.refetch()} />}
      {hint.data && <p>Current token: {hint.data.token_hint ? <code>{hint.data.token_hint}</code> : "none yet"}</p>}
      {fresh && <SecretOnce label="Your new token" value={fresh} />}
      {reset.error && (
        <p className="form-error" role="alert">
          {describeError(reset.error, "create a new token")}
        </p>
      )}
      <div>
        <button type="button" onClick={() => reset.mutate()} disabled={reset.isPending}>
          {hint.data?.token_hint ? "Replace token" : "Create token"}
        </button>
        {hint.data?.token_hint && <span className="hint"> Replacing it stops the old token at once.</span>}
      </div>
    </section>
  );
}

function KeyPairsSection() {
  const projects = useQuery({ queryKey: projectsKey, queryFn: fetchProjects });
  const [projectId, setProjectId] = useState<number | null>(null);
  const chosen = projectId ?? projects.data?.results[0]?.id ?? null;
  const keys = useQuery({
    queryKey: ["key-pairs", chosen],
    queryFn: () => fetchKeyPairs(chosen!),
    enabled: chosen !== null,
  });
  const [created, setCreated] = useState<KeyPair | null>(null);
  const [note, setNote] = useState("");
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => createKeyPair(chosen!, note),
    onSuccess: (pair) => {
      setCreated(pair);
      setNote("");
      void queryClient.invalidateQueries({ queryKey: ["key-pairs", chosen] });
    },
  });
  const remove = useMutation({
    mutationFn: (keyId: string) => deleteKeyPair(chosen!, keyId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["key-pairs", chosen] }),
  });

  return (
    <section className="card stack" aria-labelledby="keys-title">
      <h2 id="keys-title">Project key pairs</h2>
      <p className="muted">
        The Langfuse SDKs authenticate with a project's public and secret key. Managers of a project can create and
        delete them.
      </p>
      {projects.isPending && <Loading what="projects" />}
      {projects.error && <ErrorState message={describeError(projects.error, "load the projects")} />}
      {projects.data && projects.data.results.length === 0 && <p>Create a project first.</p>}
      {projects.data && projects.data.results.length > 0 && (
        <>
          <label>
            Project
            <select value={chosen ?? ""} onChange={(e) => { setProjectId(Number(e.target.value)); setCreated(null); }}>
              {projects.data.results.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.title}
                </option>
              ))}
            </select>
          </label>
          {keys.isPending && <Loading what="key pairs" />}
          {keys.error && <ErrorState message={describeError(keys.error, "load the key pairs")} onRetry={() => keys.refetch()} />}
          {keys.data && (
            <table className="simple-table">
              <thead>
                <tr>
                  <th>Public key</th>
                  <th>Secret key</th>
                  <th>Note</th>
                  <th>Created</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      No key pairs yet.
                    </td>
                  </tr>
                )}
                {keys.data.map((pair) => (
                  <tr key={pair.id}>
                    <td>
                      <code>{pair.publicKey}</code>
                    </td>
                    <td>
                      <code>{pair.displaySecretKey}</code>
                    </td>
                    <td>{pair.note}</td>
                    <td>{new Date(pair.createdAt).toLocaleDateString()}</td>
                    <td>
                      <button type="button" className="danger" onClick={() => remove.mutate(pair.id)} aria-label={`Delete key ${pair.publicKey}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {created?.secretKey && <SecretOnce label={`Secret key for ${created.publicKey}`} value={created.secretKey} />}
          {(create.error || remove.error) && (
            <p className="form-error" role="alert">
              {describeError(create.error ?? remove.error, create.error ? "create the key pair" : "delete the key pair")}
            </p>
          )}
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              create.mutate();
            }}
          >
            <label>
              Note
              <input value={note} onChange={(e) => setNote(e.target.value)} placeholder="What uses this key" />
            </label>
            <button type="submit" disabled={create.isPending || chosen === null}>
              Create key pair
            </button>
          </form>
        </>
      )}
    </section>
  );
}

export function AccountPage() {
  const user = useCurrentUser();
  return (
    <section className="page stack">
      <header className="page-header">
        <h1>Account</h1>
      </header>
      {user.data && (
        <section className="card">
          <h2>Profile</h2>
          <p>
            Signed in as <strong>{user.data.email}</strong>
            {user.data.org_membership?.[0] && <> · role {user.data.org_membership[0].role}</>}
          </p>
        </section>
      )}
      <TokenSection />
      <KeyPairsSection />
    </section>
  );
}
