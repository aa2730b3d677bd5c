// The v3 JS SDK (`langfuse`) traces through POST /api/public/ingestion; every
// trace, observation, usage, cost and score it sends must read back as sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Langfuse, LangfuseWeb } from "langfuse";
import { startTally, publicKey, secretKey, uniqueSuffix } from "./support/tally.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

test("v3 SDK trace, observations and scores read back as sent", async () => {
  const suffix = uniqueSuffix();
  const errors = [];
  const langfuse = new Langfuse({
    publicKey,
    secretKey,
    baseUrl: tally.baseUrl,
    flushAt: 100,
    environment: "staging",
    release: "v1.2.3",
  });
  langfuse.on("error", (error) => errors.push(String(error)));
  // Tally keeps a prompt link only when the project has that version, as
  // Langfuse does, so the linked prompt is created first.
  const prompt = await langfuse.createPrompt({ name: `movie-critic-${suffix}`, prompt: "Do you like {{movie}}?" });

  const trace = langfuse.trace({
    name: `chat-${suffix}`,
    userId: "user-123",
    sessionId: `session-${suffix}`,
    input: { question: "Do you like Dune 2?" },
    metadata: { plan: "pro", nested: { a: 1 } },
    tags: ["prod", "beta"],
    version: "app-1.0",
  });
  const span = trace.span({ name: "retrieval", input: { query: "dune" }, metadata: { source: "kb" } });
  span.event({ name: "cache-miss", level: "WARNING", statusMessage: "cache cold" });
  span.end({ output: { docs: 2 } });
  const generation = trace.generation({
    name: "llm-call",
    model: "gpt-4o",
    modelParameters: { temperature: 0.5, maxTokens: 256 },
    input: [{ role: "user", content: "Do you like Dune 2?" }],
    prompt,
    completionStartTime: new Date(),
  });
  generation.end({
    output: { role: "assistant", content: "Yes!" },
    usageDetails: { input: 100, input_cached_tokens: 20, output: 30 },
  });
  const priced = trace.generation({ name: "priced", model: "my-own-model" });
  priced.end({
    usage: { input: 10, output: 5, unit: "TOKENS" },
    costDetails: { input: 0.0003, output: 0.0006 },
  });
  trace.update({ output: { answer: "Yes!" } });
  trace.score({ name: "helpfulness", value: 0.9, comment: "good" });
  langfuse.score({ traceId: trace.id, observationId: generation.id, name: "correct", value: 1, dataType: "BOOLEAN" });
  langfuse.score({ traceId: trace.id, name: "tone", value: "friendly", dataType: "CATEGORICAL" });
  await langfuse.flushAsync();
  await langfuse.shutdownAsync();
  assert.deepEqual(errors, []);

  // The trace and its fields.
  const stored = await tally.get(`/api/public/traces/${trace.id}`);
  assert.equal(stored.name, `chat-${suffix}`);
  assert.equal(stored.userId, "user-123");
  assert.equal(stored.sessionId, `session-${suffix}`);
  assert.equal(stored.release, "v1.2.3");
  assert.equal(stored.version, "app-1.0");
  assert.equal(stored.environment, "staging");
  assert.deepEqual(stored.input, { question: "Do you like Dune 2?" });
  assert.deepEqual(stored.output, { answer: "Yes!" });
  assert.deepEqual(stored.metadata, { plan: "pro", nested: { a: 1 } });
  assert.deepEqual(stored.tags, ["beta", "prod"]);
  assert.match(stored.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  // Observations.
  const byName = Object.fromEntries(stored.observations.map((o) => [o.name, o]));
  assert.deepEqual(Object.keys(byName).sort(), ["cache-miss", "llm-call", "priced", "retrieval"]);
  assert.equal(byName.retrieval.type, "SPAN");
  assert.deepEqual(byName.retrieval.input, { query: "dune" });
  assert.deepEqual(byName.retrieval.output, { docs: 2 });
  assert.deepEqual(byName.retrieval.metadata, { source: "kb" });
  assert.ok(byName.retrieval.endTime);
  assert.equal(byName["cache-miss"].type, "EVENT");
  assert.equal(byName["cache-miss"].level, "WARNING");
  assert.equal(byName["cache-miss"].statusMessage, "cache cold");
  assert.equal(byName["cache-miss"].parentObservationId, byName.retrieval.id);

  const llm = byName["llm-call"];
  assert.equal(llm.type, "GENERATION");
  assert.equal(llm.model, "gpt-4o");
  assert.deepEqual(llm.modelParameters, { temperature: 0.5, maxTokens: 256 });
  assert.deepEqual(llm.input, [{ role: "user", content: "Do you like Dune 2?" }]);
  assert.deepEqual(llm.output, { role: "assistant", content: "Yes!" });
  assert.equal(llm.promptName, `movie-critic-${suffix}`);
  assert.equal(llm.promptVersion, 1);
  assert.equal(llm.promptId, prompt.promptResponse.id);
  assert.ok(llm.completionStartTime);
  assert.deepEqual(llm.usageDetails, { input: 100, input_cached_tokens: 20, output: 30, total: 150 });
  // Computed from the managed gpt-4o price: cached tokens at their own price.
  assert.deepEqual(llm.costDetails, { input: 0.00025, input_cached_tokens: 0.000025, output: 0.0003, total: 0.000575 });
  assert.equal(llm.calculatedTotalCost, 0.000575);
  assert.equal(llm.modelId, "b9854a5c92dc496b997d99d20");

  const own = byName.priced;
  assert.deepEqual(own.usageDetails, { input: 10, output: 5, total: 15 });
  assert.deepEqual(own.costDetails, { input: 0.0003, output: 0.0006, total: 0.0009 });
  assert.ok(Math.abs(stored.totalCost - (0.000575 + 0.0009)) < 1e-12, `totalCost ${stored.totalCost}`);

  // Scores.
  const scores = Object.fromEntries(stored.scores.map((s) => [s.name, s]));
  assert.equal(scores.helpfulness.value, 0.9);
  assert.equal(scores.helpfulness.comment, "good");
  assert.equal(scores.helpfulness.dataType, "NUMERIC");
  assert.equal(scores.correct.value, 1);
  assert.equal(scores.correct.stringValue, "True");
  assert.equal(scores.correct.observationId, llm.id);
  assert.equal(scores.tone.stringValue, "friendly");
  assert.equal(scores.tone.dataType, "CATEGORICAL");

  // The SDK's own read methods parse these shapes.
  const fetched = await new Langfuse({ publicKey, secretKey, baseUrl: tally.baseUrl }).fetchTrace(trace.id);
  assert.equal(fetched.data.id, trace.id);
  const sessions = await tally.get(`/api/public/sessions/session-${suffix}`);
  assert.equal(sessions.traces[0].id, trace.id);
});

test("v3 browser client scores with the public key alone", async () => {
  const suffix = uniqueSuffix();
  const web = new LangfuseWeb({ publicKey, baseUrl: tally.baseUrl, flushAt: 1 });
  await web.score({ id: `web-score-${suffix}`, traceId: `trace-${suffix}`, name: "thumbs", value: 1 });
  await web.flushAsync();

  const score = await tally.get(`/api/public/scores/web-score-${suffix}`);
  assert.equal(score.traceId, `trace-${suffix}`);
  assert.equal(score.name, "thumbs");
  assert.equal(score.value, 1);
  assert.equal(score.source, "API");
});
