// Cloud storage on the integrations page, in Chromium against a real server
// and a real S3 peer on 127.0.0.1 (tests/peers/s3_peer.py: s3rver behind a
// proxy that checks every SigV4 signature). A source storage added in the
// UI tests its connection, syncs a task JSON object into a task and shows
// the count. A wrong secret shows the service's error code.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const secret = "ui-s3-secret-9d41";
const labelConfig = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
</View>`;

let tally;
let browser;
let page;
let peer;
let peerUrl;
let peerDir;
let projectId;

// Starts the S3 peer with one bucket; it prints "PORT <n>" once it listens.
async function startS3Peer() {
  peerDir = mkdtempSync(join(tmpdir(), "tally-e2e-s3-"));
  const child = spawn(
    "python3",
    [resolve(webDir, "../tests/peers/s3_peer.py"), "--data-dir", peerDir, "--secret-key", secret, "--bucket", "tasks"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  // A peer that cannot start (s3rver not installed) exits instead of printing its port.
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the S3 peer exited with code ${code}; run npm ci in tests/peers`);
  });
  exited.catch(() => {}); // the later kill in after() must not count as an unhandled rejection
  const [line] = await Promise.race([once(lines, "line"), exited]);
  const match = /^PORT (\d+)$/.exec(line);
  if (!match) throw new Error(`the S3 peer printed ${line} instead of PORT <n>`);
  return { child, url: `http://127.0.0.1:${match[1]}` };
}

before(async () => {
  tally = await startTally();
  peer = await startS3Peer();
  peerUrl = peer.url;
  const put = await fetch(`${peerUrl}/__peer/objects/tasks/inbox/first.json`, {
    method: "PUT",
    body: JSON.stringify({ text: "Synced from a bucket." }),
  });
  assert.equal(put.status, 200);

  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({ title: "Bucket tasks", label_config: labelConfig }),
  });
  projectId = project.id;

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
  peer?.child.kill();
  if (peerDir) rmSync(peerDir, { recursive: true, force: true });
});

test("source storage tests, syncs and counts its tasks", { timeout: 90_000 }, async () => {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/integrations`);
  await page.getByRole("button", { name: "Add source storage" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Bucket/).fill("tasks");
  await dialog.getByLabel(/^Endpoint URL/).fill(peerUrl);
  await dialog.getByLabel(/^Prefix/).fill("inbox/");
  await dialog.getByLabel(/^Access key ID/).fill("S3RVER");

  // A wrong secret: the peer rejects the signature and the form shows its error code.
  await dialog.getByLabel(/^Secret access key/).fill("not-the-secret");
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await dialog.getByText(/SignatureDoesNotMatch/).waitFor();

  await dialog.getByLabel(/^Secret access key/).fill(secret);
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await dialog.getByText("Connected: the storage could be listed with these settings.").waitFor();
  await dialog.getByRole("button", { name: "Add storage" }).click();

  const card = page.getByRole("listitem", { name: /^Storage / });
  await card.getByText("Not synced yet").waitFor();
  await card.getByRole("button", { name: "Sync" }).click();
  await card.getByText(/^Synced 1 task on /).waitFor({ timeout: 30_000 });

  const tasks = await tally.api(`/api/tasks?project=${projectId}`);
  assert.equal(tasks.tasks.length, 1);
  assert.equal(tasks.tasks[0].data.text, "Synced from a bucket.");
  assert.equal((await page.content()).includes(secret), false, "the secret is not on the page");

  // Editing keeps the stored secret: the field starts empty with a hint.
  await card.getByRole("button", { name: "Edit" }).click();
  const secretField = page.getByRole("dialog").getByLabel(/^Secret access key/);
  assert.equal(await secretField.inputValue(), "");
  assert.equal(await secretField.getAttribute("placeholder"), "Stored; type to replace");
});
