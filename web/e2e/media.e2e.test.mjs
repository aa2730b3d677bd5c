// Media annotation in the editor, in Debian's Chromium against a real
// `tally serve`: a box on a rotated image, an OcrLabels box with its text,
// a brush mask painted and erased, a VideoRectangle track with two
// keyframes, and a time-series range and instant. The suite makes its own media: a PNG drawn on a canvas, a VP8
// WebM whose frames show their numbers (support/webm.mjs), and a CSV
// served from a loopback server of its own. Every stored
// value is checked against numbers computed here from the mouse positions,
// the layout the editor reports and the media's size, and the frame the
// video shows is read from the picture and compared with the editor's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launchBrowser } from "./support/browser.mjs";
import { assertPercent, drag as dragMouse, settle as settleCanvas, submitAndRead as submitAndReadResult } from "./support/editor.mjs";
import { galleryMissing, supportedTemplates } from "./support/gallery.mjs";
import { startTally } from "./support/tally.mjs";
import { encodeFrameNumberVideo, readFrameNumber } from "./support/webm.mjs";
import { toneFlac, toneWav } from "./support/wav.mjs";

const stageHeight = 540; // the image editor's fixed viewport height
const image = { width: 400, height: 300 };
const video = { width: 320, height: 240, frameRate: 25, frames: 20 };

let tally;
let browser;
let page;
let csvServer;
let csvUrl;

// Time, velocity: ten samples one second apart.
const csvText = ["time,velocity", ...Array.from({ length: 10 }, (_, i) => `${i},${(i * 1.5) % 7}`)].join("\n") + "\n";

// Every channel column the gallery's time-series templates read, with
// numeric times or with times in their "%Y-%m-%d %H:%M:%S.%f" format.
function galleryCsv(dated) {
  const rows = Array.from({ length: 50 }, (_, i) => {
    const time = dated ? new Date(Date.UTC(2021, 2, 1) + i * 60_000).toISOString().replace("T", " ").replace("Z", "000") : String(i);
    return [time, i % 7, (i * 3) % 5, Math.sin(i / 5), Math.cos(i / 5), 100 + i].join(",");
  });
  return ["time,velocity,acceleration,signal_1,signal_2,value", ...rows].join("\n") + "\n";
}

before(async () => {
  tally = await startTally();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");

  // The CSV of the time-series task, from another loopback origin as a
  // file store would serve it, with the CORS header that allows the fetch.
  csvServer = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/csv", "Access-Control-Allow-Origin": "*" });
    if (request.url === "/gallery-dated.csv") response.end(galleryCsv(true));
    else if (request.url === "/gallery.csv") response.end(galleryCsv(false));
    else response.end(csvText);
  });
  await new Promise((done) => csvServer.listen(0, "127.0.0.1", done));
  csvUrl = `http://127.0.0.1:${csvServer.address().port}/velocity.csv`;
});

after(async () => {
  await browser?.close();
  await tally?.stop();
  await new Promise((done) => (csvServer ? csvServer.close(done) : done()));
});

// Creates a project and uploads one media file as its one task.
async function projectWithFile(title, labelConfig, name, bytes, type) {
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title, label_config: labelConfig }) });
  const form = new FormData();
  form.append("file", new Blob([bytes], { type }), name);
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  const body = Buffer.from(await request.arrayBuffer());
  await tally.api(`/api/projects/${project.id}/import`, {
    method: "POST",
    body,
    headers: { "Content-Type": request.headers.get("content-type") },
  });
  const { tasks } = await tally.api(`/api/tasks?project=${project.id}`);
  assert.equal(tasks.length, 1);
  return { projectId: project.id, taskId: tasks[0].id };
}

async function projectWithTask(title, labelConfig, data) {
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title, label_config: labelConfig }) });
  await tally.api(`/api/projects/${project.id}/import`, { method: "POST", body: JSON.stringify([{ data }]) });
  const { tasks } = await tally.api(`/api/tasks?project=${project.id}`);
  assert.equal(tasks.length, 1);
  return { projectId: project.id, taskId: tasks[0].id };
}

// A PNG of the test image's size, drawn on a canvas in the browser.
async function testPng() {
  const base64 = await page.evaluate(({ width, height }) => {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, "#336699");
    gradient.addColorStop(1, "#cc9933");
    context.fillStyle = gradient;
    context.fillRect(0, 0, width, height);
    return canvas.toDataURL("image/png").split(",")[1];
  }, image);
  return Buffer.from(base64, "base64");
}

// The shared editor steps, bound to this suite's page and server.
const settle = () => settleCanvas(page);
const drag = (from, to) => dragMouse(page, from, to, 8);
const submitAndRead = (taskId) => submitAndReadResult(page, tally, taskId);

// The image stage's layout: the shown image is fitted into the viewport,
// and a screen point maps to the natural frame through the rotation.
async function measureImage(rotation) {
  const stage = page.locator(".image-stage");
  assert.equal(await stage.getAttribute("data-rotation"), String(rotation));
  const box = await stage.locator("canvas").first().boundingBox();
  const sideways = rotation % 180 === 90;
  const shown = sideways ? { width: image.height, height: image.width } : image;
  const scale = Math.min(box.width / shown.width, stageHeight / shown.height);
  const offsetX = (box.width - shown.width * scale) / 2;
  const offsetY = (stageHeight - shown.height * scale) / 2;
  assert.ok(Math.abs(Number(await stage.getAttribute("data-scale")) - scale) < 1e-9, "the rotated image is fitted to screen");
  assert.ok(Math.abs(Number(await stage.getAttribute("data-offset-x")) - offsetX) < 1e-9, "the rotated image is centred");
  // Shown (rotated) pixels to natural pixels, turning back clockwise rotations.
  const toNatural = ([sx, sy]) => {
    const [qx, qy] = [(sx - box.x - offsetX) / scale, (sy - box.y - offsetY) / scale];
    if (rotation === 90) return [qy, image.height - qx];
    if (rotation === 180) return [image.width - qx, image.height - qy];
    if (rotation === 270) return [image.width - qy, qx];
    return [qx, qy];
  };
  const toScreen = ([x, y]) => {
    let q = [x, y];
    if (rotation === 90) q = [image.height - y, x];
    if (rotation === 180) q = [image.width - x, image.height - y];
    if (rotation === 270) q = [y, image.width - x];
    return [box.x + offsetX + q[0] * scale, box.y + offsetY + q[1] * scale].map(Math.round);
  };
  return { toNatural, toScreen };
}

test("box on an image turned a quarter clockwise", { timeout: 120_000 }, async () => {
  const config = `<View>
    <Image name="image" value="$image"/>
    <RectangleLabels name="box" toName="image"><Label value="Car" background="#2f6fd6"/></RectangleLabels>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Rotated image e2e", config, "gradient.png", await testPng(), "image/png");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  await page.locator(".image-stage canvas").first().waitFor();
  await page.getByRole("button", { name: "Rotate right" }).click();
  await page.locator('.image-stage[data-rotation="90"]').waitFor();
  await page.locator(".label-button", { hasText: "Car" }).click();
  const view = await measureImage(90);

  // Screen points over the shown image; the test turns them back itself.
  const from = view.toScreen([60, 40]);
  const to = view.toScreen([210, 150]);
  await drag(from, to);
  await page.locator(".region-list li", { hasText: "Car" }).waitFor();

  const [a, b] = [view.toNatural(from), view.toNatural(to)];
  const expected = {
    x: (Math.min(a[0], b[0]) / image.width) * 100,
    y: (Math.min(a[1], b[1]) / image.height) * 100,
    width: (Math.abs(a[0] - b[0]) / image.width) * 100,
    height: (Math.abs(a[1] - b[1]) / image.height) * 100,
  };
  const [item] = await submitAndRead(taskId);
  assert.equal(item.type, "rectanglelabels");
  assert.equal(item.image_rotation, 90);
  assert.equal(item.original_width, image.width);
  assert.equal(item.original_height, image.height);
  assert.deepEqual(item.value.rectanglelabels, ["Car"]);
  assert.equal(item.value.rotation, 0);
  for (const key of ["x", "y", "width", "height"]) assertPercent(item.value[key], expected[key], key);
});

test("OcrLabels box with its recognized text", { timeout: 120_000 }, async () => {
  const config = `<View>
    <Image name="image" value="$image"/>
    <OcrLabels name="ocr" toName="image"><Label value="Text" background="#13a4b4"/></OcrLabels>
  </View>`;
  const { projectId, taskId } = await projectWithFile("OCR e2e", config, "gradient.png", await testPng(), "image/png");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  await page.locator(".image-stage canvas").first().waitFor();
  await page.locator(".label-button", { hasText: "Text" }).click();
  const view = await measureImage(0);
  const from = view.toScreen([40, 50]);
  const to = view.toScreen([240, 90]);
  await drag(from, to);
  const entry = page.locator(".region-list li", { hasText: "Text" });
  await entry.waitFor();
  await entry.locator(".link-button").click();
  await page.getByLabel("Recognized text of the selected box").fill("INVOICE 42");

  const [item] = await submitAndRead(taskId);
  assert.equal(item.type, "ocrlabels");
  assert.deepEqual(item.value.ocrlabels, ["Text"]);
  assert.equal(item.value.ocrtext, "INVOICE 42");
  assert.equal(item.value.rotation, 0);
  const [a, b] = [view.toNatural(from), view.toNatural(to)];
  assertPercent(item.value.x, (a[0] / image.width) * 100, "x");
  assertPercent(item.value.y, (a[1] / image.height) * 100, "y");
  assertPercent(item.value.width, ((b[0] - a[0]) / image.width) * 100, "width");
  assertPercent(item.value.height, ((b[1] - a[1]) / image.height) * 100, "height");
});

// Decodes Label Studio's brush RLE (see src/features/labeling/lib/rle.ts)
// into the alpha channel of its RGBA values.
function decodeMask(bytes) {
  let position = 0;
  const read = (width) => {
    let value = 0;
    for (let i = 0; i < width; i++, position++) value = value * 2 + ((bytes[position >>> 3] >>> (7 - (position & 7))) & 1);
    return value;
  };
  const count = read(32);
  const word = read(5) + 1;
  const widths = [read(4) + 1, read(4) + 1, read(4) + 1, read(4) + 1];
  const values = new Uint8Array(count);
  let filled = 0;
  while (filled < count) {
    const repeat = read(1) === 1;
    const length = read(widths[read(2)]) + 1;
    if (repeat) values.fill(read(word), filled, filled + length);
    else for (let i = 0; i < length; i++) values[filled + i] = read(word);
    filled += length;
  }
  const alpha = new Uint8Array(count / 4);
  for (let i = 0; i < alpha.length; i++) alpha[i] = values[i * 4 + 3];
  return alpha;
}

test("brush mask painted and partly erased", { timeout: 120_000 }, async () => {
  const config = `<View>
    <Image name="image" value="$image"/>
    <BrushLabels name="mask" toName="image"><Label value="Road" background="#19a979"/></BrushLabels>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Brush e2e", config, "gradient.png", await testPng(), "image/png");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  await page.locator(".image-stage canvas").first().waitFor();
  const radius = Number(await page.getByLabel("Brush radius").inputValue());
  assert.equal(radius, 10);
  await page.locator(".label-button", { hasText: "Road" }).click();
  let view = await measureImage(0);

  // A horizontal stroke at y 100 from x 50 to x 250, then a vertical eraser
  // stroke across it at x 150.
  await drag(view.toScreen([50, 100]), view.toScreen([250, 100]));
  const entry = page.locator(".region-list li", { hasText: "Road" });
  await entry.waitFor();

  // Escape drops the label, so the Pan tool is back, and a click on the
  // mask selects its region; a click beside it selects nothing.
  await page.keyboard.press("Escape");
  await settle();
  await page.mouse.click(...view.toScreen([100, 130]));
  assert.equal(await page.locator(".region-list li.selected").count(), 0, "a click beside the mask selects nothing");
  await page.mouse.click(...view.toScreen([100, 100]));
  await page.locator(".region-list li.selected", { hasText: "Road" }).waitFor();
  await page.getByRole("button", { name: "Eraser" }).click();
  view = await measureImage(0);
  await drag(view.toScreen([150, 60]), view.toScreen([150, 140]));
  await settle();

  const result = await submitAndRead(taskId);
  assert.equal(result.length, 1, "one brush region");
  const [item] = result;
  assert.equal(item.type, "brushlabels");
  assert.equal(item.value.format, "rle");
  assert.deepEqual(item.value.brushlabels, ["Road"]);
  assert.equal(item.original_width, image.width);
  const mask = decodeMask(item.value.rle);
  assert.equal(mask.length, image.width * image.height, "the mask covers the natural image");
  const at = (x, y) => mask[y * image.width + x];
  assert.equal(at(60, 100), 255, "painted on the stroke");
  assert.equal(at(240, 105), 255, "painted within the radius");
  assert.equal(at(150, 100), 0, "erased where the eraser crossed");
  assert.equal(at(150, 92), 0, "erased across the stroke's width");
  assert.equal(at(60, 100 + radius + 3), 0, "nothing past the radius");
  assert.equal(at(300, 100), 0, "nothing past the stroke's end");
  // The eraser leaves two pieces: about (200 + 2r) x 2r painted minus the erased band.
  const painted = mask.reduce((sum, value) => sum + (value ? 1 : 0), 0);
  assert.ok(painted > 200 * 2 * radius * 0.7, `painted ${painted} pixels, too few`);
  assert.ok(painted < (200 + 2 * radius) * 2 * radius, `painted ${painted} pixels, too many`);
});

async function gotoFrame(frame) {
  const stage = page.locator(".video-stage");
  const current = Number(await stage.getAttribute("data-frame"));
  for (let step = current; step < frame; step++) await page.keyboard.press("ArrowRight");
  for (let step = current; step > frame; step--) await page.keyboard.press("ArrowLeft");
  await page.locator(`.video-stage[data-frame="${frame}"]`).waitFor();
  assert.equal(await readFrameNumber(page, ".video-stage video"), frame, `the video shows frame ${frame}`);
}

test("VideoRectangle track with two keyframes", { timeout: 120_000 }, async () => {
  const config = `<View>
    <Labels name="who" toName="video"><Label value="Man" background="#e8743b"/></Labels>
    <Video name="video" value="$video" framerate="${video.frameRate}"/>
    <VideoRectangle name="box" toName="video"/>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Video e2e", config, "frames.webm", await encodeFrameNumberVideo(page, video), "video/webm");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const stage = page.locator(".video-stage");
  await page.locator(`.video-stage[data-frames-count="${video.frames}"]`).waitFor();
  await stage.locator("canvas").first().waitFor();
  assert.equal(await readFrameNumber(page, ".video-stage video"), 1, "the video opens on frame 1");

  await page.locator(".label-button", { hasText: "Man" }).click();
  await gotoFrame(3);
  const box = await stage.locator("canvas").first().boundingBox();
  const scale = box.width / video.width;
  const toScreen = ([x, y]) => [box.x + x * scale, box.y + y * scale].map(Math.round);
  const from = toScreen([40, 30]);
  const to = toScreen([140, 110]);
  await drag(from, to);
  await page.locator(".region-list li", { hasText: "Man" }).waitFor();

  // Frame 8: the box stays in place, then a drag moves it 60 shown pixels right.
  await gotoFrame(8);
  await settle();
  const centre = toScreen([90, 70]);
  const moved = [centre[0] + 60, centre[1]];
  await drag(centre, moved);
  await page.getByText("keyframe", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Interpolation" }).click();

  const [item] = await submitAndRead(taskId);
  assert.equal(item.type, "videorectangle");
  assert.equal(item.from_name, "box");
  assert.equal(item.to_name, "video");
  assert.deepEqual(item.value.labels, ["Man"]);
  assert.equal(item.value.framesCount, video.frames);
  assert.ok(Math.abs(item.value.duration - video.frames / video.frameRate) < 1e-6, `duration ${item.value.duration}`);
  const [first, second] = item.value.sequence;
  assert.equal(item.value.sequence.length, 2);
  const percentX = (px) => ((px - box.x) / box.width) * 100;
  const percentY = (py) => ((py - box.y) / box.height) * 100;
  assert.equal(first.frame, 3);
  assert.equal(first.enabled, true);
  assertPercent(first.time, 3 / video.frameRate, "time of frame 3");
  assertPercent(first.x, percentX(from[0]), "x at frame 3");
  assertPercent(first.y, percentY(from[1]), "y at frame 3");
  assertPercent(first.width, percentX(to[0]) - percentX(from[0]), "width at frame 3");
  assertPercent(first.height, percentY(to[1]) - percentY(from[1]), "height at frame 3");
  assert.equal(second.frame, 8);
  assert.equal(second.enabled, false, "interpolation is off after frame 8");
  assertPercent(second.time, 8 / video.frameRate, "time of frame 8");
  assertPercent(second.x, first.x + percentX(moved[0]) - percentX(centre[0]), "x at frame 8");
  assertPercent(second.y, first.y, "y at frame 8");
  assertPercent(second.width, first.width, "width at frame 8");
});

test("timeline segments drawn under a video", { timeout: 120_000 }, async () => {
  const config = `<View>
    <Video name="video" value="$video" frameRate="${video.frameRate}"/>
    <TimelineLabels name="actions" toName="video">
      <Label value="Walk" background="#19a979"/><Label value="Run" background="#e8743b"/>
    </TimelineLabels>
    <Choices name="speed" toName="video" perRegion="true"><Choice value="Slow"/><Choice value="Fast"/></Choices>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Timeline e2e", config, "frames.webm", await encodeFrameNumberVideo(page, video), "video/webm");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  await page.locator(`.video-stage[data-frames-count="${video.frames}"]`).waitFor();
  const lane = page.locator(".video-timeline-lane");
  await lane.waitFor();
  const box = await lane.boundingBox();
  // The lane shows the frames side by side; border pixels are left out of the frame maths.
  const inner = await lane.evaluate((element) => ({ left: element.clientLeft, width: element.clientWidth }));
  const frameAt = (x) => Math.min(video.frames, Math.max(1, Math.floor(((x - box.x - inner.left) / inner.width) * video.frames) + 1));
  const xAt = (share) => Math.round(box.x + inner.left + inner.width * share);
  const y = Math.round(box.y + box.height / 2);

  // Without a label a click shows the frame under the pointer.
  await page.mouse.click(xAt(0.52), y);
  await page.locator(`.video-stage[data-frame="${frameAt(xAt(0.52))}"]`).waitFor();

  // A drag with "Run" makes a segment, which is then selected for its per-region choice.
  await page.locator(".label-button", { hasText: "Run" }).click();
  const from = xAt(0.12);
  const to = xAt(0.63);
  await drag([from, y], [to, y]);
  const segment = page.locator(".video-timeline-segment").first();
  await segment.waitFor();
  await page.locator("fieldset.choices.per-region").getByLabel("Fast").check();

  // A click with "Walk" makes a one-frame segment. Escape first, with the
  // focus still on the checked choice, because a label clicked while a
  // segment is selected relabels that segment.
  await page.keyboard.press("Escape");
  await page.locator(".label-button", { hasText: "Walk" }).click();
  // Checking the choice may have scrolled the page, so the lane is measured again.
  await lane.scrollIntoViewIfNeeded();
  const moved = await lane.boundingBox();
  const at = xAt(0.87);
  await page.mouse.click(at, Math.round(moved.y + moved.height / 2));
  await page.locator(".video-timeline-segment").nth(1).waitFor();
  assert.equal(await page.locator(".region-list li[data-region-id]").count(), 2);

  const result = await submitAndRead(taskId);
  const segments = result.filter((item) => item.type === "timelinelabels");
  assert.equal(segments.length, 2);
  const [run, walk] = segments;
  assert.equal(run.from_name, "actions");
  assert.equal(run.to_name, "video");
  assert.deepEqual(run.value.timelinelabels, ["Run"]);
  assert.deepEqual(run.value.ranges, [{ start: frameAt(from), end: frameAt(to) }]);
  assert.deepEqual(walk.value.timelinelabels, ["Walk"]);
  assert.deepEqual(walk.value.ranges, [{ start: frameAt(at), end: frameAt(at) }]);
  const speed = result.find((item) => item.from_name === "speed");
  assert.equal(speed.id, run.id, "the per-region choice carries the segment's id");
  assert.equal(speed.type, "choices");
  assert.deepEqual(speed.value, { ranges: run.value.ranges, choices: ["Fast"] });
});

test("timeline segment from Labels on a video", { timeout: 120_000 }, async () => {
  // Without a VideoRectangle, a Labels control on the video makes segments.
  const config = `<View>
    <Video name="video" value="$video" frameRate="${video.frameRate}"/>
    <Labels name="moves" toName="video"><Label value="Jump"/></Labels>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Labels timeline e2e", config, "frames.webm", await encodeFrameNumberVideo(page, video), "video/webm");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const lane = page.locator(".video-timeline-lane");
  await lane.waitFor();
  await page.locator(".label-button", { hasText: "Jump" }).click();
  await lane.scrollIntoViewIfNeeded();
  const box = await lane.boundingBox();
  const inner = await lane.evaluate((element) => ({ left: element.clientLeft, width: element.clientWidth }));
  const frameAt = (x) => Math.min(video.frames, Math.max(1, Math.floor(((x - box.x - inner.left) / inner.width) * video.frames) + 1));
  const y = Math.round(box.y + box.height / 2);
  const from = Math.round(box.x + inner.left + inner.width * 0.3);
  const to = Math.round(box.x + inner.left + inner.width * 0.45);
  await drag([from, y], [to, y]);
  await page.locator(".video-timeline-segment").first().waitFor();

  const [segment] = await submitAndRead(taskId);
  assert.equal(segment.type, "labels");
  assert.equal(segment.from_name, "moves");
  assert.deepEqual(segment.value, { ranges: [{ start: frameAt(from), end: frameAt(to) }], labels: ["Jump"] });
});

test("audio in a format the browser decodes", { timeout: 120_000 }, async () => {
  // A FLAC file takes the other way to a waveform: the worker sends its
  // bytes back, the page decodes them and streams the samples to the worker.
  const config = `<View>
    <Audio name="audio" value="$audio"/>
    <Labels name="speaker" toName="audio"><Label value="Speaker 1"/></Labels>
  </View>`;
  const { projectId, taskId } = await projectWithFile("Decoded audio e2e", config, "tone.flac", toneFlac(3), "audio/flac");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const wave = page.locator('.audio-wave[data-ready="true"]');
  await wave.waitFor();
  assert.equal(await page.locator(".notice").count(), 0, `no notice (${await page.locator(".notice").allTextContents()})`);
  const duration = Number(await wave.getAttribute("data-duration"));
  assert.ok(Math.abs(duration - 3) < 0.01, `duration ${duration} s`);

  await page.locator(".label-button").first().click();
  const box = await wave.boundingBox();
  const y = Math.round(box.y + box.height / 2);
  const from = Math.round(box.x + box.width * 0.5);
  await drag([from, y], [Math.round(box.x + box.width * 0.8), y]);
  await page.locator(".region-list li[data-region-id]").first().waitFor();
  const [segment] = await submitAndRead(taskId);
  assert.deepEqual(segment.value.labels, ["Speaker 1"]);
  assert.ok(Math.abs(segment.value.start - ((from - box.x) / box.width) * duration) < 0.005, `start ${segment.value.start} s`);
});

test("time-series range and instant over a CSV", { timeout: 120_000 }, async () => {
  const config = `<View>
    <TimeSeriesLabels name="activity" toName="ts"><Label value="Run" background="#945ecf"/></TimeSeriesLabels>
    <TimeSeries name="ts" valueType="url" value="$csv" sep="," timeColumn="time">
      <Channel column="velocity" legend="Velocity" strokeColor="#1f77b4"/>
    </TimeSeries>
  </View>`;
  const { projectId, taskId } = await projectWithTask("Time series e2e", config, { csv: csvUrl });
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const chart = page.locator(".time-series-chart").first();
  await chart.waitFor();
  assert.ok((await chart.locator("polyline").getAttribute("points")).split(" ").length >= 10, "the chart draws every sample");
  await page.locator(".label-button", { hasText: "Run" }).click();

  // Screen x of a time: the chart spans 0..9 s right of its axis margin.
  const box = await chart.boundingBox();
  const axis = Number(await chart.getAttribute("data-axis-width"));
  const [from, to] = [Number(await chart.getAttribute("data-from")), Number(await chart.getAttribute("data-to"))];
  assert.deepEqual([from, to], [0, 9]);
  const xOf = (time) => Math.round(box.x + axis + ((time - from) / (to - from)) * (box.width - axis));
  const y = Math.round(box.y + box.height / 2);

  // A drag from near 2.2 s to near 5.8 s snaps to the samples 2 and 6.
  await drag([xOf(2.2), y], [xOf(5.8), y]);
  await page.locator(".region-list li", { hasText: "range" }).waitFor();
  await page.mouse.click(xOf(7.1), y);
  await page.locator(".region-list li", { hasText: "instant" }).waitFor();

  const result = await submitAndRead(taskId);
  assert.equal(result.length, 2);
  const [range, instant] = result;
  for (const item of result) {
    assert.equal(item.type, "timeserieslabels");
    assert.equal(item.from_name, "activity");
    assert.equal(item.to_name, "ts");
    assert.deepEqual(item.value.timeserieslabels, ["Run"]);
  }
  assert.deepEqual([range.value.start, range.value.end, range.value.instant], [2, 6, false]);
  assert.deepEqual([instant.value.start, instant.value.end, instant.value.instant], [7, 7, true]);
});

// Gallery templates on a Video or a TimeSeries whose tags the editor
// supports. Left out: templates that also play the video's sound through an
// Audio object, because the test video has no sound.
function mediaTemplates() {
  return supportedTemplates({ stripComments: true }).filter(({ tags }) => {
    const media = tags.has("Video") || tags.has("TimeSeries");
    const sound = tags.has("Audio") || tags.has("AudioPlus");
    return media && !sound;
  });
}

// Names of a template's per-region controls (perRegion="true").
function perRegionControls(xml) {
  return [...xml.matchAll(/<(?:Choices|Rating|Number|TextArea)\b[^>]*>/g)]
    .map((match) => match[0])
    .filter((tag) => /perRegion="true"/.test(tag))
    .map((tag) => /\bname="([^"]+)"/.exec(tag)[1]);
}

// Answers every per-region control shown for the selected region: the
// first choice, the first star, the number 1 and a text.
async function answerPerRegionControls() {
  for (const choices of await page.locator("fieldset.choices.per-region").all()) await choices.locator("input").first().check();
  for (const rating of await page.locator("fieldset.rating.per-region").all()) await rating.locator("button").first().click();
  for (const number of await page.locator(".number.per-region input").all()) await number.fill("1");
  for (const area of await page.locator(".textarea.per-region textarea").all()) await area.fill("e2e");
}

// Checks that each per-region control stored one item for the region,
// with the region's id and its position repeated in the value.
function assertPerRegionAnswers(file, xml, result, region, positionKey) {
  for (const name of perRegionControls(xml)) {
    const answer = result.find((item) => item.from_name === name);
    assert.ok(answer, `${file}: the per-region answer of ${name} is stored (${JSON.stringify(result).slice(0, 300)})`);
    assert.equal(answer.id, region.id, `${file}: ${name} carries the region's id`);
    assert.deepEqual(answer.value[positionKey], region.value[positionKey], `${file}: ${name} repeats the region's ${positionKey}`);
  }
}

test("gallery video and time-series templates render and submit", { skip: galleryMissing, timeout: 300_000 }, async () => {
  const templates = mediaTemplates();
  assert.ok(templates.length >= 4, `found ${templates.length} video and time-series templates`);
  const names = templates.map(({ file }) => file);
  for (const file of ["time-series-analysis__outliers-anomaly-detection.xml", "time-series-analysis__signal-quality.xml"]) {
    assert.ok(names.includes(file), `${file} is among the templates`);
  }
  const videoBytes = await encodeFrameNumberVideo(page, video);
  for (const { file, xml } of templates) {
    const title = file.replace(/\.xml$/, "").slice(0, 50);
    let task;
    if (xml.includes("<Video")) {
      task = await projectWithFile(title, xml, "frames.webm", videoBytes, "video/webm");
    } else {
      const key = /<TimeSeries[^>]*value="\$(\w+)"/.exec(xml)[1];
      const url = `${csvUrl.replace("velocity.csv", "")}${xml.includes("timeFormat") ? "gallery-dated.csv" : "gallery.csv"}`;
      task = await projectWithTask(title, xml, { [key]: url });
    }
    await page.goto(`${tally.baseUrl}/projects/${task.projectId}/label?task=${task.taskId}`);
    const media = page.locator(".video-stage canvas, .time-series-chart").first();
    await media.waitFor();
    assert.equal(await page.locator(".notice").count(), 0, `${file}: no notice (${await page.locator(".notice").allTextContents()})`);

    // One region with the first label: a box on the video, a range on the chart.
    const labels = page.locator(".label-button");
    const drawn = (await labels.count()) > 0;
    if (drawn) {
      await labels.first().click();
      const box = await media.boundingBox();
      const y = box.y + box.height / 2;
      await drag([box.x + box.width * 0.3, y - 20], [box.x + box.width * 0.6, y + 20]);
      const row = page.locator(".region-list li[data-region-id]").first();
      await row.waitFor();
      // Select the region, so its per-region controls show.
      await row.getByRole("button").first().click();
      await answerPerRegionControls();
    }
    for (const choices of await page.locator("fieldset.choices:not(.per-region)").all()) await choices.locator("input").first().check();

    const result = await submitAndRead(task.taskId);
    assert.ok(result.length > 0, `${file}: the result is not empty`);
    const region = result.find((item) => item.type === "videorectangle" || item.type === "timeserieslabels");
    if (drawn) assert.ok(region, `${file}: the drawn region is stored (${JSON.stringify(result).slice(0, 200)})`);
    if (region) assertPerRegionAnswers(file, xml, result, region, region.type === "videorectangle" ? "sequence" : "start");
  }
});

// Gallery templates with Labels on an Audio and per-region controls on its
// segments, whose tags the editor supports.
function audioTemplates() {
  return supportedTemplates({ stripComments: true }).filter(({ xml, tags }) => {
    const sound = tags.has("Audio") || tags.has("AudioPlus");
    return sound && !tags.has("Video") && perRegionControls(xml).length > 0;
  });
}

test("gallery audio templates store per-region answers", { skip: galleryMissing, timeout: 300_000 }, async () => {
  const templates = audioTemplates();
  assert.ok(templates.length >= 3, `found ${templates.length} audio templates with per-region controls`);
  for (const { file, xml } of templates) {
    const task = await projectWithFile(file.replace(/\.xml$/, "").slice(0, 50), xml, "tone.wav", toneWav(4), "audio/wav");
    await page.goto(`${tally.baseUrl}/projects/${task.projectId}/label?task=${task.taskId}`);
    const wave = page.locator('.audio-wave[data-ready="true"]');
    await wave.waitFor();
    assert.equal(await page.locator(".notice").count(), 0, `${file}: no notice (${await page.locator(".notice").allTextContents()})`);

    // A segment with the first label; the new segment is selected.
    await page.locator(".label-button").first().click();
    const box = await wave.boundingBox();
    const y = Math.round(box.y + box.height / 2);
    await drag([Math.round(box.x + box.width * 0.25), y], [Math.round(box.x + box.width * 0.6), y]);
    await page.locator(".region-list li[data-region-id]").first().waitFor();
    await answerPerRegionControls();
    for (const choices of await page.locator("fieldset.choices:not(.per-region)").all()) await choices.locator("input").first().check();

    const result = await submitAndRead(task.taskId);
    const segment = result.find((item) => item.type === "labels");
    assert.ok(segment, `${file}: the segment is stored (${JSON.stringify(result).slice(0, 200)})`);
    assertPerRegionAnswers(file, xml, result, segment, "start");
    assertPerRegionAnswers(file, xml, result, segment, "end");
  }
});
