// Waveform peaks of an audio file: the largest absolute sample value of
// each bucket of samples, per channel, in 0..1. wavesurfer.js draws from
// peaks and a duration without decoding the file itself, so the editor
// computes them in a Web Worker (audio-peaks.worker.ts) and keeps the
// main thread free while a long file opens.

// Buckets per second of audio. wavesurfer.js zooms up to 500 pixels per
// second in this editor, so above 200 pixels per second one bucket spans
// more than one pixel. An hour of stereo is then 2 × 720,000 floats (5.8 MB).
export const peaksPerSecond = 200;

// wavesurfer.js 7 draws at most two channels, the first as the top half and
// the second as the bottom half, so further ones are left out.
export const maxChannels = 2;

// Collects peaks from blocks of samples that arrive in order per channel.
export class PeakAccumulator {
  readonly peaks: Float32Array[];
  private readonly bucketSize: number;

  constructor(channels: number, totalFrames: number, sampleRate: number) {
    this.bucketSize = Math.max(1, Math.floor(sampleRate / peaksPerSecond));
    const buckets = Math.max(1, Math.ceil(totalFrames / this.bucketSize));
    this.peaks = Array.from({ length: Math.min(channels, maxChannels) }, () => new Float32Array(buckets));
  }

  // Adds samples of one channel that start at frame `offset`.
  add(channel: number, offset: number, samples: Float32Array): void {
    const peaks = this.peaks[channel];
    if (!peaks) return;
    for (let i = 0; i < samples.length; i++) {
      const bucket = Math.floor((offset + i) / this.bucketSize);
      const magnitude = Math.abs(samples[i]);
      if (magnitude > peaks[bucket]) peaks[bucket] = magnitude;
    }
  }
}

// The layout of a PCM WAV file's samples, from its RIFF header.
export interface WavLayout {
  format: "int" | "float";
  bitsPerSample: 8 | 16 | 24 | 32;
  channels: number;
  sampleRate: number;
  dataOffset: number; // byte offset of the first sample
  dataLength: number; // bytes of samples, cut to whole frames inside the file
}

// Reads a WAV header: PCM integers of 8, 16, 24 or 32 bits, or 32-bit
// floats (format 1, 3, or WAVE_FORMAT_EXTENSIBLE of either). Returns null
// for anything else, such as compressed WAV, MP3 or Ogg, which the browser
// decodes instead.
export function readWavLayout(bytes: ArrayBuffer): WavLayout | null {
  const view = new DataView(bytes);
  const tag = (at: number) => String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  if (bytes.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") return null;

  let format: Omit<WavLayout, "dataOffset" | "dataLength"> | null = null;
  let at = 12;
  while (at + 8 <= bytes.byteLength) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt " && size >= 16 && body + 16 <= bytes.byteLength) {
      let code = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in its sub-format GUID.
      if (code === 0xfffe && size >= 40 && body + 26 <= bytes.byteLength) code = view.getUint16(body + 24, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bits = view.getUint16(body + 14, true);
      const integer = code === 1 && (bits === 8 || bits === 16 || bits === 24 || bits === 32);
      const float = code === 3 && bits === 32;
      if ((!integer && !float) || channels < 1 || sampleRate < 1) return null;
      format = { format: float ? "float" : "int", bitsPerSample: bits as WavLayout["bitsPerSample"], channels, sampleRate };
    } else if (id === "data" && format) {
      const frameBytes = (format.bitsPerSample / 8) * format.channels;
      const available = Math.min(size, bytes.byteLength - body);
      return { ...format, dataOffset: body, dataLength: available - (available % frameBytes) };
    }
    at = body + size + (size % 2); // chunks are padded to an even size
  }
  return null;
}

// Frames per block when samples are converted and added, so no block
// allocates more than a few megabytes.
const framesPerBlock = 1 << 18;

// Peaks of a PCM WAV file read straight from its bytes, with no decoding.
export function wavPeaks(bytes: ArrayBuffer, layout: WavLayout): { peaks: Float32Array[]; duration: number } {
  const view = new DataView(bytes);
  const sampleBytes = layout.bitsPerSample / 8;
  const frameBytes = sampleBytes * layout.channels;
  const totalFrames = layout.dataLength / frameBytes;
  const accumulator = new PeakAccumulator(layout.channels, totalFrames, layout.sampleRate);
  const channels = accumulator.peaks.length;

  const read = (at: number): number => {
    if (layout.format === "float") return view.getFloat32(at, true);
    switch (layout.bitsPerSample) {
      case 8:
        return (view.getUint8(at) - 128) / 128; // 8-bit WAV is unsigned
      case 16:
        return view.getInt16(at, true) / 32768;
      case 24:
        return ((view.getInt8(at + 2) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at)) / 8388608;
      default:
        return view.getInt32(at, true) / 2147483648;
    }
  };

  // 16-bit samples at an even offset, the common case, are read through a
  // typed array instead of one DataView call per sample.
  const int16 = layout.format === "int" && layout.bitsPerSample === 16 && layout.dataOffset % 2 === 0
    ? new Int16Array(bytes, layout.dataOffset, layout.dataLength / 2)
    : null;
  const block = new Float32Array(framesPerBlock);
  for (let first = 0; first < totalFrames; first += framesPerBlock) {
    const count = Math.min(framesPerBlock, totalFrames - first);
    for (let channel = 0; channel < channels; channel++) {
      if (int16) {
        let index = first * layout.channels + channel;
        for (let i = 0; i < count; i++, index += layout.channels) block[i] = int16[index] / 32768;
      } else {
        let at = layout.dataOffset + first * frameBytes + channel * sampleBytes;
        for (let i = 0; i < count; i++, at += frameBytes) block[i] = read(at);
      }
      accumulator.add(channel, first, block.subarray(0, count));
    }
  }
  return { peaks: accumulator.peaks, duration: totalFrames / layout.sampleRate };
}
