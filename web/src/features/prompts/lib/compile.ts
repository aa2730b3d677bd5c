// Prompt compilation as the SDKs do it, for previews in the prompt editor.
// The server implements the same rules (src/prompts/compile.h) and both are
// tested against one set of vectors (src/prompts/compile_vectors.json).
//
// Two template engines exist because the reference clients differ:
//   "mustache"      the JS SDKs render with mustache.js 4.2 and HTML escaping
//                   off, so this uses that same library with escaping off.
//   "substitution"  Langfuse's server templating and its Python SDK: each
//                   {{ name }} whose name is word characters and dots becomes
//                   that top-level key's value (strings as is, null as "",
//                   anything else as JSON); a missing name stays as written.
import Mustache from "mustache";

export type TemplateEngine = "mustache" | "substitution";

export type Variables = Record<string, unknown>;

export type CompileResult<T> = { ok: true; value: T } | { ok: false; error: string };

const substitutionTag = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

function substitute(text: string, variables: Variables): string {
  return text.replace(substitutionTag, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(variables, name)) return whole;
    const value = variables[name];
    if (typeof value === "string") return value;
    if (value === null) return "";
    return JSON.stringify(value);
  });
}

// The rendered text, or an error for a template mustache.js rejects (an
// unclosed tag or section, or a section closed under another name).
export function renderTemplate(text: string, variables: Variables, engine: TemplateEngine): CompileResult<string> {
  if (engine === "substitution") return { ok: true, value: substitute(text, variables) };
  try {
    return { ok: true, value: Mustache.render(text, variables, {}, { escape: (value: unknown) => String(value) }) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : "The template could not be parsed." };
  }
}

export type ChatMessage = { role: unknown; content: unknown; [key: string]: unknown };
type PlaceholderMessage = { type: "placeholder"; name: unknown };

function isChatMessage(value: unknown): value is ChatMessage {
  return typeof value === "object" && value !== null && "role" in value && "content" in value;
}

function isPlaceholder(value: unknown): value is PlaceholderMessage {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "placeholder";
}

// The compiled chat messages, as the JS SDKs return them. Placeholders are
// spliced in first: a list of {role, content} messages replaces its
// placeholder (an empty list removes it), another value is inserted as its
// JSON text, and a placeholder without a value stays. Then every message's
// content is rendered; spliced messages keep their other fields, while
// template messages keep only role and content.
export function compileChatMessages(
  messages: unknown[],
  variables: Variables,
  placeholders: Record<string, unknown>,
  engine: TemplateEngine,
): CompileResult<unknown[]> {
  const spliced: unknown[] = [];
  for (const message of messages) {
    if (isPlaceholder(message)) {
      const name = typeof message.name === "string" ? message.name : undefined;
      const hasValue = name !== undefined && Object.prototype.hasOwnProperty.call(placeholders, name);
      const value = hasValue ? placeholders[name] : undefined;
      if (!hasValue) spliced.push(message);
      else if (Array.isArray(value) && value.length === 0) continue;
      else if (Array.isArray(value) && value.every(isChatMessage)) spliced.push(...value.map((m) => ({ ...m })));
      else spliced.push(JSON.stringify(value));
    } else if (isChatMessage(message)) {
      spliced.push({ role: message.role, content: message.content });
    }
  }

  for (let index = 0; index < spliced.length; index++) {
    const message = spliced[index];
    if (!isChatMessage(message)) continue;
    if (typeof message.content !== "string") {
      return { ok: false, error: `messages.${index}.content: Message content must be a string` };
    }
    const rendered = renderTemplate(message.content, variables, engine);
    if (!rendered.ok) return rendered;
    message.content = rendered.value;
  }
  return { ok: true, value: spliced };
}
