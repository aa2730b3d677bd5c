import { describe, expect, it } from "vitest";
import { ancestorIds, buildObservationTree, flattenTree } from "./observation-tree";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, seconds)).toISOString();

describe("buildObservationTree", () => {
  it("nests children under parents in start order", () => {
    const roots = buildObservationTree([
      { id: "late-child", parentObservationId: "root", startTime: at(3) },
      { id: "root", parentObservationId: null, startTime: at(0) },
      { id: "early-child", parentObservationId: "root", startTime: at(1) },
      { id: "grandchild", parentObservationId: "early-child", startTime: at(2) },
    ]);
    expect(roots.map((node) => node.observation.id)).toEqual(["root"]);
    expect(roots[0].children.map((node) => node.observation.id)).toEqual(["early-child", "late-child"]);
    expect(roots[0].children[0].children.map((node) => node.observation.id)).toEqual(["grandchild"]);
  });

  it("keeps an observation whose parent is missing as a root", () => {
    const roots = buildObservationTree([
      { id: "a", startTime: at(1) },
      { id: "orphan", parentObservationId: "not-ingested-yet", startTime: at(0) },
    ]);
    expect(roots.map((node) => node.observation.id)).toEqual(["orphan", "a"]);
  });

  it("cuts a parent cycle instead of losing its members", () => {
    const roots = buildObservationTree([
      { id: "x", parentObservationId: "y", startTime: at(0) },
      { id: "y", parentObservationId: "x", startTime: at(1) },
      { id: "self", parentObservationId: "self", startTime: at(2) },
    ]);
    const rows = flattenTree(roots);
    expect(rows.map((row) => row.observation.id).sort()).toEqual(["self", "x", "y"]);
  });

  it("orders siblings with equal start times by id", () => {
    const roots = buildObservationTree([
      { id: "b", startTime: at(0) },
      { id: "a", startTime: at(0) },
    ]);
    expect(roots.map((node) => node.observation.id)).toEqual(["a", "b"]);
  });
});

describe("flattenTree", () => {
  const roots = buildObservationTree([
    { id: "root", startTime: at(0) },
    { id: "child", parentObservationId: "root", startTime: at(1) },
    { id: "leaf", parentObservationId: "child", startTime: at(2) },
  ]);

  it("lists rows depth first with their depth", () => {
    expect(flattenTree(roots).map((row) => [row.observation.id, row.depth, row.hasChildren])).toEqual([
      ["root", 0, true],
      ["child", 1, true],
      ["leaf", 2, false],
    ]);
  });

  it("hides the descendants of collapsed nodes", () => {
    expect(flattenTree(roots, new Set(["child"])).map((row) => row.observation.id)).toEqual(["root", "child"]);
  });
});

describe("ancestorIds", () => {
  it("returns the path from the root down to the parent", () => {
    const observations = [
      { id: "root", startTime: at(0) },
      { id: "child", parentObservationId: "root", startTime: at(1) },
      { id: "leaf", parentObservationId: "child", startTime: at(2) },
    ];
    expect(ancestorIds(observations, "leaf")).toEqual(["root", "child"]);
    expect(ancestorIds(observations, "root")).toEqual([]);
    expect(ancestorIds(observations, "unknown")).toEqual([]);
  });
});
