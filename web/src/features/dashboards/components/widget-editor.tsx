// The form that builds or changes one widget: chart type, view, metrics
// (measure and aggregation), dimensions to group by, filters, time
// granularity and histogram bins. lib/catalogue.ts turns the fields into
// the stored query; the server checks it again on save.
import { useState, type FormEvent } from "react";
import type { MetricsFilter, Widget, WidgetQuery } from "../api/dashboards";
import {
  aggregations,
  buildFilter,
  draftToQuery,
  filterOperators,
  filterText,
  findView,
  granularities,
  metricsViews,
  queryToDraft,
  widgetTypeLabels,
  type WidgetDraft,
} from "../lib/catalogue";

interface FilterRow {
  column: string;
  operator: string;
  text: string;
}

const newDraft: WidgetDraft = {
  name: "",
  type: "time_series",
  view: "traces",
  metrics: [{ measure: "count", aggregation: "count" }],
  dimensions: [],
  filters: [],
  granularity: "auto",
  bins: 20,
};

function filterRowOf(filter: MetricsFilter): FilterRow {
  return { column: filter.column, operator: filter.operator, text: filterText(filter) };
}

export function WidgetEditor({
  widget,
  error,
  saving,
  onSave,
  onCancel,
}: {
  // The widget to change, or null for a new one.
  widget: Widget | null;
  error: string | null;
  saving: boolean;
  onSave: (fields: { name: string; type: WidgetDraft["type"]; query: WidgetQuery }) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<WidgetDraft>(() => (widget ? queryToDraft(widget) : newDraft));
  const [filters, setFilters] = useState<FilterRow[]>(() => draft.filters.map(filterRowOf));
  const [problem, setProblem] = useState<string | null>(null);
  const view = findView(draft.view) ?? metricsViews[0];
  const groupable = view.dimensions.filter((dimension) => !dimension.highCardinality);
  const showDimensions = draft.type !== "number" && draft.type !== "histogram";

  function change(fields: Partial<WidgetDraft>) {
    setDraft((current) => ({ ...current, ...fields }));
  }

  function changeView(name: string) {
    // Measures and columns differ per view, so start the lists over.
    change({ view: name, metrics: [{ measure: "count", aggregation: "count" }], dimensions: [] });
    setFilters([]);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const built: MetricsFilter[] = [];
    for (const row of filters) {
      const dimension = view.dimensions.find((option) => option.name === row.column);
      if (!dimension) {
        setProblem(`Pick a column for every filter, or remove the empty one.`);
        return;
      }
      const result = buildFilter(dimension, row.operator, row.text);
      if ("error" in result) {
        setProblem(result.error);
        return;
      }
      built.push(result.filter);
    }
    const result = draftToQuery({ ...draft, filters: built, dimensions: showDimensions ? draft.dimensions : [] });
    if ("error" in result) {
      setProblem(result.error);
      return;
    }
    setProblem(null);
    onSave({ name: draft.name.trim(), type: draft.type, query: result.query });
  }

  const metricRows = draft.type === "histogram" ? draft.metrics.slice(0, 1) : draft.metrics;
  const submitLabel = widget ? "Save widget" : "Add widget";

  return (
    <form className="stack widget-editor" onSubmit={submit} noValidate>
      <div className="editor-row">
        <label>
          Name
          <input value={draft.name} onChange={(event) => change({ name: event.target.value })} required maxLength={200} />
        </label>
        <label>
          Chart
          <select value={draft.type} onChange={(event) => change({ type: event.target.value as WidgetDraft["type"] })}>
            {Object.entries(widgetTypeLabels).map(([type, label]) => (
              <option key={type} value={type}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          View
          <select value={draft.view} onChange={(event) => changeView(event.target.value)}>
            {metricsViews.map((option) => (
              <option key={option.name} value={option.name}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>

      <fieldset className="stack">
        <legend>{draft.type === "histogram" ? "Measure" : "Metrics"}</legend>
        {metricRows.map((metric, index) => (
          <div className="editor-row" key={index}>
            <label>
              Measure
              <select
                value={metric.measure}
                onChange={(event) =>
                  change({
                    metrics: draft.metrics.map((m, i) => (i === index ? { ...m, measure: event.target.value } : m)),
                  })
                }
              >
                {view.measures.map((option) => (
                  <option key={option.name} value={option.name}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
            {draft.type !== "histogram" && (
              <label>
                Aggregation
                <select
                  value={metric.aggregation}
                  onChange={(event) =>
                    change({
                      metrics: draft.metrics.map((m, i) => (i === index ? { ...m, aggregation: event.target.value } : m)),
                    })
                  }
                >
                  {aggregations.map((aggregation) => (
                    <option key={aggregation} value={aggregation}>
                      {aggregation}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {metricRows.length > 1 && (
              <button
                type="button"
                className="link-button"
                onClick={() => change({ metrics: draft.metrics.filter((_, i) => i !== index) })}
              >
                Remove metric {index + 1}
              </button>
            )}
          </div>
        ))}
        {draft.type !== "histogram" && draft.type !== "number" && (
          <button
            type="button"
            onClick={() => change({ metrics: [...draft.metrics, { measure: view.measures[0].name, aggregation: "sum" }] })}
          >
            Add metric
          </button>
        )}
      </fieldset>

      {showDimensions && (
        <div className="editor-row">
          {[0, 1].map((index) => (
            <label key={index}>
              {index === 0 ? "Group by" : "Then by"}
              <select
                value={draft.dimensions[index] ?? ""}
                disabled={index === 1 && !draft.dimensions[0]}
                onChange={(event) => {
                  const next = [...draft.dimensions];
                  if (event.target.value) next[index] = event.target.value;
                  else next.splice(index);
                  change({ dimensions: next.filter(Boolean) });
                }}
              >
                <option value="">(nothing)</option>
                {groupable.map((option) => (
                  <option key={option.name} value={option.name}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}

      {draft.type === "time_series" && (
        <label className="inline-label">
          Time buckets
          <select
            value={draft.granularity}
            onChange={(event) => change({ granularity: event.target.value as WidgetDraft["granularity"] })}
          >
            {granularities.map((granularity) => (
              <option key={granularity} value={granularity}>
                {granularity === "auto" ? "auto (about 50 per range)" : granularity}
              </option>
            ))}
          </select>
        </label>
      )}
      {draft.type === "histogram" && (
        <label className="inline-label">
          Bins
          <input
            type="number"
            min={1}
            max={100}
            value={draft.bins}
            onChange={(event) => change({ bins: Math.min(100, Math.max(1, Number(event.target.value) || 1)) })}
          />
        </label>
      )}

      <fieldset className="stack">
        <legend>Filters</legend>
        {filters.length === 0 && <p className="hint">Every {view.label.toLowerCase()} row counts.</p>}
        {filters.map((row, index) => {
          const dimension = view.dimensions.find((option) => option.name === row.column);
          const operators = dimension ? filterOperators[dimension.kind] : [];
          const update = (fields: Partial<FilterRow>) =>
            setFilters(filters.map((current, i) => (i === index ? { ...current, ...fields } : current)));
          return (
            <div className="editor-row" key={index}>
              <label>
                Column
                <select
                  value={row.column}
                  onChange={(event) => {
                    const next = view.dimensions.find((option) => option.name === event.target.value);
                    update({ column: event.target.value, operator: next ? filterOperators[next.kind][0] : "=" });
                  }}
                >
                  <option value="">(pick one)</option>
                  {view.dimensions.map((option) => (
                    <option key={option.name} value={option.name}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Operator
                <select value={row.operator} onChange={(event) => update({ operator: event.target.value })}>
                  {operators.map((operator) => (
                    <option key={operator} value={operator}>
                      {operator}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Value
                <input
                  value={row.text}
                  placeholder={dimension?.kind === "boolean" ? "true or false" : row.operator.endsWith(" of") ? "a, b, c" : ""}
                  onChange={(event) => update({ text: event.target.value })}
                />
              </label>
              <button type="button" className="link-button" onClick={() => setFilters(filters.filter((_, i) => i !== index))}>
                Remove filter {index + 1}
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => setFilters([...filters, { column: "", operator: "=", text: "" }])}>
          Add filter
        </button>
      </fieldset>

      {(problem || error) && (
        <p className="form-error" role="alert">
          {problem ?? error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
