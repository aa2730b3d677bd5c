// The document tags of the editor, the template gallery, the workflow
// settings and presence, in Debian's Chromium against a real `tally serve`.
// The gallery lists real Label Studio templates, copied from ../shared into
// a temporary --templates-dir. The suite labels spans on HyperText and
// Paragraphs, rates a chat, relates two text spans, changes the workflow
// and opens the labeling screen twice to see the presence list. Stored
// results are read back through the API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { launchBrowser, pngSize } from "./support/browser.mjs";
import { startTally, webDir } from "./support/tally.mjs";

const corpusDir = resolve(webDir, "../../shared/reference/label-studio-templates");
const corpusPresent = existsSync(join(corpusDir, "INDEX.md"));
const skip = corpusPresent ? false : `the template corpus is missing at ${corpusDir}`;
if (skip) {
  if (process.env.CI === "true") throw new Error(`editor suite: ${skip}`);
  console.warn(`editor suite skipped: ${skip}`);
}

const templateFiles = [
  "INDEX.md",
  "structured-data-parsing__html-entity-recognition.xml",
  "conversational-ai__intent-classification-and-slot-filling.xml",
  "chat__chat_rlhf.xml",
];

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "tally-screens-"));
mkdirSync(screenshotDir, { recursive: true });

let templatesDir;
let tally;
let browser;
let page;

before(async () => {
  if (skip) return;
  templatesDir = mkdtempSync(join(tmpdir(), "tally-templates-"));
  for (const file of templateFiles) copyFileSync(join(corpusDir, file), join(templatesDir, file));
  tally = await startTally({ serveArgs: ["--templates-dir", templatesDir] });
  browser = await launchBrowser();
  page = await newSignedInPage();
});

after(async () => {
  await browser?.close();
  await tally?.stop();
  if (templatesDir) rmSync(templatesDir, { recursive: true, force: true });
});

async function newSignedInPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const fresh = await context.newPage();
  fresh.on("pageerror", (error) => console.error("page error:", error.message));
  await fresh.goto(tally.baseUrl + "/login");
  await fresh.getByLabel("Email").fill(tally.user.email);
  await fresh.getByLabel("Password").fill(tally.user.password);
  await fresh.getByRole("button", { name: "Log in" }).click();
  await fresh.waitForURL("**/projects");
  return fresh;
}

// Captures the viewport after the caller checked the screen's elements.
async function capture(name) {
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  const size = pngSize(path);
  assert.deepEqual([size.width, size.height], [1280, 800], `${name} screenshot size`);
  assert.ok(size.bytes > 8000, `${name} screenshot looks blank (${size.bytes} bytes)`);
}

// Selects `needle` (UTF-16 range [from, to) of it, all of it by default)
// inside the element `selector` by script, as a drag would, and fires the
// mouseup the editor listens to.
async function selectIn(selector, needle, from = 0, to = needle.length) {
  await page.evaluate(
    ([selector, needle, from, to]) => {
      const container = document.querySelector(selector);
      const base = container.textContent.indexOf(needle);
      if (base < 0) throw new Error(`${needle} not in ${selector}`);
      const locate = (index) => {
        const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (seen + node.data.length > index) return [node, index - seen];
          seen += node.data.length;
        }
        throw new Error("index past the text");
      };
      const range = document.createRange();
      range.setStart(...locate(base + from));
      range.setEnd(...locate(base + to - 1).map((part, i) => (i === 1 ? part + 1 : part)));
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      range.startContainer.parentElement.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    },
    [selector, needle, from, to],
  );
}

async function createProject(title, labelConfig) {
  return tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title, label_config: labelConfig }) });
}

async function importTasks(projectId, tasks) {
  await tally.api(`/api/projects/${projectId}/import`, { method: "POST", body: JSON.stringify(tasks) });
  const list = await tally.api(`/api/tasks?project=${projectId}`);
  return list.tasks.map((task) => task.id);
}

async function latestAnnotation(taskId) {
  const annotations = await tally.api(`/api/tasks/${taskId}/annotations`);
  assert.equal(annotations.length, 1, `task ${taskId} has one annotation`);
  return annotations[0];
}

// The config of a corpus template, as the gallery serves it.
function corpusConfig(file) {
  return readFileSync(join(corpusDir, file), "utf8");
}

test("the editor's document tags, gallery, workflow and presence", { skip, timeout: 240_000 }, async (t) => {
  let htmlProjectId;

  await t.test("create a project from a gallery template", async () => {
    await page.getByRole("button", { name: "Create project" }).click();
    const dialog = page.getByRole("dialog", { name: "Create project" });
    await dialog.getByLabel("Project name").fill("HTML entities e2e");
    // Categories come from INDEX.md of the templates folder.
    const categories = dialog.getByRole("toolbar", { name: "Template categories" });
    await categories.getByRole("button", { name: "Structured Data Parsing" }).waitFor();
    // All, the three groups of the copied templates, and Blank.
    assert.equal(await categories.getByRole("button").count(), 5);
    await dialog.getByLabel("Search templates").fill("html");
    assert.equal(await dialog.locator(".template-list .starter").count(), 1);
    await dialog.getByText("HTML Entity Recognition").click();
    const preview = dialog.getByRole("region", { name: "Preview of HTML Entity Recognition" });
    await preview.getByRole("toolbar", { name: "Labels ner" }).getByRole("button", { name: /Author/ }).waitFor();
    await capture("template-gallery");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/projects\/\d+\/data$/);
    htmlProjectId = Number(/projects\/(\d+)/.exec(page.url())[1]);
    const project = await tally.api(`/api/projects/${htmlProjectId}`);
    assert.equal(project.title, "HTML entities e2e");
    assert.equal(project.label_config, corpusConfig("structured-data-parsing__html-entity-recognition.xml"));
  });

  await t.test("label a HyperText span", async () => {
    const html = "<div><h1>Report</h1><p>Written by <b>Ada</b> in 1843 👩‍💻.</p><p>Second page</p></div>";
    const [taskId] = await importTasks(htmlProjectId, [{ html }]);
    await page.goto(`${tally.baseUrl}/projects/${htmlProjectId}/label`);
    await page.locator(".hypertext-object b", { hasText: "Ada" }).waitFor();

    await selectIn(".hypertext-object", "Ada");
    await page.getByRole("toolbar", { name: "Labels ner" }).getByRole("button", { name: /Author/ }).click();
    // A span across two elements: from "1843" to the end of "Second".
    await selectIn(".hypertext-object", "1843 👩‍💻.Second");
    await page.getByRole("toolbar", { name: "Labels ner" }).getByRole("button", { name: /Body/ }).click();
    // Keyboard: put the caret before "page", extend by four graphemes.
    await page.evaluate(() => {
      const container = document.querySelector(".hypertext-object");
      const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf("page");
        if (at >= 0) getSelection().collapse(node, at);
      }
      container.focus({ preventScroll: true });
    });
    for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.getByRole("toolbar", { name: "Labels ner" }).getByRole("button", { name: /Title/ }).click();
    await page.locator(".hypertext-object .region-run").first().waitFor();
    assert.equal(await page.locator(".region-list li").count(), 3);
    await capture("hypertext-labeling");
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you").waitFor();

    const annotation = await latestAnnotation(taskId);
    const spans = annotation.result.filter((item) => item.type === "hypertextlabels");
    assert.deepEqual(
      spans.map((item) => ({ from_name: item.from_name, to_name: item.to_name, value: item.value })),
      [
        {
          from_name: "ner",
          to_name: "text",
          value: {
            start: "/div[1]/p[1]/b[1]/text()[1]",
            end: "/div[1]/p[1]/b[1]/text()[1]",
            startOffset: 0,
            endOffset: 3,
            globalOffsets: { start: 17, end: 20 },
            text: "Ada",
            hypertextlabels: ["Author"],
          },
        },
        {
          from_name: "ner",
          to_name: "text",
          value: {
            // "Report" 6 + "Written by " 11 + "Ada" 3 + " in " 4 = 24; the
            // emoji ZWJ sequence is three code points.
            start: "/div[1]/p[1]/text()[2]",
            end: "/div[1]/p[2]/text()[1]",
            startOffset: 4,
            endOffset: 6,
            globalOffsets: { start: 24, end: 39 },
            text: "1843 👩‍💻.Second",
            hypertextlabels: ["Body"],
          },
        },
        {
          from_name: "ner",
          to_name: "text",
          value: {
            start: "/div[1]/p[2]/text()[1]",
            end: "/div[1]/p[2]/text()[1]",
            startOffset: 7,
            endOffset: 11,
            globalOffsets: { start: 40, end: 44 },
            text: "page",
            hypertextlabels: ["Title"],
          },
        },
      ],
    );
  });

  await t.test("label a ParagraphLabels span", async () => {
    const project = await createProject("Dialogue e2e", corpusConfig("conversational-ai__intent-classification-and-slot-filling.xml"));
    const dialogue = [
      { author: "Human", text: "Book a table at Noma for 4 people 🍽️." },
      { author: "Machine", text: "Which day?" },
      { author: "Human", text: "Friday, please." },
    ];
    const [taskId] = await importTasks(project.id, [{ humanMachineDialogue: dialogue }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.locator(".paragraphs .paragraph").nth(2).waitFor();

    await selectIn(".paragraphs", "Noma");
    await page.getByRole("toolbar", { name: "Labels entity_slot" }).getByRole("button", { name: /Organization/ }).click();
    // Across paragraphs: from "4 people" in the first to "Which" in the second.
    await selectIn(".paragraphs", "4 people 🍽️.Machine: Which");
    await page.getByRole("toolbar", { name: "Labels entity_slot" }).getByRole("button", { name: /Quantity/ }).click();
    await page.getByRole("radio", { name: "Customer request" }).check();
    assert.equal(await page.locator(".region-list li").count(), 2);
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you").waitFor();

    const annotation = await latestAnnotation(taskId);
    const spans = annotation.result.filter((item) => item.type === "paragraphlabels").map((item) => item.value);
    assert.deepEqual(spans, [
      { start: 0, end: 0, startOffset: 16, endOffset: 20, text: "Noma", paragraphlabels: ["Organization"] },
      // "🍽️" is two code points (the plate and a variation selector).
      { start: 0, end: 1, startOffset: 25, endOffset: 5, text: "4 people 🍽️.\nWhich", paragraphlabels: ["Quantity"] },
    ]);
    const intent = annotation.result.find((item) => item.type === "choices");
    assert.deepEqual([intent.to_name, intent.value], ["dialogue", { choices: ["Customer request"] }]);
  });

  await t.test("rate a chat template", async () => {
    const project = await createProject("Chat e2e", corpusConfig("chat__chat_rlhf.xml"));
    const chat = [
      { role: "user", content: "How do I reset my password?" },
      { role: "assistant", content: "Open Account, then choose Reset password." },
    ];
    const [taskId] = await importTasks(project.id, [{ chat }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    const conversation = page.getByRole("region", { name: "Chat chat" });
    await conversation.getByText("Open Account, then choose Reset password.").waitFor();
    assert.equal(await conversation.locator(".chat-message").count(), 2);
    await page.getByRole("button", { name: "4 of 5" }).click();
    await page.getByLabel("conversation_comment").fill("Short and right.");
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you").waitFor();

    const annotation = await latestAnnotation(taskId);
    const byName = Object.fromEntries(annotation.result.map((item) => [item.from_name, item]));
    assert.deepEqual([byName.rating.type, byName.rating.to_name, byName.rating.value], ["rating", "chat", { rating: 4 }]);
    assert.deepEqual(byName.conversation_comment.value, { text: ["Short and right."] });
  });

  await t.test("relate two text spans", async () => {
    const project = await createProject(
      "Relations e2e",
      `<View>
  <Relations><Relation value="founded"/><Relation value="works_at"/></Relations>
  <Labels name="entity" toName="text"><Label value="Person"/><Label value="Organization"/></Labels>
  <Text name="text" value="$text"/>
</View>`,
    );
    const [taskId] = await importTasks(project.id, [{ text: "Ada founded Analytical Engines Ltd in 1843." }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.locator(".text-object").waitFor();
    await selectIn(".text-object", "Ada");
    await page.getByRole("toolbar", { name: "Labels entity" }).getByRole("button", { name: /Person/ }).click();
    await selectIn(".text-object", "Analytical Engines Ltd");
    await page.getByRole("toolbar", { name: "Labels entity" }).getByRole("button", { name: /Organization/ }).click();

    await page.getByRole("button", { name: "Relate region Ada" }).click();
    await page.getByRole("button", { name: /Organization: “Analytical Engines Ltd”/ }).click();
    const relations = page.getByRole("region", { name: "Relations" });
    await relations.getByText("“Ada” → “Analytical Engines Ltd”").waitFor();
    await relations.getByRole("button", { name: "founded" }).click();
    // The arrow is drawn over the text between the two spans.
    await page.locator(".text-relations g[data-relation-id] > path").waitFor();
    await page.keyboard.press("Control+Enter");
    await page.getByText("No task is left for you").waitFor();

    const annotation = await latestAnnotation(taskId);
    const spans = Object.fromEntries(annotation.result.filter((item) => item.type === "labels").map((item) => [item.value.text, item.id]));
    const relation = annotation.result.find((item) => item.type === "relation");
    assert.deepEqual(relation && { ...relation, id: undefined }, {
      id: undefined,
      type: "relation",
      from_id: spans.Ada,
      to_id: spans["Analytical Engines Ltd"],
      direction: "right",
      labels: ["founded"],
    });
  });

  await t.test("change the workflow in settings", async () => {
    await page.goto(`${tally.baseUrl}/projects/${htmlProjectId}/settings`);
    const workflow = page.getByRole("form", { name: "Workflow" });
    await workflow.getByLabel(/Review required/).waitFor();

    // A state name the server rejects is shown at its field.
    await workflow.getByLabel("Extra states").fill("Needs-Rework");
    await workflow.getByRole("button", { name: "Save workflow" }).click();
    await workflow.locator('.field-error[data-field="states.0"]').waitFor();

    await workflow.getByLabel(/Review required/).check();
    await workflow.getByLabel("Annotations per task (overlap)").fill("2");
    await workflow.getByLabel("Extra states").fill("needs_rework");
    await workflow.getByRole("button", { name: "Add transition" }).click();
    const transition = workflow.getByLabel("Transition 1", { exact: true });
    await transition.getByLabel("From", { exact: true }).selectOption("labeled");
    await transition.getByLabel("On", { exact: true }).selectOption("review_rejected");
    await transition.getByLabel("To", { exact: true }).selectOption("needs_rework");
    await workflow.getByRole("button", { name: "Save workflow" }).click();
    await workflow.getByRole("status").filter({ hasText: "Workflow saved." }).waitFor();
    await workflow.getByText("Workflow saved.").scrollIntoViewIfNeeded();
    await capture("workflow-settings");

    const stored = await tally.api(`/api/projects/${htmlProjectId}/workflow`);
    assert.equal(stored.review_required, true);
    assert.equal(stored.maximum_annotations, 2);
    assert.deepEqual(stored.extra_states, ["needs_rework"]);
    assert.deepEqual(stored.custom_transitions, [{ from: "labeled", on: "review_rejected", to: "needs_rework" }]);
  });

  await t.test("two people on the labeling screen see each other", async () => {
    const project = await createProject("Presence e2e", `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="A"/></Choices></View>`);
    await importTasks(project.id, [{ text: "first" }, { text: "second" }]);
    const other = await newSignedInPage();
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    const mine = page.getByRole("region", { name: "Also labeling now" });
    await mine.getByText("Nobody else.").waitFor();

    await other.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    const theirs = other.getByRole("region", { name: "Also labeling now" });
    await mine.locator("li").first().waitFor();
    await theirs.locator("li").first().waitFor();
    assert.equal(await mine.locator("li").count(), 1);
    assert.equal(await theirs.locator("li").count(), 1);
    assert.match(await mine.locator("li").textContent(), /on task #\d+/);
    await capture("presence");

    await other.context().close();
    await mine.getByText("Nobody else.").waitFor();
  });
});
