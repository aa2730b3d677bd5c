import { describe, expect, it } from "vitest";
import { boxAtFrame, clampBox, frameAtTime, frameCount, readSequence, removeKeyframe, setKeyframe, timeOfFrame, toggleInterpolation, type VideoKeyframe } from "./video";

const fps = 25;

function keyframe(frame: number, x: number, enabled = true): VideoKeyframe {
  return { frame, enabled, x, y: 10, width: 20, height: 30, rotation: 0, time: frame / fps };
}

describe("video frames", () => {
  it("count from 1 at time 0", () => {
    expect(frameAtTime(0, fps)).toBe(1);
    expect(frameAtTime(0.039, fps)).toBe(1);
    expect(frameAtTime(0.04, fps)).toBe(2);
  });

  it("map a frame's start time back to the frame", () => {
    for (const frame of [1, 2, 13, 250, 1051]) expect([frame, frameAtTime(timeOfFrame(frame, fps), fps)]).toEqual([frame, frame]);
  });

  it("count the frames of a duration", () => {
    expect(frameCount(42, fps)).toBe(1050);
    expect(frameCount(0, fps)).toBe(1);
  });
});

describe("keyframe interpolation", () => {
  const track = [keyframe(1, 10), keyframe(11, 30)];

  it("moves the box linearly between keyframes", () => {
    expect(boxAtFrame(track, 6)?.x).toBeCloseTo(20, 10);
    expect(boxAtFrame(track, 1)?.x).toBe(10);
    expect(boxAtFrame(track, 11)?.x).toBe(30);
  });

  it("holds the last keyframe's box after it", () => {
    expect(boxAtFrame(track, 500)?.x).toBe(30);
  });

  it("shows nothing before the first keyframe", () => {
    expect(boxAtFrame([keyframe(5, 10)], 4)).toBeNull();
  });

  it("shows nothing after a keyframe with interpolation off", () => {
    const off = toggleInterpolation(track, 3);
    expect(off[0].enabled).toBe(false);
    expect(boxAtFrame(off, 1)?.x).toBe(10);
    expect(boxAtFrame(off, 6)).toBeNull();
    expect(boxAtFrame(off, 11)?.x).toBe(30);
    expect(toggleInterpolation(off, 3)[0].enabled).toBe(true);
  });

  it("inserts keyframes in frame order and replaces one at the same frame", () => {
    const box = { x: 50, y: 10, width: 20, height: 30, rotation: 0 };
    const inserted = setKeyframe(track, 6, box, fps);
    expect(inserted.map((k) => k.frame)).toEqual([1, 6, 11]);
    expect(inserted[1].time).toBeCloseTo(0.24, 10);
    const replaced = setKeyframe(toggleInterpolation(inserted, 6), 6, { ...box, x: 60 }, fps);
    expect(replaced.map((k) => [k.frame, k.x, k.enabled])).toEqual([[1, 10, true], [6, 60, false], [11, 30, true]]);
    expect(removeKeyframe(replaced, 6).map((k) => k.frame)).toEqual([1, 11]);
  });
});

describe("readSequence", () => {
  it("fills defaults and sorts by frame", () => {
    const sequence = readSequence([{ frame: 9, x: 1, y: 2, width: 3, height: 4 }, { frame: 2, x: 1, y: 2, width: 3, height: 4, enabled: false, time: 0.1 }], fps);
    expect(sequence?.map((k) => [k.frame, k.enabled, k.rotation, k.time])).toEqual([[2, false, 0, 0.1], [9, true, 0, 0.36]]);
  });

  it("rejects an element without a box", () => {
    expect(readSequence([{ frame: 1, x: 1, y: 2, width: 3 }], fps)).toBeNull();
    expect(readSequence("frames", fps)).toBeNull();
  });
});

describe("clampBox", () => {
  it("slides a box moved past an edge back inside", () => {
    expect(clampBox({ x: -5, y: 90, width: 20, height: 30, rotation: 0 })).toEqual({ x: 0, y: 70, width: 20, height: 30, rotation: 0 });
  });

  it("shrinks a box larger than the frame", () => {
    expect(clampBox({ x: 0, y: 0, width: 120, height: 50, rotation: 0 })).toEqual({ x: 0, y: 0, width: 100, height: 50, rotation: 0 });
  });

  it("keeps only the corner of a rotated box inside", () => {
    expect(clampBox({ x: 95, y: -1, width: 20, height: 10, rotation: 30 })).toEqual({ x: 95, y: 0, width: 20, height: 10, rotation: 30 });
  });
});
