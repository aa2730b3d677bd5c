// Load time of the audio editor in Debian's Chromium against a real
// `tally serve`. The benchmark uploads a WAV of AUDIO_MINUTES minutes
// (default 10; 8 kHz mono). AUDIO_FORMAT picks the file: pcm16 (16-bit
// PCM WAV, the default) or mulaw (8-bit G.711 WAV), both read by the
// waveform worker, or flac (16-bit FLAC), which the browser decodes before
// the worker computes peaks. The figure is the time from opening its
// labeling screen until the waveform is drawn and ready. Reference, same run and
// page: fetching the same file from the server with no decoding.
//
// It also records the main thread's long tasks (over 50 ms, from a
// PerformanceObserver of type "longtask") from navigation until the
// waveform is ready. It prints the longest one and the total blocking time,
// the sum of each long task's time over 50 ms.
//
// Usage (after make build): node bench/web_audio_bench.mjs [path/to/tally]
import assert from "node:assert/strict";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { startTally } from "../web/e2e/support/tally.mjs";
import { toneFlac, toneWav } from "../web/e2e/support/wav.mjs";

const minutes = Number(process.env.AUDIO_MINUTES ?? 10);
const format = process.env.AUDIO_FORMAT ?? "pcm16";
if (!["pcm16", "mulaw", "flac"].includes(format)) throw new Error(`AUDIO_FORMAT must be pcm16, mulaw or flac, not ${format}`);
const rounds = 3;
if (process.argv[2]) process.env.TALLY_BINARY = process.argv[2];

const config = `<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="speaker" toName="audio"><Label value="A"/><Label value="B"/></Labels>
</View>`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const tally = await startTally();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Runs in every document before its own scripts, so no long task is missed.
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((entry) => entry.duration))).observe({
      type: "longtask",
      buffered: true,
    });
  });
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");

  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title: "Audio bench", label_config: config }) });
  const wav = format === "flac" ? toneFlac(minutes * 60) : toneWav(minutes * 60, format);
  const form = new FormData();
  const type = format === "flac" ? "audio/flac" : "audio/wav";
  form.append("file", new Blob([wav], { type }), format === "flac" ? "tone.flac" : "tone.wav");
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  await tally.api(`/api/projects/${project.id}/import`, {
    method: "POST",
    body: Buffer.from(await request.arrayBuffer()),
    headers: { "Content-Type": request.headers.get("content-type") },
  });
  const { tasks } = await tally.api(`/api/tasks?project=${project.id}`);
  const url = tasks[0].data.audio;
  assert.ok(url, "the upload is the task's audio");

  const opened = [];
  const fetched = [];
  const longest = [];
  const blocking = [];
  for (let round = 0; round < rounds; round++) {
    const started = Date.now();
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label?task=${tasks[0].id}`);
    await page.locator('.audio-wave[data-ready="true"]').waitFor({ timeout: 120_000 });
    opened.push(Date.now() - started);
    const longTasks = await page.evaluate(() => window.longTasks);
    longest.push(Math.max(0, ...longTasks));
    blocking.push(longTasks.reduce((sum, duration) => sum + Math.max(0, duration - 50), 0));
    fetched.push(
      await page.evaluate(async (path) => {
        const begin = performance.now();
        const response = await fetch(path, { cache: "no-store" });
        await response.arrayBuffer();
        return performance.now() - begin;
      }, url),
    );
  }
  const ui = median(opened);
  const raw = median(fetched);
  console.log(`${minutes} min ${format} file (${(wav.length / 2 ** 20).toFixed(1)} MiB): waveform ready after median ${ui} ms over ${rounds} loads`);
  console.log(`reference, fetching the file alone: median ${raw.toFixed(0)} ms`);
  console.log(`ratio ui / reference: ${(ui / raw).toFixed(1)}`);
  console.log(`main thread until ready: longest task median ${median(longest).toFixed(0)} ms (${longest.map((d) => d.toFixed(0)).join(", ")}), total blocking time median ${median(blocking).toFixed(0)} ms (${blocking.map((d) => d.toFixed(0)).join(", ")})`);
} finally {
  await browser.close();
  await tally.stop();
}
