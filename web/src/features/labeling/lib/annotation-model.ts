// The editor's model: all annotation state in one reducer. Every change is
// an action whose `type` names the reason, so the history (undo/redo) and
// any listener see why state changed, not just that it did.
import type { ChatMessageRegion } from "./chat";
import type { ChoiceOption, ControlNode } from "./config";
import type { ImageRegion } from "./image-regions";
import {
  emptyValues,
  type AudioRegion,
  type EditorValues,
  type RegionAnswer,
  type Relation,
  type TextRegion,
  type TimelineRegion,
  type TimeSeriesRegion,
  type VideoRegion,
} from "./results";

export type EditorAction =
  | { type: "loaded"; values: EditorValues }
  | { type: "choice-toggled"; control: Extract<ControlNode, { kind: "choices" }>; option: ChoiceOption }
  | { type: "region-added"; region: TextRegion }
  | { type: "region-removed"; id: string }
  | { type: "image-region-added"; region: ImageRegion }
  | { type: "image-region-changed"; region: ImageRegion }
  | { type: "audio-region-added"; region: AudioRegion }
  | { type: "audio-region-changed"; region: AudioRegion }
  | { type: "time-series-region-added"; region: TimeSeriesRegion }
  | { type: "time-series-region-changed"; region: TimeSeriesRegion }
  | { type: "video-region-added"; region: VideoRegion }
  | { type: "video-region-changed"; region: VideoRegion }
  | { type: "timeline-region-added"; region: TimelineRegion }
  | { type: "timeline-region-changed"; region: TimelineRegion }
  | { type: "region-text-changed"; regionId: string; control: string; texts: string[] }
  // A per-region Choices, Rating or Number answer about one region; null clears it.
  | { type: "region-answer-set"; regionId: string; control: string; answer: RegionAnswer | null }
  | { type: "chat-message-added"; message: ChatMessageRegion }
  | { type: "chat-message-changed"; id: string; content: string }
  | { type: "relation-added"; relation: Relation }
  | { type: "relation-changed"; relation: Relation }
  | { type: "relation-removed"; id: string }
  | { type: "region-labels-set"; id: string; labels: string[]; labelsFrom?: string }
  | { type: "textarea-changed"; control: string; texts: string[] }
  | { type: "rating-set"; control: string; rating: number }
  | { type: "number-set"; control: string; number: number | null }
  | { type: "datetime-set"; control: string; datetime: string }
  | { type: "taxonomy-toggled"; control: string; path: string[] }
  | { type: "pairwise-set"; control: string; selected: "left" | "right" }
  | { type: "ranking-set"; control: string; ranking: Record<string, string[]> }
  | { type: "undo" }
  | { type: "redo" };

export interface EditorState {
  values: EditorValues;
  past: EditorValues[];
  future: EditorValues[];
  lastReason: EditorAction["type"] | null;
}

export const initialEditorState: EditorState = { values: emptyValues, past: [], future: [], lastReason: null };

const historyLimit = 100;

function stored(option: ChoiceOption): string {
  return option.alias ?? option.value;
}

// An edit turns a value taken from a prediction into an edited prediction.
function edited(values: EditorValues, key: string): EditorValues["origins"] {
  return values.origins[key] === "prediction" ? { ...values.origins, [key]: "prediction-changed" } : values.origins;
}

function change(values: EditorValues, action: EditorAction): EditorValues {
  switch (action.type) {
    case "choice-toggled": {
      const { control, option } = action;
      const current = values.choices[control.name] ?? [];
      const value = stored(option);
      let next: string[];
      if (current.includes(value)) next = current.filter((v) => v !== value);
      else if (control.multiple) {
        // Keep the config's order, as the result lists choices in it.
        const wanted = new Set([...current, value]);
        next = control.options.map(stored).filter((v) => wanted.has(v));
      } else next = [value];
      return { ...values, choices: { ...values.choices, [control.name]: next }, origins: edited(values, control.name) };
    }
    case "region-added":
      return { ...values, regions: [...values.regions, action.region] };
    case "region-removed":
      // The task's chat messages stay, and so do the answers about them.
      if (values.chatMessages.some((message) => message.id === action.id && message.fromTask)) return values;
      return {
        ...values,
        chatMessages: values.chatMessages.filter((message) => message.id !== action.id),
        regions: values.regions.filter((r) => r.id !== action.id),
        imageRegions: values.imageRegions.filter((r) => r.id !== action.id),
        audioRegions: values.audioRegions.filter((r) => r.id !== action.id),
        timeSeriesRegions: values.timeSeriesRegions.filter((r) => r.id !== action.id),
        videoRegions: values.videoRegions.filter((r) => r.id !== action.id),
        timelineRegions: values.timelineRegions.filter((r) => r.id !== action.id),
        // An arrow or a per-region answer cannot outlive its region.
        relations: values.relations.filter((r) => r.fromId !== action.id && r.toId !== action.id),
        regionTexts: Object.fromEntries(Object.entries(values.regionTexts).filter(([id]) => id !== action.id)),
        regionAnswers: Object.fromEntries(Object.entries(values.regionAnswers).filter(([id]) => id !== action.id)),
      };
    case "chat-message-added":
      return { ...values, chatMessages: [...values.chatMessages, action.message] };
    case "chat-message-changed":
      return {
        ...values,
        chatMessages: values.chatMessages.map((message) => (message.id === action.id ? { ...message, content: action.content } : message)),
        origins: edited(values, action.id),
      };
    case "audio-region-added":
      return { ...values, audioRegions: [...values.audioRegions, action.region] };
    case "audio-region-changed":
      return {
        ...values,
        audioRegions: values.audioRegions.map((r) => (r.id === action.region.id ? action.region : r)),
        origins: edited(values, action.region.id),
      };
    case "time-series-region-added":
      return { ...values, timeSeriesRegions: [...values.timeSeriesRegions, action.region] };
    case "time-series-region-changed":
      return {
        ...values,
        timeSeriesRegions: values.timeSeriesRegions.map((r) => (r.id === action.region.id ? action.region : r)),
        origins: edited(values, action.region.id),
      };
    case "video-region-added":
      return { ...values, videoRegions: [...values.videoRegions, action.region] };
    case "video-region-changed":
      return {
        ...values,
        videoRegions: values.videoRegions.map((r) => (r.id === action.region.id ? action.region : r)),
        origins: edited(values, action.region.id),
      };
    case "timeline-region-added":
      return { ...values, timelineRegions: [...values.timelineRegions, action.region] };
    case "timeline-region-changed":
      return {
        ...values,
        timelineRegions: values.timelineRegions.map((r) => (r.id === action.region.id ? action.region : r)),
        origins: edited(values, action.region.id),
      };
    case "region-answer-set": {
      const answers = { ...values.regionAnswers[action.regionId] };
      if (action.answer === null) delete answers[action.control];
      else answers[action.control] = action.answer;
      return { ...values, regionAnswers: { ...values.regionAnswers, [action.regionId]: answers }, origins: edited(values, action.regionId) };
    }
    case "region-text-changed":
      return {
        ...values,
        regionTexts: {
          ...values.regionTexts,
          [action.regionId]: { ...values.regionTexts[action.regionId], [action.control]: action.texts },
        },
      };
    case "region-labels-set":
      return {
        ...values,
        regions: values.regions.map((r) => (r.id === action.id ? { ...r, labels: action.labels } : r)),
        imageRegions: values.imageRegions.map((r) =>
          r.id === action.id ? { ...r, labels: action.labels, ...(action.labelsFrom ? { labelsFrom: action.labelsFrom } : {}) } : r,
        ),
        audioRegions: values.audioRegions.map((r) => (r.id === action.id ? { ...r, labels: action.labels } : r)),
        timeSeriesRegions: values.timeSeriesRegions.map((r) => (r.id === action.id ? { ...r, labels: action.labels } : r)),
        videoRegions: values.videoRegions.map((r) => (r.id === action.id ? { ...r, labels: action.labels } : r)),
        timelineRegions: values.timelineRegions.map((r) => (r.id === action.id ? { ...r, labels: action.labels } : r)),
        origins: edited(values, action.id),
      };
    case "relation-added": {
      const { fromId, toId } = action.relation;
      const duplicate = values.relations.some((r) => r.fromId === fromId && r.toId === toId);
      if (fromId === toId || duplicate) return values;
      return { ...values, relations: [...values.relations, action.relation] };
    }
    case "relation-changed":
      return { ...values, relations: values.relations.map((r) => (r.id === action.relation.id ? action.relation : r)) };
    case "relation-removed":
      return { ...values, relations: values.relations.filter((r) => r.id !== action.id) };
    case "image-region-added":
      return { ...values, imageRegions: [...values.imageRegions, action.region] };
    case "image-region-changed":
      return {
        ...values,
        imageRegions: values.imageRegions.map((r) => (r.id === action.region.id ? action.region : r)),
        origins: edited(values, action.region.id),
      };
    case "textarea-changed":
      return {
        ...values,
        textareas: { ...values.textareas, [action.control]: action.texts },
        origins: edited(values, action.control),
      };
    case "rating-set": {
      const ratings = { ...values.ratings };
      if (action.rating > 0) ratings[action.control] = action.rating;
      else delete ratings[action.control];
      return { ...values, ratings, origins: edited(values, action.control) };
    }
    case "number-set": {
      const numbers = { ...values.numbers };
      if (action.number === null) delete numbers[action.control];
      else numbers[action.control] = action.number;
      return { ...values, numbers, origins: edited(values, action.control) };
    }
    case "datetime-set": {
      const datetimes = { ...values.datetimes };
      if (action.datetime === "") delete datetimes[action.control];
      else datetimes[action.control] = action.datetime;
      return { ...values, datetimes, origins: edited(values, action.control) };
    }
    case "taxonomy-toggled": {
      const current = values.taxonomies[action.control] ?? [];
      const key = JSON.stringify(action.path);
      const next = current.some((path) => JSON.stringify(path) === key)
        ? current.filter((path) => JSON.stringify(path) !== key)
        : [...current, action.path];
      return { ...values, taxonomies: { ...values.taxonomies, [action.control]: next }, origins: edited(values, action.control) };
    }
    case "pairwise-set":
      return { ...values, pairwise: { ...values.pairwise, [action.control]: action.selected }, origins: edited(values, action.control) };
    case "ranking-set":
      return { ...values, rankers: { ...values.rankers, [action.control]: action.ranking }, origins: edited(values, action.control) };
    default:
      return values;
  }
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case "loaded":
      return { values: action.values, past: [], future: [], lastReason: "loaded" };
    case "undo": {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return { values: previous, past: state.past.slice(0, -1), future: [state.values, ...state.future], lastReason: "undo" };
    }
    case "redo": {
      const [next, ...rest] = state.future;
      if (!next) return state;
      return { values: next, past: [...state.past, state.values], future: rest, lastReason: "redo" };
    }
    default: {
      const values = change(state.values, action);
      if (values === state.values) return state;
      // Consecutive typing is one undo step, not one step per key.
      const typing = ["textarea-changed", "region-text-changed", "number-set", "datetime-set"];
      const merge = typing.includes(action.type) && state.lastReason === action.type;
      const past = merge ? state.past : [...state.past, state.values].slice(-historyLimit);
      return { values, past, future: [], lastReason: action.type };
    }
  }
}
