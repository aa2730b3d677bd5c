import { describe, expect, it } from "vitest";
import { maskCentre, maskFromPixels, maskToRle, paintedCount, rleToMask, shiftMask } from "./brush";
import { decodeRle } from "./rle";

const size = { width: 40, height: 30 };

// A mask with a filled disc of the given radius around (cx, cy).
function disc(cx: number, cy: number, radius: number): Uint8Array {
  const mask = new Uint8Array(size.width * size.height);
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius) mask[y * size.width + x] = 255;
    }
  }
  return mask;
}

describe("brush masks", () => {
  it("round-trip through the RLE unchanged", () => {
    const mask = disc(12, 10, 6);
    const rle = maskToRle(mask);
    expect(Array.from(rleToMask(rle, size))).toEqual(Array.from(mask));
  });

  it("round-trip an empty and a full mask", () => {
    const empty = new Uint8Array(size.width * size.height);
    const full = new Uint8Array(size.width * size.height).fill(255);
    expect(paintedCount(rleToMask(maskToRle(empty), size))).toBe(0);
    expect(paintedCount(rleToMask(maskToRle(full), size))).toBe(size.width * size.height);
  });

  it("store painted pixels as 255 in all four channels", () => {
    const mask = new Uint8Array(size.width * size.height);
    mask[41] = 255;
    const rgba = decodeRle(maskToRle(mask));
    expect(rgba.length).toBe(size.width * size.height * 4);
    expect(Array.from(rgba.slice(41 * 4, 42 * 4))).toEqual([255, 255, 255, 255]);
    expect(Array.from(rgba.slice(40 * 4, 41 * 4))).toEqual([0, 0, 0, 0]);
  });

  it("reject an RLE of another image size", () => {
    const rle = maskToRle(new Uint8Array(10 * 10));
    expect(() => rleToMask(rle, size)).toThrow(/contains 400 values, but a 40 x 30 image needs 4800/);
  });

  it("reject a truncated RLE", () => {
    const rle = maskToRle(disc(12, 10, 6));
    expect(() => rleToMask(rle.slice(0, 8), size)).toThrow(RangeError);
  });

  it("count only mostly opaque canvas pixels as painted", () => {
    const rgba = [9, 9, 9, 255, 9, 9, 9, 127, 9, 9, 9, 128, 0, 0, 0, 0];
    expect(Array.from(maskFromPixels(rgba))).toEqual([255, 0, 255, 0]);
  });

  it("shift by whole pixels and drop what leaves the image", () => {
    const mask = new Uint8Array(size.width * size.height);
    mask[0] = 255;
    mask[size.width - 1] = 255;
    const shifted = shiftMask(mask, size, 2, 1);
    expect(shifted[1 * size.width + 2]).toBe(255);
    expect(paintedCount(shifted)).toBe(1);
  });

  it("find the centre of the painted pixels", () => {
    const centre = maskCentre(disc(12, 10, 4), size)!;
    expect(centre[0]).toBeCloseTo(12, 5);
    expect(centre[1]).toBeCloseTo(10, 5);
    expect(maskCentre(new Uint8Array(size.width * size.height), size)).toBeNull();
  });
});
