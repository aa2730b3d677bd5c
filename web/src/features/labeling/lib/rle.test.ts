import { describe, expect, it } from "vitest";
import { alphaMask, decodeRle, encodeRle } from "./rle";

// The converter's published test vector for the brush RLE format.
const vectorValues = [1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 4, 4, 4, 4, 4, 4, 4, 4];
const vectorBytes = [0, 0, 0, 18, 57, 27, 252, 96, 32, 1, 0, 6, 0, 40, 0, 192, 3, 128, 17, 56, 32];

describe("brush RLE", () => {
  it("encodes the reference vector byte for byte", () => {
    expect(encodeRle(vectorValues)).toEqual(vectorBytes);
  });

  it("decodes the reference vector", () => {
    expect(Array.from(decodeRle(vectorBytes))).toEqual(vectorValues);
  });

  it("round-trips a mask with long runs", () => {
    // A 300 x 250 RGBA mask: a filled rectangle, so runs pass 2^16 values.
    const width = 300;
    const height = 250;
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 40; y < 200; y++) {
      for (let x = 30; x < 290; x++) rgba.fill(255, (y * width + x) * 4, (y * width + x) * 4 + 4);
    }
    const decoded = decodeRle(encodeRle(rgba));
    expect(decoded.length).toBe(rgba.length);
    expect(decoded.findIndex((value, i) => value !== rgba[i])).toBe(-1);
    const mask = alphaMask(decoded);
    expect(mask.length).toBe(width * height);
    expect(mask[40 * width + 30]).toBe(255);
    expect(mask[39 * width + 30]).toBe(0);
  });

  it("round-trips noise without runs", () => {
    const values = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251);
    const decoded = decodeRle(encodeRle(values));
    expect(decoded.length).toBe(values.length);
    expect(decoded.findIndex((value, i) => value !== values[i])).toBe(-1);
  });

  it("rejects a truncated stream", () => {
    expect(() => decodeRle(vectorBytes.slice(0, 10))).toThrow(RangeError);
  });

  it("reads literal records longer than one value", () => {
    // Other encoders group literals: 3 values, then one literal record
    // (flag 0, width choice 0, length - 1 = 2 in 3 bits) of 9, 8, 7.
    const bits = [
      (3).toString(2).padStart(32, "0"),
      "00111",
      "0010001101111111",
      "0" + "00" + "010",
      (9).toString(2).padStart(8, "0"),
      (8).toString(2).padStart(8, "0"),
      (7).toString(2).padStart(8, "0"),
    ].join("");
    const bytes = (bits.padEnd(Math.ceil(bits.length / 8) * 8, "0").match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2));
    expect(Array.from(decodeRle(bytes))).toEqual([9, 8, 7]);
  });
});
