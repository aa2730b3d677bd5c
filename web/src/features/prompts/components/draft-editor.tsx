// The live co-editing editor of a prompt's draft: CodeMirror bound to the
// shared Yjs text, who else is editing, the variables the draft needs with a
// compile preview, and a save form that publishes the draft as a version.
// Chat prompts are edited as their JSON list of messages.
import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { basicSetup, EditorView } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yCollab } from "y-codemirror.next";
import { useOrganizationMembers } from "../../organizations/hooks/use-organization-members";
import type { PromptVersion } from "../api/prompts";
import { usePromptDraft } from "../hooks/use-prompt-draft";
import { promptNeeds } from "../lib/variables";
import { CompilePreview } from "./compile-preview";
import { templateHighlight } from "./template-highlight";

const statusLabels = { ready: "Live", connecting: "Connecting…", disconnected: "Reconnecting…" } as const;

function initialText(latest: PromptVersion): string {
  return typeof latest.prompt === "string" ? latest.prompt : JSON.stringify(latest.prompt, null, 2);
}

function parseDraft(type: "text" | "chat", text: string): string | unknown[] | null {
  if (type === "text") return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

// Names editors by email when the organization's member list is readable,
// else by user id; a participant without a user id is an API key.
function useEditorNames(): (userId: number | null) => string {
  const members = useOrganizationMembers();
  return (userId) => {
    if (userId === null) return "an API key";
    return members.data?.results.find((member) => member.user.id === userId)?.user.email ?? `user ${userId}`;
  };
}

export function DraftEditor({
  projectId,
  name,
  type,
  latest,
}: {
  projectId: number;
  name: string;
  type: "text" | "chat";
  latest: PromptVersion;
}) {
  const draft = usePromptDraft(projectId, name, initialText(latest));
  const host = useRef<HTMLDivElement>(null);
  const [content, setContent] = useState("");
  const [commitMessage, setCommitMessage] = useState("");
  const [production, setProduction] = useState(false);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: draft.text.toString(),
        extensions: [
          basicSetup,
          yCollab(draft.text, null),
          templateHighlight,
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "Prompt draft" }),
        ],
      }),
    });
    return () => view.destroy();
  }, [draft.text]);

  useEffect(() => {
    const observe = () => setContent(draft.text.toString());
    observe();
    draft.text.observe(observe);
    return () => draft.text.unobserve(observe);
  }, [draft.text]);

  // Anyone's save adds a version, so the list reloads.
  useEffect(() => {
    if (draft.lastSaved) queryClient.invalidateQueries({ queryKey: ["prompts", projectId] });
  }, [draft.lastSaved, projectId, queryClient]);

  const parsed = parseDraft(type, content);
  const needs = promptNeeds(parsed ?? "");

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setOutcome(null);
    setSaving(true);
    try {
      const version = await draft.save({
        type,
        labels: production ? ["production"] : [],
        commitMessage: commitMessage.trim() || undefined,
        config: latest.config ?? undefined,
      });
      setCommitMessage("");
      setOutcome({ ok: true, message: `Saved as version ${version}.` });
    } catch (caught) {
      setOutcome({ ok: false, message: `Could not save: ${caught instanceof Error ? caught.message : String(caught)}` });
    } finally {
      setSaving(false);
    }
  }

  const others = draft.participants.filter((participant) => participant.participant !== draft.participant);
  const editorNames = useEditorNames();

  return (
    <section className="card stack" aria-label="Draft editor">
      <div className="draft-status">
        <span className={`draft-connection draft-${draft.status}`} role="status">
          {statusLabels[draft.status]}
        </span>
        <span aria-label="Editors" className="draft-presence" data-count={draft.participants.length}>
          {draft.participants.length} editing
          {others.length > 0 && (
            <>
              {": you and "}
              {others
                .map((participant) => editorNames(participant.userId))
                .join(", ")}
            </>
          )}
        </span>
      </div>
      {draft.error && <p className="form-error">{draft.error}</p>}
      <p className="hint">
        Everyone on this page edits one shared draft; it starts from version {latest.version} and stays until saved.
      </p>
      <div className="prompt-editor-split">
        <div ref={host} className="config-editor-host prompt-editor-host" />
        <CompilePreview prompt={parsed} needs={needs} />
      </div>
      <form className="draft-save" onSubmit={save} aria-label="Save the draft">
        <label>
          Commit message
          <input value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} maxLength={500} />
        </label>
        <label className="inline-choice">
          <input type="checkbox" checked={production} onChange={(e) => setProduction(e.target.checked)} />
          Label it production
        </label>
        <button type="submit" className="primary" disabled={saving || draft.status !== "ready" || parsed === null}>
          Save as new version
        </button>
      </form>
      {outcome && <p className={outcome.ok ? "form-ok" : "form-error"}>{outcome.message}</p>}
    </section>
  );
}
