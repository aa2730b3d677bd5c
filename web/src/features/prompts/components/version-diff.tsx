// Two versions of a prompt side by side as a diff: lines for text prompts,
// messages (each with its own line diff) for chat prompts.
import { useState } from "react";
import type { PromptVersion } from "../api/prompts";
import { diffMessages, diffStats, diffText, type DiffLine } from "../lib/diff";

const diffMarks = { added: "+", removed: "−", same: " " } as const;

function Lines({ lines }: { lines: DiffLine[] }) {
  return (
    <table className="diff-lines">
      <tbody>
        {lines.map((line, index) => (
          <tr key={index} className={`diff-${line.kind}`} data-kind={line.kind}>
            <td className="diff-number">{line.oldNumber ?? ""}</td>
            <td className="diff-number">{line.newNumber ?? ""}</td>
            <td className="diff-mark" aria-hidden="true">
              {diffMarks[line.kind]}
            </td>
            <td className="diff-text">
              <span className="visually-hidden">{line.kind === "same" ? "" : `${line.kind}: `}</span>
              {line.text}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VersionPicker({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: PromptVersion[];
  value: number;
  onChange: (version: number) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((version) => (
          <option key={version.version} value={version.version}>
            v{version.version}
            {version.labels.length ? ` (${version.labels.join(", ")})` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

export function VersionDiff({ versions, initialRight }: { versions: PromptVersion[]; initialRight: number }) {
  const [chosenLeft, setLeft] = useState<number | null>(null);
  const [chosenRight, setRight] = useState<number | null>(null);
  // Until the user picks them, the right side is the selected version and
  // the left side the one before it. Both are derived on each render because
  // versions may still be loading when the view opens.
  const right = chosenRight ?? initialRight;
  const older = versions.find((version) => version.version < right);
  const left = chosenLeft ?? older?.version ?? right;
  const before = versions.find((version) => version.version === left);
  const after = versions.find((version) => version.version === right);

  let body: React.ReactNode = null;
  if (before && after) {
    if (typeof before.prompt === "string" && typeof after.prompt === "string") {
      const lines = diffText(before.prompt, after.prompt);
      const stats = diffStats(lines);
      body = (
        <>
          <p className="hint">
            {stats.added} lines added, {stats.removed} removed
          </p>
          <Lines lines={lines} />
        </>
      );
    } else {
      const messages = diffMessages(
        Array.isArray(before.prompt) ? before.prompt : [before.prompt],
        Array.isArray(after.prompt) ? after.prompt : [after.prompt],
      );
      body = (
        <ol className="diff-messages">
          {messages.map((message, index) => (
            <li key={index} className={`diff-message diff-message-${message.kind}`}>
              <span className="prompt-role">
                {message.kind === "changed" && message.oldLabel !== message.newLabel
                  ? `${message.oldLabel} → ${message.newLabel}`
                  : (message.newLabel ?? message.oldLabel)}{" "}
                <span className="badge">{message.kind}</span>
              </span>
              <Lines lines={message.lines} />
            </li>
          ))}
        </ol>
      );
    }
  }
  const configChanged = before && after && JSON.stringify(before.config) !== JSON.stringify(after.config);

  return (
    <section className="card stack" aria-label="Compare versions">
      <div className="diff-pickers">
        <VersionPicker label="From" versions={versions} value={left} onChange={setLeft} />
        <VersionPicker label="To" versions={versions} value={right} onChange={setRight} />
      </div>
      {left === right && <p className="hint">Pick two different versions to see what changed.</p>}
      {body}
      {configChanged && (
        <>
          <h4>Config</h4>
          <Lines lines={diffText(JSON.stringify(before.config, null, 2), JSON.stringify(after.config, null, 2))} />
        </>
      )}
    </section>
  );
}
