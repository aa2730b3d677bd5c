// The webhook form's text fields turned into the API's values, and the
// delivery log's wording.
import type { Delivery } from "../api/webhooks";

// Parses one "Name: value" header per line. Blank lines are skipped. Returns
// the headers, or a message naming the line to fix. The server checks the
// names and values again (reserved names, control characters, sizes).
export function parseHeaders(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { error: `Header line ${index + 1} needs the form "Name: value".` };
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      return { error: `Header line ${index + 1}: a name may contain only letters, digits, - and _.` };
    }
    if (name in headers) return { error: `Header line ${index + 1}: ${name} is given twice.` };
    headers[name] = line.slice(colon + 1).trim();
  }
  return { headers };
}

export function formatHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");
}

// Describes how a delivery attempt ended: "200 in 12.5 ms" or the error.
export function deliveryOutcome(delivery: Delivery): { ok: boolean; text: string } {
  const latency = delivery.latency_ms === null ? "" : ` in ${delivery.latency_ms.toFixed(1)} ms`;
  if (delivery.status_code === null) {
    return { ok: false, text: `No response${latency}${delivery.error ? `: ${delivery.error}` : ""}` };
  }
  const ok = delivery.status_code >= 200 && delivery.status_code < 300;
  return { ok, text: `${delivery.status_code}${latency}${!ok && delivery.error ? `: ${delivery.error}` : ""}` };
}
