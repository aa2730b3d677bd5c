import { describe, expect, it } from "vitest";
import {
  codePointLength,
  codePointToUtf16,
  sliceCodePoints,
  snapToGraphemes,
  spanFromSelection,
  utf16ToCodePoint,
} from "./offsets";

// Python's len() and slicing work in code points, as Label Studio's stored
// offsets do; Array.from splits by code point too, so it is the oracle here.
const points = (text: string) => Array.from(text);

describe("code point conversion", () => {
  const cases: Array<[string, string]> = [
    ["ascii", "Ada Lovelace"],
    ["emoji", "hi 😀 there"],
    ["zwj family", "a 👨‍👩‍👧‍👦 b"],
    ["flag", "🇫🇷 Paris"],
    ["cjk", "東京は日本の首都です"],
    ["cjk extension B", "𠀋𠀍 text"],
    ["combining marks", "cafe\u0301 and n\u0303"],
    ["crlf", "line one\r\nline two\r\n"],
  ];
  it.each(cases)("round-trips every code point index of %s", (_name, text) => {
    expect(codePointLength(text)).toBe(points(text).length);
    for (let cp = 0; cp <= points(text).length; cp++) {
      const unit = codePointToUtf16(text, cp);
      expect(utf16ToCodePoint(text, unit)).toBe(cp);
      expect(text.slice(0, unit)).toBe(points(text).slice(0, cp).join(""));
    }
  });

  it("slices by code points", () => {
    expect(sliceCodePoints("hi 😀 there", 3, 4)).toBe("😀");
    expect(sliceCodePoints("a 👨‍👩‍👧‍👦 b", 2, 9)).toBe("👨‍👩‍👧‍👦");
  });

  it("clamps out-of-range indices", () => {
    expect(codePointToUtf16("ab", 10)).toBe(2);
    expect(utf16ToCodePoint("ab", -4)).toBe(0);
  });
});

describe("snapToGraphemes", () => {
  it("keeps a ZWJ sequence whole when a selection ends inside it", () => {
    const text = "a 👨‍👩‍👧‍👦 b";
    // UTF-16 index 3 is inside the first surrogate pair of the family.
    expect(snapToGraphemes(text, 2, 3)).toEqual({ start: 2, end: 2 + "👨‍👩‍👧‍👦".length });
  });

  it("keeps a letter with its combining mark", () => {
    const text = "cafe\u0301!";
    expect(snapToGraphemes(text, 3, 4)).toEqual({ start: 3, end: 5 });
    expect(snapToGraphemes(text, 4, 6)).toEqual({ start: 3, end: 6 });
  });

  it("never splits a CRLF", () => {
    const text = "one\r\ntwo";
    expect(snapToGraphemes(text, 0, 4)).toEqual({ start: 0, end: 5 });
    expect(snapToGraphemes(text, 4, 8)).toEqual({ start: 3, end: 8 });
  });

  it("orders a backwards selection", () => {
    expect(snapToGraphemes("abcdef", 4, 1)).toEqual({ start: 1, end: 4 });
  });
});

describe("spanFromSelection", () => {
  it("stores emoji spans in code points", () => {
    const text = "Hi 👋🏽 Ada 👩‍💻!";
    const from = text.indexOf("Ada");
    expect(spanFromSelection(text, from, from + 3)).toEqual({ start: 6, end: 9, text: "Ada" });
    const coder = text.indexOf("👩‍💻");
    const span = spanFromSelection(text, coder + 1, coder + 2)!;
    expect(span).toEqual({ start: 10, end: 13, text: "👩‍💻" });
    expect(points(text).slice(span.start, span.end).join("")).toBe(span.text);
  });

  it("counts both characters of CRLF before a span", () => {
    const text = "Name:\r\nGrace Hopper";
    const from = text.indexOf("Grace");
    expect(spanFromSelection(text, from, from + 5)).toEqual({ start: 7, end: 12, text: "Grace" });
  });

  it("counts CJK and supplementary ideographs one each", () => {
    const text = "𠀋東京 Tokyo";
    expect(spanFromSelection(text, 2, 4)).toEqual({ start: 1, end: 3, text: "東京" });
  });

  it("returns null for an empty selection", () => {
    expect(spanFromSelection("abc", 1, 1)).toBeNull();
  });
});
