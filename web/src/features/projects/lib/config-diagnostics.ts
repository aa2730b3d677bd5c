// The server reports label config problems as "LINE:COLUMN: severity: text";
// the editor needs them as positions.
export interface ConfigDiagnostic {
  line: number | null; // 1-based; null when the message names no position
  column: number | null; // 1-based
  severity: "error" | "warning";
  message: string;
}

const positioned = /^(\d+):(\d+):\s*(error|warning):\s*([\s\S]*)$/;

export function parseConfigDiagnostic(text: string): ConfigDiagnostic {
  const match = positioned.exec(text.trim());
  if (!match) return { line: null, column: null, severity: "error", message: text.trim() };
  return {
    line: Number(match[1]),
    column: Number(match[2]),
    severity: match[3] === "warning" ? "warning" : "error",
    message: match[4],
  };
}

// Offset in `doc` of a 1-based line and column, clamped into the document.
export function offsetOf(doc: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = doc.indexOf("\n", offset);
    if (next < 0) return doc.length;
    offset = next + 1;
  }
  const lineEnd = doc.indexOf("\n", offset);
  const end = lineEnd < 0 ? doc.length : lineEnd;
  return Math.min(offset + Math.max(0, column - 1), end);
}
