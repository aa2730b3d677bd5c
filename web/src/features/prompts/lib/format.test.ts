import { describe, expect, it } from "vitest";
import { formatCost, formatNumber, formatSeconds, formatSigned } from "./format";

describe("metric formats", () => {
  it.each([
    [formatNumber(1234), "1,234"],
    [formatNumber(0.12345), "0.123"],
    [formatNumber(null), "—"],
    [formatSeconds(0.25), "250 ms"],
    [formatSeconds(2.5), "2.50 s"],
    [formatSeconds(undefined), "—"],
    [formatCost(0), "$0"],
    [formatCost(0.000123), "$0.000123"],
    [formatCost(1.5), "$1.5000"],
    [formatSigned(3), "+3"],
    [formatSigned(-0.5, " s"), "−0.5 s"],
    [formatSigned(0), "0"],
    [formatSigned(null), "—"],
  ])("formats to %j", (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
