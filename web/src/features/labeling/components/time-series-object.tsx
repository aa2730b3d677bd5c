// A TimeSeries object: one SVG line chart per Channel over a shared time
// axis, and the TimeSeriesLabels regions on it. With a label chosen,
// dragging across a chart makes a range and a click makes an instant; both
// snap to the nearest sample time. The zoom and pan buttons change the
// shown time window.
import { useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from "react";
import type { ConfigNode, ControlNode, LabelOption } from "../lib/config";
import { newRegionId, type TimeSeriesRegion } from "../lib/results";
import { decimate, timeSeriesFromCsv, timeSeriesFromJson, type ParsedTimeSeries, type TimeSeriesData } from "../lib/time-series";
import type { EditorModel } from "../hooks/use-editor-model";
import { useWidth } from "../hooks/use-width";
import "./image-object.css";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;
type TimeSeriesNode = Extract<ConfigNode, { kind: "timeseries" }>;

const chartHeight = 120;
const axisWidth = 56; // left margin for the value labels
const clickDistance = 3; // screen pixels a press may move and still count as a click
const zoomStep = 2;
const fallbackColor = "#2f6fd6";

// Loads the series from its CSV URL or takes the inline columns.
function useSeries(node: TimeSeriesNode, value: unknown): ParsedTimeSeries | null {
  const [parsed, setParsed] = useState<ParsedTimeSeries | null>(null);
  useEffect(() => {
    if (node.valueType === "json") {
      setParsed(timeSeriesFromJson(value, node.options));
      return;
    }
    if (typeof value !== "string" || value === "") {
      setParsed({ ok: false, message: "The TimeSeries value is not a URL of a CSV file." });
      return;
    }
    setParsed(null);
    const controller = new AbortController();
    fetch(value, { signal: controller.signal, credentials: "same-origin" })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the server returned status ${response.status}`);
        setParsed(timeSeriesFromCsv(await response.text(), node.options));
      })
      .catch((error: Error) => {
        if (error.name !== "AbortError") setParsed({ ok: false, message: `The time-series CSV could not be loaded: ${error.message}.` });
      });
    return () => controller.abort();
  }, [node, value]);
  return parsed;
}

// A stored bound as a number on the time axis, or null when it is a
// string that does not read as a number or a date.
function boundTime(bound: number | string): number | null {
  if (typeof bound === "number") return bound;
  const number = Number(bound);
  if (bound.trim() !== "" && Number.isFinite(number)) return number;
  const date = Date.parse(bound);
  return Number.isFinite(date) ? date : null;
}

// The sample time nearest to `time`; `times` is ascending.
function nearestTime(times: number[], time: number): number {
  let low = 0;
  let high = times.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (times[middle] <= time) low = middle;
    else high = middle;
  }
  return Math.abs(times[high] - time) < Math.abs(times[low] - time) ? times[high] : times[low];
}

// A time for people: a date for time columns read with a format, else the number.
export function formatTime(time: number | string, dated: boolean): string {
  if (typeof time === "string") return time;
  return dated ? new Date(time).toISOString().replace("T", " ").replace("Z", "") : String(time);
}

export function TimeSeriesObject({
  node,
  value,
  controls,
  colors,
  model,
  readOnly,
}: {
  node: TimeSeriesNode;
  value: unknown; // the task's value: a CSV URL or an object of columns
  controls: LabelsControl[]; // TimeSeriesLabels controls whose toName is this object
  colors: Map<string, LabelOption>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const parsed = useSeries(node, value);
  const [containerRef, width] = useWidth();
  return (
    <div className="time-series-object" aria-label={`Time series ${node.name}`} ref={containerRef}>
      {parsed === null && <p className="muted">Loading the time series…</p>}
      {parsed && !parsed.ok && <p className="notice">{parsed.message}</p>}
      {parsed?.ok && parsed.data.times.length > 0 && width > 0 && (
        <Charts node={node} data={parsed.data} width={width} controls={controls} colors={colors} model={model} readOnly={readOnly} />
      )}
      {parsed?.ok && parsed.data.times.length === 0 && <p className="notice">The time series has no rows.</p>}
    </div>
  );
}

function Charts({
  node,
  data,
  width,
  controls,
  colors,
  model,
  readOnly,
}: {
  node: TimeSeriesNode;
  data: TimeSeriesData;
  width: number;
  controls: LabelsControl[];
  colors: Map<string, LabelOption>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const first = data.times[0];
  const last = data.times[data.times.length - 1] === first ? first + 1 : data.times[data.times.length - 1];
  const [shown, setShown] = useState<[number, number]>([first, last]);
  const [press, setPress] = useState<{ startX: number; x: number } | null>(null);
  const pressRef = useRef(press);
  pressRef.current = press;
  const { dispatch, selectRegion, activeLabel, selectedRegionId } = model;
  const regions = model.state.values.timeSeriesRegions.filter((region) => region.toName === node.name);
  const activeControl = controls.find((control) => control.name === activeLabel?.control);
  const dated = node.options.timeFormat !== null;

  useEffect(() => setShown([first, last]), [first, last]);

  const plotWidth = Math.max(width - axisWidth, 1);
  const [from, to] = shown;
  const toX = (time: number) => axisWidth + ((time - from) / (to - from)) * plotWidth;
  const toTime = (x: number) => from + ((Math.min(Math.max(x, axisWidth), width) - axisWidth) / plotWidth) * (to - from);

  const ranges = useMemo(() => {
    const bounds = node.options.channels.map((channel) => {
      const finite = data.values[channel.column].filter((v) => Number.isFinite(v));
      const low = finite.length > 0 ? Math.min(...finite) : 0;
      const high = finite.length > 0 ? Math.max(...finite) : 1;
      return low === high ? [low - 1, high + 1] : [low, high];
    });
    return bounds;
  }, [node, data]);

  const localX = (event: ReactMouseEvent<SVGSVGElement>) =>
    event.clientX - event.currentTarget.getBoundingClientRect().left;

  const onMouseDown = (event: ReactMouseEvent<SVGSVGElement>) => {
    if (event.button !== 0 || readOnly || !activeControl) return;
    const x = localX(event);
    if (x < axisWidth) return;
    setPress({ startX: x, x });
  };

  const onMouseMove = (event: ReactMouseEvent<SVGSVGElement>) => {
    if (pressRef.current) setPress({ ...pressRef.current, x: localX(event) });
  };

  const onMouseUp = (event: ReactMouseEvent<SVGSVGElement>) => {
    const current = pressRef.current;
    setPress(null);
    const label = activeControl?.labels.find((option) => option.value === activeLabel?.value);
    if (!current || !activeControl || !label) return;
    const endX = localX(event);
    const instant = Math.abs(endX - current.startX) < clickDistance;
    const start = nearestTime(data.times, toTime(Math.min(current.startX, endX)));
    const end = instant ? start : nearestTime(data.times, toTime(Math.max(current.startX, endX)));
    const region: TimeSeriesRegion = {
      id: newRegionId(),
      fromName: activeControl.name,
      toName: node.name,
      start,
      end,
      instant,
      labels: [label.alias ?? label.value],
    };
    dispatch({ type: "time-series-region-added", region });
  };

  const zoom = (factor: number, centre: number) => {
    const span = Math.min((to - from) / factor, last - first);
    const start = Math.min(Math.max(centre - (centre - from) / factor, first), last - span);
    setShown([start, start + span]);
  };

  const pan = (fraction: number) => {
    const span = to - from;
    const start = Math.min(Math.max(from + span * fraction, first), last - span);
    setShown([start, start + span]);
  };

  const colorOf = (region: TimeSeriesRegion) => colors.get(region.labels[0] ?? "")?.background ?? fallbackColor;

  return (
    <>
      <div className="image-toolbar" role="toolbar" aria-label={`Tools for ${node.name}`}>
        <button type="button" aria-label="Zoom in" onClick={() => zoom(zoomStep, (from + to) / 2)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoom(1 / zoomStep, (from + to) / 2)}>
          −
        </button>
        <button type="button" aria-label="Earlier" disabled={from <= first} onClick={() => pan(-0.25)}>
          ◀
        </button>
        <button type="button" aria-label="Later" disabled={to >= last} onClick={() => pan(0.25)}>
          ▶
        </button>
        <button type="button" onClick={() => setShown([first, last])}>
          Show all
        </button>
        <span className="image-zoom" aria-live="polite">
          {formatTime(from, dated)} – {formatTime(to, dated)}
        </span>
        {!readOnly && !activeControl && <span className="muted">Click a label, then drag across a chart or click a time.</span>}
      </div>
      {node.options.channels.map((channel, index) => {
        const [low, high] = ranges[index];
        const toY = (v: number) => 4 + (1 - (v - low) / (high - low)) * (chartHeight - 8);
        const points = decimate(data.times, data.values[channel.column], from, to, Math.round(plotWidth))
          .map(([time, v]) => `${toX(time).toFixed(1)},${toY(v).toFixed(1)}`)
          .join(" ");
        return (
          <figure key={channel.column} className="time-series-channel" aria-label={`Channel ${channel.legend}`}>
            <figcaption>
              <span className="swatch" style={{ background: channel.strokeColor }} />
              {channel.legend}
              {channel.units && <span className="muted"> ({channel.units})</span>}
            </figcaption>
            <svg
              className="time-series-chart"
              width={width}
              height={chartHeight}
              data-from={from}
              data-to={to}
              data-axis-width={axisWidth}
              onMouseDown={onMouseDown}
              onMouseMove={onMouseMove}
              onMouseUp={onMouseUp}
              onMouseLeave={() => setPress(null)}
              style={{ cursor: activeControl && !readOnly ? "crosshair" : "default" }}
            >
              <text x={axisWidth - 4} y={12} textAnchor="end" fontSize={10} fill="currentColor">
                {high.toPrecision(3)}
              </text>
              <text x={axisWidth - 4} y={chartHeight - 2} textAnchor="end" fontSize={10} fill="currentColor">
                {low.toPrecision(3)}
              </text>
              <line x1={axisWidth} x2={axisWidth} y1={0} y2={chartHeight} stroke="currentColor" strokeOpacity={0.3} />
              {regions.map((region) => {
                const start = boundTime(region.start);
                const end = boundTime(region.end);
                if (start === null || end === null || end < from || start > to) return null;
                const selected = region.id === selectedRegionId;
                const x = Math.max(toX(start), axisWidth);
                const common = {
                  className: "time-series-region",
                  "data-region-id": region.id,
                  onMouseDown: (event: ReactMouseEvent) => {
                    event.stopPropagation();
                    selectRegion(region.id);
                  },
                };
                if (region.instant) {
                  return <rect key={region.id} {...common} x={x - 1.5} y={0} width={3} height={chartHeight} fill={colorOf(region)} opacity={selected ? 1 : 0.7} />;
                }
                return (
                  <rect
                    key={region.id}
                    {...common}
                    x={x}
                    y={0}
                    width={Math.max(Math.min(toX(end), width) - x, 1)}
                    height={chartHeight}
                    fill={colorOf(region)}
                    fillOpacity={selected ? 0.45 : 0.25}
                    stroke={selected ? colorOf(region) : "none"}
                  />
                );
              })}
              <polyline points={points} fill="none" stroke={channel.strokeColor} strokeWidth={1} pointerEvents="none" />
              {press && (
                <rect
                  x={Math.min(press.startX, press.x)}
                  y={0}
                  width={Math.abs(press.x - press.startX)}
                  height={chartHeight}
                  fill={fallbackColor}
                  fillOpacity={0.2}
                  pointerEvents="none"
                />
              )}
            </svg>
          </figure>
        );
      })}
    </>
  );
}
