// The v5 JS SDK (`@langfuse/tracing` + `@langfuse/otel`) traces through OTLP
// at /api/public/otel/v1/traces; the @langfuse/client package scores through
// ingestion and reads back through the legacy and v2 read APIs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { startActiveObservation, startObservation, propagateAttributes, setLangfuseTracerProvider } from "@langfuse/tracing";
import { LangfuseClient, TextPromptClient } from "@langfuse/client";
import { startTally, publicKey, secretKey, uniqueSuffix, eventually } from "./support/tally.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

test("v5 OTLP spans, usage, cost and client scores read back as sent", async () => {
  const suffix = uniqueSuffix();
  const processor = new LangfuseSpanProcessor({
    publicKey,
    secretKey,
    baseUrl: tally.baseUrl,
    environment: "staging",
    release: "v1.2.3",
    mediaUploadEnabled: false,
  });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  // register() installs the context manager that carries the active span
  // into child observations.
  provider.register();
  setLangfuseTracerProvider(provider);
  const langfuse = new LangfuseClient({ publicKey, secretKey, baseUrl: tally.baseUrl });
  // Tally keeps a prompt link only when the project has that version, as
  // Langfuse does, so the linked prompt is created first.
  const prompt = await langfuse.prompt.create({ name: `movie-critic-${suffix}`, prompt: "Do you like {{movie}}?" });
  assert.ok(prompt instanceof TextPromptClient);

  let traceId;
  let generationId;
  await startActiveObservation(`handle-request-${suffix}`, async (root) => {
    traceId = root.traceId;
    root.update({ input: { question: "Do you like Dune 2?" }, metadata: { route: "/chat" } });
    root.setTraceIO({ input: { question: "Do you like Dune 2?" }, output: { answer: "Yes" } });
    await propagateAttributes(
      {
        userId: "user-123",
        sessionId: `session-${suffix}`,
        tags: ["prod", "beta"],
        metadata: { plan: "pro" },
        version: "app-1.0",
        traceName: `chat-app-${suffix}`,
      },
      async () => {
        const retriever = startObservation("kb-search", { input: { q: "dune" } }, { asType: "retriever" });
        retriever.update({ output: { docs: 2 } }).end();
        const generation = startObservation(
          "llm-call",
          { model: "gpt-4o", modelParameters: { temperature: 0.5 }, input: [{ role: "user", content: "hi" }], prompt },
          { asType: "generation" },
        );
        generationId = generation.id;
        generation
          .update({
            output: { role: "assistant", content: "Yes!" },
            usageDetails: { input: 100, output: 30, input_cached_tokens: 20 },
            completionStartTime: new Date(),
          })
          .end();
        const priced = startObservation("priced-call", { model: "my-own-model" }, { asType: "generation" });
        priced.update({ usageDetails: { input: 10, output: 5 }, costDetails: { input: 0.0003, output: 0.0006 } }).end();
        const tool = startObservation("weather-tool", { input: { city: "Berlin" } }, { asType: "tool" });
        tool.update({ output: { tempC: 21 }, level: "WARNING", statusMessage: "slow upstream" }).end();
        startObservation("user-feedback", { input: { thumbs: "up" } }, { asType: "event" });
        startObservation("planner", { input: "plan" }, { asType: "agent" }).end();
      },
    );
    root.update({ output: { answer: "Yes!" } });
  });
  await processor.forceFlush();

  langfuse.score.create({ name: "quality", value: 0.85, traceId, comment: "High quality response" });
  langfuse.score.create({ name: "is_correct", value: 1, dataType: "BOOLEAN", traceId, observationId: generationId });
  langfuse.score.create({
    name: "session_rating",
    value: "good",
    dataType: "CATEGORICAL",
    sessionId: `session-${suffix}`,
    metadata: { reviewer: "bot" },
  });
  await langfuse.flush();

  // The trace, through the SDK's own read method.
  const trace = await eventually(async () => {
    const fetched = await langfuse.api.trace.get(traceId);
    const names = fetched.observations.map((o) => o.name).sort();
    if (fetched.observations.length === 7 && fetched.scores.length === 2) return fetched;
    throw new Error(`trace has observations ${JSON.stringify(names)} and ${fetched.scores.length} scores`);
  });
  assert.equal(trace.name, `chat-app-${suffix}`);
  assert.equal(trace.userId, "user-123");
  assert.equal(trace.sessionId, `session-${suffix}`);
  assert.deepEqual(trace.tags, ["beta", "prod"]);
  assert.equal(trace.version, "app-1.0");
  assert.equal(trace.release, "v1.2.3");
  assert.equal(trace.environment, "staging");
  assert.deepEqual(trace.input, { question: "Do you like Dune 2?" });
  assert.deepEqual(trace.output, { answer: "Yes" });
  assert.equal(trace.metadata.plan, "pro");

  const byName = Object.fromEntries(trace.observations.map((o) => [o.name, o]));
  const root = byName[`handle-request-${suffix}`];
  assert.equal(root.type, "SPAN");
  assert.equal(root.parentObservationId, null);
  assert.deepEqual(root.output, { answer: "Yes!" });
  assert.equal(byName["kb-search"].type, "RETRIEVER");
  assert.deepEqual(byName["kb-search"].output, { docs: 2 });
  assert.equal(byName["kb-search"].parentObservationId, root.id);
  assert.equal(byName["weather-tool"].type, "TOOL");
  assert.equal(byName["weather-tool"].level, "WARNING");
  assert.equal(byName["weather-tool"].statusMessage, "slow upstream");
  assert.equal(byName["user-feedback"].type, "EVENT");
  assert.equal(byName.planner.type, "AGENT");

  const llm = byName["llm-call"];
  assert.equal(llm.id, generationId);
  assert.equal(llm.type, "GENERATION");
  assert.equal(llm.model, "gpt-4o");
  assert.deepEqual(llm.modelParameters, { temperature: 0.5 });
  assert.deepEqual(llm.output, { role: "assistant", content: "Yes!" });
  assert.equal(llm.promptName, `movie-critic-${suffix}`);
  assert.equal(llm.promptVersion, 1);
  assert.equal(llm.promptId, prompt.promptResponse.id);
  assert.ok(llm.completionStartTime);
  assert.deepEqual(llm.usageDetails, { input: 100, output: 30, input_cached_tokens: 20, total: 150 });
  assert.deepEqual(llm.costDetails, { input: 0.00025, output: 0.0003, input_cached_tokens: 0.000025, total: 0.000575 });

  const priced = byName["priced-call"];
  assert.deepEqual(priced.usageDetails, { input: 10, output: 5, total: 15 });
  assert.deepEqual(priced.costDetails, { input: 0.0003, output: 0.0006, total: 0.0009 });

  const scores = Object.fromEntries(trace.scores.map((s) => [s.name, s]));
  assert.equal(scores.quality.value, 0.85);
  assert.equal(scores.quality.comment, "High quality response");
  assert.equal(scores.is_correct.stringValue, "True");
  assert.equal(scores.is_correct.observationId, generationId);

  // The session score, through the v3 scores list.
  const sessionScores = await tally.get(`/api/public/v3/scores?sessionId=session-${suffix}&fields=details,subject`);
  assert.equal(sessionScores.data.length, 1);
  assert.equal(sessionScores.data[0].value, "good");
  assert.deepEqual(sessionScores.data[0].metadata, { reviewer: "bot" });
  assert.deepEqual(sessionScores.data[0].subject, { kind: "session", id: `session-${suffix}` });

  // The client's observation and session reads.
  const observation = await langfuse.api.legacy.observationsV1.get(generationId);
  assert.equal(observation.model, "gpt-4o");
  const listed = await langfuse.api.observations.getMany({ traceId, fields: "core,basic,usage" });
  assert.equal(listed.data.length, 7);
  const session = await langfuse.api.sessions.get(`session-${suffix}`);
  assert.equal(session.traces[0].id, traceId);

  await provider.shutdown();
  await langfuse.shutdown();
});
