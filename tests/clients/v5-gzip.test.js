// The v5 OTLP exporter with OTEL_EXPORTER_OTLP_COMPRESSION=gzip, the setting
// users pick for large traces: gzipped OTLP/JSON must store the same spans.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { startActiveObservation, setLangfuseTracerProvider } from "@langfuse/tracing";
import { startTally, publicKey, secretKey, uniqueSuffix } from "./support/tally.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

test("gzipped OTLP export stores a generation with usage and cost", async () => {
  process.env.OTEL_EXPORTER_OTLP_COMPRESSION = "gzip";
  const suffix = uniqueSuffix();
  const processor = new LangfuseSpanProcessor({ publicKey, secretKey, baseUrl: tally.baseUrl, mediaUploadEnabled: false });
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  setLangfuseTracerProvider(provider);

  let traceId;
  await startActiveObservation(
    `gzip-${suffix}`,
    async (generation) => {
      traceId = generation.traceId;
      generation.update({
        model: "gpt-4o",
        input: "hello",
        output: "hi there",
        usageDetails: { input: 1000, output: 100 },
      });
    },
    { asType: "generation" },
  );
  await processor.forceFlush();
  await provider.shutdown();

  const trace = await tally.get(`/api/public/traces/${traceId}`);
  assert.equal(trace.name, `gzip-${suffix}`);
  assert.equal(trace.observations.length, 1);
  const [generation] = trace.observations;
  assert.equal(generation.type, "GENERATION");
  assert.equal(generation.input, "hello");
  assert.equal(generation.output, "hi there");
  assert.deepEqual(generation.usageDetails, { input: 1000, output: 100, total: 1100 });
  assert.deepEqual(generation.costDetails, { input: 0.0025, output: 0.001, total: 0.0035 });
  const listed = await tally.get(`/api/public/v2/observations?traceId=${traceId}&fields=core,basic`);
  assert.equal(listed.data[0].isRootObservation, true);
});
