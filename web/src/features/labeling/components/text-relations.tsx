// Relation arrows between spans on Text, HyperText and Paragraphs, drawn as
// an SVG layer over the editor. Each end is the first highlighted run of
// its span (the element carrying the region's id in data-region-ids), so
// arrows follow the text as it wraps. Relations with an image or audio
// region at either end are drawn by those objects or only listed.
import { useLayoutEffect, useRef, useState, type RefObject } from "react";
import type { Relation } from "../lib/results";
import "./document-objects.css";

interface Arrow {
  id: string;
  path: string;
  direction: Relation["direction"];
  label: string;
  labelX: number;
  labelY: number;
}

const spanContainers = ".text-object, .hypertext-object, .paragraphs";

function runOf(root: HTMLElement, regionId: string): HTMLElement | null {
  for (const container of Array.from(root.querySelectorAll(spanContainers))) {
    const run = container.querySelector<HTMLElement>(`[data-region-ids~="${CSS.escape(regionId)}"]`);
    if (run) return run;
  }
  return null;
}

function arrowsFor(root: HTMLElement, relations: Relation[]): Arrow[] {
  const origin = root.getBoundingClientRect();
  const arrows: Arrow[] = [];
  for (const relation of relations) {
    const from = runOf(root, relation.fromId)?.getBoundingClientRect();
    const to = runOf(root, relation.toId)?.getBoundingClientRect();
    if (!from || !to) continue;
    const x1 = from.left + from.width / 2 - origin.left;
    const y1 = from.top - origin.top;
    const x2 = to.left + to.width / 2 - origin.left;
    const y2 = to.top - origin.top;
    // A bow above both ends, higher for ends further apart.
    const lift = Math.min(60, 16 + Math.abs(x2 - x1) / 8);
    const top = Math.min(y1, y2) - lift;
    arrows.push({
      id: relation.id,
      path: `M ${x1} ${y1} C ${x1} ${top}, ${x2} ${top}, ${x2} ${y2}`,
      direction: relation.direction,
      label: relation.labels.join(", "),
      labelX: (x1 + x2) / 2,
      labelY: top + lift / 4,
    });
  }
  return arrows;
}

export function TextRelations({ root, relations }: { root: RefObject<HTMLElement | null>; relations: Relation[] }) {
  const [arrows, setArrows] = useState<Arrow[]>([]);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const last = useRef("");

  // Runs after every render, because any change of the text layout moves the ends.
  useLayoutEffect(() => {
    const element = root.current;
    if (!element) return;
    const next = relations.length > 0 ? arrowsFor(element, relations) : [];
    const key = JSON.stringify([next, element.scrollWidth, element.scrollHeight]);
    if (key === last.current) return;
    last.current = key;
    setArrows(next);
    setSize({ width: element.scrollWidth, height: element.scrollHeight });
  });

  useLayoutEffect(() => {
    const element = root.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      last.current = "";
      setSize({ width: element.scrollWidth, height: element.scrollHeight });
      setArrows(relations.length > 0 ? arrowsFor(element, relations) : []);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [root, relations]);

  if (arrows.length === 0) return null;
  return (
    <svg className="text-relations" width={size.width} height={size.height} aria-hidden="true">
      <defs>
        <marker id="text-relation-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" />
        </marker>
      </defs>
      {arrows.map((arrow) => (
        <g key={arrow.id} data-relation-id={arrow.id}>
          <path
            d={arrow.path}
            markerEnd={arrow.direction !== "left" ? "url(#text-relation-head)" : undefined}
            markerStart={arrow.direction !== "right" ? "url(#text-relation-head)" : undefined}
          />
          {arrow.label && (
            <text x={arrow.labelX} y={arrow.labelY} textAnchor="middle">
              {arrow.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
