// Times the trace table opening in Chromium: from navigation to the first
// row on screen, after one untimed load that caches the JavaScript bundle.
// Reference, same browser and server: the project list opening until its
// first project card shows, which costs the same page load, session check
// and bundle start without the trace table.
// Called by bench/trace_table_bench.py; prints
// {"median_ms": …, "reference_ms": …} last.
//
// Usage: node bench/trace_table_render.mjs BASE_URL EMAIL PASSWORD PROJECT_ID RUNS
import { performance } from "node:perf_hooks";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { signIn } from "../web/e2e/support/sign-in.mjs";

const [baseUrl, email, password, projectId, runs = "5"] = process.argv.slice(2);
const browser = await launchBrowser();
try {
  const page = await signIn(browser, { baseUrl, user: { email, password } }, { width: 1400, height: 900 });

  const open = async (path, selector) => {
    const started = performance.now();
    await page.goto(baseUrl + path);
    await page.locator(selector).first().waitFor({ timeout: 60_000 });
    return performance.now() - started;
  };
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const table = () => open(`/projects/${projectId}/traces`, "[role=row][data-trace-id]");
  const projects = () => open("/projects", ".project-card");
  await table();
  await projects();
  const samples = [];
  const references = [];
  for (let i = 0; i < Number(runs); i++) {
    samples.push(await table());
    references.push(await projects());
  }
  console.log(JSON.stringify({ median_ms: median(samples), reference_ms: median(references), samples, references }));
} finally {
  await browser.close();
}
