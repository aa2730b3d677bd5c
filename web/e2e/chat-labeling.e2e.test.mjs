// Chat, paginated Repeater and HyperText by URL in Debian's Chromium against
// a real `tally serve`. An annotator writes a conversation (chat_eval's
// Chat) and gets replies from an LLM connection, a local OpenAI-compatible
// server on 127.0.0.1. The annotator then answers per-message questions on
// a task's conversation (chat_rlhf), pages through a Repeater and labels
// pages fetched by URL, from another origin and from this server's uploads.
// Every check reads the stored result back through the API. The chat_rlhf
// screen goes to TALLY_SCREENSHOT_DIR when it is set (docs/images/ui-chat.png).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { submitAndRead } from "./support/editor.mjs";
import { signIn } from "./support/sign-in.mjs";
import { startTally } from "./support/tally.mjs";

// The attributes of Label Studio's chat_eval template that matter here.
const chatEvalConfig = `<View>
  <Text name="instructions" value="$text"/>
  <Chat name="chat" value="$chat" toName="chat" minMessages="4" messageroles="user,assistant" editable="true"/>
</View>`;

const llmConfig = `<View>
  <Chat name="chat" value="$chat" llm="local/tiny-chat" minMessages="2"/>
  <Choices name="answered" toName="chat" choice="single">
    <Choice value="Yes"/>
    <Choice value="No"/>
  </Choices>
</View>`;

// chat_rlhf's structure: a rating of the whole conversation, and
// per-message controls for assistant messages.
const rlhfConfig = `<View>
  <Chat name="chat" value="$chat" minMessages="2" editable="false"/>
  <Rating name="rating" toName="chat"/>
  <View visibleWhen="no-region-selected">
    <Header value="Click on a message to evaluate"/>
  </View>
  <View visibleWhen="region-selected" whenRole="assistant">
    <Header value="Response Accuracy"/>
    <Rating name="assistant_response_accuracy" toName="chat" perRegion="true" maxRating="5"/>
    <Choices name="tone" toName="chat" perRegion="true" choice="multiple">
      <Choice value="Too formal"/>
      <Choice value="Appropriate"/>
    </Choices>
    <TextArea perRegion="true" name="message_comment" toName="chat"/>
  </View>
</View>`;

const repeaterConfig = `<View>
  <Repeater on="$pages" indexFlag="{{idx}}" mode="pagination">
    <Text name="page_{{idx}}" value="$pages[{{idx}}].text"/>
    <Choices name="kind_{{idx}}" toName="page_{{idx}}" choice="single">
      <Choice value="Invoice"/>
      <Choice value="Letter"/>
    </Choices>
  </Repeater>
</View>`;

const hyperTextConfig = `<View>
  <HyperTextLabels name="entity" toName="page">
    <Label value="Amount" background="#e8743b"/>
  </HyperTextLabels>
  <HyperText name="page" value="$url" valueType="url"/>
</View>`;

// An OpenAI-compatible chat completions server: it replies with the model
// name and the last user message, and records each request.
function startModelServer() {
  const requests = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.method === "GET" && request.url === "/report.html") {
        // A page on another origin: it allows the app's origin through CORS.
        response.writeHead(200, { "content-type": "text/html", "access-control-allow-origin": "*" });
        response.end('<h2>Invoice 42</h2><script>document.title = "hacked"</script><p id="total">Total due: 310 EUR</p>');
        return;
      }
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        response.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body);
      requests.push({ authorization: request.headers.authorization, body: parsed });
      const lastUser = parsed.messages.filter((message) => message.role === "user").pop();
      const content = `(${parsed.model}) You said: ${lastUser?.content ?? ""}`;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, requests, baseUrl: `http://127.0.0.1:${server.address().port}` }));
  });
}

const screenshotDir = process.env.TALLY_SCREENSHOT_DIR;
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

let tally;
let browser;
let page;
let model;

before(async () => {
  tally = await startTally();
  model = await startModelServer();
  browser = await launchBrowser();
  page = await signIn(browser, tally);
});

after(async () => {
  await browser?.close();
  await tally?.stop();
  model?.server.close();
});

async function createProject(title, labelConfig, tasks) {
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title, label_config: labelConfig }) });
  await tally.api(`/api/projects/${project.id}/import`, { method: "POST", body: JSON.stringify(tasks) });
  const [task] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;
  return { project, task };
}

async function writeMessage(role, text) {
  const roles = page.getByLabel("Role");
  if (await roles.count()) await roles.selectOption(role);
  await page.getByLabel(`Message as ${role}`).fill(text);
  await page.getByLabel(`Message as ${role}`).press("Enter");
}

test("chat labeling in the browser", async (t) => {
  await t.test("write a conversation in chat_eval", async () => {
    const { project, task } = await createProject("Chat eval e2e", chatEvalConfig, [{ data: { text: "Play a helpful agent.", chat: [] } }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.getByText("This conversation has no messages yet.").waitFor();

    await writeMessage("user", "My parcel has not arrived.");
    await writeMessage("assistant", "Sorry to hear that! What is the order number?");
    await writeMessage("user", "It is 1234.");
    await page.getByText("3 messages, at least 4 needed to submit").waitFor();

    // Too few messages: the editor names the rule instead of submitting.
    await page.keyboard.press("Control+Enter");
    await page.getByRole("alert").filter({ hasText: "needs at least 4 messages, and it has 3" }).waitFor();

    // Fix a typo in a written message, then add the fourth.
    await page.getByRole("button", { name: "Edit user message" }).last().click();
    await page.getByRole("textbox", { name: "Edit user message" }).fill("It is order 1234.");
    await page.getByRole("button", { name: "Save" }).click();
    await writeMessage("assistant", "Thanks, it ships tomorrow.");

    const result = await submitAndRead(page, tally, task.id);
    assert.deepEqual(
      result.map((item) => [item.type, item.from_name, item.to_name, item.value.chatmessage.role, item.value.chatmessage.content]),
      [
        ["chatmessage", "chat", "chat", "user", "My parcel has not arrived."],
        ["chatmessage", "chat", "chat", "assistant", "Sorry to hear that! What is the order number?"],
        ["chatmessage", "chat", "chat", "user", "It is order 1234."],
        ["chatmessage", "chat", "chat", "assistant", "Thanks, it ships tomorrow."],
      ],
    );
    for (const item of result) assert.equal(typeof item.value.chatmessage.createdAt, "number", "createdAt in milliseconds");
    assert.equal(new Set(result.map((item) => item.id)).size, 4, "every message has its own id");
  });

  await t.test("get replies from the project's LLM connection", async () => {
    const { project, task } = await createProject("Chat LLM e2e", llmConfig, [{ data: { chat: [] } }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);

    // Without a connection named like the provider the editor names the one to add.
    await writeMessage("user", "Hello?");
    await page.getByRole("alert").filter({ hasText: 'no LLM connection named "local"' }).waitFor();

    await tally.api(`/api/evals/${project.id}/llm-connections`, {
      method: "POST",
      body: JSON.stringify({ name: "local", baseUrl: `${model.baseUrl}/v1`, model: "unused-default", apiKey: "sk-e2e-chat-0001" }),
    });
    await writeMessage("user", "What is your return policy?");
    await page.getByText("(tiny-chat) You said: What is your return policy?").waitFor();
    // messageroles defaults to user when an LLM replies.
    assert.equal(await page.getByLabel("Role").count(), 0);
    await page.getByRole("radio", { name: "Yes" }).check();

    const result = await submitAndRead(page, tally, task.id);
    const messages = result.filter((item) => item.type === "chatmessage").map((item) => [item.value.chatmessage.role, item.value.chatmessage.content]);
    assert.deepEqual(messages, [
      ["user", "Hello?"],
      ["user", "What is your return policy?"],
      ["assistant", "(tiny-chat) You said: What is your return policy?"],
    ]);
    assert.deepEqual(result.find((item) => item.type === "choices").value, { choices: ["Yes"] });

    assert.equal(model.requests.length, 1);
    assert.equal(model.requests[0].authorization, "Bearer sk-e2e-chat-0001");
    assert.equal(model.requests[0].body.model, "tiny-chat");
    assert.deepEqual(model.requests[0].body.messages, [
      { role: "user", content: "Hello?" },
      { role: "user", content: "What is your return policy?" },
    ]);
  });

  await t.test("answer chat_rlhf's questions per message", async () => {
    const chat = [
      { role: "user", content: "How do I onboard a new annotator?" },
      { role: "assistant", content: "Create their account and give them the Annotator role." },
    ];
    const { project, task } = await createProject("Chat RLHF e2e", rlhfConfig, [{ data: { chat } }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.getByText("Click on a message to evaluate").waitFor();

    // The whole conversation's rating.
    await page.locator("fieldset.rating").first().getByRole("button", { name: "3 of 5" }).click();

    // A user message shows no assistant questions.
    await page.getByRole("button", { name: /How do I onboard/ }).click();
    assert.equal(await page.getByRole("group", { name: /assistant_response_accuracy/ }).count(), 0);

    await page.getByRole("button", { name: /Create their account/ }).click();
    const accuracy = page.getByRole("group", { name: /assistant_response_accuracy/ });
    await accuracy.getByRole("button", { name: "4 of 5" }).click();
    await page.getByRole("checkbox", { name: "Appropriate" }).check();
    await page.locator("label.control.textarea.per-region textarea").fill("Correct, but could link the docs.");
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, "ui-chat.png") });

    const result = await submitAndRead(page, tally, task.id);
    const messageId = result.find((item) => item.type === "chatmessage").id;
    const rows = result.map((item) => [item.id === messageId ? "message" : "whole", item.from_name, item.type, item.value]);
    assert.deepEqual(
      rows.sort((a, b) => a[1].localeCompare(b[1]) || a[2].localeCompare(b[2])),
      [
        ["message", "assistant_response_accuracy", "rating", { rating: 4 }],
        ["message", "chat", "chatmessage", { chatmessage: { role: "assistant", content: chat[1].content } }],
        ["message", "message_comment", "textarea", { text: ["Correct, but could link the docs."] }],
        ["whole", "rating", "rating", { rating: 3 }],
        ["message", "tone", "choices", { choices: ["Appropriate"] }],
      ],
    );

    // Opened again, the answers are back on the same message.
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label?task=${task.id}`);
    await page.getByRole("button", { name: /Create their account/ }).click();
    await page.getByRole("group", { name: /assistant_response_accuracy/ }).getByRole("button", { name: "4 of 5", pressed: true }).waitFor();
    assert.equal(await page.locator(".chat-message").count(), 2, "the stored task message is not shown twice");
  });

  await t.test("page through a Repeater", async () => {
    const pages = [{ text: "Invoice no. 7" }, { text: "Dear Sir or Madam" }, { text: "Invoice no. 8" }];
    const { project, task } = await createProject("Repeater pages e2e", repeaterConfig, [{ data: { pages } }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.getByText("Invoice no. 7").waitFor();
    assert.equal(await page.getByText("Dear Sir or Madam").count(), 0, "one page at a time");

    await page.getByRole("radio", { name: "Invoice" }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("radio", { name: "Letter" }).check();
    await page.getByLabel("Page number").fill("3");
    await page.getByText("Invoice no. 8").waitFor();
    await page.getByRole("radio", { name: "Invoice" }).check();

    const result = await submitAndRead(page, tally, task.id);
    assert.deepEqual(
      result.map((item) => [item.from_name, item.to_name, item.value.choices]),
      [
        ["kind_0", "page_0", ["Invoice"]],
        ["kind_1", "page_1", ["Letter"]],
        ["kind_2", "page_2", ["Invoice"]],
      ],
    );
  });

  await t.test("label a HyperText page fetched by URL", async () => {
    const { project, task } = await createProject("HyperText URL e2e", hyperTextConfig, [{ data: { url: `${model.baseUrl}/report.html` } }]);
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    const hyperText = page.locator(".hypertext-object");
    await hyperText.getByText("Total due: 310 EUR").waitFor();
    assert.equal(await hyperText.locator("script").count(), 0, "scripts are removed");
    assert.notEqual(await page.title(), "hacked");

    await page.evaluate(() => {
      const text = document.querySelector(".hypertext-object #total").firstChild;
      const at = text.data.indexOf("310 EUR");
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + "310 EUR".length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.querySelector(".hypertext-object").dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    });
    await page.getByRole("button", { name: "Amount" }).click();

    const result = await submitAndRead(page, tally, task.id);
    assert.equal(result.length, 1);
    assert.equal(result[0].type, "hypertextlabels");
    assert.equal(result[0].value.text, "310 EUR");
    assert.deepEqual(result[0].value.hypertextlabels, ["Amount"]);
  });

  await t.test("show an uploaded page from this server", async () => {
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "HyperText upload e2e", label_config: hyperTextConfig }),
    });
    // An SVG upload is stored as media, so the task gets its /data/upload
    // URL, which only a signed-in session may read.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="15">Shipment 77 delayed</text><script>alert(1)</script></svg>';
    const form = new FormData();
    form.append("file", new Blob([svg], { type: "image/svg+xml" }), "notice.svg");
    const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
    await tally.api(`/api/projects/${project.id}/import`, {
      method: "POST",
      body: Buffer.from(await request.arrayBuffer()),
      headers: { "Content-Type": request.headers.get("content-type") },
    });
    const [task] = (await tally.api(`/api/tasks?project=${project.id}`)).tasks;
    assert.match(task.data.url, new RegExp(`^/data/upload/${project.id}/`));
    assert.equal((await fetch(tally.baseUrl + task.data.url)).status, 401, "the upload needs a session");

    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.locator(".hypertext-object").getByText("Shipment 77 delayed").waitFor();
    assert.equal(await page.locator(".hypertext-object script").count(), 0, "scripts are removed");
  });

  // Regression: an uploaded page ran its scripts as a page of the app, both
  // when opened directly and when a HyperText task embedded it in <object>.
  await t.test("keep uploaded scripts out of the app", async () => {
    const project = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({
        title: "HyperText embed e2e",
        label_config: `<View><HyperText name="page" value="$html"/><Choices name="verdict" toName="page"><Choice value="Fine"/></Choices></View>`,
      }),
    });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="15">Embedded</text><script>top.pwned = 1; top.document.title = "PWNED"</script></svg>';
    const form = new FormData();
    form.append("file", new Blob([svg], { type: "image/svg+xml" }), "evil.svg");
    const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
    const media = await tally.api("/api/projects", {
      method: "POST",
      body: JSON.stringify({ title: "Upload holder e2e", label_config: hyperTextConfig }),
    });
    await tally.api(`/api/projects/${media.id}/import`, {
      method: "POST",
      body: Buffer.from(await request.arrayBuffer()),
      headers: { "Content-Type": request.headers.get("content-type") },
    });
    const [upload] = (await tally.api(`/api/tasks?project=${media.id}`)).tasks;
    const uploadUrl = tally.baseUrl + upload.data.url;

    const embeds = [`<object data="${uploadUrl}"></object>`, `<embed src="${upload.data.url}">`];
    await tally.api(`/api/projects/${project.id}/import`, {
      method: "POST",
      body: JSON.stringify([{ html: `<p>Quarterly report</p>${embeds.join("")}` }]),
    });
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label`);
    await page.locator(".hypertext-object").getByText("Quarterly report").waitFor();
    assert.equal(await page.locator(".hypertext-object object, .hypertext-object embed").count(), 0, "same-origin embeds are removed");
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.pwned), undefined, "no uploaded script ran in the labeling page");

    await page.goto(uploadUrl);
    await page.locator("text").getByText("Embedded").waitFor();
    await page.waitForTimeout(300);
    assert.notEqual(await page.title(), "PWNED", "the opened upload runs no script");
    assert.equal(await page.evaluate(() => window.pwned), undefined);
  });
});
