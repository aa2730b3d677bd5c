// Conversions between image pixels and the percent coordinates that Label
// Studio stores for image regions. Percent is of the image's natural size:
// x and widths of `original_width`, y and heights of `original_height`, each
// axis on its own, also for rotated shapes. Rotation is in degrees,
// clockwise, around a rectangle's top-left corner or an ellipse's centre.

export interface ImageSize {
  width: number; // natural pixels
  height: number;
}

export type Point = [number, number];

export interface Rect {
  x: number; // top-left corner before rotation
  y: number;
  width: number;
  height: number;
  rotation: number; // degrees around (x, y)
}

export interface Ellipse {
  x: number; // centre
  y: number;
  radiusX: number;
  radiusY: number;
  rotation: number; // degrees around the centre
}

export function xToPercent(px: number, size: ImageSize): number {
  return (px / size.width) * 100;
}

export function yToPercent(px: number, size: ImageSize): number {
  return (px / size.height) * 100;
}

export function xToPixels(percent: number, size: ImageSize): number {
  return (percent / 100) * size.width;
}

export function yToPixels(percent: number, size: ImageSize): number {
  return (percent / 100) * size.height;
}

export function rectToPercent(rect: Rect, size: ImageSize): Rect {
  return {
    x: xToPercent(rect.x, size),
    y: yToPercent(rect.y, size),
    width: xToPercent(rect.width, size),
    height: yToPercent(rect.height, size),
    rotation: normalizeDegrees(rect.rotation),
  };
}

export function rectToPixels(rect: Rect, size: ImageSize): Rect {
  return {
    x: xToPixels(rect.x, size),
    y: yToPixels(rect.y, size),
    width: xToPixels(rect.width, size),
    height: yToPixels(rect.height, size),
    rotation: rect.rotation,
  };
}

export function ellipseToPercent(ellipse: Ellipse, size: ImageSize): Ellipse {
  return {
    x: xToPercent(ellipse.x, size),
    y: yToPercent(ellipse.y, size),
    radiusX: xToPercent(ellipse.radiusX, size),
    radiusY: yToPercent(ellipse.radiusY, size),
    rotation: normalizeDegrees(ellipse.rotation),
  };
}

export function ellipseToPixels(ellipse: Ellipse, size: ImageSize): Ellipse {
  return {
    x: xToPixels(ellipse.x, size),
    y: yToPixels(ellipse.y, size),
    radiusX: xToPixels(ellipse.radiusX, size),
    radiusY: yToPixels(ellipse.radiusY, size),
    rotation: ellipse.rotation,
  };
}

export function pointsToPercent(points: Point[], size: ImageSize): Point[] {
  return points.map(([x, y]) => [xToPercent(x, size), yToPercent(y, size)]);
}

export function pointsToPixels(points: Point[], size: ImageSize): Point[] {
  return points.map(([x, y]) => [xToPixels(x, size), yToPixels(y, size)]);
}

// Degrees in [0, 360), as Label Studio stores a rotation.
export function normalizeDegrees(degrees: number): number {
  const wrapped = degrees % 360;
  if (wrapped < 0) return wrapped + 360;
  return wrapped + 0; // turns -0 into 0
}

// The four corners of a rectangle in pixels, clockwise from the top-left
// corner, after rotating it around that corner.
export function rectCorners(rect: Rect): Point[] {
  const radians = (rect.rotation * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const local: Point[] = [
    [0, 0],
    [rect.width, 0],
    [rect.width, rect.height],
    [0, rect.height],
  ];
  return local.map(([dx, dy]) => [rect.x + dx * cos - dy * sin, rect.y + dx * sin + dy * cos]);
}

// A rectangle from two corners of a mouse drag, in any drag direction.
export function rectFromDrag(start: Point, end: Point): Rect {
  return {
    x: Math.min(start[0], end[0]),
    y: Math.min(start[1], end[1]),
    width: Math.abs(end[0] - start[0]),
    height: Math.abs(end[1] - start[1]),
    rotation: 0,
  };
}

export function clampPoint([x, y]: Point, size: ImageSize): Point {
  return [Math.min(Math.max(x, 0), size.width), Math.min(Math.max(y, 0), size.height)];
}

// Index at which a point inserted on the polygon edge nearest to `point`
// goes, counting the closing edge from the last point to the first.
export function nearestEdgeInsertIndex(points: Point[], point: Point): number {
  let best = points.length;
  let bestDistance = Infinity;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    const distance = distanceToSegment(point, a, b);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i + 1;
    }
  }
  return best;
}

function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// The stage scale and offset that show the whole image centred in a
// viewport of the given size.
export function fitTransform(image: ImageSize, viewport: ImageSize): { scale: number; x: number; y: number } {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  return { scale, x: (viewport.width - image.width * scale) / 2, y: (viewport.height - image.height * scale) / 2 };
}

// The stage transform after zooming by `factor` around `anchor` (viewport
// pixels), so the image point under the anchor stays under it.
export function zoomAround(
  transform: { scale: number; x: number; y: number },
  factor: number,
  anchor: Point,
): { scale: number; x: number; y: number } {
  const scale = Math.min(Math.max(transform.scale * factor, 0.05), 64);
  const imageX = (anchor[0] - transform.x) / transform.scale;
  const imageY = (anchor[1] - transform.y) / transform.scale;
  return { scale, x: anchor[0] - imageX * scale, y: anchor[1] - imageY * scale };
}

// Image rotation: the view turns the whole image clockwise in steps of 90
// degrees. Regions stay in the natural frame of the unrotated image, in
// percent of its natural size, because Label Studio's editor does the same:
// it rotates its canvas, keeps region coordinates unrotated and records the
// view's rotation in each item's `image_rotation`. The rotated frame is the
// image as shown, with its origin at the shown top-left corner.
export type QuarterTurn = 0 | 90 | 180 | 270;

// The rotation after turning by `step` degrees (a multiple of 90).
export function turnImage(rotation: QuarterTurn, step: number): QuarterTurn {
  return normalizeDegrees(Math.round((rotation + step) / 90) * 90) as QuarterTurn;
}

// A stored `image_rotation` as a quarter turn, or 0 when it is not one.
export function quarterTurnOf(degrees: number): QuarterTurn {
  const normalized = normalizeDegrees(degrees);
  return normalized === 90 || normalized === 180 || normalized === 270 ? normalized : 0;
}

// The size of the image as shown: sides swap at 90 and 270 degrees.
export function rotatedSize(size: ImageSize, rotation: QuarterTurn): ImageSize {
  return rotation === 90 || rotation === 270 ? { width: size.height, height: size.width } : size;
}

// Where the natural origin lands in the rotated frame. Rotating a point
// clockwise around the origin and adding this offset maps the natural
// frame onto the rotated one.
export function rotationOffset(size: ImageSize, rotation: QuarterTurn): Point {
  switch (rotation) {
    case 0:
      return [0, 0];
    case 90:
      return [size.height, 0];
    case 180:
      return [size.width, size.height];
    case 270:
      return [0, size.width];
  }
}

// A vector turned clockwise by the rotation, with y pointing down as on
// screen. Adding 0 turns -0 into 0.
function turnVector([x, y]: Point, rotation: QuarterTurn): Point {
  const [turnedX, turnedY] = turnVectorSigned([x, y], rotation);
  return [turnedX + 0, turnedY + 0];
}

function turnVectorSigned([x, y]: Point, rotation: QuarterTurn): Point {
  switch (rotation) {
    case 0:
      return [x, y];
    case 90:
      return [-y, x];
    case 180:
      return [-x, -y];
    case 270:
      return [y, -x];
  }
}

// A point of the natural image in the rotated frame, in natural pixels.
export function naturalToRotated(point: Point, size: ImageSize, rotation: QuarterTurn): Point {
  const [dx, dy] = turnVector(point, rotation);
  const [ox, oy] = rotationOffset(size, rotation);
  return [dx + ox, dy + oy];
}

// A point of the rotated frame in the natural image, in natural pixels.
export function rotatedToNatural(point: Point, size: ImageSize, rotation: QuarterTurn): Point {
  const [ox, oy] = rotationOffset(size, rotation);
  return viewDeltaToNatural([point[0] - ox, point[1] - oy], rotation);
}

// A move on screen (such as an arrow-key nudge) as a move in the natural frame.
export function viewDeltaToNatural(delta: Point, rotation: QuarterTurn): Point {
  return turnVector(delta, ((360 - rotation) % 360) as QuarterTurn);
}
