// A Video object: an HTML5 video stepped frame by frame, with a Konva stage
// over it for VideoRectangle tracks. Dragging on a frame draws a track with
// its first keyframe. Moving or resizing a track's box on another frame
// adds a keyframe there, and frames between keyframes show the box
// interpolated (lib/video.ts). Timeline segments show on a lane under the
// video (video-timeline.tsx).
//
// Frame accuracy: while paused, the frame number is the editor's own state,
// and the video seeks to the middle of that frame, so the picture and the
// number agree whatever the decoder rounds. During playback the frame
// follows the video's clock on every animation frame.
import { useCallback, useEffect, useRef, useState } from "react";
import Konva from "konva";
import { Layer, Rect, Stage, Transformer } from "react-konva";
import type { ControlNode, LabelOption } from "../lib/config";
import { newRegionId, type VideoRegion } from "../lib/results";
import {
  boxAtFrame,
  clampBox,
  frameAtTime,
  frameCount,
  removeKeyframe,
  setKeyframe,
  timeOfFrame,
  toggleInterpolation,
  type VideoBox,
} from "../lib/video";
import { isTypingTarget } from "../lib/hotkeys";
import type { EditorModel } from "../hooks/use-editor-model";
import { useWidth } from "../hooks/use-width";
import { VideoTimeline } from "./video-timeline";
import "./image-object.css";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;
type VideoRectangleControl = Extract<ControlNode, { kind: "videorectangle" }>;

const fallbackColor = "#2f6fd6";
const minimumDrag = 3; // screen pixels a drag must cover to draw a box
const maxHeight = 480; // CSS pixels of the shown video

export function VideoObject({
  name,
  src,
  frameRate,
  rectangles,
  labelControls,
  colors,
  model,
  readOnly,
}: {
  name: string;
  src: string;
  frameRate: number; // frames per second
  rectangles: VideoRectangleControl[]; // VideoRectangle controls whose toName is this video
  labelControls: LabelsControl[]; // Labels and TimelineLabels controls whose toName is this video
  colors: Map<string, LabelOption>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const transformerRef = useRef<Konva.Transformer>(null);
  const [containerRef, containerWidth] = useWidth();
  const [meta, setMeta] = useState<{ duration: number; width: number; height: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const [frame, setFrame] = useState(1);
  const [playing, setPlaying] = useState(false);
  const [draft, setDraft] = useState<{ start: [number, number]; end: [number, number] } | null>(null);
  const { dispatch, selectRegion, activeLabel, selectedRegionId, hiddenIds, lockedIds } = model;
  const tracks = model.state.values.videoRegions.filter((region) => region.toName === name);
  const selected = tracks.find((track) => track.id === selectedRegionId);
  const rectangle = rectangles[0];
  // TimelineLabels make timeline segments. A Labels control labels the
  // VideoRectangle tracks, or makes segments when the video has none.
  const timelineControls = labelControls.filter((control) => control.resultType === "timelinelabels" || !rectangle);
  const boxLabelControls = labelControls.filter((control) => control.resultType !== "timelinelabels");

  const framesTotal = meta ? frameCount(meta.duration, frameRate) : 1;
  // The shown size: the container's width, at most maxHeight tall, in the video's aspect ratio.
  const scale = meta ? Math.min(containerWidth / meta.width, maxHeight / meta.height) : 0;
  const shownWidth = meta ? meta.width * scale : 0;
  const shownHeight = meta ? meta.height * scale : 0;

  // Shows a frame: the video seeks to the middle of it.
  const showFrame = useCallback(
    (next: number) => {
      const video = videoRef.current;
      const clamped = Math.min(Math.max(Math.round(next), 1), framesTotal);
      setFrame(clamped);
      if (video) {
        video.pause();
        video.currentTime = timeOfFrame(clamped, frameRate) + 0.5 / frameRate;
      }
    },
    [framesTotal, frameRate],
  );

  // While playing, the frame follows the video's clock.
  useEffect(() => {
    if (!playing) return;
    let request = 0;
    const follow = () => {
      const video = videoRef.current;
      if (video) setFrame(Math.min(frameAtTime(video.currentTime, frameRate), framesTotal));
      request = requestAnimationFrame(follow);
    };
    request = requestAnimationFrame(follow);
    return () => cancelAnimationFrame(request);
  }, [playing, frameRate, framesTotal]);

  // Arrow keys step one frame, ten with Shift, unless a text field or an
  // image region has the keys.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      if (model.state.values.imageRegions.some((region) => region.id === selectedRegionId)) return;
      event.preventDefault();
      const step = (event.key === "ArrowLeft" ? -1 : 1) * (event.shiftKey ? 10 : 1);
      showFrame(frame + step);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [frame, showFrame, selectedRegionId, model.state.values.imageRegions]);

  // Attach the transformer to the selected track's box.
  useEffect(() => {
    const transformer = transformerRef.current;
    if (!transformer) return;
    const editable = selected && !readOnly && !lockedIds.has(selected.id) && !playing;
    const node = editable ? stageRef.current?.findOne((candidate: Konva.Node) => candidate.id() === selected.id) : undefined;
    transformer.nodes(node ? [node] : []);
    transformer.getLayer()?.batchDraw();
  });

  const togglePlay = () => {
    const video = videoRef.current;
    if (!video) return;
    if (video.paused) {
      void video.play();
      setPlaying(true);
    } else {
      video.pause();
      setPlaying(false);
      showFrame(frameAtTime(video.currentTime, frameRate));
    }
  };

  // A box in shown pixels as percent of the video frame.
  const toPercent = (x: number, y: number, width: number, height: number, rotation: number): VideoBox => ({
    x: (x / shownWidth) * 100,
    y: (y / shownHeight) * 100,
    width: (width / shownWidth) * 100,
    height: (height / shownHeight) * 100,
    rotation,
  });

  const changeTrack = (track: VideoRegion, box: VideoBox) =>
    dispatch({ type: "video-region-changed", region: { ...track, sequence: setKeyframe(track.sequence, frame, clampBox(box), frameRate) } });

  const pointer = (): [number, number] | null => {
    const position = stageRef.current?.getPointerPosition();
    if (!position) return null;
    return [Math.min(Math.max(position.x, 0), shownWidth), Math.min(Math.max(position.y, 0), shownHeight)];
  };

  const onMouseDown = (event: Konva.KonvaEventObject<MouseEvent>) => {
    if (event.evt.button !== 0 || readOnly || !rectangle || event.target !== stageRef.current) return;
    selectRegion(null);
    const point = pointer();
    if (!point) return;
    videoRef.current?.pause();
    setPlaying(false);
    setDraft({ start: point, end: point });
  };

  const onMouseUp = () => {
    if (!draft || !meta) return;
    setDraft(null);
    const [x1, y1] = draft.start;
    const [x2, y2] = draft.end;
    if (Math.abs(x2 - x1) < minimumDrag || Math.abs(y2 - y1) < minimumDrag) return;
    const labelsControl = boxLabelControls.find((control) => control.name === activeLabel?.control);
    const label = labelsControl?.labels.find((option) => option.value === activeLabel?.value);
    const box = toPercent(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1), 0);
    const track: VideoRegion = {
      id: newRegionId(),
      fromName: rectangle.name,
      toName: name,
      labels: label ? [label.alias ?? label.value] : [],
      framesCount: framesTotal,
      duration: meta.duration,
      sequence: setKeyframe([], frame, box, frameRate),
    };
    dispatch({ type: "video-region-added", region: track });
    selectRegion(track.id);
  };

  const selectedKeyframe = selected?.sequence.find((keyframe) => keyframe.frame === frame);
  const colorOf = (track: VideoRegion) => colors.get(track.labels[0] ?? "")?.background ?? fallbackColor;

  return (
    <div className="video-object" aria-label={`Video ${name}`}>
      <div className="image-toolbar" role="toolbar" aria-label={`Tools for ${name}`}>
        <button type="button" onClick={togglePlay} disabled={!meta}>
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" aria-label="Previous frame" disabled={!meta || frame <= 1} onClick={() => showFrame(frame - 1)}>
          ◀
        </button>
        <button type="button" aria-label="Next frame" disabled={!meta || frame >= framesTotal} onClick={() => showFrame(frame + 1)}>
          ▶
        </button>
        <label className="image-filter">
          Frame
          <input
            type="number"
            min={1}
            max={framesTotal}
            value={frame}
            aria-label="Frame number"
            onChange={(event) => Number.isFinite(event.target.valueAsNumber) && showFrame(event.target.valueAsNumber)}
          />
          of {framesTotal}
        </label>
        {selected && !readOnly && (
          <>
            <span className="muted">{selectedKeyframe ? "keyframe" : "interpolated"}</span>
            <button
              type="button"
              disabled={!selectedKeyframe || selected.sequence.length <= 1}
              onClick={() => dispatch({ type: "video-region-changed", region: { ...selected, sequence: removeKeyframe(selected.sequence, frame) } })}
            >
              Delete keyframe
            </button>
            <button
              type="button"
              aria-pressed={selected.sequence.findLast((keyframe) => keyframe.frame <= frame)?.enabled ?? true}
              onClick={() => dispatch({ type: "video-region-changed", region: { ...selected, sequence: toggleInterpolation(selected.sequence, frame) } })}
            >
              Interpolation
            </button>
          </>
        )}
      </div>
      <div ref={containerRef} className="video-stage" data-frame={frame} data-frames-count={framesTotal} data-frame-rate={frameRate}>
        {failed && <p className="notice">The video at {src} could not be loaded.</p>}
        <div className="video-frame" style={{ width: shownWidth || "100%", height: shownHeight || undefined }}>
          <video
            ref={videoRef}
            src={src}
            preload="auto"
            muted
            playsInline
            width={shownWidth || undefined}
            height={shownHeight || undefined}
            onLoadedMetadata={(event) => {
              const video = event.currentTarget;
              setMeta({ duration: video.duration, width: video.videoWidth, height: video.videoHeight });
              video.currentTime = 0.5 / frameRate;
            }}
            onEnded={() => setPlaying(false)}
            onError={() => setFailed(true)}
          />
          {meta && shownWidth > 0 && (
            <Stage
              ref={stageRef}
              className="video-overlay"
              width={shownWidth}
              height={shownHeight}
              onMouseDown={onMouseDown}
              onMouseMove={() => {
                const point = pointer();
                if (draft && point) setDraft({ ...draft, end: point });
              }}
              onMouseUp={onMouseUp}
            >
              <Layer>
                {tracks.map((track) => {
                  const box = hiddenIds.has(track.id) ? null : boxAtFrame(track.sequence, frame);
                  if (!box) return null;
                  const isSelected = track.id === selectedRegionId;
                  const editable = isSelected && !readOnly && !lockedIds.has(track.id) && !playing;
                  return (
                    <Rect
                      key={track.id}
                      id={track.id}
                      name="region"
                      x={(box.x / 100) * shownWidth}
                      y={(box.y / 100) * shownHeight}
                      width={(box.width / 100) * shownWidth}
                      height={(box.height / 100) * shownHeight}
                      rotation={box.rotation}
                      stroke={colorOf(track)}
                      strokeWidth={isSelected ? 3 : 1.5}
                      fill={`${colorOf(track)}22`}
                      draggable={editable}
                      onMouseDown={(event) => {
                        event.cancelBubble = true;
                        selectRegion(track.id);
                      }}
                      onDragEnd={(event) => {
                        const node = event.target;
                        changeTrack(track, toPercent(node.x(), node.y(), node.width(), node.height(), node.rotation()));
                      }}
                      onTransformEnd={(event) => {
                        const node = event.target;
                        const next = toPercent(node.x(), node.y(), node.width() * node.scaleX(), node.height() * node.scaleY(), node.rotation());
                        node.scaleX(1);
                        node.scaleY(1);
                        changeTrack(track, next);
                      }}
                    />
                  );
                })}
                {draft && (
                  <Rect
                    x={Math.min(draft.start[0], draft.end[0])}
                    y={Math.min(draft.start[1], draft.end[1])}
                    width={Math.abs(draft.end[0] - draft.start[0])}
                    height={Math.abs(draft.end[1] - draft.start[1])}
                    stroke={fallbackColor}
                    dash={[4, 4]}
                    listening={false}
                  />
                )}
                <Transformer ref={transformerRef} rotateEnabled ignoreStroke keepRatio={false} flipEnabled={false} />
              </Layer>
            </Stage>
          )}
        </div>
      </div>
      {meta && timelineControls.length > 0 && (
        <VideoTimeline
          name={name}
          controls={timelineControls}
          colors={colors}
          frame={frame}
          framesTotal={framesTotal}
          onShowFrame={showFrame}
          model={model}
          readOnly={readOnly}
        />
      )}
    </div>
  );
}
