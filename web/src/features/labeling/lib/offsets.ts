// Text offsets as Label Studio stores them: positions in Unicode code points
// of the task's stored string, end exclusive, with every character counted
// (a CRLF is two). The browser works in UTF-16 code units and users select
// whole graphemes, so the editor converts at this one boundary:
//
//   DOM selection (UTF-16) --snapToGraphemes--> UTF-16 range
//       --utf16ToCodePoint--> stored {start, end}
//   stored {start, end} --codePointToUtf16--> highlight range in the DOM
//
// Snapping to grapheme clusters keeps an emoji ZWJ sequence, a flag, a base
// letter with its combining marks and a CRLF pair whole, so a span never
// starts or ends inside something the user sees as one character.

// Number of code points in `text`.
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// Code point index of UTF-16 index `index` (clamped to the text). An index
// inside a surrogate pair counts the pair as already passed.
export function utf16ToCodePoint(text: string, index: number): number {
  const end = Math.max(0, Math.min(index, text.length));
  return codePointLength(text.slice(0, end));
}

// UTF-16 index of code point index `codePoint` (clamped to the text).
export function codePointToUtf16(text: string, codePoint: number): number {
  let units = 0;
  let points = 0;
  while (units < text.length && points < codePoint) {
    const unit = text.charCodeAt(units);
    const pair =
      unit >= 0xd800 && unit <= 0xdbff && units + 1 < text.length &&
      text.charCodeAt(units + 1) >= 0xdc00 && text.charCodeAt(units + 1) <= 0xdfff;
    units += pair ? 2 : 1;
    points++;
  }
  return units;
}

// The code points [start, end) of `text`, as Label Studio's value.text.
export function sliceCodePoints(text: string, start: number, end: number): string {
  return text.slice(codePointToUtf16(text, start), codePointToUtf16(text, end));
}

let segmenter: Intl.Segmenter | null = null;

// UTF-16 indices where grapheme clusters start, plus text.length.
export function graphemeBoundaries(text: string): number[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const boundaries: number[] = [];
  for (const segment of segmenter.segment(text)) boundaries.push(segment.index);
  boundaries.push(text.length);
  return boundaries;
}

// Widens a UTF-16 range to whole grapheme clusters: start moves back to the
// start of its cluster, end forward to the end of its cluster. An empty
// range stays empty (at the snapped start).
export function snapToGraphemes(text: string, start: number, end: number): { start: number; end: number } {
  const lo = Math.max(0, Math.min(start, end, text.length));
  const hi = Math.max(0, Math.min(Math.max(start, end), text.length));
  const boundaries = graphemeBoundaries(text);
  let snappedStart = 0;
  for (const boundary of boundaries) {
    if (boundary <= lo) snappedStart = boundary;
    else break;
  }
  if (hi === lo) return { start: snappedStart, end: snappedStart };
  let snappedEnd = text.length;
  for (const boundary of boundaries) {
    if (boundary >= hi) {
      snappedEnd = boundary;
      break;
    }
  }
  return { start: snappedStart, end: snappedEnd };
}

// A selection over `text` given in UTF-16 indices, as the stored span:
// snapped to graphemes, in code points, with the covered text. Null when
// the snapped selection is empty.
export function spanFromSelection(
  text: string,
  utf16Start: number,
  utf16End: number,
): { start: number; end: number; text: string } | null {
  const snapped = snapToGraphemes(text, utf16Start, utf16End);
  if (snapped.end <= snapped.start) return null;
  return {
    start: utf16ToCodePoint(text, snapped.start),
    end: utf16ToCodePoint(text, snapped.end),
    text: text.slice(snapped.start, snapped.end),
  };
}
