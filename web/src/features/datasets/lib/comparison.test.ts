import { describe, expect, it } from "vitest";
import type { RunOutcome, ScoreCell } from "../api/datasets";
import { deltaTone, itemDeltas, numericScores } from "./comparison";

const score = (name: string, value: number | null, stringValue: string | null = null): ScoreCell => ({
  name,
  dataType: value === null ? "CATEGORICAL" : "NUMERIC",
  value,
  stringValue,
  comment: null,
  source: "API",
});

const outcome = (latency: number | null, cost: number | null, scores: ScoreCell[]): RunOutcome => ({
  datasetRunItemId: "ri",
  traceId: "t",
  observationId: null,
  output: "out",
  latency,
  cost,
  scores,
});

describe("numericScores", () => {
  it("keeps the first numeric value per name", () => {
    expect(numericScores([score("a", 1), score("a", 0), score("label", null, "good"), score("b", 0.5)])).toEqual({
      a: 1,
      b: 0.5,
    });
  });
});

describe("itemDeltas", () => {
  it("subtracts the baseline", () => {
    const deltas = itemDeltas(outcome(1.5, 0.002, [score("accuracy", 1)]), outcome(2, 0.001, [score("accuracy", 0.5)]));
    expect(deltas?.latency).toBeCloseTo(-0.5);
    expect(deltas?.cost).toBeCloseTo(0.001);
    expect(deltas?.scores).toEqual({ accuracy: 0.5 });
  });

  it("leaves missing figures null", () => {
    const deltas = itemDeltas(outcome(null, 0.1, [score("new", 1)]), outcome(1, null, []));
    expect(deltas).toEqual({ latency: null, cost: null, scores: { new: null } });
  });

  it("is null without both results", () => {
    expect(itemDeltas(null, outcome(1, 1, []))).toBeNull();
    expect(itemDeltas(outcome(1, 1, []), null)).toBeNull();
  });
});

describe("deltaTone", () => {
  it.each([
    ["latency", -0.2, "better"],
    ["latency", 0.2, "worse"],
    ["cost", -0.001, "better"],
    ["score", 0.1, "better"],
    ["score", -0.1, "worse"],
    ["score", 0, "same"],
    ["cost", null, "unknown"],
  ] as const)("%s delta %s is %s", (kind, delta, tone) => {
    expect(deltaTone(kind, delta)).toBe(tone);
  });
});
