// Frame time of the image editor in Debian's Chromium against a real
// `tally serve`. The editor opens a photograph with BOXES predicted boxes
// (default 1,000), pans it by a mouse drag and zooms it by wheel steps. The
// page records the interval between requestAnimationFrame callbacks during
// each gesture.
// Reference, same run and page: the same gestures on the same photograph
// with no regions.
//
// Usage (after make build): node bench/web_image_bench.mjs [path/to/tally]
//   BOXES (default 1000), STEPS per gesture (default 60)
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { startTally } from "../web/e2e/support/tally.mjs";

const photoPath = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/JPEGImages/2011_000003.jpg";
const boxes = Number(process.env.BOXES ?? 1000);
const steps = Number(process.env.STEPS ?? 60);
if (process.argv[2]) process.env.TALLY_BINARY = process.argv[2];
if (!existsSync(photoPath)) {
  console.error(`${photoPath} is missing; install labelme-examples (scripts/install-deps.sh)`);
  process.exit(2);
}

const config = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/><Label value="Person"/></RectangleLabels>
</View>`;

// A grid of small boxes spread over the whole image.
function predictedBoxes(count) {
  const columns = Math.ceil(Math.sqrt(count));
  const cell = 100 / columns;
  return Array.from({ length: count }, (_, i) => ({
    id: `b${i}`,
    from_name: "box",
    to_name: "image",
    type: "rectanglelabels",
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value: {
      x: (i % columns) * cell,
      y: Math.floor(i / columns) * cell,
      width: cell * 0.8,
      height: cell * 0.8,
      rotation: 0,
      rectanglelabels: [i % 2 ? "Car" : "Person"],
    },
  }));
}

async function uploadPhoto(tally, projectId) {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(photoPath)], { type: "image/jpeg" }), basename(photoPath));
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  await tally.api(`/api/projects/${projectId}/import`, {
    method: "POST",
    body: Buffer.from(await request.arrayBuffer()),
    headers: { "Content-Type": request.headers.get("content-type") },
  });
  const { tasks } = await tally.api(`/api/tasks?project=${projectId}`);
  return Math.max(...tasks.map((task) => task.id)); // the task just imported
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

// Runs `gesture` while the page records requestAnimationFrame intervals.
async function frameTimes(page, gesture) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await gesture();
  return page.evaluate(() => {
    window.__recording = false;
    return window.__frames.slice(1);
  });
}

async function measure(page, baseUrl, projectId, taskId, expectedRegions) {
  await page.goto(`${baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const stage = page.locator(".image-stage");
  await stage.locator("canvas").first().waitFor();
  await page.waitForFunction((count) => document.querySelectorAll(".region-list li[data-region-id]").length === count, expectedRegions);
  const box = await stage.boundingBox();
  const centre = [box.x + box.width / 2, box.y + box.height / 2];

  const pan = await frameTimes(page, async () => {
    await page.mouse.move(...centre);
    await page.mouse.down();
    for (let i = 1; i <= steps; i++) await page.mouse.move(centre[0] + (i % 20) * 10 - 100, centre[1] + (i % 10) * 5);
    await page.mouse.up();
  });
  const zoom = await frameTimes(page, async () => {
    await page.mouse.move(...centre);
    for (let i = 0; i < steps; i++) await page.mouse.wheel(0, i < steps / 2 ? -100 : 100);
    await page.waitForTimeout(100);
  });
  return { pan, zoom };
}

const tally = await startTally();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");

  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title: "Image bench", label_config: config }) });
  const crowdedTask = await uploadPhoto(tally, project.id);
  const emptyTask = await uploadPhoto(tally, project.id);
  assert.notEqual(crowdedTask, emptyTask);
  await tally.api("/api/predictions", {
    method: "POST",
    body: JSON.stringify({ task: crowdedTask, result: predictedBoxes(boxes), score: 0.9, model_version: "bench" }),
  });

  const reference = await measure(page, tally.baseUrl, project.id, emptyTask, 0);
  const crowded = await measure(page, tally.baseUrl, project.id, crowdedTask, boxes);
  for (const gesture of ["pan", "zoom"]) {
    const ui = crowded[gesture];
    const bare = reference[gesture];
    const median = percentile(ui, 0.5);
    const bareMedian = percentile(bare, 0.5);
    console.log(
      `${gesture} with ${boxes} boxes: median ${median.toFixed(1)} ms, p95 ${percentile(ui, 0.95).toFixed(1)} ms, max ${Math.max(...ui).toFixed(1)} ms over ${ui.length} frames`,
    );
    console.log(`${gesture} with no regions (reference): median ${bareMedian.toFixed(1)} ms, p95 ${percentile(bare, 0.95).toFixed(1)} ms`);
    console.log(`ratio ${gesture} median / reference: ${(median / bareMedian).toFixed(2)}`);
  }
} finally {
  await browser.close();
  await tally.stop();
}
