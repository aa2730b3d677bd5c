// The prompt screens in Chromium against a real server. Versions made with
// the `langfuse` SDK are listed with their labels and commit messages, and
// a diff between two versions shows the changed lines. Promoting a version
// moves the production label, so the SDK then fetches it. Two browser
// contexts co-edit one draft live, see each other, converge on one text and
// save it as a new version.
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

const name = "support/summarize";
const first = "Summarize {{text}} for {{audience}}.";
const second = "Summarize {{text}} briefly for {{audience}}.\nEnd with a question.";

let tally;
let browser;
let langfuse;
let projectId;

async function screenshot(page, file) {
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, file) });
}

function promptUrl(view) {
  return `${tally.baseUrl}/projects/${projectId}/prompts/${encodeURIComponent(name)}?view=${view}`;
}

// The text of a CodeMirror editor, one line per rendered line element.
function editorText(page) {
  return page.locator(".prompt-editor-host .cm-line").allInnerTexts().then((lines) => lines.join("\n"));
}

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  projectId = tally.keys.projectId;
  browser = await launchBrowser();
  const { Langfuse } = require("langfuse");
  langfuse = new Langfuse({
    publicKey: tally.keys.publicKey,
    secretKey: tally.keys.secretKey,
    baseUrl: tally.baseUrl,
  });
  await langfuse.createPrompt({ name, prompt: first, labels: ["production"], commitMessage: "first draft" });
  await langfuse.createPrompt({ name, prompt: second, labels: [], commitMessage: "shorter, ends with a question" });
});

after(async () => {
  await langfuse?.shutdownAsync();
  await browser?.close();
  await tally?.stop();
});

test("versions, diff and label move", { skip }, async () => {
  const page = await signIn(browser, tally);
  await page.goto(`${tally.baseUrl}/projects/${projectId}/prompts`);
  await page.getByRole("link", { name }).click();

  const versions = page.getByRole("list", { name: "Versions" });
  await versions.getByText("shorter, ends with a question").waitFor();
  await versions.getByText("first draft").waitFor();
  const v1 = versions.getByRole("button", { name: /^v1/ });
  const v2 = versions.getByRole("button", { name: /^v2/ });
  assert.equal(await v1.locator('[data-label="production"]').count(), 1, "v1 starts with production");
  assert.equal(await v2.locator('[data-label="latest"]').count(), 1, "v2 is latest");

  // Compare opens on the selected (newest) version against the one before.
  await page.getByRole("button", { name: "Compare" }).click();
  const diff = page.locator("table.diff-lines");
  await diff.locator('tr[data-kind="added"]', { hasText: "End with a question." }).waitFor();
  assert.equal(await page.getByLabel("From").inputValue(), "1");
  assert.equal(await page.getByLabel("To").inputValue(), "2");
  assert.deepEqual(await diff.locator('tr[data-kind="removed"] .diff-text').allTextContents(), [
    "removed: Summarize {{text}} for {{audience}}.",
  ]);
  assert.deepEqual(await diff.locator('tr[data-kind="added"] .diff-text').allTextContents(), [
    "added: Summarize {{text}} briefly for {{audience}}.",
    "added: End with a question.",
  ]);
  await page.getByText("2 lines added, 1 removed").waitFor();
  await screenshot(page, "prompts-diff.png");

  await page.getByRole("button", { name: "Version", exact: true }).click();
  await v2.click();
  await page.getByRole("article", { name: "Version 2" }).getByRole("button", { name: "Promote to production" }).click();
  await v2.locator('[data-label="production"]').waitFor();
  await v1.locator('[data-label="production"]').waitFor({ state: "detached" });

  // Applications fetching the production label now get version 2.
  const fetched = await langfuse.getPrompt(name, undefined, { label: "production", cacheTtlSeconds: 0 });
  assert.equal(fetched.version, 2);
  assert.equal(fetched.compile({ text: "the ticket", audience: "agents" }), "Summarize the ticket briefly for agents.\nEnd with a question.");
  await page.getByRole("list", { name: "History" }).getByText(/label added: production by user 1/).waitFor();

  // A generation that used version 2 counts in that version's metrics.
  const start = new Date(Date.now() - 5000);
  const trace = langfuse.trace({ name: "summarize" });
  trace.generation({
    name: "llm",
    prompt: fetched,
    usage: { input: 12, output: 4 },
    startTime: start,
    endTime: new Date(start.getTime() + 1500),
  });
  await langfuse.flushAsync();
  await page.getByRole("button", { name: "Metrics" }).click();
  const metrics = page.getByRole("region", { name: "Version metrics" });
  const generations = metrics.locator("tbody tr", { has: page.getByRole("rowheader", { name: "Generations" }) });
  await generations.locator("td").first().getByText("1", { exact: true }).waitFor();
  assert.deepEqual(await generations.locator("td").allTextContents(), ["1", "0"]);
  const latency = metrics.locator("tbody tr", { has: page.getByRole("rowheader", { name: "Latency median" }) });
  assert.equal(await latency.locator("td").first().textContent(), "1.50 s");
  await page.context().close();
});

test("two editors converge and save a version", { skip }, async () => {
  const alice = await signIn(browser, tally);
  const bob = await signIn(browser, tally);
  await alice.goto(promptUrl("editor"));
  await bob.goto(promptUrl("editor"));

  // Both see two editors and the draft seeded once from the newest version.
  for (const page of [alice, bob]) {
    await page.locator('.draft-presence[data-count="2"]').waitFor();
    await page.getByLabel("Editors").getByText(`2 editing: you and ${tally.user.email}`).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();
  }
  await alice.waitForFunction(
    (expected) => [...document.querySelectorAll(".prompt-editor-host .cm-line")].map((line) => line.innerText).join("\n") === expected,
    second,
  );
  assert.equal(await editorText(bob), second);

  // Each types at once at opposite ends of the draft.
  await alice.locator(".prompt-editor-host .cm-content").click();
  await bob.locator(".prompt-editor-host .cm-content").click();
  await Promise.all([
    alice.keyboard.press("Control+End").then(() => alice.keyboard.type(" Keep it kind.")),
    bob.keyboard.press("Control+Home").then(() => bob.keyboard.type("Please: ")),
  ]);
  const merged = `Please: ${second} Keep it kind.`;
  for (const page of [alice, bob]) {
    await page.waitForFunction(
      (expected) => [...document.querySelectorAll(".prompt-editor-host .cm-line")].map((line) => line.innerText).join("\n") === expected,
      merged,
    );
  }

  // The preview compiles the draft with the variables it found.
  await alice.getByLabel("{{text}}").fill("the ticket");
  await alice.getByLabel("{{audience}}").fill("agents");
  await alice.getByLabel("Compiled prompt").getByText("Please: Summarize the ticket briefly for agents.").waitFor();
  await screenshot(alice, "prompts-editor.png");

  await alice.getByLabel("Commit message").fill("co-edited by two");
  await alice.getByRole("button", { name: "Save as new version" }).click();
  await alice.getByText("Saved as version 3.").waitFor();
  for (const page of [alice, bob]) {
    await page.getByRole("list", { name: "Versions" }).getByText("co-edited by two").waitFor();
  }
  const saved = await langfuse.getPrompt(name, 3, { cacheTtlSeconds: 0 });
  assert.equal(saved.prompt, merged);
  assert.equal(saved.commitMessage, "co-edited by two");
  await alice.context().close();
  await bob.context().close();
});

test("chat prompt diff per message", { skip }, async () => {
  const chat = "support/chat";
  const system = { role: "system", content: "You are a support agent for {{product}}." };
  await langfuse.createPrompt({ name: chat, type: "chat", prompt: [system, { role: "user", content: "{{question}}" }] });
  await langfuse.createPrompt({
    name: chat,
    type: "chat",
    prompt: [system, { type: "placeholder", name: "history" }, { role: "user", content: "Question: {{question}}" }],
    commitMessage: "keep the history",
  });

  const page = await signIn(browser, tally);
  await page.goto(`${tally.baseUrl}/projects/${projectId}/prompts/${encodeURIComponent(chat)}?view=version`);
  const version = page.getByRole("article", { name: "Version 2" });
  await version.getByText("placeholder: history").waitFor();
  await version.getByText("Variables").locator("xpath=following-sibling::dd[1]").getByText("product, question").waitFor();

  await page.getByRole("button", { name: "Compare" }).click();
  const messages = page.locator(".diff-messages > li");
  await messages.nth(2).waitFor();
  assert.deepEqual(await messages.locator(".prompt-role .badge").allTextContents(), ["same", "added", "changed"]);
  assert.match(await messages.nth(1).locator(".prompt-role").innerText(), /placeholder history/);
  assert.deepEqual(await messages.nth(2).locator('tr[data-kind="added"] .diff-text').allTextContents(), [
    "added: Question: {{question}}",
  ]);
  await page.context().close();
});
