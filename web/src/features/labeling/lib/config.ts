// The label config as the editor renders it, parsed in the browser.
//
// The server has a full model of a config (src/labeling/config/json_form.h,
// LabelConfigJson) but no route returns it yet, so the editor reads the XML
// with DOMParser here. Known limitation: the two parsers can disagree on
// configs the server would reject. The server still validates every saved
// config and every submitted result, so a disagreement shows as a rejected
// save, never as stored bad data. Switch to the server's model once a route
// serves it.
//
// Only the tags below are rendered. Any other tag becomes an "unsupported"
// node that the editor shows as a notice, so a config is never silently
// half-shown.

import { chatOptions, type ChatOptions } from "./chat";
import { shapeTypes, type ImageShape } from "./image-regions";
import { expandRepeaters, paginationAttribute } from "./repeater";
import type { TimeSeriesOptions } from "./time-series";

export interface ChoiceOption {
  value: string;
  alias?: string; // stored instead of value when set
  hotkey?: string;
  hint?: string;
}

export interface LabelOption {
  value: string;
  alias?: string;
  hotkey?: string;
  background: string;
}

export type ConfigNode =
  // paginated: the children are the items of a Repeater with
  // mode="pagination", shown one at a time.
  | { kind: "view"; children: ConfigNode[]; inline: boolean; paginated?: boolean }
  | { kind: "header"; text: string }
  | { kind: "text"; name: string; valueKey: string | null; literal: string }
  | { kind: "choices"; name: string; toName: string; multiple: boolean; inline: boolean; required: boolean; options: ChoiceOption[]; perRegion: boolean; regionFilter?: RegionFilter }
  // Labels on Text, or a shape control on an Image (`shape` set): the
  // *Labels tags with their labels, the bare tools (Rectangle, ...) with none.
  | { kind: "labels"; name: string; toName: string; multiple: boolean; labels: LabelOption[]; shape: ImageShape | null; resultType: string }
  // valueList: the data key contains a list of image URLs, shown one at a time.
  | { kind: "image"; name: string; valueKey: string | null; literal: string; valueList: boolean }
  | { kind: "relations" }
  // HTML shown as a page; inline false: Label Studio shows it in an iframe, this editor never does.
  // valueType "url": the value is the URL of the HTML, fetched by the browser.
  | { kind: "hypertext"; name: string; valueKey: string | null; literal: string; valueType: "text" | "url" }
  // An LLM conversation: the task's list of {role, content} messages, which
  // the annotator may extend (see chat.ts).
  | { kind: "chat"; name: string; valueKey: string | null; options: ChatOptions }
  // A flat object of key/value rows.
  | { kind: "table"; name: string; valueKey: string | null }
  | { kind: "pdf"; name: string; valueKey: string | null; literal: string }
  | { kind: "audio"; name: string; valueKey: string | null; literal: string }
  // frameRate: frames per second, a number or the data key of a number.
  | { kind: "video"; name: string; valueKey: string | null; literal: string; frameRate: number | { dataKey: string } }
  // valueType "url": the value is the URL of a CSV file; "json": an object of columns.
  | { kind: "timeseries"; name: string; valueKey: string | null; literal: string; valueType: "url" | "json"; options: TimeSeriesOptions }
  | { kind: "videorectangle"; name: string; toName: string }
  // perRegion: one answer per region, shown for the selected region and
  // stored under the region's id (see selectable-regions.ts).
  | { kind: "textarea"; name: string; toName: string; placeholder: string; rows: number; maxSubmissions: number; required: boolean; perRegion: boolean; regionFilter?: RegionFilter }
  | { kind: "rating"; name: string; toName: string; maxRating: number; hotkey?: string; required: boolean; perRegion: boolean; regionFilter?: RegionFilter }
  | { kind: "number"; name: string; toName: string; min?: number; max?: number; step: number; required: boolean; perRegion: boolean; regionFilter?: RegionFilter }
  | { kind: "datetime"; name: string; toName: string; only: DateTimePart[]; min?: string; max?: string; required: boolean; perRegion: boolean; regionFilter?: RegionFilter }
  | { kind: "taxonomy"; name: string; toName: string; tree: TaxonomyNode[]; leafsOnly: boolean; required: boolean; perRegion: boolean; regionFilter?: RegionFilter }
  | { kind: "pairwise"; name: string; toName: string; required: boolean }
  | { kind: "list"; name: string; valueKey: string | null }
  | { kind: "paragraphs"; name: string; valueKey: string | null; nameKey: string; textKey: string; dialogue: boolean }
  | { kind: "ranker"; name: string; toName: string; buckets: RankerBucket[]; required: boolean }
  | { kind: "conditional"; condition: VisibleWhen; child: ConfigNode }
  | { kind: "unsupported"; tag: string };

// A `visibleWhen` condition on a View or control: the node shows only while
// it holds. Choice values and label values are the comma lists of
// whenChoiceValue and whenLabelValue; empty means "any".
export interface VisibleWhen {
  when: "choice-selected" | "choice-unselected" | "region-selected" | "no-region-selected";
  tagName?: string;
  choiceValues: string[];
  labelValues: string[];
  role?: string; // whenRole: the role of the selected chat message
}

// A per-region control's own whenTagName, whenLabelValue and whenRole: the
// regions it describes. Absent when the control sets none of them.
export type RegionFilter = Pick<VisibleWhen, "tagName" | "labelValues" | "role">;

function regionFilter(element: Element): RegionFilter | undefined {
  const when = element.getAttribute("visibleWhen");
  // With a choice condition, whenTagName names a Choices control, not a region's.
  if (when !== null && when !== "region-selected") return undefined;
  const tagName = element.getAttribute("whenTagName") ?? undefined;
  const role = element.getAttribute("whenRole") ?? undefined;
  const labelValues = (element.getAttribute("whenLabelValue") ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
  if (tagName === undefined && role === undefined && labelValues.length === 0) return undefined;
  return { tagName, labelValues, role };
}

// Parts a DateTime control requests (its `only` attribute). Date and time
// when absent.
export type DateTimePart = "date" | "time" | "month" | "year";

// The input for a DateTime control's parts. Label Studio stores what the
// input shows: "2024-05-01T10:30", "2024-05-01", "10:30", "2024-05" or "2024".
export function dateTimeInput(only: DateTimePart[]): "datetime-local" | "date" | "time" | "month" | "number" {
  const has = (part: DateTimePart) => only.includes(part);
  if (has("date") && has("time")) return "datetime-local";
  if (has("date")) return "date";
  if (has("time")) return "time";
  if (has("month")) return "month";
  return "number";
}

export type ControlNode = Extract<
  ConfigNode,
  { kind: "choices" | "labels" | "textarea" | "rating" | "number" | "datetime" | "taxonomy" | "pairwise" | "ranker" | "videorectangle" }
>;

// A Bucket of a Ranker; items start in the `default` one when there is one.
export interface RankerBucket {
  name: string;
  title: string;
  isDefault: boolean;
}

// One choice of a Taxonomy, with the choices nested under it.
export interface TaxonomyNode {
  value: string; // the stored value (alias when set)
  label: string;
  children: TaxonomyNode[];
}

function taxonomyTree(element: Element): TaxonomyNode[] {
  return Array.from(element.children)
    .filter((child) => child.tagName === "Choice")
    .map((choice) => ({
      value: choice.getAttribute("alias") ?? choice.getAttribute("value") ?? "",
      label: choice.getAttribute("value") ?? "",
      children: taxonomyTree(choice),
    }));
}

// The Relations tag: the labels an arrow between two regions may carry.
export interface RelationsConfig {
  multiple: boolean;
  labels: LabelOption[];
}

export interface EditorConfig {
  root: ConfigNode;
  audioNames: string[]; // names of Audio objects: Labels on them make time segments
  videoNames: string[]; // names of Video objects
  videoFrameRates: Record<string, number>; // Video name -> frames per second, when the config gives a number
  relations: RelationsConfig | null; // null without a Relations tag: arrows carry no labels
  controls: ControlNode[];
  dataKeys: string[]; // $keys the object tags read, in document order
  lists: Record<string, string | null>; // List name -> the data key of its items
  unsupportedTags: string[];
}

export type ParsedConfig = { ok: true; config: EditorConfig } | { ok: false; message: string };

const palette = ["#e8743b", "#2f6fd6", "#19a979", "#945ecf", "#ed4a7b", "#13a4b4", "#bf399e", "#6c8893"];

const shapeTags: Record<string, ImageShape> = {
  RectangleLabels: "rectangle",
  Rectangle: "rectangle",
  PolygonLabels: "polygon",
  Polygon: "polygon",
  KeyPointLabels: "keypoint",
  KeyPoint: "keypoint",
  EllipseLabels: "ellipse",
  Ellipse: "ellipse",
  BrushLabels: "brush",
  Brush: "brush",
  OcrLabels: "rectangle", // on an Image: a box with its recognized text
};

// Video frame rate when the config gives none, as in Label Studio.
const defaultFrameRate = 24;

// An attribute by name in any letter case: templates write both frameRate
// and framerate, and Label Studio matches attribute names that way.
function attribute(element: Element, name: string): string | null {
  const lower = name.toLowerCase();
  for (const candidate of Array.from(element.attributes)) {
    if (candidate.name.toLowerCase() === lower) return candidate.value;
  }
  return null;
}

function bool(element: Element, name: string, fallback = false): boolean {
  const value = element.getAttribute(name);
  if (value === null) return fallback;
  return value === "true" || value === "yes" || value === "1";
}

function dataKeyOf(value: string | null): string | null {
  if (!value || !value.startsWith("$")) return null;
  return value.replace(/^\$+/, "");
}

function int(element: Element, name: string, fallback: number): number {
  const parsed = Number.parseInt(element.getAttribute(name) ?? "", 10);
  return Number.isFinite(parsed) ? parsed : fallback;
}

function optional(element: Element, name: string): string | undefined {
  return element.getAttribute(name) ?? undefined;
}

function optionalNumber(element: Element, name: string): number | undefined {
  const parsed = Number.parseFloat(element.getAttribute(name) ?? "");
  return Number.isFinite(parsed) ? parsed : undefined;
}

function dateTimeParts(value: string | null): DateTimePart[] {
  const parts = (value ?? "date,time")
    .split(",")
    .map((part) => part.trim())
    .filter((part): part is DateTimePart => ["date", "time", "month", "year"].includes(part));
  return parts.length > 0 ? parts : ["date", "time"];
}

// `data` is the task's data, which a Repeater needs to know how many times
// to repeat; without it each Repeater is read once (see repeater.ts).
export function parseLabelConfig(xml: string, data: Record<string, unknown> | null = null): ParsedConfig {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const error = doc.getElementsByTagName("parsererror")[0];
  if (error) return { ok: false, message: "The label config is not valid XML." };
  const rootElement = doc.documentElement;
  if (rootElement.tagName !== "View") return { ok: false, message: "The label config must start with <View>." };
  expandRepeaters(rootElement, data);

  const controls: ControlNode[] = [];
  const dataKeys: string[] = [];
  const unsupported = new Set<string>();
  const lists: Record<string, string | null> = {};
  let relations: RelationsConfig | null = null;
  const audioNames: string[] = [];
  const videoNames: string[] = [];
  const videoFrameRates: Record<string, number> = {};
  let colorIndex = 0;

  const walk = (element: Element): ConfigNode => {
    const node = walkTag(element);
    const when = element.getAttribute("visibleWhen");
    if (when !== "choice-selected" && when !== "choice-unselected" && when !== "region-selected" && when !== "no-region-selected") {
      return node;
    }
    const list = (attribute: string) =>
      (element.getAttribute(attribute) ?? "")
        .split(",")
        .map((value) => value.trim())
        .filter(Boolean);
    return {
      kind: "conditional",
      condition: {
        when,
        tagName: element.getAttribute("whenTagName") ?? undefined,
        choiceValues: list("whenChoiceValue"),
        labelValues: list("whenLabelValue"),
        role: element.getAttribute("whenRole") ?? undefined,
      },
      child: node,
    };
  };

  const walkTag = (element: Element): ConfigNode => {
    const name = element.getAttribute("name") ?? "";
    const toName = element.getAttribute("toName") ?? "";
    switch (element.tagName) {
      case "View": {
        const style = element.getAttribute("style") ?? "";
        const node: ConfigNode = {
          kind: "view",
          inline: /display\s*:\s*(flex|inline)/.test(style),
          children: Array.from(element.children).map(walk),
        };
        if (element.getAttribute(paginationAttribute) === "true") node.paginated = true;
        return node;
      }
      case "Header":
        return { kind: "header", text: element.getAttribute("value") ?? element.textContent ?? "" };
      case "Text": {
        const value = element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        return { kind: "text", name, valueKey: key, literal: key ? "" : (value ?? "") };
      }
      case "Choices": {
        const node: ControlNode = {
          kind: "choices",
          name,
          toName,
          multiple: element.getAttribute("choice") === "multiple",
          inline: bool(element, "showInline"),
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
          options: Array.from(element.getElementsByTagName("Choice")).map((choice) => ({
            value: choice.getAttribute("value") ?? "",
            alias: optional(choice, "alias"),
            hotkey: optional(choice, "hotkey"),
            hint: optional(choice, "hint"),
          })),
        };
        controls.push(node);
        return node;
      }
      case "Labels":
      case "TimeSeriesLabels":
      case "TimelineLabels":
      case "HyperTextLabels":
      case "ParagraphLabels":
      case "RectangleLabels":
      case "PolygonLabels":
      case "KeyPointLabels":
      case "EllipseLabels":
      case "Rectangle":
      case "Polygon":
      case "KeyPoint":
      case "Ellipse":
      case "BrushLabels":
      case "Brush":
      case "OcrLabels": {
        const shape = shapeTags[element.tagName] ?? null;
        let resultType = element.tagName === "TimeSeriesLabels" || element.tagName === "TimelineLabels" ? element.tagName.toLowerCase() : "labels";
        if (shape) resultType = shapeTypes[shape][element.tagName.endsWith("Labels") ? 0 : 1];
        if (element.tagName === "HyperTextLabels" || element.tagName === "ParagraphLabels") resultType = element.tagName.toLowerCase();
        if (element.tagName === "OcrLabels") resultType = "ocrlabels";
        const node: ControlNode = {
          kind: "labels",
          name,
          toName,
          shape,
          resultType,
          multiple: element.getAttribute("choice") === "multiple",
          labels: Array.from(element.getElementsByTagName("Label")).map((label) => ({
            value: label.getAttribute("value") ?? "",
            alias: optional(label, "alias"),
            hotkey: optional(label, "hotkey"),
            background: label.getAttribute("background") ?? palette[colorIndex++ % palette.length],
          })),
        };
        controls.push(node);
        return node;
      }
      case "TextArea": {
        const node: ControlNode = {
          kind: "textarea",
          name,
          toName,
          placeholder: element.getAttribute("placeholder") ?? "",
          rows: int(element, "rows", 1),
          maxSubmissions: int(element, "maxSubmissions", 0),
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
        };
        controls.push(node);
        return node;
      }
      case "Rating": {
        const node: ControlNode = {
          kind: "rating",
          name,
          toName,
          maxRating: Math.max(1, Math.min(int(element, "maxRating", 5), 20)),
          hotkey: optional(element, "hotkey"),
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
        };
        controls.push(node);
        return node;
      }
      case "Number": {
        const node: ControlNode = {
          kind: "number",
          name,
          toName,
          min: optionalNumber(element, "min"),
          max: optionalNumber(element, "max"),
          step: optionalNumber(element, "step") ?? 1,
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
        };
        controls.push(node);
        return node;
      }
      case "DateTime": {
        const node: ControlNode = {
          kind: "datetime",
          name,
          toName,
          only: dateTimeParts(element.getAttribute("only")),
          min: optional(element, "min"),
          max: optional(element, "max"),
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
        };
        controls.push(node);
        return node;
      }
      case "Taxonomy": {
        const node: ControlNode = {
          kind: "taxonomy",
          name,
          toName,
          tree: taxonomyTree(element),
          leafsOnly: bool(element, "leafsOnly"),
          required: bool(element, "required"),
          perRegion: bool(element, "perRegion"),
          regionFilter: bool(element, "perRegion") ? regionFilter(element) : undefined,
        };
        controls.push(node);
        return node;
      }
      case "Pairwise": {
        const node: ControlNode = { kind: "pairwise", name, toName, required: bool(element, "required") };
        controls.push(node);
        return node;
      }
      case "Audio":
      case "AudioPlus": {
        const value = element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        audioNames.push(name);
        return { kind: "audio", name, valueKey: key, literal: key ? "" : (value ?? "") };
      }
      case "Video": {
        const value = element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        const rate = attribute(element, "frameRate");
        const rateKey = dataKeyOf(rate);
        const parsedRate = Number.parseFloat(rate ?? "");
        const frameRate = rateKey ? { dataKey: rateKey } : Number.isFinite(parsedRate) && parsedRate > 0 ? parsedRate : defaultFrameRate;
        if (typeof frameRate === "number") videoFrameRates[name] = frameRate;
        videoNames.push(name);
        return { kind: "video", name, valueKey: key, literal: key ? "" : (value ?? ""), frameRate };
      }
      case "VideoRectangle": {
        const node: ControlNode = { kind: "videorectangle", name, toName };
        controls.push(node);
        return node;
      }
      case "TimeSeries": {
        const value = element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        const channels = Array.from(element.getElementsByTagName("Channel")).map((channel, index) => ({
          column: channel.getAttribute("column") ?? "",
          legend: channel.getAttribute("legend") ?? channel.getAttribute("column") ?? "",
          units: channel.getAttribute("units") ?? "",
          strokeColor: attribute(channel, "strokeColor") ?? palette[index % palette.length],
        }));
        return {
          kind: "timeseries",
          name,
          valueKey: key,
          literal: key ? "" : (value ?? ""),
          valueType: attribute(element, "valueType") === "json" ? "json" : "url",
          options: {
            timeColumn: attribute(element, "timeColumn"),
            timeFormat: attribute(element, "timeFormat"),
            sep: attribute(element, "sep") ?? ",",
            channels,
          },
        };
      }
      case "Image": {
        const list = element.getAttribute("valueList");
        const value = list ?? element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        return { kind: "image", name, valueKey: key, literal: key ? "" : (value ?? ""), valueList: list !== null };
      }
      case "Paragraphs": {
        const key = dataKeyOf(element.getAttribute("value"));
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        return {
          kind: "paragraphs",
          name,
          valueKey: key,
          nameKey: element.getAttribute("nameKey") ?? "author",
          textKey: element.getAttribute("textKey") ?? "text",
          dialogue: element.getAttribute("layout") === "dialogue",
        };
      }
      case "HyperText":
      case "Chat":
      case "Table":
      case "Pdf": {
        const value = element.getAttribute("value");
        const key = dataKeyOf(value);
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        const literal = key ? "" : (value ?? "");
        if (element.tagName === "HyperText") {
          const valueType = attribute(element, "valueType") === "url" ? "url" : "text";
          return { kind: "hypertext", name, valueKey: key, literal, valueType };
        }
        if (element.tagName === "Pdf") return { kind: "pdf", name, valueKey: key, literal };
        if (element.tagName === "Chat") return { kind: "chat", name, valueKey: key, options: chatOptions((option) => attribute(element, option)) };
        return { kind: "table", name, valueKey: key };
      }
      case "List": {
        const key = dataKeyOf(element.getAttribute("value"));
        if (key && !dataKeys.includes(key)) dataKeys.push(key);
        lists[name] = key;
        return { kind: "list", name, valueKey: key };
      }
      case "Ranker": {
        const node: ControlNode = {
          kind: "ranker",
          name,
          toName,
          buckets: Array.from(element.getElementsByTagName("Bucket")).map((bucket) => ({
            name: bucket.getAttribute("name") ?? "",
            title: bucket.getAttribute("title") ?? bucket.getAttribute("name") ?? "",
            isDefault: bool(bucket, "default"),
          })),
          required: bool(element, "required"),
        };
        controls.push(node);
        return node;
      }
      case "Relations":
        relations = {
          multiple: element.getAttribute("choice") === "multiple",
          labels: Array.from(element.getElementsByTagName("Relation")).map((relation) => ({
            value: relation.getAttribute("value") ?? "",
            alias: optional(relation, "alias"),
            background: relation.getAttribute("background") ?? palette[colorIndex++ % palette.length],
          })),
        };
        return { kind: "relations" };
      case "Style":
        return { kind: "view", inline: false, children: [] };
      default:
        unsupported.add(element.tagName);
        return { kind: "unsupported", tag: element.tagName };
    }
  };

  const root = walk(rootElement);
  return { ok: true, config: { root, controls, dataKeys, lists, relations, audioNames, videoNames, videoFrameRates, unsupportedTags: [...unsupported] } };
}
