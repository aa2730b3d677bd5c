// Web UI benchmarks in Debian's Chromium against a real `tally serve`.
//
// 1. Submit to next task: time from clicking Submit until the next task's
//    text is on screen, measured in the page, over LABEL_ROUNDS tasks.
//    Reference, same run and page: the same requests the screen makes (POST
//    the annotation, GET the next task, then its annotations and drafts
//    together) sent with fetch and no rendering.
// 2. Data Manager memory: the JS heap after garbage collection. The
//    reference is taken after a warm-up pass over the table, so code
//    compiled for scrolling is already counted. The figure follows a pass
//    of 40 jumps spread over DM_TASKS tasks. Each pass ends after the page
//    cache expires. A ratio near 1 means scrolling does not grow memory.
//
// Usage (after make build): node bench/web_ui_bench.mjs [path/to/tally]
//   DM_TASKS (default 100000; FULL=1: 1000000), LABEL_ROUNDS (default 40)
import assert from "node:assert/strict";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { startTally } from "../web/e2e/support/tally.mjs";

const full = process.env.FULL === "1";
const dmTasks = Number(process.env.DM_TASKS ?? (full ? 1_000_000 : 100_000));
const labelRounds = Number(process.env.LABEL_ROUNDS ?? 40);
const scrollStops = 40;
if (process.argv[2]) process.env.TALLY_BINARY = process.argv[2];

const config = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive" hotkey="1"/><Choice value="Negative" hotkey="2"/></Choices>
</View>`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function createProject(tally, title, count) {
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title, label_config: config }) });
  const chunk = 100_000;
  for (let first = 0; first < count; first += chunk) {
    const tasks = [];
    for (let i = first; i < Math.min(count, first + chunk); i++) tasks.push({ text: `Task ${i}: the parcel arrived on day ${i % 365}.` });
    await tally.api(`/api/projects/${project.id}/import`, { method: "POST", body: JSON.stringify(tasks) });
  }
  return project.id;
}

async function logIn(page, tally) {
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");
}

// Milliseconds from clicking Submit to the next task's text on screen.
function submitAndWait(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const before = document.querySelector(".task-caption").textContent;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          const caption = document.querySelector(".task-caption");
          if (caption && caption.textContent !== before && document.querySelector(".text-object")) {
            observer.disconnect();
            resolve(performance.now() - start);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        document.querySelector(".labeling-actions button.primary").click();
      }),
  );
}

// The same requests without the UI, from the same page (session and CSRF).
function rawRoundTrip(page, projectId) {
  return page.evaluate(async (projectId) => {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("tally_csrftoken="))?.split("=")[1];
    const headers = { "Content-Type": "application/json", "X-CSRFToken": csrf };
    const first = await (await fetch(`/api/projects/${projectId}/next`)).json();
    const start = performance.now();
    const result = [{ id: "bench00001", from_name: "sentiment", to_name: "text", type: "choices", value: { choices: ["Positive"] } }];
    await fetch(`/api/tasks/${first.id}/annotations`, { method: "POST", headers, body: JSON.stringify({ result }) });
    const next = await (await fetch(`/api/projects/${projectId}/next`)).json();
    await Promise.all([
      fetch(`/api/tasks/${next.id}/annotations`).then((r) => r.json()),
      fetch(`/api/tasks/${next.id}/drafts`).then((r) => r.json()),
    ]);
    return performance.now() - start;
  }, projectId);
}

async function heapAfterGc(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  return (await cdp.send("Runtime.getHeapUsage")).usedSize;
}

const tally = await startTally();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await logIn(page, tally);

  // 1. Submit to next task.
  const labelProject = await createProject(tally, "Bench labeling", labelRounds * 2 + 10);
  await page.goto(`${tally.baseUrl}/projects/${labelProject}/label`);
  await page.locator(".text-object").waitFor();
  const uiTimes = [];
  for (let round = 0; round < labelRounds; round++) {
    await page.keyboard.press("1");
    uiTimes.push(await submitAndWait(page));
  }
  const rawProject = await createProject(tally, "Bench raw", labelRounds * 2 + 10);
  const rawTimes = [];
  for (let round = 0; round < labelRounds; round++) rawTimes.push(await rawRoundTrip(page, rawProject));
  const ui = median(uiTimes);
  const raw = median(rawTimes);
  console.log(`submit to next task ready: median ${ui.toFixed(1)} ms over ${labelRounds} tasks`);
  console.log(`reference, the same requests without UI: median ${raw.toFixed(1)} ms`);
  console.log(`ratio ui / reference: ${(ui / raw).toFixed(2)}`);

  // 2. Data Manager memory while scrolling.
  const started = Date.now();
  const dmProject = await createProject(tally, "Bench data manager", dmTasks);
  console.log(`imported ${dmTasks} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${tally.baseUrl}/projects/${dmProject}/data`);
  const rows = page.locator(".dm-row:not(.dm-head)");
  await page.getByRole("cell", { name: "Task 0: the parcel" }).waitFor();
  // One pass over the table: `stops` jumps spread over all tasks, then back
  // to the top, then a wait past the page cache's 15 s lifetime.
  const scrollPass = async (stops) => {
    for (let stop = 1; stop <= stops; stop++) {
      const index = Math.floor(((dmTasks - 1) * stop) / stops);
      await page.locator(".dm-scroller").evaluate((el, top) => (el.scrollTop = top), index * 32);
      await page.getByRole("cell", { name: `Task ${index}:` }).first().waitFor();
    }
    await page.locator(".dm-scroller").evaluate((el) => (el.scrollTop = 0));
    await page.getByRole("cell", { name: "Task 0: the parcel" }).waitFor();
    await new Promise((done) => setTimeout(done, 16_000));
  };
  await scrollPass(5);
  const baseline = await heapAfterGc(cdp);
  const baselineRows = await rows.count();
  await scrollPass(scrollStops);
  const after = await heapAfterGc(cdp);
  const afterRows = await rows.count();
  assert.ok(afterRows <= baselineRows + 5, "the table renders only the rows on screen");
  console.log(`data manager heap after GC, after a warm-up pass: ${(baseline / 2 ** 20).toFixed(1)} MiB (${baselineRows} rows in the DOM)`);
  console.log(
    `after ${scrollStops} jumps across ${dmTasks} tasks and back: ${(after / 2 ** 20).toFixed(1)} MiB (${afterRows} rows in the DOM)`,
  );
  console.log(`ratio after / reference: ${(after / baseline).toFixed(2)}`);
} finally {
  await browser.close();
  await tally.stop();
}
