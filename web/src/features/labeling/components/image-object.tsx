// An Image object drawn with Konva: the task's image, its regions, and the
// mouse tools that draw and edit them. The stage is scaled and moved as a
// whole, so shapes are laid out in natural image pixels and converted to
// the stored percent only when an edit ends.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import Konva from "konva";
import { Arrow, Ellipse, Image as KonvaImage, Layer, Line, Rect, Stage, Transformer } from "react-konva";
import type { ControlNode, LabelOption } from "../lib/config";
import {
  clampPoint,
  ellipseToPercent,
  fitTransform,
  pointsToPercent,
  rectFromDrag,
  rectToPercent,
  rotatedSize,
  rotationOffset,
  turnImage,
  xToPercent,
  xToPixels,
  yToPercent,
  yToPixels,
  zoomAround,
  type ImageSize,
  type Point,
} from "../lib/geometry";
import { maskFromPixels, maskToRle, paintedCount } from "../lib/brush";
import { newRegionId } from "../lib/results";
import { regionCentre, type ImageGeometry, type ImageRegion, type ImageShape } from "../lib/image-regions";
import type { EditorModel } from "../hooks/use-editor-model";
import { useWidth } from "../hooks/use-width";
import { maskCanvas, RegionShape } from "./image-shapes";
import "./image-object.css";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;
// Scale, and the position of the shown (rotated) image in the viewport.
type Transform = { scale: number; x: number; y: number };
// The eraser removes paint from the selected brush region.
type Tool = "pan" | ImageShape | "eraser";

const viewportHeight = 540;
const zoomStep = 1.2;
const closeDistance = 8; // screen pixels from the first point that close a polygon
const keypointRadius = 3; // natural pixels of a new keypoint
const fallbackColor = "#2f6fd6";

const toolNames: Record<Tool, string> = {
  pan: "Pan",
  rectangle: "Rectangle",
  polygon: "Polygon",
  keypoint: "Keypoint",
  ellipse: "Ellipse",
  brush: "Brush",
  eraser: "Eraser",
};

// A brush or eraser stroke in progress. It paints on a canvas of the
// natural image size, which replaces the region's mask when the stroke ends.
interface Stroke {
  regionId: string | null; // null: the stroke makes a new region
  canvas: HTMLCanvasElement;
  context: CanvasRenderingContext2D;
  last: Point;
}

function useLoadedImage(src: string): { image: HTMLImageElement | null; failed: boolean } {
  const [state, setState] = useState<{ image: HTMLImageElement | null; failed: boolean }>({ image: null, failed: false });
  useEffect(() => {
    setState({ image: null, failed: false });
    if (!src) return;
    const image = new window.Image();
    image.onload = () => setState({ image, failed: false });
    image.onerror = () => setState({ image: null, failed: true });
    image.src = src;
    return () => {
      image.onload = null;
      image.onerror = null;
    };
  }, [src]);
  return state;
}

type Draft = { shape: "rectangle" | "ellipse"; start: Point; end: Point } | { shape: "polygon"; points: Point[]; cursor: Point | null };

export function ImageObject({
  name,
  sources,
  valueList,
  controls,
  labelControls,
  colors,
  model,
  readOnly,
}: {
  name: string;
  sources: string[]; // image URLs: one, or the items of a valueList
  valueList: boolean; // regions carry the index of their image
  controls: LabelsControl[]; // shape controls whose toName is this image
  labelControls: LabelsControl[]; // Labels controls whose toName is this image, for bare tools
  colors: Map<string, LabelOption>;
  model: EditorModel;
  readOnly: boolean;
}) {
  const [page, setPage] = useState(0);
  const src = sources[Math.min(page, sources.length - 1)] ?? "";
  const { image, failed } = useLoadedImage(src);
  const [containerRef, width] = useWidth();
  const [transform, setTransform] = useState<Transform>({ scale: 1, x: 0, y: 0 });
  const [chosenTool, setChosenTool] = useState<Tool>("pan");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [brightness, setBrightness] = useState(0); // -100 to 100
  const [contrast, setContrast] = useState(0); // -100 to 100
  const [brushRadius, setBrushRadius] = useState(10); // natural pixels
  const strokeRef = useRef<Stroke | null>(null);
  const [stroke, setStroke] = useState<Stroke | null>(null); // the stroke drawn on the stage
  const strokeImageRef = useRef<Konva.Image>(null);
  const imageRef = useRef<Konva.Image>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const transformerRef = useRef<Konva.Transformer>(null);
  const size = useMemo<ImageSize | null>(() => (image ? { width: image.naturalWidth, height: image.naturalHeight } : null), [image]);
  const regions = model.state.values.imageRegions.filter(
    (region) => region.toName === name && (!valueList || (region.itemIndex ?? 0) === page),
  );
  const { dispatch, selectRegion, activeLabel, selectedRegionId, hiddenIds, lockedIds, setImageRotation } = model;
  // The stage turns with the image, so shapes and the pointer stay in
  // natural pixels. Only the fit and the stage's position use the shown size.
  const rotation = model.imageRotations[name] ?? 0;
  const shownSize = useMemo<ImageSize | null>(() => (size ? rotatedSize(size, rotation) : null), [size, rotation]);
  const [originX, originY] = size ? rotationOffset(size, rotation) : [0, 0];

  const shapes = useMemo(() => [...new Set(controls.map((control) => control.shape).filter((shape) => shape !== null))], [controls]);
  const activeControl = controls.find((control) => control.name === activeLabel?.control);
  const brushActive = activeControl?.shape === "brush";
  let tool: Tool = readOnly ? "pan" : (activeControl?.shape ?? chosenTool);
  if (!readOnly && chosenTool === "eraser" && (brushActive || !activeControl)) tool = "eraser";
  const toolEnabled = (option: Tool) => !activeControl || (brushActive && (option === "brush" || option === "eraser"));
  // An OcrLabels box stores its text in the region itself (`ocrtext`).
  // NOTE: every keystroke in it is one undo step.
  const selectedOcr = regions.find((region) => region.id === selectedRegionId && region.type === "ocrlabels");
  const selectedBrush = regions.find(
    (region) => region.id === selectedRegionId && region.geometry.shape === "brush" && !lockedIds.has(region.id) && !hiddenIds.has(region.id),
  );

  const fit = useCallback(() => {
    if (shownSize && width > 0) setTransform(fitTransform(shownSize, { width, height: viewportHeight }));
  }, [shownSize, width]);
  useEffect(fit, [fit]);

  useEffect(() => setDraft(null), [tool, page]);

  // Konva filters work on a cached bitmap of the node, so it is cached only
  // while a filter applies and dropped again at 0, 0.
  useEffect(() => {
    const node = imageRef.current;
    if (!node) return;
    if (brightness === 0 && contrast === 0) node.clearCache();
    else node.cache();
    node.getLayer()?.batchDraw();
  }, [image, width, brightness, contrast]);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") setDraft(null);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  // Attach the transformer to the selected rectangle or ellipse.
  useEffect(() => {
    const transformer = transformerRef.current;
    if (!transformer) return;
    const selected = regions.find((region) => region.id === selectedRegionId);
    const editable = selected && !readOnly && !lockedIds.has(selected.id) && !hiddenIds.has(selected.id);
    const node =
      editable && (selected.geometry.shape === "rectangle" || selected.geometry.shape === "ellipse")
        ? stageRef.current?.findOne((candidate: Konva.Node) => candidate.id() === selected.id)
        : undefined;
    transformer.nodes(node ? [node] : []);
    transformer.getLayer()?.batchDraw();
  });

  const addRegion = (shape: ImageShape, geometry: ImageGeometry) => {
    if (!size) return;
    const control = activeControl?.shape === shape ? activeControl : controls.find((candidate) => candidate.shape === shape);
    if (!control) return;
    let label = activeControl === control ? control.labels.find((option) => option.value === activeLabel?.value) : undefined;
    // A bare tool takes the active label of a Labels control on this image.
    const labelsControl = control.resultType.endsWith("labels") ? undefined : labelControls.find((c) => c.name === activeLabel?.control);
    if (labelsControl) label = labelsControl.labels.find((option) => option.value === activeLabel?.value);
    const region: ImageRegion = {
      id: newRegionId(),
      fromName: control.name,
      toName: name,
      type: control.resultType,
      labels: label ? [label.alias ?? label.value] : [],
      ...(labelsControl && label ? { labelsFrom: labelsControl.name } : {}),
      originalWidth: size.width,
      originalHeight: size.height,
      imageRotation: rotation,
      ...(valueList ? { itemIndex: page } : {}),
      geometry,
    };
    // The new region is not selected, so the next label click picks a label
    // for the next region instead of relabelling this one.
    dispatch({ type: "image-region-added", region });
  };

  // The colour of the label a new region would get.
  const activeLabelColor = () => {
    const control = [...controls, ...labelControls].find((candidate) => candidate.name === activeLabel?.control);
    return control?.labels.find((option) => option.value === activeLabel?.value)?.background ?? fallbackColor;
  };

  // Starts a stroke in the selected brush region, or in a new one. The
  // eraser needs a selected brush region.
  const startStroke = (point: Point, erase: boolean) => {
    if (!size || (erase && !selectedBrush)) return;
    const canvas = document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) return;
    const color = selectedBrush ? colorOf(selectedBrush) : activeLabelColor();
    if (selectedBrush?.geometry.shape === "brush") {
      const existing = maskCanvas(selectedBrush.geometry.rle, size, color);
      if (existing) context.drawImage(existing, 0, 0);
    }
    context.globalCompositeOperation = erase ? "destination-out" : "source-over";
    context.fillStyle = color;
    context.strokeStyle = color;
    context.lineWidth = brushRadius * 2;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.arc(point[0], point[1], brushRadius, 0, 2 * Math.PI);
    context.fill();
    strokeRef.current = { regionId: selectedBrush?.id ?? null, canvas, context, last: point };
    setStroke(strokeRef.current);
  };

  const continueStroke = (current: Stroke, point: Point) => {
    current.context.beginPath();
    current.context.moveTo(...current.last);
    current.context.lineTo(...point);
    current.context.stroke();
    current.last = point;
    strokeImageRef.current?.getLayer()?.batchDraw();
  };

  // Stores the painted canvas as the region's mask.
  // NOTE: reading back and encoding the whole canvas takes time in
  // proportion to the image's pixel count, once per stroke.
  const endStroke = () => {
    const current = strokeRef.current;
    strokeRef.current = null;
    setStroke(null);
    if (!current || !size) return;
    const mask = maskFromPixels(current.context.getImageData(0, 0, size.width, size.height).data);
    const geometry: ImageGeometry = { shape: "brush", rle: maskToRle(mask) };
    const region = regions.find((candidate) => candidate.id === current.regionId);
    if (region) dispatch({ type: "image-region-changed", region: { ...region, geometry } });
    else if (paintedCount(mask) > 0) addRegion("brush", geometry);
  };

  // The topmost shown brush region painted at a point, found by its mask's
  // pixel there, because mask shapes take no clicks themselves.
  const brushAt = ([x, y]: Point): ImageRegion | undefined => {
    if (!size) return undefined;
    return [...regions].reverse().find((region) => {
      if (region.geometry.shape !== "brush" || hiddenIds.has(region.id)) return false;
      const canvas = maskCanvas(region.geometry.rle, size, colorOf(region));
      const pixel = canvas?.getContext("2d")?.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
      return pixel !== undefined && pixel[3] > 0;
    });
  };

  const pointer = (): Point | null => {
    const position = stageRef.current?.getRelativePointerPosition();
    return position && size ? clampPoint([position.x, position.y], size) : null;
  };

  const onMouseDown = (event: Konva.KonvaEventObject<MouseEvent>) => {
    if (event.evt.button !== 0 || tool === "pan" || !size) return;
    // Presses on transformer handles and vertices edit; only the image and
    // the empty stage start a drawing.
    if (event.target !== stageRef.current && event.target.name() !== "image") return;
    const point = pointer();
    if (!point) return;
    if (tool === "brush" || tool === "eraser") {
      startStroke(point, tool === "eraser");
    } else if (tool === "rectangle" || tool === "ellipse") {
      setDraft({ shape: tool, start: point, end: point });
    } else if (tool === "keypoint") {
      addRegion("keypoint", { shape: "keypoint", x: xToPercent(point[0], size), y: yToPercent(point[1], size), width: xToPercent(keypointRadius, size) });
    } else {
      const points = draft?.shape === "polygon" ? draft.points : [];
      const first = points[0];
      const nearFirst = first && Math.hypot(first[0] - point[0], first[1] - point[1]) * transform.scale <= closeDistance;
      if (nearFirst && points.length >= 3) {
        addRegion("polygon", { shape: "polygon", points: pointsToPercent(points, size), closed: true });
        setDraft(null);
      } else {
        setDraft({ shape: "polygon", points: [...points, point], cursor: null });
      }
    }
  };

  const onMouseMove = () => {
    if (strokeRef.current) {
      const point = pointer();
      if (point) continueStroke(strokeRef.current, point);
      return;
    }
    if (!draft) return;
    const point = pointer();
    if (!point) return;
    if (draft.shape === "polygon") setDraft({ ...draft, cursor: point });
    else setDraft({ ...draft, end: point });
  };

  const onMouseUp = () => {
    if (strokeRef.current) {
      endStroke();
      return;
    }
    if (!draft || draft.shape === "polygon" || !size) return;
    setDraft(null);
    const [dx, dy] = [draft.end[0] - draft.start[0], draft.end[1] - draft.start[1]];
    // A click without a drag draws nothing.
    if (Math.abs(dx) * transform.scale < 3 || Math.abs(dy) * transform.scale < 3) return;
    if (draft.shape === "rectangle") {
      addRegion("rectangle", { shape: "rectangle", ...rectToPercent(rectFromDrag(draft.start, draft.end), size) });
    } else {
      const ellipse = { x: draft.start[0], y: draft.start[1], radiusX: Math.abs(dx), radiusY: Math.abs(dy), rotation: 0 };
      addRegion("ellipse", { shape: "ellipse", ...ellipseToPercent(ellipse, size) });
    }
  };

  const onWheel = (event: Konva.KonvaEventObject<WheelEvent>) => {
    event.evt.preventDefault();
    const anchor = stageRef.current?.getPointerPosition();
    if (!anchor) return;
    setTransform((current) => zoomAround(current, event.evt.deltaY < 0 ? zoomStep : 1 / zoomStep, [anchor.x, anchor.y]));
  };

  const zoomCentre = (factor: number) => setTransform((current) => zoomAround(current, factor, [width / 2, viewportHeight / 2]));

  // Arrows between two visible regions of this image, centre to centre.
  const relations = model.state.values.relations.flatMap((relation) => {
    const from = regions.find((region) => region.id === relation.fromId);
    const to = regions.find((region) => region.id === relation.toId);
    if (!from || !to || !size || hiddenIds.has(from.id) || hiddenIds.has(to.id)) return [];
    const [fromX, fromY] = regionCentre(from.geometry, { width: from.originalWidth, height: from.originalHeight });
    const [toX, toY] = regionCentre(to.geometry, { width: to.originalWidth, height: to.originalHeight });
    const points = [xToPixels(fromX, size), yToPixels(fromY, size), xToPixels(toX, size), yToPixels(toY, size)];
    return [{ id: relation.id, direction: relation.direction, points }];
  });

  const onChange = useCallback((region: ImageRegion) => dispatch({ type: "image-region-changed", region }), [dispatch]);

  const colorOf = (region: ImageRegion) => colors.get(region.labels[0] ?? "")?.background ?? fallbackColor;

  return (
    <div className="image-object" aria-label={`Image ${name}`}>
      <div className="image-toolbar" role="toolbar" aria-label={`Tools for ${name}`}>
        {!readOnly &&
          (["pan", ...shapes, ...(shapes.includes("brush") ? ["eraser"] : [])] as Tool[]).map((option) => (
            <button key={option} type="button" aria-pressed={tool === option} onClick={() => setChosenTool(option)} disabled={!toolEnabled(option)}>
              {toolNames[option]}
            </button>
          ))}
        {!readOnly && shapes.includes("brush") && (
          <label className="image-filter">
            Brush radius
            <input type="range" min={1} max={100} value={brushRadius} onChange={(event) => setBrushRadius(Number(event.target.value))} />
          </label>
        )}
        {sources.length > 1 && (
          <>
            <button type="button" aria-label="Previous image" disabled={page === 0} onClick={() => setPage(page - 1)}>
              ◀
            </button>
            <span className="image-zoom">
              Image {page + 1} of {sources.length}
            </span>
            <button type="button" aria-label="Next image" disabled={page >= sources.length - 1} onClick={() => setPage(page + 1)}>
              ▶
            </button>
          </>
        )}
        <button type="button" aria-label="Zoom in" onClick={() => zoomCentre(zoomStep)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomCentre(1 / zoomStep)}>
          −
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <button type="button" aria-label="Rotate left" onClick={() => setImageRotation(name, turnImage(rotation, -90))}>
          ⟲
        </button>
        <button type="button" aria-label="Rotate right" onClick={() => setImageRotation(name, turnImage(rotation, 90))}>
          ⟳
        </button>
        <span className="image-zoom" aria-live="polite">
          {Math.round(transform.scale * 100)}%
        </span>
        <label className="image-filter">
          Brightness
          <input type="range" min={-100} max={100} value={brightness} onChange={(event) => setBrightness(Number(event.target.value))} />
        </label>
        <label className="image-filter">
          Contrast
          <input type="range" min={-100} max={100} value={contrast} onChange={(event) => setContrast(Number(event.target.value))} />
        </label>
      </div>
      <div
        ref={containerRef}
        className="image-stage"
        data-scale={transform.scale}
        data-offset-x={transform.x}
        data-offset-y={transform.y}
        data-natural-width={size?.width}
        data-natural-height={size?.height}
        data-rotation={rotation}
        style={{ height: viewportHeight, cursor: tool === "pan" ? "grab" : "crosshair" }}
      >
        {failed && <p className="notice">The image at {src} could not be loaded.</p>}
        {image && size && width > 0 && (
          <Stage
            ref={stageRef}
            width={width}
            height={viewportHeight}
            scaleX={transform.scale}
            scaleY={transform.scale}
            x={transform.x + originX * transform.scale}
            y={transform.y + originY * transform.scale}
            rotation={rotation}
            draggable={tool === "pan"}
            onDragEnd={(event) => {
              if (event.target !== stageRef.current) return;
              const x = event.target.x() - originX * transform.scale;
              const y = event.target.y() - originY * transform.scale;
              setTransform((current) => ({ ...current, x, y }));
            }}
            onWheel={onWheel}
            onMouseDown={onMouseDown}
            onMouseMove={onMouseMove}
            onMouseUp={onMouseUp}
            onMouseLeave={() => strokeRef.current && endStroke()}
            onClick={(event) => {
              if (tool !== "pan" || event.target.name() === "region" || event.target.name() === "vertex") return;
              const point = pointer();
              selectRegion((point && brushAt(point)?.id) ?? null);
            }}
            onDblClick={() => {
              if (draft?.shape === "polygon" && draft.points.length >= 3) {
                addRegion("polygon", { shape: "polygon", points: pointsToPercent(draft.points, size), closed: true });
                setDraft(null);
              }
            }}
          >
            <Layer>
              <KonvaImage
                ref={imageRef}
                image={image}
                width={size.width}
                height={size.height}
                name="image"
                filters={brightness === 0 && contrast === 0 ? [] : [Konva.Filters.Brighten, Konva.Filters.Contrast]}
                brightness={brightness / 100}
                contrast={contrast}
              />
              {regions.map((region) =>
                hiddenIds.has(region.id) || region.id === stroke?.regionId ? null : (
                  <RegionShape
                    key={region.id}
                    region={region}
                    size={size}
                    color={colorOf(region)}
                    selected={region.id === selectedRegionId}
                    editable={!readOnly && !lockedIds.has(region.id)}
                    // Only keypoints and polygon handles size themselves by the zoom, so
                    // other shapes skip re-rendering while zooming.
                    scale={region.geometry.shape === "keypoint" || region.geometry.shape === "polygon" ? transform.scale : 1}
                    onSelect={selectRegion}
                    onChange={onChange}
                  />
                ),
              )}
              {stroke && (
                <KonvaImage ref={strokeImageRef} image={stroke.canvas} width={size.width} height={size.height} opacity={0.75} listening={false} />
              )}
              {relations.map((relation) => (
                <Arrow
                  key={relation.id}
                  name="relation"
                  points={relation.points}
                  stroke="#222222"
                  fill="#222222"
                  strokeWidth={2}
                  strokeScaleEnabled={false}
                  pointerLength={10 / transform.scale}
                  pointerWidth={8 / transform.scale}
                  pointerAtBeginning={relation.direction !== "right"}
                  pointerAtEnding={relation.direction !== "left"}
                  listening={false}
                />
              ))}
              {draft?.shape === "rectangle" && (
                <Rect {...rectFromDrag(draft.start, draft.end)} stroke={fallbackColor} strokeWidth={1} strokeScaleEnabled={false} dash={[4, 4]} listening={false} />
              )}
              {draft?.shape === "ellipse" && (
                <Ellipse
                  x={draft.start[0]}
                  y={draft.start[1]}
                  radiusX={Math.abs(draft.end[0] - draft.start[0])}
                  radiusY={Math.abs(draft.end[1] - draft.start[1])}
                  stroke={fallbackColor}
                  strokeWidth={1}
                  strokeScaleEnabled={false}
                  dash={[4, 4]}
                  listening={false}
                />
              )}
              {draft?.shape === "polygon" && (
                <Line
                  points={[...draft.points, ...(draft.cursor ? [draft.cursor] : [])].flat()}
                  stroke={fallbackColor}
                  strokeWidth={1}
                  strokeScaleEnabled={false}
                  dash={[4, 4]}
                  listening={false}
                />
              )}
              <Transformer ref={transformerRef} rotateEnabled ignoreStroke keepRatio={false} flipEnabled={false} />
            </Layer>
          </Stage>
        )}
      </div>
      {selectedOcr && (
        <label className="control textarea">
          <span>Recognized text of the selected box</span>
          <textarea
            rows={2}
            readOnly={readOnly || lockedIds.has(selectedOcr.id)}
            value={selectedOcr.ocrText ?? ""}
            onChange={(event) => dispatch({ type: "image-region-changed", region: { ...selectedOcr, ocrText: event.target.value } })}
          />
        </label>
      )}
    </div>
  );
}
