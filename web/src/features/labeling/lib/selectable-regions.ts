// Regions a per-region control can describe, whatever object they are on.
// Each region kind contributes a RegionSource, and the editor finds the
// selected region through them. Per-region result items repeat the
// region's position, as Label Studio stores them: every item of a region
// shares its id and repeats its geometry keys.
//
// To make a new kind of region selectable, add its source to
// `regionSources`. Nothing else in the per-region code names region kinds.
import { anchorPosition } from "./anchored-spans";
import { chatMessageRegions } from "./chat";
import type { ConfigNode, VisibleWhen } from "./config";
import { imageRegionResult } from "./image-regions";
import type { EditorValues } from "./results";

export interface SelectableRegion {
  id: string; // the id all items of the region share
  toName: string; // the object the region is on
  labels: string[]; // its labels, for whenLabelValue
  controls: string[]; // from_name of its own items, for whenTagName
  role?: string; // a chat message's role, for whenRole
  position: Record<string, unknown>; // value keys a per-region item repeats
  itemFields?: Record<string, unknown>; // item keys it repeats (original_width, ...)
}

export type RegionSource = (values: EditorValues) => SelectableRegion[];

// A region whose own item comes from one labels control, `fromName`.
function labeledRegion(
  region: { id: string; toName: string; labels: string[]; fromName: string },
  position: Record<string, unknown>,
): SelectableRegion {
  return { id: region.id, toName: region.toName, labels: region.labels, controls: [region.fromName], position };
}

function spanRegions(values: EditorValues): SelectableRegion[] {
  return values.regions.map((span) => {
    const position = span.anchor ? { ...anchorPosition(span.anchor), text: span.text } : { start: span.start, end: span.end, text: span.text };
    return labeledRegion(span, position);
  });
}

function imageRegions(values: EditorValues): SelectableRegion[] {
  return values.imageRegions.map((region) => {
    const shaped = imageRegionResult(region, "manual");
    const position = { ...(shaped.value as Record<string, unknown>) };
    // The region's own label list and an OcrLabels box's text belong to its
    // own item, not to the items that describe it.
    delete position[region.type];
    delete position.ocrtext;
    const itemFields: Record<string, unknown> = {
      original_width: shaped.original_width,
      original_height: shaped.original_height,
      image_rotation: shaped.image_rotation,
    };
    if (shaped.item_index !== undefined) itemFields.item_index = shaped.item_index;
    return {
      id: region.id,
      toName: region.toName,
      labels: region.labels,
      controls: region.labelsFrom ? [region.fromName, region.labelsFrom] : [region.fromName],
      position,
      itemFields,
    };
  });
}

function audioRegions(values: EditorValues): SelectableRegion[] {
  return values.audioRegions.map((segment) => labeledRegion(segment, { start: segment.start, end: segment.end }));
}

function timeSeriesRegions(values: EditorValues): SelectableRegion[] {
  return values.timeSeriesRegions.map((range) => labeledRegion(range, { start: range.start, end: range.end, instant: range.instant }));
}

function videoTracks(values: EditorValues): SelectableRegion[] {
  return values.videoRegions.map((track) => labeledRegion(track, { sequence: track.sequence }));
}

function timelineSegments(values: EditorValues): SelectableRegion[] {
  return values.timelineRegions.map((segment) => labeledRegion(segment, { ranges: segment.ranges }));
}

// Every kind of region the editor can select, in region-list order.
export const regionSources: RegionSource[] = [
  spanRegions,
  imageRegions,
  audioRegions,
  timeSeriesRegions,
  videoTracks,
  timelineSegments,
  chatMessageRegions,
];

export function selectableRegions(values: EditorValues): SelectableRegion[] {
  return regionSources.flatMap((source) => source(values));
}

export function findSelectableRegion(values: EditorValues, id: string | null): SelectableRegion | undefined {
  if (id === null) return undefined;
  for (const source of regionSources) {
    const found = source(values).find((region) => region.id === id);
    if (found) return found;
  }
  return undefined;
}

// The per-region controls: Choices, Rating, Number, DateTime, Taxonomy and
// TextArea with perRegion="true". `regionFilter` contains the control's own whenTagName,
// whenLabelValue and whenRole, which limit the regions it describes.
export type PerRegionControl = Extract<ConfigNode, { kind: PerRegionKind }> & { perRegion: true };

type PerRegionKind = "choices" | "rating" | "number" | "datetime" | "taxonomy" | "textarea";
const perRegionKinds: ReadonlySet<string> = new Set<PerRegionKind>(["choices", "rating", "number", "datetime", "taxonomy", "textarea"]);

export function isPerRegionControl(node: ConfigNode): node is PerRegionControl {
  return perRegionKinds.has(node.kind) && (node as { perRegion?: boolean }).perRegion === true;
}

// Whether a region meets a condition's whenTagName (the object or one of
// the region's controls), whenLabelValue (any of its labels) and whenRole.
export function regionMatches(condition: Pick<VisibleWhen, "tagName" | "labelValues" | "role">, region: SelectableRegion): boolean {
  const tagMatches = condition.tagName === undefined || condition.tagName === region.toName || region.controls.includes(condition.tagName);
  const labelMatches = condition.labelValues.length === 0 || condition.labelValues.some((label) => region.labels.includes(label));
  const roleMatches = condition.role === undefined || condition.role === region.role;
  return tagMatches && labelMatches && roleMatches;
}

// Whether a per-region control describes the region: the region is on one
// of the control's objects and meets the control's own conditions.
export function appliesToRegion(control: PerRegionControl, region: SelectableRegion): boolean {
  const targets = control.toName.split(",").map((name) => name.trim());
  if (!targets.includes(region.toName)) return false;
  return control.regionFilter === undefined || regionMatches(control.regionFilter, region);
}
