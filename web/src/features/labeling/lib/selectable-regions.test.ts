import { describe, expect, it } from "vitest";
import { editorReducer, initialEditorState } from "./annotation-model";
import { parseLabelConfig, type EditorConfig } from "./config";
import type { ImageRegion } from "./image-regions";
import { buildResult, emptyValues, missingRequired, readResult, type EditorValues } from "./results";
import { appliesToRegion, findSelectableRegion, isPerRegionControl } from "./selectable-regions";
import { hiddenControls, isVisible } from "./visibility";

function config(xml: string): EditorConfig {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

const values = (change: Partial<EditorValues>): EditorValues => ({ ...emptyValues, ...change });

// The shape of Label Studio's "signal quality" time-series template.
const signalQuality = config(`<View>
  <View visibleWhen="no-region-selected">
    <TimeSeriesLabels name="label" toName="ts"><Label value="Region"/></TimeSeriesLabels>
  </View>
  <View visibleWhen="region-selected">
    <Rating name="rating" toName="ts" maxRating="10" perRegion="true"/>
    <Choices name="choices" toName="ts" required="true" perRegion="true">
      <Choice value="Good"/><Choice value="Medium"/><Choice value="Poor"/>
    </Choices>
  </View>
  <TimeSeries name="ts" value="$csv" timeColumn="time"><Channel column="signal_1"/></TimeSeries>
</View>`);

const range = { id: "t1", fromName: "label", toName: "ts", start: 2, end: 6, instant: false, labels: ["Region"] };

describe("per-region answers", () => {
  it("repeat a time-series range's bounds", () => {
    const current = values({
      timeSeriesRegions: [range],
      regionAnswers: { t1: { choices: { choices: ["Poor"] }, rating: { rating: 7 } } },
    });
    // Submitted while the range is selected: its labels are still stored.
    const hidden = hiddenControls(signalQuality, current, "t1");
    expect(buildResult(signalQuality, current, {}, hidden)).toEqual([
      {
        id: "t1",
        from_name: "label",
        to_name: "ts",
        type: "timeserieslabels",
        origin: "manual",
        value: { start: 2, end: 6, instant: false, timeserieslabels: ["Region"] },
      },
      { id: "t1", from_name: "rating", to_name: "ts", type: "rating", origin: "manual", value: { start: 2, end: 6, instant: false, rating: 7 } },
      { id: "t1", from_name: "choices", to_name: "ts", type: "choices", origin: "manual", value: { start: 2, end: 6, instant: false, choices: ["Poor"] } },
    ]);
  });

  it("read back into the region's answers", () => {
    const stored = buildResult(signalQuality, values({ timeSeriesRegions: [range], regionAnswers: { t1: { choices: { choices: ["Good"] } } } }));
    const read = readResult(signalQuality, stored);
    expect(read.regionAnswers).toEqual({ t1: { choices: { choices: ["Good"] } } });
    expect(read.choices).toEqual({});
    expect(read.foreign).toEqual([]);
  });

  it("are required for each described region", () => {
    const second = { ...range, id: "t2", start: 7, end: 8 };
    const answered = { t1: { choices: { choices: ["Good"] } } };
    expect(missingRequired(signalQuality, values({ timeSeriesRegions: [range, second], regionAnswers: answered }))).toEqual(["choices"]);
    expect(missingRequired(signalQuality, values({ timeSeriesRegions: [range], regionAnswers: answered }))).toEqual([]);
    // Without regions there is nothing to answer.
    expect(missingRequired(signalQuality, values({}))).toEqual([]);
  });

  it("go with their region when it is deleted", () => {
    let state = editorReducer(initialEditorState, { type: "loaded", values: values({ timeSeriesRegions: [range] }) });
    state = editorReducer(state, { type: "region-answer-set", regionId: "t1", control: "rating", answer: { rating: 3 } });
    expect(state.values.regionAnswers).toEqual({ t1: { rating: { rating: 3 } } });
    state = editorReducer(state, { type: "region-answer-set", regionId: "t1", control: "rating", answer: null });
    expect(state.values.regionAnswers).toEqual({ t1: {} });
    state = editorReducer(state, { type: "region-answer-set", regionId: "t1", control: "choices", answer: { choices: ["Medium"] } });
    state = editorReducer(state, { type: "region-removed", id: "t1" });
    expect(state.values.regionAnswers).toEqual({});
    expect(buildResult(signalQuality, state.values)).toEqual([]);
  });

  it("repeat a text span's offsets and text", () => {
    const spans = config(`<View>
      <Text name="text" value="$text"/>
      <Labels name="entity" toName="text"><Label value="Person"/></Labels>
      <Number name="age" toName="text" perRegion="true"/>
    </View>`);
    const span = { id: "s1", fromName: "entity", toName: "text", start: 0, end: 3, text: "Ada", labels: ["Person"] };
    const [, age] = buildResult(spans, values({ regions: [span], regionAnswers: { s1: { age: { number: 36 } } } }));
    expect(age).toEqual({ id: "s1", from_name: "age", to_name: "text", type: "number", origin: "manual", value: { start: 0, end: 3, text: "Ada", number: 36 } });
  });

  it("repeat an image box's geometry and image size", () => {
    const boxes = config(`<View>
      <Image name="image" value="$image"/>
      <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
      <Choices name="colour" toName="image" perRegion="true"><Choice value="Red"/><Choice value="Blue"/></Choices>
    </View>`);
    const box: ImageRegion = {
      id: "b1",
      fromName: "box",
      toName: "image",
      type: "rectanglelabels",
      labels: ["Car"],
      originalWidth: 640,
      originalHeight: 480,
      imageRotation: 90,
      geometry: { shape: "rectangle", x: 10, y: 20, width: 30, height: 15, rotation: 0 },
    };
    const [, colour] = buildResult(boxes, values({ imageRegions: [box], regionAnswers: { b1: { colour: { choices: ["Blue"] } } } }));
    expect(colour).toEqual({
      id: "b1",
      from_name: "colour",
      to_name: "image",
      type: "choices",
      origin: "manual",
      original_width: 640,
      original_height: 480,
      image_rotation: 90,
      value: { x: 10, y: 20, width: 30, height: 15, rotation: 0, choices: ["Blue"] },
    });
  });

  it("store DateTime and Taxonomy answers", () => {
    const dated = config(`<View>
      <Text name="text" value="$text"/>
      <Labels name="entity" toName="text"><Label value="Event"/></Labels>
      <DateTime name="when" toName="text" only="date" perRegion="true"/>
      <Taxonomy name="kind" toName="text" perRegion="true"><Choice value="Sport"><Choice value="Final"/></Choice></Taxonomy>
    </View>`);
    const span = { id: "e1", fromName: "entity", toName: "text", start: 0, end: 5, text: "Final", labels: ["Event"] };
    const answers = { e1: { when: { datetime: "2024-05-01" }, kind: { taxonomy: [["Sport", "Final"]] } } };
    const stored = buildResult(dated, values({ regions: [span], regionAnswers: answers }));
    expect(stored.slice(1)).toEqual([
      { id: "e1", from_name: "when", to_name: "text", type: "datetime", origin: "manual", value: { start: 0, end: 5, text: "Final", datetime: "2024-05-01" } },
      { id: "e1", from_name: "kind", to_name: "text", type: "taxonomy", origin: "manual", value: { start: 0, end: 5, text: "Final", taxonomy: [["Sport", "Final"]] } },
    ]);
    expect(readResult(dated, stored).regionAnswers).toEqual(answers);
    expect(readResult(dated, stored).datetimes).toEqual({});
  });

  it("repeat an audio segment's bounds", () => {
    const speech = config(`<View>
      <Labels name="labels" toName="audio"><Label value="Segment"/></Labels>
      <AudioPlus name="audio" value="$audio"/>
      <Choices name="intent" toName="audio" perRegion="true" required="true"><Choice value="Question"/></Choices>
    </View>`);
    const segment = { id: "a1", fromName: "labels", toName: "audio", start: 1.5, end: 3.25, labels: ["Segment"] };
    const [, intent] = buildResult(speech, values({ audioRegions: [segment], regionAnswers: { a1: { intent: { choices: ["Question"] } } } }));
    expect(intent.value).toEqual({ start: 1.5, end: 3.25, choices: ["Question"] });
  });
});

describe("selectable regions", () => {
  const filtered = config(`<View>
    <Audio name="audio" value="$audio"/>
    <Labels name="label" toName="audio"><Label value="Speech"/><Label value="Noise"/></Labels>
    <TextArea name="transcript" toName="audio" perRegion="true" required="true" whenTagName="label" whenLabelValue="Speech"/>
    <View visibleWhen="region-selected" whenLabelValue="Noise">
      <Choices name="source" toName="audio" perRegion="true"><Choice value="Traffic"/></Choices>
    </View>
  </View>`);
  const speech = { id: "s1", fromName: "label", toName: "audio", start: 0, end: 1, labels: ["Speech"] };
  const noise = { id: "n1", fromName: "label", toName: "audio", start: 2, end: 3, labels: ["Noise"] };
  const current = values({ audioRegions: [speech, noise] });

  it("finds the selected region of any kind", () => {
    expect(findSelectableRegion(current, "n1")).toMatchObject({ id: "n1", toName: "audio", labels: ["Noise"], controls: ["label"] });
    expect(findSelectableRegion(current, "missing")).toBeUndefined();
    expect(findSelectableRegion(current, null)).toBeUndefined();
  });

  it("applies a control's own whenTagName and whenLabelValue", () => {
    const transcript = filtered.controls.find((control) => control.name === "transcript")!;
    if (!isPerRegionControl(transcript)) throw new Error("transcript is not per-region");
    expect(appliesToRegion(transcript, findSelectableRegion(current, "s1")!)).toBe(true);
    expect(appliesToRegion(transcript, findSelectableRegion(current, "n1")!)).toBe(false);
    // Only the speech segment needs a transcript.
    expect(missingRequired(filtered, current)).toEqual(["transcript"]);
    expect(missingRequired(filtered, { ...current, regionTexts: { s1: { transcript: ["hello"] } } })).toEqual([]);
  });

  it("matches region views by label and role", () => {
    const condition = { when: "region-selected" as const, choiceValues: [], labelValues: ["Noise"] };
    expect(isVisible(condition, current, "n1")).toBe(true);
    expect(isVisible(condition, current, "s1")).toBe(false);
    // Only chat messages carry a role, so a whenRole view stays hidden for a segment.
    expect(isVisible({ ...condition, labelValues: [], role: "assistant" }, current, "n1")).toBe(false);
  });

  it("reads per-region choices in choice conditions", () => {
    const answered = { ...current, regionAnswers: { n1: { source: { choices: ["Traffic"] } } } };
    const condition = { when: "choice-selected" as const, tagName: "source", choiceValues: ["Traffic"], labelValues: [] };
    expect(isVisible(condition, answered, "n1")).toBe(true);
    expect(isVisible(condition, answered, "s1")).toBe(false);
  });
});

describe("timeline segments", () => {
  const timeline = config(`<View>
    <Video name="video" value="$video" frameRate="25"/>
    <TimelineLabels name="actions" toName="video"><Label value="Walk"/><Label value="Run"/></TimelineLabels>
    <Choices name="speed" toName="video" perRegion="true"><Choice value="Slow"/><Choice value="Fast"/></Choices>
  </View>`);

  it("round-trip with their frame ranges and per-region answers", () => {
    const stored = [
      { id: "v1", from_name: "actions", to_name: "video", type: "timelinelabels", origin: "manual", value: { ranges: [{ start: 3, end: 12 }], timelinelabels: ["Run"] } },
      { id: "v1", from_name: "speed", to_name: "video", type: "choices", origin: "manual", value: { ranges: [{ start: 3, end: 12 }], choices: ["Fast"] } },
    ];
    const read = readResult(timeline, stored);
    expect(read.timelineRegions).toEqual([
      { id: "v1", fromName: "actions", toName: "video", type: "timelinelabels", ranges: [{ start: 3, end: 12 }], labels: ["Run"] },
    ]);
    expect(read.foreign).toEqual([]);
    expect(buildResult(timeline, read)).toEqual(stored);
  });

  it("come from Labels on a video without a VideoRectangle", () => {
    const labelled = config(`<View>
      <Video name="video" value="$video"/>
      <Labels name="moves" toName="video"><Label value="Jump"/></Labels>
    </View>`);
    const stored = [
      { id: "j1", from_name: "moves", to_name: "video", type: "labels", origin: "manual", value: { ranges: [{ start: 2, end: 4 }], labels: ["Jump"] } },
    ];
    const read = readResult(labelled, stored);
    expect(read.timelineRegions).toEqual([
      { id: "j1", fromName: "moves", toName: "video", type: "labels", ranges: [{ start: 2, end: 4 }], labels: ["Jump"] },
    ]);
    expect(buildResult(labelled, read)).toEqual(stored);
  });
});
