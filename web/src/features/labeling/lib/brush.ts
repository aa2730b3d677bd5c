// Brush masks of image regions. The editor keeps a brush region as Label
// Studio stores it: the RLE bytes of an RGBA mask of the natural image size.
// Painting and erasing work on a mask of one byte per natural pixel, 0 where
// nothing is painted and 255 where the brush painted.
import { alphaMask, decodeRle, encodeRle } from "./rle";
import type { ImageSize, Point } from "./geometry";

// Alpha at or above this counts as painted: the canvas smooths a stroke's
// edge with partly transparent pixels, and a stored mask is all or nothing.
const paintedAlpha = 128;

// The RLE of a mask, over RGBA values as Label Studio's editor writes them:
// a painted pixel is 255 in all four channels, an empty one 0.
export function maskToRle(mask: Uint8Array): number[] {
  const rgba = new Uint8Array(mask.length * 4);
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 0) rgba.fill(255, i * 4, i * 4 + 4);
  }
  return encodeRle(rgba);
}

// The mask of a stored RLE for an image of the given size. Raises RangeError
// when the RLE is malformed or contains a mask of another size.
export function rleToMask(rle: ArrayLike<number>, size: ImageSize): Uint8Array {
  const rgba = decodeRle(rle);
  const expected = size.width * size.height * 4;
  if (rgba.length !== expected) {
    throw new RangeError(
      `brush RLE contains ${rgba.length} values, but a ${size.width} x ${size.height} image needs ${expected}`,
    );
  }
  return alphaMask(rgba);
}

// The mask painted on a canvas, from its RGBA pixels (ImageData.data).
export function maskFromPixels(rgba: ArrayLike<number>): Uint8Array {
  const mask = new Uint8Array(rgba.length >>> 2);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4 + 3] >= paintedAlpha ? 255 : 0;
  return mask;
}

// The mask moved by whole pixels; pixels moved past an edge are dropped.
export function shiftMask(mask: Uint8Array, size: ImageSize, dx: number, dy: number): Uint8Array {
  const shifted = new Uint8Array(mask.length);
  const stepX = Math.round(dx);
  const stepY = Math.round(dy);
  for (let y = 0; y < size.height; y++) {
    const targetY = y + stepY;
    if (targetY < 0 || targetY >= size.height) continue;
    for (let x = 0; x < size.width; x++) {
      const targetX = x + stepX;
      if (targetX < 0 || targetX >= size.width) continue;
      shifted[targetY * size.width + targetX] = mask[y * size.width + x];
    }
  }
  return shifted;
}

// The mean position of the painted pixels in natural pixels, or null for
// an empty mask.
export function maskCentre(mask: Uint8Array, size: ImageSize): Point | null {
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    sumX += i % size.width;
    sumY += Math.floor(i / size.width);
    count++;
  }
  return count === 0 ? null : [sumX / count + 0.5, sumY / count + 0.5];
}

export function paintedCount(mask: Uint8Array): number {
  let count = 0;
  for (const value of mask) if (value !== 0) count++;
  return count;
}
