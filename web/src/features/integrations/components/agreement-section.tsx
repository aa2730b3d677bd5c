// Inter-annotator agreement of the project (per control, then per task
// with paging) and per-annotator statistics, as tables.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { ApiError, describeError } from "../../../api/client";
import type { Project } from "../../projects/api/projects";
import {
  agreementKey,
  agreementPageSize,
  annotatorStatsKey,
  fetchAgreement,
  fetchAnnotatorStats,
  type ProjectAgreement,
} from "../api/labeling-stats";
import { percent } from "../lib/model-accuracy";

function coefficient(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : value.toFixed(3);
}

// The coefficients that apply to a control's result type.
function controlFigures(control: ProjectAgreement["controls"][number]): string {
  const parts: string[] = [];
  if (control.fleiss_kappa !== undefined) parts.push(`Fleiss κ ${coefficient(control.fleiss_kappa)}`);
  if (control.krippendorff_alpha !== undefined) parts.push(`Krippendorff α ${coefficient(control.krippendorff_alpha)}`);
  if (control.cohen_kappa !== undefined) parts.push(`Cohen κ ${coefficient(control.cohen_kappa)}`);
  if (control.span_f1 !== undefined) parts.push(`span F1 ${coefficient(control.span_f1)}`);
  if (control.box_f1 !== undefined) parts.push(`box F1 ${coefficient(control.box_f1)}`);
  if (control.mean_iou !== undefined) parts.push(`mean IoU ${coefficient(control.mean_iou)}`);
  return parts.join(", ") || "–";
}

function AgreementTables({ project }: { project: Project }) {
  const [page, setPage] = useState(1);
  const agreement = useQuery({
    queryKey: agreementKey(project.id, page),
    queryFn: () => fetchAgreement(project.id, page),
  });
  if (agreement.isPending) return <p className="muted">Computing agreement…</p>;
  if (agreement.error) return <p className="form-error">{describeError(agreement.error, "compute the agreement")}</p>;
  const data = agreement.data;
  if (data.tasks_with_overlap === 0) {
    return (
      <p className="muted">
        No task has annotations from two or more people yet. Raise the overlap in the project settings to measure
        agreement.
      </p>
    );
  }
  const pages = Math.ceil(data.tasks_with_overlap / agreementPageSize);
  return (
    <div className="stack">
      <p>
        Mean agreement <strong>{percent(data.agreement)}</strong> over {data.tasks_with_overlap} tasks with overlap.
      </p>
      <table className="simple-table" aria-label="Agreement per control">
        <thead>
          <tr>
            <th scope="col">Control</th>
            <th scope="col">Type</th>
            <th scope="col">Tasks</th>
            <th scope="col">Mean pair agreement</th>
            <th scope="col">Coefficients</th>
          </tr>
        </thead>
        <tbody>
          {data.controls.map((control) => (
            <tr key={control.from_name}>
              <td>{control.from_name}</td>
              <td>{control.type}</td>
              <td>{control.tasks}</td>
              <td>{percent(control.mean_pair_agreement)}</td>
              <td>{controlFigures(control)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(data.skipped_results ?? 0) > 0 && (
        <p className="hint">{data.skipped_results} results of other types (text areas, ratings, …) are not compared.</p>
      )}
      <table className="simple-table" aria-label="Agreement per task">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Annotations</th>
            <th scope="col">Agreement</th>
          </tr>
        </thead>
        <tbody>
          {data.tasks.map((task) => (
            <tr key={task.task}>
              <td>
                <Link to={`/projects/${project.id}/review?task=${task.task}`}>{task.task}</Link>
              </td>
              <td>{task.annotations}</td>
              <td>{percent(task.agreement)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <div className="table-pager">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous tasks
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Next tasks
          </button>
        </div>
      )}
    </div>
  );
}

function AnnotatorTable({ project }: { project: Project }) {
  const stats = useQuery({ queryKey: annotatorStatsKey(project.id), queryFn: () => fetchAnnotatorStats(project.id) });
  if (stats.isPending) return <p className="muted">Loading annotator statistics…</p>;
  if (stats.error) {
    if (stats.error instanceof ApiError && stats.error.code === "forbidden") {
      return <p className="muted">Annotator statistics are shown to project managers and owners.</p>;
    }
    return <p className="form-error">{describeError(stats.error, "load the annotator statistics")}</p>;
  }
  if (stats.data.length === 0) return <p className="muted">Nobody has annotated a task yet.</p>;
  return (
    <table className="simple-table" aria-label="Annotator statistics">
      <thead>
        <tr>
          <th scope="col">Annotator</th>
          <th scope="col">Tasks</th>
          <th scope="col">Annotations</th>
          <th scope="col">Mean lead time</th>
          <th scope="col">Agreement with others</th>
          <th scope="col">Agreement with ground truth</th>
        </tr>
      </thead>
      <tbody>
        {stats.data.map((row) => (
          <tr key={row.user}>
            <td>{row.email ?? `user ${row.user}`}</td>
            <td>{row.tasks}</td>
            <td>{row.annotations}</td>
            <td>{row.mean_lead_time === null ? "–" : `${row.mean_lead_time.toFixed(1)} s`}</td>
            <td>{percent(row.agreement_with_others)}</td>
            <td>{percent(row.agreement_with_ground_truth)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AgreementSection({ project }: { project: Project }) {
  return (
    <section className="card stack" aria-labelledby="agreement-title">
      <h2 id="agreement-title">Agreement</h2>
      <AgreementTables project={project} />
      <h3>Annotators</h3>
      <AnnotatorTable project={project} />
    </section>
  );
}
