// Score configs (create, archive, restore) and the distribution of every
// score name over a time range: histograms for numeric scores and counts
// per value for categorical and boolean ones, from the metrics API.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { Empty, ErrorState, Loading } from "../../../ui/states";
import type { Project } from "../../projects/api/projects";
import { ProjectPage } from "../../projects/components/project-page";
import {
  createScoreConfig,
  fetchCategoryDistributions,
  fetchNumericDistributions,
  fetchScoreConfigs,
  setScoreConfigArchived,
  type NewScoreConfig,
  type ScoreDataType,
} from "../api/scores";
import { splitList } from "../lib/trace-filters";
import { DistributionChart } from "./distribution-chart";
import { ScoreNameFields } from "./score-name-fields";

export function ScoresPage() {
  return (
    <ProjectPage active="scores" className="page scores-page">
      {(project) => (
        <>
          <ScoreConfigs projectId={project.id} />
          <Distributions project={project} />
        </>
      )}
    </ProjectPage>
  );
}

function configsKey(projectId: number) {
  return ["score-configs", projectId] as const;
}

function ScoreConfigs({ projectId }: { projectId: number }) {
  const queryClient = useQueryClient();
  const configs = useQuery({ queryKey: configsKey(projectId), queryFn: () => fetchScoreConfigs(projectId) });
  const [name, setName] = useState("");
  const [dataType, setDataType] = useState<ScoreDataType>("NUMERIC");
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const [categories, setCategories] = useState("");
  const [description, setDescription] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: configsKey(projectId) });

  const create = useMutation({
    mutationFn: (config: NewScoreConfig) => createScoreConfig(projectId, config),
    onSuccess: () => {
      setName("");
      setMin("");
      setMax("");
      setCategories("");
      setDescription("");
      refresh();
    },
  });
  const archive = useMutation({
    mutationFn: ({ id, archived }: { id: string; archived: boolean }) => setScoreConfigArchived(projectId, id, archived),
    onSuccess: refresh,
  });

  function submit() {
    if (!name.trim()) return setFormError("Name: enter a score name.");
    const config: NewScoreConfig = { name: name.trim(), dataType, description: description.trim() || undefined };
    if (dataType === "NUMERIC") {
      for (const [label, text, key] of [["Minimum", min, "minValue"], ["Maximum", max, "maxValue"]] as const) {
        if (text.trim() === "") continue;
        const value = Number(text);
        if (!Number.isFinite(value)) return setFormError(`${label}: "${text}" is not a number.`);
        config[key] = value;
      }
    }
    if (dataType === "CATEGORICAL") {
      const labels = splitList(categories);
      if (labels.length === 0) return setFormError("Categories: list at least one, separated by commas.");
      config.categories = labels.map((label, index) => ({ label, value: index }));
    }
    setFormError(null);
    create.mutate(config);
  }

  return (
    <section className="card stack" aria-label="Score configs">
      <h2>Score configs</h2>
      <p className="hint">
        A config fixes a score's type and allowed values, so people and evaluators score alike.
      </p>
      {configs.isPending && <Loading what="score configs" />}
      {configs.error && <ErrorState message={describeError(configs.error, "load the score configs")} onRetry={() => configs.refetch()} />}
      {configs.data && configs.data.length > 0 && (
        <table className="tracing-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Range or categories</th>
              <th>Description</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {configs.data.map((config) => (
              <tr key={config.id} className={config.isArchived ? "archived" : undefined}>
                <td>{config.name}</td>
                <td>{config.dataType}</td>
                <td>
                  {config.dataType === "CATEGORICAL"
                    ? (config.categories ?? []).map((category) => category.label).join(", ")
                    : config.dataType === "NUMERIC"
                      ? `${config.minValue ?? "−∞"} to ${config.maxValue ?? "∞"}`
                      : "true / false"}
                </td>
                <td>{config.description ?? ""}</td>
                <td>{config.isArchived ? "Archived" : "Active"}</td>
                <td>
                  <button
                    type="button"
                    disabled={archive.isPending}
                    onClick={() => archive.mutate({ id: config.id, archived: !config.isArchived })}
                  >
                    {config.isArchived ? "Restore" : "Archive"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {archive.error && <p className="form-error">{describeError(archive.error, "change the config")}</p>}
      <form
        className="score-config-form"
        aria-label="New score config"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <ScoreNameFields name={name} dataType={dataType} onName={setName} onDataType={setDataType} />
        {dataType === "NUMERIC" && (
          <>
            <label>
              Minimum
              <input value={min} onChange={(e) => setMin(e.target.value)} />
            </label>
            <label>
              Maximum
              <input value={max} onChange={(e) => setMax(e.target.value)} />
            </label>
          </>
        )}
        {dataType === "CATEGORICAL" && (
          <label>
            Categories
            <input value={categories} placeholder="bad, ok, good" onChange={(e) => setCategories(e.target.value)} />
          </label>
        )}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create config
        </button>
      </form>
      {(formError || create.error) && (
        <p className="form-error" role="alert">
          {formError ?? describeError(create.error, "create the score config")}
        </p>
      )}
    </section>
  );
}

const rangeDays = { "7": "Past 7 days", "30": "Past 30 days", "365": "Past year" } as const;

function Distributions({ project }: { project: Project }) {
  const [days, setDays] = useState<keyof typeof rangeDays>("30");
  // Anchored to the hour, so the query key is stable while the page is open.
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString();
  const from = new Date(Date.parse(to) - Number(days) * 86_400_000).toISOString();
  const numeric = useQuery({
    queryKey: ["score-distributions", project.id, "numeric", from, to],
    queryFn: () => fetchNumericDistributions(project.id, from, to),
  });
  const categorical = useQuery({
    queryKey: ["score-distributions", project.id, "categorical", from, to],
    queryFn: async () => [
      ...(await fetchCategoryDistributions(project.id, "scores-categorical", from, to)),
      ...(await fetchCategoryDistributions(project.id, "scores-boolean", from, to)),
    ],
  });
  const error = numeric.error ?? categorical.error;
  return (
    <section className="card stack" aria-label="Score distributions">
      <div className="page-header">
        <h2>Distributions</h2>
        <select className="distribution-range" aria-label="Time range" value={days} onChange={(e) => setDays(e.target.value as keyof typeof rangeDays)}>
          {Object.entries(rangeDays).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {(numeric.isPending || categorical.isPending) && <Loading what="score distributions" />}
      {error && <ErrorState message={describeError(error, "load the score distributions")} />}
      {numeric.data && categorical.data && numeric.data.length + categorical.data.length === 0 && (
        <Empty>No scores in this time range.</Empty>
      )}
      <div className="distribution-grid">
        {numeric.data?.map((distribution) => (
          <figure key={`n-${distribution.name}`} className="distribution" data-score-name={distribution.name}>
            <figcaption>
              {distribution.name} <span className="muted">numeric · {scoreCount(distribution.bins.reduce((sum, bin) => sum + bin.count, 0))}</span>
            </figcaption>
            <DistributionChart
              label={distribution.name}
              // Each bar is labeled with its lower bound; the bins are equal-width.
              categories={distribution.bins.map((bin) => formatBound(bin.lower))}
              counts={distribution.bins.map((bin) => bin.count)}
            />
          </figure>
        ))}
        {categorical.data?.map((distribution) => (
          <figure key={`c-${distribution.name}`} className="distribution" data-score-name={distribution.name}>
            <figcaption>
              {distribution.name}{" "}
              <span className="muted">{scoreCount(distribution.counts.reduce((sum, entry) => sum + entry.count, 0))}</span>
            </figcaption>
            <DistributionChart
              label={distribution.name}
              categories={distribution.counts.map((entry) => entry.value)}
              counts={distribution.counts.map((entry) => entry.count)}
            />
          </figure>
        ))}
      </div>
    </section>
  );
}

function scoreCount(count: number): string {
  return `${count} score${count === 1 ? "" : "s"}`;
}

function formatBound(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(2)));
}
