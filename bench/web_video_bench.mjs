// Frame time of the video editor during playback, in Debian's Chromium
// against a real `tally serve`. A 320x240, 25 fps WebM of FRAMES frames
// (default 250, 10 s) is uploaded twice. One copy gets a prediction of one
// VideoRectangle track with a keyframe every 25 frames, so the box moves
// by interpolation on every frame. On each copy the page plays the video
// for PLAY_MS (default 3000 ms) and records the interval between
// requestAnimationFrame callbacks.
// Reference, same run and page: the same playback of the copy with no track.
//
// Usage (after make build): node bench/web_video_bench.mjs [path/to/tally]
//   FRAMES (default 250, at most 256), PLAY_MS (default 3000)
import assert from "node:assert/strict";
import { launchBrowser } from "../web/e2e/support/browser.mjs";
import { startTally } from "../web/e2e/support/tally.mjs";
import { encodeFrameNumberVideo } from "../web/e2e/support/webm.mjs";

const frames = Number(process.env.FRAMES ?? 250);
const playMs = Number(process.env.PLAY_MS ?? 3000);
const video = { width: 320, height: 240, frameRate: 25, frames, bits: 8 };
if (process.argv[2]) process.env.TALLY_BINARY = process.argv[2];

const config = `<View>
  <Labels name="who" toName="video"><Label value="Car"/></Labels>
  <Video name="video" value="$video" framerate="25"/>
  <VideoRectangle name="box" toName="video"/>
</View>`;

// One track across the whole video: a keyframe every 25 frames, moving right and back.
function predictedTrack() {
  const sequence = [];
  for (let frame = 1; frame <= frames; frame += 25) {
    const x = (frame / 25) % 2 === 0 ? 10 : 50;
    sequence.push({ frame, enabled: true, x, y: 20, width: 30, height: 40, rotation: 0, time: frame / video.frameRate });
  }
  const value = { framesCount: frames, duration: frames / video.frameRate, sequence, labels: ["Car"] };
  return [{ id: "track1", from_name: "box", to_name: "video", type: "videorectangle", value }];
}

async function uploadVideo(tally, projectId, bytes) {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "video/webm" }), "frames.webm");
  const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
  await tally.api(`/api/projects/${projectId}/import`, {
    method: "POST",
    body: Buffer.from(await request.arrayBuffer()),
    headers: { "Content-Type": request.headers.get("content-type") },
  });
  const { tasks } = await tally.api(`/api/tasks?project=${projectId}`);
  return Math.max(...tasks.map((task) => task.id)); // the task just imported
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

// Plays the task's video for playMs and returns the requestAnimationFrame
// intervals and the frame number the editor shows at the end.
async function measure(page, baseUrl, projectId, taskId, expectedTracks) {
  await page.goto(`${baseUrl}/projects/${projectId}/label?task=${taskId}`);
  await page.locator(`.video-stage[data-frames-count="${frames}"]`).waitFor();
  await page.locator(".video-stage canvas").first().waitFor();
  await page.waitForFunction((count) => document.querySelectorAll(".region-list li[data-region-id]").length === count, expectedTracks);
  await page.evaluate(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForTimeout(playMs);
  const intervals = await page.evaluate(() => {
    window.__recording = false;
    return window.__frames.slice(1);
  });
  const shownFrame = Number(await page.locator(".video-stage").getAttribute("data-frame"));
  await page.getByRole("button", { name: "Pause" }).click();
  return { intervals, shownFrame };
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

  const bytes = await encodeFrameNumberVideo(page, video);
  const project = await tally.api("/api/projects", { method: "POST", body: JSON.stringify({ title: "Video bench", label_config: config }) });
  const trackedTask = await uploadVideo(tally, project.id, bytes);
  const bareTask = await uploadVideo(tally, project.id, bytes);
  assert.notEqual(trackedTask, bareTask);
  await tally.api("/api/predictions", {
    method: "POST",
    body: JSON.stringify({ task: trackedTask, result: predictedTrack(), score: 0.9, model_version: "bench" }),
  });

  const reference = await measure(page, tally.baseUrl, project.id, bareTask, 0);
  const tracked = await measure(page, tally.baseUrl, project.id, trackedTask, 1);
  const median = percentile(tracked.intervals, 0.5);
  const bareMedian = percentile(reference.intervals, 0.5);
  console.log(
    `playback with 1 track: median ${median.toFixed(1)} ms, p95 ${percentile(tracked.intervals, 0.95).toFixed(1)} ms, max ${Math.max(...tracked.intervals).toFixed(1)} ms over ${tracked.intervals.length} frames; reached video frame ${tracked.shownFrame}`,
  );
  console.log(
    `playback with no track (reference): median ${bareMedian.toFixed(1)} ms, p95 ${percentile(reference.intervals, 0.95).toFixed(1)} ms; reached video frame ${reference.shownFrame}`,
  );
  console.log(`ratio playback median / reference: ${(median / bareMedian).toFixed(2)}`);
} finally {
  await browser.close();
  await tally.stop();
}
