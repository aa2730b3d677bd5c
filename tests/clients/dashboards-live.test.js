// Live dashboards: a subscriber of dashboard:<id> receives widget updates
// with the new bucket values after the SDK's ingestion commits.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Langfuse } from "langfuse";
import { startTally, publicKey, secretKey, userToken, uniqueSuffix } from "./support/tally.js";
import { connectLive } from "./support/live.js";

let tally;
before(async () => {
  tally = await startTally();
});
after(async () => {
  await tally?.stop();
});

async function createDashboard(projectId, widgets) {
  const response = await fetch(tally.baseUrl + "/api/dashboards", {
    method: "POST",
    headers: { Authorization: `Token ${userToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ project: projectId, name: `live-${uniqueSuffix()}`, widgets }),
  });
  const body = await response.json();
  assert.equal(response.status, 201, JSON.stringify(body));
  return body;
}

test("widget updates follow ingestion", async () => {
  const { data } = await tally.get("/api/public/projects");
  const projectId = Number(data[0].id);
  const model = `model-${uniqueSuffix()}`;
  const filters = [{ column: "providedModelName", operator: "any of", value: [model], type: "stringOptions" }];
  const dashboard = await createDashboard(projectId, [
    { id: "per-minute", name: "Generations per minute", type: "time_series", layout: { x: 0, y: 0, w: 6, h: 3 },
      query: { view: "observations", dimensions: [{ field: "providedModelName" }], filters,
        metrics: [{ measure: "count", aggregation: "count" }], timeDimension: { granularity: "minute" } } },
    { id: "total", name: "Generations", type: "number", layout: { x: 6, y: 0, w: 6, h: 3 },
      query: { view: "observations", filters, metrics: [{ measure: "count", aggregation: "count" }] } },
  ]);

  const live = await connectLive(tally.baseUrl, publicKey, secretKey);
  try {
    const topic = `dashboard:${dashboard.id}`;
    assert.deepEqual(await live.subscribe(topic), { type: "subscribed", topic });

    const langfuse = new Langfuse({ publicKey, secretKey, baseUrl: tally.baseUrl, flushAt: 100 });
    const trace = langfuse.trace({ name: "dashboard-live" });
    for (let i = 0; i < 3; i++) trace.generation({ name: "llm", model }).end();
    await langfuse.flushAsync();
    await langfuse.shutdownAsync();

    // The three generations may arrive in one batch or several: wait for
    // the update that counts all of them.
    const counted = (m) => m.data.rows.reduce((sum, row) => sum + row.count_count, 0) === 3;
    const series = await live.next((m) => m.topic === topic && m.data.widget === "per-minute" && counted(m));
    assert.equal(series.data.action, "widget_update");
    assert.equal(series.data.mode, "merge");
    assert.equal(series.data.rows[0].providedModelName, model);
    assert.match(series.data.rows[0].time_dimension, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    // A merge covers only the buckets the new data fell in.
    assert.ok(Date.parse(series.data.to) - Date.parse(series.data.from) <= 2 * 60_000);

    const total = await live.next((m) => m.topic === topic && m.data.widget === "total" && counted(m));
    assert.equal(total.data.mode, "replace");
  } finally {
    live.close();
  }
});

test("unknown dashboards and bad ranges are refused", async () => {
  const { data } = await tally.get("/api/public/projects");
  const dashboard = await createDashboard(Number(data[0].id), []);
  const live = await connectLive(tally.baseUrl, publicKey, secretKey);
  try {
    const refused = await live.subscribe("dashboard:00000000-0000-0000-0000-000000000000");
    assert.equal(refused.type, "error");

    const topic = `dashboard:${dashboard.id}`;
    assert.equal((await live.subscribe(topic)).type, "subscribed");
    live.send({ type: "message", topic, data: { from: "yesterday" } });
    const error = await live.next((m) => m.type === "error" && m.topic === topic);
    assert.match(error.message, /data\.from|ISO 8601/);
  } finally {
    live.close();
  }
});
