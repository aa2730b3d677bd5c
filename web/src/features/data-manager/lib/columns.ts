// Columns of the Data Manager: task fields first, then one per data key.
import type { Task } from "../../labeling/api/tasks";

export interface Column {
  id: string;
  title: string;
  width: number; // px
  value: (task: Task) => string;
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

function date(value: string | null | undefined): string {
  if (!value) return "";
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toLocaleString();
}

const taskColumns: Column[] = [
  { id: "id", title: "ID", width: 80, value: (task) => String(task.id) },
  { id: "completed_at", title: "Completed", width: 170, value: (task) => date(task.completed_at) },
  { id: "total_annotations", title: "Annotations", width: 110, value: (task) => String(task.total_annotations) },
  { id: "cancelled_annotations", title: "Skipped", width: 90, value: (task) => String(task.cancelled_annotations) },
  { id: "total_predictions", title: "Predictions", width: 110, value: (task) => String(task.total_predictions) },
];

// The config's data keys in its order, then other keys seen in the loaded
// tasks, at most `limit` data columns.
export function dataKeys(configKeys: string[], sample: Task[], limit = 8): string[] {
  const keys = [...configKeys];
  for (const task of sample) for (const key of Object.keys(task.data)) if (!keys.includes(key)) keys.push(key);
  return keys.slice(0, limit);
}

export function buildColumns(keys: string[]): Column[] {
  return [
    ...taskColumns,
    ...keys.map((key) => ({ id: `data.${key}`, title: key, width: 280, value: (task: Task) => cellText(task.data[key]) })),
  ];
}
