// The filter form of the trace table. It edits a draft and hands a checked
// TraceFilters to `onApply`; a bad number names its field and applies
// nothing.
import { useState } from "react";
import {
  emptyFilters,
  levels,
  numberOperators,
  parseBound,
  splitList,
  type CategoryCondition,
  type Level,
  type MetadataCondition,
  type NumberOperator,
  type ScoreCondition,
  type TraceFilters,
} from "../lib/trace-filters";

interface ScoreRow {
  name: string;
  operator: NumberOperator;
  value: string;
}

export function TraceFilterPanel({
  applied,
  scoreNames,
  onApply,
}: {
  applied: TraceFilters;
  scoreNames: string[];
  onApply: (filters: TraceFilters) => void;
}) {
  const [text, setText] = useState({
    name: applied.name,
    userId: applied.userId,
    sessionId: applied.sessionId,
    release: applied.release,
    version: applied.version,
    environments: applied.environments.join(", "),
    tags: applied.tags.join(", "),
    minLatency: applied.minLatency?.toString() ?? "",
    maxLatency: applied.maxLatency?.toString() ?? "",
    minCost: applied.minCost?.toString() ?? "",
    maxCost: applied.maxCost?.toString() ?? "",
  });
  const [chosenLevels, setChosenLevels] = useState<Level[]>(applied.levels);
  const [scores, setScores] = useState<ScoreRow[]>(
    applied.scores.map((score) => ({ ...score, value: String(score.value) })),
  );
  const [categories, setCategories] = useState<Array<{ name: string; values: string }>>(
    applied.categories.map((category) => ({ name: category.name, values: category.values.join(", ") })),
  );
  const [metadata, setMetadata] = useState<MetadataCondition[]>(applied.metadata);
  const [error, setError] = useState<string | null>(null);

  const field = (key: keyof typeof text, label: string, placeholder = "") => (
    <label>
      {label}
      <input value={text[key]} placeholder={placeholder} onChange={(e) => setText({ ...text, [key]: e.target.value })} />
    </label>
  );

  function apply() {
    const bounds: Record<string, number | null> = {};
    const labels = { minLatency: "Latency from", maxLatency: "Latency to", minCost: "Cost from", maxCost: "Cost to" };
    for (const key of ["minLatency", "maxLatency", "minCost", "maxCost"] as const) {
      const parsed = parseBound(text[key]);
      if ("error" in parsed) {
        setError(`${labels[key]}: ${parsed.error}`);
        return;
      }
      bounds[key] = parsed.value;
    }
    const scoreConditions: ScoreCondition[] = [];
    for (const row of scores) {
      if (!row.name.trim()) continue;
      const value = Number(row.value);
      if (row.value.trim() === "" || !Number.isFinite(value)) {
        setError(`Score ${row.name}: "${row.value}" is not a number.`);
        return;
      }
      scoreConditions.push({ name: row.name.trim(), operator: row.operator, value });
    }
    const categoryConditions: CategoryCondition[] = categories
      .filter((row) => row.name.trim() && splitList(row.values).length > 0)
      .map((row) => ({ name: row.name.trim(), values: splitList(row.values) }));
    setError(null);
    onApply({
      ...applied,
      name: text.name.trim(),
      userId: text.userId.trim(),
      sessionId: text.sessionId.trim(),
      release: text.release.trim(),
      version: text.version.trim(),
      environments: splitList(text.environments),
      tags: splitList(text.tags),
      levels: chosenLevels,
      minLatency: bounds.minLatency,
      maxLatency: bounds.maxLatency,
      minCost: bounds.minCost,
      maxCost: bounds.maxCost,
      scores: scoreConditions,
      categories: categoryConditions,
      metadata: metadata.filter((row) => row.key.trim()).map((row) => ({ key: row.key.trim(), value: row.value })),
    });
  }

  return (
    <form
      className="card trace-filters"
      aria-label="Trace filters"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      <div className="trace-filter-grid">
        {field("name", "Name")}
        {field("userId", "User ID")}
        {field("sessionId", "Session ID")}
        {field("environments", "Environments", "production, staging")}
        {field("tags", "Tags (all of)", "beta, checkout")}
        {field("release", "Release")}
        {field("version", "Version")}
        {field("minLatency", "Latency from (s)")}
        {field("maxLatency", "Latency to (s)")}
        {field("minCost", "Cost from (USD)")}
        {field("maxCost", "Cost to (USD)")}
      </div>
      <fieldset className="trace-filter-levels">
        <legend>Level (most severe observation)</legend>
        {levels.map((level) => (
          <label key={level} className="tracing-check">
            <input
              type="checkbox"
              checked={chosenLevels.includes(level)}
              onChange={(e) =>
                setChosenLevels(e.target.checked ? [...chosenLevels, level] : chosenLevels.filter((l) => l !== level))
              }
            />
            {level}
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Numeric scores (average per trace)</legend>
        {scores.map((row, index) => (
          <div key={index} className="trace-filter-row">
            <input
              aria-label="Score name"
              list="trace-score-names"
              value={row.name}
              placeholder="Score name"
              onChange={(e) => setScores(scores.map((r, i) => (i === index ? { ...r, name: e.target.value } : r)))}
            />
            <select
              aria-label="Score comparison"
              value={row.operator}
              onChange={(e) =>
                setScores(scores.map((r, i) => (i === index ? { ...r, operator: e.target.value as NumberOperator } : r)))
              }
            >
              {numberOperators.map((operator) => (
                <option key={operator}>{operator}</option>
              ))}
            </select>
            <input
              aria-label="Score value"
              value={row.value}
              onChange={(e) => setScores(scores.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)))}
            />
            <button type="button" aria-label="Remove score condition" onClick={() => setScores(scores.filter((_, i) => i !== index))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setScores([...scores, { name: scoreNames[0] ?? "", operator: ">=", value: "" }])}>
          Add score condition
        </button>
      </fieldset>

      <fieldset>
        <legend>Categorical scores (any of)</legend>
        {categories.map((row, index) => (
          <div key={index} className="trace-filter-row">
            <input
              aria-label="Categorical score name"
              list="trace-score-names"
              value={row.name}
              placeholder="Score name"
              onChange={(e) => setCategories(categories.map((r, i) => (i === index ? { ...r, name: e.target.value } : r)))}
            />
            <input
              aria-label="Categories"
              value={row.values}
              placeholder="good, excellent"
              onChange={(e) => setCategories(categories.map((r, i) => (i === index ? { ...r, values: e.target.value } : r)))}
            />
            <button
              type="button"
              aria-label="Remove category condition"
              onClick={() => setCategories(categories.filter((_, i) => i !== index))}
            >
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setCategories([...categories, { name: "", values: "" }])}>
          Add category condition
        </button>
      </fieldset>

      <fieldset>
        <legend>Metadata (key equals value)</legend>
        {metadata.map((row, index) => (
          <div key={index} className="trace-filter-row">
            <input
              aria-label="Metadata key"
              value={row.key}
              placeholder="key"
              onChange={(e) => setMetadata(metadata.map((r, i) => (i === index ? { ...r, key: e.target.value } : r)))}
            />
            <input
              aria-label="Metadata value"
              value={row.value}
              placeholder="value"
              onChange={(e) => setMetadata(metadata.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)))}
            />
            <button type="button" aria-label="Remove metadata condition" onClick={() => setMetadata(metadata.filter((_, i) => i !== index))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setMetadata([...metadata, { key: "", value: "" }])}>
          Add metadata condition
        </button>
      </fieldset>
      <datalist id="trace-score-names">
        {scoreNames.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>

      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={() => onApply({ ...emptyFilters, search: applied.search, timeRange: applied.timeRange })}>
          Clear filters
        </button>
        <button type="submit" className="primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
