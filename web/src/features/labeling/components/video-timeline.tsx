// The timeline under a Video: one lane of frames with the video's timeline
// segments on it. With a label of a timeline control active, a drag across
// the lane makes a segment over the frames it covers, and a click makes a
// one-frame segment. Without one, a click shows that frame. The selected
// segment's bounds can be moved to the shown frame.
import { useState } from "react";
import type { ControlNode, LabelOption } from "../lib/config";
import { newRegionId, type TimelineRegion } from "../lib/results";
import { frameAtOffset, rangeBetween, rangeOnTimeline, withBound } from "../lib/timeline";
import type { EditorModel } from "../hooks/use-editor-model";
import { useWidth } from "../hooks/use-width";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;

const fallbackColor = "#2f6fd6";

export function VideoTimeline({
  name,
  controls,
  colors,
  frame,
  framesTotal,
  onShowFrame,
  model,
  readOnly,
}: {
  name: string; // the Video object
  controls: LabelsControl[]; // the controls that make timeline segments on this video
  colors: Map<string, LabelOption>;
  frame: number; // the shown frame, from 1
  framesTotal: number;
  onShowFrame: (frame: number) => void;
  model: EditorModel;
  readOnly: boolean;
}) {
  const [laneRef, width] = useWidth();
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const { dispatch, selectRegion, activeLabel, selectedRegionId } = model;
  const segments = model.state.values.timelineRegions.filter((segment) => segment.toName === name);
  const selected = segments.find((segment) => segment.id === selectedRegionId);
  const control = controls.find((candidate) => candidate.name === activeLabel?.control);
  const label = control?.labels.find((option) => option.value === activeLabel?.value);

  // Frames are laid out inside the lane's border, as the segments are drawn.
  const frameAt = (clientX: number): number => {
    const lane = laneRef.current!;
    const left = lane.getBoundingClientRect().left + lane.clientLeft;
    return frameAtOffset(clientX - left, lane.clientWidth, framesTotal);
  };

  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || event.target !== laneRef.current) return;
    const at = frameAt(event.clientX);
    if (readOnly || !control || !label) {
      onShowFrame(at);
      return;
    }
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ from: at, to: at });
  };

  const onPointerUp = () => {
    if (!drag || !control || !label) return;
    setDrag(null);
    const segment: TimelineRegion = {
      id: newRegionId(),
      fromName: control.name,
      toName: name,
      type: control.resultType,
      ranges: [rangeBetween(drag.from, drag.to)],
      labels: [label.alias ?? label.value],
    };
    dispatch({ type: "timeline-region-added", region: segment });
    selectRegion(segment.id);
  };

  const place = (range: { start: number; end: number }) => {
    const { left, width: span } = rangeOnTimeline(range, width, framesTotal);
    return { left, width: Math.max(span, 2) };
  };
  const setBound = (bound: "start" | "end") => {
    if (!selected) return;
    const [first, ...rest] = selected.ranges;
    dispatch({ type: "timeline-region-changed", region: { ...selected, ranges: [withBound(first, bound, frame), ...rest] } });
  };

  return (
    <div className="video-timeline" aria-label={`Timeline of ${name}`}>
      <div
        ref={laneRef}
        className="video-timeline-lane"
        data-frames-count={framesTotal}
        onPointerDown={onPointerDown}
        onPointerMove={(event) => drag && setDrag({ ...drag, to: frameAt(event.clientX) })}
        onPointerUp={onPointerUp}
      >
        {segments.flatMap((segment) =>
          segment.ranges.map((range, index) => (
            <button
              key={`${segment.id}-${index}`}
              type="button"
              className={segment.id === selectedRegionId ? "video-timeline-segment selected" : "video-timeline-segment"}
              data-region-id={segment.id}
              aria-label={`Segment ${segment.labels.join(", ") || "(no label)"} frames ${range.start}–${range.end}`}
              style={{ ...place(range), background: colors.get(segment.labels[0] ?? "")?.background ?? fallbackColor }}
              onClick={() => {
                selectRegion(segment.id);
                onShowFrame(range.start);
              }}
            />
          )),
        )}
        {drag && <div className="video-timeline-draft" style={place(rangeBetween(drag.from, drag.to))} />}
        <div className="video-timeline-cursor" style={{ left: place({ start: frame, end: frame }).left }} />
      </div>
      {selected && !readOnly && (
        <div className="image-toolbar">
          <span className="muted">
            frames {selected.ranges[0]?.start}–{selected.ranges[0]?.end}
          </span>
          <button type="button" onClick={() => setBound("start")}>
            Start at this frame
          </button>
          <button type="button" onClick={() => setBound("end")}>
            End at this frame
          </button>
        </div>
      )}
    </div>
  );
}
