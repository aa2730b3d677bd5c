// A Text object: the task's string, with label regions drawn over it.
//
// The string is rendered verbatim as text nodes (white-space: pre-wrap), one
// <span> per run between region boundaries, so the DOM's text is exactly the
// stored text and a selection's position is the length of the text before
// it (Range.toString). Labels appear through CSS ::after, which adds no text
// nodes. Keyboard: focus the text, move with the arrow keys and extend the
// selection with Shift+arrows, then press a label's hotkey.
import { useMemo, useRef } from "react";
import type { LabelOption } from "../lib/config";
import { codePointToUtf16, spanFromSelection } from "../lib/offsets";
import type { SpanAnchor } from "../lib/anchored-spans";
import type { TextRegion } from "../lib/results";
import { moveSelectionByKey } from "./keyboard-selection";

export interface PendingSpan {
  toName: string;
  start: number;
  end: number;
  text: string;
  anchor?: SpanAnchor; // the stored position of a HyperText or Paragraphs span
}

interface Run {
  from: number; // UTF-16
  to: number;
  regions: TextRegion[];
}

function runsOf(text: string, regions: TextRegion[]): Run[] {
  const ranges = regions.map((region) => ({
    region,
    from: codePointToUtf16(text, region.start),
    to: codePointToUtf16(text, region.end),
  }));
  const cuts = new Set<number>([0, text.length]);
  for (const range of ranges) {
    cuts.add(range.from);
    cuts.add(range.to);
  }
  const sorted = [...cuts].filter((cut) => cut >= 0 && cut <= text.length).sort((a, b) => a - b);
  const runs: Run[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i];
    const to = sorted[i + 1];
    runs.push({ from, to, regions: ranges.filter((r) => r.from <= from && r.to >= to).map((r) => r.region) });
  }
  return runs;
}

// UTF-16 offset of a DOM point inside `container`, or null when outside it.
export function offsetInContainer(container: HTMLElement, node: Node, offset: number): number | null {
  if (!container.contains(node)) return null;
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

export function TextObject({
  name,
  text,
  regions,
  colors,
  selectedRegionId,
  onSpanSelected,
  onRegionClick,
}: {
  name: string;
  text: string;
  regions: TextRegion[];
  colors: Map<string, LabelOption>;
  selectedRegionId: string | null;
  onSpanSelected: (span: PendingSpan | null) => void;
  onRegionClick: (id: string) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const runs = useMemo(() => runsOf(text, regions), [text, regions]);

  function readSelection() {
    const element = container.current;
    const selection = window.getSelection();
    if (!element || !selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const start = offsetInContainer(element, range.startContainer, range.startOffset);
    const end = offsetInContainer(element, range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    const span = spanFromSelection(text, start, end);
    onSpanSelected(span ? { toName: name, ...span } : null);
  }

  const lastRunOf = new Map<string, number>();
  runs.forEach((run, index) => run.regions.forEach((region) => lastRunOf.set(region.id, index)));

  return (
    <div
      ref={container}
      className="text-object"
      data-name={name}
      tabIndex={0}
      role="document"
      aria-label={`Text ${name}: select a span, then choose a label`}
      onMouseUp={readSelection}
      onKeyUp={(event) => event.shiftKey && readSelection()}
      onKeyDown={(event) => moveSelectionByKey(event, container.current, readSelection)}
    >
      {runs.map((run, index) => {
        if (run.regions.length === 0) return <span key={run.from}>{text.slice(run.from, run.to)}</span>;
        const top = run.regions[run.regions.length - 1];
        const color = colors.get(top.labels[0] ?? "")?.background ?? "#888888";
        const ending = run.regions.filter((region) => lastRunOf.get(region.id) === index);
        const selected = run.regions.some((region) => region.id === selectedRegionId);
        return (
          <span
            key={run.from}
            className={`region-run${selected ? " region-selected" : ""}${run.regions.length > 1 ? " region-overlap" : ""}`}
            style={{ backgroundColor: `${color}55`, borderBottomColor: color }}
            data-region-ids={run.regions.map((region) => region.id).join(" ")}
            data-label={ending.map((region) => region.labels.join(", ")).join(" | ") || undefined}
            title={run.regions.map((region) => region.labels.join(", ")).join(" | ")}
            onClick={() => {
              const selection = window.getSelection();
              if (selection && !selection.isCollapsed) return;
              onRegionClick(top.id);
            }}
          >
            {text.slice(run.from, run.to)}
          </span>
        );
      })}
    </div>
  );
}
