// Copies a value (an id) to the clipboard and confirms it for a moment.
import { useState } from "react";

// `text` is the visible caption; `label` names what is copied for screen
// readers and the tooltip.
export function CopyButton({ value, label, text = "Copy" }: { value: string; label: string; text?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied(true);
          window.setTimeout(() => setCopied(false), 1500);
        } catch {
          // The clipboard needs a secure context or permission; selecting the
          // text by hand still works.
          window.prompt(`Copy ${label}`, value);
        }
      }}
    >
      {copied ? "Copied" : text}
    </button>
  );
}
