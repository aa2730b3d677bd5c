// A small Markdown reader for trace inputs and outputs. It turns text into
// blocks and inline runs that the view renders as React elements, so no
// HTML from a trace is ever inserted into the page: raw HTML shows as text.
//
// It covers what LLM output uses: ATX headings, paragraphs, bullet and
// numbered lists, fenced code, block quotes, horizontal rules, and inline
// code, bold, italics and links. Nested lists, tables and reference links
// show as plain text.

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; children: Inline[] }
  | { kind: "em"; children: Inline[] }
  | { kind: "link"; href: string; children: Inline[] };

export type Block =
  | { kind: "heading"; level: number; content: Inline[] }
  | { kind: "paragraph"; content: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "code"; language: string; text: string }
  | { kind: "quote"; content: Inline[] }
  | { kind: "rule" };

// Whether a string reads as Markdown rather than plain prose: a heading, a
// fence, a list, emphasis or a link.
export function looksLikeMarkdown(text: string): boolean {
  return /(^|\n)(#{1,6} |```|[-*] |\d+\. |> )|\*\*[^*\n]+\*\*|`[^`\n]+`|\[[^\]\n]+\]\([^)\s]+\)/.test(text);
}

// Only http(s) and mailto links become links; anything else (javascript:,
// data:) stays text.
export function safeHref(href: string): string | null {
  return /^(https?:\/\/|mailto:)/i.test(href.trim()) ? href.trim() : null;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) out.push({ kind: "text", text: text.slice(last, index) });
    if (match[1] !== undefined) out.push({ kind: "code", text: match[1] });
    else if (match[2] !== undefined || match[3] !== undefined) {
      out.push({ kind: "strong", children: parseInline(match[2] ?? match[3]) });
    } else if (match[4] !== undefined || match[5] !== undefined) {
      out.push({ kind: "em", children: parseInline(match[4] ?? match[5]) });
    } else {
      const href = safeHref(match[7]);
      if (href) out.push({ kind: "link", href, children: parseInline(match[6]) });
      else out.push({ kind: "text", text: match[0] });
    }
    last = index + match[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", content: parseInline(paragraph.join("\n")) });
    paragraph = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push({ kind: "code", language: fence[1], text: code.join("\n") });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length, content: parseInline(heading[2]) });
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      blocks.push({ kind: "rule" });
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const items: Inline[][] = [parseInline(item[2])];
      while (i + 1 < lines.length) {
        const next = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i + 1]);
        if (!next || /\d/.test(next[1]) !== ordered) break;
        items.push(parseInline(next[2]));
        i++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      const quoted = [quote[1]];
      while (i + 1 < lines.length && /^>\s?/.test(lines[i + 1])) quoted.push(lines[++i].replace(/^>\s?/, ""));
      blocks.push({ kind: "quote", content: parseInline(quoted.join("\n")) });
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}
