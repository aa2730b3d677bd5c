import { describe, expect, it } from "vitest";
import type { ModelVersionComparison } from "../api/ml-backends";
import { groundTruthNote, percent, versionRows } from "./model-accuracy";

function score(f1: number) {
  return { true_positives: 1, false_positives: 0, false_negatives: 0, precision: f1, recall: 1, f1 };
}

const comparison: ModelVersionComparison = {
  project: 1,
  ground_truth_source: "latest_annotation",
  tasks_with_ground_truth: 1,
  model_versions: [
    { model_version: "v1", tasks_evaluated: 3, micro: score(0.5), labels: [] },
    { model_version: "v2", tasks_evaluated: 3, micro: score(0.8), labels: [] },
    { model_version: "", tasks_evaluated: 0, micro: score(0), labels: [] },
  ],
};

describe("versionRows", () => {
  it("puts the best F1 first and marks it", () => {
    const rows = versionRows(comparison);
    expect(rows.map((row) => row.version)).toEqual(["v2", "v1", "(no version)"]);
    expect(rows.map((row) => row.best)).toEqual([true, false, false]);
    expect(rows[0]).toMatchObject({ tasks: 3, precision: "80.0%", recall: "100.0%", f1: "80.0%" });
  });

  it("marks nothing when no task was scored", () => {
    const rows = versionRows({ ...comparison, model_versions: [comparison.model_versions[2]] });
    expect(rows[0].best).toBe(false);
  });
});

describe("percent", () => {
  it("formats fractions and gaps", () => {
    expect(percent(0.12345)).toBe("12.3%");
    expect(percent(null)).toBe("–");
    expect(percent(Number.NaN)).toBe("–");
  });
});

describe("groundTruthNote", () => {
  it("says where the truth came from", () => {
    expect(groundTruthNote(comparison)).toBe(
      "No annotation is marked as ground truth, so each task's newest annotation counts as the truth (1 task).",
    );
    expect(groundTruthNote({ ...comparison, ground_truth_source: "ground_truth", tasks_with_ground_truth: 4 })).toBe(
      "Scored against annotations marked as ground truth on 4 tasks.",
    );
  });
});
