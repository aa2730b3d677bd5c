import { describe, expect, it } from "vitest";
import { fillHistogram } from "./histogram";

describe("fillHistogram", () => {
  it("adds the empty bins between returned ones", () => {
    const filled = fillHistogram(
      [
        { lower: 0, upper: 0.25, count: 2 },
        { lower: 0.75, upper: 1, count: 1 },
      ],
      4,
    );
    expect(filled.map((bin) => bin.count)).toEqual([2, 0, 0, 1]);
    expect(filled[1].lower).toBeCloseTo(0.25);
    expect(filled[1].upper).toBeCloseTo(0.5);
  });

  it("keeps one bin when every value is equal", () => {
    expect(fillHistogram([{ lower: 3, upper: 3, count: 5 }], 10)).toEqual([{ lower: 3, upper: 3, count: 5 }]);
  });

  it("returns nothing for no bins", () => {
    expect(fillHistogram([], 10)).toEqual([]);
  });
});
