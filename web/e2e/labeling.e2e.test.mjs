// The UI as an annotator uses it, in Debian's Chromium against a real
// `tally serve` with a fresh database. The suite logs in, creates a project,
// edits its label config and imports tasks. It labels named entities in text
// with emoji, combining marks, CJK and CRLF by script, mouse and keyboard,
// classifies with a hotkey, skips, and reads the stored offsets back through
// the API. Each main screen is captured at 1280x800 after checking its content.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, pngSize } from "./support/browser.mjs";
import { startTally } from "./support/tally.mjs";

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "tally-screens-"));
mkdirSync(screenshotDir, { recursive: true });

const config = `<View>
  <Labels name="entity" toName="text">
    <Label value="Person" hotkey="p" background="#e8743b"/>
    <Label value="Place" hotkey="l" background="#19a979"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive" hotkey="1"/>
    <Choice value="Negative" hotkey="2"/>
  </Choices>
</View>`;

// Emoji with a ZWJ sequence and a skin tone, a letter with a combining
// diaeresis, CJK and a CRLF: every way UTF-16, code points and graphemes differ.
const entityText = "Zoe\u0308 met 👩‍👩‍👧 Ana in 東京.\r\nThen Zoe\u0308 flew 🛫👋🏽 to Paris.";
const tasks = [{ text: entityText }, { text: "The refund never arrived." }, { text: "A task to skip." }];

// Label Studio's offsets: code points of the stored string.
function codePoints(text, needle, occurrence = 0) {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `${needle} not in text`);
  const start = Array.from(text.slice(0, index)).length;
  return { start, end: start + Array.from(needle).length, text: needle };
}

let tally;
let browser;
let page;

before(async () => {
  tally = await startTally();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
});

after(async () => {
  await browser?.close();
  await tally?.stop();
});

// Captures the viewport after the caller checked the screen's elements.
async function capture(name) {
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  const size = pngSize(path);
  assert.deepEqual([size.width, size.height], [1280, 800], `${name} screenshot size`);
  // A blank page compresses to a few hundred bytes; a real screen does not.
  assert.ok(size.bytes > 8000, `${name} screenshot looks blank (${size.bytes} bytes)`);
}

// Selects UTF-16 range [from, to) of `needle` inside the text object by
// script, as a drag would, and fires the mouseup the editor listens to.
async function selectByScript(needle, from, to) {
  await page.evaluate(
    ([needle, from, to]) => {
      const container = document.querySelector(".text-object");
      const base = container.textContent.indexOf(needle);
      const locate = (index) => {
        const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (seen + node.data.length >= index) return [node, index - seen];
          seen += node.data.length;
        }
        throw new Error("index past the text");
      };
      const range = document.createRange();
      range.setStart(...locate(base + from));
      range.setEnd(...locate(base + to));
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      container.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    },
    [needle, from, to],
  );
}

// Client rectangle of `needle` in the text object.
async function rectOf(needle) {
  return page.evaluate((needle) => {
    const container = document.querySelector(".text-object");
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(needle);
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const rect = range.getBoundingClientRect();
        return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
      }
    }
    throw new Error(`${needle} not rendered`);
  }, needle);
}

let projectId;
let taskIds;

test("an annotator labels text end to end", { timeout: 180_000 }, async (t) => {
  await t.test("login screen, then the empty project list", async () => {
    await page.goto(tally.baseUrl + "/");
    await page.waitForURL("**/login");
    await page.getByRole("heading", { name: "Log in to Tally" }).waitFor();
    await capture("login");

    await page.getByLabel("Email").fill(tally.user.email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "email or password is not right" }).waitFor();

    await page.getByLabel("Password").fill(tally.user.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/projects");
    await page.getByText("No projects yet").waitFor();
  });

  await t.test("create a project from a starter setup", async () => {
    await page.getByRole("button", { name: "Create project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create project" });
    await dialog.getByLabel("Project name").fill("Entities e2e");
    await dialog.getByLabel("Search templates").fill("entities");
    await dialog.getByText("Named entities in text").click();
    await capture("create-project");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/projects\/\d+\/data$/);
    projectId = Number(/projects\/(\d+)/.exec(page.url())[1]);
    const project = await tally.api(`/api/projects/${projectId}`);
    assert.equal(project.title, "Entities e2e");
    assert.match(project.label_config, /Organization/);
  });

  await t.test("the config editor shows server errors at their line, then saves", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    const editor = page.locator(".cm-content");
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(config.replace('toName="text" choice', 'toName="nope" choice'));
    const problem = page.locator(".diagnostics li").first();
    await problem.waitFor();
    assert.match(await problem.textContent(), /Line 7, column \d+:.*nope/);
    assert.ok((await page.locator(".cm-lintRange-error").count()) > 0, "the error is marked in the editor");

    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(config);
    await page.locator(".diagnostics").waitFor({ state: "detached" });
    await page.locator(".preview .label-button", { hasText: "Place" }).waitFor();
    await capture("settings");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const project = await tally.api(`/api/projects/${projectId}`);
    assert.equal(project.label_config, config);
  });

  await t.test("import tasks by file and see them in the Data Manager", async () => {
    await page.getByRole("link", { name: "Data Manager", exact: true }).click();
    await page.getByText("No tasks yet").waitFor();
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Import tasks" });
    await dialog.getByTestId("import-input").setInputFiles({
      name: "tasks.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(tasks)),
    });
    await dialog.getByText("tasks.json").waitFor();
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.getByRole("status").filter({ hasText: "Imported 3 tasks" }).waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();

    await page.locator(".dm-row:not(.dm-head)").nth(2).waitFor();
    assert.equal(await page.locator(".dm-row:not(.dm-head)").count(), 3);
    await page.getByRole("cell", { name: "The refund never arrived." }).waitFor();
    const list = await tally.api(`/api/tasks?project=${projectId}`);
    taskIds = list.tasks.map((task) => task.id);
    assert.equal(list.tasks[0].data.text, entityText, "CRLF and emoji survive the upload");
    await capture("data-manager");
  });

  await t.test("label entities by script, mouse and keyboard, classify by hotkey", async () => {
    await page.getByRole("link", { name: "Label all tasks" }).click();
    await page.locator(".text-object").waitFor();
    assert.equal(await page.locator(".text-object").evaluate((el) => el.textContent), entityText);

    // A selection that stops before the combining mark widens to include it.
    await selectByScript("Zoe\u0308", 0, 3);
    await page.keyboard.press("p");
    // A selection ending inside the ZWJ family widens to the whole family.
    await selectByScript("👩‍👩‍👧", 0, 3);
    await page.keyboard.press("p");

    // Mouse: choose a label first, then drag across the CJK place name.
    const placeLabel = page.getByRole("toolbar", { name: "Labels entity" }).getByRole("button", { name: /Place/ });
    await placeLabel.click();
    const rect = await rectOf("東京");
    await page.mouse.move(rect.left + 1, (rect.top + rect.bottom) / 2);
    await page.mouse.down();
    await page.mouse.move(rect.right - 1, (rect.top + rect.bottom) / 2, { steps: 5 });
    await page.mouse.up();
    await page.locator(".region-list li", { hasText: "東京" }).waitFor();
    await placeLabel.click(); // label off again

    // Keyboard: put the caret before "Paris", extend by five characters.
    await page.evaluate(() => {
      const container = document.querySelector(".text-object");
      const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf("Paris");
        if (at >= 0) getSelection().collapse(node, at);
      }
      container.focus({ preventScroll: true });
    });
    for (let i = 0; i < 5; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("l");

    await page.keyboard.press("1");
    assert.equal(await page.getByRole("radio", { name: /Positive/ }).isChecked(), true);
    assert.equal(await page.locator(".region-list li").count(), 4);
    await capture("labeling");

    await page.keyboard.press("Control+Enter");
    await page.locator(".text-object", { hasText: "The refund never arrived." }).waitFor();

    const [annotation] = await tally.api(`/api/tasks/${taskIds[0]}/annotations`);
    const spans = annotation.result
      .filter((item) => item.type === "labels")
      .map((item) => ({ ...item.value, from_name: item.from_name, to_name: item.to_name }));
    assert.deepEqual(spans, [
      { ...codePoints(entityText, "Zoe\u0308"), labels: ["Person"], from_name: "entity", to_name: "text" },
      { ...codePoints(entityText, "👩‍👩‍👧"), labels: ["Person"], from_name: "entity", to_name: "text" },
      { ...codePoints(entityText, "東京"), labels: ["Place"], from_name: "entity", to_name: "text" },
      { ...codePoints(entityText, "Paris"), labels: ["Place"], from_name: "entity", to_name: "text" },
    ]);
    // Spelled out once, so the oracle above cannot drift with the code.
    assert.deepEqual([spans[1].start, spans[1].end, spans[3].start, spans[3].end], [9, 14, 49, 54]);
    const choice = annotation.result.find((item) => item.type === "choices");
    assert.deepEqual(choice.value, { choices: ["Positive"] });
    for (const item of annotation.result) assert.match(item.id, /^[A-Za-z0-9_-]{10}$/);
  });

  await t.test("classify the next task with a hotkey, skip the last", async () => {
    await page.keyboard.press("2");
    assert.equal(await page.getByRole("radio", { name: /Negative/ }).isChecked(), true);
    await page.getByRole("button", { name: /^Submit/ }).click();
    await page.locator(".text-object", { hasText: "A task to skip." }).waitFor();
    await page.getByRole("button", { name: /^Skip/ }).click();
    await page.getByText("No task is left for you in this project.", { exact: false }).waitFor();

    const [second] = await tally.api(`/api/tasks/${taskIds[1]}/annotations`);
    assert.deepEqual(
      second.result.map((item) => [item.from_name, item.to_name, item.type, item.value]),
      [["sentiment", "text", "choices", { choices: ["Negative"] }]],
    );
    const third = await tally.api(`/api/tasks/${taskIds[2]}`);
    assert.equal(third.cancelled_annotations, 1);
  });

  await t.test("reopen a labeled task and update its annotation", async () => {
    await page.getByRole("link", { name: "Data Manager", exact: true }).click();
    await page.getByRole("link", { name: `Label task ${taskIds[1]}` }).click();
    await page.getByText(/editing annotation/).waitFor();
    assert.equal(await page.getByRole("radio", { name: /Negative/ }).isChecked(), true);
    await page.keyboard.press("1");
    await page.getByRole("button", { name: /^Update/ }).click();
    await page.getByRole("status").filter({ hasText: `Task #${taskIds[1]} updated.` }).waitFor();
    const annotations = await tally.api(`/api/tasks/${taskIds[1]}/annotations`);
    assert.equal(annotations.length, 1);
    assert.deepEqual(annotations[0].result[0].value, { choices: ["Positive"] });
  });

  await t.test("review an annotation with a comment", async () => {
    // Review is off in the built-in workflow; a manager turns it on.
    await tally.api(`/api/projects/${projectId}/workflow`, {
      method: "PUT",
      body: JSON.stringify({ review_required: true }),
    });
    await page.getByRole("link", { name: "Data Manager", exact: true }).click();
    await page.getByRole("link", { name: `Review task ${taskIds[0]}` }).click();
    await page.getByText(/annotation #\d+ by user/).waitFor();
    assert.equal(await page.locator(".region-list li").count(), 4);
    assert.equal(await page.getByRole("button", { name: /Person/ }).first().isDisabled(), true);
    assert.equal(await page.getByRole("button", { name: /^Delete region/ }).count(), 0);
    await page.getByLabel("Comment").fill("Offsets checked against the text.");
    await page.getByRole("button", { name: "Accept" }).click();
    await page.getByRole("list", { name: "Reviews of this annotation" }).getByText("Accepted").waitFor();
    await capture("review");

    const [annotation] = await tally.api(`/api/tasks/${taskIds[0]}/annotations`);
    const reviews = await tally.api(`/api/annotation-reviews?annotation=${annotation.id}`);
    assert.deepEqual(
      reviews.map((review) => [review.accepted, review.comment]),
      [[true, "Offsets checked against the text."]],
    );
  });

  await t.test("preview a task beside the table", async () => {
    await page.getByRole("link", { name: "Data Manager", exact: true }).click();
    await page.getByRole("cell", { name: "The refund never arrived." }).click();
    const preview = page.getByRole("complementary", { name: `Preview of task ${taskIds[1]}` });
    await preview.getByText("sentiment: Positive").waitFor();
    await preview.getByText("Annotations (1)").waitFor();
    await page.keyboard.press("Escape");
    await preview.waitFor({ state: "detached" });
  });

  await t.test("accept one prediction and correct another", async () => {
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "Predictions e2e", label_config: config }),
    });
    const prediction = (result) => [{ model_version: "ner-v1", score: 0.9, result }];
    const region = { id: "pred-span1", from_name: "entity", to_name: "text", type: "labels",
      value: { start: 0, end: 3, text: "Ada", labels: ["Place"] } };
    const choice = { id: "pred-chc01", from_name: "sentiment", to_name: "text", type: "choices",
      value: { choices: ["Positive"] } };
    await tally.api(`/api/projects/${project.id}/import`, {
      method: "POST",
      body: JSON.stringify([
        { data: { text: "Great service." }, predictions: prediction([choice]) },
        { data: { text: "Ada wrote it." }, predictions: prediction([region]) },
      ]),
    });
    const [first, second] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;

    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.getByRole("status").filter({ hasText: "Pre-filled from a prediction" }).waitFor();
    assert.equal(await page.getByRole("radio", { name: /Positive/ }).isChecked(), true);
    await page.keyboard.press("Control+Enter");

    await page.locator(".text-object", { hasText: "Ada wrote it." }).waitFor();
    await page.locator(".region-list").getByRole("button", { name: /Place: “Ada”/ }).click();
    await page.keyboard.press("p");
    await page.locator(".region-list").getByRole("button", { name: /Person: “Ada”/ }).waitFor();
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you in this project.", { exact: false }).waitFor();

    const [accepted] = await tally.api(`/api/tasks/${first.id}/annotations`);
    const predictionId = (await tally.api(`/api/predictions?task=${first.id}`))[0].id;
    assert.equal(accepted.parent_prediction, predictionId);
    assert.deepEqual(
      accepted.result.map((item) => [item.id, item.origin, item.value]),
      [["pred-chc01", "prediction", { choices: ["Positive"] }]],
    );
    const [corrected] = await tally.api(`/api/tasks/${second.id}/annotations`);
    assert.deepEqual(
      corrected.result.map((item) => [item.id, item.origin, item.value]),
      [["pred-span1", "prediction-changed", { start: 0, end: 3, text: "Ada", labels: ["Person"] }]],
    );
  });

  await t.test("a draft survives a reload and is submitted", async () => {
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "Drafts e2e", label_config: config }),
    });
    await tally.api(`/api/projects/${project.id}/import`, {
      method: "POST",
      body: JSON.stringify([{ text: "Halfway done when the tab closed." }]),
    });
    const [task] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;

    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.locator(".text-object").waitFor();
    await page.keyboard.press("2");
    await page.getByRole("status").filter({ hasText: "Draft saved" }).waitFor();
    const [draft] = await tally.api(`/api/tasks/${task.id}/drafts`);
    assert.deepEqual(draft.result.map((item) => item.value), [{ choices: ["Negative"] }]);

    await page.reload();
    await page.getByRole("status").filter({ hasText: "Restored your draft" }).waitFor();
    assert.equal(await page.getByRole("radio", { name: /Negative/ }).isChecked(), true);
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you in this project.", { exact: false }).waitFor();

    const [annotation] = await tally.api(`/api/tasks/${task.id}/annotations`);
    assert.deepEqual(annotation.result.map((item) => item.value), [{ choices: ["Negative"] }]);
    assert.notEqual(annotation.draft_created_at, null);
    assert.deepEqual(await tally.api(`/api/tasks/${task.id}/drafts`), []);
  });

  await t.test("rank answers into buckets", async () => {
    const rankConfig = `<View>
  <List name="answers" value="$items" title="Answers"/>
  <Ranker name="rank" toName="answers">
    <Bucket name="best" title="Best"/>
    <Bucket name="bad" title="Bad"/>
  </Ranker>
</View>`;
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "Ranking e2e", label_config: rankConfig }),
    });
    const items = [
      { id: "a", title: "Short answer", body: "Paris." },
      { id: "b", title: "Long answer", body: "The capital of France is Paris." },
      { id: "c", title: "Wrong answer", body: "Lyon." },
    ];
    await tally.api(`/api/projects/${project.id}/import`, { method: "POST", body: JSON.stringify([{ items }]) });
    const [task] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;

    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.getByRole("region", { name: "Not ranked" }).waitFor();
    await page.getByLabel("Bucket of Short answer").selectOption({ label: "Best" });
    await page.getByLabel("Bucket of Long answer").selectOption({ label: "Best" });
    await page.getByRole("button", { name: "Move Long answer up" }).click();
    await page.getByLabel("Bucket of Wrong answer").selectOption({ label: "Bad" });
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you in this project.", { exact: false }).waitFor();

    const [annotation] = await tally.api(`/api/tasks/${task.id}/annotations`);
    assert.deepEqual(
      annotation.result.map((item) => [item.from_name, item.to_name, item.type, item.value]),
      [["rank", "answers", "ranker", { ranker: { best: ["b", "a"], bad: ["c"] } }]],
    );
  });

  await t.test("drop a CSV file onto the import dialog", async () => {
    await page.goto(`${tally.baseUrl}/projects/${projectId}/data`);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Import tasks" });
    const csv = "text\n\"Dropped, with a comma\"\nSecond dropped row\n";
    const transfer = await page.evaluateHandle((csv) => {
      const data = new DataTransfer();
      data.items.add(new File([csv], "dropped.csv", { type: "text/csv" }));
      data.items.add(new File(["ignored"], "photo.png", { type: "image/png" }));
      return data;
    }, csv);
    await dialog.locator(".dropzone").dispatchEvent("drop", { dataTransfer: transfer });
    await dialog.getByText("dropped.csv").waitFor();
    await dialog.getByRole("alert").filter({ hasText: "Not imported: photo.png" }).waitFor();
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.getByRole("status").filter({ hasText: "Imported 2 tasks" }).waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.getByRole("cell", { name: "Dropped, with a comma" }).waitFor();
    assert.equal(await page.locator(".dm-row:not(.dm-head)").count(), 5);
  });

  await t.test("a large file imports as a background job", async () => {
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "Large import e2e", label_config: config }),
    });
    const count = 120_000;
    const rows = Array.from({ length: count }, (_, i) => ({ text: `Row ${i} of a file too large for one request.` }));
    const buffer = Buffer.from(JSON.stringify(rows));
    assert.ok(buffer.length > 5 * 1024 * 1024, "the file crosses the background-import threshold");
    await page.goto(`${tally.baseUrl}/projects/${project.id}/data`);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Import tasks" });
    await dialog.getByTestId("import-input").setInputFiles({ name: "large.json", mimeType: "application/json", buffer });
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.getByRole("status").filter({ hasText: `Imported ${count} tasks` }).waitFor({ timeout: 60_000 });
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.getByText(`${count} tasks ·`).waitFor();
    assert.equal((await tally.api(`/api/tasks?project=${project.id}&page_size=1`)).total, count);

    // Select every task a filter matches, not only those on screen.
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByRole("button", { name: "Add filter" }).click();
    await page.getByLabel("Filter 1 column").selectOption({ label: "text" });
    await page.getByLabel("Filter 1 value").fill("Row 11999");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("11 tasks match").waitFor();
    await page.getByLabel("Select all 11 tasks").check();
    await page.getByLabel("Select task", { exact: false }).first().uncheck();
    await page.getByText("10 selected").waitFor();
    await page.getByLabel("Action on the selected tasks").selectOption({ label: "Delete Tasks" });
    await page.getByRole("dialog").getByText("This applies to 10 selected tasks.").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Delete Tasks" }).click();
    await page.getByText("1 task matches").waitFor();
    assert.equal((await tally.api(`/api/tasks?project=${project.id}&page_size=1`)).total, count - 10);
    await page.goto(`${tally.baseUrl}/projects/${projectId}/data`);
  });

  await t.test("filter, save a view, order and delete in the Data Manager", async () => {
    const rows = page.locator(".dm-row:not(.dm-head)");
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByRole("button", { name: "Add filter" }).click();
    await page.getByLabel("Filter 1 column").selectOption({ label: "text" });
    await page.getByLabel("Filter 1 comparison").selectOption("contains");
    await page.getByLabel("Filter 1 value").fill("refund");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("1 task matches").waitFor();
    assert.equal(await rows.count(), 1);

    await page.getByRole("button", { name: "+ Add view" }).click();
    await page.getByRole("tab", { name: "View 1", selected: true }).waitFor();
    const [view] = await tally.api(`/api/dm/views?project=${projectId}`);
    assert.deepEqual(view.data.filters.items, [
      { filter: "filter:tasks:data.text", operator: "contains", type: "String", value: "refund" },
    ]);
    await page.getByText("1 task matches").waitFor();
    await capture("data-manager-view");

    await page.getByRole("button", { name: "Remove filter 1" }).click();
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("5 tasks ·").waitFor();
    const header = page.getByRole("columnheader", { name: /^ID/ });
    await header.getByRole("button").click();
    await header.getByRole("button").click();
    await page.locator('[role="columnheader"][aria-sort="descending"]').waitFor();
    const newest = Math.max(...(await tally.api(`/api/tasks?project=${projectId}`)).tasks.map((task) => task.id));
    await page.getByRole("link", { name: `Label task ${newest}` }).waitFor();
    assert.equal(await rows.first().getByRole("link").textContent(), String(newest));
    const saved = await tally.api(`/api/dm/views/${view.id}`);
    assert.deepEqual(saved.data.ordering, ["-tasks:id"]);

    await page.getByLabel(`Select task ${newest}`).check();
    await page.getByLabel("Action on the selected tasks").selectOption({ label: "Delete Tasks" });
    const confirm = page.getByRole("dialog");
    await confirm.getByText("This applies to 1 selected task.").waitFor();
    await confirm.getByRole("button", { name: "Delete Tasks" }).click();
    await page.getByText("4 tasks ·").waitFor();
    assert.equal((await tally.api(`/api/tasks?project=${projectId}`)).total, 4);

    await page.getByRole("button", { name: "Delete view View 1" }).click();
    await page.getByRole("tab", { name: "All tasks", selected: true }).waitFor();
    assert.deepEqual(await tally.api(`/api/dm/views?project=${projectId}`), []);
  });

  await t.test("export the annotations as JSON", async () => {
    await page.getByRole("button", { name: "Export", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Export" });
    await dialog.getByRole("radio", { name: /^JSON\b/ }).first().check();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      dialog.getByRole("link", { name: "Download" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), "utf8"));
    const entities = exported.find((task) => task.id === taskIds[0]);
    const spans = entities.annotations[0].result.filter((item) => item.type === "labels").map((item) => item.value);
    assert.deepEqual(spans.map((span) => [span.start, span.end]), [[0, 4], [9, 14], [22, 24], [49, 54]]);
  });

  await t.test("add a member, change the role, remove them", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
    const form = page.locator("form", { hasText: "Add a member" });
    await form.getByLabel("Email").fill("reviewer@example.com");
    await form.getByLabel("Password").fill("a long password 1");
    await form.getByLabel("Role").selectOption("annotator");
    await form.getByRole("button", { name: "Add" }).click();
    const role = page.getByLabel("Role of reviewer@example.com");
    await role.waitFor();
    await role.selectOption("reviewer");
    const [organization] = await tally.api("/api/organizations");
    const roleOf = async () =>
      (await tally.api(`/api/organizations/${organization.id}/memberships`)).results.find(
        (member) => member.user.email === "reviewer@example.com",
      )?.role;
    for (let i = 0; i < 50 && (await roleOf()) !== "reviewer"; i++) await page.waitForTimeout(100);
    assert.equal(await roleOf(), "reviewer");
    await page.getByRole("button", { name: "Remove reviewer@example.com" }).click();
    await role.waitFor({ state: "detached" });
    assert.equal(await roleOf(), undefined);
  });

  await t.test("project list counts, account page, dark theme, logout", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
    await page.getByRole("progressbar", { name: /of 4 tasks done/ }).waitFor();
    await capture("projects");

    const [organization] = await tally.api("/api/organizations");
    assert.equal(await page.locator(".organization-name").textContent(), organization.title);
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByText(/Current token:/).waitFor();
    await page.getByRole("button", { name: "Create key pair" }).click();
    await page.getByTestId("secret-value").waitFor();
    assert.match(await page.getByTestId("secret-value").textContent(), /^sk-lf-/);
    await page.getByLabel("Theme").selectOption("dark");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await capture("account-dark");
    await page.getByLabel("Theme").selectOption("light");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.goto(tally.baseUrl + "/projects");
    await page.waitForURL("**/login");
  });
});
