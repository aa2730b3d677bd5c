// JSON values shown in and read from text fields of the dataset forms.

// Compact text for table cells; strings show without quotes.
export function previewJson(value: unknown, max = 160): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function editableJson(value: unknown): string {
  if (value === undefined || value === null) return "";
  return JSON.stringify(value, null, 2);
}

// Parses a field: empty is null, valid JSON is that value, and anything
// else is taken as a plain string, so "Paris" and Paris both work.
export function parseJsonField(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}
