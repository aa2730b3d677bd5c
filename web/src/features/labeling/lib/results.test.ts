import { describe, expect, it } from "vitest";
import { parseLabelConfig, type EditorConfig } from "./config";
import { editorReducer, initialEditorState } from "./annotation-model";
import { buildResult, missingRequired, newRegionId, readResult } from "./results";
import { spanFromSelection } from "./offsets";

function config(xml: string): EditorConfig {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

const ner = config(`<View>
  <Labels name="label" toName="text">
    <Label value="Person" hotkey="p"/><Label value="Place" background="#00ff00"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" required="true">
    <Choice value="Positive" hotkey="1"/><Choice value="Negative" alias="neg"/>
  </Choices>
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="A"/><Choice value="B"/><Choice value="C"/>
  </Choices>
  <TextArea name="note" toName="text"/>
  <Rating name="stars" toName="text" maxRating="4"/>
</View>`);

describe("parseLabelConfig", () => {
  it("reads controls, data keys and hotkeys", () => {
    expect(ner.dataKeys).toEqual(["text"]);
    expect(ner.controls.map((c) => `${c.kind}:${c.name}`)).toEqual([
      "labels:label",
      "choices:sentiment",
      "choices:topics",
      "textarea:note",
      "rating:stars",
    ]);
    const labels = ner.controls[0];
    expect(labels.kind === "labels" && labels.labels.map((l) => [l.value, l.hotkey, l.background])).toEqual([
      ["Person", "p", "#e8743b"],
      ["Place", undefined, "#00ff00"],
    ]);
  });

  it("rejects XML that does not parse and a root that is not View", () => {
    expect(parseLabelConfig("<View><Text></View>").ok).toBe(false);
    expect(parseLabelConfig("<Text name='t' value='$t'/>").ok).toBe(false);
  });

  it("reads Paragraphs and List as objects with data keys", () => {
    const chat = config(`<View><Paragraphs name="dialogue" value="$dialogue" layout="dialogue" nameKey="speaker"/>
      <List name="answers" value="$items"/><Ranker name="rank" toName="answers"/></View>`);
    expect(chat.dataKeys).toEqual(["dialogue", "items"]);
    expect(chat.lists).toEqual({ answers: "items" });
    expect(chat.unsupportedTags).toEqual([]);
  });

  it("lists tags it cannot render", () => {
    expect(config('<View><Collapse><Panel value="More"/></Collapse></View>').unsupportedTags).toEqual(["Collapse"]);
  });
});

describe("result builders", () => {
  it("produce Label Studio's shapes for each control", () => {
    let state = initialEditorState;
    const sentiment = ner.controls[1];
    const topics = ner.controls[2];
    if (sentiment.kind !== "choices" || topics.kind !== "choices") throw new Error("config");
    state = editorReducer(state, { type: "choice-toggled", control: sentiment, option: sentiment.options[1] });
    state = editorReducer(state, { type: "choice-toggled", control: topics, option: topics.options[2] });
    state = editorReducer(state, { type: "choice-toggled", control: topics, option: topics.options[0] });
    state = editorReducer(state, { type: "textarea-changed", control: "note", texts: ["short note"] });
    state = editorReducer(state, { type: "rating-set", control: "stars", rating: 3 });
    const text = "Met 👩‍🔬 Marie in Paris";
    const from = text.indexOf("Marie");
    const span = spanFromSelection(text, from, from + 5)!;
    state = editorReducer(state, {
      type: "region-added",
      region: { id: "reg1", fromName: "label", toName: "text", ...span, labels: ["Person"] },
    });

    const ids = { sentiment: "c1", topics: "c2", note: "t1", stars: "r1" };
    expect(buildResult(ner, state.values, ids)).toEqual([
      { id: "c1", from_name: "sentiment", to_name: "text", type: "choices", origin: "manual", value: { choices: ["neg"] } },
      { id: "c2", from_name: "topics", to_name: "text", type: "choices", origin: "manual", value: { choices: ["A", "C"] } },
      { id: "t1", from_name: "note", to_name: "text", type: "textarea", origin: "manual", value: { text: ["short note"] } },
      { id: "r1", from_name: "stars", to_name: "text", type: "rating", origin: "manual", value: { rating: 3 } },
      {
        id: "reg1",
        from_name: "label",
        to_name: "text",
        type: "labels",
        origin: "manual",
        value: { start: 8, end: 13, text: "Marie", labels: ["Person"] },
      },
    ]);
  });

  it("leaves out controls without a value", () => {
    expect(buildResult(ner, initialEditorState.values)).toEqual([]);
  });

  it("single choice replaces, a second toggle clears", () => {
    const sentiment = ner.controls[1];
    if (sentiment.kind !== "choices") throw new Error("config");
    let state = editorReducer(initialEditorState, { type: "choice-toggled", control: sentiment, option: sentiment.options[0] });
    state = editorReducer(state, { type: "choice-toggled", control: sentiment, option: sentiment.options[1] });
    expect(state.values.choices.sentiment).toEqual(["neg"]);
    state = editorReducer(state, { type: "choice-toggled", control: sentiment, option: sentiment.options[1] });
    expect(state.values.choices.sentiment).toEqual([]);
  });

  it("round-trips through readResult and keeps foreign items", () => {
    const stored = [
      { id: "x1", from_name: "sentiment", to_name: "text", type: "choices", value: { choices: ["Positive"] } },
      { id: "x2", from_name: "label", to_name: "text", type: "labels", value: { start: 0, end: 3, text: "Met", labels: ["Place"] } },
      { id: "x3", from_name: "other", to_name: "text", type: "number", value: { number: 2 } },
    ];
    const ids: Record<string, string> = {};
    const values = readResult(ner, stored, ids);
    expect(ids).toEqual({ sentiment: "x1" });
    const rebuilt = buildResult(ner, values, ids);
    expect(rebuilt.map((item) => item.id)).toEqual(["x1", "x2", "x3"]);
    expect(rebuilt[1].value).toEqual({ start: 0, end: 3, text: "Met", labels: ["Place"] });
  });

  it("marks prediction items and their edits by origin", () => {
    const predicted = [
      { id: "p1", from_name: "sentiment", to_name: "text", type: "choices", value: { choices: ["Positive"] } },
      { id: "p2", from_name: "label", to_name: "text", type: "labels", value: { start: 0, end: 3, text: "Met", labels: ["Person"] } },
      { id: "p3", from_name: "stars", to_name: "text", type: "rating", value: { rating: 2 } },
    ];
    const ids: Record<string, string> = {};
    let state = editorReducer(initialEditorState, { type: "loaded", values: readResult(ner, predicted, ids, true) });
    state = editorReducer(state, { type: "region-labels-set", id: "p2", labels: ["Place"] });
    state = editorReducer(state, { type: "rating-set", control: "stars", rating: 3 });
    const origins = Object.fromEntries(buildResult(ner, state.values, ids).map((item) => [item.id, item.origin]));
    expect(origins).toEqual({ p1: "prediction", p2: "prediction-changed", p3: "prediction-changed" });

    // A stored annotation keeps the origins it was saved with.
    const reread = readResult(ner, buildResult(ner, state.values, ids), {});
    expect(reread.origins).toEqual({ sentiment: "prediction", p2: "prediction-changed", stars: "prediction-changed" });
  });

  it("undo and redo step through changes", () => {
    let state = editorReducer(initialEditorState, { type: "rating-set", control: "stars", rating: 2 });
    state = editorReducer(state, { type: "rating-set", control: "stars", rating: 4 });
    state = editorReducer(state, { type: "undo" });
    expect(state.values.ratings.stars).toBe(2);
    state = editorReducer(state, { type: "redo" });
    expect(state.values.ratings.stars).toBe(4);
  });

  it("reports required controls left empty", () => {
    expect(missingRequired(ner, initialEditorState.values)).toEqual(["sentiment"]);
  });

  it("builds number and datetime results and reads them back", () => {
    const form = config(`<View><Text name="t" value="$t"/>
      <Number name="count" toName="t" min="0" max="10" required="true"/>
      <DateTime name="when" toName="t" only="date"/></View>`);
    expect(form.controls.map((c) => c.kind)).toEqual(["number", "datetime"]);
    let state = editorReducer(initialEditorState, { type: "number-set", control: "count", number: 3.5 });
    state = editorReducer(state, { type: "datetime-set", control: "when", datetime: "2024-05-01" });
    const ids = { count: "n1", when: "d1" };
    const result = buildResult(form, state.values, ids);
    expect(result).toEqual([
      { id: "n1", from_name: "count", to_name: "t", type: "number", origin: "manual", value: { number: 3.5 } },
      { id: "d1", from_name: "when", to_name: "t", type: "datetime", origin: "manual", value: { datetime: "2024-05-01" } },
    ]);
    expect(readResult(form, result)).toMatchObject({ numbers: { count: 3.5 }, datetimes: { when: "2024-05-01" } });
    state = editorReducer(state, { type: "number-set", control: "count", number: null });
    expect(missingRequired(form, state.values)).toEqual(["count"]);
  });

  it("builds taxonomy paths and pairwise choices", () => {
    const form = config(`<View><Text name="a" value="$a"/><Text name="b" value="$b"/>
      <Taxonomy name="topic" toName="a" leafsOnly="true">
        <Choice value="Animal"><Choice value="Cat"/><Choice value="Dog" alias="dog"/></Choice>
        <Choice value="Plant"/>
      </Taxonomy>
      <Pairwise name="better" toName="a,b" required="true"/></View>`);
    const taxonomy = form.controls[0];
    expect(taxonomy.kind === "taxonomy" && taxonomy.tree.map((n) => [n.value, n.children.map((c) => c.value)])).toEqual([
      ["Animal", ["Cat", "dog"]],
      ["Plant", []],
    ]);
    let state = editorReducer(initialEditorState, { type: "taxonomy-toggled", control: "topic", path: ["Animal", "dog"] });
    state = editorReducer(state, { type: "taxonomy-toggled", control: "topic", path: ["Plant"] });
    state = editorReducer(state, { type: "taxonomy-toggled", control: "topic", path: ["Plant"] });
    expect(missingRequired(form, state.values)).toEqual(["better"]);
    state = editorReducer(state, { type: "pairwise-set", control: "better", selected: "right" });
    const result = buildResult(form, state.values, { topic: "t1", better: "p1" });
    expect(result).toEqual([
      { id: "t1", from_name: "topic", to_name: "a", type: "taxonomy", origin: "manual", value: { taxonomy: [["Animal", "dog"]] } },
      { id: "p1", from_name: "better", to_name: "a,b", type: "pairwise", origin: "manual", value: { selected: "right" } },
    ]);
    expect(readResult(form, result)).toMatchObject({ taxonomies: { topic: [["Animal", "dog"]] }, pairwise: { better: "right" } });
  });

  it("makes ten-character region ids", () => {
    expect(newRegionId()).toMatch(/^[A-Za-z0-9_-]{10}$/);
  });
});

describe("time-series and video results", () => {
  const media = config(`<View>
    <TimeSeries name="ts" value="$csv" timeColumn="time"><Channel column="velocity"/></TimeSeries>
    <TimeSeriesLabels name="activity" toName="ts"><Label value="Run"/></TimeSeriesLabels>
    <Video name="video" value="$video" framerate="25.0"/>
    <Labels name="who" toName="video"><Label value="Man"/></Labels>
    <VideoRectangle name="box" toName="video"/>
  </View>`);
  const range = {
    id: "t1",
    from_name: "activity",
    to_name: "ts",
    type: "timeserieslabels",
    origin: "manual",
    value: { start: 1614556800000, end: 1614556900000, instant: false, timeserieslabels: ["Run"] },
  };
  const instant = { ...range, id: "t2", value: { start: "2021-03-01 00:00", end: "2021-03-01 00:00", instant: true, timeserieslabels: ["Run"] } };
  const track = {
    id: "v1",
    from_name: "box",
    to_name: "video",
    type: "videorectangle",
    origin: "manual",
    value: {
      framesCount: 1051,
      duration: 42.04,
      sequence: [
        { frame: 1, enabled: true, x: 16, y: 51, width: 30, height: 28, rotation: 0, time: 0.04 },
        { frame: 9, enabled: false, x: 20, y: 50, width: 30, height: 28, rotation: 0, time: 0.36 },
      ],
      labels: ["Man"],
    },
  };

  it("reads the frame rate in any letter case", () => {
    expect(media.videoFrameRates).toEqual({ video: 25 });
    expect(media.unsupportedTags).toEqual([]);
  });

  it("round-trip ranges, instants and tracks unchanged", () => {
    const values = readResult(media, [range, instant, track]);
    expect(values.timeSeriesRegions.map((r) => r.id)).toEqual(["t1", "t2"]);
    expect(values.videoRegions.map((r) => r.id)).toEqual(["v1"]);
    expect(values.foreign).toEqual([]);
    expect(buildResult(media, values)).toEqual([range, instant, track]);
  });

  it("fills a missing keyframe time from the frame rate", () => {
    const bare = { ...track, value: { ...track.value, sequence: [{ frame: 5, x: 1, y: 2, width: 3, height: 4 }] } };
    const [region] = readResult(media, [bare]).videoRegions;
    expect(region.sequence[0]).toEqual({ frame: 5, enabled: true, x: 1, y: 2, width: 3, height: 4, rotation: 0, time: 0.2 });
  });

  it("keeps a track without a usable sequence as it is", () => {
    const broken = { ...track, value: { sequence: [{ frame: 1 }] } };
    expect(readResult(media, [broken]).foreign).toEqual([broken]);
  });

  it("labels a selected track from a Labels control", () => {
    let state = editorReducer(initialEditorState, { type: "loaded", values: readResult(media, [track]) });
    state = editorReducer(state, { type: "region-labels-set", id: "v1", labels: [] });
    expect(buildResult(media, state.values)[0].value).not.toHaveProperty("labels");
    state = editorReducer(state, { type: "region-removed", id: "v1" });
    expect(state.values.videoRegions).toEqual([]);
  });
});
