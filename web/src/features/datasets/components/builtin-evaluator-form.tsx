// Scores every item of a dataset run with one of the server's deterministic
// evaluators (exact match, contains, regex, JSON validity, numeric
// tolerance, Levenshtein similarity) against the items' expected outputs.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { builtinEvaluatorTypes, runBuiltinEvaluator, type BuiltinEvaluatorType } from "../api/datasets";

// The one option each evaluator type takes from this form, if any.
const optionLabels: Record<BuiltinEvaluatorType, string | null> = {
  exact_match: null,
  contains: "Text (default: the expected output)",
  regex: "Pattern",
  json_validity: null,
  numeric_tolerance: "Tolerance",
  levenshtein_similarity: null,
};

export function BuiltinEvaluatorForm({
  projectId,
  datasetName,
  runNames,
}: {
  projectId: number;
  datasetName: string;
  runNames: string[];
}) {
  const [runName, setRunName] = useState(runNames[0] ?? "");
  const [type, setType] = useState<BuiltinEvaluatorType>("exact_match");
  const [option, setOption] = useState("");
  const [caseSensitive, setCaseSensitive] = useState(true);
  const [scoreName, setScoreName] = useState("");
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => {
      const evaluator: Record<string, unknown> = { type };
      if (type === "regex") evaluator.pattern = option;
      if (type === "contains" && option) evaluator.value = option;
      if (type === "numeric_tolerance" && option) evaluator.tolerance = Number(option);
      if (type !== "json_validity" && type !== "numeric_tolerance") evaluator.caseSensitive = caseSensitive;
      return runBuiltinEvaluator(projectId, { datasetName, runName, evaluator, scoreName: scoreName.trim() || undefined });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["dataset-comparison", projectId, datasetName] }),
  });
  const optionLabel = optionLabels[type];

  return (
    <form
      className="card eval-form-row"
      aria-label="Score a run with a built-in evaluator"
      onSubmit={(event) => {
        event.preventDefault();
        run.mutate();
      }}
    >
      <h4 className="form-title">Score a run with a built-in evaluator</h4>
      <label>
        Run
        <select value={runName} onChange={(e) => setRunName(e.target.value)}>
          {runNames.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Evaluator
        <select value={type} onChange={(e) => setType(e.target.value as BuiltinEvaluatorType)}>
          {builtinEvaluatorTypes.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      {optionLabel && (
        <label>
          {optionLabel}
          <input value={option} onChange={(e) => setOption(e.target.value)} required={type === "regex"} />
        </label>
      )}
      {type !== "json_validity" && type !== "numeric_tolerance" && (
        <label className="inline-choice">
          <input type="checkbox" checked={caseSensitive} onChange={(e) => setCaseSensitive(e.target.checked)} />
          Case-sensitive
        </label>
      )}
      <label>
        Score name
        <input value={scoreName} onChange={(e) => setScoreName(e.target.value)} placeholder={type} />
      </label>
      <button type="submit" disabled={run.isPending || !runName}>
        Score run
      </button>
      {run.data && (
        <p className="form-ok">
          Scored {run.data.scored} items
          {run.data.failures.length > 0 && `; ${run.data.failures.length} failed: ${run.data.failures[0].error}`}.
        </p>
      )}
      {run.error && <p className="form-error">{describeError(run.error, "score the run")}</p>}
    </form>
  );
}
