// Per-item deltas of a run comparison. The server computes per-run
// aggregates and their deltas; for single items the table compares each
// run's cell with the baseline run's cell here.
import type { RunOutcome, ScoreCell } from "../api/datasets";

export interface ItemDeltas {
  latency: number | null; // seconds, this run minus the baseline
  cost: number | null; // USD
  scores: Record<string, number | null>; // numeric score value minus the baseline's
}

// The numeric value of each score on a cell, by name. BOOLEAN scores count
// as 1 and 0 as the scores API stores them; CATEGORICAL ones have no value.
// When a name occurs twice (two sources), the first score counts.
export function numericScores(scores: ScoreCell[]): Record<string, number> {
  const values: Record<string, number> = {};
  for (const score of scores) {
    if (score.value === null || score.name in values) continue;
    values[score.name] = score.value;
  }
  return values;
}

function difference(value: number | null | undefined, base: number | null | undefined): number | null {
  if (value === null || value === undefined || base === null || base === undefined) return null;
  return value - base;
}

// Deltas of `cell` against `baseline`. A figure is null where either side
// lacks it, and the result is null when either run has no result for the item.
export function itemDeltas(cell: RunOutcome | null, baseline: RunOutcome | null): ItemDeltas | null {
  if (!cell || !baseline) return null;
  const own = numericScores(cell.scores);
  const base = numericScores(baseline.scores);
  const scores: Record<string, number | null> = {};
  for (const name of Object.keys(own)) scores[name] = difference(own[name], base[name]);
  return { latency: difference(cell.latency, baseline.latency), cost: difference(cell.cost, baseline.cost), scores };
}

export type DeltaTone = "better" | "worse" | "same" | "unknown";

// Whether a delta is an improvement: less latency and cost are better, and
// a higher score is better.
// NOTE: a score where lower is better (an error rate, a toxicity score)
// shows the wrong way round, because score configs do not say which way is
// better.
export function deltaTone(kind: "latency" | "cost" | "score", delta: number | null): DeltaTone {
  if (delta === null) return "unknown";
  if (Math.abs(delta) < 1e-12) return "same";
  const lowerIsBetter = kind !== "score";
  return delta < 0 === lowerIsBetter ? "better" : "worse";
}
