// Figures of the model-version comparison (precision, recall and F1 of each
// version's predictions against ground truth) as table rows.
import type { ModelVersionComparison } from "../api/ml-backends";

export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${(value * 100).toFixed(1)}%`;
}

export interface VersionRow {
  version: string;
  tasks: number;
  precision: string;
  recall: string;
  f1: string;
  best: boolean;
}

// Builds one row per model version, best F1 first. `best` marks every
// version with the highest F1, and none when no version scored a task.
export function versionRows(comparison: ModelVersionComparison): VersionRow[] {
  const scored = comparison.model_versions.filter((version) => version.tasks_evaluated > 0);
  const bestF1 = scored.length > 0 ? Math.max(...scored.map((version) => version.micro.f1)) : null;
  return [...comparison.model_versions]
    .sort((a, b) => b.micro.f1 - a.micro.f1 || a.model_version.localeCompare(b.model_version))
    .map((version) => ({
      version: version.model_version || "(no version)",
      tasks: version.tasks_evaluated,
      precision: percent(version.micro.precision),
      recall: percent(version.micro.recall),
      f1: percent(version.micro.f1),
      best: bestF1 !== null && version.tasks_evaluated > 0 && version.micro.f1 === bestF1,
    }));
}

// The sentence under the table: where ground truth came from.
export function groundTruthNote(comparison: ModelVersionComparison): string {
  const tasks = `${comparison.tasks_with_ground_truth} ${comparison.tasks_with_ground_truth === 1 ? "task" : "tasks"}`;
  return comparison.ground_truth_source === "ground_truth"
    ? `Scored against annotations marked as ground truth on ${tasks}.`
    : `No annotation is marked as ground truth, so each task's newest annotation counts as the truth (${tasks}).`;
}
