// One prompt version as stored, with its labels and a form that moves a
// label onto it (the server takes the label off the version that had it).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { addLabels, fetchPromptAudit, promptVersionsKey, type AuditEntry, type PromptVersion } from "../api/prompts";
import { promptNeeds } from "../lib/variables";

// Label names as the prompts API accepts them; "latest" follows the newest
// version and cannot be moved by hand.
const labelPattern = /^[a-z0-9_\-.]{1,36}$/;

export function PromptBody({ prompt }: { prompt: PromptVersion["prompt"] }) {
  if (typeof prompt === "string") return <pre className="prompt-text">{prompt}</pre>;
  return (
    <ol className="prompt-messages">
      {prompt.map((message, index) => (
        <li key={index} className="prompt-message">
          {"type" in message && message.type === "placeholder" ? (
            <span className="prompt-role">placeholder: {String(message.name)}</span>
          ) : (
            <>
              <span className="prompt-role">{String((message as { role: unknown }).role)}</span>
              <pre className="prompt-text">
                {typeof message.content === "string" ? message.content : JSON.stringify(message.content, null, 2)}
              </pre>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

const auditActions: Record<AuditEntry["action"], string> = {
  create_version: "created",
  add_label: "label added:",
  remove_label: "label removed:",
  delete_version: "deleted",
};

// Lists who created the version and moved its labels, oldest first.
function VersionHistory({ projectId, version }: { projectId: number; version: PromptVersion }) {
  const audit = useQuery({
    queryKey: ["prompt-audit", projectId, version.name],
    queryFn: () => fetchPromptAudit(projectId, version.name),
  });
  const entries = audit.data?.filter((entry) => entry.version === version.version) ?? [];
  if (audit.error) return <p className="form-error">{describeError(audit.error, "load the history")}</p>;
  if (entries.length === 0) return null;
  return (
    <ol className="prompt-history" aria-label="History">
      {entries.map((entry) => (
        <li key={entry.id}>
          {auditActions[entry.action]} {entry.label ?? ""} by {entry.actor.kind === "user" ? `user ${entry.actor.id}` : `key ${entry.actor.id}`},{" "}
          {new Date(entry.createdAt).toLocaleString()}
        </li>
      ))}
    </ol>
  );
}

export function VersionView({ projectId, version }: { projectId: number; version: PromptVersion }) {
  const [label, setLabel] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const needs = promptNeeds(version.prompt);

  const move = useMutation({
    mutationFn: (labels: string[]) => addLabels(projectId, version.name, version.version, labels),
    onSuccess: () => {
      setLabel("");
      // A moved label leaves another version, so every version reloads.
      queryClient.invalidateQueries({ queryKey: promptVersionsKey(projectId, version.name) });
      queryClient.invalidateQueries({ queryKey: ["prompts", projectId] });
      queryClient.invalidateQueries({ queryKey: ["prompt-audit", projectId, version.name] });
    },
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setFormError(null);
    const name = label.trim();
    if (name === "latest") return setFormError("The latest label always sits on the newest version.");
    if (!labelPattern.test(name)) {
      return setFormError("A label is 1 to 36 lowercase letters, digits, dots, dashes or underscores.");
    }
    move.mutate([name]);
  }

  return (
    <article className="card stack" aria-label={`Version ${version.version}`}>
      <header className="version-header">
        <h3>Version {version.version}</h3>
        <span className="version-labels">
          {version.labels.map((name) => (
            <span key={name} className="badge prompt-label" data-label={name}>
              {name}
            </span>
          ))}
        </span>
      </header>
      {version.commitMessage && <p className="version-message">{version.commitMessage}</p>}
      <PromptBody prompt={version.prompt} />
      <dl className="prompt-facts">
        <dt>Variables</dt>
        <dd>{needs.variables.length ? needs.variables.join(", ") : "none"}</dd>
        {needs.placeholders.length > 0 && (
          <>
            <dt>Placeholders</dt>
            <dd>{needs.placeholders.join(", ")}</dd>
          </>
        )}
        {needs.references.length > 0 && (
          <>
            <dt>Embeds</dt>
            <dd>
              {needs.references
                .map((reference) => `${reference.name} (${reference.version ? `v${reference.version}` : reference.label})`)
                .join(", ")}
            </dd>
          </>
        )}
        <dt>Tags</dt>
        <dd>{version.tags.length ? version.tags.join(", ") : "none"}</dd>
        <dt>Config</dt>
        <dd>
          <code>{JSON.stringify(version.config ?? {})}</code>
        </dd>
        {version.createdBy && (
          <>
            <dt>Created by</dt>
            <dd>{version.createdBy}</dd>
          </>
        )}
      </dl>
      <form className="label-form" onSubmit={submit} aria-label="Move a label">
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="staging" />
        </label>
        <button type="submit" disabled={move.isPending}>
          Move label here
        </button>
        {!version.labels.includes("production") && (
          <button type="button" className="primary" disabled={move.isPending} onClick={() => move.mutate(["production"])}>
            Promote to production
          </button>
        )}
      </form>
      {formError && <p className="form-error">{formError}</p>}
      {move.error && <p className="form-error">{describeError(move.error, "move the label")}</p>}
      <VersionHistory projectId={projectId} version={version} />
    </article>
  );
}
