// Live co-editing of a prompt draft with Yjs over /api/ws: concurrent
// editors converge, a late joiner catches up from the stored log, saving
// creates prompt versions through the normal path and compacts the log, and
// presence lists who is editing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTally, publicKey, secretKey, uniqueSuffix, userToken } from "./support/tally.js";
import { openDraftEditor, until } from "./support/draft-editor.js";
import WebSocket from "ws";

// The owner's API token, provisioned at the first start.
const ownerToken = userToken;

let tally;
let projectId;
before(async () => {
  tally = await startTally();
  projectId = Number((await tally.get("/api/public/projects")).data[0].id);
});
after(async () => {
  await tally?.stop();
});

const open = (name) => openDraftEditor(tally.baseUrl, publicKey, secretKey, projectId, name);

test("concurrent editors converge and a late joiner catches up", async () => {
  const name = `drafts/critic-${uniqueSuffix()}`;
  const alice = await open(name);
  const bob = await open(name);
  await until(() => alice.state.presence.length === 2, "presence of two editors");
  assert.notEqual(alice.state.participant, bob.state.participant);

  // Both type at once, each without waiting for the other's edits. Words go
  // in between words, so every word must survive whole.
  const wordBoundary = (editor, i) => {
    const boundaries = [0, ...[...editor.text()].flatMap((c, index) => (c === " " ? [index + 1] : []))];
    return boundaries[i % boundaries.length];
  };
  for (let i = 0; i < 25; i++) {
    alice.insert(wordBoundary(alice, i * 7), `a${i} `);
    bob.insert(wordBoundary(bob, i * 3), `b${i} `);
  }
  await until(() => alice.text() === bob.text() && alice.text().length > 0, "both editors to converge");
  const converged = alice.text();
  for (let i = 0; i < 25; i++) {
    assert.ok(converged.includes(`a${i} `), `alice's edit a${i} is kept`);
    assert.ok(converged.includes(`b${i} `), `bob's edit b${i} is kept`);
  }

  // A third editor who joins later replays the stored log.
  const carol = await open(name);
  assert.equal(carol.text(), converged);
  await until(() => alice.state.presence.length === 3, "presence of three editors");
  carol.close();
  await until(() => alice.state.presence.length === 2, "presence after one editor left");

  alice.close();
  bob.close();
});

test("two saves at once create two versions and lose no edit", async () => {
  const name = `drafts/saves-${uniqueSuffix()}`;
  const created = await fetch(`${tally.baseUrl}/api/public/v2/prompts`, {
    method: "POST",
    headers: {
      Authorization: "Basic " + Buffer.from(`${publicKey}:${secretKey}`).toString("base64"),
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ name, prompt: "first version" }),
  });
  assert.equal(created.status, 201);

  const alice = await open(name);
  const bob = await open(name);
  alice.insert(0, "Review {{movie}}.");
  await until(() => bob.text() === "Review {{movie}}.", "bob to see alice's text");

  // Each adds a word and saves right away, concurrently.
  alice.insert(alice.text().length, " Alice");
  bob.insert(0, "Bob ");
  const [alicesSave, bobsSave] = await Promise.all([alice.save({ labels: ["staging"] }), bob.save()]);
  assert.deepEqual([alicesSave.version, bobsSave.version].sort(), [2, 3]);

  // Both versions exist with what each editor had merged when saving.
  for (const saved of [alicesSave, bobsSave]) {
    const version = await tally.get(`/api/public/v2/prompts/${encodeURIComponent(name)}?version=${saved.version}`);
    assert.equal(version.id, saved.promptId);
    assert.equal(version.type, "text");
    assert.match(version.prompt, /Review \{\{movie\}\}\./);
  }
  const staging = await tally.get(`/api/public/v2/prompts/${encodeURIComponent(name)}?label=staging`);
  assert.equal(staging.version, alicesSave.version);
  assert.ok(staging.prompt.includes("Alice"));

  // The draft keeps both edits, also for an editor who joins after the
  // compaction, and editing continues on the compacted log.
  await until(() => alice.text() === bob.text() && alice.text().includes("Bob ") && alice.text().includes(" Alice"),
    "both editors to hold both edits");
  bob.insert(bob.text().length, " Go.");
  await until(() => alice.text().endsWith(" Go.") && alice.state.pending.size === 0, "alice to see bob's later edit");

  // A save by an editor who has applied the whole log compacts it to one row.
  const fourth = await alice.save();
  assert.equal(fourth.version, 4);
  const late = await open(name);
  assert.equal(late.text(), alice.text());
  assert.equal(late.state.replayed, 1);
  late.insert(0, "Please ");
  await until(() => bob.text().startsWith("Please Bob "), "bob to see the late editor's edit");

  // A bad save is refused to the sender alone and changes nothing.
  late.state.seen = 10_000;
  const failed = late.error();
  late.save().catch(() => {});
  const refusal = await failed;
  assert.match(refusal.message, /seen|beyond/);
  const versions = await tally.get(`/api/public/v2/prompts?name=${encodeURIComponent(name)}`);
  assert.deepEqual(versions.data[0].versions, [1, 2, 3, 4]);

  alice.close();
  bob.close();
  late.close();
});

test("an annotator may follow a draft but not publish a version from it", async () => {
  const name = `drafts/guarded-${uniqueSuffix()}`;
  const asOwner = { Authorization: `Token ${ownerToken}`, "Content-Type": "application/json" };
  const email = `annotator-${uniqueSuffix()}@example.com`;
  const password = "an annotator password";
  const user = await fetch(`${tally.baseUrl}/api/users`, {
    method: "POST",
    headers: asOwner,
    body: JSON.stringify({ email, password, role: "annotator" }),
  });
  assert.equal(user.status, 201, await user.text());
  const login = await fetch(`${tally.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

  const socket = new WebSocket(tally.baseUrl.replace(/^http/, "ws") + "/api/ws", {
    headers: { Cookie: cookie, Origin: tally.baseUrl },
  });
  const messages = [];
  const arrived = (matches) =>
    until(() => messages.some(matches), "a matching WebSocket message").then(() => messages.find(matches));
  socket.on("message", (raw) => messages.push(JSON.parse(String(raw))));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const topic = `project:${projectId}:prompt-draft:${name}`;
  socket.send(JSON.stringify({ type: "subscribe", topic }));
  await arrived((m) => m.type === "subscribed" && m.topic === topic);

  socket.send(JSON.stringify({
    type: "message",
    topic,
    data: { kind: "save", prompt: "published by an annotator", snapshot: "AA==", seen: 0, labels: ["production"] },
  }));
  const outcome = await arrived((m) => m.type === "error" || m.data?.kind === "saved");
  assert.equal(outcome.type, "error", JSON.stringify(outcome));
  const listed = await tally.get(`/api/public/v2/prompts?name=${encodeURIComponent(name)}`);
  assert.equal(listed.data.length, 0);
  socket.close();
});
