// Checks of the ML backend edit form before it is sent. The server checks
// the same fields again (and the URL against its outbound address guard),
// and its field errors are shown the same way.
import { ApiError } from "../../../api/client";

export type MlBackendEdit = { url: string; title: string; timeout: string };
export type MlBackendEditErrors = Partial<Record<keyof MlBackendEdit, string>>;

// The server's limits: a URL of at most 2048 characters, a title of 1 to
// 500 characters.
const MAX_URL_LENGTH = 2048;
const MAX_TITLE_LENGTH = 500;

export function checkMlBackendEdit(edit: MlBackendEdit): MlBackendEditErrors {
  const errors: MlBackendEditErrors = {};

  const url = edit.url.trim();
  if (url === "") {
    errors.url = "Enter the backend's URL.";
  } else if (url.length > MAX_URL_LENGTH) {
    errors.url = `The URL is ${url.length} characters long; the limit is ${MAX_URL_LENGTH}.`;
  } else {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      errors.url = "Enter an http:// or https:// URL, such as http://ml-backend:9090.";
    }
  }

  const title = edit.title.trim();
  if (title === "") errors.title = "Enter a title.";
  else if (title.length > MAX_TITLE_LENGTH) {
    errors.title = `The title is ${title.length} characters long; the limit is ${MAX_TITLE_LENGTH}.`;
  }

  const timeout = edit.timeout.trim();
  if (timeout !== "" && !(/^\d+(\.\d+)?$/.test(timeout) && Number(timeout) > 0)) {
    errors.timeout = "Enter the timeout in seconds as a positive number, or leave it empty.";
  }
  return errors;
}

// Returns the server's messages for the form's fields from a failed save,
// so a rejected URL shows under the URL box.
export function serverEditErrors(error: unknown): MlBackendEditErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: MlBackendEditErrors = {};
  for (const field of ["url", "title", "timeout"] as const) {
    const messages = error.fieldErrors[field];
    if (messages && messages.length > 0) errors[field] = messages.join(" ");
  }
  return errors;
}
