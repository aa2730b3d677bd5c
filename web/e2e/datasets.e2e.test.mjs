// The dataset screens in Chromium against a real server. A dataset, its
// items and two runs come from the `langfuse` SDK (item.link on real
// generations, scores on their traces). The runs show side by side with
// their scores, latency and deltas against the chosen baseline, a built-in
// evaluator scores a run from the page, and items are added from traces,
// from labeled tasks and by hand, and archived.
//
// The SDK comes from demo/'s npm packages (`make demo`, which `make test`
// runs); without them the suite skips, except on CI. Screens go to
// TALLY_SCREENSHOT_DIR when it is set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { signIn } from "./support/sign-in.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const demoDir = resolve(webDir, "../demo");
const skip = existsSync(join(demoDir, "node_modules/langfuse/package.json"))
  ? false
  : "the langfuse SDK is missing from demo/node_modules (run make demo)";
if (skip && process.env.CI === "true") throw new Error(skip);
const require = createRequire(join(demoDir, "package.json"));

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

const dataset = "capitals";
const capitals = { fr: "Paris", it: "Rome", es: "Madrid" };
// What each run returned, and how long its generation took in seconds.
const runs = {
  "gpt-baseline": { answers: { fr: "Paris", it: "Rome", es: "Madrid" }, seconds: 2 },
  "small-model": { answers: { fr: "Paris", it: "Milan", es: "Madrid" }, seconds: 1 },
};

let tally;
let browser;
let page;
let langfuse;
const traceIds = [];

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  const { Langfuse } = require("langfuse");
  langfuse = new Langfuse({ publicKey: tally.keys.publicKey, secretKey: tally.keys.secretKey, baseUrl: tally.baseUrl });

  await langfuse.createDataset({ name: dataset, description: "European capitals" });
  for (const [country, capital] of Object.entries(capitals)) {
    await langfuse.createDatasetItem({ datasetName: dataset, id: `capital-${country}`, input: { country }, expectedOutput: capital });
  }
  const items = (await langfuse.getDataset(dataset)).items;
  const start = new Date(Date.now() - 60_000);
  for (const [runName, run] of Object.entries(runs)) {
    for (const item of items) {
      const answer = run.answers[item.input.country];
      const trace = langfuse.trace({ name: "capital", input: item.input, output: answer });
      // Both times in one event, because the SDK's end() stamps the current time.
      const generation = trace.generation({
        name: "llm",
        input: item.input,
        output: answer,
        model: runName,
        startTime: start,
        endTime: new Date(start.getTime() + run.seconds * 1000),
      });
      langfuse.score({ traceId: trace.id, name: "correct", value: answer === item.expectedOutput ? 1 : 0 });
      await item.link(generation, runName, { description: `answers from ${runName}` });
      traceIds.push(trace.id);
    }
  }
  await langfuse.flushAsync();

  browser = await launchBrowser();
  page = await signIn(browser, tally, { width: 1360, height: 900 });
});

after(async () => {
  await langfuse?.shutdownAsync();
  await browser?.close();
  await tally?.stop();
});

// The cells of the aggregate row of one run, by column header.
async function aggregateRow(runName) {
  const table = page.getByRole("table", { name: "Run aggregates" });
  const headers = await table.locator("thead th").allTextContents();
  const row = table.locator("tbody tr", { has: page.getByRole("rowheader", { name: new RegExp(`^${runName}`) }) });
  const cells = await row.locator("th, td").allTextContents();
  return Object.fromEntries(headers.map((header, index) => [header, cells[index]]));
}

test("run comparison shows scores and deltas", { skip }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${tally.keys.projectId}/datasets`);
  await page.getByRole("link", { name: dataset }).click();
  const items = page.getByRole("table", { name: "Dataset items" });
  await items.getByText("capital-fr").waitFor();
  assert.equal(await items.locator("tbody tr").count(), 3);

  await page.getByRole("button", { name: "Runs" }).click();
  await page.getByRole("checkbox", { name: "gpt-baseline" }).waitFor();
  assert.ok(await page.getByRole("checkbox", { name: "small-model" }).isChecked());
  await page.getByRole("combobox", { name: "Baseline run" }).selectOption("gpt-baseline");
  await page.getByRole("rowheader", { name: /^gpt-baseline baseline/ }).waitFor();

  const baseline = await aggregateRow("gpt-baseline");
  assert.equal(baseline.Items, "3");
  assert.equal(baseline["Latency mean"], "2.00 s");
  assert.equal(baseline.correct, "1");
  const candidate = await aggregateRow("small-model");
  assert.equal(candidate["Latency mean"], "1.00 s (−1 s)");
  assert.equal(candidate.correct, "0.667 (−0.333)");
  await page.locator(".delta-better").first().waitFor();
  await page.locator(".delta-worse").first().waitFor();

  // The Italian row shows the wrong answer with its score and the per-item delta.
  const comparison = page.getByRole("table", { name: "Run comparison" });
  const italy = comparison.locator("tbody tr", { hasText: '{"country":"it"}' });
  const headers = await comparison.locator("thead th").allTextContents();
  const cells = italy.locator("td");
  const cellOf = (runName) => cells.nth(headers.indexOf(runName)).innerText();
  assert.match(await cellOf("gpt-baseline"), /Rome[\s\S]*correct: 1/);
  assert.match(await cellOf("small-model"), /Milan[\s\S]*1\.00 s \(−1 s\)[\s\S]*correct: 0 \(−1\)/);
  await screenshot("datasets-runs.png");
});

test("built-in evaluator scores a run", { skip }, async () => {
  const form = page.getByRole("form", { name: "Score a run with a built-in evaluator" });
  await form.getByLabel("Run").selectOption("small-model");
  await form.getByLabel("Evaluator").selectOption("exact_match");
  await form.getByLabel("Score name").fill("exact");
  await form.getByRole("button", { name: "Score run" }).click();
  await form.getByText("Scored 3 items.").waitFor();

  await page.getByRole("table", { name: "Run aggregates" }).getByRole("columnheader", { name: "exact" }).waitFor();
  const candidate = await aggregateRow("small-model");
  assert.equal(candidate.exact, "0.667");
});

test("items from traces, by hand and archived", { skip }, async () => {
  await page.getByRole("button", { name: "Items" }).click();
  await page.getByText("Add items from traces or labeled tasks").click();
  await page.getByLabel("Trace ids (separated by spaces, commas or lines)").fill(traceIds[0]);
  await page.getByRole("button", { name: "Add from traces" }).click();
  await page.getByText("1 items added, 0 refreshed.").waitFor();
  const items = page.getByRole("table", { name: "Dataset items" });
  await items.getByText(`trace ${traceIds[0]}`).waitFor();

  await page.getByRole("button", { name: "New item" }).click();
  const dialog = page.getByRole("dialog", { name: "New item" });
  await dialog.getByLabel("Input (JSON or text)").fill('{"country": "pt"}');
  await dialog.getByLabel("Expected output (JSON or text)").fill("Lisbon");
  await dialog.getByLabel("Metadata (JSON object)").fill("[1]");
  await dialog.getByRole("button", { name: "Save item" }).click();
  await dialog.getByText("Metadata must be a JSON object").waitFor();
  await dialog.getByLabel("Metadata (JSON object)").fill('{"added": "by hand"}');
  await dialog.getByRole("button", { name: "Save item" }).click();
  const lisbon = items.locator("tbody tr", { hasText: "Lisbon" });
  await lisbon.waitFor();
  assert.equal(await items.locator("tbody tr").count(), 5);

  await lisbon.getByRole("button", { name: "Archive" }).click();
  await lisbon.waitFor({ state: "detached" });
  const stored = await langfuse.getDataset(dataset);
  assert.equal(stored.items.length, 4, "the archived item is no longer served to the SDK");
});

test("items from labeled tasks", { skip }, async () => {
  const config = '<View><Text name="text" value="$text"/><Choices name="capital" toName="text"><Choice value="yes"/><Choice value="no"/></Choices></View>';
  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({ title: "capital checks", label_config: config }),
  });
  await tally.api(`/api/projects/${project.id}/import`, {
    method: "POST",
    body: JSON.stringify([{ text: "Berlin is the capital of Germany." }, { text: "Sydney is the capital of Australia." }]),
  });
  const { tasks } = await tally.api(`/api/tasks?project=${project.id}`);
  const labeled = tasks.find((task) => task.data.text.startsWith("Berlin"));
  const result = [{ from_name: "capital", to_name: "text", type: "choices", value: { choices: ["yes"] } }];
  await tally.api(`/api/tasks/${labeled.id}/annotations`, { method: "POST", body: JSON.stringify({ result }) });

  // A reload lists the labeling project made above.
  await page.reload();
  await page.getByText("Add items from traces or labeled tasks").click();
  await page.getByRole("option", { name: "capital checks" }).waitFor({ state: "attached" });
  await page.getByLabel("Labeling project").selectOption({ label: "capital checks" });
  await page.getByRole("button", { name: "Add from labeled tasks" }).click();
  await page.getByText("1 items added, 0 refreshed, 1 tasks without a submitted annotation skipped.").waitFor();
  const items = page.getByRole("table", { name: "Dataset items" });
  const berlin = items.locator("tbody tr", { hasText: "Berlin is the capital of Germany." });
  await berlin.waitFor();
  assert.match(await berlin.locator("td").nth(2).innerText(), /"choices":\["yes"\]/);
});

async function screenshot(file) {
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, file), fullPage: true });
}
