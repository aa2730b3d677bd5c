// The image editor as an annotator uses it, in Debian's Chromium against a
// real `tally serve`. The suite uploads a photograph into a project and
// draws boxes, polygons, keypoints and ellipses with the mouse at known
// screen positions, edits them with the keyboard and submits. It checks the
// stored percent coordinates against values computed here from the mouse
// positions, the stage's fit-to-screen layout and the image size, then
// exports the boxes and polygons as YOLO and compares them line by line.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { assertPercent, drag as dragMouse, settle as settleCanvas, submitAndRead as submitAndReadResult } from "./support/editor.mjs";
import { toneWav } from "./support/wav.mjs";
import { galleryMissing, supportedTemplates } from "./support/gallery.mjs";
import { startTally } from "./support/tally.mjs";

// A 500 x 338 JPEG from Debian's labelme-examples package.
const photoPath = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/JPEGImages/2011_000003.jpg";
const photo = { width: 500, height: 338 };
const stageHeight = 540; // the editor's fixed viewport height

const photoMissing = !existsSync(photoPath);
if (photoMissing && process.env.CI === "true") {
  throw new Error(`${photoPath} is missing; install labelme-examples (scripts/install-deps.sh)`);
}
const screenshotDir = process.env.TALLY_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "tally-screens-"));
mkdirSync(screenshotDir, { recursive: true });
const skip = photoMissing ? `${photoPath} is missing; install labelme-examples to run this suite` : false;

const detectionConfig = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person" background="#e8743b"/>
    <Label value="Car" background="#2f6fd6"/>
  </RectangleLabels>
  <PolygonLabels name="outline" toName="image">
    <Label value="Road" background="#19a979"/>
  </PolygonLabels>
</View>`;

const pointConfig = `<View>
  <Image name="image" value="$image"/>
  <KeyPointLabels name="point" toName="image">
    <Label value="Eye" background="#945ecf"/>
  </KeyPointLabels>
  <EllipseLabels name="blob" toName="image">
    <Label value="Face" background="#ed4a7b"/>
  </EllipseLabels>
</View>`;

let tally;
let browser;
let page;

before(async () => {
  if (skip) return;
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
});

after(async () => {
  await browser?.close();
  await tally?.stop();
});

// Creates a project and uploads the photograph as its one task.
function projectWithPhoto(title, labelConfig) {
  return projectWithFile(title, labelConfig, basename(photoPath), readFileSync(photoPath), "image/jpeg");
}

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
  // The upload lands under the config's one data key, "image" or another.
  const urls = Object.values(tasks[0].data);
  assert.equal(urls.length, 1);
  const extension = name.slice(name.lastIndexOf("."));
  assert.ok(urls[0].startsWith(`/data/upload/${project.id}/`), `uploaded to ${urls[0]}`);
  assert.ok(urls[0].endsWith(extension), `uploaded to ${urls[0]}`);
  return { projectId: project.id, taskId: tasks[0].id };
}

async function openImage(projectId, taskId) {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const stage = page.locator(".image-stage");
  await stage.locator("canvas").first().waitFor();
  assert.equal(await stage.getAttribute("data-natural-width"), String(photo.width));
  assert.equal(await stage.getAttribute("data-natural-height"), String(photo.height));
  return measureStage();
}

// Converters between natural image pixels and the page's screen pixels,
// computed from the fit-to-screen rule (the whole image, scaled uniformly,
// centred in the stage) and where the stage is now. Measure again after
// anything that may scroll the page.
async function measureStage() {
  const stage = page.locator(".image-stage");
  const box = await stage.locator("canvas").first().boundingBox();
  assert.equal(Math.round(box.height), stageHeight);
  const scale = Math.min(box.width / photo.width, stageHeight / photo.height);
  const offsetX = (box.width - photo.width * scale) / 2;
  const offsetY = (stageHeight - photo.height * scale) / 2;
  assert.ok(Math.abs(Number(await stage.getAttribute("data-scale")) - scale) < 1e-9, "the stage opens fitted to screen");
  return {
    scale,
    toScreen: ([x, y]) => [box.x + offsetX + x * scale, box.y + offsetY + y * scale],
    toImage: ([sx, sy]) => [(sx - box.x - offsetX) / scale, (sy - box.y - offsetY) / scale],
  };
}

// The shared editor steps, bound to this suite's page and server.
const settle = () => settleCanvas(page);
const drag = (from, to) => dragMouse(page, from, to, 6);
const submitAndRead = (taskId) => submitAndReadResult(page, tally, taskId);

// Presses a label button, which may scroll the page, and returns the
// stage's layout after it.
async function chooseLabel(name) {
  await page.locator(".label-button", { hasText: name }).click();
  return measureStage();
}

const pct = {
  x: (px) => (px / photo.width) * 100,
  y: (px) => (px / photo.height) * 100,
};

test("boxes and polygons drawn with the mouse, stored and exported as YOLO", { skip, timeout: 120_000 }, async () => {
  const { projectId, taskId } = await projectWithPhoto("Image boxes e2e", detectionConfig);
  await openImage(projectId, taskId);
  await page.getByText("Click a label, then draw on the image.").waitFor();

  // A box from screen points picked over the image.
  let view = await chooseLabel("Car");
  const boxFrom = view.toScreen([60, 40]).map(Math.round);
  const boxTo = view.toScreen([210, 150]).map(Math.round);
  await drag(boxFrom, boxTo);
  await page.locator(".region-list li", { hasText: "Car" }).waitFor();
  const boxView = view;

  // A second box, selected by a click and deleted with the Delete key.
  await drag(view.toScreen([300, 200]).map(Math.round), view.toScreen([340, 240]).map(Math.round));
  assert.equal(await page.locator(".region-list li").count(), 2);
  await settle();
  await page.mouse.click(...view.toScreen([320, 220]).map(Math.round));
  await page.locator(".region-list li.selected").waitFor();
  await page.keyboard.press("Delete");
  assert.equal(await page.locator(".region-list li").count(), 1);

  // Select the first box again from the list and nudge it: 3 px right, 10 px down.
  await page.locator(".region-list li", { hasText: "Car" }).getByRole("button").first().click();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowDown");

  // A polygon: three clicks, then a click on the first point closes it.
  view = await chooseLabel("Road");
  const corners = [view.toScreen([260, 250]), view.toScreen([460, 260]), view.toScreen([380, 320])].map((p) => p.map(Math.round));
  for (const corner of corners) await page.mouse.click(...corner);
  await page.mouse.click(...corners[0]);
  await page.locator(".region-list li", { hasText: "Road" }).waitFor();

  const result = await submitAndRead(taskId);
  assert.equal(result.length, 2);
  const box = result.find((item) => item.type === "rectanglelabels");
  const [x1, y1] = boxView.toImage(boxFrom);
  const [x2, y2] = boxView.toImage(boxTo);
  assert.deepEqual([box.from_name, box.to_name, box.original_width, box.original_height, box.image_rotation], ["box", "image", 500, 338, 0]);
  assert.deepEqual(box.value.rectanglelabels, ["Car"]);
  assertPercent(box.value.x, pct.x(x1 + 3), "box x");
  assertPercent(box.value.y, pct.y(y1 + 10), "box y");
  assertPercent(box.value.width, pct.x(x2 - x1), "box width");
  assertPercent(box.value.height, pct.y(y2 - y1), "box height");
  assert.equal(box.value.rotation, 0);
  assert.match(box.id, /^[A-Za-z0-9_-]{10}$/);

  const polygon = result.find((item) => item.type === "polygonlabels");
  assert.deepEqual(polygon.value.polygonlabels, ["Road"]);
  assert.equal(polygon.value.closed, true);
  assert.equal(polygon.value.points.length, 3);
  polygon.value.points.forEach(([px, py], i) => {
    const [ix, iy] = view.toImage(corners[i]);
    assertPercent(px, pct.x(ix), `polygon point ${i} x`);
    assertPercent(py, pct.y(iy), `polygon point ${i} y`);
  });

  // YOLO: one line per region, "class cx cy w h" for the box and the
  // polygon's points as fractions, with class ids from classes.txt.
  const response = await fetch(`${tally.baseUrl}/api/projects/${projectId}/export?exportType=YOLO`, {
    headers: { Cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
  });
  assert.equal(response.status, 200);
  const dir = mkdtempSync(join(tmpdir(), "tally-yolo-"));
  writeFileSync(join(dir, "export.zip"), Buffer.from(await response.arrayBuffer()));
  const unzip = (name) => execFileSync("unzip", ["-p", join(dir, "export.zip"), name], { encoding: "utf8" });
  const classes = unzip("classes.txt").trim().split("\n");
  const labelFile = execFileSync("unzip", ["-Z1", join(dir, "export.zip")], { encoding: "utf8" })
    .split("\n")
    .find((name) => name.startsWith("labels/") && name.endsWith(".txt"));
  assert.ok(labelFile, "the export has a label file for the image");
  const lines = unzip(labelFile).trim().split("\n").map((line) => line.split(" ").map(Number));
  const expectedBox = [
    classes.indexOf("Car"),
    (box.value.x + box.value.width / 2) / 100,
    (box.value.y + box.value.height / 2) / 100,
    box.value.width / 100,
    box.value.height / 100,
  ];
  const expectedPolygon = [classes.indexOf("Road"), ...polygon.value.points.flat().map((v) => v / 100)];
  assert.ok(expectedBox[0] >= 0, `classes.txt lists Car: ${classes}`);
  assert.ok(expectedPolygon[0] >= 0, `classes.txt lists Road: ${classes}`);
  assert.equal(lines.length, 2);
  const boxLine = lines.find((line) => line.length === 5);
  const polygonLine = lines.find((line) => line.length === 7);
  expectedBox.forEach((value, i) => assert.ok(Math.abs(boxLine[i] - value) < 1e-9, `YOLO box field ${i}: ${boxLine[i]} vs ${value}`));
  expectedPolygon.forEach((value, i) =>
    assert.ok(Math.abs(polygonLine[i] - value) < 1e-9, `YOLO polygon field ${i}: ${polygonLine[i]} vs ${value}`),
  );
});

test("keypoints and ellipses drawn with the mouse", { skip, timeout: 120_000 }, async () => {
  const { projectId, taskId } = await projectWithPhoto("Image points e2e", pointConfig);
  await openImage(projectId, taskId);

  const eyeView = await chooseLabel("Eye");
  const eye = eyeView.toScreen([240, 110]).map(Math.round);
  await page.mouse.click(...eye);
  await page.locator(".region-list li", { hasText: "Eye" }).waitFor();

  // An ellipse is drawn from its centre outwards.
  const view = await chooseLabel("Face");
  const centre = view.toScreen([250, 150]).map(Math.round);
  const rim = view.toScreen([320, 250]).map(Math.round);
  await drag(centre, rim);
  await page.locator(".region-list li", { hasText: "Face" }).waitFor();

  // Hide, then show the ellipse from the region list; both stay in the result.
  const faceRow = page.locator(".region-list li", { hasText: "Face" });
  await faceRow.getByRole("button", { name: /Hide region/ }).click();
  assert.equal(await faceRow.getByRole("button", { name: /Hide region/ }).getAttribute("aria-pressed"), "true");
  await faceRow.getByRole("button", { name: /Hide region/ }).click();

  const result = await submitAndRead(taskId);
  assert.equal(result.length, 2);
  const point = result.find((item) => item.type === "keypointlabels");
  const [ex, ey] = eyeView.toImage(eye);
  assert.deepEqual(point.value.keypointlabels, ["Eye"]);
  assertPercent(point.value.x, pct.x(ex), "keypoint x");
  assertPercent(point.value.y, pct.y(ey), "keypoint y");
  assertPercent(point.value.width, pct.x(3), "keypoint width");
  assert.deepEqual([point.original_width, point.original_height], [500, 338]);

  const ellipse = result.find((item) => item.type === "ellipselabels");
  const [cx, cy] = view.toImage(centre);
  const [rx, ry] = view.toImage(rim);
  assert.deepEqual(ellipse.value.ellipselabels, ["Face"]);
  assertPercent(ellipse.value.x, pct.x(cx), "ellipse x");
  assertPercent(ellipse.value.y, pct.y(cy), "ellipse y");
  assertPercent(ellipse.value.radiusX, pct.x(rx - cx), "ellipse radiusX");
  assertPercent(ellipse.value.radiusY, pct.y(ry - cy), "ellipse radiusY");
  assert.equal(ellipse.value.rotation, 0);
});

test("predicted regions edited with the mouse", { skip, timeout: 120_000 }, async () => {
  const { projectId, taskId } = await projectWithPhoto("Image edits e2e", detectionConfig);
  const region = (id, type, value) => ({
    id,
    from_name: type === "rectanglelabels" ? "box" : "outline",
    to_name: "image",
    type,
    original_width: 500,
    original_height: 338,
    image_rotation: 0,
    value,
  });
  await tally.api("/api/predictions", {
    method: "POST",
    body: JSON.stringify({
      task: taskId,
      model_version: "e2e",
      score: 0.5,
      result: [
        region("pbox", "rectanglelabels", { x: 20, y: 20, width: 20, height: 20, rotation: 0, rectanglelabels: ["Person"] }),
        region("ppoly", "polygonlabels", {
          points: [
            [60, 60],
            [90, 60],
            [90, 90],
            [60, 90],
          ],
          closed: true,
          polygonlabels: ["Road"],
        }),
      ],
    }),
  });
  await openImage(projectId, taskId);
  await page.locator(".region-list li[data-region-id]").nth(1).waitFor();
  const view = await measureStage();
  const scale = view.scale;

  // Box in natural pixels, updated after each edit.
  let x = 100;
  let y = 0.2 * 338;
  let w = 100;
  let h = 0.2 * 338;

  // Select by clicking inside the box, then resize from the bottom-right handle.
  const round = (point) => point.map(Math.round);
  await page.mouse.click(...round(view.toScreen([x + w / 2, y + h / 2])));
  await settle();
  const corner = round(view.toScreen([x + w, y + h]));
  await drag(corner, [corner[0] + 30, corner[1] + 20]);
  await settle();
  w += 30 / scale;
  h += 20 / scale;

  // Move by dragging the body.
  const body = round(view.toScreen([x + w / 2, y + h / 2]));
  await drag(body, [body[0] + 40, body[1] + 25]);
  await settle();
  x += 40 / scale;
  y += 25 / scale;

  // Rotate: the rotation handle sits 50 screen px above the middle of the
  // top edge. Konva turns the box around its centre until the handle points
  // from the centre to the pointer, keeping the handle's offset from where
  // the press landed, so a drag level with the centre turns it about 90
  // degrees clockwise.
  const centre = [x + w / 2, y + h / 2];
  const [topX, topY] = view.toScreen([x + w / 2, y]);
  const handle = [topX, topY - 50];
  const press = handle.map(Math.round);
  const target = view.toScreen(centre).map((v, i) => Math.round(v + [120, 0][i]));
  await drag(press, target);
  await settle();
  const [cx, cy] = view.toScreen(centre);
  const handleEnd = [target[0] - (press[0] - handle[0]), target[1] - (press[1] - handle[1])];
  const rotation = (Math.atan2(handleEnd[1] - cy, handleEnd[0] - cx) * 180) / Math.PI + 90;
  assert.ok(Math.abs(rotation - 90) < 1, `the drag turns the box by about 90 degrees, not ${rotation}`);
  // The stored top-left corner of a box turned by `degrees` around its centre.
  const rotatedCorner = (degrees) => {
    const radians = (degrees * Math.PI) / 180;
    return [
      centre[0] + (-w / 2) * Math.cos(radians) - (-h / 2) * Math.sin(radians),
      centre[1] + (-w / 2) * Math.sin(radians) + (-h / 2) * Math.cos(radians),
    ];
  };

  // Polygon: select, drag the first point, Alt+click the third away, and
  // double-click next to the middle of the closing edge, which adds the
  // pointer's position as a point on that edge.
  const screen = (point) => round(view.toScreen(point));
  let points = [
    [300, 0.6 * 338],
    [450, 0.6 * 338],
    [450, 0.9 * 338],
    [300, 0.9 * 338],
  ];
  await page.mouse.click(...screen([375, 0.75 * 338]));
  await settle();
  const firstFrom = screen(points[0]);
  const firstTo = [firstFrom[0] - 15, firstFrom[1] - 10];
  await drag(firstFrom, firstTo);
  await settle();
  points[0] = [points[0][0] - 15 / scale, points[0][1] - 10 / scale];
  await page.keyboard.down("Alt");
  await page.mouse.click(...screen(points[2]));
  await page.keyboard.up("Alt");
  await settle();
  points = [points[0], points[1], points[3]];
  // Konva counts a click within 400 ms of the previous one as the second
  // click of a double-click, so wait that long after the Alt+click.
  await page.waitForTimeout(450);
  // 4 px inside the polygon, so the press lands on its fill.
  const onEdge = screen([(points[2][0] + points[0][0]) / 2, (points[2][1] + points[0][1]) / 2]);
  const closingMiddle = [onEdge[0] + 4, onEdge[1]];
  await page.mouse.dblclick(...closingMiddle);
  await settle();
  points = [...points, view.toImage(closingMiddle)];

  const result = await submitAndRead(taskId);
  const box = result.find((item) => item.id === "pbox");
  assert.equal(box.origin, "prediction-changed");
  assert.deepEqual(box.value.rectanglelabels, ["Person"]);
  // NOTE: with the stage at a fractional page offset, the angle Konva stores
  // was seen 0.12 degrees (a quarter pixel at 120 px) from the one computed
  // here, for a reason not pinned down. The angle is checked to half a
  // pixel, 0.24 degrees, and the corner to 4 decimals from the stored angle.
  const tolerance = (Math.atan2(0.5, 120) * 180) / Math.PI;
  assert.ok(Math.abs(box.value.rotation - rotation) <= tolerance, `box rotation: stored ${box.value.rotation}, expected ${rotation}`);
  assertPercent(box.value.width, pct.x(w), "box width");
  assertPercent(box.value.height, pct.y(h), "box height");
  const [rotatedX, rotatedY] = rotatedCorner(box.value.rotation);
  assertPercent(box.value.x, pct.x(rotatedX), "rotated box x");
  assertPercent(box.value.y, pct.y(rotatedY), "rotated box y");

  const polygon = result.find((item) => item.id === "ppoly");
  assert.equal(polygon.origin, "prediction-changed");
  assert.equal(polygon.value.points.length, 4);
  polygon.value.points.forEach(([px, py], i) => {
    assertPercent(px, pct.x(points[i][0]), `edited polygon point ${i} x`);
    assertPercent(py, pct.y(points[i][1]), `edited polygon point ${i} y`);
  });
});

// Gallery templates on one Image whose tags the editor supports.
function imageTemplates() {
  return supportedTemplates().filter(({ xml, tags }) => {
    const dataKeys = new Set([...xml.matchAll(/value="\$([A-Za-z_][\w]*)"/g)].map((match) => match[1]));
    return tags.has("Image") && dataKeys.size === 1;
  });
}

test("gallery image templates render and submit", { skip: skip || galleryMissing, timeout: 300_000 }, async () => {
  const templates = imageTemplates();
  assert.ok(templates.length >= 8, `found ${templates.length} image templates`);
  for (const { file, xml } of templates) {
    const { projectId, taskId } = await projectWithPhoto(file.replace(/\.xml$/, "").slice(0, 50), xml);
    await openImage(projectId, taskId);
    assert.equal(await page.locator(".notice").count(), 0, `${file}: no tag is reported as unsupported`);

    // Draw one region with the first label, or the first shape tool the
    // template offers; templates without shapes get a choice or a text.
    const tools = page.getByRole("toolbar", { name: /Tools for/ }).first();
    const shapeButtons = tools.getByRole("button", { name: /^(Rectangle|Polygon|Keypoint|Ellipse)$/ });
    const labelButtons = page.locator(".label-button");
    if ((await labelButtons.count()) > 0) await labelButtons.first().click();
    if ((await shapeButtons.count()) > 0 && (await shapeButtons.first().isEnabled())) await shapeButtons.first().click();
    const tool = await tools.locator('button[aria-pressed="true"]').textContent();
    const view = await measureStage();
    const at = (point) => view.toScreen(point).map(Math.round);
    if (tool === "Polygon") {
      for (const point of [[100, 100], [200, 100], [150, 200], [100, 100]]) await page.mouse.click(...at(point));
    } else if (tool === "Keypoint") {
      await page.mouse.click(...at([100, 100]));
    } else if (tool !== "Pan") {
      await drag(at([100, 100]), at([200, 200]));
    }
    const drawn = tool !== "Pan";
    if (drawn) {
      // Select the region, so per-region text fields show.
      await page.locator(".region-list li[data-region-id]").first().getByRole("button").first().click();
    }
    for (const choices of await page.locator("fieldset.choices").all()) await choices.locator("input").first().check();
    for (const area of await page.locator("textarea").all()) await area.fill("e2e");

    const result = await submitAndRead(taskId);
    assert.ok(result.length > 0, `${file}: the result is not empty`);
    if (drawn) {
      assert.ok(
        result.some((item) => item.original_width === 500 && item.type !== "textarea"),
        `${file}: the drawn region is stored (${JSON.stringify(result).slice(0, 200)})`,
      );
    }
    if (/<Labels\b/.test(xml) && /<(Rectangle|Polygon)\b/.test(xml)) {
      // A bare tool with a Labels label: a shape item and a labels item share the id.
      const shape = result.find((item) => item.type === "rectangle" || item.type === "polygon");
      const labels = result.find((item) => item.type === "labels" && item.id === shape?.id);
      assert.ok(labels?.value.labels.length === 1, `${file}: the labels item of the drawn shape (${JSON.stringify(result).slice(0, 300)})`);
    }
  }
});

test("relation between two boxes drawn and stored", { skip, timeout: 120_000 }, async () => {
  const relationConfig = detectionConfig.replace(
    "</View>",
    `  <Relations><Relation value="left_of"/><Relation value="holds"/></Relations>\n</View>`,
  );
  const { projectId, taskId } = await projectWithPhoto("Image relations e2e", relationConfig);
  await openImage(projectId, taskId);
  const view = await chooseLabel("Person");
  await drag(view.toScreen([40, 40]).map(Math.round), view.toScreen([120, 200]).map(Math.round));
  await chooseLabel("Car");
  const carView = await measureStage();
  await drag(carView.toScreen([250, 150]).map(Math.round), carView.toScreen([450, 300]).map(Math.round));
  const rows = page.locator(".region-list li[data-region-id]");
  await rows.nth(1).waitFor();
  const [personId, carId] = await rows.evaluateAll((items) => items.map((item) => item.dataset.regionId));

  // Relate the person to the car: its "relate" button, then the car's row.
  await rows.nth(0).getByRole("button", { name: /Relate region/ }).click();
  await rows.nth(1).getByRole("button").first().click();
  const relationRow = page.locator(".relation-list li");
  await relationRow.waitFor();
  assert.match(await relationRow.textContent(), /1 Person → 2 Car/);
  await settle();
  assert.equal(await page.evaluate(() => window.Konva.stages[0].find(".relation").length), 1, "one arrow on the canvas");

  await relationRow.getByRole("button", { name: "holds" }).click();
  await relationRow.getByRole("button", { name: /Change direction/ }).click();
  assert.match(await relationRow.textContent(), /1 Person ← 2 Car/);
  await page.locator(".image-stage").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshotDir, "image-labeling.jpg"), type: "jpeg", quality: 70 });

  const result = await submitAndRead(taskId);
  const relations = result.filter((item) => item.type === "relation");
  assert.equal(relations.length, 1);
  assert.equal(relations[0].from_id, personId);
  assert.equal(relations[0].to_id, carId);
  assert.equal(relations[0].direction, "left");
  assert.deepEqual(relations[0].labels, ["holds"]);
  assert.equal(result.filter((item) => item.type === "rectanglelabels").length, 2);
});

test("zoom, pan and fit, then draw on the zoomed image", { skip, timeout: 120_000 }, async () => {
  const { projectId, taskId } = await projectWithPhoto("Image zoom e2e", detectionConfig);
  const fitted = await openImage(projectId, taskId);
  const stage = page.locator(".image-stage");
  const transform = async () => ({
    scale: Number(await stage.getAttribute("data-scale")),
    x: Number(await stage.getAttribute("data-offset-x")),
    y: Number(await stage.getAttribute("data-offset-y")),
  });
  const canvas = await stage.locator("canvas").first().boundingBox();

  // Brightness and contrast change the drawn pixels, not the stored data.
  const meanLevel = () =>
    page.evaluate(() => {
      const canvas = window.Konva.stages[0].getLayers()[0].getCanvas()._canvas;
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
      return sum / (data.length / 4) / 3;
    });
  const plain = await meanLevel();
  await page.getByLabel("Brightness").fill("60");
  await settle();
  const brighter = await meanLevel();
  assert.ok(brighter > plain + 20, `brightness 60 raises the mean level from ${plain} to ${brighter}`);
  await page.getByLabel("Brightness").fill("0");
  await settle();
  assert.ok(Math.abs((await meanLevel()) - plain) < 0.5, "brightness 0 restores the image");

  // The + button zooms by 1.2 around the middle of the stage.
  await page.getByRole("button", { name: "Zoom in" }).click();
  const zoomed = await transform();
  assert.ok(Math.abs(zoomed.scale - fitted.scale * 1.2) < 1e-9, `scale ${zoomed.scale} after one zoom step`);

  // The wheel zooms around the pointer: the image point under it stays put.
  const pointer = fitted.toScreen([150, 100]).map(Math.round);
  const imagePoint = (t) => [(pointer[0] - canvas.x - t.x) / t.scale, (pointer[1] - canvas.y - t.y) / t.scale];
  const before = imagePoint(zoomed);
  await page.mouse.move(...pointer);
  await page.mouse.wheel(0, -100);
  await page.waitForFunction((scale) => Number(document.querySelector(".image-stage").dataset.scale) > scale + 1e-9, zoomed.scale);
  const wheeled = await transform();
  const after = imagePoint(wheeled);
  assert.ok(Math.abs(after[0] - before[0]) < 1e-6, `x under the pointer moved from ${before[0]} to ${after[0]}`);
  assert.ok(Math.abs(after[1] - before[1]) < 1e-6, `y under the pointer moved from ${before[1]} to ${after[1]}`);

  // The Pan tool drags the image by the mouse's movement.
  await drag(pointer, [pointer[0] - 80, pointer[1] - 30]);
  await page.waitForFunction((x) => Number(document.querySelector(".image-stage").dataset.offsetX) !== x, wheeled.x);
  const panned = await transform();
  assert.ok(Math.abs(panned.x - (wheeled.x - 80)) < 1e-6, `offset x ${panned.x} after panning 80 px left`);
  assert.ok(Math.abs(panned.y - (wheeled.y - 30)) < 1e-6, `offset y ${panned.y} after panning 30 px up`);

  // A box drawn now converts through the zoomed and panned view.
  await page.locator(".label-button", { hasText: "Car" }).click();
  const box = await stage.locator("canvas").first().boundingBox();
  const from = [Math.round(box.x + 200), Math.round(box.y + 150)];
  const to = [Math.round(box.x + 360), Math.round(box.y + 260)];
  await drag(from, to);
  const toImage = ([sx, sy]) => [(sx - box.x - panned.x) / panned.scale, (sy - box.y - panned.y) / panned.scale];

  // Lock the box: Delete and the arrow keys leave it alone.
  const row = page.locator(".region-list li[data-region-id]").first();
  await row.getByRole("button").first().click();
  await row.getByRole("button", { name: /Lock region/ }).click();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Delete");
  assert.equal(await page.locator(".region-list li[data-region-id]").count(), 1, "a locked region is not deleted");
  // Copy and paste: the copy lands 10 image pixels right and down, unlocked.
  await page.keyboard.press("Control+C");
  await page.keyboard.press("Control+V");
  assert.equal(await page.locator(".region-list li[data-region-id]").count(), 2, "Ctrl+V pastes a copy");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".region-list li.selected").count(), 0, "Escape deselects");

  // Fit shows the whole image again.
  await page.getByRole("button", { name: "Fit" }).click();
  assert.ok(Math.abs((await transform()).scale - fitted.scale) < 1e-9);

  const result = await submitAndRead(taskId);
  const [x1, y1] = toImage(from);
  const [x2, y2] = toImage(to);
  const [stored, pasted] = result.filter((item) => item.type === "rectanglelabels").map((item) => item.value);
  assertPercent(stored.x, pct.x(x1), "zoomed box x");
  assertPercent(stored.y, pct.y(y1), "zoomed box y");
  assertPercent(stored.width, pct.x(x2 - x1), "zoomed box width");
  assertPercent(stored.height, pct.y(y2 - y1), "zoomed box height");
  assertPercent(pasted.x, pct.x(x1 + 10), "pasted box x");
  assertPercent(pasted.y, pct.y(y1 + 10), "pasted box y");
  assert.deepEqual(pasted.rectanglelabels, ["Car"]);
});

test("audio segment labelled and transcribed", { timeout: 120_000 }, async () => {
  const audioConfig = `<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="speaker" toName="audio">
    <Label value="Speaker 1" background="#e8743b"/>
    <Label value="Speaker 2" background="#2f6fd6"/>
  </Labels>
  <TextArea name="transcript" toName="audio" perRegion="true"/>
</View>`;
  const { projectId, taskId } = await projectWithFile("Audio e2e", audioConfig, "tone.wav", toneWav(4), "audio/wav");
  await page.goto(`${tally.baseUrl}/projects/${projectId}/label?task=${taskId}`);
  const wave = page.locator(".audio-wave");
  await page.locator('.audio-wave[data-ready="true"]').waitFor();
  const duration = Number(await wave.getAttribute("data-duration"));
  assert.ok(Math.abs(duration - 4) < 0.01, `duration ${duration} s`);

  // Drag across the waveform from 25 % to 60 % of its width.
  await page.locator(".label-button", { hasText: "Speaker 2" }).click();
  const box = await wave.boundingBox();
  const from = [Math.round(box.x + box.width * 0.25), Math.round(box.y + box.height / 2)];
  const to = [Math.round(box.x + box.width * 0.6), Math.round(box.y + box.height / 2)];
  await drag(from, to);
  const row = page.locator(".region-list li[data-region-id]");
  await row.first().waitFor();
  assert.match(await row.first().textContent(), /Speaker 2/);

  // The new segment is selected, so its transcript field shows.
  await page.getByLabel("transcript (selected region)").fill("hello there");
  await page.locator(".audio-object").getByLabel("Speed").selectOption("1.5");

  const result = await submitAndRead(taskId);
  const segment = result.find((item) => item.type === "labels");
  const text = result.find((item) => item.type === "textarea");
  const secondsAt = (x) => ((x - box.x) / box.width) * duration;
  assert.deepEqual(segment.value.labels, ["Speaker 2"]);
  assert.ok(Math.abs(segment.value.start - secondsAt(from[0])) < 0.005, `start ${segment.value.start} s`);
  // NOTE: wavesurfer.js 7.12 ends a drag selection about 5 px past the
  // pointer (0.021 s here, whatever the number of mouse steps), so the end
  // is checked to 0.03 s.
  assert.ok(Math.abs(segment.value.end - secondsAt(to[0])) < 0.03, `end ${segment.value.end} s`);
  assert.equal(text.id, segment.id);
  assert.deepEqual(text.value.text, ["hello there"]);
  assert.equal(text.value.start, segment.value.start);
});

test("boxes on two images of one task", { skip, timeout: 120_000 }, async () => {
  // Two uploads give two served image URLs; the labeled task lists both.
  const secondPath = photoPath.replace("2011_000003", "2011_000006"); // 500 x 375
  const first = await projectWithPhoto("Pages source one", detectionConfig);
  const second = await projectWithFile("Pages source two", detectionConfig, basename(secondPath), readFileSync(secondPath), "image/jpeg");
  const urlOf = async ({ taskId }) => Object.values((await tally.api(`/api/tasks/${taskId}`)).data)[0];
  const urls = [await urlOf(first), await urlOf(second)];
  const pagesConfig = `<View>
  <Image name="pages" valueList="$pages"/>
  <RectangleLabels name="box" toName="pages"><Label value="Car"/></RectangleLabels>
</View>`;
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title: "Pages e2e", label_config: pagesConfig }) });
  await tally.api(`/api/projects/${project.id}/import`, { method: "POST", body: JSON.stringify([{ pages: urls }]) });
  const [task] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;

  await openImage(project.id, task.id);
  await page.getByText("Image 1 of 2").waitFor();
  const view = await chooseLabel("Car");
  const firstFrom = view.toScreen([50, 50]).map(Math.round);
  const firstTo = view.toScreen([150, 120]).map(Math.round);
  await drag(firstFrom, firstTo);
  const firstView = view;

  await page.getByRole("button", { name: "Next image" }).click();
  await page.getByText("Image 2 of 2").waitFor();
  await page.waitForFunction(() => document.querySelector(".image-stage").dataset.naturalHeight === "375");
  // The second image is 375 px high, so its fitted layout differs.
  const box = await page.locator(".image-stage canvas").first().boundingBox();
  const scale = Math.min(box.width / 500, 540 / 375);
  const offset = [(box.width - 500 * scale) / 2, (540 - 375 * scale) / 2];
  const toScreen = ([x, y]) => [box.x + offset[0] + x * scale, box.y + offset[1] + y * scale].map(Math.round);
  const toImage = ([sx, sy]) => [(sx - box.x - offset[0]) / scale, (sy - box.y - offset[1]) / scale];
  const secondFrom = toScreen([300, 200]);
  const secondTo = toScreen([420, 330]);
  await drag(secondFrom, secondTo);
  await page.locator(".region-list li[data-region-id]").nth(1).waitFor();

  const result = await submitAndRead(task.id);
  const boxes = result.filter((item) => item.type === "rectanglelabels").sort((a, b) => a.item_index - b.item_index);
  assert.deepEqual(
    boxes.map((item) => [item.item_index, item.original_width, item.original_height]),
    [
      [0, 500, 338],
      [1, 500, 375],
    ],
  );
  const [x1, y1] = firstView.toImage(firstFrom);
  assertPercent(boxes[0].value.x, pct.x(x1), "first image box x");
  assertPercent(boxes[0].value.y, pct.y(y1), "first image box y");
  const [x2, y2] = toImage(secondFrom);
  const [x3, y3] = toImage(secondTo);
  assertPercent(boxes[1].value.x, (x2 / 500) * 100, "second image box x");
  assertPercent(boxes[1].value.y, (y2 / 375) * 100, "second image box y");
  assertPercent(boxes[1].value.height, ((y3 - y2) / 375) * 100, "second image box height");
});
