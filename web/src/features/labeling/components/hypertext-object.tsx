// A HyperText object: the task's HTML shown as a page, with label spans
// stored as XPath ranges (lib/anchored-spans.ts).
//
// The HTML is sanitized first (lib/sanitize-html.ts). Highlights wrap text
// in <span> elements, which changes the XPaths of the live page, so
// positions are always computed on a pristine copy of the sanitized HTML
// and carried over to the live page as offsets in the text content, which
// wrapping does not change. Keyboard: focus the page, move with the arrow
// keys and extend the selection with Shift+arrows, then choose a label.
import "./document-objects.css";
import { useLayoutEffect, useMemo, useRef } from "react";
import type { LabelOption } from "../lib/config";
import { hyperTextAnchor, hyperTextRange, textNodes } from "../lib/anchored-spans";
import { codePointLength, codePointToUtf16, spanFromSelection } from "../lib/offsets";
import type { TextRegion } from "../lib/results";
import { sanitizeHtml } from "../lib/sanitize-html";
import { moveSelectionByKey } from "./keyboard-selection";
import { offsetInContainer, type PendingSpan } from "./text-object";

interface Highlight {
  id: string;
  start: number; // code points of the text content
  end: number;
  color: string;
  label: string;
}

// Wraps the covered text of `root` in one <span> per run of equal cover.
function applyHighlights(root: HTMLElement, highlights: Highlight[], selectedId: string | null) {
  if (highlights.length === 0) return;
  const cuts = new Set<number>();
  for (const highlight of highlights) {
    cuts.add(highlight.start);
    cuts.add(highlight.end);
  }
  let before = 0;
  for (const node of textNodes(root)) {
    const length = codePointLength(node.data);
    const inside = [...cuts].filter((cut) => cut > before && cut < before + length).sort((a, b) => a - b);
    // Split from the end so earlier offsets stay valid.
    const pieces: Text[] = [node];
    for (const cut of inside.reverse()) pieces.splice(1, 0, pieces[0].splitText(codePointToUtf16(pieces[0].data, cut - before)));
    let pieceStart = before;
    for (const piece of pieces) {
      const pieceEnd = pieceStart + codePointLength(piece.data);
      const covering = highlights.filter((h) => h.start <= pieceStart && h.end >= pieceEnd && pieceEnd > pieceStart);
      if (covering.length > 0) {
        const top = covering[covering.length - 1];
        const wrapper = root.ownerDocument.createElement("span");
        wrapper.className = `region-run${covering.some((h) => h.id === selectedId) ? " region-selected" : ""}`;
        wrapper.style.backgroundColor = `${top.color}55`;
        wrapper.style.borderBottomColor = top.color;
        wrapper.dataset.regionIds = covering.map((h) => h.id).join(" ");
        wrapper.title = covering.map((h) => h.label).join(" | ");
        const ending = covering.filter((h) => h.end === pieceEnd);
        if (ending.length > 0) wrapper.dataset.label = ending.map((h) => h.label).join(" | ");
        piece.parentNode!.replaceChild(wrapper, piece);
        wrapper.appendChild(piece);
      }
      pieceStart = pieceEnd;
    }
    before += length;
  }
}

export function HyperTextObject({
  name,
  html,
  regions,
  colors,
  selectedRegionId,
  onSpanSelected,
  onRegionClick,
}: {
  name: string;
  html: string;
  regions: TextRegion[];
  colors: Map<string, LabelOption>;
  selectedRegionId: string | null;
  onSpanSelected: (span: PendingSpan | null) => void;
  onRegionClick: (id: string) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const clean = useMemo(() => sanitizeHtml(html), [html]);
  const pristine = useMemo(() => {
    const element = document.createElement("div");
    element.innerHTML = clean;
    return element;
  }, [clean]);

  const highlights = useMemo(() => {
    const list: Highlight[] = [];
    for (const region of regions) {
      if (region.anchor?.kind !== "hypertext") continue;
      const range = hyperTextRange(pristine, region.anchor);
      if (!range) continue; // the XPaths do not fit this HTML: the region stays listed, unhighlighted
      const color = colors.get(region.labels[0] ?? "")?.background ?? "#888888";
      list.push({ id: region.id, ...range, color, label: region.labels.join(", ") });
    }
    return list;
  }, [pristine, regions, colors]);
  const latest = useRef(highlights);
  latest.current = highlights;
  // Rebuilding the page drops the user's selection, so it happens only when
  // the highlights change, not on every render.
  const highlightKey = `${JSON.stringify(highlights)} ${selectedRegionId}`;

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    element.innerHTML = clean;
    applyHighlights(element, latest.current, selectedRegionId);
  }, [clean, highlightKey]);

  function readSelection() {
    const element = container.current;
    const selection = window.getSelection();
    if (!element || !selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const start = offsetInContainer(element, range.startContainer, range.startOffset);
    const end = offsetInContainer(element, range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    const span = spanFromSelection(element.textContent ?? "", start, end);
    const anchor = span ? hyperTextAnchor(pristine, span.start, span.end) : null;
    onSpanSelected(span && anchor ? { toName: name, ...span, anchor } : null);
  }

  return (
    <div
      ref={container}
      className="hypertext-object"
      data-name={name}
      tabIndex={0}
      role="document"
      aria-label={`HyperText ${name}: select a span, then choose a label`}
      onMouseUp={readSelection}
      onKeyDown={(event) => moveSelectionByKey(event, container.current, readSelection)}
      onClick={(event) => {
        const target = event.target as HTMLElement;
        // Links are not followed while labeling, as with clickableLinks="false".
        if (target.closest("a")) event.preventDefault();
        const run = target.closest<HTMLElement>("[data-region-ids]");
        const selection = window.getSelection();
        if (run && (!selection || selection.isCollapsed)) onRegionClick(run.dataset.regionIds!.split(" ").pop()!);
      }}
    />
  );
}
