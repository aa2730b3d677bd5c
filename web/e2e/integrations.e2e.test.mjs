// Project integrations in the browser against a real server and real peers
// on 127.0.0.1. An ML backend (tests/peers/ml_backend.py) connected from the
// integrations screen pre-annotates the next task the labeling screen
// opens, and its model version is then scored against the submitted
// annotation. A webhook added in the UI receives a signed test event that
// shows in its delivery log. Agreement and annotator statistics show as
// tables.
//
// Screens go to TALLY_SCREENSHOT_DIR when it is set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
const labelConfig = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
</View>`;

let tally;
let browser;
let page;
let backend;
let backendUrl;
let receiver;
let receiverUrl;
const received = [];
let projectId;

// Starts the test ML backend on a free loopback port; it prints "PORT <n>".
async function startMlBackend() {
  const child = spawn("python3", [resolve(webDir, "../tests/peers/ml_backend.py"), "--model-version", "clf-v1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, "line");
  const match = /^PORT (\d+)$/.exec(line);
  if (!match) throw new Error(`the ML backend printed ${line} instead of PORT <n>`);
  return { child, url: `http://127.0.0.1:${match[1]}` };
}

// A webhook receiver that records each request's headers and body.
async function startReceiver() {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end('{"ok":true}');
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

before(async () => {
  tally = await startTally();
  backend = await startMlBackend();
  backendUrl = backend.url;
  receiver = await startReceiver();
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks/tally`;

  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({ title: "Review sentiment", label_config: labelConfig }),
  });
  projectId = project.id;
  await tally.api(`/api/projects/${projectId}/import`, {
    method: "POST",
    body: JSON.stringify([
      { text: "A good product that arrived early." },
      { text: "Good value, good support." },
      { text: "The box was damaged." },
    ]),
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
  await browser?.close();
  await tally?.stop();
  backend?.child.kill();
  receiver?.close();
});

test("connected backend pre-annotates the next task", { timeout: 90_000 }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
  await page.getByLabel("Backend URL").fill(backendUrl);
  await page.getByLabel("Title", { exact: true }).fill("Keyword classifier");
  await page.getByRole("button", { name: "Connect", exact: true }).click();

  const backends = page.getByRole("table", { name: "ML backends" });
  await backends.getByRole("row", { name: /Keyword classifier/ }).waitFor();
  await backends.getByText("Connected").waitFor();
  await backends.getByRole("cell", { name: "clf-v1" }).waitFor();

  const preAnnotate = page.getByLabel("Pre-annotate each task with the connected model when an annotator opens it");
  await preAnnotate.check();
  await page.waitForFunction(
    async (url) => (await (await fetch(url)).json()).evaluate_predictions_automatically === true,
    `${tally.baseUrl}/api/projects/${projectId}`,
  );

  await page.goto(`${tally.baseUrl}/projects/${projectId}/label`);
  await page.getByText("Pre-filled from a prediction (model version “clf-v1”)").waitFor();
  assert.equal(await page.getByLabel("Positive").isChecked(), true, "the predicted choice is selected");
  assert.equal(await page.getByLabel("Negative").isChecked(), false);

  const requests = await (await fetch(`${backendUrl}/__requests`)).json();
  const predicts = requests.filter((request) => request.path === "/predict");
  assert.ok(predicts.length >= 1, "the server asked the backend for a prediction");
  assert.match(predicts[0].body.tasks[0].data.text, /good/i);

  // Accepting the prediction makes it ground truth for the comparison.
  await page.getByRole("button", { name: /^Submit/ }).click();
  await page.getByText(/^Task #\d+ submitted\.$/).waitFor();
  await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
  const versions = page.getByRole("table", { name: "Model versions against ground truth" });
  const row = versions.getByRole("row", { name: /clf-v1/ });
  await row.waitFor();
  assert.match(await row.textContent(), /clf-v1.*best.*1.*100\.0%.*100\.0%.*100\.0%/);
});

test("backend URL edit checks fields and reconnects", { timeout: 60_000 }, async () => {
  const moved = await startMlBackend();
  try {
    await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
    const backends = page.getByRole("table", { name: "ML backends" });
    await backends.getByRole("button", { name: "Edit Keyword classifier" }).click();
    const form = backends.getByRole("form", { name: "Edit Keyword classifier" });
    const url = form.getByLabel("Backend URL");
    assert.equal(await url.inputValue(), backendUrl);

    // The form rejects a URL that is not http or https before sending it.
    await url.fill("ftp://models.example.com");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("Enter an http:// or https:// URL, such as http://ml-backend:9090.").waitFor();

    // The server's field errors show under their fields.
    await url.fill(moved.url);
    await form.getByLabel("Timeout (seconds)").fill("5000");
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("Must be seconds above 0 and at most 3600.").waitFor();
    assert.equal(await form.getByLabel("Timeout (seconds)").getAttribute("aria-invalid"), "true");

    await form.getByLabel("Timeout (seconds)").fill("30");
    await form.getByRole("button", { name: "Save" }).click();
    await form.waitFor({ state: "detached" });
    await backends.getByText(moved.url).waitFor();
    await backends.getByText("Connected").waitFor();
    const requests = await (await fetch(`${moved.url}/__requests`)).json();
    assert.ok(requests.some((request) => request.path === "/setup"), "the server set up the backend at its new URL");
  } finally {
    moved.child.kill();
  }
});

test("webhook test event shows in the log", { timeout: 60_000 }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
  const section = page.getByRole("region", { name: "Webhooks" });
  await section.getByRole("button", { name: "Add webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "Add webhook" });
  await dialog.getByLabel("Payload URL").fill(receiverUrl);
  await dialog.getByLabel("Send every event").uncheck();
  await dialog.getByLabel("Annotation created").check();
  await dialog.getByLabel("Task created").check();
  await dialog.getByLabel("Headers").fill("X-Team: labeling");
  await dialog.getByRole("button", { name: "Add webhook" }).click();

  const secret = (await section.locator(".secret-once code").textContent()).trim();
  assert.match(secret, /^whsec_[0-9a-f]+$/);
  await section.getByRole("button", { name: "I stored it" }).click();

  const card = section.getByRole("listitem", { name: `Webhook ${receiverUrl}` });
  await card.getByText("ANNOTATION_CREATED, TASKS_CREATED, with payload").waitFor();
  await card.getByRole("button", { name: "Send test" }).click();
  await card.getByText(/^Test event: 200 in \d+\.\d ms$/).waitFor();

  const log = card.getByRole("table", { name: `Deliveries to ${receiverUrl}` });
  const delivery = log.getByRole("row", { name: /WEBHOOK_TEST/ });
  await delivery.waitFor();
  assert.match(await delivery.textContent(), /WEBHOOK_TEST\s*test\s*1\s*200 in \d+\.\d ms/);

  const sent = received.find((request) => request.path === "/hooks/tally");
  assert.ok(sent, "the receiver got the test event");
  assert.equal(JSON.parse(sent.body).action, "WEBHOOK_TEST");
  assert.equal(sent.headers["x-team"], "labeling");
  const signature = "sha256=" + createHmac("sha256", secret).update(sent.body).digest("hex");
  assert.equal(sent.headers["x-tally-signature"], signature, "the body is signed with the secret shown once");

  const [stored] = (await tally.api(`/api/webhooks?project=${projectId}`)).filter((hook) => hook.url === receiverUrl);
  assert.deepEqual(stored.actions.sort(), ["ANNOTATION_CREATED", "TASKS_CREATED"]);
  assert.equal(stored.send_for_all_actions, false);
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "guide-integrations.png"), fullPage: true });
});

test("agreement and annotator tables", { timeout: 60_000 }, async () => {
  // Two annotations that disagree on one task.
  const { tasks } = await tally.api(`/api/tasks?project=${projectId}&page_size=10`);
  const task = tasks.find((candidate) => /damaged/.test(candidate.data.text));
  for (const choice of ["Positive", "Negative"]) {
    await tally.api(`/api/tasks/${task.id}/annotations`, {
      method: "POST",
      body: JSON.stringify({
        result: [{ from_name: "sentiment", to_name: "text", type: "choices", value: { choices: [choice] } }],
      }),
    });
  }

  await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
  const section = page.getByRole("region", { name: "Agreement" });
  await section.getByText("Mean agreement 0.0% over 1 tasks with overlap.").waitFor();
  const control = section.getByRole("table", { name: "Agreement per control" }).getByRole("row", { name: /sentiment/ });
  assert.match(await control.textContent(), /sentiment\s*choices\s*1\s*0\.0%/);
  const perTask = section.getByRole("table", { name: "Agreement per task" });
  assert.match(await perTask.getByRole("row", { name: new RegExp(`^${task.id}`) }).textContent(), /2\s*0\.0%/);

  // The one user made every annotation, including any from the first test.
  const counts = (await tally.api(`/api/tasks?project=${projectId}&page_size=10`)).tasks;
  const annotatedTasks = counts.filter((candidate) => candidate.total_annotations > 0).length;
  const annotations = counts.reduce((sum, candidate) => sum + candidate.total_annotations, 0);
  const annotators = section.getByRole("table", { name: "Annotator statistics" });
  const row = annotators.getByRole("row", { name: new RegExp(tally.user.email) });
  await row.waitFor();
  const cells = await row.getByRole("cell").allTextContents();
  assert.deepEqual(cells.slice(0, 3), [tally.user.email, String(annotatedTasks), String(annotations)]);
});
