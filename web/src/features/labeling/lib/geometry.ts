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
