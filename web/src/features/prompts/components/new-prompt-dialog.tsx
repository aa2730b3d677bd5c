// Creates the first version of a new prompt name (text or chat).
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { describeError } from "../../../api/client";
import { Dialog } from "../../../ui/dialog";
import { createPromptVersion } from "../api/prompts";
import { promptHref } from "./prompts-page";

const chatStarter = JSON.stringify(
  [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "{{question}}" },
  ],
  null,
  2,
);

export function NewPromptDialog({ projectId, open, onClose }: { projectId: number; open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [type, setType] = useState<"text" | "chat">("text");
  const [text, setText] = useState("");
  const [commitMessage, setCommitMessage] = useState("");
  const [production, setProduction] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const create = useMutation({
    mutationFn: (prompt: string | unknown[]) =>
      createPromptVersion(projectId, {
        name: name.trim(),
        type,
        prompt,
        labels: production ? ["production"] : [],
        commitMessage: commitMessage.trim() || undefined,
      }),
    onSuccess: (created) => {
      queryClient.invalidateQueries({ queryKey: ["prompts", projectId] });
      onClose();
      navigate(promptHref(projectId, created.name));
    },
  });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setFormError(null);
    if (!name.trim()) return setFormError("Name is required. Use slashes for folders, as in support/triage.");
    if (type === "text") return create.mutate(text);
    try {
      const messages: unknown = JSON.parse(text);
      if (!Array.isArray(messages)) return setFormError("A chat prompt is a JSON list of messages.");
      create.mutate(messages);
    } catch {
      setFormError("The messages are not valid JSON. Write a list such as [{\"role\": \"user\", \"content\": \"…\"}].");
    }
  }

  return (
    <Dialog title="New prompt" open={open} onClose={onClose} wide>
      <form className="stack" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <fieldset className="inline-choices">
          <legend>Type</legend>
          {(["text", "chat"] as const).map((choice) => (
            <label key={choice} className="inline-choice">
              <input
                type="radio"
                name="prompt-type"
                checked={type === choice}
                onChange={() => {
                  setType(choice);
                  if (choice === "chat" && !text) setText(chatStarter);
                }}
              />
              {choice}
            </label>
          ))}
        </fieldset>
        <label>
          {type === "text" ? "Prompt" : "Messages (JSON)"}
          <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} className="code-input" />
        </label>
        <label>
          Commit message
          <input value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} maxLength={500} />
        </label>
        <label className="inline-choice">
          <input type="checkbox" checked={production} onChange={(e) => setProduction(e.target.checked)} />
          Label it production
        </label>
        {formError && <p className="form-error">{formError}</p>}
        {create.error && <p className="form-error">{describeError(create.error, "create the prompt")}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}
