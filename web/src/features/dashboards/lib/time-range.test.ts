import { describe, expect, it } from "vitest";
import { resolveTimeRange } from "./time-range";

describe("resolveTimeRange", () => {
  const now = Date.parse("2026-03-10T12:00:00.000Z");

  it("ends just after now", () => {
    expect(resolveTimeRange("1h", now)).toEqual({
      key: "1h",
      from: "2026-03-10T11:00:00.000Z",
      to: "2026-03-10T12:00:01.000Z",
    });
  });

  it("counts days", () => {
    expect(resolveTimeRange("7d", now).from).toBe("2026-03-03T12:00:00.000Z");
  });

  it("falls back to the last 24 hours", () => {
    expect(resolveTimeRange("forever", now)).toMatchObject({ key: "24h", from: "2026-03-09T12:00:00.000Z" });
    expect(resolveTimeRange(null, now).key).toBe("24h");
  });
});
