// Shows an input, output or metadata value: chat messages as a
// conversation, Markdown strings rendered, other values as a collapsible
// JSON tree. A toggle shows the raw JSON. Everything renders as React
// elements, so trace content never becomes HTML.
import { useState, type ReactNode } from "react";
import { parseChat, type ChatMessage } from "../lib/chat";
import { looksLikeMarkdown, parseMarkdown, type Block, type Inline } from "../lib/markdown";

export function IoView({ label, value }: { label: string; value: unknown }) {
  const [raw, setRaw] = useState(false);
  if (value === undefined || value === null) {
    return (
      <section className="io-view" aria-label={label}>
        <h3>{label}</h3>
        <p className="muted">None</p>
      </section>
    );
  }
  const chat = parseChat(value);
  const markdown = typeof value === "string" && looksLikeMarkdown(value);
  return (
    <section className="io-view" aria-label={label}>
      <div className="io-header">
        <h3>{label}</h3>
        <button type="button" className="link-button" onClick={() => setRaw((r) => !r)}>
          {raw ? "Formatted" : "JSON"}
        </button>
      </div>
      {raw ? (
        <pre className="io-raw">{JSON.stringify(value, null, 2)}</pre>
      ) : chat ? (
        <ChatView messages={chat} />
      ) : typeof value === "string" ? (
        markdown ? (
          <MarkdownView source={value} />
        ) : (
          <pre className="io-text">{value}</pre>
        )
      ) : (
        <JsonTree value={value} />
      )}
    </section>
  );
}

export function ChatView({ messages }: { messages: ChatMessage[] }) {
  return (
    <ol className="trace-chat" aria-label="Chat messages">
      {messages.map((message, index) => (
        <li key={index} className={`trace-chat-message trace-chat-${message.role}`} data-role={message.role}>
          <div className="trace-chat-role">
            {message.role}
            {message.name ? ` · ${message.name}` : ""}
            {message.toolCallId ? ` · result of ${message.toolCallId}` : ""}
          </div>
          {message.parts.map((part, partIndex) =>
            part.kind === "text" ? (
              looksLikeMarkdown(part.text) ? (
                <MarkdownView key={partIndex} source={part.text} />
              ) : (
                <p key={partIndex} className="trace-chat-text">
                  {part.text}
                </p>
              )
            ) : part.kind === "image" ? (
              <img key={partIndex} className="trace-chat-image" src={part.url} alt="Image in the message" loading="lazy" />
            ) : (
              <JsonTree key={partIndex} value={part.value} />
            ),
          )}
          {message.toolCalls.map((call, callIndex) => (
            <div key={callIndex} className="tool-call">
              <span className="badge">tool call</span> <code>{call.name}</code>
              {call.id && <span className="muted"> {call.id}</span>}
              <pre>{prettyArguments(call.arguments)}</pre>
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}

function prettyArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function InlineView({ runs }: { runs: Inline[] }): ReactNode {
  return runs.map((run, index) => {
    switch (run.kind) {
      case "text":
        return <span key={index}>{run.text}</span>;
      case "code":
        return <code key={index}>{run.text}</code>;
      case "strong":
        return (
          <strong key={index}>
            <InlineView runs={run.children} />
          </strong>
        );
      case "em":
        return (
          <em key={index}>
            <InlineView runs={run.children} />
          </em>
        );
      case "link":
        return (
          <a key={index} href={run.href} target="_blank" rel="noopener noreferrer nofollow">
            <InlineView runs={run.children} />
          </a>
        );
    }
  });
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case "heading": {
      const Tag = `h${Math.min(6, block.level + 2)}` as "h3";
      return (
        <Tag>
          <InlineView runs={block.content} />
        </Tag>
      );
    }
    case "paragraph":
      return (
        <p>
          <InlineView runs={block.content} />
        </p>
      );
    case "list": {
      const items = block.items.map((item, index) => (
        <li key={index}>
          <InlineView runs={item} />
        </li>
      ));
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
    case "code":
      return (
        <pre className="io-code" data-language={block.language || undefined}>
          {block.text}
        </pre>
      );
    case "quote":
      return (
        <blockquote>
          <InlineView runs={block.content} />
        </blockquote>
      );
    case "rule":
      return <hr />;
  }
}

export function MarkdownView({ source }: { source: string }) {
  return (
    <div className="markdown">
      {parseMarkdown(source).map((block, index) => (
        <BlockView key={index} block={block} />
      ))}
    </div>
  );
}

// A JSON value as nested lists; objects and arrays deeper than `openDepth`
// start collapsed.
export function JsonTree({ value, openDepth = 2 }: { value: unknown; openDepth?: number }) {
  return (
    <div className="json-tree" role="tree">
      <JsonNode value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function JsonNode({ name, value, depth, openDepth }: { name?: string; value: unknown; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const label = name !== undefined ? <span className="json-key">{name}: </span> : null;
  if (value === null || typeof value !== "object") {
    return (
      <div role="treeitem" className="json-leaf">
        {label}
        <span className={`json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <div role="treeitem" aria-expanded={open} className="json-branch">
      <button type="button" className="json-toggle" onClick={() => setOpen((o) => !o)} aria-label={open ? "Collapse" : "Expand"}>
        {open ? "▾" : "▸"}
      </button>
      {label}
      {brackets[0]}
      {!open && (
        <span className="muted">
          {" "}
          {entries.length} {Array.isArray(value) ? "items" : "keys"} {brackets[1]}
        </span>
      )}
      {open && (
        <div role="group" className="json-children">
          {entries.map(([key, child]) => (
            <JsonNode key={key} name={key} value={child} depth={depth + 1} openDepth={openDepth} />
          ))}
        </div>
      )}
      {open && brackets[1]}
    </div>
  );
}
