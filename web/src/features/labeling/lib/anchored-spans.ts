// Spans on HyperText and Paragraphs, stored as Label Studio stores them.
//
// HyperTextLabels: {"start": "/p[2]/text()[1]", "end": "/p[3]/text()[1]",
// "startOffset": 4, "endOffset": 9, "globalOffsets": {"start", "end"},
// "text", "hypertextlabels": [...]}. The XPaths lead from the HyperText's
// root element to a text node, offsets count inside that node, and
// globalOffsets count in the root's whole text content.
// ParagraphLabels: {"start": 0, "end": 2, "startOffset": 4, "endOffset": 17,
// "text", "paragraphlabels": [...]}: paragraph indexes into the data list
// and offsets inside the first and last paragraph's text.
//
// All offsets here are Unicode code points, like Text spans.
// NOTE: Label Studio's browser editor takes these offsets from DOM ranges,
// which count UTF-16 units, so the two differ for characters outside the
// Basic Multilingual Plane (most emoji).
//
// The editor keeps these spans as TextRegions whose `anchor` is the
// stored position, so selection, labels, relations and undo treat them like
// Text spans. Their `start` and `end` only order the region list.
import { codePointLength, utf16ToCodePoint } from "./offsets";
import type { ResultItem, TextRegion } from "./results";

export interface HyperTextAnchor {
  kind: "hypertext";
  startXPath: string;
  endXPath: string;
  startOffset: number;
  endOffset: number;
  globalStart?: number; // absent when a stored item has no globalOffsets
  globalEnd?: number;
}

export interface ParagraphAnchor {
  kind: "paragraphs";
  startParagraph: number;
  endParagraph: number;
  startOffset: number;
  endOffset: number;
}

export type SpanAnchor = HyperTextAnchor | ParagraphAnchor;

// The stored position of an anchored span: what its result item's value
// contains besides text and labels, and what a per-region TextArea repeats.
export function anchorPosition(anchor: SpanAnchor): Record<string, unknown> {
  if (anchor.kind === "paragraphs") {
    return { start: anchor.startParagraph, end: anchor.endParagraph, startOffset: anchor.startOffset, endOffset: anchor.endOffset };
  }
  const position: Record<string, unknown> = {
    start: anchor.startXPath,
    end: anchor.endXPath,
    startOffset: anchor.startOffset,
    endOffset: anchor.endOffset,
  };
  if (anchor.globalStart !== undefined && anchor.globalEnd !== undefined) {
    position.globalOffsets = { start: anchor.globalStart, end: anchor.globalEnd };
  }
  return position;
}

// The result item of a region with an anchor; `resultType` is the control's
// type ("hypertextlabels", "paragraphlabels" or "labels").
export function anchoredSpanResult(region: TextRegion, anchor: SpanAnchor, resultType: string, origin: string): ResultItem {
  const value = { ...anchorPosition(anchor), text: region.text, [resultType]: region.labels };
  return { id: region.id, from_name: region.fromName, to_name: region.toName, type: resultType, origin, value };
}

function integer(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  // Label Studio accepts paragraph indexes written as numeric strings.
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return null;
}

// The editor region of a stored HyperText or Paragraphs span, or null when
// the item has neither shape. Labels come from the item's `type` key, or
// "labels" for a Labels control on those objects.
export function readAnchoredSpan(item: ResultItem): TextRegion | null {
  const value = item.value ?? {};
  const labelsRaw = value[item.type] ?? value.labels;
  const labels = Array.isArray(labelsRaw) ? labelsRaw.filter((l): l is string => typeof l === "string") : [];
  const startOffset = integer(value.startOffset);
  const endOffset = integer(value.endOffset);
  if (startOffset === null || endOffset === null) return null;
  const text = typeof value.text === "string" ? value.text : "";

  const base = { id: item.id, fromName: item.from_name, toName: item.to_name, text, labels };
  const startParagraph = integer(value.start);
  const endParagraph = integer(value.end);
  // An XPath is never all digits, so integer bounds mean paragraph indexes.
  const paragraphs = startParagraph !== null && endParagraph !== null && item.type !== "hypertextlabels";
  if (!paragraphs && typeof value.start === "string" && typeof value.end === "string") {
    const global = value.globalOffsets as { start?: unknown; end?: unknown } | undefined;
    const globalStart = integer(global?.start);
    const globalEnd = integer(global?.end);
    const anchor: HyperTextAnchor = { kind: "hypertext", startXPath: value.start, endXPath: value.end, startOffset, endOffset };
    if (globalStart !== null && globalEnd !== null) {
      anchor.globalStart = globalStart;
      anchor.globalEnd = globalEnd;
    }
    return { ...base, start: globalStart ?? 0, end: globalEnd ?? 0, anchor };
  }

  if (startParagraph === null || endParagraph === null) return null;
  return {
    ...base,
    start: startParagraph,
    end: endParagraph,
    anchor: { kind: "paragraphs", startParagraph, endParagraph, startOffset, endOffset },
  };
}

// ---- HyperText: XPaths and offsets over a DOM tree ----

// The text nodes under `root` in document order.
export function textNodes(root: Node): Text[] {
  const nodes: Text[] = [];
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  return nodes;
}

// XPath of `node` from `root`, as Label Studio writes it: each step is the
// lower-case tag name and its 1-based position among same-named siblings,
// and a text node ends the path with text()[n].
export function xpathOf(root: Node, node: Node): string {
  const steps: string[] = [];
  for (let current: Node | null = node; current && current !== root; current = current.parentNode) {
    const isText = current.nodeType === Node.TEXT_NODE;
    const name = isText ? "text()" : current.nodeName.toLowerCase();
    let position = 1;
    for (let sibling = current.previousSibling; sibling; sibling = sibling.previousSibling) {
      if (isText ? sibling.nodeType === Node.TEXT_NODE : sibling.nodeName.toLowerCase() === name) position++;
    }
    steps.unshift(`${name}[${position}]`);
  }
  return `/${steps.join("/")}`;
}

// The node an XPath from xpathOf leads to, or null.
export function nodeAtXPath(root: Node, xpath: string): Node | null {
  let current: Node = root;
  for (const step of xpath.split("/").filter(Boolean)) {
    const match = /^(.+?)\[(\d+)\]$/.exec(step) ?? [step, step, "1"];
    const name = match[1].toLowerCase();
    let position = Number(match[2]);
    let found: Node | null = null;
    for (let child = current.firstChild; child; child = child.nextSibling) {
      const matches = name === "text()" ? child.nodeType === Node.TEXT_NODE : child.nodeName.toLowerCase() === name;
      if (matches && --position === 0) {
        found = child;
        break;
      }
    }
    if (!found) return null;
    current = found;
  }
  return current;
}

// The HyperText anchor of the code-point range [start, end) of the text
// content of `root`, or null for an empty range or one outside the text.
export function hyperTextAnchor(root: Node, start: number, end: number): HyperTextAnchor | null {
  if (end <= start) return null;
  const nodes = textNodes(root);
  let before = 0; // code points before the current node
  let startPoint: { node: Text; offset: number } | null = null;
  let endPoint: { node: Text; offset: number } | null = null;
  for (const node of nodes) {
    const length = codePointLength(node.data);
    // A start at a node's end belongs to the next node, an end at a node's start to the previous one.
    if (!startPoint && start < before + length) startPoint = { node, offset: start - before };
    if (!endPoint && end <= before + length && end > before) endPoint = { node, offset: end - before };
    before += length;
  }
  if (!startPoint || !endPoint) return null;
  return {
    kind: "hypertext",
    startXPath: xpathOf(root, startPoint.node),
    endXPath: xpathOf(root, endPoint.node),
    startOffset: startPoint.offset,
    endOffset: endPoint.offset,
    globalStart: start,
    globalEnd: end,
  };
}

// The code-point range in the text content of `root` that an anchor
// covers, or null when its XPaths lead nowhere in this document.
export function hyperTextRange(root: Node, anchor: HyperTextAnchor): { start: number; end: number } | null {
  const startNode = nodeAtXPath(root, anchor.startXPath);
  const endNode = nodeAtXPath(root, anchor.endXPath);
  if (!startNode || !endNode) return null;
  let before = 0;
  let start: number | null = null;
  let end: number | null = null;
  for (const node of textNodes(root)) {
    if (node === startNode) start = before + anchor.startOffset;
    if (node === endNode) end = before + anchor.endOffset;
    before += codePointLength(node.data);
  }
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

// Code-point offset of a DOM point inside `root`'s text content.
export function codePointOffset(root: Node, node: Node, offset: number): number | null {
  if (!root.contains(node)) return null;
  const range = root.ownerDocument!.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  const prefix = range.toString();
  return utf16ToCodePoint(prefix, prefix.length);
}
