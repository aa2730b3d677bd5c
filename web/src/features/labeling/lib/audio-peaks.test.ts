import { describe, expect, it } from "vitest";
import { aLawToLinear, headerSampleRate, muLawToLinear, PeakAccumulator, peaksPerSecond, readWavLayout, wavPeaks } from "./audio-peaks";

// A WAV file of the given samples (-1..1, interleaved by channel), with an
// odd-sized LIST chunk before the data to exercise chunk padding.
function wav(samples: number[], { channels = 1, sampleRate = 8000, bits = 16, float = false, extensible = false } = {}): ArrayBuffer {
  const sampleBytes = bits / 8;
  const fmtSize = extensible ? 40 : 16;
  const list = [0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]; // "LIST", size 3, padded to 4
  const dataOffset = 12 + 8 + fmtSize + list.length + 8;
  const bytes = new ArrayBuffer(dataOffset + samples.length * sampleBytes);
  const view = new DataView(bytes);
  const text = (at: number, value: string) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, bytes.byteLength - 8, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, fmtSize, true);
  const formatCode = float ? 3 : 1; // IEEE float or PCM integers
  view.setUint16(20, extensible ? 0xfffe : formatCode, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * sampleBytes, true);
  view.setUint16(32, channels * sampleBytes, true);
  view.setUint16(34, bits, true);
  if (extensible) view.setUint16(20 + 24, formatCode, true);
  list.forEach((byte, i) => view.setUint8(20 + fmtSize + i, byte));
  text(dataOffset - 8, "data");
  view.setUint32(dataOffset - 4, samples.length * sampleBytes, true);
  samples.forEach((sample, i) => {
    const at = dataOffset + i * sampleBytes;
    if (float) view.setFloat32(at, sample, true);
    else if (bits === 8) view.setUint8(at, Math.round(sample * 127) + 128);
    else if (bits === 16) view.setInt16(at, Math.round(sample * 32767), true);
    else if (bits === 24) {
      const value = Math.round(sample * 8388607);
      view.setUint8(at, value & 0xff);
      view.setUint8(at + 1, (value >> 8) & 0xff);
      view.setInt8(at + 2, value >> 16);
    } else view.setInt32(at, Math.round(sample * 2147483647), true);
  });
  return bytes;
}

describe("readWavLayout", () => {
  it("reads a 16-bit PCM header past other chunks", () => {
    const layout = readWavLayout(wav([0, 0.5, -0.5, 0]));
    expect(layout).toEqual({ format: "int", bitsPerSample: 16, channels: 1, sampleRate: 8000, dataOffset: 56, dataLength: 8 });
  });

  it("reads float and extensible formats", () => {
    expect(readWavLayout(wav([0.25], { float: true, bits: 32 }))?.format).toBe("float");
    expect(readWavLayout(wav([0.25], { extensible: true, bits: 24 }))).toMatchObject({ format: "int", bitsPerSample: 24 });
  });

  it("rejects files that are not PCM WAV", () => {
    expect(readWavLayout(new TextEncoder().encode("ID3\u0004 mp3 bytes follow").buffer as ArrayBuffer)).toBeNull();
    const adpcm = wav([0, 0]);
    new DataView(adpcm).setUint16(20, 2, true); // Microsoft ADPCM
    expect(readWavLayout(adpcm)).toBeNull();
    expect(readWavLayout(wav([0.5], { float: true, bits: 64 }))).toBeNull();
    expect(readWavLayout(new ArrayBuffer(4))).toBeNull();
  });

  it("cuts a truncated data chunk to whole frames", () => {
    const bytes = wav([0.1, 0.2, 0.3, 0.4], { channels: 2 });
    const truncated = bytes.slice(0, bytes.byteLength - 3);
    expect(readWavLayout(truncated)?.dataLength).toBe(4);
  });
});

describe("wavPeaks", () => {
  const bucket = 8000 / peaksPerSecond; // 40 samples at 8 kHz

  it("takes the largest magnitude of each bucket", () => {
    const samples = new Array<number>(bucket * 3).fill(0.1);
    samples[5] = -0.75;
    samples[bucket + 7] = 0.5;
    const bytes = wav(samples);
    const { peaks, duration } = wavPeaks(bytes, readWavLayout(bytes)!);
    expect(duration).toBeCloseTo((bucket * 3) / 8000, 9);
    expect(peaks).toHaveLength(1);
    expect([...peaks[0]].map((peak) => Number(peak.toFixed(3)))).toEqual([0.75, 0.5, 0.1]);
  });

  it("keeps channels apart", () => {
    // Left loud, right quiet, interleaved.
    const samples = Array.from({ length: bucket * 2 }, (_, i) => (i % 2 === 0 ? 0.9 : 0.2));
    const bytes = wav(samples, { channels: 2 });
    const { peaks } = wavPeaks(bytes, readWavLayout(bytes)!);
    expect(peaks.map((channel) => Number(channel[0].toFixed(2)))).toEqual([0.9, 0.2]);
  });

  it("reads 8, 24 and 32-bit and float samples", () => {
    for (const options of [{ bits: 8 }, { bits: 24 }, { bits: 32 }, { bits: 32, float: true }]) {
      const bytes = wav([0.5, -0.25], options);
      const { peaks } = wavPeaks(bytes, readWavLayout(bytes)!);
      expect([JSON.stringify(options), Number(peaks[0][0].toFixed(2))]).toEqual([JSON.stringify(options), 0.5]);
    }
  });
});

describe("G.711", () => {
  it("decodes µ-law bytes", () => {
    expect(muLawToLinear(0xff)).toBe(0);
    expect(Math.abs(muLawToLinear(0x7f))).toBe(0); // negative zero
    expect(muLawToLinear(0x00)).toBe(-32124);
    expect(muLawToLinear(0x80)).toBe(32124);
  });

  it("decodes A-law bytes", () => {
    expect(aLawToLinear(0xd5)).toBe(8);
    expect(aLawToLinear(0x55)).toBe(-8);
    expect(aLawToLinear(0xaa)).toBe(32256);
    expect(aLawToLinear(0x2a)).toBe(-32256);
  });

  it("reads µ-law and A-law WAV files", () => {
    const cases = [
      { code: 7, format: "mulaw", silence: 0xff, silentPeak: 0, loud: 0x80 },
      { code: 6, format: "alaw", silence: 0xd5, silentPeak: 0.0002, loud: 0xaa },
    ] as const;
    for (const { code, format, silence, silentPeak, loud } of cases) {
      const bytes = wav([0, 0, 0, 0]);
      const view = new DataView(bytes);
      view.setUint16(20, code, true);
      view.setUint16(34, 8, true);
      const layout = readWavLayout(bytes)!;
      expect(layout.format).toBe(format);
      // Eight 8-bit samples: silence, then one loud sample in the middle.
      for (let i = 0; i < layout.dataLength; i++) view.setUint8(layout.dataOffset + i, silence);
      expect([format, Number(wavPeaks(bytes, layout).peaks[0][0].toFixed(4))]).toEqual([format, silentPeak]);
      view.setUint8(layout.dataOffset + 3, loud);
      expect([format, Number(wavPeaks(bytes, layout).peaks[0][0].toFixed(2))]).toEqual([format, 0.98]);
    }
  });
});

describe("PeakAccumulator", () => {
  it("fills buckets from blocks that straddle them", () => {
    const accumulator = new PeakAccumulator(3, 400, 8000); // 40 frames a bucket, channel 3 dropped
    expect(accumulator.peaks).toHaveLength(2);
    accumulator.add(0, 30, new Float32Array(20).fill(0.25)); // frames 30..49: buckets 0 and 1
    accumulator.add(0, 50, Float32Array.of(-0.5));
    accumulator.add(2, 0, Float32Array.of(1)); // a dropped channel is ignored
    expect([...accumulator.peaks[0]].slice(0, 3)).toEqual([0.25, 0.5, 0]);
  });
});

describe("headerSampleRate", () => {
  const bytes = (values: number[], length = 64) => {
    const buffer = new Uint8Array(length);
    buffer.set(values);
    return buffer.buffer;
  };

  it("reads WAV of any format", () => {
    const adpcm = wav([0, 0], { sampleRate: 22050 });
    new DataView(adpcm).setUint16(20, 2, true);
    expect(headerSampleRate(adpcm)).toBe(22050);
  });

  it("reads FLAC's STREAMINFO", () => {
    // "fLaC", block header, block sizes, frame sizes, then 44,100 Hz in 20 bits.
    const flac = bytes([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34, 0x10, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0xc4, 0x42]);
    expect(headerSampleRate(flac)).toBe(44100);
  });

  it("reads an MP3 frame header after an ID3 tag", () => {
    // ID3v2 tag of 5 bytes, then an MPEG-1 Layer III frame at 48 kHz, and an MPEG-2 one at 22,050 Hz.
    const tagged = [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5];
    expect(headerSampleRate(bytes([...tagged, 0xff, 0xfb, 0x94, 0x00]))).toBe(48000);
    expect(headerSampleRate(bytes([0xff, 0xf3, 0x80, 0x00]))).toBe(22050);
  });

  it("returns null for other files", () => {
    expect(headerSampleRate(bytes([0x4f, 0x67, 0x67, 0x53]))).toBeNull();
    // An Ogg page whose data holds bytes that look like an MP3 frame header.
    expect(headerSampleRate(bytes([0x4f, 0x67, 0x67, 0x53, 0, 0, 0xff, 0xfb, 0x94, 0]))).toBeNull();
    expect(headerSampleRate(new ArrayBuffer(4))).toBeNull();
  });
});
