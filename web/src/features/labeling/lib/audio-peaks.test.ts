import { describe, expect, it } from "vitest";
import { PeakAccumulator, peaksPerSecond, readWavLayout, wavPeaks } from "./audio-peaks";

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
