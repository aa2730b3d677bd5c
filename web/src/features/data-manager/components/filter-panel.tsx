// The filter builder: one row per condition, joined by "and" or "or".
// Nothing is sent until Apply, and a row that cannot be applied names what
// to fix instead of being dropped.
import { useState } from "react";
import {
  operatorsByType,
  toFilterItem,
  toFilterRows,
  type FilterColumn,
  type FilterGroup,
  type FilterItem,
  type FilterRow,
} from "../lib/filters";

const inputTypes = { Number: "number", Datetime: "date", String: "text", Boolean: "text" } as const;

export function FilterPanel({
  columns,
  applied,
  onApply,
  error,
}: {
  columns: FilterColumn[];
  applied: FilterGroup;
  onApply: (group: FilterGroup) => void;
  error: string | null;
}) {
  const [rows, setRows] = useState<FilterRow[]>(() => toFilterRows(applied));
  const [conjunction, setConjunction] = useState<"and" | "or">(applied.conjunction);
  const [problem, setProblem] = useState<string | null>(null);

  const setRow = (index: number, change: Partial<FilterRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  function addRow() {
    const column = columns[0];
    setRows((current) => [...current, { column: column.id, operator: operatorsByType[column.type][0].id, value: "" }]);
  }

  function apply() {
    const items: FilterItem[] = [];
    for (const row of rows) {
      const built = toFilterItem(row, columns);
      if ("error" in built) {
        setProblem(built.error);
        return;
      }
      items.push(built.item);
    }
    setProblem(null);
    onApply({ conjunction, items });
  }

  return (
    <section className="filter-panel card" aria-label="Filters">
      {rows.length === 0 && <p className="muted">No filters: every task is listed.</p>}
      {rows.map((row, index) => {
        const column = columns.find((c) => c.id === row.column);
        const operators = column ? operatorsByType[column.type] : [];
        return (
          <div key={index} className="filter-row">
            <span className="filter-join">
              {index === 0 ? (
                "Where"
              ) : index === 1 ? (
                <select aria-label="Join conditions with" value={conjunction} onChange={(e) => setConjunction(e.target.value as "and" | "or")}>
                  <option value="and">and</option>
                  <option value="or">or</option>
                </select>
              ) : (
                conjunction
              )}
            </span>
            <select
              aria-label={`Filter ${index + 1} column`}
              value={row.column}
              onChange={(e) => {
                const next = columns.find((c) => c.id === e.target.value)!;
                setRow(index, { column: next.id, operator: operatorsByType[next.type][0].id, value: "" });
              }}
            >
              {!column && <option value={row.column}>{row.column}</option>}
              {columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
            <select aria-label={`Filter ${index + 1} comparison`} value={row.operator} onChange={(e) => setRow(index, { operator: e.target.value })}>
              {operators.map((op) => (
                <option key={op.id} value={op.id}>
                  {op.title}
                </option>
              ))}
            </select>
            {column?.type === "Boolean" ? (
              <select aria-label={`Filter ${index + 1} value`} value={row.value} onChange={(e) => setRow(index, { value: e.target.value })}>
                <option value="">choose…</option>
                <option value="true">yes</option>
                <option value="false">no</option>
              </select>
            ) : (
              <input
                aria-label={`Filter ${index + 1} value`}
                type={inputTypes[column?.type ?? "String"]}
                value={row.value}
                onChange={(e) => setRow(index, { value: e.target.value })}
                onKeyDown={(e) => e.key === "Enter" && apply()}
              />
            )}
            <button type="button" className="icon-button" aria-label={`Remove filter ${index + 1}`} onClick={() => setRows(rows.filter((_, i) => i !== index))}>
              ×
            </button>
          </div>
        );
      })}
      {(problem ?? error) && (
        <p className="form-error" role="alert">
          {problem ?? error}
        </p>
      )}
      <div className="button-row">
        <button type="button" onClick={addRow}>
          Add filter
        </button>
        <button type="button" className="primary" onClick={apply}>
          Apply
        </button>
      </div>
    </section>
  );
}
