// The time ranges a dashboard offers. A range is relative ("the last 24
// hours"). It becomes absolute timestamps when the dashboard loads or the
// user refreshes it, and live updates keep its end open after that.
export const timeRanges = [
  { key: "1h", label: "Last hour", milliseconds: 3_600_000 },
  { key: "24h", label: "Last 24 hours", milliseconds: 86_400_000 },
  { key: "7d", label: "Last 7 days", milliseconds: 7 * 86_400_000 },
  { key: "30d", label: "Last 30 days", milliseconds: 30 * 86_400_000 },
  { key: "90d", label: "Last 90 days", milliseconds: 90 * 86_400_000 },
] as const;

export type TimeRangeKey = (typeof timeRanges)[number]["key"];

export const defaultTimeRange: TimeRangeKey = "24h";

// The range named `key` (or the default for an unknown key) ending at
// `now`, as ISO 8601 strings. `to` is one second past now so events stamped
// this instant count.
export function resolveTimeRange(key: string | null, now: number): { key: TimeRangeKey; from: string; to: string } {
  const range = timeRanges.find((candidate) => candidate.key === key) ?? timeRanges.find((r) => r.key === defaultTimeRange)!;
  return {
    key: range.key,
    from: new Date(now - range.milliseconds).toISOString(),
    to: new Date(now + 1000).toISOString(),
  };
}
