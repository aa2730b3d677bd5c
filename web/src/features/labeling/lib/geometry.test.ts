import { describe, expect, it } from "vitest";
import {
  ellipseToPercent,
  ellipseToPixels,
  fitTransform,
  naturalToRotated,
  nearestEdgeInsertIndex,
  normalizeDegrees,
  quarterTurnOf,
  pointsToPercent,
  pointsToPixels,
  rectCorners,
  rectFromDrag,
  rectToPercent,
  rectToPixels,
  rotatedSize,
  rotatedToNatural,
  turnImage,
  viewDeltaToNatural,
  zoomAround,
  type Point,
} from "./geometry";

const photo = { width: 500, height: 338 };

describe("rectangle conversion", () => {
  it("scales each axis by its own image side", () => {
    const percent = rectToPercent({ x: 50, y: 33.8, width: 125, height: 169, rotation: 0 }, photo);
    expect(percent.x).toBeCloseTo(10, 10);
    expect(percent.y).toBeCloseTo(10, 10);
    expect(percent.width).toBeCloseTo(25, 10);
    expect(percent.height).toBeCloseTo(50, 10);
    expect(percent.rotation).toBe(0);
  });

  it("round-trips a rotated box unchanged", () => {
    const pixels = { x: 120.5, y: 40.25, width: 80, height: 30, rotation: 33 };
    const back = rectToPixels(rectToPercent(pixels, photo), photo);
    expect(back.x).toBeCloseTo(pixels.x, 9);
    expect(back.y).toBeCloseTo(pixels.y, 9);
    expect(back.width).toBeCloseTo(pixels.width, 9);
    expect(back.height).toBeCloseTo(pixels.height, 9);
    expect(back.rotation).toBe(33);
  });

  it("keeps a negative rotation in [0, 360)", () => {
    expect(rectToPercent({ x: 0, y: 0, width: 1, height: 1, rotation: -90 }, photo).rotation).toBe(270);
    expect(normalizeDegrees(720)).toBe(0);
    expect(Object.is(normalizeDegrees(-360), 0)).toBe(true);
  });

  it("rotates corners around the top-left corner", () => {
    const corners = rectCorners({ x: 100, y: 50, width: 40, height: 20, rotation: 90 });
    const expected = [
      [100, 50],
      [100, 90],
      [80, 90],
      [80, 50],
    ];
    corners.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i][0], 9);
      expect(y).toBeCloseTo(expected[i][1], 9);
    });
  });

  it("turns a drag in any direction into a box", () => {
    expect(rectFromDrag([200, 150], [100, 100])).toEqual({ x: 100, y: 100, width: 100, height: 50, rotation: 0 });
  });
});

describe("polygon and ellipse conversion", () => {
  it("converts polygon points per axis", () => {
    const percent = pointsToPercent(
      [
        [0, 0],
        [250, 169],
        [500, 338],
      ],
      photo,
    );
    expect(percent).toEqual([
      [0, 0],
      [50, 50],
      [100, 100],
    ]);
    expect(pointsToPixels(percent, photo)).toEqual([
      [0, 0],
      [250, 169],
      [500, 338],
    ]);
  });

  it("stores ellipse radii in percent of width and height", () => {
    const percent = ellipseToPercent({ x: 250, y: 169, radiusX: 50, radiusY: 33.8, rotation: 370 }, photo);
    expect(percent).toEqual({ x: 50, y: 50, radiusX: 10, radiusY: 10, rotation: 10 });
    expect(ellipseToPixels(percent, photo).radiusY).toBeCloseTo(33.8, 9);
  });

  it("inserts a point on the nearest edge, closing edge included", () => {
    const square: [number, number][] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    expect(nearestEdgeInsertIndex(square, [5, -1])).toBe(1);
    expect(nearestEdgeInsertIndex(square, [11, 5])).toBe(2);
    expect(nearestEdgeInsertIndex(square, [-1, 5])).toBe(4);
  });
});

describe("viewport transform", () => {
  it("fits and centres the image", () => {
    const fit = fitTransform(photo, { width: 1000, height: 540 });
    expect(fit.scale).toBeCloseTo(540 / 338, 9);
    expect(fit.y).toBeCloseTo(0, 9);
    expect(fit.x).toBeCloseTo((1000 - 500 * fit.scale) / 2, 9);
  });

  it("keeps the image point under the cursor when zooming", () => {
    const before = { scale: 2, x: 30, y: -10 };
    const anchor: [number, number] = [400, 200];
    const after = zoomAround(before, 1.5, anchor);
    const imagePoint = (t: typeof before) => [(anchor[0] - t.x) / t.scale, (anchor[1] - t.y) / t.scale];
    expect(after.scale).toBe(3);
    expect(imagePoint(after)[0]).toBeCloseTo(imagePoint(before)[0], 9);
    expect(imagePoint(after)[1]).toBeCloseTo(imagePoint(before)[1], 9);
  });
});

describe("image rotation", () => {
  const turns = [0, 90, 180, 270] as const;

  it("maps the natural corners onto the rotated image's corners", () => {
    // Clockwise: the natural top-left corner is shown at the top right
    // after 90 degrees, at the bottom right after 180, at the bottom left after 270.
    expect(naturalToRotated([0, 0], photo, 90)).toEqual([338, 0]);
    expect(naturalToRotated([0, 0], photo, 180)).toEqual([500, 338]);
    expect(naturalToRotated([0, 0], photo, 270)).toEqual([0, 500]);
    expect(naturalToRotated([500, 338], photo, 90)).toEqual([0, 500]);
  });

  it("maps a point both ways unchanged", () => {
    for (const rotation of turns) {
      const shown = naturalToRotated([120, 40], photo, rotation);
      expect(rotatedToNatural(shown, photo, rotation)).toEqual([120, 40]);
    }
  });

  it("keeps rotated points inside the rotated size", () => {
    for (const rotation of turns) {
      const size = rotatedSize(photo, rotation);
      for (const corner of [[0, 0], [500, 0], [500, 338], [0, 338]] as Point[]) {
        const [x, y] = naturalToRotated(corner, photo, rotation);
        expect([rotation, x >= 0 && x <= size.width && y >= 0 && y <= size.height]).toEqual([rotation, true]);
      }
    }
  });

  it("turns in quarter steps and wraps", () => {
    expect(turnImage(0, 90)).toBe(90);
    expect(turnImage(270, 90)).toBe(0);
    expect(turnImage(0, -90)).toBe(270);
    expect(quarterTurnOf(-90)).toBe(270);
    expect(quarterTurnOf(45)).toBe(0);
  });

  it("turns screen nudges back into the natural frame", () => {
    // Shown turned 90 degrees, moving right on screen moves up in the image.
    expect(viewDeltaToNatural([1, 0], 90)).toEqual([0, -1]);
    expect(viewDeltaToNatural([0, 1], 90)).toEqual([1, 0]);
    expect(viewDeltaToNatural([1, 0], 180)).toEqual([-1, 0]);
    expect(viewDeltaToNatural([1, 0], 0)).toEqual([1, 0]);
  });

  it("gives a box dragged on the rotated view in natural percent", () => {
    // A drag from (10, 20) to (110, 70) on the image shown turned 90
    // degrees covers natural x 20..70 and y 338-110..338-10.
    const start = rotatedToNatural([10, 20], photo, 90);
    const end = rotatedToNatural([110, 70], photo, 90);
    const box = rectToPercent(rectFromDrag(start, end), photo);
    expect(box.x).toBeCloseTo((20 / 500) * 100, 10);
    expect(box.y).toBeCloseTo((228 / 338) * 100, 10);
    expect(box.width).toBeCloseTo((50 / 500) * 100, 10);
    expect(box.height).toBeCloseTo((100 / 338) * 100, 10);
  });
});
