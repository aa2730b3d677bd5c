// Loads an audio file's waveform peaks through the peaks worker
// (audio-peaks.worker.ts), so that the main thread does no per-sample work.
//
// A PCM or G.711 WAV never reaches the main thread: the worker fetches and
// reads it. Other formats come back as bytes and are decoded with Web
// Audio's decodeAudioData, at the sample rate the file's header states
// (44,100 Hz when the worker cannot tell), so nothing is resampled. The
// decoded samples then go to the worker in blocks of 2^18 frames, copied
// and transferred one at a time, with a yield to the event loop every 10 ms.
// NOTE: Chromium decodes on its own thread but builds the decoded
// AudioBuffer on the main thread, one long task in proportion to the
// decoded length (see "Audio editor" in docs/benchmarks.md), and the
// decoded samples are all held in memory at once.
import type { PeaksRequest, PeaksResponse } from "./audio-peaks.worker";
import { maxChannels } from "./audio-peaks";

export interface WaveformPeaks {
  peaks: Float32Array[];
  duration: number; // seconds
}

const framesPerBlock = 1 << 18;
const maxBusyMs = 10;
const fallbackSampleRate = 44100;

// Resolves with the worker's next message.
function nextResponse(worker: Worker): Promise<PeaksResponse> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<PeaksResponse>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message || "the waveform worker failed"));
  });
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// Sends decoded audio to the worker block by block.
async function streamSamples(worker: Worker, audio: AudioBuffer, signal: AbortSignal) {
  const channels = Math.min(audio.numberOfChannels, maxChannels);
  const start: PeaksRequest = { type: "decoded", channels, frames: audio.length, sampleRate: audio.sampleRate };
  worker.postMessage(start);
  let busySince = performance.now();
  for (let channel = 0; channel < channels; channel++) {
    for (let offset = 0; offset < audio.length; offset += framesPerBlock) {
      if (signal.aborted) throw new DOMException("The waveform load was aborted.", "AbortError");
      const samples = new Float32Array(Math.min(framesPerBlock, audio.length - offset));
      audio.copyFromChannel(samples, channel, offset);
      const block: PeaksRequest = { type: "samples", channel, offset, samples };
      worker.postMessage(block, [samples.buffer]);
      if (performance.now() - busySince > maxBusyMs) {
        await yieldToEventLoop();
        busySince = performance.now();
      }
    }
  }
  worker.postMessage({ type: "end" } satisfies PeaksRequest);
}

// The peaks and duration of the audio at `url`. Rejects when the file
// cannot be fetched or decoded, or when `signal` aborts.
export async function loadPeaks(url: string, signal: AbortSignal): Promise<WaveformPeaks> {
  const worker = new Worker(new URL("./audio-peaks.worker.ts", import.meta.url), { type: "module" });
  const stop = () => worker.terminate();
  signal.addEventListener("abort", stop);
  try {
    // A relative URL would resolve against the worker script's address.
    const first = nextResponse(worker);
    worker.postMessage({ type: "file", url: new URL(url, document.baseURI).href } satisfies PeaksRequest);
    const response = await first;
    if (response.type === "error") throw new Error(response.message);
    if (response.type === "peaks") return { peaks: response.peaks, duration: response.duration };

    // OfflineAudioContext accepts 3,000 to 768,000 Hz.
    const sampleRate = Math.min(Math.max(response.sampleRate ?? fallbackSampleRate, 3000), 768000);
    const context = new OfflineAudioContext(1, 1, sampleRate);
    const audio = await context.decodeAudioData(response.bytes);
    const peaks = nextResponse(worker);
    await streamSamples(worker, audio, signal);
    const done = await peaks;
    if (done.type !== "peaks") throw new Error(done.type === "error" ? done.message : "the waveform worker sent no peaks");
    return { peaks: done.peaks, duration: done.duration };
  } finally {
    signal.removeEventListener("abort", stop);
    worker.terminate();
  }
}
