// The editor's state for one task: the annotation model (undoable) plus the
// transient selection state that is not part of the annotation.
import { useCallback, useReducer, useState } from "react";
import { editorReducer, initialEditorState, type EditorAction, type EditorState } from "../lib/annotation-model";
import type { ControlNode, LabelOption } from "../lib/config";
import type { QuarterTurn } from "../lib/geometry";
import { newRegionId } from "../lib/results";
import type { PendingSpan } from "../components/text-object";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;

export interface EditorModel {
  state: EditorState;
  dispatch: (action: EditorAction) => void;
  pending: PendingSpan | null;
  selectedRegionId: string | null;
  activeLabel: { control: string; value: string } | null;
  selectSpan: (span: PendingSpan | null, labelsControls: LabelsControl[]) => void;
  selectRegion: (id: string | null) => void;
  applyLabel: (control: LabelsControl, label: LabelOption) => void;
  clearSelection: () => void;
  // Display state of image regions, not stored in the annotation.
  hiddenIds: ReadonlySet<string>;
  lockedIds: ReadonlySet<string>;
  toggleHidden: (id: string) => void;
  toggleLocked: (id: string) => void;
  // The view rotation of each Image object by name, 0 when absent. New
  // regions record it as `image_rotation`, and arrow-key nudges follow it.
  imageRotations: Readonly<Record<string, QuarterTurn>>;
  setImageRotation: (objectName: string, rotation: QuarterTurn) => void;
  // The region a relation starts from: the next region selected ends it.
  relationFrom: string | null;
  startRelation: (id: string | null) => void;
}

function toggled(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function targets(control: LabelsControl, toName: string): boolean {
  return control.toName.split(",").map((name) => name.trim()).includes(toName);
}

export function useEditorModel(): EditorModel {
  const [state, dispatch] = useReducer(editorReducer, initialEditorState);
  const [pending, setPending] = useState<PendingSpan | null>(null);
  const [selectedRegionId, setSelectedRegionId] = useState<string | null>(null);
  const [activeLabel, setActiveLabel] = useState<{ control: string; value: string } | null>(null);
  const [hiddenIds, setHiddenIds] = useState<ReadonlySet<string>>(new Set());
  const [lockedIds, setLockedIds] = useState<ReadonlySet<string>>(new Set());
  const toggleHidden = useCallback((id: string) => setHiddenIds((set) => toggled(set, id)), []);
  const toggleLocked = useCallback((id: string) => setLockedIds((set) => toggled(set, id)), []);
  const [relationFrom, setRelationFrom] = useState<string | null>(null);
  const [imageRotations, setImageRotations] = useState<Readonly<Record<string, QuarterTurn>>>({});
  const setImageRotation = useCallback(
    (objectName: string, rotation: QuarterTurn) => setImageRotations((current) => ({ ...current, [objectName]: rotation })),
    [],
  );

  const selectRegion = useCallback(
    (id: string | null) => {
      if (relationFrom && id && id !== relationFrom) {
        dispatch({ type: "relation-added", relation: { id: newRegionId(), fromId: relationFrom, toId: id, direction: "right", labels: [] } });
        setRelationFrom(null);
      }
      setSelectedRegionId(id);
    },
    [relationFrom],
  );

  const addRegion = useCallback((control: LabelsControl, span: PendingSpan, label: LabelOption) => {
    const id = newRegionId();
    dispatch({
      type: "region-added",
      region: {
        id,
        fromName: control.name,
        toName: span.toName,
        start: span.start,
        end: span.end,
        text: span.text,
        labels: [label.alias ?? label.value],
        ...(span.anchor ? { anchor: span.anchor } : {}),
      },
    });
    setPending(null);
    setSelectedRegionId(null);
    window.getSelection()?.removeAllRanges();
  }, []);

  const selectSpan = useCallback(
    (span: PendingSpan | null, labelsControls: LabelsControl[]) => {
      setPending(span);
      if (span) setSelectedRegionId(null);
      if (!span || !activeLabel) return;
      const control = labelsControls.find((c) => c.name === activeLabel.control && targets(c, span.toName));
      const label = control?.labels.find((l) => l.value === activeLabel.value);
      if (control && label) addRegion(control, span, label);
    },
    [activeLabel, addRegion],
  );

  const applyLabel = useCallback(
    (control: LabelsControl, label: LabelOption) => {
      const value = label.alias ?? label.value;
      // A Labels control also labels a bare tool's region on the image it targets.
      const bareImageRegion = state.values.imageRegions.find(
        (r) => r.id === selectedRegionId && control.shape === null && !r.type.endsWith("labels") && targets(control, r.toName),
      );
      const region =
        state.values.regions.find((r) => r.id === selectedRegionId && r.fromName === control.name) ??
        state.values.imageRegions.find((r) => r.id === selectedRegionId && r.fromName === control.name) ??
        state.values.audioRegions.find((r) => r.id === selectedRegionId && r.fromName === control.name) ??
        state.values.timeSeriesRegions.find((r) => r.id === selectedRegionId && r.fromName === control.name) ??
        state.values.timelineRegions.find((r) => r.id === selectedRegionId && r.fromName === control.name) ??
        // A video track takes its labels from a Labels control on its video.
        state.values.videoRegions.find((r) => r.id === selectedRegionId && control.shape === null && targets(control, r.toName)) ??
        bareImageRegion;
      if (region) {
        const labels = control.multiple
          ? region.labels.includes(value)
            ? region.labels.filter((l) => l !== value)
            : [...region.labels, value]
          : [value];
        dispatch({ type: "region-labels-set", id: region.id, labels, labelsFrom: region === bareImageRegion ? control.name : undefined });
        return;
      }
      if (pending && targets(control, pending.toName)) {
        addRegion(control, pending, label);
        return;
      }
      setActiveLabel((current) =>
        current?.control === control.name && current.value === label.value ? null : { control: control.name, value: label.value },
      );
    },
    [
      state.values.regions,
      state.values.imageRegions,
      state.values.audioRegions,
      state.values.timeSeriesRegions,
      state.values.videoRegions,
      state.values.timelineRegions,
      selectedRegionId,
      pending,
      addRegion,
    ],
  );

  const clearSelection = useCallback(() => {
    setRelationFrom(null);
    setPending(null);
    setSelectedRegionId(null);
    setActiveLabel(null);
    window.getSelection()?.removeAllRanges();
  }, []);

  return {
    state,
    dispatch,
    pending,
    selectedRegionId,
    activeLabel,
    selectSpan,
    selectRegion,
    applyLabel,
    clearSelection,
    hiddenIds,
    lockedIds,
    toggleHidden,
    toggleLocked,
    imageRotations,
    setImageRotation,
    relationFrom,
    startRelation: setRelationFrom,
  };
}
