// Dashboards in the browser against a real server fed by the `langfuse` npm
// SDK: a default dashboard's figures move while it is open as new traces
// arrive over the WebSocket hub (no reload, no polling), and a dashboard
// built in the UI keeps its widgets and their arrangement across a reload.
//
// The SDK comes from tests/clients (npm ci there, as make test does).
// Screens go to TALLY_SCREENSHOT_DIR when it is set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const clientsDir = resolve(webDir, "../tests/clients");
const skip = existsSync(join(clientsDir, "node_modules/langfuse/package.json"))
  ? false
  : "the langfuse SDK is missing: run npm ci in tests/clients";
if (skip && process.env.CI === "true") throw new Error(skip);
const require = createRequire(join(clientsDir, "package.json"));
const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;

let tally;
let browser;
let page;
let langfuse;

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  const { Langfuse } = require("langfuse");
  langfuse = new Langfuse({
    publicKey: tally.keys.publicKey,
    secretKey: tally.keys.secretKey,
    baseUrl: tally.baseUrl,
    flushAt: 100,
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));

  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");
});

after(async () => {
  await langfuse?.shutdownAsync();
  await browser?.close();
  await tally?.stop();
});

// Records `count` checkout traces, each with one generation, through the SDK.
async function sendCheckoutTraces(count) {
  for (let i = 0; i < count; i++) {
    const trace = langfuse.trace({ name: "checkout", userId: `shopper-${i}`, tags: ["e2e"] });
    trace.generation({ name: "answer", model: "gpt-4o-mini", usage: { input: 20, output: 5 } }).end();
  }
  await langfuse.flushAsync();
}

// The figures table of one widget, as rows of cell texts. The table sits in
// a closed <details>, so it is read from the DOM rather than from the screen.
async function widgetRows(name) {
  return page.locator(`section.widget[aria-label="${name}"] table tbody tr`).evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent.trim())),
  );
}

// Polls `read` until `check` accepts its value; fails with the last value.
async function waitFor(read, check, description, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let value;
  while (Date.now() < deadline) {
    value = await read();
    if (check(value)) return value;
    await page.waitForTimeout(100);
  }
  assert.fail(`${description}; last seen: ${JSON.stringify(value)}`);
}

async function layoutOf(name) {
  return page.locator(`section.widget[aria-label="${name}"]`).getAttribute("data-layout");
}

test("widget figures follow new traces live", { skip, timeout: 90_000 }, async () => {
  await sendCheckoutTraces(2);

  await page.goto(`${tally.baseUrl}/projects/${tally.keys.projectId}/dashboards`);
  await page.getByRole("link", { name: "Trace volume" }).click();
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
  await waitFor(() => widgetRows("Traces by name"), (rows) => rows.some((row) => row[0] === "checkout" && row[1] === "2"),
    "the dashboard shows the two traces sent before it opened");

  // A value set on the window survives only if the page does not reload.
  await page.evaluate(() => {
    window.dashboardMarker = "still here";
  });
  await sendCheckoutTraces(3);
  await waitFor(() => widgetRows("Traces by name"), (rows) => rows.some((row) => row[0] === "checkout" && row[1] === "5"),
    "the bar widget counts five checkout traces without a reload");
  const seriesRows = await widgetRows("Traces");
  const total = seriesRows.reduce((sum, row) => sum + Number(row[1]), 0);
  assert.equal(total, 5, `the time series counts five traces in its buckets: ${JSON.stringify(seriesRows)}`);
  assert.equal(await page.evaluate(() => window.dashboardMarker), "still here");

  if (screenshotDir) {
    await page.screenshot({ path: join(screenshotDir, "guide-dashboards-live.png") });
    await page.getByLabel("Theme").selectOption("dark");
    await page.locator('html[data-theme="dark"]').waitFor({ state: "attached" });
    await page.screenshot({ path: join(screenshotDir, "guide-dashboards-dark.png") });
    await page.getByLabel("Theme").selectOption("light");
  }
});

test("built widgets and their arrangement persist", { skip, timeout: 90_000 }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${tally.keys.projectId}/dashboards`);
  await page.getByLabel("Name").fill("Model usage");
  await page.getByRole("button", { name: "Create dashboard" }).click();
  await page.waitForURL(/\/dashboards\/[^/]+\?edit=1$/);
  const dashboardId = new URL(page.url()).pathname.split("/").pop();

  // A bar chart of generations per model.
  await page.getByRole("button", { name: "Add widget" }).click();
  const dialog = page.getByRole("dialog", { name: "Add widget" });
  await dialog.getByLabel("Name", { exact: true }).fill("Generations per model");
  await dialog.getByLabel("Chart").selectOption("bar");
  await dialog.getByLabel("View").selectOption("observations");
  await dialog.getByLabel("Measure").selectOption("count");
  await dialog.getByLabel("Aggregation").selectOption("count");
  await dialog.getByLabel("Group by").selectOption("providedModelName");
  await dialog.getByRole("button", { name: "Add widget" }).click();
  await waitFor(() => widgetRows("Generations per model"), (rows) => rows.length === 1 && rows[0][0] === "gpt-4o-mini",
    "the new bar widget groups generations by model");
  assert.deepEqual((await widgetRows("Generations per model"))[0], ["gpt-4o-mini", "5"]);

  // A single number: traces with a filter on the trace name.
  await page.getByRole("button", { name: "Add widget" }).click();
  await dialog.getByLabel("Name", { exact: true }).fill("Checkout traces");
  await dialog.getByLabel("Chart").selectOption("number");
  await dialog.getByLabel("View").selectOption("traces");
  await dialog.getByRole("button", { name: "Add filter" }).click();
  await dialog.getByLabel("Column").selectOption("name");
  await dialog.getByLabel("Operator").selectOption("=");
  await dialog.getByLabel("Value").fill("checkout");
  await dialog.getByRole("button", { name: "Add widget" }).click();
  const number = page.locator('section.widget[aria-label="Checkout traces"] [data-testid="widget-number"]');
  await waitFor(() => number.textContent(), (text) => text === "5", "the number widget counts the checkout traces");

  assert.equal(await layoutOf("Generations per model"), "0,0,6,4");
  assert.equal(await layoutOf("Checkout traces"), "0,4,3,2");

  // Keyboard: the number swaps above the chart, then grows two columns.
  await page.getByRole("button", { name: "Move Checkout traces", exact: true }).focus();
  await page.keyboard.press("ArrowUp");
  await waitFor(() => layoutOf("Checkout traces"), (layout) => layout === "0,0,3,2", "ArrowUp moves the number up");
  assert.equal(await layoutOf("Generations per model"), "0,2,6,4");
  await page.getByRole("button", { name: "Resize Checkout traces" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await waitFor(() => layoutOf("Checkout traces"), (layout) => layout === "0,0,5,2", "ArrowRight widens the number");

  // Pointer: drag the chart six columns right, beside the number.
  const handle = page.getByRole("button", { name: "Move Generations per model", exact: true });
  const box = await handle.boundingBox();
  const gridWidth = (await page.locator(".widget-grid").boundingBox()).width;
  const step = (gridWidth - 11 * 12) / 12 + 12;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(box.x + box.width / 2 + i * step, box.y + box.height / 2);
  await page.mouse.up();
  await waitFor(() => layoutOf("Generations per model"), (layout) => layout === "6,0,6,4",
    "dragging moves the chart to the right half, up beside the number");

  const expected = { "Checkout traces": { x: 0, y: 0, w: 5, h: 2 }, "Generations per model": { x: 6, y: 0, w: 6, h: 4 } };
  const stored = await waitFor(
    () => tally.api(`/api/dashboards/${dashboardId}`),
    (dashboard) => dashboard.widgets.every((widget) => JSON.stringify(widget.layout) === JSON.stringify(expected[widget.name])),
    "the server stores the final layout",
  );
  assert.equal(stored.widgets.length, 2);
  const bar = stored.widgets.find((widget) => widget.name === "Generations per model");
  assert.equal(bar.type, "bar");
  assert.deepEqual(bar.query.dimensions, [{ field: "providedModelName" }]);
  assert.deepEqual(bar.query.metrics, [{ measure: "count", aggregation: "count" }]);

  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "guide-dashboards-editing.png") });

  await page.reload();
  await page.locator('section.widget[aria-label="Checkout traces"]').waitFor();
  assert.equal(await layoutOf("Checkout traces"), "0,0,5,2");
  assert.equal(await layoutOf("Generations per model"), "6,0,6,4");
  await waitFor(() => number.textContent(), (text) => text === "5", "the number survives the reload");
});
