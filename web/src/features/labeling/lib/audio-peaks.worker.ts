// Computes waveform peaks off the main thread (see audio-peaks.ts).
//
// Messages in:
//   {type: "file", url}: fetch the file. A PCM or G.711 WAV is read here, and the
//     reply is "peaks". Any other format is sent back as "encoded" bytes,
//     because Web Audio's decoder is not available in workers in Chromium.
//   {type: "decoded", channels, frames, sampleRate}, then {type: "samples",
//     channel, offset, samples} blocks in order, then {type: "end"}: the
//     main thread's decoded audio, streamed in blocks; the reply is "peaks".
// Messages out: {type: "peaks", peaks, duration}, {type: "encoded", bytes,
//   sampleRate}, or {type: "error", message}.
import { headerSampleRate, PeakAccumulator, readWavLayout, wavPeaks } from "./audio-peaks";

export type PeaksRequest =
  | { type: "file"; url: string }
  | { type: "decoded"; channels: number; frames: number; sampleRate: number }
  | { type: "samples"; channel: number; offset: number; samples: Float32Array }
  | { type: "end" };

export type PeaksResponse =
  | { type: "peaks"; peaks: Float32Array[]; duration: number }
  // sampleRate: the rate the file's header states, or null when unknown.
  | { type: "encoded"; bytes: ArrayBuffer; sampleRate: number | null }
  | { type: "error"; message: string };

// The worker's own scope, typed by hand because the project compiles with
// the DOM library, not the WebWorker one.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PeaksRequest>) => void) | null;
  postMessage(message: PeaksResponse, transfer: Transferable[]): void;
};

let decoded: { accumulator: PeakAccumulator; frames: number; sampleRate: number } | null = null;

function sendPeaks(peaks: Float32Array[], duration: number) {
  scope.postMessage({ type: "peaks", peaks, duration }, peaks.map((channel) => channel.buffer));
}

async function readFile(url: string) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`fetching ${url} failed with HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const layout = readWavLayout(bytes);
  if (!layout) {
    scope.postMessage({ type: "encoded", bytes, sampleRate: headerSampleRate(bytes) }, [bytes]);
    return;
  }
  const { peaks, duration } = wavPeaks(bytes, layout);
  sendPeaks(peaks, duration);
}

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case "file":
      readFile(request.url).catch((error: unknown) =>
        scope.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) }, []),
      );
      return;
    case "decoded":
      decoded = {
        accumulator: new PeakAccumulator(request.channels, request.frames, request.sampleRate),
        frames: request.frames,
        sampleRate: request.sampleRate,
      };
      return;
    case "samples":
      decoded?.accumulator.add(request.channel, request.offset, request.samples);
      return;
    case "end":
      if (decoded) sendPeaks(decoded.accumulator.peaks, decoded.frames / decoded.sampleRate);
      decoded = null;
      return;
  }
};
