// Live publication: a WebSocket client subscribed to a project's topics
// hears of traces, observations and scores once the SDK's ingestion has
// committed them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Langfuse } from "langfuse";
import { startTally, publicKey, secretKey, uniqueSuffix } from "./support/tally.js";
import { connectLive } from "./support/live.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

test("ingested trace, generation and score reach subscribers", async () => {
  const suffix = uniqueSuffix();
  const { data } = await tally.get("/api/public/projects");
  const projectId = Number(data[0].id);
  const live = await connectLive(tally.baseUrl, publicKey, secretKey);
  try {
    for (const stream of ["traces", "observations", "scores"]) {
      assert.deepEqual(await live.subscribe(`project:${projectId}:${stream}`), {
        type: "subscribed",
        topic: `project:${projectId}:${stream}`,
      });
    }

    const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: tally.baseUrl, flushAt: 100 });
    const trace = langfuse.trace({ name: `live-${suffix}`, userId: "user-7" });
    const generation = trace.generation({ name: "llm", model: "gpt-4o", input: "secret question" });
    generation.end({ usageDetails: { input: 10, output: 2 } });
    trace.score({ name: "quality", value: 0.5 });
    await langfuse.flushAsync();
    await langfuse.shutdownAsync();

    const traceEvent = await live.next((m) => m.topic.endsWith(":traces") && m.data.trace.id === trace.id);
    assert.equal(traceEvent.type, "event");
    assert.equal(traceEvent.data.action, "upsert");
    assert.equal(traceEvent.data.trace.name, `live-${suffix}`);
    assert.equal(traceEvent.data.trace.userId, "user-7");

    const observationEvent = await live.next((m) => m.topic.endsWith(":observations") && m.data.observation.id === generation.id);
    assert.equal(observationEvent.data.observation.traceId, trace.id);
    assert.equal(observationEvent.data.observation.type, "GENERATION");
    assert.equal(observationEvent.data.observation.model, "gpt-4o");
    assert.equal(observationEvent.data.observation.input, undefined, "summaries carry no input");

    const scoreEvent = await live.next((m) => m.topic.endsWith(":scores") && m.data.score.traceId === trace.id);
    assert.equal(scoreEvent.data.score.name, "quality");
    assert.equal(scoreEvent.data.score.value, 0.5);

    // Another project's topic is refused.
    const refused = await live.subscribe(`project:${projectId + 1000}:traces`);
    assert.equal(refused.type, "error");
  } finally {
    live.close();
  }
});
