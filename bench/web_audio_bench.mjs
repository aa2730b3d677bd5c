// Load time of the audio editor in Debian's Chromium against a real
// `tally serve`. The benchmark uploads a WAV of AUDIO_MINUTES minutes
// (default 10; 8 kHz, 16-bit mono). The figure is the time from opening its
// labeling screen until the waveform is drawn and ready. Reference, same run and
// page: fetching the same file from the server with no decoding.
//
// Usage (after make build): node bench/web_audio_bench.mjs [path/to/tally]
import assert from "node:assert/strict";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { startTally } from "../web/e2e/support/tally.mjs";

const minutes = Number(process.env.AUDIO_MINUTES ?? 10);
const rounds = 3;
if (process.argv[2]) process.env.TALLY_BINARY = process.argv[2];

const config = `<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="speaker" toName="audio"><Label value="A"/><Label value="B"/></Labels>
</View>`;

// A 16-bit mono PCM WAV of a 440 Hz tone at 8 kHz.
function toneWav(seconds) {
  const rate = 8000;
  const samples = rate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return wav;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const tally = await startTally();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(tally.baseUrl + "/login");
  await page.getByLabel("Email").fill(tally.user.email);
  await page.getByLabel("Password").fill(tally.user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/projects");

  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title: "Audio bench", label_config: config }) });
  const wav = toneWav(minutes * 60);
  const form = new FormData();
  form.append("file", new Blob([wav], { type: "audio/wav" }), "tone.wav");
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
  for (let round = 0; round < rounds; round++) {
    const started = Date.now();
    await page.goto(`${tally.baseUrl}/projects/${project.id}/label?task=${tasks[0].id}`);
    await page.locator('.audio-wave[data-ready="true"]').waitFor({ timeout: 120_000 });
    opened.push(Date.now() - started);
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
  console.log(`${minutes} min WAV (${(wav.length / 2 ** 20).toFixed(1)} MiB): waveform ready after median ${ui} ms over ${rounds} loads`);
  console.log(`reference, fetching the file alone: median ${raw.toFixed(0)} ms`);
  console.log(`ratio ui / reference: ${(ui / raw).toFixed(1)}`);
} finally {
  await browser.close();
  await tally.stop();
}
