// The Data Manager's filters and ordering in Label Studio's query format:
//   filters  {"conjunction": "and"|"or", "items": [{"filter": "filter:tasks:<column>",
//             "operator": …, "type": "Number"|"String"|"Boolean"|"Datetime", "value": …}]}
//   ordering ["tasks:<column>"] or ["-tasks:<column>"] for descending
// Data fields are the columns "data.<key>". The server checks every item and
// rejects what it cannot apply, naming the item.

export type FilterType = "Number" | "String" | "Boolean" | "Datetime";

export interface FilterColumn {
  id: string; // "total_annotations" or "data.text"
  title: string;
  type: FilterType;
}

export interface FilterRow {
  column: string;
  operator: string;
  value: string; // as typed; converted by toFilterItem
}

export interface FilterItem {
  filter: string;
  operator: string;
  type: FilterType;
  value?: unknown;
}

export interface FilterGroup {
  conjunction: "and" | "or";
  items: FilterItem[];
}

export const taskFilterColumns: FilterColumn[] = [
  { id: "id", title: "ID", type: "Number" },
  { id: "total_annotations", title: "Annotations", type: "Number" },
  { id: "cancelled_annotations", title: "Skipped", type: "Number" },
  { id: "total_predictions", title: "Predictions", type: "Number" },
  { id: "is_labeled", title: "Labeled", type: "Boolean" },
  { id: "created_at", title: "Created", type: "Datetime" },
  { id: "completed_at", title: "Completed", type: "Datetime" },
];

export function filterColumns(dataKeys: string[]): FilterColumn[] {
  return [...taskFilterColumns, ...dataKeys.map((key) => ({ id: `data.${key}`, title: key, type: "String" as const }))];
}

export const operatorsByType: Record<FilterType, Array<{ id: string; title: string }>> = {
  Number: [
    { id: "equal", title: "=" },
    { id: "not_equal", title: "≠" },
    { id: "greater", title: ">" },
    { id: "less", title: "<" },
    { id: "greater_or_equal", title: "≥" },
    { id: "less_or_equal", title: "≤" },
  ],
  String: [
    { id: "contains", title: "contains" },
    { id: "not_contains", title: "does not contain" },
    { id: "equal", title: "is" },
    { id: "not_equal", title: "is not" },
    { id: "regex", title: "matches regex" },
  ],
  Boolean: [{ id: "equal", title: "is" }],
  Datetime: [
    { id: "greater", title: "after" },
    { id: "less", title: "before" },
  ],
};

// The filter item for a row, or an error that names what to fix.
export function toFilterItem(row: FilterRow, columns: FilterColumn[]): { item: FilterItem } | { error: string } {
  const column = columns.find((c) => c.id === row.column);
  if (!column) return { error: `Choose a column for the filter on “${row.column}”.` };
  if (!operatorsByType[column.type].some((op) => op.id === row.operator)) {
    return { error: `Choose a comparison for ${column.title}.` };
  }
  const base = { filter: `filter:tasks:${column.id}`, operator: row.operator, type: column.type };
  switch (column.type) {
    case "Number": {
      const value = Number(row.value.trim());
      if (row.value.trim() === "" || !Number.isFinite(value)) return { error: `${column.title} needs a number.` };
      return { item: { ...base, value } };
    }
    case "Boolean":
      if (row.value !== "true" && row.value !== "false") return { error: `${column.title} needs yes or no.` };
      return { item: { ...base, value: row.value === "true" } };
    case "Datetime": {
      const time = new Date(row.value);
      if (row.value === "" || Number.isNaN(time.getTime())) return { error: `${column.title} needs a date.` };
      return { item: { ...base, value: time.toISOString() } };
    }
    case "String":
      return { item: { ...base, value: row.value } };
  }
}

// Editable rows for a stored filter group; items of unknown columns are kept
// as rows on their raw column id so nothing is silently dropped.
export function toFilterRows(group: FilterGroup | null | undefined): FilterRow[] {
  return (group?.items ?? []).map((item) => {
    const column = item.filter.replace(/^filter:tasks:/, "");
    let value = item.value === null || item.value === undefined ? "" : String(item.value);
    if (item.type === "Datetime" && typeof item.value === "string") value = item.value.slice(0, 10);
    return { column, operator: item.operator, value };
  });
}

export interface Ordering {
  column: string;
  descending: boolean;
}

export function toOrderingList(ordering: Ordering | null): string[] {
  return ordering ? [`${ordering.descending ? "-" : ""}tasks:${ordering.column}`] : [];
}

export function fromOrderingList(list: unknown): Ordering | null {
  if (!Array.isArray(list) || typeof list[0] !== "string") return null;
  const descending = list[0].startsWith("-");
  return { column: list[0].replace(/^-?tasks:/, ""), descending };
}

// The next ordering after a click on a column header: ascending, then
// descending, then none.
export function nextOrdering(current: Ordering | null, column: string): Ordering | null {
  if (!current || current.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}
