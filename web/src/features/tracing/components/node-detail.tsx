// The right-hand pane of the trace page: the selected trace or observation
// with its input and output, model and parameters, usage and cost with the
// price that produced it, level and status, metadata, its scores and its
// comments.
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import type { Score } from "../api/scores";
import { fetchModel, type Observation, type TraceDetail } from "../api/traces";
import { formatCost, formatDuration } from "../lib/timeline";
import { CopyButton } from "./copy-button";
import { IoView, JsonTree } from "./io-view";

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function ScoreList({ scores }: { scores: Score[] }) {
  if (scores.length === 0) return <p className="muted">No scores yet.</p>;
  return (
    <table className="tracing-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Value</th>
          <th>Source</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {scores.map((score) => (
          <tr key={score.id} data-score-name={score.name}>
            <td>{score.name}</td>
            <td>{score.stringValue ?? score.value ?? ""}</td>
            <td>
              <span className="badge">{score.source}</span>
            </td>
            <td>{score.comment ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Usage and cost per usage type (input, output, total, cached…), with the
// unit price of the model's tier that produced each cost.
function UsageAndCost({ projectId, observation }: { projectId: number; observation: Observation }) {
  const model = useQuery({
    queryKey: ["model", projectId, observation.modelId],
    queryFn: () => fetchModel(projectId, observation.modelId!),
    enabled: Boolean(observation.modelId),
    staleTime: 300_000,
  });
  const usage = observation.usageDetails ?? {};
  const cost = observation.costDetails ?? {};
  const keys = [...new Set([...Object.keys(usage), ...Object.keys(cost)])];
  if (keys.length === 0) return null;
  const tier =
    model.data?.pricingTiers.find((candidate) => candidate.name === observation.usagePricingTierName) ??
    model.data?.pricingTiers.find((candidate) => candidate.isDefault) ??
    model.data?.pricingTiers[0];
  const price = (key: string) => tier?.prices[key] ?? model.data?.prices?.[key]?.price;
  return (
    <section aria-label="Usage and cost">
      <h3>Usage and cost</h3>
      <table className="tracing-table">
        <thead>
          <tr>
            <th>Usage type</th>
            <th>Units</th>
            <th>Unit price</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <td>{key}</td>
              <td>{usage[key] ?? "–"}</td>
              <td>{price(key) !== undefined ? `$${price(key)}` : "–"}</td>
              <td>{cost[key] !== undefined ? formatCost(cost[key]) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {model.data ? (
        <p className="hint">
          Priced as {model.data.modelName} (pattern <code>{model.data.matchPattern}</code>
          {tier ? `, tier ${tier.name}` : ""}
          {model.data.isLangfuseManaged ? ", managed price table" : ", project model"}).
        </p>
      ) : (
        !observation.modelId && <p className="hint">No model definition matched, so costs are as the SDK sent them.</p>
      )}
    </section>
  );
}

export function NodeDetail({
  projectId,
  trace,
  observation,
  scores,
  actions,
  comments,
}: {
  projectId: number;
  trace: TraceDetail;
  observation: Observation | null;
  scores: Score[];
  actions: ReactNode;
  comments?: ReactNode;
}) {
  const subject = observation ?? trace;
  const start = observation ? observation.startTime : trace.timestamp;
  const ended = observation?.endTime ? Date.parse(observation.endTime) - Date.parse(observation.startTime) : null;
  const deepLink = observation
    ? `${window.location.origin}/projects/${projectId}/traces/${encodeURIComponent(trace.id)}?observation=${encodeURIComponent(observation.id)}`
    : `${window.location.origin}/projects/${projectId}/traces/${encodeURIComponent(trace.id)}`;
  return (
    <article className="node-detail" aria-label={observation ? `Observation ${observation.name ?? observation.id}` : "Trace"}>
      <header className="node-header">
        <h2>
          <span className="badge">{observation ? observation.type : "TRACE"}</span> {subject.name ?? subject.id}
        </h2>
        <div className="node-ids">
          <code>{subject.id}</code> <CopyButton value={subject.id} label={observation ? "observation id" : "trace id"} />{" "}
          <CopyButton value={deepLink} label="link" text="Copy link" />
        </div>
        <div className="node-actions">{actions}</div>
      </header>
      <dl className="node-facts">
        <Field term="Start">{new Date(start).toLocaleString()}</Field>
        {observation && <Field term="Duration">{formatDuration(ended)}</Field>}
        {!observation && <Field term="Latency">{formatDuration((trace.latency ?? 0) * 1000)}</Field>}
        {!observation && <Field term="Total cost">{formatCost(trace.totalCost)}</Field>}
        {observation?.model && <Field term="Model">{observation.model}</Field>}
        {observation?.timeToFirstToken != null && (
          <Field term="Time to first token">{formatDuration(observation.timeToFirstToken * 1000)}</Field>
        )}
        {observation?.level && (
          <Field term="Level">
            <span className={`level level-${observation.level.toLowerCase()}`}>{observation.level}</span>
          </Field>
        )}
        {observation?.statusMessage && <Field term="Status message">{observation.statusMessage}</Field>}
        {observation?.promptName && (
          <Field term="Prompt">
            {observation.promptName} v{observation.promptVersion}
          </Field>
        )}
        {!observation && trace.userId && <Field term="User">{trace.userId}</Field>}
        {!observation && trace.sessionId && (
          <Field term="Session">
            <Link to={`/projects/${projectId}/sessions/${encodeURIComponent(trace.sessionId)}`}>{trace.sessionId}</Link>
          </Field>
        )}
        {!observation && trace.tags.length > 0 && <Field term="Tags">{trace.tags.join(", ")}</Field>}
        {subject.environment && <Field term="Environment">{subject.environment}</Field>}
        {!observation && trace.release && <Field term="Release">{trace.release}</Field>}
        {subject.version && <Field term="Version">{subject.version}</Field>}
      </dl>
      <IoView label="Input" value={subject.input} />
      <IoView label="Output" value={subject.output} />
      {observation?.modelParameters != null && (
        <section aria-label="Model parameters">
          <h3>Model parameters</h3>
          <JsonTree value={observation.modelParameters} />
        </section>
      )}
      {observation && <UsageAndCost projectId={projectId} observation={observation} />}
      {subject.metadata != null && Object.keys(subject.metadata as object).length > 0 && (
        <section aria-label="Metadata">
          <h3>Metadata</h3>
          <JsonTree value={subject.metadata} />
        </section>
      )}
      <section aria-label="Scores">
        <h3>Scores</h3>
        <ScoreList scores={scores} />
      </section>
      {comments}
    </article>
  );
}
