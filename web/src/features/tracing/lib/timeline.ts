// Scales observation times onto a waterfall: every bar's offset and width
// are fractions of the span from the earliest observation start to the
// latest end, the span the server reports as the trace's latency. A trace
// without observations spans its timestamp alone. The trace's own
// timestamp is left out otherwise, because SDKs set it when the trace
// object is made, which can lie far from its observations.

export interface TimedItem {
  startTime: string;
  endTime?: string | null;
}

export interface TimelineScale {
  startMs: number; // epoch milliseconds of the left edge
  durationMs: number; // width of the whole timeline, at least 1 ms
}

export interface Bar {
  left: number; // 0..1 of the timeline width
  width: number; // 0..1; an observation without an end gets minWidth
  durationMs: number | null; // null when the observation has not ended
}

export function timelineScale(traceTimestamp: string, items: TimedItem[]): TimelineScale {
  let start = Number.NaN;
  let end = Number.NaN;
  for (const item of items) {
    const itemStart = Date.parse(item.startTime);
    if (Number.isNaN(itemStart)) continue;
    const itemEnd = item.endTime ? Date.parse(item.endTime) : itemStart;
    if (Number.isNaN(start) || itemStart < start) start = itemStart;
    if (Number.isNaN(end) || itemStart > end) end = itemStart;
    if (!Number.isNaN(itemEnd) && itemEnd > end) end = itemEnd;
  }
  if (Number.isNaN(start)) {
    start = Date.parse(traceTimestamp);
    end = start;
  }
  if (Number.isNaN(start)) return { startMs: 0, durationMs: 1 };
  return { startMs: start, durationMs: Math.max(1, end - start) };
}

// A bar narrower than `minWidth` would vanish, so it is drawn that wide; the
// offset is clamped so the bar stays inside the timeline.
export function barFor(scale: TimelineScale, item: TimedItem, minWidth = 0.004): Bar {
  const start = Date.parse(item.startTime);
  const end = item.endTime ? Date.parse(item.endTime) : Number.NaN;
  const durationMs = Number.isNaN(end) ? null : Math.max(0, end - start);
  const rawLeft = (start - scale.startMs) / scale.durationMs;
  const rawWidth = durationMs === null ? 0 : durationMs / scale.durationMs;
  const width = Math.min(1, Math.max(minWidth, rawWidth));
  const left = Math.min(Math.max(0, rawLeft), 1 - width);
  return { left, width, durationMs };
}

// Tick positions for an axis of `durationMs`: about `count` steps of 1, 2 or
// 5 times a power of ten, in milliseconds from the start.
export function timelineTicks(durationMs: number, count = 5): number[] {
  if (!(durationMs > 0)) return [0];
  const rough = durationMs / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = 0; tick <= durationMs + step * 1e-9; tick += step) ticks.push(Math.round(tick * 1000) / 1000);
  return ticks;
}

// "850 ms", "1.25 s", "2 m 5 s", "3 h 20 m", "2 d 4 h".
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 1440) return `${Math.floor(minutes / 60)} h ${minutes % 60} m`;
  const hours = Math.round(minutes / 60);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

// US dollars with enough digits to show a fraction of a cent: "$0.000125".
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || usd < 0 || Number.isNaN(usd)) return "–";
  if (usd === 0) return "$0";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  // Three significant digits, written out rather than in exponent form.
  const digits = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(usd))));
  return `$${usd.toFixed(digits).replace(/0+$/, "").replace(/\.$/, "")}`;
}
