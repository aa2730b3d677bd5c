// HyperText with valueType="url" against a real HTTP server on loopback:
// the page is fetched, its relative URLs point at its own server, and it
// is sanitized as inline HTML is.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { parseLabelConfig } from "../lib/config";
import { LabelingEditor } from "./labeling-editor";

let server: Server;
let origin = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === "/pages/article.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(
        `<html><head><style>body { display: none }</style></head><body>` +
          `<h1 onclick="steal()">Quarterly report</h1><script>steal()</script>` +
          `<p>Revenue grew <a href="details.html">see details</a>.</p><img src="chart.png" alt="chart"></body></html>`,
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(cleanup);

const config = `<View>
  <HyperText name="page" value="$url" valueType="url"/>
  <HyperTextLabels name="labels" toName="page"><Label value="Money"/></HyperTextLabels>
</View>`;

function renderPage(url: string) {
  const parsed = parseLabelConfig(config);
  if (!parsed.ok) throw new Error(parsed.message);
  return render(<LabelingEditor config={parsed.config} data={{ url }} />);
}

describe("HyperTextUrl", () => {
  it("reads valueType from the config", () => {
    const parsed = parseLabelConfig(config);
    expect(parsed.ok).toBe(true);
    const root = parsed.ok ? parsed.config.root : undefined;
    expect(root?.kind).toBe("view");
    expect(root?.kind === "view" ? root.children[0] : undefined).toMatchObject({
      kind: "hypertext",
      valueType: "url",
      valueKey: "url",
    });
  });

  it("shows the fetched page sanitized", async () => {
    const view = renderPage(`${origin}/pages/article.html`);
    await waitFor(() => expect(screen.getByText("Quarterly report")).toBeTruthy());
    const page = view.container.querySelector<HTMLElement>(".hypertext-object")!;
    expect(page.querySelector("script")).toBeNull();
    expect(page.querySelector("style")).toBeNull();
    expect(page.querySelector("h1")!.getAttribute("onclick")).toBeNull();
  });

  it("points relative URLs at the page's server", async () => {
    const view = renderPage(`${origin}/pages/article.html`);
    await waitFor(() => expect(screen.getByText("see details")).toBeTruthy());
    const page = view.container.querySelector<HTMLElement>(".hypertext-object")!;
    expect(page.querySelector("a")!.getAttribute("href")).toBe(`${origin}/pages/details.html`);
    expect(page.querySelector("img")!.getAttribute("src")).toBe(`${origin}/pages/chart.png`);
  });

  it("names the URL and status when the fetch fails", async () => {
    renderPage(`${origin}/pages/missing.html`);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(`${origin}/pages/missing.html`);
    expect(alert.textContent).toContain("status 404");
  });

  it("rejects an empty value", async () => {
    renderPage("");
    expect((await screen.findByRole("alert")).textContent).toContain('valueType="url"');
  });
});
