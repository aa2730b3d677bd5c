// Per-version metrics of a prompt side by side, one column per version:
// linked generations, latency, tokens, cost and score means, and the change
// between two chosen versions as the server computes it.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { fetchMetricsComparison, fetchPromptMetrics, type VersionMetrics } from "../api/prompts";
import { formatCost, formatNumber, formatSeconds, formatSigned } from "../lib/format";

export function VersionMetricsView({ projectId, name }: { projectId: number; name: string }) {
  const metrics = useQuery({ queryKey: ["prompt-metrics", projectId, name], queryFn: () => fetchPromptMetrics(projectId, name) });
  const [pair, setPair] = useState<{ left: number; right: number } | null>(null);
  const comparison = useQuery({
    queryKey: ["prompt-metrics-compare", projectId, name, pair],
    queryFn: () => fetchMetricsComparison(projectId, name, pair!.left, pair!.right),
    enabled: pair !== null && pair.left !== pair.right,
  });

  if (metrics.isPending) return <Loading what="the metrics" />;
  if (metrics.error) {
    return <ErrorState message={describeError(metrics.error, "load the metrics")} onRetry={() => metrics.refetch()} />;
  }
  const versions = [...metrics.data].sort((a, b) => b.version - a.version);
  if (versions.every((version) => version.generationCount === 0)) {
    return (
      <Empty>
        No generations are linked to this prompt yet. Pass the prompt to a generation in the SDK (prompt: fetchedPrompt)
        and its latency, tokens, cost and scores appear here per version.
      </Empty>
    );
  }
  const scoreNames = [...new Set(versions.flatMap((version) => version.scores.map((score) => score.name)))].sort();
  const rows: { label: string; value: (version: VersionMetrics) => string }[] = [
    { label: "Generations", value: (v) => formatNumber(v.generationCount) },
    { label: "Latency median", value: (v) => formatSeconds(v.latency.median) },
    { label: "Latency p95", value: (v) => formatSeconds(v.latency.p95) },
    { label: "Input tokens", value: (v) => formatNumber(v.tokens.input) },
    { label: "Output tokens", value: (v) => formatNumber(v.tokens.output) },
    { label: "Total cost", value: (v) => formatCost(v.totalCost) },
    ...scoreNames.map((scoreName) => ({
      label: `Score ${scoreName}`,
      value: (v: VersionMetrics) => {
        const score = v.scores.find((candidate) => candidate.name === scoreName);
        return score ? `${formatNumber(score.mean)} (n=${score.count})` : "—";
      },
    })),
  ];
  const left = pair?.left ?? versions[versions.length > 1 ? 1 : 0].version;
  const right = pair?.right ?? versions[0].version;

  return (
    <section className="card stack" aria-label="Version metrics">
      <div className="table-scroll">
        <table className="eval-table metrics-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              {versions.map((version) => (
                <th key={version.version} scope="col">
                  v{version.version} {version.labels.filter((label) => label !== "latest").join(", ")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {versions.map((version) => (
                  <td key={version.version}>{row.value(version)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="diff-pickers">
        {(["left", "right"] as const).map((side) => (
          <label key={side}>
            {side === "left" ? "From" : "To"}
            <select
              value={side === "left" ? left : right}
              onChange={(e) => setPair({ left, right, [side]: Number(e.target.value) })}
            >
              {versions.map((version) => (
                <option key={version.version} value={version.version}>
                  v{version.version}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button type="button" onClick={() => setPair({ left, right })} disabled={left === right}>
          Compare
        </button>
      </div>
      {comparison.error && <p className="form-error">{describeError(comparison.error, "compare the versions")}</p>}
      {comparison.data && (
        <dl className="prompt-facts" aria-label="Change between versions">
          <dt>Generations</dt>
          <dd>{formatSigned(comparison.data.difference.generationCount)}</dd>
          <dt>Latency median</dt>
          <dd>{formatSigned(comparison.data.difference.latencyMedian, " s")}</dd>
          <dt>Latency p95</dt>
          <dd>{formatSigned(comparison.data.difference.latencyP95, " s")}</dd>
          <dt>Total tokens</dt>
          <dd>{formatSigned(comparison.data.difference.totalTokens)}</dd>
          <dt>Total cost</dt>
          <dd>{formatSigned(comparison.data.difference.totalCost, " USD")}</dd>
          {comparison.data.difference.scores.map((score) => (
            <div key={score.name} className="fact-pair">
              <dt>Score {score.name}</dt>
              <dd>{formatSigned(score.difference)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
