import { describe, expect, it } from "vitest";
import { barFor, formatCost, formatDuration, timelineScale, timelineTicks } from "./timeline";

const at = (ms: number) => new Date(Date.UTC(2026, 0, 5, 10, 0, 0) + ms).toISOString();

describe("timelineScale", () => {
  it("spans the observations, not the trace timestamp", () => {
    const scale = timelineScale(at(100), [
      { startTime: at(0), endTime: at(500) },
      { startTime: at(200), endTime: at(2000) },
      { startTime: at(300), endTime: null },
    ]);
    expect(scale.startMs).toBe(Date.parse(at(0)));
    expect(scale.durationMs).toBe(2000);
    const farTimestamp = timelineScale(at(86_400_000), [{ startTime: at(0), endTime: at(10) }]);
    expect(farTimestamp.startMs).toBe(Date.parse(at(0)));
    expect(farTimestamp.durationMs).toBe(10);
  });

  it("has a width of at least 1 ms for a trace without observations", () => {
    expect(timelineScale(at(0), [])).toEqual({ startMs: Date.parse(at(0)), durationMs: 1 });
  });
});

describe("barFor", () => {
  const scale = timelineScale(at(0), [{ startTime: at(0), endTime: at(1000) }]);

  it("places bars to scale", () => {
    const bar = barFor(scale, { startTime: at(250), endTime: at(750) });
    expect(bar.left).toBeCloseTo(0.25);
    expect(bar.width).toBeCloseTo(0.5);
    expect(bar.durationMs).toBe(500);
  });

  it("gives instant and unfinished observations a visible width inside the axis", () => {
    const instant = barFor(scale, { startTime: at(1000), endTime: at(1000) }, 0.01);
    expect(instant.width).toBe(0.01);
    expect(instant.left + instant.width).toBeLessThanOrEqual(1);
    const open = barFor(scale, { startTime: at(500) }, 0.01);
    expect(open.durationMs).toBeNull();
    expect(open.width).toBe(0.01);
  });
});

describe("timelineTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(timelineTicks(1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(timelineTicks(2300, 5)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(timelineTicks(0)).toEqual([0]);
  });
});

describe("formatDuration and formatCost", () => {
  it("picks a readable unit", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1250)).toBe("1.25 s");
    expect(formatDuration(125_000)).toBe("2 m 5 s");
    expect(formatDuration(12_000_000)).toBe("3 h 20 m");
    expect(formatDuration(187_200_000)).toBe("2 d 4 h");
    expect(formatDuration(null)).toBe("–");
  });

  it("shows small costs without exponents", () => {
    expect(formatCost(0.000125)).toBe("$0.000125");
    expect(formatCost(0.5)).toBe("$0.5");
    expect(formatCost(12.345)).toBe("$12.35");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(-1)).toBe("–");
  });
});
