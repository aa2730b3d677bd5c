// Adds a score to a trace or one of its observations. A chosen score config
// fixes the name, type and allowed values; without one, the score is a
// free numeric, categorical or boolean value.
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { createScore, fetchScoreConfigs, type ScoreDataType } from "../api/scores";
import { ScoreNameFields } from "./score-name-fields";

export function ScoreForm({
  projectId,
  traceId,
  observationId,
  onSaved,
}: {
  projectId: number;
  traceId: string;
  observationId?: string;
  onSaved: () => void;
}) {
  const configs = useQuery({ queryKey: ["score-configs", projectId], queryFn: () => fetchScoreConfigs(projectId) });
  const active = (configs.data ?? []).filter((config) => !config.isArchived);
  const [configId, setConfigId] = useState("");
  const [name, setName] = useState("");
  const [dataType, setDataType] = useState<ScoreDataType>("NUMERIC");
  const [value, setValue] = useState("");
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const config = active.find((item) => item.id === configId);
  const type = (config?.dataType as ScoreDataType | undefined) ?? dataType;

  const save = useMutation({
    mutationFn: (parsed: number | string) =>
      createScore(projectId, {
        traceId,
        observationId,
        name: config?.name ?? name.trim(),
        dataType: type,
        value: parsed,
        comment: comment.trim() || undefined,
        configId: config?.id,
      }),
    onSuccess: () => {
      setValue("");
      setComment("");
      onSaved();
    },
  });

  function submit() {
    if (!config && !name.trim()) return setError("Name: give the score a name, or choose a score config.");
    let parsed: number | string = value;
    if (type === "NUMERIC") {
      parsed = Number(value);
      if (value.trim() === "" || !Number.isFinite(parsed)) return setError(`Value: "${value}" is not a number.`);
    } else if (type === "BOOLEAN") {
      if (value !== "1" && value !== "0") return setError("Value: choose true or false.");
      parsed = Number(value);
    } else if (!value.trim()) {
      return setError("Value: enter a category.");
    }
    setError(null);
    save.mutate(parsed);
  }

  return (
    <form
      className="score-form"
      aria-label="Add a score"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label>
        Score config
        <select value={configId} onChange={(e) => setConfigId(e.target.value)}>
          <option value="">None (free score)</option>
          {active.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name} ({item.dataType.toLowerCase()})
            </option>
          ))}
        </select>
      </label>
      {!config && (
        <div className="tracing-form-row">
          <ScoreNameFields name={name} dataType={dataType} onName={setName} onDataType={setDataType} />
        </div>
      )}
      <label>
        Value
        {type === "BOOLEAN" ? (
          <select value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="">Choose…</option>
            <option value="1">true</option>
            <option value="0">false</option>
          </select>
        ) : type === "CATEGORICAL" && config?.categories ? (
          <select value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="">Choose…</option>
            {config.categories.map((category) => (
              <option key={category.label} value={category.label}>
                {category.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            value={value}
            inputMode={type === "NUMERIC" ? "decimal" : undefined}
            placeholder={
              type === "NUMERIC" && config
                ? `${config.minValue ?? "−∞"} to ${config.maxValue ?? "∞"}`
                : undefined
            }
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </label>
      <label>
        Comment
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {(error || save.error) && (
        <p className="form-error" role="alert">
          {error ?? describeError(save.error, "save the score")}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Add score"}
        </button>
      </div>
    </form>
  );
}
