// Timeline segments on a Video (TimelineLabels, or Labels on a Video that
// has no VideoRectangle): frame ranges, stored as Label Studio stores them,
// `{"ranges": [{"start": 3, "end": 5}], "timelinelabels": ["Moving"]}`.
// Frames count from 1, as the video's frame counter does, and a range
// includes both its start and its end frame.

// The frame under a horizontal offset into a timeline `width` pixels wide
// that shows `framesTotal` frames side by side.
export function frameAtOffset(offset: number, width: number, framesTotal: number): number {
  if (width <= 0 || framesTotal < 1) return 1;
  const frame = Math.floor((offset / width) * framesTotal) + 1;
  return Math.min(Math.max(frame, 1), framesTotal);
}

// The left edge and width in pixels of a frame range on that timeline.
export function rangeOnTimeline(range: { start: number; end: number }, width: number, framesTotal: number): { left: number; width: number } {
  const frameWidth = width / Math.max(framesTotal, 1);
  return { left: (range.start - 1) * frameWidth, width: (range.end - range.start + 1) * frameWidth };
}

// The range a drag from one frame to another covers, in either direction.
export function rangeBetween(from: number, to: number): { start: number; end: number } {
  return { start: Math.min(from, to), end: Math.max(from, to) };
}

// A range with one bound moved to `frame`, keeping start at most end.
export function withBound(range: { start: number; end: number }, bound: "start" | "end", frame: number): { start: number; end: number } {
  if (bound === "start") return { start: Math.min(frame, range.end), end: range.end };
  return { start: range.start, end: Math.max(frame, range.start) };
}
