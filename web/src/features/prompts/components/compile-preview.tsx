// A compile preview: values for the variables and placeholders a prompt
// needs, and the prompt compiled with them as an SDK would compile it.
import { useState } from "react";
import { compileChatMessages, renderTemplate, type TemplateEngine } from "../lib/compile";
import type { PromptNeeds } from "../lib/variables";

export function CompilePreview({ prompt, needs }: { prompt: string | unknown[] | null; needs: PromptNeeds }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [placeholders, setPlaceholders] = useState<Record<string, string>>({});
  const [engine, setEngine] = useState<TemplateEngine>("mustache");

  let output: string;
  let failed = false;
  const variables = Object.fromEntries(needs.variables.map((name) => [name, values[name] ?? ""]));
  if (prompt === null) {
    output = "The draft is not a valid JSON list of messages.";
    failed = true;
  } else if (typeof prompt === "string") {
    const rendered = renderTemplate(prompt, variables, engine);
    output = rendered.ok ? rendered.value : rendered.error;
    failed = !rendered.ok;
  } else {
    const filled: Record<string, unknown> = {};
    for (const name of needs.placeholders) {
      const text = placeholders[name];
      if (!text) continue;
      try {
        filled[name] = JSON.parse(text);
      } catch {
        filled[name] = text;
      }
    }
    const compiled = compileChatMessages(prompt, variables, filled, engine);
    output = compiled.ok ? JSON.stringify(compiled.value, null, 2) : compiled.error;
    failed = !compiled.ok;
  }

  return (
    <section className="compile-preview stack" aria-label="Compile preview">
      <h4>Preview</h4>
      <label>
        Template engine
        <select value={engine} onChange={(e) => setEngine(e.target.value as TemplateEngine)}>
          <option value="mustache">mustache (JS SDKs)</option>
          <option value="substitution">substitution (Python SDK, server)</option>
        </select>
      </label>
      {needs.variables.length === 0 && needs.placeholders.length === 0 && <p className="hint">No variables.</p>}
      {needs.variables.map((name) => (
        <label key={name}>
          <span>
            <code>{`{{${name}}}`}</code>
          </span>
          <input value={values[name] ?? ""} onChange={(e) => setValues({ ...values, [name]: e.target.value })} />
        </label>
      ))}
      {needs.placeholders.map((name) => (
        <label key={name}>
          <span>
            Placeholder <code>{name}</code> (JSON list of messages)
          </span>
          <textarea
            rows={3}
            className="code-input"
            value={placeholders[name] ?? ""}
            onChange={(e) => setPlaceholders({ ...placeholders, [name]: e.target.value })}
          />
        </label>
      ))}
      {needs.references.length > 0 && (
        <p className="hint">
          Embedded prompts ({needs.references.map((reference) => reference.name).join(", ")}) are resolved by the server
          when an SDK fetches the prompt; the preview shows their tags as written.
        </p>
      )}
      <pre className={failed ? "prompt-text form-error" : "prompt-text"} aria-label="Compiled prompt">
        {output}
      </pre>
    </section>
  );
}
