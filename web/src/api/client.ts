// The one way the UI talks to `tally serve`.
//
// Requests are same-origin and authenticated by the session cookie the login
// endpoint sets (tally_session, HttpOnly). Writes carry the CSRF token from
// the readable tally_csrftoken cookie in X-CSRFToken, as the server requires
// for cookie-authenticated unsafe methods. Every response is parsed with a
// zod schema here, so components only ever see checked values, and every
// failure becomes an ApiError with a code that components turn into words.
//
// The Langfuse-compatible API under /api/public answers a project's key pair;
// the UI reaches it with the session instead, naming the project in the
// X-Tally-Project header (RequestOptions.project).
import { z } from "zod";

export type ApiErrorCode =
  | "network" // the server could not be reached
  | "unauthorized" // 401: not logged in or the session ended
  | "forbidden" // 403
  | "not_found" // 404
  | "invalid" // 400: the request was rejected; see fieldErrors
  | "conflict" // 409
  | "too_large" // 413
  | "unavailable" // 503 or 429
  | "server" // any other 5xx
  | "unexpected"; // the response did not have the expected shape

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly status: number,
    message: string,
    // Field name -> messages, from Label Studio's validation_errors or a
    // {"field": [messages]} body such as /api/projects/validate's.
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function codeForStatus(status: number): ApiErrorCode {
  if (status === 400 || status === 422) return "invalid";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 413) return "too_large";
  if (status === 429 || status === 503) return "unavailable";
  return status >= 500 ? "server" : "unexpected";
}

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

const fieldListSchema = z.record(z.string(), z.union([z.array(z.string()), z.string()]));

// Pulls per-field messages out of the server's error bodies.
export function fieldErrorsFrom(body: unknown): Record<string, string[]> {
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const source = "validation_errors" in record ? record.validation_errors : record;
  const parsed = fieldListSchema.safeParse(
    Object.fromEntries(Object.entries(source as object).filter(([, v]) => Array.isArray(v) || typeof v === "string")),
  );
  if (!parsed.success) return {};
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (["detail", "id", "version", "exc_info", "message", "error"].includes(key)) continue;
    out[key] = Array.isArray(value) ? value : [value];
  }
  return out;
}

function detailFrom(body: unknown, fallback: string): string {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    if (typeof record.detail === "string") return record.detail;
    if (typeof record.message === "string") return record.message;
  }
  return fallback;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  json?: unknown;
  body?: BodyInit;
  signal?: AbortSignal;
  // The project a /api/public request acts on, sent as X-Tally-Project.
  project?: number | string;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  if (options.project !== undefined) headers["X-Tally-Project"] = String(options.project);
  if (method !== "GET") {
    const csrf = readCookie("tally_csrftoken");
    if (csrf) headers["X-CSRFToken"] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: "same-origin", signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("network", 0, "The server could not be reached.");
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    const code = codeForStatus(response.status);
    if (code === "unauthorized") window.dispatchEvent(new Event("tally:unauthorized"));
    throw new ApiError(code, response.status, detailFrom(parsed, response.statusText), fieldErrorsFrom(parsed));
  }
  return response;
}

// Sends a request and parses its JSON response with `schema`.
export async function apiJson<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError("unexpected", response.status, `The response from ${path} did not have the expected shape.`);
  }
  return parsed.data;
}

// Sends a request whose response body is not needed (204 and the like).
export async function apiSend(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

// Returns a sentence that names what failed and what to do, chosen by the
// error code. Server text appears only in validation messages.
export function describeError(error: unknown, action: string): string {
  if (!(error instanceof ApiError)) return `Could not ${action}: something unexpected went wrong. Reload the page.`;
  switch (error.code) {
    case "network":
      return `Could not ${action}: the server is not reachable. Check that tally serve is running, then retry.`;
    case "unauthorized":
      return `Could not ${action}: your session has ended. Log in again.`;
    case "forbidden":
      return `Could not ${action}: your role does not allow it. Ask a project manager or owner.`;
    case "not_found":
      return `Could not ${action}: it no longer exists. It may have been deleted.`;
    case "invalid": {
      const fields = Object.entries(error.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(" ")}`);
      return `Could not ${action}: ${fields.length > 0 ? fields.join("; ") : error.message}`;
    }
    case "conflict":
      return `Could not ${action}: it conflicts with existing data. ${error.message}`;
    case "too_large":
      return `Could not ${action}: the upload is too large. Split it into smaller files.`;
    case "unavailable":
      return `Could not ${action}: the server is busy. Wait a moment and retry.`;
    case "server":
      return `Could not ${action}: the server failed. Retry; if it keeps failing, check the server log.`;
    case "unexpected":
      return `Could not ${action}: the server answered in an unexpected shape. Make sure the UI and server versions match.`;
  }
}
