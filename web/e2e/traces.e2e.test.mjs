// The tracing screens in Chromium against a real `tally serve`, fed by the
// real `langfuse` SDK. The tests cover live arrival in the trace table, the
// observation tree, timeline and chat view of one trace, and the score and
// latency filters. They also send a trace to labeling that comes back with
// its annotation as a score, and cover the session and score screens, a
// trace of 2,000 observations, and comments on a trace and an observation.
// Set TALLY_SCREENSHOT_DIR to keep screenshots of the screens.
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
  : "the langfuse SDK is missing: run npm ci in demo/";
if (skip && process.env.CI === "true") throw new Error(skip);
const require = createRequire(join(demoDir, "package.json"));

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
let tally;
let browser;
let page;
let langfuse;
let projectId;

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  projectId = tally.keys.projectId;
  browser = await launchBrowser();
  page = await signIn(browser, tally, { width: 1400, height: 900 });

  const { Langfuse } = require("langfuse");
  langfuse = new Langfuse({ publicKey: tally.keys.publicKey, secretKey: tally.keys.secretKey, baseUrl: tally.baseUrl });
});

after(async () => {
  await langfuse?.shutdownAsync();
  await browser?.close();
  await tally?.stop();
});

async function screenshot(name) {
  if (!screenshotDir) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

const base = Date.parse("2026-03-02T09:00:00Z");
const at = (ms) => new Date(base + ms);

// The ids of the rows the trace table shows now.
async function tableIds() {
  return page.$$eval("[role=row][data-trace-id]", (rows) => rows.map((row) => row.dataset.traceId).sort());
}

test("trace table: an SDK trace appears live without reload", { skip, timeout: 60_000 }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces`);
  await page.getByText("No traces yet").waitFor();
  await page.getByLabel("Live updates: live").waitFor();
  // A reload would drop this marker.
  await page.evaluate(() => (window.sameDocument = true));

  const trace = langfuse.trace({ id: "live-arrival", name: "live-arrival", input: "Is it live?", output: "Yes." });
  trace.span({ name: "work", startTime: new Date(), endTime: new Date(Date.now() + 5) });
  await langfuse.flushAsync();

  await page.locator('[role=row][data-trace-id="live-arrival"]').waitFor({ timeout: 5_000 });
  assert.equal(await page.evaluate(() => window.sameDocument), true, "the row arrived without a reload");
  assert.match(await page.getByTestId("trace-count").innerText(), /^1 trace/);

  // A project with traces and no tasks opens on its traces, and the project
  // list counts them.
  await page.goto(`${tally.baseUrl}/projects`);
  await page.getByRole("link", { name: "1 trace" }).waitFor();
  await page.goto(`${tally.baseUrl}/projects/${projectId}`);
  await page.waitForURL(`**/projects/${projectId}/traces`);
});

test("trace page: tree, timeline and chat show what was sent", { skip, timeout: 60_000 }, async () => {
  const trace = langfuse.trace({ id: "chat-trace", name: "support-chat", timestamp: at(0), userId: "user-7" });
  const retrieve = trace.span({ id: "retrieve", name: "retrieve", startTime: at(0), endTime: at(2000) });
  retrieve.span({ id: "rerank", name: "rerank", startTime: at(1000), endTime: at(1500) });
  trace.generation({
    id: "answer",
    name: "answer",
    model: "gpt-4o",
    modelParameters: { temperature: 0.2 },
    startTime: at(2000),
    endTime: at(4000),
    usage: { input: 120, output: 30 },
    input: [
      { role: "system", content: "You answer questions about orders." },
      {
        role: "user",
        content: [
          { type: "text", text: "Where is order 17? See the photo." },
          // An image on the server itself: the suite reaches no other host.
          { type: "image_url", image_url: { url: `${tally.baseUrl}/favicon.svg` } },
        ],
      },
    ],
    output: {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup_order", arguments: '{"order":17}' } }],
    },
  });
  await langfuse.flushAsync();

  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces/chat-trace`);
  const row = (id) => page.locator(`[role=treeitem][data-observation-id="${id}"]`);
  await row("answer").waitFor();
  assert.equal(await row("retrieve").getAttribute("aria-level"), "2");
  assert.equal(await row("rerank").getAttribute("aria-level"), "3", "rerank nests under retrieve");
  assert.equal(await row("answer").getAttribute("aria-level"), "2");

  // Bars to scale: retrieve lasts 2 s, rerank 0.5 s, starting 1 s in; the
  // whole trace spans 4 s.
  const bar = async (id) => row(id).locator(".waterfall-bar").boundingBox();
  const [retrieveBar, rerankBar, answerBar] = [await bar("retrieve"), await bar("rerank"), await bar("answer")];
  assert.ok(Math.abs(retrieveBar.width / rerankBar.width - 4) < 0.2, `2 s / 0.5 s bars: ${retrieveBar.width} / ${rerankBar.width}`);
  assert.ok(Math.abs((rerankBar.x - retrieveBar.x) / retrieveBar.width - 0.5) < 0.05, "rerank starts halfway through retrieve");
  assert.ok(Math.abs(answerBar.x - (retrieveBar.x + retrieveBar.width)) < 2, "answer starts where retrieve ends");
  assert.match(await row("answer").innerText(), /2\.00 s/);

  await row("answer").click();
  await page.waitForURL(/observation=answer/);
  const input = page.getByRole("region", { name: "Input" });
  // The observation's detail loads after the URL changes: wait for its text
  // before reading the rendered messages.
  await input.getByText("Where is order 17? See the photo.").waitFor();
  const roles = await input.locator(".trace-chat-message").evaluateAll((items) => items.map((item) => item.dataset.role));
  assert.deepEqual(roles, ["system", "user"]);
  assert.equal(await input.locator("img.trace-chat-image").getAttribute("src"), `${tally.baseUrl}/favicon.svg`);
  const output = page.getByRole("region", { name: "Output" });
  assert.equal(await output.locator(".trace-chat-message").getAttribute("data-role"), "assistant");
  await output.getByText("lookup_order").waitFor();
  await page.getByRole("region", { name: "Usage and cost" }).getByText("120").waitFor();
  await screenshot("tracing-trace");
  if (screenshotDir) {
    // The same screen in the dark theme, to check that it stays readable.
    await page.evaluate(() => localStorage.setItem("tally.theme", "dark"));
    await page.reload();
    await row("answer").waitFor();
    await screenshot("tracing-trace-dark");
    await page.evaluate(() => localStorage.removeItem("tally.theme"));
  }

  // A deep link opens the observation it names.
  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces/chat-trace?observation=rerank`);
  await page.getByRole("article", { name: "Observation rerank" }).waitFor();
  assert.equal(await row("rerank").getAttribute("aria-selected"), "true");

  // Rows are reachable from the keyboard.
  await row("retrieve").focus();
  await page.keyboard.press("Enter");
  await page.getByRole("article", { name: "Observation retrieve" }).waitFor();
});

test("trace table: score and latency filters narrow the list", { skip, timeout: 60_000 }, async () => {
  const cases = [
    { id: "fast-good", latency: 200, quality: 0.9 },
    { id: "slow-bad", latency: 3000, quality: 0.1 },
    { id: "slow-good", latency: 3000, quality: 0.8 },
  ];
  for (const { id, latency, quality } of cases) {
    const trace = langfuse.trace({ id, name: id, timestamp: at(0), tags: ["filter-case"] });
    trace.generation({ name: "call", startTime: at(0), endTime: at(latency) });
    trace.score({ name: "quality", value: quality });
  }
  await langfuse.flushAsync();

  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces`);
  await page.getByRole("button", { name: "Filters", exact: true }).click();
  const form = page.getByRole("form", { name: "Trace filters" });
  await form.getByLabel("Tags (all of)").fill("filter-case");
  await form.getByRole("button", { name: "Apply filters" }).click();
  await page.getByTestId("trace-count").filter({ hasText: /^3 traces match/ }).waitFor();
  assert.deepEqual(await tableIds(), ["fast-good", "slow-bad", "slow-good"]);

  await form.getByLabel("Latency from (s)").fill("1");
  await form.getByRole("button", { name: "Apply filters" }).click();
  await page.getByTestId("trace-count").filter({ hasText: /^2 traces match/ }).waitFor();
  assert.deepEqual(await tableIds(), ["slow-bad", "slow-good"]);

  await form.getByRole("button", { name: "Add score condition" }).click();
  await form.getByLabel("Score name").fill("quality");
  await form.getByLabel("Score comparison").selectOption(">=");
  await form.getByLabel("Score value").fill("0.5");
  await form.getByRole("button", { name: "Apply filters" }).click();
  await page.getByTestId("trace-count").filter({ hasText: /^1 trace matches/ }).waitFor();
  assert.deepEqual(await tableIds(), ["slow-good"]);
  await screenshot("tracing-filters");

  // A bad bound names its field and changes nothing.
  await form.getByLabel("Latency to (s)").fill("soon");
  await form.getByRole("button", { name: "Apply filters" }).click();
  await form.getByRole("alert").filter({ hasText: "Latency to" }).waitFor();
  assert.deepEqual(await tableIds(), ["slow-good"]);

  // Unfiltered, the table lists every trace of the suite so far.
  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces`);
  await page.locator('[role=row][data-trace-id="slow-good"]').waitFor();
  await screenshot("tracing-table");
});

test("send to labeling: the annotation shows as a score on the trace", { skip, timeout: 60_000 }, async () => {
  const trace = langfuse.trace({
    id: "review-me",
    name: "review-me",
    timestamp: at(0),
    input: "How do I reset?",
    output: "Reinstall.",
  });
  trace.span({ name: "lookup", startTime: at(0), endTime: at(10) });
  await langfuse.flushAsync();
  const labeling = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({
      title: "Reply review",
      label_config: `<View>
  <Text name="text" value="$text"/>
  <Choices name="verdict" toName="text" choice="single"><Choice value="Right"/><Choice value="Wrong"/></Choices>
</View>`,
    }),
  });

  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces/review-me`);
  await page.getByRole("article", { name: "Trace" }).getByRole("button", { name: "Send to labeling" }).click();
  const dialog = page.getByRole("dialog", { name: "Send to labeling" });
  await dialog.getByLabel("Labeling project").selectOption({ label: "Reply review" });
  await dialog.getByRole("button", { name: "Send" }).click();
  await dialog.getByText("Created 1 task.").waitFor();
  await dialog.getByRole("button", { name: "Done" }).click();

  const tasks = await tally.api(`/api/tasks?project=${labeling.id}`);
  const list = Array.isArray(tasks) ? tasks : tasks.tasks;
  assert.equal(list.length, 1);
  assert.equal(list[0].data.trace_id, "review-me");
  await tally.api(`/api/tasks/${list[0].id}/annotations`, {
    method: "POST",
    body: JSON.stringify({
      result: [{ from_name: "verdict", to_name: "text", type: "choices", value: { choices: ["Wrong"] } }],
    }),
  });

  await page.reload();
  const scoreRow = page.getByRole("region", { name: "Scores" }).locator('tr[data-score-name="verdict"]');
  await scoreRow.waitFor();
  assert.match(await scoreRow.innerText(), /Wrong\s+ANNOTATION/);
  await screenshot("tracing-annotation-score");
});

test("sessions and scores: a conversation in order and score distributions", { skip, timeout: 60_000 }, async () => {
  const turns = [
    { question: "Hi, my parcel is late.", reply: "Sorry to hear that. What is the order number?" },
    { question: "It is 4411.", reply: "Order 4411 ships tomorrow." },
  ];
  turns.forEach(({ question, reply }, index) => {
    const trace = langfuse.trace({
      id: `turn-${index}`,
      name: "support-turn",
      sessionId: "session-parcel",
      timestamp: at(index * 60_000),
      input: [{ role: "user", content: question }],
      output: { role: "assistant", content: reply },
    });
    trace.score({ name: "tone", value: index === 0 ? "friendly" : "neutral", dataType: "CATEGORICAL" });
  });
  await langfuse.flushAsync();

  await page.goto(`${tally.baseUrl}/projects/${projectId}/sessions`);
  await page.getByRole("link", { name: "session-parcel" }).click();
  const conversation = page.getByRole("list", { name: "Conversation" });
  await conversation.getByText(turns[1].reply).waitFor();
  const order = await conversation.locator(".session-turn").evaluateAll((items) => items.map((item) => item.dataset.traceId));
  assert.deepEqual(order, ["turn-0", "turn-1"], "turns in time order");
  await conversation.getByText(turns[0].question).waitFor();
  await screenshot("tracing-session");

  await page.goto(`${tally.baseUrl}/projects/${projectId}/scores`);
  const configs = page.getByRole("form", { name: "New score config" });
  await configs.getByLabel("Name").fill("helpfulness");
  await configs.getByLabel("Minimum").fill("0");
  await configs.getByLabel("Maximum").fill("1");
  await configs.getByRole("button", { name: "Create config" }).click();
  const row = page.getByRole("region", { name: "Score configs" }).getByRole("row", { name: /helpfulness/ });
  await row.getByText("0 to 1").waitFor();
  await row.getByRole("button", { name: "Archive" }).click();
  await row.getByText("Archived").waitFor();

  // The categorical "tone" scores recorded above count one per value.
  const tone = page.locator('figure.distribution[data-score-name="tone"]');
  await tone.getByText("2 scores").waitFor();
  await screenshot("tracing-scores");
});

test("trace page: a large trace draws only the rows on screen", { skip, timeout: 60_000 }, async () => {
  // One batch straight to the ingestion endpoint: this test is about drawing
  // 2,000 observations, not about the SDK's batching.
  const batch = [{ id: "big-t", type: "trace-create", timestamp: at(0).toISOString(), body: { id: "big-trace", name: "big" } }];
  for (let i = 0; i < 2000; i++) {
    batch.push({
      id: `big-o-${i}`,
      type: "span-create",
      timestamp: at(0).toISOString(),
      body: { id: `big-${i}`, traceId: "big-trace", name: `step ${i}`, startTime: at(i).toISOString(), endTime: at(i + 1).toISOString() },
    });
  }
  const basic = Buffer.from(`${tally.keys.publicKey}:${tally.keys.secretKey}`).toString("base64");
  const response = await fetch(`${tally.baseUrl}/api/public/ingestion`, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/json" },
    body: JSON.stringify({ batch }),
  });
  assert.equal(response.status, 207);

  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces/big-trace?observation=big-1999`);
  const last = page.locator('[role=treeitem][data-observation-id="big-1999"]');
  await last.waitFor();
  assert.equal(await last.getAttribute("aria-selected"), "true", "the deep-linked last row is drawn and selected");
  const drawn = await page.locator(".waterfall [role=treeitem]").count();
  assert.ok(drawn < 100, `only the rows near the view are drawn, not 2,001: ${drawn}`);
});

test("trace page: comments on a trace and an observation survive a reload", { skip, timeout: 60_000 }, async () => {
  const trace = langfuse.trace({ id: "commented-trace", name: "commented", timestamp: at(0) });
  trace.span({ id: "commented-span", name: "lookup", startTime: at(0), endTime: at(100) });
  await langfuse.flushAsync();

  const traceUrl = `${tally.baseUrl}/projects/${projectId}/traces/commented-trace`;
  await page.goto(traceUrl);
  const comments = page.getByRole("region", { name: "Comments" });
  await comments.getByText("No comments yet.").waitFor();
  await comments.getByLabel("New comment (Markdown)").fill("Answer is **wrong**");
  await comments.getByRole("button", { name: "Add comment" }).click();
  await comments.locator("li strong", { hasText: "wrong" }).waitFor();
  assert.equal(await comments.getByLabel("New comment (Markdown)").inputValue(), "", "the box empties once saved");

  // The observation has its own list.
  await page.locator('[role=treeitem][data-observation-id="commented-span"]').click();
  await page.getByRole("article", { name: "Observation lookup" }).waitFor();
  await comments.getByText("No comments yet.").waitFor();
  await comments.getByLabel("New comment (Markdown)").fill("Slow lookup");
  await comments.getByRole("button", { name: "Add comment" }).click();
  await comments.getByText("Slow lookup").waitFor();
  await screenshot("tracing-comments");

  await page.reload();
  await page.getByRole("article", { name: "Observation lookup" }).waitFor();
  await comments.getByText("Slow lookup").waitFor();
  assert.equal(await comments.locator("li").count(), 1);

  await page.goto(traceUrl);
  await page.getByRole("article", { name: "Trace" }).waitFor();
  await comments.locator("li strong", { hasText: "wrong" }).waitFor();
  assert.equal(await comments.locator("li").count(), 1, "the observation's comment stays on the observation");
  // The signed-in user is recorded as the author and shown by email, since
  // the account has no name.
  assert.equal(await comments.locator(".comment-author").innerText(), tally.user.email);
});
