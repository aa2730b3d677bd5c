// Frames and keyframes of a VideoRectangle track, as Label Studio stores
// them: frames count from 1, a keyframe at frame n stores `time` n /
// frameRate, and the box between two keyframes moves linearly. A keyframe
// with `enabled: false` ends the track from its frame on, until the next
// keyframe starts it again. Box geometry is in percent of the video frame.

export interface VideoKeyframe {
  frame: number; // 1-based
  enabled: boolean; // false: the box is not shown after this frame, until the next keyframe
  x: number; // top-left corner, percent of the frame width
  y: number; // percent of the frame height
  width: number;
  height: number;
  rotation: number; // degrees clockwise around the top-left corner
  time: number; // seconds: frame / frameRate
}

export type VideoBox = Pick<VideoKeyframe, "x" | "y" | "width" | "height" | "rotation">;

// Time fractions this close to a frame boundary count as the next frame,
// because a video element reports a seek to n / frameRate as slightly less.
const boundaryTolerance = 1e-3;

// The frame shown at a playback time in seconds.
export function frameAtTime(seconds: number, frameRate: number): number {
  return Math.floor(seconds * frameRate + boundaryTolerance) + 1;
}

// The playback time at which a frame starts.
export function timeOfFrame(frame: number, frameRate: number): number {
  return (frame - 1) / frameRate;
}

// The number of frames in a video of the given duration.
export function frameCount(duration: number, frameRate: number): number {
  return Math.max(1, Math.round(duration * frameRate));
}

// The keyframe that governs a frame: the last one at or before it, or the
// first one when the frame comes before every keyframe.
export function governingKeyframe(sequence: VideoKeyframe[], frame: number): VideoKeyframe | undefined {
  let governing: VideoKeyframe | undefined;
  for (const keyframe of sequence) {
    if (keyframe.frame <= frame) governing = keyframe;
  }
  return governing ?? sequence[0];
}

// The box shown at a frame, or null when the track is not visible there:
// before its first keyframe, or after a keyframe that ends it. Between two
// keyframes the box is interpolated linearly, also its rotation.
export function boxAtFrame(sequence: VideoKeyframe[], frame: number): VideoBox | null {
  const index = sequence.findLastIndex((keyframe) => keyframe.frame <= frame);
  if (index < 0) return null;
  const start = sequence[index];
  if (start.frame === frame) return pickBox(start);
  if (!start.enabled) return null;
  const end = sequence[index + 1];
  if (!end) return pickBox(start);
  const ratio = (frame - start.frame) / (end.frame - start.frame);
  const mix = (from: number, to: number) => from + (to - from) * ratio;
  return {
    x: mix(start.x, end.x),
    y: mix(start.y, end.y),
    width: mix(start.width, end.width),
    height: mix(start.height, end.height),
    rotation: mix(start.rotation, end.rotation),
  };
}

function pickBox({ x, y, width, height, rotation }: VideoKeyframe): VideoBox {
  return { x, y, width, height, rotation };
}

// The sequence with a keyframe at `frame` holding the box: it replaces a
// keyframe at that frame (keeping its `enabled`) or is inserted in frame order.
export function setKeyframe(sequence: VideoKeyframe[], frame: number, box: VideoBox, frameRate: number): VideoKeyframe[] {
  const existing = sequence.find((keyframe) => keyframe.frame === frame);
  const keyframe: VideoKeyframe = { frame, enabled: existing?.enabled ?? true, ...box, time: frame / frameRate };
  const others = sequence.filter((candidate) => candidate.frame !== frame);
  return [...others, keyframe].sort((a, b) => a.frame - b.frame);
}

// The sequence without the keyframe at `frame`.
export function removeKeyframe(sequence: VideoKeyframe[], frame: number): VideoKeyframe[] {
  return sequence.filter((keyframe) => keyframe.frame !== frame);
}

// Turns interpolation after the governing keyframe of `frame` on or off:
// off makes the track end at that keyframe until the next one.
export function toggleInterpolation(sequence: VideoKeyframe[], frame: number): VideoKeyframe[] {
  const governing = governingKeyframe(sequence, frame);
  if (!governing) return sequence;
  return sequence.map((keyframe) => (keyframe === governing ? { ...keyframe, enabled: !keyframe.enabled } : keyframe));
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

// A stored sequence, or null when an element lacks a frame or a box field.
// A missing rotation reads as 0, a missing `enabled` as true, and a missing
// time is computed from the frame.
export function readSequence(raw: unknown, frameRate: number): VideoKeyframe[] | null {
  if (!Array.isArray(raw)) return null;
  const sequence: VideoKeyframe[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null) return null;
    const { frame, x, y, width, height, rotation, enabled, time } = item as Record<string, unknown>;
    if (!finite(frame) || !finite(x) || !finite(y) || !finite(width) || !finite(height)) return null;
    sequence.push({
      frame,
      enabled: enabled !== false,
      x,
      y,
      width,
      height,
      rotation: finite(rotation) ? rotation : 0,
      time: finite(time) ? time : frame / frameRate,
    });
  }
  return sequence.sort((a, b) => a.frame - b.frame);
}

// The box kept inside the frame, as stored boxes must be: each value within
// 0–100 percent, and an unrotated box wholly inside. A box moved past an
// edge slides back; one larger than the frame shrinks to it.
export function clampBox(box: VideoBox): VideoBox {
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  const width = clamp(box.width, 100);
  const height = clamp(box.height, 100);
  if (box.rotation !== 0) return { ...box, x: clamp(box.x, 100), y: clamp(box.y, 100), width, height };
  return { ...box, x: clamp(box.x, 100 - width), y: clamp(box.y, 100 - height), width, height };
}
