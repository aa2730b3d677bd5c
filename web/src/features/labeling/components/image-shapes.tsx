// One image region drawn with Konva, in natural image pixels, and its
// edits: drag to move, the transformer to resize and rotate (wired up by
// the image object), and a polygon's points.
import { memo, useMemo, useState } from "react";
import type Konva from "konva";
import { Circle, Ellipse, Group, Image as KonvaImage, Line, Rect } from "react-konva";
import { rleToMask } from "../lib/brush";
import {
  clampPoint,
  ellipseToPercent,
  ellipseToPixels,
  nearestEdgeInsertIndex,
  pointsToPercent,
  pointsToPixels,
  rectToPercent,
  rectToPixels,
  xToPercent,
  xToPixels,
  yToPercent,
  yToPixels,
  type ImageSize,
  type Point,
} from "../lib/geometry";
import type { ImageGeometry, ImageRegion } from "../lib/image-regions";

interface ShapeProps {
  region: ImageRegion;
  size: ImageSize;
  color: string;
  selected: boolean;
  editable: boolean;
  scale: number;
  onSelect: (id: string) => void;
  onChange: (region: ImageRegion) => void;
}

// One region; memoized so panning and zooming a stage of many regions does
// not re-render the unchanged ones.
export const RegionShape = memo(function RegionShape({ region, size, color, selected, editable, scale, onSelect, onChange }: ShapeProps) {
  const geometry = region.geometry;
  // Screen pixels: strokeScaleEnabled is off, so zooming keeps outlines thin.
  const stroke = selected ? 3 : 1.5;
  const common = {
    id: region.id,
    name: "region",
    stroke: color,
    strokeWidth: stroke,
    strokeScaleEnabled: false,
    perfectDrawEnabled: false,
    draggable: selected && editable,
    onMouseDown: (event: Konva.KonvaEventObject<MouseEvent>) => {
      event.cancelBubble = true;
      onSelect(region.id);
    },
  };
  const update = (next: ImageGeometry) => onChange({ ...region, geometry: next });

  switch (geometry.shape) {
    case "rectangle": {
      const rect = rectToPixels(geometry, size);
      return (
        <Rect
          {...common}
          x={rect.x}
          y={rect.y}
          width={rect.width}
          height={rect.height}
          rotation={rect.rotation}
          fill={`${color}33`}
          onDragEnd={(event) => update({ shape: "rectangle", ...rectToPercent({ ...rect, x: event.target.x(), y: event.target.y() }, size) })}
          onTransformEnd={(event) => {
            const node = event.target;
            const next = { x: node.x(), y: node.y(), width: node.width() * node.scaleX(), height: node.height() * node.scaleY(), rotation: node.rotation() };
            node.scaleX(1);
            node.scaleY(1);
            update({ shape: "rectangle", ...rectToPercent(next, size) });
          }}
        />
      );
    }
    case "ellipse": {
      const ellipse = ellipseToPixels(geometry, size);
      return (
        <Ellipse
          {...common}
          x={ellipse.x}
          y={ellipse.y}
          radiusX={ellipse.radiusX}
          radiusY={ellipse.radiusY}
          rotation={ellipse.rotation}
          fill={`${color}33`}
          onDragEnd={(event) => update({ shape: "ellipse", ...ellipseToPercent({ ...ellipse, x: event.target.x(), y: event.target.y() }, size) })}
          onTransformEnd={(event) => {
            const node = event.target as Konva.Ellipse;
            const next = {
              x: node.x(),
              y: node.y(),
              radiusX: node.radiusX() * node.scaleX(),
              radiusY: node.radiusY() * node.scaleY(),
              rotation: node.rotation(),
            };
            node.scaleX(1);
            node.scaleY(1);
            update({ shape: "ellipse", ...ellipseToPercent(next, size) });
          }}
        />
      );
    }
    case "keypoint": {
      const radius = Math.max(xToPixels(geometry.width, size), 4 / scale);
      return (
        <Circle
          {...common}
          x={xToPixels(geometry.x, size)}
          y={yToPixels(geometry.y, size)}
          radius={radius}
          fill={color}
          onDragEnd={(event) =>
            update({ shape: "keypoint", width: geometry.width, x: xToPercent(event.target.x(), size), y: yToPercent(event.target.y(), size) })
          }
        />
      );
    }
    case "polygon":
      return <PolygonShape {...{ region, size, color, selected, editable, scale, onSelect, onChange }} common={common} />;
    case "brush": {
      // Not listening: presses on a mask go to the image, so a brush stroke
      // can start over it. The image object selects a mask clicked with Pan.
      const canvas = maskCanvas(geometry.rle, size, color);
      if (!canvas) return null;
      return <KonvaImage id={region.id} name="region" image={canvas} width={size.width} height={size.height} opacity={selected ? 0.75 : 0.5} listening={false} />;
    }
  }
});

// Canvases of drawn masks by RLE array and colour. The editor replaces a
// region's RLE array on every change, so an entry is never stale, and the
// WeakMap drops it with the array.
const maskCanvases = new WeakMap<number[], Map<string, HTMLCanvasElement | null>>();

// The mask painted in the colour on a canvas of the natural image size, or
// null when the RLE does not decode to a mask of that size.
export function maskCanvas(rle: number[], size: ImageSize, color: string): HTMLCanvasElement | null {
  let byColor = maskCanvases.get(rle);
  if (!byColor) {
    byColor = new Map();
    maskCanvases.set(rle, byColor);
  }
  if (byColor.has(color)) return byColor.get(color) ?? null;
  let canvas: HTMLCanvasElement | null = null;
  try {
    canvas = paintMask(rleToMask(rle, size), size, color);
  } catch (error) {
    console.warn(`brush mask not drawn: ${(error as Error).message}`);
  }
  byColor.set(color, canvas);
  return canvas;
}

function paintMask(mask: Uint8Array, size: ImageSize, color: string): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext("2d")!;
  // Fill the whole canvas in the colour, then keep it only where the mask is set.
  context.fillStyle = color;
  context.fillRect(0, 0, size.width, size.height);
  const pixels = context.getImageData(0, 0, size.width, size.height);
  for (let i = 0; i < mask.length; i++) pixels.data[i * 4 + 3] = mask[i] === 0 ? 0 : 255;
  context.putImageData(pixels, 0, 0);
  return canvas;
}

function PolygonShape({
  region,
  size,
  color,
  selected,
  editable,
  scale,
  onChange,
  common,
}: ShapeProps & { common: Record<string, unknown> }) {
  const geometry = region.geometry as Extract<ImageGeometry, { shape: "polygon" }>;
  const stored = useMemo(() => pointsToPixels(geometry.points, size), [geometry.points, size]);
  const [live, setLive] = useState<Point[] | null>(null);
  const points = live ?? stored;
  const commit = (next: Point[]) => {
    setLive(null);
    onChange({ ...region, geometry: { ...geometry, points: pointsToPercent(next, size) } });
  };
  return (
    <Group>
      <Line
        {...common}
        points={points.flat()}
        closed={geometry.closed}
        fill={`${color}33`}
        onDragEnd={(event) => {
          const dx = event.target.x();
          const dy = event.target.y();
          event.target.position({ x: 0, y: 0 });
          commit(points.map(([x, y]) => [x + dx, y + dy]));
        }}
        onDblClick={(event) => {
          if (!selected || !editable) return;
          const pointer = event.target.getStage()?.getRelativePointerPosition();
          if (!pointer) return;
          const at = nearestEdgeInsertIndex(points, [pointer.x, pointer.y]);
          commit([...points.slice(0, at), [pointer.x, pointer.y], ...points.slice(at)]);
        }}
      />
      {selected &&
        editable &&
        points.map(([x, y], index) => (
          <Circle
            key={index}
            name="vertex"
            x={x}
            y={y}
            radius={5 / scale}
            fill="#ffffff"
            stroke={color}
            strokeWidth={1.5 / scale}
            draggable
            onMouseDown={(event) => {
              event.cancelBubble = true;
            }}
            onClick={(event) => {
              // Alt+click removes a point; a polygon keeps at least three.
              if (!event.evt.altKey || points.length <= 3) return;
              commit(points.filter((_, i) => i !== index));
            }}
            onDragMove={(event) => {
              const next = [...points];
              next[index] = [event.target.x(), event.target.y()];
              setLive(next);
            }}
            onDragEnd={(event) => {
              const next = [...points];
              next[index] = clampPoint([event.target.x(), event.target.y()], size);
              commit(next);
            }}
          />
        ))}
    </Group>
  );
}
