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
  format: "int" | "float" | "mulaw" | "alaw";
  bitsPerSample: 8 | 16 | 24 | 32;
  channels: number;
  sampleRate: number;
  dataOffset: number; // byte offset of the first sample
  dataLength: number; // bytes of samples, cut to whole frames inside the file
}

// Reads a WAV header: PCM integers of 8, 16, 24 or 32 bits, 32-bit floats,
// or 8-bit G.711 µ-law or A-law (format 1, 3, 7, 6, or
// WAVE_FORMAT_EXTENSIBLE of one of them). Returns null for anything else,
// such as ADPCM, 64-bit floats, MP3 or Ogg, which the browser decodes
// instead.
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
      const companded = (code === 6 || code === 7) && bits === 8;
      if ((!integer && !float && !companded) || channels < 1 || sampleRate < 1) return null;
      const kinds: Record<number, WavLayout["format"]> = { 1: "int", 3: "float", 6: "alaw", 7: "mulaw" };
      const kind = kinds[code];
      format = { format: kind, bitsPerSample: bits as WavLayout["bitsPerSample"], channels, sampleRate };
    } else if (id === "data" && format) {
      const frameBytes = (format.bitsPerSample / 8) * format.channels;
      const available = Math.min(size, bytes.byteLength - body);
      return { ...format, dataOffset: body, dataLength: available - (available % frameBytes) };
    }
    at = body + size + (size % 2); // chunks are padded to an even size
  }
  return null;
}

// The sample rate a file's header states, for WAV (any format), FLAC and
// MP3, or null when the header is not one of those. The browser then
// decodes at that rate, because resampling while decoding can take longer
// than the decoding itself. With an hour of 8 kHz FLAC decoded at
// 22,050 Hz the waveform was ready after 10 s, against 3 s at 8 kHz
// (bench/web_audio_bench.mjs, on the loaded 2-vCPU machine).
export function headerSampleRate(bytes: ArrayBuffer): number | null {
  const view = new DataView(bytes);
  const at = (offset: number) => (offset < bytes.byteLength ? view.getUint8(offset) : -1);
  const tag = (offset: number) => String.fromCharCode(at(offset), at(offset + 1), at(offset + 2), at(offset + 3));
  if (bytes.byteLength < 12) return null;

  if (tag(0) === "RIFF" && tag(8) === "WAVE") {
    for (let offset = 12; offset + 16 <= bytes.byteLength; ) {
      const size = view.getUint32(offset + 4, true);
      if (tag(offset) === "fmt " && offset + 16 <= bytes.byteLength) return view.getUint32(offset + 12, true) || null;
      offset += 8 + size + (size % 2);
    }
    return null;
  }

  // FLAC: STREAMINFO comes first, with 20 bits of sample rate at byte 18.
  if (tag(0) === "fLaC" && bytes.byteLength >= 21) return ((at(18) << 12) | (at(19) << 4) | (at(20) >> 4)) || null;

  // MP3: a frame header at the start, or after an ID3v2 tag (its size is
  // four 7-bit bytes), gives the version and sample rate index. Only then is
  // the file searched for a frame header, so other containers never match
  // by chance.
  const tagged = tag(0).startsWith("ID3");
  if (!tagged && (at(0) !== 0xff || (at(1) & 0xe0) !== 0xe0)) return null;
  let offset = tagged ? 10 + ((at(6) << 21) | (at(7) << 14) | (at(8) << 7) | at(9)) : 0;
  for (const end = Math.min(bytes.byteLength - 3, offset + 65536); offset < end; offset++) {
    if (at(offset) !== 0xff || (at(offset + 1) & 0xe0) !== 0xe0) continue;
    const version = (at(offset + 1) >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    const index = (at(offset + 2) >> 2) & 0x03;
    if (version === 1 || index === 3) continue;
    const base = [44100, 48000, 32000][index];
    const divisors: Record<number, number> = { 3: 1, 2: 2, 0: 4 };
    return base / divisors[version];
  }
  return null;
}

// G.711 µ-law byte to a 16-bit linear sample (ITU-T G.711).
export function muLawToLinear(byte: number): number {
  const code = ~byte & 0xff;
  const magnitude = ((((code & 0x0f) << 3) + 0x84) << ((code >> 4) & 0x07)) - 0x84;
  return code & 0x80 ? -magnitude : magnitude;
}

// G.711 A-law byte to a 16-bit linear sample (ITU-T G.711).
export function aLawToLinear(byte: number): number {
  const code = byte ^ 0x55;
  const exponent = (code >> 4) & 0x07;
  const mantissa = code & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return code & 0x80 ? magnitude : -magnitude;
}

// Samples in -1..1 for each of the 256 G.711 bytes.
const muLawSamples = Float32Array.from({ length: 256 }, (_, byte) => muLawToLinear(byte) / 32768);
const aLawSamples = Float32Array.from({ length: 256 }, (_, byte) => aLawToLinear(byte) / 32768);

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
    if (layout.format === "mulaw") return muLawSamples[view.getUint8(at)];
    if (layout.format === "alaw") return aLawSamples[view.getUint8(at)];
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
