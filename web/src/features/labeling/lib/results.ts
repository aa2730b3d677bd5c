// Builders for annotation result items in Label Studio's format
// (shared spec §2.2–2.3): one item per control value, regions as one item
// carrying both the span and its labels. The inverse, readResult, turns a
// stored result back into editor state, keeping items it does not
// understand so an update never drops another tool's work.
import { anchoredSpanResult, readAnchoredSpan, type SpanAnchor } from "./anchored-spans";
import { chatMessageResults, chatNodes, readChatMessage, type ChatMessageRegion } from "./chat";
import type { ControlNode, EditorConfig } from "./config";
import { imageRegionResults, readImageRegion, type ImageRegion } from "./image-regions";
import { appliesToRegion, isPerRegionControl, selectableRegions, type PerRegionControl } from "./selectable-regions";
import { readSequence, type VideoKeyframe } from "./video";

export interface TextRegion {
  id: string;
  fromName: string; // the Labels control
  toName: string; // the Text object
  start: number; // code points, end exclusive
  end: number;
  text: string;
  labels: string[];
  // Set on spans of HyperText and Paragraphs: their stored position (see
  // anchored-spans.ts). Then start and end only order the region list.
  anchor?: SpanAnchor;
}

// A time segment of an Audio object, in seconds.
export interface AudioRegion {
  id: string;
  fromName: string; // the Labels control
  toName: string; // the Audio object
  start: number;
  end: number;
  labels: string[];
  channel?: number; // kept when the stored item has one
}

// A time range or instant of a TimeSeries object, in the units of its time
// axis (see time-series.ts). Stored strings are kept as they are.
export interface TimeSeriesRegion {
  id: string;
  fromName: string; // the TimeSeriesLabels control
  toName: string; // the TimeSeries object
  start: number | string;
  end: number | string;
  instant: boolean; // a point in time: start equals end
  labels: string[];
}

// A VideoRectangle track: keyframes of one box over the video's frames.
export interface VideoRegion {
  id: string;
  fromName: string; // the VideoRectangle control
  toName: string; // the Video object
  labels: string[]; // from a Labels control on the same video
  framesCount: number;
  duration: number; // seconds
  sequence: VideoKeyframe[]; // in frame order
}

// A segment on a Video's timeline: frame ranges with labels, stored as
// `{"ranges": [{"start", "end"}], "<type>": [...]}` with frame numbers.
export interface TimelineRegion {
  id: string;
  fromName: string; // the TimelineLabels (or Labels) control
  toName: string; // the Video object
  type: string; // the control's result type: "timelinelabels" or "labels"
  ranges: { start: number; end: number }[];
  labels: string[];
}

// A per-region Choices, Rating, Number, DateTime or Taxonomy control's
// answer about one region.
export type RegionAnswer =
  | { choices: string[] }
  | { rating: number }
  | { number: number }
  | { datetime: string }
  | { taxonomy: string[][] };

// An arrow between two regions, stored as a "relation" item. `right`
// points from the first region to the second, `left` back, `bi` both ways.
export interface Relation {
  id: string;
  fromId: string;
  toId: string;
  direction: "right" | "left" | "bi";
  labels: string[];
}

// Origin of a result item, as Label Studio records it: drawn by the
// annotator, taken from a prediction unchanged, or a prediction edited.
export type Origin = "manual" | "prediction" | "prediction-changed";

export interface EditorValues {
  choices: Record<string, string[]>; // control name -> selected values, config order
  textareas: Record<string, string[]>; // control name -> submissions
  ratings: Record<string, number>; // control name -> rating (absent = none)
  numbers: Record<string, number>; // control name -> number (absent = none)
  datetimes: Record<string, string>; // control name -> datetime text as the input shows it
  taxonomies: Record<string, string[][]>; // control name -> chosen paths from the root
  pairwise: Record<string, "left" | "right">; // control name -> the preferred side
  rankers: Record<string, Record<string, string[]>>; // control name -> bucket (or ranking key) -> ordered item ids
  regions: TextRegion[];
  imageRegions: ImageRegion[]; // drawing order: later regions are drawn on top
  relations: Relation[];
  audioRegions: AudioRegion[];
  timeSeriesRegions: TimeSeriesRegion[];
  videoRegions: VideoRegion[];
  timelineRegions: TimelineRegion[];
  regionTexts: Record<string, Record<string, string[]>>; // region id -> per-region TextArea name -> texts
  regionAnswers: Record<string, Record<string, RegionAnswer>>; // region id -> per-region control name -> answer
  chatMessages: ChatMessageRegion[]; // every Chat's messages, the task's first (see chat.ts)
  foreign: ResultItem[]; // items of controls the editor does not render
  origins: Record<string, Origin>; // control name or region id -> origin; absent = manual
}

export const emptyValues: EditorValues = {
  choices: {},
  textareas: {},
  ratings: {},
  numbers: {},
  datetimes: {},
  taxonomies: {},
  pairwise: {},
  rankers: {},
  regions: [],
  imageRegions: [],
  relations: [],
  audioRegions: [],
  timeSeriesRegions: [],
  videoRegions: [],
  timelineRegions: [],
  regionTexts: {},
  regionAnswers: {},
  chatMessages: [],
  foreign: [],
  origins: {},
};

export type ResultItem = {
  id: string;
  from_name: string;
  to_name: string;
  type: string;
  origin?: string;
  value: Record<string, unknown>;
};

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// A region id as Label Studio's editor makes them: 10 random characters.
export function newRegionId(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => idAlphabet[byte & 63]).join("");
}

export function choicesResult(
  control: string,
  toName: string,
  choices: string[],
  id = newRegionId(),
  origin: Origin = "manual",
): ResultItem {
  return { id, from_name: control, to_name: toName, type: "choices", origin, value: { choices } };
}

export function spanResult(region: TextRegion, origin: Origin = "manual"): ResultItem {
  return {
    id: region.id,
    from_name: region.fromName,
    to_name: region.toName,
    type: "labels",
    origin,
    value: { start: region.start, end: region.end, text: region.text, labels: region.labels },
  };
}

export function textareaResult(
  control: string,
  toName: string,
  texts: string[],
  id = newRegionId(),
  origin: Origin = "manual",
): ResultItem {
  return { id, from_name: control, to_name: toName, type: "textarea", origin, value: { text: texts } };
}

export function ratingResult(
  control: string,
  toName: string,
  rating: number,
  id = newRegionId(),
  origin: Origin = "manual",
): ResultItem {
  return { id, from_name: control, to_name: toName, type: "rating", origin, value: { rating } };
}

export function numberResult(control: string, toName: string, number: number, id = newRegionId(), origin: Origin = "manual"): ResultItem {
  return { id, from_name: control, to_name: toName, type: "number", origin, value: { number } };
}

export function datetimeResult(control: string, toName: string, datetime: string, id = newRegionId(), origin: Origin = "manual"): ResultItem {
  return { id, from_name: control, to_name: toName, type: "datetime", origin, value: { datetime } };
}

export function taxonomyResult(control: string, toName: string, paths: string[][], id = newRegionId(), origin: Origin = "manual"): ResultItem {
  return { id, from_name: control, to_name: toName, type: "taxonomy", origin, value: { taxonomy: paths } };
}

export function pairwiseResult(control: string, toName: string, selected: "left" | "right", id = newRegionId(), origin: Origin = "manual"): ResultItem {
  return { id, from_name: control, to_name: toName, type: "pairwise", origin, value: { selected } };
}

// NOTE: without buckets the ranking is stored under the Ranker's own name,
// as Label Studio's SDK schema documents it. Its editor may key it by the
// List's name instead. The server accepts both, and readResult reads any key.
export function rankerResult(
  control: string,
  toName: string,
  ranking: Record<string, string[]>,
  id = newRegionId(),
  origin: Origin = "manual",
): ResultItem {
  return { id, from_name: control, to_name: toName, type: "ranker", origin, value: { ranker: ranking } };
}

// The annotation's result list: per-control items in config order, then
// regions in text order, then image regions in drawing order, then
// relations, then items the editor kept but does not render.
// Controls named in `hidden` (see visibility.ts) are left out.
export function buildResult(
  config: EditorConfig,
  values: EditorValues,
  ids: Record<string, string> = {},
  hidden: ReadonlySet<string> = new Set(),
): ResultItem[] {
  const items: ResultItem[] = [];
  for (const control of config.controls) {
    if (hidden.has(control.name)) continue;
    const id = ids[control.name];
    const origin = values.origins[control.name] ?? "manual";
    switch (control.kind) {
      case "choices": {
        if (control.perRegion) break; // written with its regions below
        const chosen = values.choices[control.name] ?? [];
        if (chosen.length > 0) items.push(choicesResult(control.name, control.toName, chosen, id, origin));
        break;
      }
      case "textarea": {
        if (control.perRegion) break; // written with its regions below
        const texts = (values.textareas[control.name] ?? []).filter((text) => text.length > 0);
        if (texts.length > 0) items.push(textareaResult(control.name, control.toName, texts, id, origin));
        break;
      }
      case "rating": {
        if (control.perRegion) break;
        const rating = values.ratings[control.name];
        if (rating !== undefined && rating > 0) {
          items.push(ratingResult(control.name, control.toName, rating, id, origin));
        }
        break;
      }
      case "number": {
        if (control.perRegion) break;
        const number = values.numbers[control.name];
        if (number !== undefined) items.push(numberResult(control.name, control.toName, number, id, origin));
        break;
      }
      case "datetime": {
        if (control.perRegion) break;
        const datetime = values.datetimes[control.name];
        if (datetime) items.push(datetimeResult(control.name, control.toName, datetime, id, origin));
        break;
      }
      case "taxonomy": {
        if (control.perRegion) break;
        const paths = values.taxonomies[control.name] ?? [];
        if (paths.length > 0) items.push(taxonomyResult(control.name, control.toName, paths, id, origin));
        break;
      }
      case "pairwise": {
        const selected = values.pairwise[control.name];
        if (selected) items.push(pairwiseResult(control.name, control.toName, selected, id, origin));
        break;
      }
      case "ranker": {
        const ranking = values.rankers[control.name];
        if (ranking) items.push(rankerResult(control.name, control.toName, ranking, id, origin));
        break;
      }
      case "labels":
      case "videorectangle":
        break;
    }
  }
  const regions = [...values.regions]
    .filter((region) => !hidden.has(region.fromName))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (const region of regions) {
    const origin = values.origins[region.id] ?? "manual";
    if (!region.anchor) {
      items.push(spanResult(region, origin));
      continue;
    }
    const control = config.controls.find((candidate) => candidate.name === region.fromName);
    const type = control?.kind === "labels" ? control.resultType : "labels";
    items.push(anchoredSpanResult(region, region.anchor, type, origin));
  }
  for (const region of values.imageRegions) {
    if (hidden.has(region.fromName)) continue;
    items.push(...(imageRegionResults(region, values.origins[region.id] ?? "manual") as ResultItem[]));
  }
  for (const region of values.audioRegions) {
    if (hidden.has(region.fromName)) continue;
    const value: Record<string, unknown> = { start: region.start, end: region.end };
    if (region.channel !== undefined) value.channel = region.channel;
    value.labels = region.labels;
    const origin = values.origins[region.id] ?? "manual";
    items.push({ id: region.id, from_name: region.fromName, to_name: region.toName, type: "labels", origin, value });
  }
  for (const region of values.timeSeriesRegions) {
    if (hidden.has(region.fromName)) continue;
    const value = { start: region.start, end: region.end, instant: region.instant, timeserieslabels: region.labels };
    const origin = values.origins[region.id] ?? "manual";
    items.push({ id: region.id, from_name: region.fromName, to_name: region.toName, type: "timeserieslabels", origin, value });
  }
  for (const region of values.videoRegions) {
    if (hidden.has(region.fromName)) continue;
    const value: Record<string, unknown> = { framesCount: region.framesCount, duration: region.duration, sequence: region.sequence };
    if (region.labels.length > 0) value.labels = region.labels;
    const origin = values.origins[region.id] ?? "manual";
    items.push({ id: region.id, from_name: region.fromName, to_name: region.toName, type: "videorectangle", origin, value });
  }
  for (const segment of values.timelineRegions) {
    if (hidden.has(segment.fromName)) continue;
    const origin = values.origins[segment.id] ?? "manual";
    const value = { ranges: segment.ranges, [segment.type]: segment.labels };
    items.push({ id: segment.id, from_name: segment.fromName, to_name: segment.toName, type: segment.type, origin, value });
  }
  items.push(...chatMessageResults(values));
  items.push(...perRegionResults(config, values));
  const relations = values.relations.map((relation) => ({
    id: relation.id,
    type: "relation",
    from_id: relation.fromId,
    to_id: relation.toId,
    direction: relation.direction,
    labels: relation.labels,
  }));
  return [...items, ...(relations as unknown as ResultItem[]), ...values.foreign];
}

// Editor state from a stored result. `ids` receives the id of each
// per-control item so an update keeps them. Items keep the origin they
// carry; `fromPrediction` marks every item as taken from a prediction.
export function readResult(
  config: EditorConfig,
  result: unknown[],
  ids: Record<string, string> = {},
  fromPrediction = false,
): EditorValues {
  // Fresh objects: readResult fills them in place.
  const values: EditorValues = {
    choices: {},
    textareas: {},
    ratings: {},
    numbers: {},
    datetimes: {},
    taxonomies: {},
    pairwise: {},
    rankers: {},
    regions: [],
    imageRegions: [],
    relations: [],
    audioRegions: [],
    timeSeriesRegions: [],
    videoRegions: [],
    timelineRegions: [],
    regionTexts: {},
    regionAnswers: {},
    chatMessages: [],
    foreign: [],
    origins: {},
  };
  const originOf = (item: ResultItem): Origin | undefined =>
    fromPrediction
      ? "prediction"
      : item.origin === "prediction" || item.origin === "prediction-changed"
        ? item.origin
        : undefined;
  const keepOrigin = (key: string, item: ResultItem) => {
    const origin = originOf(item);
    if (origin) values.origins[key] = origin;
  };
  const byName = new Map<string, ControlNode>(config.controls.map((control) => [control.name, control]));
  const chatNames = new Set(chatNodes(config.root).map((chat) => chat.name));
  for (const raw of result) {
    if (typeof raw !== "object" || raw === null) continue;
    const item = raw as ResultItem;
    const relation = readRelation(raw as Record<string, unknown>);
    if (relation) {
      values.relations.push(relation);
      continue;
    }
    const message = readChatMessage(item, chatNames);
    if (message) {
      values.chatMessages.push(message);
      keepOrigin(message.id, item);
      continue;
    }
    const control = byName.get(item.from_name);
    const value = (item.value ?? {}) as Record<string, unknown>;
    const answer = control && isPerRegionControl(control) && control.kind !== "textarea" ? readRegionAnswer(control.kind, value) : null;
    if (answer && typeof item.id === "string") {
      values.regionAnswers[item.id] = { ...values.regionAnswers[item.id], [control!.name]: answer };
    } else if (control?.kind === "choices" && Array.isArray(value.choices)) {
      values.choices[control.name] = value.choices.filter((c): c is string => typeof c === "string");
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "textarea" && control.perRegion && Array.isArray(value.text)) {
      const texts = value.text.filter((t): t is string => typeof t === "string");
      values.regionTexts[item.id] = { ...values.regionTexts[item.id], [control.name]: texts };
    } else if (control?.kind === "textarea" && Array.isArray(value.text)) {
      values.textareas[control.name] = value.text.filter((t): t is string => typeof t === "string");
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "rating" && typeof value.rating === "number") {
      values.ratings[control.name] = value.rating;
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "number" && typeof value.number === "number") {
      values.numbers[control.name] = value.number;
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "datetime" && typeof value.datetime === "string") {
      values.datetimes[control.name] = value.datetime;
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "taxonomy" && Array.isArray(value.taxonomy)) {
      values.taxonomies[control.name] = value.taxonomy
        .filter((path): path is unknown[] => Array.isArray(path))
        .map((path) => path.map(String));
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "pairwise" && (value.selected === "left" || value.selected === "right")) {
      values.pairwise[control.name] = value.selected;
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "ranker" && value.ranker !== undefined) {
      const ranker = value.ranker;
      const idList = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);
      if (Array.isArray(ranker)) values.rankers[control.name] = { [control.name]: idList(ranker) };
      else if (typeof ranker === "object" && ranker !== null) {
        values.rankers[control.name] = Object.fromEntries(Object.entries(ranker).map(([key, list]) => [key, idList(list)]));
      }
      ids[control.name] = item.id;
      keepOrigin(control.name, item);
    } else if (control?.kind === "labels" && control.resultType === "timeserieslabels" && isBound(value.start) && isBound(value.end)) {
      const labels = Array.isArray(value.timeserieslabels) ? value.timeserieslabels : [];
      values.timeSeriesRegions.push({
        id: item.id,
        fromName: control.name,
        toName: item.to_name,
        start: value.start,
        end: value.end,
        instant: value.instant === true,
        labels: labels.filter((l): l is string => typeof l === "string"),
      });
      keepOrigin(item.id, item);
    } else if (control?.kind === "labels" && Array.isArray(value.ranges) && config.videoNames.includes(item.to_name)) {
      const labels = value[control.resultType];
      values.timelineRegions.push({
        id: item.id,
        fromName: control.name,
        toName: item.to_name,
        type: control.resultType,
        ranges: readFrameRanges(value.ranges),
        labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === "string") : [],
      });
      keepOrigin(item.id, item);
    } else if (control?.kind === "videorectangle" && readSequence(value.sequence, 1) !== null) {
      // Stored times are kept, so the frame rate only fills in missing ones.
      // NOTE: a frame rate taken from the task's data is not known here, so
      // missing times then assume 24 frames per second.
      const sequence = readSequence(value.sequence, config.videoFrameRates[item.to_name] ?? 24)!;
      const labels = Array.isArray(value.labels) ? value.labels : [];
      values.videoRegions.push({
        id: item.id,
        fromName: control.name,
        toName: item.to_name,
        labels: labels.filter((l): l is string => typeof l === "string"),
        framesCount: typeof value.framesCount === "number" ? value.framesCount : 0,
        duration: typeof value.duration === "number" ? value.duration : 0,
        sequence,
      });
      keepOrigin(item.id, item);
    } else if (control?.kind === "labels" && !control.shape && readAnchoredSpan(item)) {
      values.regions.push(readAnchoredSpan(item)!);
      keepOrigin(item.id, item);
    } else if (control?.kind === "labels" && control.shape) {
      const region = readImageRegion(item as unknown as Record<string, unknown>);
      if (region) {
        values.imageRegions.push(region);
        keepOrigin(item.id, item);
      } else values.foreign.push(item);
    } else if (
      control?.kind === "labels" &&
      config.audioNames.includes(item.to_name) &&
      typeof value.start === "number" &&
      typeof value.end === "number" &&
      Array.isArray(value.labels)
    ) {
      values.audioRegions.push({
        id: item.id,
        fromName: control.name,
        toName: item.to_name,
        start: value.start,
        end: value.end,
        labels: value.labels.filter((l): l is string => typeof l === "string"),
        ...(typeof value.channel === "number" ? { channel: value.channel } : {}),
      });
      keepOrigin(item.id, item);
    } else if (
      control?.kind === "labels" &&
      typeof value.start === "number" &&
      typeof value.end === "number" &&
      Array.isArray(value.labels)
    ) {
      values.regions.push({
        id: item.id,
        fromName: control.name,
        toName: item.to_name,
        start: value.start,
        end: value.end,
        text: typeof value.text === "string" ? value.text : "",
        labels: value.labels.filter((l): l is string => typeof l === "string"),
      });
      keepOrigin(item.id, item);
    } else {
      values.foreign.push(item);
    }
  }
  attachImageLabels(values);
  return values;
}

// Moves each "labels" item that shares its id with a bare tool's image
// region (Rectangle, Polygon, ...) onto that region.
function attachImageLabels(values: EditorValues) {
  values.foreign = values.foreign.filter((item) => {
    const region = values.imageRegions.find((candidate) => candidate.id === item.id && !candidate.type.endsWith("labels"));
    const labels = item.value?.labels;
    if (item.type !== "labels" || !region || !Array.isArray(labels)) return true;
    region.labels = labels.filter((label): label is string => typeof label === "string");
    region.labelsFrom = item.from_name;
    return false;
  });
}

// Items of per-region controls: one per region and control, with the
// region's id, its object as to_name and its position repeated in the
// value, as Label Studio writes them. For an image region the item also
// repeats original_width, original_height and image_rotation, so exporters
// can place the answer.
function perRegionResults(config: EditorConfig, values: EditorValues): ResultItem[] {
  const items: ResultItem[] = [];
  const controls = config.controls.filter(isPerRegionControl);
  for (const region of selectableRegions(values)) {
    for (const control of controls) {
      let answer: Record<string, unknown> | null = null;
      if (control.kind === "textarea") {
        const texts = (values.regionTexts[region.id]?.[control.name] ?? []).filter((text) => text.length > 0);
        if (texts.length > 0) answer = { text: texts };
      } else {
        answer = values.regionAnswers[region.id]?.[control.name] ?? null;
      }
      if (!answer) continue;
      items.push({
        id: region.id,
        from_name: control.name,
        to_name: region.toName,
        type: control.kind,
        origin: values.origins[region.id] ?? "manual",
        ...region.itemFields,
        value: { ...region.position, ...answer },
      });
    }
  }
  return items;
}

// A stored per-region answer of a Choices, Rating, Number, DateTime or
// Taxonomy control, or null when the value has none.
function readRegionAnswer(kind: Exclude<PerRegionControl["kind"], "textarea">, value: Record<string, unknown>): RegionAnswer | null {
  if (kind === "choices" && Array.isArray(value.choices)) {
    return { choices: value.choices.filter((c): c is string => typeof c === "string") };
  }
  if (kind === "rating" && typeof value.rating === "number") return { rating: value.rating };
  if (kind === "number" && typeof value.number === "number") return { number: value.number };
  if (kind === "datetime" && typeof value.datetime === "string") return { datetime: value.datetime };
  if (kind === "taxonomy" && Array.isArray(value.taxonomy)) {
    const paths = value.taxonomy.filter((path): path is unknown[] => Array.isArray(path));
    return { taxonomy: paths.map((path) => path.map(String)) };
  }
  return null;
}

// Frame ranges of a timeline segment; entries without two whole numbers are dropped.
function readFrameRanges(ranges: unknown[]): { start: number; end: number }[] {
  return ranges
    .filter((range): range is { start: number; end: number } => {
      const candidate = range as { start?: unknown; end?: unknown } | null;
      return Number.isInteger(candidate?.start) && Number.isInteger(candidate?.end);
    })
    .map((range) => ({ start: range.start, end: range.end }));
}

// A time-series bound: a number, or a date string as some tools store it.
function isBound(value: unknown): value is number | string {
  return (typeof value === "number" && Number.isFinite(value)) || typeof value === "string";
}

function readRelation(item: Record<string, unknown>): Relation | null {
  if (item.type !== "relation" || typeof item.from_id !== "string" || typeof item.to_id !== "string") return null;
  const direction = item.direction === "left" || item.direction === "bi" ? item.direction : "right";
  const labels = Array.isArray(item.labels) ? item.labels.filter((label): label is string => typeof label === "string") : [];
  // Label Studio makes the id optional, so one is made up when it is absent.
  const id = typeof item.id === "string" ? item.id : newRegionId();
  return { id, fromId: item.from_id, toId: item.to_id, direction, labels };
}

// Names of required controls that have no value, for the check before submit.
export function missingRequired(
  config: EditorConfig,
  values: EditorValues,
  hidden: ReadonlySet<string> = new Set(),
): string[] {
  const missing: string[] = [];
  for (const control of config.controls) {
    if (hidden.has(control.name)) continue;
    if (isPerRegionControl(control)) {
      if (control.required && regionsWithoutAnswer(control, values).length > 0) missing.push(control.name);
      continue;
    }
    if (control.kind === "choices" && control.required && (values.choices[control.name] ?? []).length === 0) {
      missing.push(control.name);
    }
    if (control.kind === "textarea" && control.required && (values.textareas[control.name] ?? []).every((t) => !t)) {
      missing.push(control.name);
    }
    if (control.kind === "rating" && control.required && !values.ratings[control.name]) missing.push(control.name);
    if (control.kind === "number" && control.required && values.numbers[control.name] === undefined) {
      missing.push(control.name);
    }
    if (control.kind === "datetime" && control.required && !values.datetimes[control.name]) missing.push(control.name);
    if (control.kind === "taxonomy" && control.required && (values.taxonomies[control.name] ?? []).length === 0) {
      missing.push(control.name);
    }
    if (control.kind === "pairwise" && control.required && !values.pairwise[control.name]) missing.push(control.name);
    if (control.kind === "ranker" && control.required && !values.rankers[control.name]) missing.push(control.name);
  }
  return missing;
}

// Ids of the regions a per-region control describes that have no answer
// from it yet. Label Studio requires an answer for each such region.
export function regionsWithoutAnswer(control: ControlNode, values: EditorValues): string[] {
  if (!isPerRegionControl(control)) return [];
  return selectableRegions(values)
    .filter((region) => appliesToRegion(control, region))
    .filter((region) =>
      control.kind === "textarea"
        ? (values.regionTexts[region.id]?.[control.name] ?? []).every((text) => !text)
        : values.regionAnswers[region.id]?.[control.name] === undefined,
    )
    .map((region) => region.id);
}
