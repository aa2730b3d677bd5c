// Live trace table delay: time from the `langfuse` SDK's flush resolving
// until the trace's row is in the open trace table, in Debian's Chromium
// against a real `tally serve` on loopback.
//
// The page opens the project's trace table with live mode on. Each round
// records one trace with the SDK and flushes it; a MutationObserver in the
// page stamps the moment the row appears. Reference, same run and page: a
// raw WebSocket subscribed to the same "project:<id>:traces" topic stamps
// the hub event of the same trace, the floor that ingestion and the hub
// impose before the table refetches and renders. The server publishes the
// event before the SDK's promise resolves, so the reference can be
// negative. Both stamps are epoch milliseconds (performance.timeOrigin +
// performance.now()) on one machine.
//
// Usage (after make build): node bench/trace_live_bench.mjs [path/to/tally]
//   ROUNDS (default 30), ROUND_GAP_MS (default 300). Goal: median under 1 s.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { signIn } from "../web/e2e/support/sign-in.mjs";
import { startTally, webDir } from "../web/e2e/support/tally.mjs";

const rounds = Number(process.env.ROUNDS ?? 30);
const gapMs = Number(process.env.ROUND_GAP_MS ?? 300);
if (process.argv[2]) process.env.TALLY_BINARY = resolve(process.argv[2]);
const demoDir = resolve(webDir, "../demo");
if (!existsSync(join(demoDir, "node_modules/langfuse/package.json"))) {
  console.log("trace_live_bench: skipped, the langfuse SDK is missing (run npm ci in demo/)");
  process.exit(0);
}
const { Langfuse } = createRequire(join(demoDir, "package.json"))("langfuse");

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

const tally = await startTally({ keyPair: true });
const browser = await launchBrowser();
try {
  const page = await signIn(browser, tally, { width: 1400, height: 900 });
  const projectId = tally.keys.projectId;
  await page.goto(`${tally.baseUrl}/projects/${projectId}/traces`);
  await page.getByLabel("Live updates: live").waitFor();

  // Stamps rows as they appear, and hub events as the raw socket hears them.
  await page.evaluate(async (topic) => {
    const now = () => performance.timeOrigin + performance.now();
    window.rowSeen = {};
    window.eventSeen = {};
    new MutationObserver(() => {
      for (const row of document.querySelectorAll("[role=row][data-trace-id]")) {
        const id = row.dataset.traceId;
        if (!(id in window.rowSeen)) window.rowSeen[id] = now();
      }
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-trace-id"] });
    const socket = new WebSocket(`ws://${location.host}/api/ws`);
    await new Promise((done) => {
      socket.onopen = () => socket.send(JSON.stringify({ type: "subscribe", topic }));
      socket.onmessage = (message) => {
        const frame = JSON.parse(message.data);
        if (frame.type === "subscribed") done();
        const id = frame.data?.trace?.id;
        if (frame.type === "event" && id && !(id in window.eventSeen)) window.eventSeen[id] = now();
      };
    });
  }, `project:${projectId}:traces`);

  const langfuse = new Langfuse({ publicKey: tally.keys.publicKey, secretKey: tally.keys.secretKey, baseUrl: tally.baseUrl });
  const rowDelays = [];
  const eventDelays = [];
  for (let round = 0; round < rounds; round++) {
    const id = `live-bench-${round}`;
    const trace = langfuse.trace({ id, name: "live-bench", input: `question ${round}`, output: "answer" });
    trace.generation({ name: "call", model: "gpt-4o", input: "q", output: "a" });
    await langfuse.flushAsync();
    const flushed = performance.timeOrigin + performance.now();
    await page.waitForFunction((id) => id in window.rowSeen && id in window.eventSeen, id, { timeout: 10_000 });
    const { row, event } = await page.evaluate((id) => ({ row: window.rowSeen[id], event: window.eventSeen[id] }), id);
    rowDelays.push(row - flushed);
    eventDelays.push(event - flushed);
    await new Promise((done) => setTimeout(done, gapMs));
  }
  await langfuse.shutdownAsync();

  const median = percentile(rowDelays, 0.5);
  const reference = percentile(eventDelays, 0.5);
  console.log(
    `flush -> row in the live trace table: median ${median.toFixed(1)} ms, p95 ${percentile(rowDelays, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...rowDelays).toFixed(1)} ms over ${rounds} traces (goal: median under 1000 ms)`,
  );
  console.log(
    `reference, flush -> hub event on a raw socket: median ${reference.toFixed(1)} ms, ` +
      `p95 ${percentile(eventDelays, 0.95).toFixed(1)} ms; difference of medians ${(median - reference).toFixed(1)} ms`,
  );
} finally {
  await browser.close();
  await tally.stop();
}
