// Chat conversations: the messages of a Chat object as editor state and
// as `chatmessage` result items, in Label Studio's format:
//   {"id", "from_name": "<chat>", "to_name": "<chat>", "type": "chatmessage",
//    "value": {"chatmessage": {"role", "content", "createdAt"}}}
// with createdAt in milliseconds since the epoch.
//
// The task's own messages come first and are never edited. Messages the
// annotator writes (or an LLM replies) follow and are always stored.
// Every message is a region, so selecting one lets per-region controls
// (chat_rlhf's ratings, with whenRole) answer about it. A per-region item
// must share the id of a region item in the same result, so a task message
// with answers is stored as a chatmessage item too, under the id
// taskMessageId gives it.
// NOTE: Label Studio does not document how it identifies a task message in
// per-region items. These ids follow the message's index in the task, so
// answers move to another message if the task's list is reordered.
import type { ConfigNode, EditorConfig } from "./config";
import type { EditorValues, ResultItem } from "./results";
import type { SelectableRegion } from "./selectable-regions";

// A message count limit: a number, or the task's field that contains one.
export type MessageLimit = number | { dataKey: string } | null;

// The attributes of a Chat tag.
export interface ChatOptions {
  llm: string | null; // "provider/model": an assistant reply follows each user message
  messageRoles: string[]; // roles the annotator may write as
  editable: boolean | string[]; // which of the annotator's messages can be edited
  minMessages: MessageLimit; // total messages needed to submit
  maxMessages: MessageLimit; // total messages allowed
}

export interface ChatMessageRegion {
  id: string;
  toName: string; // the Chat object
  role: string;
  content: string;
  createdAt?: number; // milliseconds since the epoch
  fromTask: boolean; // one of the task's messages, not the annotator's
}

export type ChatNode = Extract<ConfigNode, { kind: "chat" }>;

function list(value: string | null): string[] {
  return (value ?? "")
    .split(/[,|]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

function limit(value: string | null): MessageLimit {
  if (value === null || value.trim() === "") return null;
  if (value.startsWith("$")) return { dataKey: value.slice(1) };
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : null;
}

// Reads a Chat element's attributes. `read` looks an attribute up in any
// letter case, as Label Studio reads them (minMessages, minmessages).
export function chatOptions(read: (name: string) => string | null): ChatOptions {
  const llm = read("llm")?.trim() || null;
  const roles = read("messageRoles");
  // Label Studio's default: the annotator writes as the user when an LLM
  // replies, and as both sides when none does.
  let messageRoles = llm ? ["user"] : ["user", "assistant"];
  if (roles !== null) messageRoles = list(roles);
  const editableText = (read("editable") ?? "false").trim();
  let editable: boolean | string[] = list(editableText);
  if (editableText === "true") editable = true;
  if (editableText === "false" || editableText === "") editable = false;
  return { llm, messageRoles, editable, minMessages: limit(read("minMessages")), maxMessages: limit(read("maxMessages")) };
}

// The limit's number for this task; null when unset or the field is not a
// non-negative number.
export function messageLimit(value: MessageLimit, data: Record<string, unknown>): number | null {
  if (value === null || typeof value === "number") return value;
  const number = Number(data[value.dataKey]);
  return Number.isInteger(number) && number >= 0 ? number : null;
}

export function canEditMessage(options: ChatOptions, message: ChatMessageRegion): boolean {
  if (message.fromTask) return false;
  return options.editable === true || (Array.isArray(options.editable) && options.editable.includes(message.role));
}

// The region id of the task's message at `index` in the Chat `chatName`.
export function taskMessageId(chatName: string, index: number): string {
  return `${chatName}-task-${index}`;
}

// The task's messages of a Chat value, a list of {role, content}. Content
// that is not a string (a list of parts) is kept as JSON text.
export function taskChatMessages(chatName: string, value: unknown): ChatMessageRegion[] {
  if (!Array.isArray(value)) return [];
  const messages: ChatMessageRegion[] = [];
  value.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null) return;
    const record = entry as Record<string, unknown>;
    messages.push({
      id: taskMessageId(chatName, index),
      toName: chatName,
      role: typeof record.role === "string" ? record.role : "message",
      content: typeof record.content === "string" ? record.content : JSON.stringify(record.content ?? ""),
      ...(typeof record.createdAt === "number" ? { createdAt: record.createdAt } : {}),
      fromTask: true,
    });
  });
  return messages;
}

export function chatNodes(node: ConfigNode): ChatNode[] {
  if (node.kind === "chat") return [node];
  if (node.kind === "view") return node.children.flatMap(chatNodes);
  if (node.kind === "conditional") return chatNodes(node.child);
  return [];
}

// `values` with each Chat's task messages first, so they can be selected.
// A stored item with a task message's id is that message (stored because
// it has per-region answers) and is not shown twice.
export function withTaskMessages(config: EditorConfig, data: Record<string, unknown>, values: EditorValues): EditorValues {
  const chats = chatNodes(config.root);
  if (chats.length === 0) return values;
  const task = chats.flatMap((chat) => taskChatMessages(chat.name, chat.valueKey ? data[chat.valueKey] : undefined));
  const taskIds = new Set(task.map((message) => message.id));
  const written = values.chatMessages.filter((message) => !taskIds.has(message.id));
  return { ...values, chatMessages: [...task, ...written] };
}

function hasRegionAnswers(values: EditorValues, id: string): boolean {
  const answers = values.regionAnswers[id];
  if (answers && Object.keys(answers).length > 0) return true;
  return Object.values(values.regionTexts[id] ?? {}).some((texts) => texts.some((text) => text.length > 0));
}

// The chatmessage items: every message the annotator wrote, and the task's
// messages that per-region answers name.
export function chatMessageResults(values: EditorValues): ResultItem[] {
  return values.chatMessages
    .filter((message) => !message.fromTask || hasRegionAnswers(values, message.id))
    .map((message) => {
      const chatmessage: Record<string, unknown> = { role: message.role, content: message.content };
      if (message.createdAt !== undefined) chatmessage.createdAt = message.createdAt;
      return {
        id: message.id,
        from_name: message.toName,
        to_name: message.toName,
        type: "chatmessage",
        origin: values.origins[message.id] ?? "manual",
        value: { chatmessage },
      };
    });
}

// A stored chatmessage item of one of `chatNames` as a message, or null.
export function readChatMessage(item: ResultItem, chatNames: ReadonlySet<string>): ChatMessageRegion | null {
  if (item.type !== "chatmessage" || typeof item.id !== "string" || !chatNames.has(item.from_name)) return null;
  const message = (item.value ?? {}).chatmessage as Record<string, unknown> | undefined;
  if (typeof message !== "object" || message === null) return null;
  if (typeof message.role !== "string" || typeof message.content !== "string") return null;
  return {
    id: item.id,
    toName: item.from_name,
    role: message.role,
    content: message.content,
    ...(typeof message.createdAt === "number" ? { createdAt: message.createdAt } : {}),
    fromTask: false,
  };
}

// Chat messages as regions for per-region controls: whenRole matches the
// message's role. Their per-region items repeat no position.
export function chatMessageRegions(values: EditorValues): SelectableRegion[] {
  return values.chatMessages.map((message) => ({
    id: message.id,
    toName: message.toName,
    labels: [],
    controls: [message.toName],
    role: message.role,
    position: {},
  }));
}

// Problems that block submitting, one sentence each: a Chat with fewer
// messages than its minMessages or more than its maxMessages.
export function chatProblems(config: EditorConfig, data: Record<string, unknown>, values: EditorValues): string[] {
  const problems: string[] = [];
  for (const chat of chatNodes(config.root)) {
    const count = values.chatMessages.filter((message) => message.toName === chat.name).length;
    const min = messageLimit(chat.options.minMessages, data);
    const max = messageLimit(chat.options.maxMessages, data);
    if (min !== null && count < min) problems.push(`The chat “${chat.name}” needs at least ${min} messages, and it has ${count}.`);
    if (max !== null && count > max) problems.push(`The chat “${chat.name}” allows at most ${max} messages, and it has ${count}.`);
  }
  return problems;
}
