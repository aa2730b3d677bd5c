import { describe, expect, it } from "vitest";
import { offsetOf, parseConfigDiagnostic } from "./config-diagnostics";

describe("parseConfigDiagnostic", () => {
  it("reads the position the server puts first", () => {
    expect(parseConfigDiagnostic('3:19: error: toName="x" names no tag (hint: use "t")')).toEqual({
      line: 3,
      column: 19,
      severity: "error",
      message: 'toName="x" names no tag (hint: use "t")',
    });
    expect(parseConfigDiagnostic("1:1: warning: unknown attribute").severity).toBe("warning");
  });

  it("keeps messages without a position whole", () => {
    expect(parseConfigDiagnostic("This field is required.")).toEqual({
      line: null,
      column: null,
      severity: "error",
      message: "This field is required.",
    });
  });
});

describe("offsetOf", () => {
  const doc = "<View>\n  <Text/>\n</View>";
  it("maps lines and columns to offsets", () => {
    expect(offsetOf(doc, 1, 1)).toBe(0);
    expect(offsetOf(doc, 2, 3)).toBe(9);
    expect(doc.slice(offsetOf(doc, 3, 1))).toBe("</View>");
  });
  it("clamps past the end of a line or the document", () => {
    expect(offsetOf(doc, 2, 99)).toBe(doc.indexOf("\n", 7));
    expect(offsetOf(doc, 9, 1)).toBe(doc.length);
  });
});
