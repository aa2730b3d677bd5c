import { describe, expect, it } from "vitest";
import { editorReducer, initialEditorState } from "./annotation-model";
import { parseLabelConfig, type EditorConfig } from "./config";
import { nudgeRegion, readImageRegion } from "./image-regions";
import { buildResult, readResult } from "./results";

function config(xml: string): EditorConfig {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

const detection = config(`<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car" background="#ff0000"/><Label value="Person"/></RectangleLabels>
  <PolygonLabels name="outline" toName="image"><Label value="Road"/></PolygonLabels>
  <KeyPointLabels name="point" toName="image"><Label value="Nose"/></KeyPointLabels>
  <EllipseLabels name="blob" toName="image"><Label value="Cell"/></EllipseLabels>
  <Rectangle name="plain" toName="image"/>
</View>`);

const stored = [
  {
    id: "r1",
    from_name: "box",
    to_name: "image",
    type: "rectanglelabels",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { x: 10, y: 20.5, width: 30, height: 15.25, rotation: 45, rectanglelabels: ["Car"] },
  },
  {
    id: "p1",
    from_name: "outline",
    to_name: "image",
    type: "polygonlabels",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { points: [[1, 2], [30, 4], [15, 40]], closed: true, polygonlabels: ["Road"] },
  },
  {
    id: "k1",
    from_name: "point",
    to_name: "image",
    type: "keypointlabels",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { x: 50, y: 60, width: 0.6, keypointlabels: ["Nose"] },
  },
  {
    id: "e1",
    from_name: "blob",
    to_name: "image",
    type: "ellipselabels",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { x: 70, y: 30, radiusX: 5, radiusY: 7.5, rotation: 0, ellipselabels: ["Cell"] },
  },
  {
    id: "u1",
    from_name: "plain",
    to_name: "image",
    type: "rectangle",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { x: 1, y: 1, width: 2, height: 2, rotation: 0 },
  },
];

describe("image shape configs", () => {
  it("parses the Image object and each shape control", () => {
    expect(detection.unsupportedTags).toEqual([]);
    expect(detection.dataKeys).toEqual(["image"]);
    const shapes = detection.controls.map((c) => c.kind === "labels" && `${c.name}:${c.shape}:${c.resultType}`);
    expect(shapes).toEqual([
      "box:rectangle:rectanglelabels",
      "outline:polygon:polygonlabels",
      "point:keypoint:keypointlabels",
      "blob:ellipse:ellipselabels",
      "plain:rectangle:rectangle",
    ]);
  });

  it("keeps Labels on Text without a shape", () => {
    const text = config(`<View><Labels name="l" toName="t"><Label value="A"/></Labels><Text name="t" value="$t"/></View>`);
    const labels = text.controls[0];
    expect(labels.kind === "labels" && [labels.shape, labels.resultType]).toEqual([null, "labels"]);
  });
});

describe("image region results", () => {
  it("round-trips every shape exactly", () => {
    const values = readResult(detection, stored);
    expect(values.imageRegions.map((r) => r.id)).toEqual(["r1", "p1", "k1", "e1", "u1"]);
    expect(values.foreign).toEqual([]);
    expect(buildResult(detection, values)).toEqual(stored);
  });

  it("keeps a malformed shape item unchanged", () => {
    const broken = { ...stored[0], id: "bad", value: { x: "10", y: 0, width: 1, height: 1 } };
    const values = readResult(detection, [broken]);
    expect(values.imageRegions).toEqual([]);
    expect(values.foreign).toEqual([broken]);
  });

  it("marks an edited prediction region", () => {
    const values = readResult(detection, stored.slice(0, 1), {}, true);
    const loaded = editorReducer(initialEditorState, { type: "loaded", values });
    const region = nudgeRegion(loaded.values.imageRegions[0], 5, 0);
    const next = editorReducer(loaded, { type: "image-region-changed", region });
    expect(next.values.origins.r1).toBe("prediction-changed");
    expect(buildResult(detection, next.values)[0].origin).toBe("prediction-changed");
  });

  it("removes and relabels image regions", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(detection, stored) });
    const relabelled = editorReducer(loaded, { type: "region-labels-set", id: "r1", labels: ["Person"] });
    expect(relabelled.values.imageRegions[0].labels).toEqual(["Person"]);
    const removed = editorReducer(relabelled, { type: "region-removed", id: "p1" });
    expect(removed.values.imageRegions.map((r) => r.id)).toEqual(["r1", "k1", "e1", "u1"]);
    expect(editorReducer(removed, { type: "undo" }).values.imageRegions).toHaveLength(5);
  });
});

describe("nudgeRegion", () => {
  it("moves by natural pixels in percent", () => {
    const box = readImageRegion(stored[0])!;
    const moved = nudgeRegion(box, 10, -1);
    expect(moved.geometry.shape === "rectangle" && moved.geometry.x).toBeCloseTo(12, 9);
    expect(moved.geometry.shape === "rectangle" && moved.geometry.y).toBeCloseTo(20.5 - 100 / 338, 9);
  });

  it("moves every polygon point", () => {
    const polygon = readImageRegion(stored[1])!;
    const moved = nudgeRegion(polygon, 5, 0);
    expect(moved.geometry.shape === "polygon" && moved.geometry.points.map((p) => p[0])).toEqual([2, 31, 16]);
  });

  it("leaves a region without image size in place", () => {
    const box = readImageRegion({ ...stored[0], original_width: undefined })!;
    expect(nudgeRegion(box, 1, 1)).toBe(box);
  });
});
