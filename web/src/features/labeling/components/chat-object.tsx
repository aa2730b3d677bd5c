// A Chat object: an LLM conversation, a list of {role, content} messages,
// shown read-only. Controls pointing at it (Choices, Rating, TextArea in the
// chat templates) store their usual results with to_name set to the chat.
// NOTE: Label Studio's Chat can also let the annotator add messages and ask
// an LLM for replies, stored as "chatmessage" results. This editor cannot,
// and it keeps such stored items unchanged.
import "./document-objects.css";

export interface ChatMessage {
  role: string;
  content: string;
}

// The messages of a Chat value. Content that is not a string (a list of
// parts) is shown as JSON.
export function chatMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    .map((entry) => ({
      role: typeof entry.role === "string" ? entry.role : "message",
      content: typeof entry.content === "string" ? entry.content : JSON.stringify(entry.content ?? ""),
    }));
}

export function ChatObject({ name, value }: { name: string; value: unknown }) {
  const messages = chatMessages(value);
  return (
    <section className="chat-object" aria-label={`Chat ${name}`} data-name={name}>
      {messages.length === 0 && <p className="muted">This conversation has no messages.</p>}
      <ol className="chat-messages">
        {messages.map((message, index) => (
          <li key={index} className={`chat-message chat-${message.role}`}>
            <span className="chat-role">{message.role}</span>
            <p className="chat-content">{message.content}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
