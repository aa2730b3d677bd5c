// Regions on an Image object and their result items in Label Studio's
// format. Geometry is kept in percent of the natural image size, as stored,
// so loading and saving an untouched region returns the same numbers.
import { maskCentre, maskToRle, rleToMask, shiftMask } from "./brush";
import { rectCorners, type Point } from "./geometry";

export type ImageShape = "rectangle" | "polygon" | "keypoint" | "ellipse" | "brush";

export type ImageGeometry =
  | { shape: "rectangle"; x: number; y: number; width: number; height: number; rotation: number }
  | { shape: "polygon"; points: Point[]; closed: boolean }
  | { shape: "keypoint"; x: number; y: number; width: number }
  | { shape: "ellipse"; x: number; y: number; radiusX: number; radiusY: number; rotation: number }
  // The mask as stored: RLE bytes of RGBA pixels of the natural image size.
  | { shape: "brush"; rle: number[] };

export interface ImageRegion {
  id: string;
  fromName: string; // the shape control (RectangleLabels, Polygon, ...)
  toName: string; // the Image object
  type: string; // result type: "rectanglelabels", "rectangle", ...
  labels: string[];
  // A bare tool's region labelled by a separate Labels control: stored as a
  // second "labels" item with the same id, as Label Studio stores it.
  labelsFrom?: string;
  itemIndex?: number; // which image of an Image valueList, stored as item_index
  ocrText?: string; // the recognized text of an OcrLabels box, stored as ocrtext
  originalWidth: number;
  originalHeight: number;
  imageRotation: number;
  geometry: ImageGeometry;
}

// The result types of each shape: labelled first, then the bare tool.
export const shapeTypes: Record<ImageShape, [string, string]> = {
  rectangle: ["rectanglelabels", "rectangle"],
  polygon: ["polygonlabels", "polygon"],
  keypoint: ["keypointlabels", "keypoint"],
  ellipse: ["ellipselabels", "ellipse"],
  brush: ["brushlabels", "brush"],
};

export function shapeOfType(type: string): ImageShape | null {
  if (type === "ocrlabels") return "rectangle";
  for (const [shape, types] of Object.entries(shapeTypes) as [ImageShape, [string, string]][]) {
    if (types.includes(type)) return shape;
  }
  return null;
}

// The region's result items: the shape item, then the "labels" item of a
// separate Labels control when one labelled it.
export function imageRegionResults(region: ImageRegion, origin: string): Record<string, unknown>[] {
  const shape = imageRegionResult(region, origin);
  if (!region.labelsFrom || region.labels.length === 0) return [shape];
  const labels = { ...shape, from_name: region.labelsFrom, type: "labels", value: { ...(shape.value as object), labels: region.labels } };
  return [shape, labels];
}

export function imageRegionResult(region: ImageRegion, origin: string): Record<string, unknown> {
  const geometry = region.geometry;
  const value: Record<string, unknown> = {};
  switch (geometry.shape) {
    case "rectangle":
      Object.assign(value, { x: geometry.x, y: geometry.y, width: geometry.width, height: geometry.height, rotation: geometry.rotation });
      break;
    case "polygon":
      Object.assign(value, { points: geometry.points, closed: geometry.closed });
      break;
    case "keypoint":
      Object.assign(value, { x: geometry.x, y: geometry.y, width: geometry.width });
      break;
    case "ellipse":
      Object.assign(value, { x: geometry.x, y: geometry.y, radiusX: geometry.radiusX, radiusY: geometry.radiusY, rotation: geometry.rotation });
      break;
    case "brush":
      Object.assign(value, { format: "rle", rle: geometry.rle });
      break;
  }
  if (region.type === "ocrlabels") value.ocrtext = region.ocrText ?? "";
  // A bare tool (Rectangle, Polygon, ...) stores no label list.
  if (region.type.endsWith("labels")) value[region.type] = region.labels;
  return {
    id: region.id,
    from_name: region.fromName,
    to_name: region.toName,
    type: region.type,
    origin,
    original_width: region.originalWidth,
    original_height: region.originalHeight,
    image_rotation: region.imageRotation,
    ...(region.itemIndex !== undefined ? { item_index: region.itemIndex } : {}),
    value,
  };
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function readPoints(raw: unknown): Point[] | null {
  if (!Array.isArray(raw)) return null;
  const points: Point[] = [];
  for (const point of raw) {
    if (!Array.isArray(point) || !finite(point[0]) || !finite(point[1])) return null;
    points.push([point[0], point[1]]);
  }
  return points;
}

function readGeometry(shape: ImageShape, value: Record<string, unknown>): ImageGeometry | null {
  switch (shape) {
    case "rectangle":
      if (!finite(value.x) || !finite(value.y) || !finite(value.width) || !finite(value.height)) return null;
      return {
        shape,
        x: value.x,
        y: value.y,
        width: value.width,
        height: value.height,
        rotation: finite(value.rotation) ? value.rotation : 0,
      };
    case "polygon": {
      const points = readPoints(value.points);
      if (!points) return null;
      return { shape, points, closed: value.closed !== false };
    }
    case "keypoint":
      if (!finite(value.x) || !finite(value.y)) return null;
      return { shape, x: value.x, y: value.y, width: finite(value.width) ? value.width : 0.6 };
    case "ellipse":
      if (!finite(value.x) || !finite(value.y) || !finite(value.radiusX) || !finite(value.radiusY)) return null;
      return {
        shape,
        x: value.x,
        y: value.y,
        radiusX: value.radiusX,
        radiusY: value.radiusY,
        rotation: finite(value.rotation) ? value.rotation : 0,
      };
    case "brush": {
      // Only RLE masks are drawn; other brush formats stay unchanged as foreign items.
      const rle = value.rle;
      if (value.format !== "rle" || !Array.isArray(rle)) return null;
      if (!rle.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) return null;
      return { shape, rle: rle as number[] };
    }
  }
}

// An image region from a stored result item, or null when the item is not
// a well-formed shape (the caller then keeps it unchanged).
export function readImageRegion(item: Record<string, unknown>): ImageRegion | null {
  const type = typeof item.type === "string" ? item.type : "";
  const shape = shapeOfType(type);
  const value = item.value;
  if (!shape || typeof value !== "object" || value === null) return null;
  const geometry = readGeometry(shape, value as Record<string, unknown>);
  if (!geometry) return null;
  const rawLabels = (value as Record<string, unknown>)[type];
  const ocrText = (value as Record<string, unknown>).ocrtext;
  return {
    id: String(item.id),
    fromName: String(item.from_name),
    toName: String(item.to_name),
    type,
    labels: Array.isArray(rawLabels) ? rawLabels.filter((label): label is string => typeof label === "string") : [],
    originalWidth: finite(item.original_width) ? item.original_width : 0,
    originalHeight: finite(item.original_height) ? item.original_height : 0,
    imageRotation: finite(item.image_rotation) ? item.image_rotation : 0,
    ...(finite(item.item_index) ? { itemIndex: item.item_index } : {}),
    ...(type === "ocrlabels" ? { ocrText: typeof ocrText === "string" ? ocrText : "" } : {}),
    geometry,
  };
}

// The region moved by (dx, dy) natural image pixels, as arrow-key nudges
// move it. A region without a known image size does not move.
export function nudgeRegion(region: ImageRegion, dx: number, dy: number): ImageRegion {
  if (region.originalWidth <= 0 || region.originalHeight <= 0) return region;
  const px = (dx / region.originalWidth) * 100;
  const py = (dy / region.originalHeight) * 100;
  const geometry = region.geometry;
  if (geometry.shape === "brush") {
    // A mask moves by whole pixels; one that does not decode stays where it is.
    const size = { width: region.originalWidth, height: region.originalHeight };
    try {
      return { ...region, geometry: { shape: "brush", rle: maskToRle(shiftMask(rleToMask(geometry.rle, size), size, dx, dy)) } };
    } catch {
      return region;
    }
  }
  if (geometry.shape === "polygon") {
    return { ...region, geometry: { ...geometry, points: geometry.points.map(([x, y]) => [x + px, y + py]) } };
  }
  return { ...region, geometry: { ...geometry, x: geometry.x + px, y: geometry.y + py } };
}

// A copy of a region under a new id, 10 natural pixels right of and below
// the original so both stay visible. Its labels and image size carry over.
export function pastedRegion(region: ImageRegion, id: string): ImageRegion {
  return nudgeRegion({ ...region, id }, 10, 10);
}

// The point a relation arrow starts or ends at, in percent: the middle of
// a rotated box, the mean of a polygon's points, a keypoint or an ellipse's
// centre, the mean of a mask's painted pixels. A mask needs the natural
// image size; without it, or when the mask is empty or malformed, its
// centre is the image's centre.
export function regionCentre(geometry: ImageGeometry, size?: { width: number; height: number }): Point {
  switch (geometry.shape) {
    case "rectangle": {
      const corners = rectCorners(geometry);
      return [(corners[0][0] + corners[2][0]) / 2, (corners[0][1] + corners[2][1]) / 2];
    }
    case "polygon": {
      const count = Math.max(geometry.points.length, 1);
      const sum = geometry.points.reduce<Point>((total, [x, y]) => [total[0] + x, total[1] + y], [0, 0]);
      return [sum[0] / count, sum[1] / count];
    }
    case "keypoint":
    case "ellipse":
      return [geometry.x, geometry.y];
    case "brush": {
      if (!size || size.width <= 0 || size.height <= 0) return [50, 50];
      try {
        const centre = maskCentre(rleToMask(geometry.rle, size), size);
        return centre ? [(centre[0] / size.width) * 100, (centre[1] / size.height) * 100] : [50, 50];
      } catch {
        return [50, 50];
      }
    }
  }
}
