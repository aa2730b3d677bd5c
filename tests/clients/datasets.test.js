// Both npm clients create and read datasets, items, runs and run items
// against Tally. The v3 SDK (`langfuse`) uses its legacy dataset calls and
// `item.link`. `@langfuse/client` uses `dataset.get`, `item.link` on a real
// OpenTelemetry span, and the experiment runner, whose run items, spans and
// scores must all be stored.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Langfuse } from "langfuse";
import { LangfuseClient } from "@langfuse/client";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { startObservation, setLangfuseTracerProvider } from "@langfuse/tracing";
import { startTally, publicKey, secretKey, uniqueSuffix, eventually } from "./support/tally.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

test("v3 SDK creates a dataset, pages its items and links runs", async () => {
  const suffix = uniqueSuffix();
  const name = `qa/v3-${suffix}`;
  const errors = [];
  const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: tally.baseUrl, flushAt: 100 });
  langfuse.on("error", (error) => errors.push(String(error)));

  const created = await langfuse.createDataset({ name, description: "capitals", metadata: { owner: "evals" } });
  assert.equal(created.name, name);
  assert.deepEqual(created.items, []);
  assert.deepEqual(created.runs, []);

  const questions = { fr: "Paris", it: "Rome", es: "Madrid" };
  for (const [country, capital] of Object.entries(questions)) {
    const item = await langfuse.createDatasetItem({
      datasetName: name,
      id: `v3-${suffix}-${country}`,
      input: { country },
      expectedOutput: capital,
      metadata: { region: "europe" },
    });
    assert.equal(item.id, `v3-${suffix}-${country}`);
    assert.equal(item.status, "ACTIVE");
  }
  const archived = await langfuse.createDatasetItem({ datasetName: name, id: `v3-${suffix}-old`, input: {}, status: "ARCHIVED" });
  assert.equal(archived.status, "ARCHIVED");

  // A page size of 2 makes the SDK follow meta.totalPages over two pages.
  const dataset = await langfuse.getDataset(name, { fetchItemsPageSize: 2 });
  assert.equal(dataset.description, "capitals");
  assert.deepEqual(dataset.metadata, { owner: "evals" });
  assert.equal(dataset.items.length, 3, "archived items are not listed");
  assert.deepEqual(dataset.items.map((item) => item.expectedOutput).sort(), ["Madrid", "Paris", "Rome"]);

  const runName = `v3-run-${suffix}`;
  for (const item of dataset.items) {
    const trace = langfuse.trace({ name: `answer-${suffix}`, input: item.input });
    const generation = trace.generation({ name: "llm", input: item.input });
    generation.end({ output: item.expectedOutput });
    trace.update({ output: item.expectedOutput });
    const link = await item.link(generation, runName, { description: "first run", metadata: { model: "m1" } });
    assert.equal(link.datasetItemId, item.id);
    assert.equal(link.traceId, trace.id);
    assert.equal(link.observationId, generation.id);
    assert.equal(link.datasetRunName, runName);
  }
  await langfuse.flushAsync();

  const run = await langfuse.getDatasetRun({ datasetName: name, runName });
  assert.equal(run.name, runName);
  assert.equal(run.description, "first run");
  assert.deepEqual(run.metadata, { model: "m1" });
  assert.equal(run.datasetRunItems.length, 3);
  const runs = await langfuse.getDatasetRuns(name, { page: 1, limit: 10 });
  assert.deepEqual(runs.data.map((r) => r.name), [runName]);
  assert.equal(runs.meta.totalItems, 1);

  const fetched = await langfuse.getDatasetItem(`v3-${suffix}-it`);
  assert.deepEqual(fetched.input, { country: "it" });
  assert.equal(fetched.datasetName, name);

  await langfuse.shutdownAsync();
  assert.deepEqual(errors, []);
});

test("@langfuse/client creates datasets, links OTel spans and runs an experiment", async () => {
  const suffix = uniqueSuffix();
  const name = `v5-${suffix}`;
  const processor = new LangfuseSpanProcessor({ publicKey, secretKey, baseUrl: tally.baseUrl, mediaUploadEnabled: false });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  setLangfuseTracerProvider(provider);
  const langfuse = new LangfuseClient({ publicKey, secretKey, baseUrl: tally.baseUrl });

  const created = await langfuse.createDataset({ name, description: "arithmetic", metadata: { level: 1 } });
  assert.equal(created.name, name);
  assert.equal(created.description, "arithmetic");
  const sums = [
    [1, 1],
    [2, 3],
    [10, 5],
  ];
  for (const [a, b] of sums) {
    const item = await langfuse.createDatasetItem({ datasetName: name, input: { a, b }, expectedOutput: a + b });
    assert.ok(item.id, "the client generates an id");
    assert.equal(item.datasetName, name);
  }

  const dataset = await langfuse.dataset.get(name, { fetchItemsPageSize: 2 });
  assert.equal(dataset.items.length, 3);
  assert.deepEqual(dataset.items.map((item) => item.expectedOutput).sort((x, y) => x - y), [2, 5, 15]);
  const byId = await langfuse.getDatasetItem(dataset.items[0].id);
  assert.equal(byId.id, dataset.items[0].id);

  // item.link with a real span: the run item takes the span's trace and id.
  const span = startObservation(`manual-${suffix}`, { input: dataset.items[0].input });
  const link = await dataset.items[0].link({ otelSpan: span.otelSpan }, `manual-${suffix}`, { description: "by hand" });
  span.update({ output: 2 }).end();
  assert.equal(link.traceId, span.traceId);
  assert.equal(link.observationId, span.id);
  assert.ok(link.datasetRunId);
  const manualRun = await langfuse.getDatasetRun(name, `manual-${suffix}`);
  assert.equal(manualRun.description, "by hand");
  assert.equal(manualRun.datasetRunItems.length, 1);

  // The experiment runner: spans through OTLP, run items, and item scores
  // through ingestion.
  const result = await dataset.runExperiment({
    name: `sum-${suffix}`,
    runName: `sum-run-${suffix}`,
    task: async ({ input }) => input.a + input.b,
    evaluators: [async ({ output, expectedOutput }) => ({ name: "exact", value: output === expectedOutput ? 1 : 0 })],
  });
  await processor.forceFlush();
  await langfuse.flush();
  assert.ok(result.datasetRunId, "the run id comes from the run item responses");
  assert.equal(result.itemResults.length, 3);

  const run = await langfuse.getDatasetRun(name, `sum-run-${suffix}`);
  assert.equal(run.id, result.datasetRunId);
  assert.equal(run.datasetRunItems.length, 3);
  const runs = await langfuse.getDatasetRuns(name);
  assert.deepEqual(runs.data.map((r) => r.name).sort(), [`manual-${suffix}`, `sum-run-${suffix}`].sort());

  const traceIds = run.datasetRunItems.map((item) => item.traceId);
  const scores = await eventually(async () => {
    const body = await tally.get(`/api/public/scores?name=exact&limit=100`);
    const mine = body.data.filter((score) => traceIds.includes(score.traceId));
    return mine.length === 3 ? mine : null;
  });
  assert.deepEqual(scores.map((score) => score.value), [1, 1, 1]);
  for (const traceId of traceIds) {
    const trace = await eventually(() => tally.get(`/api/public/traces/${traceId}`));
    assert.equal(trace.id, traceId);
  }

  await provider.shutdown();
});
