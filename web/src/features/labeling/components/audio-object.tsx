// An Audio object drawn with wavesurfer.js: the waveform, play and pause,
// playback speed and zoom, and the Labels segments on it. Dragging across
// the waveform with a label chosen creates a segment; segments move and
// resize by dragging, and a click selects one.
//
// The waveform is drawn from peaks that a Web Worker computes
// (lib/load-peaks.ts), and the player streams the file through its media
// element, so wavesurfer.js never fetches and decodes the whole file on the
// main thread.
import { useEffect, useRef, useState } from "react";
import WaveSurfer from "wavesurfer.js";
import RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import type { ControlNode, LabelOption } from "../lib/config";
import { loadPeaks } from "../lib/load-peaks";
import { newRegionId, type AudioRegion } from "../lib/results";
import type { EditorModel } from "../hooks/use-editor-model";
import "./image-object.css";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;

const speeds = [0.5, 0.75, 1, 1.25, 1.5, 2];
const fallbackColor = "#2f6fd6";

export function AudioObject({
  name,
  src,
  controls,
  colors,
  model,
  readOnly,
}: {
  name: string;
  src: string;
  controls: LabelsControl[]; // Labels controls whose toName is this audio
  colors: Map<string, LabelOption>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const waveRef = useRef<WaveSurfer | null>(null);
  const regionsRef = useRef<RegionsPlugin | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [zoom, setZoom] = useState(0); // pixels per second; 0 fits the whole file
  const { dispatch, selectRegion, activeLabel, selectedRegionId } = model;
  const segments = model.state.values.audioRegions.filter((region) => region.toName === name);
  // A value key for the colours, because the caller builds a new Map each render.
  const colorKey = JSON.stringify([...colors].map(([value, option]) => [value, option.background]));

  // Handlers read the latest props through a ref, because wavesurfer keeps
  // the listeners registered when it was created.
  const latest = useRef({ segments, activeLabel, controls, readOnly, selectRegion });
  latest.current = { segments, activeLabel, controls, readOnly, selectRegion };

  useEffect(() => {
    const container = containerRef.current;
    if (!container || !src) return;
    setReady(false);
    setFailed(false);
    const wave = WaveSurfer.create({ container, height: 96, waveColor: "#8aa2c8", progressColor: "#2f6fd6" });
    const abort = new AbortController();
    loadPeaks(src, abort.signal)
      .then(({ peaks, duration }) => wave.load(src, peaks, duration))
      .catch((error: unknown) => {
        if (!abort.signal.aborted) {
          console.error(`loading the waveform of ${src} failed:`, error);
          setFailed(true);
        }
      });
    const regions = wave.registerPlugin(RegionsPlugin.create());
    waveRef.current = wave;
    regionsRef.current = regions;
    wave.on("ready", () => setReady(true));
    wave.on("error", () => setFailed(true));
    wave.on("play", () => setPlaying(true));
    wave.on("pause", () => setPlaying(false));
    regions.on("region-created", (region) => {
      // Segments are drawn from the editor state; a segment made by a drag is
      // replaced by one with a stored id.
      if (latest.current.segments.some((segment) => segment.id === region.id)) return;
      region.remove();
      const { activeLabel: label, controls: targets } = latest.current;
      const control = targets.find((candidate) => candidate.name === label?.control) ?? targets[0];
      if (!control || latest.current.readOnly) return;
      const option = control.labels.find((candidate) => candidate.value === label?.value);
      const segment: AudioRegion = {
        id: newRegionId(),
        fromName: control.name,
        toName: name,
        start: region.start,
        end: region.end,
        labels: option && control.name === label?.control ? [option.alias ?? option.value] : [],
      };
      dispatch({ type: "audio-region-added", region: segment });
      latest.current.selectRegion(segment.id);
    });
    regions.on("region-updated", (region) => {
      const segment = latest.current.segments.find((candidate) => candidate.id === region.id);
      if (segment) dispatch({ type: "audio-region-changed", region: { ...segment, start: region.start, end: region.end } });
    });
    regions.on("region-clicked", (region, event) => {
      event.stopPropagation();
      latest.current.selectRegion(region.id);
    });
    return () => {
      abort.abort();
      wave.destroy();
      waveRef.current = null;
      regionsRef.current = null;
    };
  }, [src, name, dispatch]);

  useEffect(() => {
    if (!ready || readOnly) return;
    const color = colors.get(activeLabel?.value ?? "")?.background ?? fallbackColor;
    return regionsRef.current?.enableDragSelection({ color: `${color}44` });
    // colorKey stands for colors in the dependencies.
  }, [ready, readOnly, activeLabel, colorKey]);

  // Draw the state's segments.
  useEffect(() => {
    const regions = regionsRef.current;
    if (!ready || !regions) return;
    regions.clearRegions();
    for (const segment of segments) {
      const color = colors.get(segment.labels[0] ?? "")?.background ?? fallbackColor;
      regions.addRegion({
        id: segment.id,
        start: segment.start,
        end: segment.end,
        color: `${color}${segment.id === selectedRegionId ? "88" : "44"}`,
        drag: !readOnly,
        resize: !readOnly,
      });
    }
    // colorKey stands for colors in the dependencies.
  }, [ready, model.state.values.audioRegions, selectedRegionId, colorKey, readOnly]);

  useEffect(() => {
    if (ready) waveRef.current?.setPlaybackRate(speed);
  }, [ready, speed]);

  useEffect(() => {
    if (ready) waveRef.current?.zoom(zoom);
  }, [ready, zoom]);

  return (
    <div className="audio-object" aria-label={`Audio ${name}`}>
      <div className="image-toolbar" role="toolbar" aria-label={`Player for ${name}`}>
        <button type="button" disabled={!ready} onClick={() => waveRef.current?.playPause()}>
          {playing ? "Pause" : "Play"}
        </button>
        <label className="image-filter">
          Speed
          <select value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
            {speeds.map((option) => (
              <option key={option} value={option}>
                {option}×
              </option>
            ))}
          </select>
        </label>
        <label className="image-filter">
          Zoom
          <input type="range" min={0} max={500} step={10} value={zoom} onChange={(event) => setZoom(Number(event.target.value))} />
        </label>
      </div>
      {failed && <p className="notice">The audio at {src} could not be loaded.</p>}
      <div ref={containerRef} className="audio-wave" data-ready={ready} data-duration={ready ? waveRef.current?.getDuration() : undefined} />
    </div>
  );
}
