// LLM connections: OpenAI-compatible chat completions endpoints the judge
// rules call. The API key is sent once and never shown again.
import { useState } from "react";
import { useMutation, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { ErrorState, Loading } from "../../../ui/states";
import { createLlmConnection, deleteLlmConnection, type LlmConnection } from "../api/evaluators";

const emptyForm = { name: "", baseUrl: "", model: "", apiKey: "", timeoutMs: "30000" };

export function ConnectionsSection({
  projectId,
  connections,
}: {
  projectId: number;
  connections: UseQueryResult<LlmConnection[]>;
}) {
  const [form, setForm] = useState(emptyForm);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["llm-connections", projectId] });
  const create = useMutation({
    mutationFn: () =>
      createLlmConnection(projectId, {
        name: form.name.trim(),
        baseUrl: form.baseUrl.trim(),
        model: form.model.trim(),
        apiKey: form.apiKey,
        timeoutMs: Number(form.timeoutMs) || undefined,
      }),
    onSuccess: () => {
      setForm(emptyForm);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteLlmConnection(projectId, id), onSuccess: refresh });
  const field = (key: keyof typeof emptyForm) => ({
    value: form[key],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: event.target.value }),
  });

  return (
    <section className="card stack" aria-label="LLM connections">
      <h3>LLM connections</h3>
      {connections.isPending && <Loading what="connections" />}
      {connections.error && (
        <ErrorState message={describeError(connections.error, "load the connections")} onRetry={() => connections.refetch()} />
      )}
      {connections.data && connections.data.length > 0 && (
        <table className="eval-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Base URL</th>
              <th>Model</th>
              <th>API key</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.data.map((connection) => (
              <tr key={connection.id}>
                <td>{connection.name}</td>
                <td>
                  <code>{connection.baseUrl}</code>
                </td>
                <td>{connection.model}</td>
                <td>
                  <code>{connection.apiKey}</code>
                </td>
                <td>
                  <button type="button" className="danger" onClick={() => remove.mutate(connection.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.error && <p className="form-error">{describeError(remove.error, "delete the connection")}</p>}
      <form
        className="eval-form-row"
        aria-label="New LLM connection"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Name
          <input {...field("name")} required />
        </label>
        <label>
          Base URL
          <input {...field("baseUrl")} placeholder="https://api.openai.com/v1" required />
        </label>
        <label>
          Model
          <input {...field("model")} placeholder="gpt-4o-mini" required />
        </label>
        <label>
          API key
          <input {...field("apiKey")} type="password" autoComplete="off" required />
        </label>
        <label>
          Timeout (ms)
          <input {...field("timeoutMs")} type="number" min={1} max={300000} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Add connection
        </button>
      </form>
      <p className="hint">The judge calls POST {"{base URL}"}/chat/completions. The key is stored encrypted and shown only by its last four characters.</p>
      {create.error && <p className="form-error">{describeError(create.error, "add the connection")}</p>}
    </section>
  );
}
