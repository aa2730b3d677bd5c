import { describe, expect, it } from "vitest";
import { frameAtOffset, rangeBetween, rangeOnTimeline, withBound } from "./timeline";

describe("timeline frames", () => {
  it("maps offsets to frames from 1", () => {
    // 20 frames on 400 pixels: 20 pixels a frame.
    expect(frameAtOffset(0, 400, 20)).toBe(1);
    expect(frameAtOffset(19.9, 400, 20)).toBe(1);
    expect(frameAtOffset(20, 400, 20)).toBe(2);
    expect(frameAtOffset(399, 400, 20)).toBe(20);
  });

  it("clamps offsets outside the timeline", () => {
    expect(frameAtOffset(-15, 400, 20)).toBe(1);
    expect(frameAtOffset(450, 400, 20)).toBe(20);
    expect(frameAtOffset(10, 0, 20)).toBe(1);
  });

  it("places a range over its frames", () => {
    expect(rangeOnTimeline({ start: 3, end: 5 }, 400, 20)).toEqual({ left: 40, width: 60 });
    expect(rangeOnTimeline({ start: 7, end: 7 }, 400, 20)).toEqual({ left: 120, width: 20 });
  });

  it("orders a drag's bounds", () => {
    expect(rangeBetween(9, 4)).toEqual({ start: 4, end: 9 });
    expect(rangeBetween(4, 4)).toEqual({ start: 4, end: 4 });
  });

  it("moves one bound without crossing the other", () => {
    expect(withBound({ start: 3, end: 8 }, "start", 5)).toEqual({ start: 5, end: 8 });
    expect(withBound({ start: 3, end: 8 }, "start", 10)).toEqual({ start: 8, end: 8 });
    expect(withBound({ start: 3, end: 8 }, "end", 12)).toEqual({ start: 3, end: 12 });
    expect(withBound({ start: 3, end: 8 }, "end", 1)).toEqual({ start: 3, end: 3 });
  });
});
