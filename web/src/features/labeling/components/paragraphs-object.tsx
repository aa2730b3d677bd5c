// A Paragraphs object: a list of {author, text} records (the keys come from
// nameKey and textKey), shown as a dialogue or as plain paragraphs. With
// ParagraphLabels (or Labels) on it, a selection becomes a span stored as
// paragraph indexes and offsets inside the first and last paragraph's text
// (lib/anchored-spans.ts). A selection is widened to whole graphemes. From
// the keyboard, focus the dialogue and extend the selection with
// Shift+arrows.
import { useRef } from "react";
import type { LabelOption } from "../lib/config";
import { codePointToUtf16, snapToGraphemes, utf16ToCodePoint } from "../lib/offsets";
import type { TextRegion } from "../lib/results";
import { moveSelectionByKey } from "./keyboard-selection";
import { offsetInContainer, type PendingSpan } from "./text-object";

export interface Paragraph {
  author: string | null;
  text: string;
}

// The paragraphs of a Paragraphs value: a list of records. Anything else
// gives none.
export function paragraphsOf(value: unknown, nameKey: string, textKey: string): Paragraph[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry) => {
    const record = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
    const author = record[nameKey];
    const text = record[textKey];
    return { author: author === undefined || author === null ? null : String(author), text: typeof text === "string" ? text : String(text ?? "") };
  });
}

// The span a selection from (paragraph, UTF-16 offset) to (paragraph, UTF-16
// offset) covers, widened to graphemes, or null when it is empty.
export function paragraphSpan(
  paragraphs: Paragraph[],
  startIndex: number,
  startUtf16: number,
  endIndex: number,
  endUtf16: number,
): Omit<PendingSpan, "toName"> | null {
  if (startIndex > endIndex || (startIndex === endIndex && startUtf16 >= endUtf16)) return null;
  const first = paragraphs[startIndex].text;
  const last = paragraphs[endIndex].text;
  const start = snapToGraphemes(first, startUtf16, startUtf16).start;
  const end = snapToGraphemes(last, Math.max(0, endUtf16 - 1), endUtf16).end;
  if (startIndex === endIndex && end <= start) return null;
  const parts =
    startIndex === endIndex
      ? [first.slice(start, end)]
      : [first.slice(start), ...paragraphs.slice(startIndex + 1, endIndex).map((p) => p.text), last.slice(0, end)];
  const startOffset = utf16ToCodePoint(first, start);
  const endOffset = utf16ToCodePoint(last, end);
  return {
    start: startIndex,
    end: endIndex,
    // NOTE: the text of a span over several paragraphs joins them with a
    // line feed; Label Studio's own joiner may differ.
    text: parts.join("\n"),
    anchor: { kind: "paragraphs", startParagraph: startIndex, endParagraph: endIndex, startOffset, endOffset },
  };
}

interface Cover {
  region: TextRegion;
  from: number; // UTF-16 in the paragraph's text
  to: number;
}

function coversOf(index: number, text: string, regions: TextRegion[]): Cover[] {
  const covers: Cover[] = [];
  for (const region of regions) {
    const anchor = region.anchor;
    if (anchor?.kind !== "paragraphs" || index < anchor.startParagraph || index > anchor.endParagraph) continue;
    const from = index === anchor.startParagraph ? codePointToUtf16(text, anchor.startOffset) : 0;
    const to = index === anchor.endParagraph ? codePointToUtf16(text, anchor.endOffset) : text.length;
    if (to > from) covers.push({ region, from, to });
  }
  return covers;
}

function ParagraphText({
  text,
  covers,
  colors,
  selectedRegionId,
  onRegionClick,
}: {
  text: string;
  covers: Cover[];
  colors: Map<string, LabelOption>;
  selectedRegionId: string | null;
  onRegionClick: (id: string) => void;
}) {
  const cuts = [...new Set([0, text.length, ...covers.flatMap((c) => [c.from, c.to])])].sort((a, b) => a - b);
  const runs = cuts.slice(0, -1).map((from, i) => ({ from, to: cuts[i + 1], covers: covers.filter((c) => c.from <= from && c.to >= cuts[i + 1]) }));
  return (
    <>
      {runs.map((run) => {
        const piece = text.slice(run.from, run.to);
        if (run.covers.length === 0) return <span key={run.from}>{piece}</span>;
        const top = run.covers[run.covers.length - 1].region;
        const color = colors.get(top.labels[0] ?? "")?.background ?? "#888888";
        const ending = run.covers.filter((c) => c.to === run.to && c.region.anchor?.kind === "paragraphs");
        return (
          <span
            key={run.from}
            className={`region-run${run.covers.some((c) => c.region.id === selectedRegionId) ? " region-selected" : ""}`}
            style={{ backgroundColor: `${color}55`, borderBottomColor: color }}
            data-region-ids={run.covers.map((c) => c.region.id).join(" ")}
            data-label={ending.map((c) => c.region.labels.join(", ")).join(" | ") || undefined}
            title={run.covers.map((c) => c.region.labels.join(", ")).join(" | ")}
            onClick={() => {
              const selection = window.getSelection();
              if (selection && !selection.isCollapsed) return;
              onRegionClick(top.id);
            }}
          >
            {piece}
          </span>
        );
      })}
    </>
  );
}

export function ParagraphsObject({
  name,
  paragraphs,
  dialogue,
  regions,
  colors,
  selectedRegionId,
  onSpanSelected,
  onRegionClick,
}: {
  name: string;
  paragraphs: Paragraph[];
  dialogue: boolean;
  regions: TextRegion[];
  colors: Map<string, LabelOption>;
  selectedRegionId: string | null;
  onSpanSelected?: (span: PendingSpan | null) => void; // absent: display only
  onRegionClick: (id: string) => void;
}) {
  const container = useRef<HTMLDivElement>(null);

  // The paragraph index and UTF-16 offset of a DOM point in a paragraph's text.
  function pointOf(node: Node, offset: number): { index: number; offset: number } | null {
    const element = (node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement)?.closest<HTMLElement>("[data-paragraph]");
    if (!element || !container.current?.contains(element)) return null;
    const inside = offsetInContainer(element, node, offset);
    return inside === null ? null : { index: Number(element.dataset.paragraph), offset: inside };
  }

  function readSelection() {
    if (!onSpanSelected) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const start = pointOf(range.startContainer, range.startOffset);
    const end = pointOf(range.endContainer, range.endOffset);
    if (!start || !end) return;
    const span = paragraphSpan(paragraphs, start.index, start.offset, end.index, end.offset);
    onSpanSelected(span ? { toName: name, ...span } : null);
  }

  return (
    <div
      ref={container}
      className={dialogue ? "paragraphs paragraphs-dialogue" : "paragraphs"}
      aria-label={`Paragraphs ${name}`}
      data-name={name}
      tabIndex={onSpanSelected ? 0 : undefined}
      onMouseUp={readSelection}
      onKeyDown={(event) => moveSelectionByKey(event, container.current, readSelection, container.current?.querySelector("[data-paragraph]"))}
    >
      {paragraphs.map((paragraph, index) => (
        <p key={index} className="paragraph">
          {paragraph.author !== null && <strong className="paragraph-author">{paragraph.author}: </strong>}
          <span className="paragraph-text" data-paragraph={index}>
            <ParagraphText
              text={paragraph.text}
              covers={coversOf(index, paragraph.text, regions)}
              colors={colors}
              selectedRegionId={selectedRegionId}
              onRegionClick={onRegionClick}
            />
          </span>
        </p>
      ))}
    </div>
  );
}
