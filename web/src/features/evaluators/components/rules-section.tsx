// The project's evaluator rules: status, score, sampling, recent executions,
// and actions to pause, resume or delete a rule.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import { deleteRule, fetchExecutions, fetchRules, setRuleStatus, type LlmConnection } from "../api/evaluators";

function Executions({ projectId, ruleId }: { projectId: number; ruleId: string }) {
  const executions = useQuery({
    queryKey: ["evaluator-executions", projectId, ruleId],
    queryFn: () => fetchExecutions(projectId, ruleId),
  });
  if (executions.isPending) return <Loading what="executions" />;
  if (executions.error) return <p className="form-error">{describeError(executions.error, "load the executions")}</p>;
  if (executions.data.length === 0) return <p className="hint">No traces judged yet.</p>;
  return (
    <ul className="execution-list">
      {executions.data.map((execution) => (
        <li key={execution.id}>
          <code>{execution.traceId}</code> {execution.status}
          {execution.error && <span className="form-error"> {execution.error}</span>}
        </li>
      ))}
    </ul>
  );
}

export function RulesSection({ projectId, connections }: { projectId: number; connections: LlmConnection[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ["evaluator-rules", projectId], queryFn: () => fetchRules(projectId) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["evaluator-rules", projectId] });
  const toggle = useMutation({
    mutationFn: ({ id, status }: { id: string; status: "ACTIVE" | "INACTIVE" }) => setRuleStatus(projectId, id, status),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteRule(projectId, id), onSuccess: refresh });

  return (
    <section className="card stack" aria-label="Evaluators">
      <h3>Evaluators</h3>
      {rules.isPending && <Loading what="evaluators" />}
      {rules.error && <ErrorState message={describeError(rules.error, "load the evaluators")} onRetry={() => rules.refetch()} />}
      {rules.data?.length === 0 && <Empty>No evaluators yet. Create one below.</Empty>}
      {rules.data && rules.data.length > 0 && (
        <table className="eval-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Judge</th>
              <th>Score</th>
              <th>Sampling</th>
              <th>Status</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data.map((rule) => (
              <tr key={rule.id}>
                <td>
                  {rule.name}
                  {open === rule.id && <Executions projectId={projectId} ruleId={rule.id} />}
                </td>
                <td>{connections.find((connection) => connection.id === rule.connectionId)?.name ?? rule.connectionId}</td>
                <td>
                  {rule.scoreName} <span className="badge">{rule.scoreDataType}</span>
                </td>
                <td>{Math.round(rule.sampling * 100)}%</td>
                <td>{rule.status === "ACTIVE" ? "active" : "paused"}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setOpen(open === rule.id ? null : rule.id)}>
                    {open === rule.id ? "Hide runs" : "Runs"}
                  </button>
                  <button
                    type="button"
                    onClick={() => toggle.mutate({ id: rule.id, status: rule.status === "ACTIVE" ? "INACTIVE" : "ACTIVE" })}
                  >
                    {rule.status === "ACTIVE" ? "Pause" : "Resume"}
                  </button>
                  <button type="button" className="danger" onClick={() => remove.mutate(rule.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(toggle.error ?? remove.error) && (
        <p className="form-error">{describeError(toggle.error ?? remove.error, "change the evaluator")}</p>
      )}
    </section>
  );
}
