import { describe, expect, it } from "vitest";
import { editorReducer, initialEditorState } from "./annotation-model";
import { maskToRle, rleToMask } from "./brush";
import { parseLabelConfig, type EditorConfig } from "./config";
import { nudgeRegion, pastedRegion, readImageRegion, regionCentre } from "./image-regions";
import { buildResult, missingRequired, readResult } from "./results";

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
    const moved = nudgeRegion(box, 10, -1).geometry;
    if (moved.shape !== "rectangle") throw new Error(`expected a rectangle, got ${moved.shape}`);
    expect(moved.x).toBeCloseTo(12, 9);
    expect(moved.y).toBeCloseTo(20.5 - 100 / 338, 9);
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

describe("relations", () => {
  const related = config(`<View>
    <Image name="image" value="$image"/>
    <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
    <Relations choice="multiple"><Relation value="left_of"/><Relation value="near" background="#00ff00"/></Relations>
  </View>`);
  const relation = { id: "rel1", type: "relation", from_id: "r1", to_id: "r2", direction: "bi", labels: ["near"] };
  const boxes = [stored[0], { ...stored[0], id: "r2" }];

  it("parses the Relations tag and its labels", () => {
    expect(related.unsupportedTags).toEqual([]);
    expect(related.relations?.multiple).toBe(true);
    expect(related.relations?.labels.map((label) => [label.value, label.background])).toEqual([
      ["left_of", "#2f6fd6"],
      ["near", "#00ff00"],
    ]);
  });

  it("round-trips a relation item", () => {
    const values = readResult(related, [...boxes, relation]);
    expect(values.relations).toEqual([{ id: "rel1", fromId: "r1", toId: "r2", direction: "bi", labels: ["near"] }]);
    expect(values.foreign).toEqual([]);
    expect(buildResult(related, values)).toEqual([...boxes, relation]);
  });

  it("reads a relation without id, direction or labels", () => {
    const values = readResult(related, [{ type: "relation", from_id: "r1", to_id: "r2" }]);
    expect(values.relations[0].direction).toBe("right");
    expect(values.relations[0].labels).toEqual([]);
    expect(values.relations[0].id).toMatch(/^[A-Za-z0-9_-]{10}$/);
  });

  it("rejects self and duplicate relations", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(related, [...boxes, relation]) });
    const self = editorReducer(loaded, { type: "relation-added", relation: { id: "x", fromId: "r1", toId: "r1", direction: "right", labels: [] } });
    expect(self).toBe(loaded);
    const twice = editorReducer(loaded, { type: "relation-added", relation: { id: "y", fromId: "r1", toId: "r2", direction: "right", labels: [] } });
    expect(twice).toBe(loaded);
    const back = editorReducer(loaded, { type: "relation-added", relation: { id: "z", fromId: "r2", toId: "r1", direction: "right", labels: [] } });
    expect(back.values.relations).toHaveLength(2);
  });

  it("drops relations of a removed region", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(related, [...boxes, relation]) });
    const removed = editorReducer(loaded, { type: "region-removed", id: "r2" });
    expect(removed.values.relations).toEqual([]);
  });
});

describe("pastedRegion", () => {
  it("copies under a new id, 10 px down and right", () => {
    const box = readImageRegion(stored[0])!;
    const copy = pastedRegion(box, "copy1");
    expect(copy.id).toBe("copy1");
    expect(copy.labels).toEqual(["Car"]);
    if (copy.geometry.shape !== "rectangle") throw new Error(`expected a rectangle, got ${copy.geometry.shape}`);
    expect(copy.geometry.x).toBeCloseTo(10 + 2, 9);
    expect(copy.geometry.y).toBeCloseTo(20.5 + 1000 / 338, 9);
    expect(copy.geometry.rotation).toBe(45);
    expect(box.id).toBe("r1");
  });
});

describe("regionCentre", () => {
  it("finds the middle of a rotated box", () => {
    const [x, y] = regionCentre({ shape: "rectangle", x: 10, y: 10, width: 20, height: 10, rotation: 90 });
    expect(x).toBeCloseTo(5, 9);
    expect(y).toBeCloseTo(20, 9);
  });

  it("averages polygon points", () => {
    const square: [number, number][] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    expect(regionCentre({ shape: "polygon", points: square, closed: true })).toEqual([5, 5]);
  });

  it("uses a keypoint or ellipse position", () => {
    expect(regionCentre({ shape: "keypoint", x: 3, y: 4, width: 1 })).toEqual([3, 4]);
    expect(regionCentre({ shape: "ellipse", x: 7, y: 8, radiusX: 1, radiusY: 2, rotation: 30 })).toEqual([7, 8]);
  });
});

describe("per-region TextArea", () => {
  const ocr = config(`<View>
    <Image name="image" value="$image"/>
    <RectangleLabels name="box" toName="image"><Label value="Text"/></RectangleLabels>
    <TextArea name="transcription" toName="image" perRegion="true" required="true"/>
  </View>`);
  const box = { ...stored[0], from_name: "box", value: { ...stored[0].value, rectanglelabels: ["Text"] } };
  const text = {
    id: "r1",
    from_name: "transcription",
    to_name: "image",
    type: "textarea",
    origin: "manual",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: { x: 10, y: 20.5, width: 30, height: 15.25, rotation: 45, text: ["Exit"] },
  };

  it("round-trips the text under the region's id", () => {
    const values = readResult(ocr, [box, text]);
    expect(values.regionTexts).toEqual({ r1: { transcription: ["Exit"] } });
    expect(values.textareas).toEqual({});
    expect(buildResult(ocr, values)).toEqual([box, text]);
  });

  it("drops the text with its region", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(ocr, [box, text]) });
    const removed = editorReducer(loaded, { type: "region-removed", id: "r1" });
    expect(buildResult(ocr, removed.values)).toEqual([]);
  });

  it("is not a required global field", () => {
    expect(missingRequired(ocr, readResult(ocr, []))).toEqual([]);
  });
});

describe("audio segments", () => {
  const speech = config(`<View>
    <Audio name="audio" value="$audio"/>
    <Labels name="speaker" toName="audio"><Label value="A"/><Label value="B"/></Labels>
    <TextArea name="transcript" toName="audio" perRegion="true"/>
  </View>`);
  const segment = { id: "s1", from_name: "speaker", to_name: "audio", type: "labels", origin: "manual", value: { start: 1.25, end: 3.5, channel: 0, labels: ["B"] } };
  const transcript = { id: "s1", from_name: "transcript", to_name: "audio", type: "textarea", origin: "manual", value: { start: 1.25, end: 3.5, text: ["hi"] } };

  it("parses Audio as an object", () => {
    expect(speech.unsupportedTags).toEqual([]);
    expect(speech.audioNames).toEqual(["audio"]);
    expect(speech.dataKeys).toEqual(["audio"]);
  });

  it("round-trips a segment with its channel and transcript", () => {
    const values = readResult(speech, [segment, transcript]);
    expect(values.audioRegions).toEqual([{ id: "s1", fromName: "speaker", toName: "audio", start: 1.25, end: 3.5, channel: 0, labels: ["B"] }]);
    expect(values.regions).toEqual([]);
    expect(buildResult(speech, values)).toEqual([segment, transcript]);
  });

  it("moves a segment and drops it with its transcript", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(speech, [segment, transcript]) });
    const moved = editorReducer(loaded, { type: "audio-region-changed", region: { ...loaded.values.audioRegions[0], start: 2, end: 4 } });
    expect(buildResult(speech, moved.values)[1].value).toEqual({ start: 2, end: 4, text: ["hi"] });
    const removed = editorReducer(moved, { type: "region-removed", id: "s1" });
    expect(buildResult(speech, removed.values)).toEqual([]);
  });
});

describe("bare tools labelled by Labels", () => {
  const ocr = config(`<View>
    <Image name="image" value="$ocr"/>
    <Labels name="label" toName="image"><Label value="Text"/><Label value="Handwriting"/></Labels>
    <Rectangle name="bbox" toName="image"/>
    <Polygon name="poly" toName="image"/>
  </View>`);
  const shape = { ...stored[4], from_name: "bbox", id: "u1" };
  const labels = { ...shape, from_name: "label", type: "labels", value: { ...shape.value, labels: ["Handwriting"] } };

  it("pairs the labels item with its shape", () => {
    const values = readResult(ocr, [labels, shape]);
    expect(values.foreign).toEqual([]);
    expect(values.imageRegions[0].labels).toEqual(["Handwriting"]);
    expect(values.imageRegions[0].labelsFrom).toBe("label");
    expect(buildResult(ocr, values)).toEqual([shape, labels]);
  });

  it("writes the shape alone without labels", () => {
    const values = readResult(ocr, [shape]);
    expect(buildResult(ocr, values)).toEqual([shape]);
  });

  it("labels a selected bare region from the Labels control", () => {
    const loaded = editorReducer(initialEditorState, { type: "loaded", values: readResult(ocr, [shape]) });
    const labelled = editorReducer(loaded, { type: "region-labels-set", id: "u1", labels: ["Text"], labelsFrom: "label" });
    expect(buildResult(ocr, labelled.values)).toEqual([shape, { ...labels, value: { ...shape.value, labels: ["Text"] } }]);
  });
});

describe("Image valueList", () => {
  const pages = config(`<View>
    <Image name="pages" valueList="$pages"/>
    <RectangleLabels name="box" toName="pages"><Label value="Car"/></RectangleLabels>
  </View>`);

  it("reads the list's data key", () => {
    expect(pages.dataKeys).toEqual(["pages"]);
    expect(pages.root.kind === "view" && pages.root.children[0]).toMatchObject({ kind: "image", valueList: true, valueKey: "pages" });
  });

  it("round-trips item_index", () => {
    const onSecond = { ...stored[0], to_name: "pages", item_index: 1 };
    const values = readResult(pages, [onSecond]);
    expect(values.imageRegions[0].itemIndex).toBe(1);
    expect(buildResult(pages, values)).toEqual([onSecond]);
  });
});

describe("brush regions", () => {
  const segmentation = config(`<View>
    <Image name="image" value="$image"/>
    <BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels>
  </View>`);
  const size = { width: 20, height: 10 };
  const mask = new Uint8Array(size.width * size.height);
  mask.fill(255, 2 * size.width + 4, 2 * size.width + 8); // row 2, x 4..7
  const brushItem = {
    id: "b1",
    from_name: "mask",
    to_name: "image",
    type: "brushlabels",
    origin: "manual",
    original_width: size.width,
    original_height: size.height,
    image_rotation: 0,
    value: { format: "rle", rle: maskToRle(mask), brushlabels: ["Road"] },
  };

  it("parses BrushLabels as a brush tool", () => {
    const control = segmentation.controls.find((c) => c.name === "mask");
    expect(control?.kind === "labels" && [control.shape, control.resultType]).toEqual(["brush", "brushlabels"]);
  });

  it("round-trips a stored mask unchanged", () => {
    const values = readResult(segmentation, [brushItem]);
    expect(values.imageRegions).toHaveLength(1);
    expect(values.foreign).toEqual([]);
    expect(buildResult(segmentation, values)).toEqual([brushItem]);
  });

  it("keeps a brush item of another format as it is", () => {
    const other = { ...brushItem, value: { format: "png", png: "iVBOR", brushlabels: ["Road"] } };
    const values = readResult(segmentation, [other]);
    expect(values.imageRegions).toEqual([]);
    expect(values.foreign).toEqual([other]);
  });

  it("rejects RLE bytes outside 0-255", () => {
    expect(readImageRegion({ ...brushItem, value: { format: "rle", rle: [0, 256] } })).toBeNull();
  });

  it("nudges a mask by whole pixels", () => {
    const region = readImageRegion(brushItem)!;
    const moved = nudgeRegion(region, 3, 1).geometry;
    if (moved.shape !== "brush") throw new Error(`expected a brush, got ${moved.shape}`);
    const shifted = rleToMask(moved.rle, size);
    expect(shifted[3 * size.width + 7]).toBe(255);
    expect(shifted[3 * size.width + 10]).toBe(255);
    expect(shifted[2 * size.width + 4]).toBe(0);
  });

  it("centres a relation arrow on the painted pixels", () => {
    const [x, y] = regionCentre(readImageRegion(brushItem)!.geometry, size);
    expect(x).toBeCloseTo((6 / 20) * 100, 9);
    expect(y).toBeCloseTo((2.5 / 10) * 100, 9);
  });
});

describe("OcrLabels regions", () => {
  const ocr = config(`<View>
    <Image name="image" value="$image"/>
    <OcrLabels name="ocr" toName="image"><Label value="Text"/><Label value="Handwriting"/></OcrLabels>
  </View>`);
  const ocrItem = {
    id: "o1",
    from_name: "ocr",
    to_name: "image",
    type: "ocrlabels",
    origin: "manual",
    original_width: 800,
    original_height: 600,
    image_rotation: 0,
    value: { x: 5, y: 5, width: 40, height: 10, rotation: 0, ocrtext: "INVOICE 42", ocrlabels: ["Text"] },
  };

  it("parses OcrLabels as a box tool", () => {
    const control = ocr.controls.find((c) => c.name === "ocr");
    expect(control?.kind === "labels" && [control.shape, control.resultType]).toEqual(["rectangle", "ocrlabels"]);
    expect(ocr.unsupportedTags).toEqual([]);
  });

  it("round-trips a box with its text unchanged", () => {
    const values = readResult(ocr, [ocrItem]);
    expect(values.imageRegions[0].ocrText).toBe("INVOICE 42");
    expect(buildResult(ocr, values)).toEqual([ocrItem]);
  });

  it("keeps ocrtext out of a per-region TextArea item", () => {
    const transcribed = config(`<View>
      <Image name="image" value="$image"/>
      <OcrLabels name="ocr" toName="image"><Label value="Text"/></OcrLabels>
      <TextArea name="note" toName="image" perRegion="true"/>
    </View>`);
    const values = readResult(transcribed, [ocrItem]);
    values.regionTexts = { o1: { note: ["checked"] } };
    const note = buildResult(transcribed, values).find((item) => item.type === "textarea");
    expect(note?.value).toEqual({ x: 5, y: 5, width: 40, height: 10, rotation: 0, text: ["checked"] });
  });

  it("stores edited text in ocrtext", () => {
    const [region] = readResult(ocr, [ocrItem]).imageRegions;
    const [item] = buildResult(ocr, { ...readResult(ocr, [ocrItem]), imageRegions: [{ ...region, ocrText: "INVOICE 43" }] });
    expect(item.value.ocrtext).toBe("INVOICE 43");
  });
});
