// Live dashboard delay: time from an ingestion POST until a dashboard
// subscriber receives the widget update that includes the new data.
//
// Starts `tally serve` on SQLite on a free loopback port, creates a
// dashboard with one time-series widget (observation count by model per
// minute) and subscribes to "dashboard:<id>" over /api/ws with the
// project's key pair. Each round posts one trace with one generation and
// waits for the widget_update whose row for the current minute counts that
// generation. Rounds are ROUND_GAP_MS apart, so each lands in its own batch
// window. Reference, same run and socket: the raw
// "project:<id>:observations" event of the same POST, the floor that
// ingestion and the hub alone impose.
//
// Usage (after make build): node bench/dashboard_live_bench.mjs [path/to/tally]
//   ROUNDS (default 40), ROUND_GAP_MS (default 400). Goal: median under 1 s.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `ws` comes with the web UI's dependencies (make deps).
const WebSocket = createRequire(join(root, "web", "package.json"))("ws");

const binary = process.argv[2] ?? join(root, "build", "tally");
const rounds = Number(process.env.ROUNDS ?? 40);
const gapMs = Number(process.env.ROUND_GAP_MS ?? 400);
const publicKey = "pk-lf-live-bench";
const secretKey = "sk-lf-live-bench-secret-0001";
const userToken = "live0bench0token0000000000000000000000ab";

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startTally() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "tally-live-bench-"));
  const child = spawn(binary, ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir,
    "--no-access-log", "--log-level", "warn"], {
    stdio: "ignore",
    env: { ...process.env, TALLY_INIT_USER_EMAIL: "bench@example.com", TALLY_INIT_USER_TOKEN: userToken,
      TALLY_INIT_PROJECT_NAME: "Live bench", TALLY_INIT_PROJECT_PUBLIC_KEY: publicKey,
      TALLY_INIT_PROJECT_SECRET_KEY: secretKey },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${baseUrl}/api/public/health`)).ok) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    baseUrl,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const basic = "Basic " + Buffer.from(`${publicKey}:${secretKey}`).toString("base64");

async function call(baseUrl, path, options, authorization) {
  const response = await fetch(baseUrl + path, {
    ...options,
    headers: { Authorization: authorization, "Content-Type": "application/json" },
  });
  const text = await response.text();
  if (!response.ok && response.status !== 207) throw new Error(`${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

const tally = await startTally();
try {
  const projects = await call(tally.baseUrl, "/api/public/projects", {}, basic);
  const projectId = Number(projects.data[0].id);
  const dashboard = await call(tally.baseUrl, "/api/dashboards", {
    method: "POST",
    body: JSON.stringify({
      project: projectId, name: "Live", widgets: [{
        id: "volume", name: "Generations per minute", type: "time_series", layout: { x: 0, y: 0, w: 12, h: 4 },
        query: { view: "observations", dimensions: [{ field: "providedModelName" }],
          metrics: [{ measure: "count", aggregation: "count" }], timeDimension: { granularity: "minute" } },
      }],
    }),
  }, `Token ${userToken}`);

  const socket = new WebSocket(tally.baseUrl.replace("http", "ws") + "/api/ws", { headers: { Authorization: basic } });
  await new Promise((resolve, reject) => { socket.once("open", resolve); socket.once("error", reject); });
  const waiters = [];
  socket.on("message", (text) => {
    const message = JSON.parse(String(text));
    const at = performance.now();
    for (const waiter of [...waiters]) {
      if (waiter.matches(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(at);
      }
    }
  });
  const next = (matches) => new Promise((resolve, reject) => {
    const waiter = { matches, resolve };
    waiters.push(waiter);
    setTimeout(() => { if (waiters.includes(waiter)) reject(new Error("no update within 10 s")); }, 10_000).unref();
  });
  const subscribe = async (topic) => {
    const reply = next((m) => m.topic === topic && (m.type === "subscribed" || m.type === "error"));
    socket.send(JSON.stringify({ type: "subscribe", topic }));
    await reply;
  };
  await subscribe(`dashboard:${dashboard.id}`);
  await subscribe(`project:${projectId}:observations`);

  const dashboardDelays = [];
  const eventDelays = [];
  // Generations sent per minute bucket: an update counts only once its row
  // for that bucket includes the generation just sent.
  const sentPerMinute = new Map();
  for (let round = 0; round < rounds; round++) {
    const traceId = randomUUID();
    const generationId = randomUUID();
    const now = new Date().toISOString();
    const bucket = now.slice(0, 16) + ":00.000Z";
    sentPerMinute.set(bucket, (sentPerMinute.get(bucket) ?? 0) + 1);
    const expected = sentPerMinute.get(bucket);
    const update = next((m) => m.data?.action === "widget_update" && m.data.widget === "volume"
      && m.data.rows.some((row) => row.providedModelName === "gpt-4o" && row.time_dimension === bucket
        && row.count_count >= expected));
    const event = next((m) => m.topic === `project:${projectId}:observations` && m.data.observation?.id === generationId);
    const started = performance.now();
    await call(tally.baseUrl, "/api/public/ingestion", {
      method: "POST",
      body: JSON.stringify({ batch: [
        { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, name: "live", timestamp: now } },
        { id: randomUUID(), type: "generation-create", timestamp: now,
          body: { id: generationId, traceId, name: "llm", model: "gpt-4o", startTime: now, endTime: now } },
      ] }),
    }, basic);
    const [updatedAt, eventAt] = await Promise.all([update, event]);
    dashboardDelays.push(updatedAt - started);
    eventDelays.push(eventAt - started);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  socket.close();

  const median = percentile(dashboardDelays, 0.5);
  const reference = percentile(eventDelays, 0.5);
  console.log(`dashboard live update after ingestion, ${rounds} rounds: median ${median.toFixed(1)} ms, ` +
    `p95 ${percentile(dashboardDelays, 0.95).toFixed(1)} ms, max ${Math.max(...dashboardDelays).toFixed(1)} ms ` +
    `(goal: under 1000 ms); raw hub event median ${reference.toFixed(1)} ms, ratio ${(median / reference).toFixed(2)}`);
} finally {
  await tally.stop();
}
