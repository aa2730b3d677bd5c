// A Chat object: an LLM conversation. The task's messages come first and
// never change. Below them the annotator writes messages as the roles
// `messageRoles` allows, and with `llm` set each user message is followed
// by the model's reply, which the controller requests from the server.
// Clicking a message selects it as a region, so per-region controls answer
// about it. Messages are stored as `chatmessage` items (lib/chat.ts).
import "./document-objects.css";
import { createContext, useContext, useState } from "react";
import type { EditorModel } from "../hooks/use-editor-model";
import { canEditMessage, messageLimit, type ChatMessageRegion, type ChatNode } from "../lib/chat";
import { newRegionId } from "../lib/results";

// Requests the assistant's reply to `messages` from the LLM the Chat names.
export type ChatReplyRequester = (chat: string, messages: { role: string; content: string }[]) => Promise<{ content: string; createdAt?: number }>;

// The requester LabelingEditor passes down; undefined where replies are
// not available (the settings preview and the template gallery).
export const ChatReplyContext = createContext<ChatReplyRequester | undefined>(undefined);

function MessageItem({
  message,
  selected,
  editable,
  onSelect,
  onEdit,
}: {
  message: ChatMessageRegion;
  selected: boolean;
  editable: boolean;
  onSelect: () => void;
  onEdit: (content: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const className = `chat-message chat-${message.role}${selected ? " chat-message-selected" : ""}`;
  if (draft !== null) {
    return (
      <li className={className} data-message-id={message.id}>
        <span className="chat-role">{message.role}</span>
        <textarea aria-label={`Edit ${message.role} message`} value={draft} rows={3} onChange={(event) => setDraft(event.target.value)} />
        <span className="button-row">
          <button
            type="button"
            className="primary"
            disabled={draft.trim() === ""}
            onClick={() => {
              onEdit(draft);
              setDraft(null);
            }}
          >
            Save
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </span>
      </li>
    );
  }
  return (
    <li className={className} data-message-id={message.id} aria-selected={selected}>
      <button type="button" className="chat-message-select" aria-pressed={selected} onClick={onSelect}>
        <span className="chat-role">{message.role}</span>
        <span className="chat-content">{message.content}</span>
      </button>
      {editable && (
        <button type="button" className="icon-button chat-edit" aria-label={`Edit ${message.role} message`} onClick={() => setDraft(message.content)}>
          ✎
        </button>
      )}
    </li>
  );
}

export function ChatObject({
  node,
  data,
  model,
  readOnly,
}: {
  node: ChatNode;
  data: Record<string, unknown>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const requestReply = useContext(ChatReplyContext);
  const { options } = node;
  const messages = model.state.values.chatMessages.filter((message) => message.toName === node.name);
  const [role, setRole] = useState(options.messageRoles[0] ?? "user");
  const [text, setText] = useState("");
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const min = messageLimit(options.minMessages, data);
  const max = messageLimit(options.maxMessages, data);
  const full = max !== null && messages.length >= max;
  const canWrite = !readOnly && options.messageRoles.length > 0;

  async function send() {
    const content = text.trim();
    if (content === "" || full || waiting) return;
    const written: ChatMessageRegion = { id: newRegionId(), toName: node.name, role, content, createdAt: Date.now(), fromTask: false };
    model.dispatch({ type: "chat-message-added", message: written });
    setText("");
    setError(null);

    // The model answers user messages, while there is room for its reply.
    const replies = options.llm !== null && role === "user" && (max === null || messages.length + 2 <= max);
    if (!replies) return;
    if (!requestReply) {
      setError("LLM replies are not available in this preview. Open the task in the labeling screen to get them.");
      return;
    }
    setWaiting(true);
    try {
      const history = [...messages, written].map((message) => ({ role: message.role, content: message.content }));
      const reply = await requestReply(node.name, history);
      model.dispatch({
        type: "chat-message-added",
        message: { id: newRegionId(), toName: node.name, role: "assistant", content: reply.content, createdAt: reply.createdAt ?? Date.now(), fromTask: false },
      });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setWaiting(false);
    }
  }

  return (
    <section className="chat-object" aria-label={`Chat ${node.name}`} data-name={node.name}>
      {messages.length === 0 && <p className="muted">This conversation has no messages yet.</p>}
      <ol className="chat-messages">
        {messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            selected={model.selectedRegionId === message.id}
            editable={!readOnly && canEditMessage(options, message)}
            onSelect={() => model.selectRegion(model.selectedRegionId === message.id ? null : message.id)}
            onEdit={(content) => model.dispatch({ type: "chat-message-changed", id: message.id, content })}
          />
        ))}
      </ol>
      {waiting && (
        <p className="muted" role="status">
          Waiting for the reply of {options.llm}…
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {canWrite && !full && (
        <form
          className="chat-composer"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          {options.messageRoles.length > 1 && (
            <label>
              Role{" "}
              <select value={role} onChange={(event) => setRole(event.target.value)}>
                {options.messageRoles.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            </label>
          )}
          <textarea
            aria-label={`Message as ${role}`}
            placeholder={`Write a ${role} message; Enter sends it, Shift+Enter starts a new line`}
            rows={2}
            value={text}
            disabled={waiting}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
                event.preventDefault();
                void send();
              }
            }}
          />
          <button type="submit" className="primary" disabled={waiting || text.trim() === ""}>
            Send
          </button>
        </form>
      )}
      {(min !== null || max !== null) && (
        <p className="hint chat-count">
          {messages.length} messages
          {min !== null && `, at least ${min} needed to submit`}
          {max !== null && `, at most ${max}`}
        </p>
      )}
    </section>
  );
}
