// The evaluators screen in Chromium against a real server and a local
// OpenAI-compatible judge (tests/peers/openai_judge.py on 127.0.0.1, whose
// verdict is 1 when the prompt it receives contains "Paris"). A connection
// is added with a key that is never shown again, and the mapping table
// follows the template's variables. A dry run on a trace sent with the
// `langfuse` SDK shows the filled prompt and the judge's verdict, and the
// rule is then created.
//
// The SDK comes from demo/'s npm packages (`make demo`, which `make test`
// runs); without them the suite skips, except on CI. Screens go to
// TALLY_SCREENSHOT_DIR when it is set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
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

const apiKey = "sk-e2e-judge-5678";
const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

let tally;
let judge;
let judgeUrl;
let browser;
let page;
let traceId;

// Starts the judge peer and resolves with its base URL from the "PORT <n>" line.
function startJudge() {
  judge = spawn("python3", [resolve(webDir, "../tests/peers/openai_judge.py")], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolveUrl, reject) => {
    judge.once("error", reject);
    judge.once("exit", (code) => reject(new Error(`the judge peer exited with status ${code}`)));
    createInterface({ input: judge.stdout }).once("line", (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (match) resolveUrl(`http://127.0.0.1:${match[1]}`);
      else reject(new Error(`the judge peer printed ${line} instead of PORT <n>`));
    });
  });
}

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  judgeUrl = await startJudge();
  const { Langfuse } = require("langfuse");
  const langfuse = new Langfuse({ publicKey: tally.keys.publicKey, secretKey: tally.keys.secretKey, baseUrl: tally.baseUrl });
  const trace = langfuse.trace({ name: "qa", input: { q: "capital of France?" }, output: "Paris" });
  traceId = trace.id;
  await langfuse.shutdownAsync();

  browser = await launchBrowser();
  page = await signIn(browser, tally, { width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  judge?.kill();
  await tally?.stop();
});

test("connection key is shown masked", { skip }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${tally.keys.projectId}/evaluators`);
  const form = page.getByRole("form", { name: "New LLM connection" });
  await form.getByLabel("Name").fill("local judge");
  await form.getByLabel("Base URL").fill(`${judgeUrl}/ok`);
  await form.getByLabel("Model").fill("judge-model");
  await form.getByLabel("API key").fill(apiKey);
  await form.getByRole("button", { name: "Add connection" }).click();

  const connections = page.getByRole("region", { name: "LLM connections" });
  await connections.getByText("…5678").waitFor();
  assert.equal(await form.getByLabel("API key").inputValue(), "", "the form forgets the key");
  assert.ok(!(await page.content()).includes(apiKey), "the key is not on the page");
});

test("dry run shows prompt and verdict", { skip }, async () => {
  const editor = page.getByRole("region", { name: "New evaluator" });
  await editor.getByLabel("Name", { exact: true }).fill("correctness");
  await editor.getByLabel("Source of question").selectOption("input");
  await editor.getByLabel("JSON path of question").fill("$.q");
  await editor.getByLabel("Score name").fill("correct");

  // Typing a new variable into the template adds its mapping row.
  await editor.locator(".template-editor-host .cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(" Tone: {{tone}}");
  await editor.getByLabel("Source of tone").waitFor();
  for (let i = 0; i < " Tone: {{tone}}".length; i++) await page.keyboard.press("Backspace");
  await editor.getByLabel("Source of tone").waitFor({ state: "detached" });

  await editor.getByLabel("Trace id for a dry run").fill(traceId);
  await editor.getByRole("button", { name: "Dry run" }).click();
  const result = page.getByRole("region", { name: "Dry run result" });
  await result.getByText("Score 1: The answer names Paris.").waitFor();
  assert.match(await result.locator("pre").innerText(), /^Question: capital of France\?\nAnswer: Paris\n/);
  await result.getByText("Nothing was stored.").waitFor();
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "evaluators-dry-run.png"), fullPage: true });

  await editor.getByRole("button", { name: "Create evaluator" }).click();
  await editor.getByText("Evaluator created.").waitFor();
  const rules = page.getByRole("region", { name: "Evaluators" });
  const row = rules.locator("tbody tr", { hasText: "correctness" });
  await row.getByText("local judge").waitFor();
  await row.getByText("active").waitFor();
  await row.getByRole("button", { name: "Pause" }).click();
  await row.getByText("paused").waitFor();
});
