// Audio files of a 440 Hz mono tone at 8 kHz, for the suites and
// benchmarks that upload audio: WAV, and FLAC, which the waveform worker
// does not read itself, so the browser decodes it.

const rate = 8000;

// The tone's 16-bit samples.
function toneSamples(seconds) {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / rate)));
}

// A WAV file `seconds` long: "pcm16" (16-bit PCM) or "mulaw" (8-bit G.711 µ-law).
export function toneWav(seconds, format = "pcm16") {
  const tone = toneSamples(seconds);
  const samples = tone.length;
  const { code, bytes } = { pcm16: { code: 1, bytes: 2 }, mulaw: { code: 7, bytes: 1 } }[format];
  const wav = Buffer.alloc(44 + samples * bytes);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples * bytes, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(code, 20);
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * bytes, 28);
  wav.writeUInt16LE(bytes, 32);
  wav.writeUInt16LE(bytes * 8, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples * bytes, 40);
  for (let i = 0; i < samples; i++) {
    if (format === "pcm16") wav.writeInt16LE(tone[i], 44 + i * bytes);
    else wav[44 + i] = muLaw(tone[i]);
  }
  return wav;
}

// A FLAC file `seconds` long: 16-bit mono frames of 4096 samples stored
// as VERBATIM subframes, which needs no encoder.
export function toneFlac(seconds) {
  const tone = toneSamples(seconds);
  const blockSize = 4096;
  const streamInfo = Buffer.alloc(4 + 34);
  streamInfo.writeUInt32BE(0x80000000 + 34); // last metadata block, type STREAMINFO, length 34
  streamInfo.writeUInt16BE(blockSize, 4); // minimum block size
  streamInfo.writeUInt16BE(blockSize, 6); // maximum block size
  // Frame sizes (2 × 24 bits) stay 0: unknown. Then 20 bits of sample rate,
  // 3 bits of channels - 1, 5 bits of bits per sample - 1, 36 bits of samples.
  const packed = (BigInt(rate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(tone.length);
  streamInfo.writeBigUInt64BE(packed, 14); // the MD5 signature after it stays 0: unknown
  const frames = [];
  for (let first = 0, number = 0; first < tone.length; first += blockSize, number++) {
    const count = Math.min(blockSize, tone.length - first);
    // Sync code and fixed block size, then block size "16 bits at the end",
    // sample rate from STREAMINFO, mono, 16 bits per sample.
    const header = [0xff, 0xf8, 0x70, 0x08, ...utf8Number(number), (count - 1) >> 8, (count - 1) & 0xff];
    header.push(crc8(header));
    const body = Buffer.alloc(1 + count * 2);
    body[0] = 0x02; // VERBATIM subframe, no wasted bits
    for (let i = 0; i < count; i++) body.writeInt16BE(tone[first + i], 1 + i * 2);
    const frame = Buffer.concat([Buffer.from(header), body]);
    const footer = Buffer.alloc(2);
    footer.writeUInt16BE(crc16(frame));
    frames.push(frame, footer);
  }
  return Buffer.concat([Buffer.from("fLaC"), streamInfo, ...frames]);
}

// A frame number in FLAC's UTF-8-like coding (numbers below 65,536 here).
function utf8Number(number) {
  if (number < 0x80) return [number];
  if (number < 0x800) return [0xc0 | (number >> 6), 0x80 | (number & 0x3f)];
  return [0xe0 | (number >> 12), 0x80 | ((number >> 6) & 0x3f), 0x80 | (number & 0x3f)];
}

// CRC-8 of a FLAC frame header: polynomial x^8 + x^2 + x + 1, initial 0.
function crc8(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

// CRC-16 of a FLAC frame: polynomial x^16 + x^15 + x^2 + 1, initial 0.
function crc16(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

// G.711 µ-law encoding of one 16-bit sample.
function muLaw(sample) {
  const bias = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + bias;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
