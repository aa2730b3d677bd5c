// Test videos made without a video tool: the browser's WebCodecs encode
// VP8 frames, and this module writes them into a WebM file (EBML: a
// header, one segment with Info, Tracks and one cluster of SimpleBlocks).
// Every frame is a key frame, so any frame decodes on its own after a seek.
// Frame n shows n - 1 in binary, most significant bit left, as white (1)
// and black (0) columns. These survive lossy coding and any colour range
// conversion, so readFrameNumber can read the number back from a video element.
import assert from "node:assert/strict";

const defaultBits = 5; // columns per frame, so up to 32 frames

// EBML element: its id bytes, an 8-byte size, then the payload.
function element(id, payload) {
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(payload.length));
  size[0] |= 0x01; // the 8-byte length marker of an EBML size
  return Buffer.concat([Buffer.from(id), size, payload]);
}

function unsigned(value) {
  const bytes = [];
  do {
    bytes.unshift(value & 0xff);
    value = Math.floor(value / 256);
  } while (value > 0);
  return Buffer.from(bytes);
}

function float(value) {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value);
  return bytes;
}

// A WebM file of VP8 key frames, timestamps in milliseconds.
export function webm(frames, { width, height, frameRate }) {
  const frameMs = 1000 / frameRate;
  const header = element([0x1a, 0x45, 0xdf, 0xa3], Buffer.concat([
    element([0x42, 0x86], unsigned(1)), // EBMLVersion
    element([0x42, 0xf7], unsigned(1)), // EBMLReadVersion
    element([0x42, 0xf2], unsigned(4)), // EBMLMaxIDLength
    element([0x42, 0xf3], unsigned(8)), // EBMLMaxSizeLength
    element([0x42, 0x82], Buffer.from("webm")), // DocType
    element([0x42, 0x87], unsigned(2)), // DocTypeVersion
    element([0x42, 0x85], unsigned(2)), // DocTypeReadVersion
  ]));
  const info = element([0x15, 0x49, 0xa9, 0x66], Buffer.concat([
    element([0x2a, 0xd7, 0xb1], unsigned(1_000_000)), // TimecodeScale: milliseconds
    element([0x44, 0x89], float(frames.length * frameMs)), // Duration
    element([0x4d, 0x80], Buffer.from("tally e2e")), // MuxingApp
    element([0x57, 0x41], Buffer.from("tally e2e")), // WritingApp
  ]));
  const tracks = element([0x16, 0x54, 0xae, 0x6b], element([0xae], Buffer.concat([
    element([0xd7], unsigned(1)), // TrackNumber
    element([0x73, 0xc5], unsigned(1)), // TrackUID
    element([0x83], unsigned(1)), // TrackType: video
    element([0x86], Buffer.from("V_VP8")), // CodecID
    element([0x23, 0xe3, 0x83], unsigned(Math.round(frameMs * 1e6))), // DefaultDuration in ns
    element([0xe0], Buffer.concat([element([0xb0], unsigned(width)), element([0xba], unsigned(height))])),
  ])));
  const blocks = frames.map((data, index) => {
    const blockHeader = Buffer.alloc(4);
    blockHeader[0] = 0x81; // track 1
    blockHeader.writeInt16BE(Math.round(index * frameMs), 1); // relative to the cluster
    blockHeader[3] = 0x80; // key frame
    return element([0xa3], Buffer.concat([blockHeader, data]));
  });
  const cluster = element([0x1f, 0x43, 0xb6, 0x75], Buffer.concat([element([0xe7], unsigned(0)), ...blocks]));
  return Buffer.concat([header, element([0x18, 0x53, 0x80, 0x67], Buffer.concat([info, tracks, cluster]))]);
}

// A WebM of `frames` frames showing their numbers, encoded in `page` (any
// page of a secure context, such as one on 127.0.0.1).
// `bits` columns show the number, so up to 2 ** bits frames.
export async function encodeFrameNumberVideo(page, { width, height, frameRate, frames, bits = defaultBits }) {
  assert.ok(frames <= 2 ** bits, `at most ${2 ** bits} frames with ${bits} bits`);
  const chunks = await page.evaluate(async ({ width, height, frameRate, frames, frameBits }) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    const encoded = [];
    let failure = null;
    const encoder = new VideoEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        encoded.push(Array.from(bytes));
      },
      error: (error) => (failure = error),
    });
    encoder.configure({ codec: "vp8", width, height, bitrate: 2_000_000, framerate: frameRate });
    const column = width / frameBits;
    for (let index = 0; index < frames; index++) {
      for (let bit = 0; bit < frameBits; bit++) {
        context.fillStyle = (index >> (frameBits - 1 - bit)) & 1 ? "#ffffff" : "#000000";
        context.fillRect(bit * column, 0, column, height);
      }
      const frame = new VideoFrame(canvas, { timestamp: Math.round((index * 1e6) / frameRate) });
      encoder.encode(frame, { keyFrame: true });
      frame.close();
    }
    await encoder.flush();
    if (failure) throw failure;
    return encoded;
  }, { width, height, frameRate, frames, frameBits: bits });
  assert.equal(chunks.length, frames, "the encoder returns one chunk per frame");
  return webm(chunks.map((bytes) => Buffer.from(bytes)), { width, height, frameRate });
}

// The frame number the first video element matching `selector` shows, once
// it has finished seeking and has a picture. `bits` as when encoding.
export async function readFrameNumber(page, selector, bits = defaultBits) {
  await page.waitForFunction((selector) => {
    const video = document.querySelector(selector);
    return video && !video.seeking && video.readyState >= 2;
  }, selector);
  const shown = await page.evaluate(({ selector, frameBits }) => {
    const video = document.querySelector(selector);
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext("2d");
    context.drawImage(video, 0, 0);
    const column = canvas.width / frameBits;
    return Array.from({ length: frameBits }, (_, bit) => context.getImageData((bit + 0.5) * column, canvas.height / 2, 1, 1).data[1] > 127);
  }, { selector, frameBits: bits });
  return shown.reduce((value, bit) => value * 2 + (bit ? 1 : 0), 0) + 1;
}
