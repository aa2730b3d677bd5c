// The inputs a prompt needs before it can be compiled: the template variables
// its text names, the placeholders of a chat prompt, and the other prompts it
// embeds with composition tags.
//
// Variables follow mustache's tag kinds, because both template engines read
// a subset of mustache: {{name}}, {{{name}}} and {{&name}} insert a value,
// {{#name}} and {{^name}} open a section over a value, and comments ({{!}}),
// partials ({{>}}), section ends ({{/}}) and the current item ({{.}}) need
// none. Inside a section a name may refer to the section's item, so the list
// may name fields the caller need not fill at the top level.

export interface PromptReference {
  tag: string; // the whole tag as written
  name: string;
  label?: string;
  version?: number;
}

export interface PromptNeeds {
  variables: string[];
  placeholders: string[];
  references: PromptReference[];
}

const mustacheTag = /\{\{(\{)?\s*([#^/&!>]?)\s*([^{}]*?)\s*\}?\}\}/g;
const referenceTag = /@@@langfusePrompt:([^@]*)@@@/g;

// The variable names in `text`, each once, in order of first appearance.
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(mustacheTag)) {
    const kind = match[2];
    const name = match[3];
    if (kind === "!" || kind === ">" || kind === "/" || name === "." || name === "") continue;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

// The composition tags in `text`, as the server reads them: a tag needs a
// name and either a label or an integer version, otherwise it stays text.
export function promptReferences(text: string): PromptReference[] {
  const references: PromptReference[] = [];
  for (const match of text.matchAll(referenceTag)) {
    const fields = new Map<string, string>();
    for (const part of match[1].split("|")) {
      const equals = part.indexOf("=");
      if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
    }
    const name = fields.get("name");
    if (!name) continue;
    const reference: PromptReference = { tag: match[0], name };
    const version = fields.get("version");
    if (version !== undefined && /^\d+$/.test(version)) reference.version = Number(version);
    else if (fields.get("label")) reference.label = fields.get("label");
    else continue;
    if (!references.some((known) => known.tag === reference.tag)) references.push(reference);
  }
  return references;
}

function isPlaceholder(message: unknown): message is { type: "placeholder"; name: string } {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { type?: unknown }).type === "placeholder" &&
    typeof (message as { name?: unknown }).name === "string"
  );
}

// Everything a text prompt (a string) or a chat prompt (a list of messages)
// needs. Message contents that are not strings are skipped.
export function promptNeeds(prompt: unknown): PromptNeeds {
  const texts: string[] = [];
  const placeholders: string[] = [];
  if (typeof prompt === "string") {
    texts.push(prompt);
  } else if (Array.isArray(prompt)) {
    for (const message of prompt) {
      if (isPlaceholder(message)) {
        if (!placeholders.includes(message.name)) placeholders.push(message.name);
      } else if (typeof message === "object" && message !== null && typeof (message as { content?: unknown }).content === "string") {
        texts.push((message as { content: string }).content);
      }
    }
  }
  const variables: string[] = [];
  const references: PromptReference[] = [];
  for (const text of texts) {
    for (const name of templateVariables(text)) if (!variables.includes(name)) variables.push(name);
    for (const reference of promptReferences(text)) {
      if (!references.some((known) => known.tag === reference.tag)) references.push(reference);
    }
  }
  return { variables, placeholders, references };
}
