// HyperText with valueType="url": the task's value is the address of the
// HTML. The browser fetches it, so task URLs on this server (/data/upload,
// /data/local-files and storage proxy URLs, which the task API has already
// resolved) send the session cookie, and an external URL needs CORS from
// its server. The fetched page is sanitized as inline HTML is.
import { useEffect, useState, type ReactNode } from "react";
import { resolveRelativeUrls } from "../lib/sanitize-html";

type Fetched = { state: "loading" } | { state: "loaded"; html: string } | { state: "failed"; message: string };

function useFetchedHtml(url: string): Fetched {
  const [fetched, setFetched] = useState<Fetched>({ state: "loading" });
  useEffect(() => {
    if (url.trim() === "") {
      setFetched({ state: "failed", message: "The HyperText value is empty, but valueType=\"url\" expects the URL of an HTML page." });
      return;
    }
    setFetched({ state: "loading" });
    const controller = new AbortController();
    const address = new URL(url, document.baseURI).href;
    fetch(address, { signal: controller.signal, credentials: "same-origin" })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the server returned status ${response.status}`);
        setFetched({ state: "loaded", html: resolveRelativeUrls(await response.text(), response.url || address) });
      })
      .catch((error: Error) => {
        if (error.name === "AbortError") return;
        // A blocked cross-origin request fails without a status.
        const reason = error.message === "Failed to fetch" ? "the request failed (is the server reachable, and does it allow CORS?)" : error.message;
        setFetched({ state: "failed", message: `Loading the HTML at ${url} failed: ${reason}.` });
      });
    return () => controller.abort();
  }, [url]);
  return fetched;
}

export function HyperTextUrl({ name, url, children }: { name: string; url: string; children: (html: string) => ReactNode }) {
  const fetched = useFetchedHtml(url);
  if (fetched.state === "loading") {
    return (
      <p className="muted" role="status" data-name={name}>
        Loading the page for {name}…
      </p>
    );
  }
  if (fetched.state === "failed") {
    return (
      <p className="form-error" role="alert" data-name={name}>
        {fetched.message}
      </p>
    );
  }
  return children(fetched.html);
}
