// Two `tally serve` processes sharing one PostgreSQL database pass live
// events to each other over LISTEN/NOTIFY: a subscriber on one process hears
// of traces ingested through the other, and draft editors on different
// processes converge. Runs only in the PostgreSQL pass of the suite.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Langfuse } from "langfuse";
import { startTally, publicKey, secretKey, uniqueSuffix } from "./support/tally.js";
import { connectLive } from "./support/live.js";
import { openDraftEditor, until } from "./support/draft-editor.js";

const shared = Boolean(process.env.TALLY_TEST_DATABASE_URL);
let first;
let second;
let projectId;
before(async () => {
  if (!shared) return;
  first = await startTally();
  second = await startTally();
  projectId = Number((await first.get("/api/public/projects")).data[0].id);
});
after(async () => {
  await first?.stop();
  await second?.stop();
});

test("events published on one process reach the other", { skip: !shared && "needs TALLY_TEST_DATABASE_URL" }, async () => {
  const live = await connectLive(second.baseUrl, publicKey, secretKey);
  try {
    const subscribed = await live.subscribe(`project:${projectId}:traces`);
    assert.equal(subscribed.type, "subscribed");

    const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: first.baseUrl });
    const trace = langfuse.trace({ name: `relayed-${uniqueSuffix()}` });
    await langfuse.flushAsync();
    await langfuse.shutdownAsync();

    const event = await live.next((m) => m.type === "event" && m.data.trace?.id === trace.id);
    assert.equal(event.topic, `project:${projectId}:traces`);
    assert.match(event.data.trace.name, /^relayed-/);
  } finally {
    live.close();
  }
});

test("draft editors on two processes converge", { skip: !shared && "needs TALLY_TEST_DATABASE_URL" }, async () => {
  const name = `relay-draft-${uniqueSuffix()}`;
  const alice = await openDraftEditor(first.baseUrl, publicKey, secretKey, projectId, name);
  const bob = await openDraftEditor(second.baseUrl, publicKey, secretKey, projectId, name);
  for (let i = 0; i < 10; i++) {
    alice.insert(0, `a${i} `);
    bob.insert(bob.text().length, `b${i} `);
  }
  await until(() => alice.text() === bob.text() && alice.text().length === 60, "editors on both processes to converge");
  for (let i = 0; i < 10; i++) {
    assert.ok(alice.text().includes(`a${i} `));
    assert.ok(alice.text().includes(`b${i} `));
  }
  alice.close();
  bob.close();
});
