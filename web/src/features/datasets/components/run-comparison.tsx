// Runs of a dataset compared side by side. The server computes per-run
// aggregates and their deltas against a baseline run. Below them, each item
// gets a row with every run's output, latency, cost and scores, and the
// item's deltas against the baseline run's cell.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Pager } from "../../../ui/pager";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { formatCost, formatNumber, formatSeconds, formatSigned } from "../../prompts/lib/format";
import { fetchDatasetRuns, fetchRunComparison, type RunColumn, type RunOutcome } from "../api/datasets";
import { deltaTone, itemDeltas } from "../lib/comparison";
import { BuiltinEvaluatorForm } from "./builtin-evaluator-form";
import { previewJson } from "../lib/json-text";

const pageSize = 25;
const defaultRunCount = 4;

function Delta({ kind, value, unit }: { kind: "latency" | "cost" | "score"; value: number | null; unit?: string }) {
  if (value === null) return null;
  const tone = deltaTone(kind, value);
  const text = kind === "cost" ? formatSigned(value, " USD") : formatSigned(value, unit);
  return <span className={`delta delta-${tone}`}> ({text})</span>;
}

function Aggregates({ runs, scoreNames }: { runs: RunColumn[]; scoreNames: string[] }) {
  return (
    <div className="table-scroll">
      <table className="eval-table" aria-label="Run aggregates">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Items</th>
            <th scope="col">Latency mean</th>
            <th scope="col">Latency p95</th>
            <th scope="col">Total cost</th>
            {scoreNames.map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row">
                {run.name} {run.isBaseline && <span className="badge">baseline</span>}
              </th>
              <td>{run.aggregates.itemCount}</td>
              <td>
                {formatSeconds(run.aggregates.latency.mean)}
                {!run.isBaseline && <Delta kind="latency" value={run.deltas.latency.mean} unit=" s" />}
              </td>
              <td>
                {formatSeconds(run.aggregates.latency.p95)}
                {!run.isBaseline && <Delta kind="latency" value={run.deltas.latency.p95} unit=" s" />}
              </td>
              <td>
                {formatCost(run.aggregates.totalCost)}
                {!run.isBaseline && <Delta kind="cost" value={run.deltas.totalCost} />}
              </td>
              {scoreNames.map((name) => {
                const score = run.aggregates.scores[name];
                return (
                  <td key={name}>
                    {score ? formatNumber(score.mean) : "—"}
                    {score?.categories &&
                      ` ${Object.entries(score.categories)
                        .map(([category, count]) => `${category}: ${count}`)
                        .join(", ")}`}
                    {!run.isBaseline && <Delta kind="score" value={run.deltas.scores[name] ?? null} />}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunCell({ cell, baseline, isBaseline }: { cell: RunOutcome | null; baseline: RunOutcome | null; isBaseline: boolean }) {
  if (!cell) return <span className="muted">no result</span>;
  const deltas = isBaseline ? null : itemDeltas(cell, baseline);
  return (
    <div className="run-cell">
      <pre className="prompt-text">{previewJson(cell.output, 400)}</pre>
      <span>
        {formatSeconds(cell.latency)}
        {deltas && <Delta kind="latency" value={deltas.latency} unit=" s" />}
        {" · "}
        {formatCost(cell.cost)}
        {deltas && <Delta kind="cost" value={deltas.cost} />}
      </span>
      <span className="score-chips">
        {cell.scores.map((score, index) => (
          <span key={index} className="badge" title={score.comment ?? undefined}>
            {score.name}: {score.value !== null ? formatNumber(score.value) : score.stringValue}
            {deltas && score.value !== null && <Delta kind="score" value={deltas.scores[score.name] ?? null} />}
          </span>
        ))}
      </span>
    </div>
  );
}

export function RunComparisonView({ projectId, datasetName }: { projectId: number; datasetName: string }) {
  const runs = useQuery({ queryKey: ["dataset-runs", projectId, datasetName], queryFn: () => fetchDatasetRuns(projectId, datasetName) });
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [baseline, setBaseline] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const runNames = runs.data?.data.map((run) => run.name) ?? [];
  const selected = chosen ?? runNames.slice(0, defaultRunCount);
  const comparison = useQuery({
    queryKey: ["dataset-comparison", projectId, datasetName, selected, baseline, page],
    queryFn: () =>
      fetchRunComparison(projectId, {
        datasetName,
        runs: selected,
        baseline: baseline && selected.includes(baseline) ? baseline : undefined,
        page,
        limit: pageSize,
      }),
    enabled: selected.length > 0,
    placeholderData: (previous) => previous,
  });

  if (runs.isPending) return <Loading what="runs" />;
  if (runs.error) return <ErrorState message={describeError(runs.error, "load the runs")} onRetry={() => runs.refetch()} />;
  if (runNames.length === 0) {
    return (
      <Empty>
        No runs yet. Run an experiment with an SDK (dataset.runExperiment, or item.link for each item) and it appears
        here.
      </Empty>
    );
  }

  function toggle(name: string) {
    setChosen(selected.includes(name) ? selected.filter((run) => run !== name) : [...selected, name]);
    setPage(1);
  }

  const data = comparison.data;
  const ordered = data ? selected.filter((name) => data.runs.some((run) => run.name === name)) : [];

  return (
    <section className="stack" aria-label="Runs">
      <fieldset className="run-picker">
        <legend>Runs to compare</legend>
        {runNames.map((name) => (
          <label key={name} className="inline-choice">
            <input type="checkbox" checked={selected.includes(name)} onChange={() => toggle(name)} />
            {name}
          </label>
        ))}
      </fieldset>
      {selected.length > 0 && (
        <label className="baseline-picker">
          Baseline
          <select aria-label="Baseline run" value={data?.baseline ?? ""} onChange={(e) => setBaseline(e.target.value)}>
            {selected.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      )}
      {comparison.error && (
        <ErrorState message={describeError(comparison.error, "compare the runs")} onRetry={() => comparison.refetch()} />
      )}
      {selected.length > 0 && comparison.isPending && <Loading what="the comparison" />}
      {data && (
        <>
          <Aggregates runs={data.runs} scoreNames={data.scoreNames} />
          <div className="table-scroll">
            <table className="eval-table" aria-label="Run comparison">
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Expected output</th>
                  {ordered.map((name) => (
                    <th key={name} scope="col">
                      {name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.datasetItemId}>
                    <td>{previewJson(item.input)}</td>
                    <td>{previewJson(item.expectedOutput)}</td>
                    {ordered.map((name) => (
                      <td key={name}>
                        <RunCell
                          cell={item.runs[name] ?? null}
                          baseline={item.runs[data.baseline] ?? null}
                          isBaseline={name === data.baseline}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} totalPages={data.meta.totalPages} onPage={setPage} label="Comparison pages" />
        </>
      )}
      <BuiltinEvaluatorForm projectId={projectId} datasetName={datasetName} runNames={runNames} />
    </section>
  );
}
