// Recognises chat messages in an observation's input or output, so they can
// be shown as a conversation instead of raw JSON.
//
// Accepted shapes, as the OpenAI, Anthropic and LangChain integrations of
// the Langfuse SDKs send them:
//   [{role, content}, …]                 a message list
//   {messages: [{role, content}, …]}     a request body
//   {role, content}                      one message (a typical output)
//   {choices: [{message: {…}}]}          an OpenAI completion response
// `content` is a string, null (an assistant turn with only tool calls) or a
// list of parts: {type: "text", text}, {type: "image_url", image_url: {url}}
// or string | {url}, Anthropic's {type: "image", source: {…}} and
// {type: "tool_use" | "tool_result", …}. OpenAI's tool_calls and the older
// function_call become tool calls. Anything else is not a chat.

export type ChatPart =
  | { kind: "text"; text: string }
  | { kind: "image"; url: string }
  | { kind: "json"; value: unknown };

export interface ToolCall {
  id?: string;
  name: string;
  arguments: string; // as sent, usually JSON text
}

export interface ChatMessage {
  role: string;
  name?: string;
  toolCallId?: string;
  parts: ChatPart[];
  toolCalls: ToolCall[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

// Only web, path and inline image addresses become images. Anything else,
// such as an SDK placeholder ("<Upload handling failed …>") or a javascript:
// URL, stays visible as JSON.
function imageAddress(url: string): string | undefined {
  return /^(https?:\/\/|\/|data:image\/)/i.test(url) ? url : undefined;
}

function imageUrl(part: Json): string | undefined {
  const image = part.image_url;
  if (typeof image === "string") return imageAddress(image);
  if (isObject(image) && typeof image.url === "string") return imageAddress(image.url);
  const source = part.source;
  if (isObject(source)) {
    if (source.type === "url" && typeof source.url === "string") return imageAddress(source.url);
    if (source.type === "base64" && typeof source.data === "string" && typeof source.media_type === "string") {
      return `data:${source.media_type};base64,${source.data}`;
    }
  }
  return undefined;
}

function parseParts(content: unknown): ChatPart[] | null {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ kind: "text", text: content }];
  if (!Array.isArray(content)) return null;
  const parts: ChatPart[] = [];
  for (const part of content) {
    if (typeof part === "string") {
      parts.push({ kind: "text", text: part });
    } else if (isObject(part) && (part.type === "text" || part.type === "input_text" || part.type === "output_text")) {
      parts.push({ kind: "text", text: text(part.text) ?? "" });
    } else if (isObject(part) && (part.type === "image_url" || part.type === "image" || part.type === "input_image")) {
      const url = imageUrl(part);
      parts.push(url ? { kind: "image", url } : { kind: "json", value: part });
    } else {
      parts.push({ kind: "json", value: part });
    }
  }
  return parts;
}

function toolCalls(message: Json): ToolCall[] {
  const calls: ToolCall[] = [];
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isObject(call)) continue;
      const fn = isObject(call.function) ? call.function : call;
      const args = fn.arguments ?? fn.args ?? fn.input;
      calls.push({
        id: text(call.id),
        name: text(fn.name) ?? "(unnamed tool)",
        arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
      });
    }
  }
  if (isObject(message.function_call)) {
    const args = message.function_call.arguments;
    calls.push({
      name: text(message.function_call.name) ?? "(unnamed function)",
      arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
    });
  }
  return calls;
}

export function parseChatMessage(value: unknown): ChatMessage | null {
  if (!isObject(value) || typeof value.role !== "string") return null;
  if (!("content" in value) && !("tool_calls" in value) && !("function_call" in value)) return null;
  const parts = parseParts(value.content);
  if (parts === null) return null;
  return {
    role: value.role,
    name: text(value.name),
    toolCallId: text(value.tool_call_id),
    parts,
    toolCalls: toolCalls(value),
  };
}

// The messages in `value`, or null when it is not a chat.
export function parseChat(value: unknown): ChatMessage[] | null {
  let list: unknown = value;
  if (isObject(value)) {
    if (Array.isArray(value.messages)) list = value.messages;
    else if (Array.isArray(value.choices)) list = value.choices.map((choice) => (isObject(choice) ? choice.message : null));
    else list = [value];
  }
  if (!Array.isArray(list) || list.length === 0) return null;
  const messages: ChatMessage[] = [];
  for (const item of list) {
    const message = parseChatMessage(item);
    if (!message) return null;
    messages.push(message);
  }
  return messages;
}

// The plain text of a chat or value, for one-line previews: the last user
// message of a chat input, the last message of an output, or the value.
export function previewText(value: unknown, prefer: "user" | "last" = "last"): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  const chat = parseChat(value);
  if (chat) {
    const pick = prefer === "user" ? [...chat].reverse().find((m) => m.role === "user") : undefined;
    const message = pick ?? chat[chat.length - 1];
    const textParts = message.parts.filter((part): part is { kind: "text"; text: string } => part.kind === "text");
    if (textParts.length > 0) return textParts.map((part) => part.text).join("\n");
    if (message.toolCalls.length > 0) return message.toolCalls.map((call) => `${call.name}(${call.arguments})`).join("\n");
  }
  return JSON.stringify(value);
}
