// The form for a new LLM-as-a-judge rule: the template with its variables
// marked, one mapping per variable to a trace field, the target filter,
// sampling, delay and the score it writes. A dry run on one trace shows the
// filled template and the judge's verdict without storing a score.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { createRule, dryRunRule, scoreDataTypes, type LlmConnection, type RuleFields } from "../api/evaluators";
import { mappingForApi, syncMappings, type VariableMapping } from "../lib/template";
import { TemplateEditor } from "./template-editor";

const starterTemplate = "Question: {{question}}\nAnswer: {{answer}}\n\nIs the answer correct and complete?";
const sources = ["input", "output", "metadata", "expected_output"];
const filterExample = '[{"type": "string", "column": "name", "operator": "=", "value": "qa"}]';

export function RuleEditor({ projectId, connections }: { projectId: number; connections: LlmConnection[] }) {
  const [name, setName] = useState("");
  const [connectionId, setConnectionId] = useState("");
  const [prompt, setPrompt] = useState(starterTemplate);
  const [mappings, setMappings] = useState<VariableMapping[]>(() => syncMappings(starterTemplate, []));
  const [filterText, setFilterText] = useState("");
  const [sampling, setSampling] = useState("1");
  const [delayMs, setDelayMs] = useState("0");
  const [scoreName, setScoreName] = useState("");
  const [scoreDataType, setScoreDataType] = useState<RuleFields["scoreDataType"]>("NUMERIC");
  const [categories, setCategories] = useState("");
  const [traceId, setTraceId] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const chosenConnection = connectionId || connections[0]?.id || "";

  function changePrompt(next: string) {
    setPrompt(next);
    setMappings((current) => syncMappings(next, current));
  }

  function updateMapping(index: number, change: Partial<VariableMapping>) {
    setMappings((current) => current.map((mapping, i) => (i === index ? { ...mapping, ...change } : mapping)));
  }

  // The rule as the API takes it, or null after reporting what to fix.
  function fields(): RuleFields | null {
    setFormError(null);
    let filter: unknown[] = [];
    if (filterText.trim()) {
      try {
        const parsed: unknown = JSON.parse(filterText);
        if (!Array.isArray(parsed)) throw new Error("not a list");
        filter = parsed;
      } catch {
        setFormError(`The filter must be a JSON list of conditions, such as ${filterExample}, or empty for every trace.`);
        return null;
      }
    }
    if (!chosenConnection) {
      setFormError("Add an LLM connection first: the rule needs a judge to call.");
      return null;
    }
    return {
      name: name.trim(),
      connectionId: chosenConnection,
      prompt,
      variableMapping: mappings.map(mappingForApi),
      filter,
      sampling: Number(sampling),
      delayMs: Number(delayMs),
      scoreName: scoreName.trim(),
      scoreDataType,
      ...(scoreDataType === "CATEGORICAL"
        ? { scoreCategories: categories.split(",").map((category) => category.trim()).filter(Boolean) }
        : {}),
    };
  }

  const create = useMutation({
    mutationFn: (rule: RuleFields) => createRule(projectId, rule),
    onSuccess: () => {
      setName("");
      setScoreName("");
      queryClient.invalidateQueries({ queryKey: ["evaluator-rules", projectId] });
    },
  });
  const dryRun = useMutation({ mutationFn: (rule: RuleFields) => dryRunRule(projectId, traceId.trim(), rule) });

  return (
    <section className="card stack" aria-label="New evaluator">
      <h3>New LLM-as-a-judge evaluator</h3>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          const rule = fields();
          if (rule) create.mutate(rule);
        }}
      >
        <div className="eval-form-row">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label>
            LLM connection
            <select value={chosenConnection} onChange={(e) => setConnectionId(e.target.value)}>
              {connections.length === 0 && <option value="">No connection yet</option>}
              {connections.map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {connection.name} ({connection.model})
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="stack">
          <span className="field-title">Template</span>
          <TemplateEditor value={prompt} onChange={changePrompt} label="Judge template" />
          <p className="hint">
            Write {"{{variable}}"} where a trace value goes; the judge is asked for a reasoning and a score.
          </p>
        </div>
        <table className="eval-table" aria-label="Variable mapping">
          <thead>
            <tr>
              <th>Variable</th>
              <th>Source</th>
              <th>JSON path</th>
              <th>Observation name</th>
            </tr>
          </thead>
          <tbody>
            {mappings.map((mapping, index) => (
              <tr key={mapping.variable}>
                <td>
                  <code>{`{{${mapping.variable}}}`}</code>
                </td>
                <td>
                  <select
                    aria-label={`Source of ${mapping.variable}`}
                    value={mapping.source.startsWith("metadata.") ? "metadata" : mapping.source}
                    onChange={(e) => updateMapping(index, { source: e.target.value })}
                  >
                    {sources.map((source) => (
                      <option key={source}>{source}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`JSON path of ${mapping.variable}`}
                    value={mapping.jsonPath ?? ""}
                    placeholder="$.answer"
                    onChange={(e) => updateMapping(index, { jsonPath: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Observation of ${mapping.variable}`}
                    value={mapping.observationName ?? ""}
                    placeholder="the trace itself"
                    onChange={(e) => updateMapping(index, { observationName: e.target.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="eval-form-row">
          <label className="grow">
            Target filter (JSON, as in GET /api/public/traces)
            <input value={filterText} onChange={(e) => setFilterText(e.target.value)} placeholder={filterExample} />
          </label>
          <label>
            Sampling (0–1]
            <input type="number" min={0.001} max={1} step="any" value={sampling} onChange={(e) => setSampling(e.target.value)} />
          </label>
          <label>
            Delay (ms)
            <input type="number" min={0} value={delayMs} onChange={(e) => setDelayMs(e.target.value)} />
          </label>
        </div>
        <div className="eval-form-row">
          <label>
            Score name
            <input value={scoreName} onChange={(e) => setScoreName(e.target.value)} required />
          </label>
          <label>
            Score type
            <select value={scoreDataType} onChange={(e) => setScoreDataType(e.target.value as RuleFields["scoreDataType"])}>
              {scoreDataTypes.map((type) => (
                <option key={type}>{type}</option>
              ))}
            </select>
          </label>
          {scoreDataType === "CATEGORICAL" && (
            <label className="grow">
              Categories (comma-separated)
              <input value={categories} onChange={(e) => setCategories(e.target.value)} required />
            </label>
          )}
        </div>
        {formError && <p className="form-error">{formError}</p>}
        {create.error && <p className="form-error">{describeError(create.error, "create the evaluator")}</p>}
        {create.isSuccess && <p className="form-ok">Evaluator created. It scores traces ingested from now on.</p>}
        <div className="eval-form-row">
          <label>
            Trace id for a dry run
            <input value={traceId} onChange={(e) => setTraceId(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={!traceId.trim() || dryRun.isPending}
            onClick={() => {
              const rule = fields();
              if (rule) dryRun.mutate(rule);
            }}
          >
            Dry run
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create evaluator
          </button>
        </div>
      </form>
      {dryRun.error && <p className="form-error">{describeError(dryRun.error, "run the judge")}</p>}
      {dryRun.data && (
        <section className="dry-run stack" aria-label="Dry run result">
          <h4>Sent to the judge</h4>
          <pre className="prompt-text">{dryRun.data.prompt}</pre>
          {dryRun.data.verdict && (
            <p className="form-ok">
              Score {dryRun.data.verdict.stringValue ?? dryRun.data.verdict.value}: {dryRun.data.verdict.reasoning}
            </p>
          )}
          {dryRun.data.error && <p className="form-error">The judge gave no verdict: {dryRun.data.error}</p>}
          <p className="hint">Nothing was stored.</p>
        </section>
      )}
    </section>
  );
}
