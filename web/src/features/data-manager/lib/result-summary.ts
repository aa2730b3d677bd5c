// One readable line per result item, for previews: the control, then its
// value ("sentiment: Positive", "label: Person “Ada” [0–3]").
export function summarizeResult(result: unknown[]): string[] {
  return result.map((raw) => {
    if (typeof raw !== "object" || raw === null) return "(unreadable item)";
    const item = raw as { from_name?: unknown; type?: unknown; value?: Record<string, unknown> };
    const name = typeof item.from_name === "string" ? item.from_name : String(item.type ?? "item");
    const value = item.value ?? {};
    const parts: string[] = [];
    for (const key of ["labels", "choices", "taxonomy", "rectanglelabels"]) {
      if (Array.isArray(value[key])) parts.push((value[key] as unknown[]).map((v) => (Array.isArray(v) ? v.join(" / ") : String(v))).join(", "));
    }
    if (typeof value.text === "string") parts.push(`“${value.text}”`);
    else if (Array.isArray(value.text)) parts.push((value.text as unknown[]).map((t) => `“${String(t)}”`).join(", "));
    if (typeof value.start === "number" && typeof value.end === "number") parts.push(`[${value.start}–${value.end}]`);
    for (const key of ["rating", "number", "datetime"]) if (value[key] !== undefined) parts.push(String(value[key]));
    return `${name}: ${parts.length > 0 ? parts.join(" ") : JSON.stringify(value)}`;
  });
}
