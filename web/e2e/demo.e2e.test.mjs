// The first screens after `make run`: `tally serve --demo` on a fresh
// database, signed in with the account from its banner. The project list
// shows the demo projects with their real data, the review sentences open
// in the editor with their predictions, and the photographs are served.
// Screens go to TALLY_SCREENSHOT_DIR when it is set (docs/images holds
// copies).
//
// Needs demo/'s npm packages and Debian's labelme-examples; without them the
// suite skips, except on CI.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const demoDir = resolve(webDir, "../demo");
const required = [
  [join(demoDir, "node_modules/langfuse/package.json"), "demo npm packages (run make demo)"],
  ["/usr/share/doc/labelme-examples/examples", "Debian package labelme-examples (run scripts/install-deps.sh)"],
];
const missing = required.filter(([path]) => !existsSync(path)).map(([, what]) => what);
const skip = missing.length ? `missing ${missing.join(", ")}` : false;
if (skip && process.env.CI === "true") throw new Error(skip);

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

let tally;
let browser;
let page;

before(async () => {
  if (skip) return;
  tally = await startTally({ demo: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
});

after(async () => {
  await browser?.close();
  await tally?.stop();
});

async function capture(name) {
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

test("the demo opens on its projects, with real data to label", { skip, timeout: 180_000 }, async (t) => {
  let projects;

  await t.test("the banner's account signs in and lists the demo projects", async () => {
    await page.goto(tally.baseUrl + "/login");
    await page.getByLabel("Email").fill(tally.user.email);
    await page.getByLabel("Password").fill(tally.user.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/projects");
    for (const title of ["Demo: objects in photographs", "Demo: review sentiment and entities"]) {
      await page.getByText(title).first().waitFor();
    }
    await capture("demo-projects");
    projects = Object.fromEntries((await tally.api("/api/projects")).results.map((p) => [p.title, p]));
    assert.equal(projects["Demo: objects in photographs"].task_number, 7);
    assert.equal(projects["Demo: review sentiment and entities"].task_number, 300);
  });

  await t.test("a review sentence opens in the editor with its predicted regions", async () => {
    const texts = projects["Demo: review sentiment and entities"];
    await page.goto(`${tally.baseUrl}/projects/${texts.id}/data`);
    await page.getByRole("link", { name: "Label all tasks" }).click();
    await page.locator(".text-object").waitFor();
    const shown = await page.locator(".text-object").evaluate((element) => element.textContent);
    const { tasks } = await tally.api(`/api/tasks?project=${texts.id}&page_size=300`);
    const task = tasks.find((candidate) => candidate.data.text === shown);
    assert.ok(task, `the editor shows an imported sentence: ${shown}`);
    assert.equal(task.total_annotations ?? 0, 0, "the next task is one still to label");
    await page.getByText("Pre-filled from a prediction").waitFor();
    await capture("demo-labeling");
  });

  await t.test("the photographs are served as uploaded", async () => {
    const images = projects["Demo: objects in photographs"];
    const { tasks } = await tally.api(`/api/tasks?project=${images.id}`);
    assert.equal(tasks.length, 7);
    for (const task of tasks) {
      const response = await page.request.get(tally.baseUrl + task.data.image);
      assert.equal(response.status(), 200, task.data.image);
      assert.equal(response.headers()["content-type"], "image/jpeg");
    }
  });
});
