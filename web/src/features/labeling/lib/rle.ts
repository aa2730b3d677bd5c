// Label Studio's brush mask format: the RGBA bytes of a mask, row-major,
// packed as a bitstream of runs and literal values (most significant bit
// first). The header is the value count (32 bits), the word size minus 1
// (5 bits) and four run-length field widths minus 1 (4 bits each). Each
// record is a flag bit (1: one value repeated, 0: literal values), 2 bits
// choosing a width, the length minus 1 in that width, then the values.

const wordSize = 8;
const lengthWidths = [3, 4, 8, 16];
const maxLength = 1 << lengthWidths[3];

class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private used = 0; // bits filled in `current`

  write(value: number, width: number) {
    for (let bit = width - 1; bit >= 0; bit--) {
      this.current = (this.current << 1) | ((value >>> bit) & 1);
      if (++this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  // The bytes written, the last one padded with zero bits.
  finish(): number[] {
    if (this.used > 0) this.bytes.push(this.current << (8 - this.used));
    this.current = 0;
    this.used = 0;
    return this.bytes;
  }
}

class BitReader {
  private position = 0; // in bits

  constructor(private readonly bytes: ArrayLike<number>) {}

  read(width: number): number {
    if (this.position + width > this.bytes.length * 8) {
      throw new RangeError(`brush RLE ends after ${this.bytes.length} bytes, inside a ${width}-bit field`);
    }
    let value = 0;
    for (let i = 0; i < width; i++) {
      const byte = this.bytes[this.position >>> 3];
      value = value * 2 + ((byte >>> (7 - (this.position & 7))) & 1);
      this.position++;
    }
    return value;
  }
}

function writeLength(out: BitWriter, length: number) {
  const stored = length - 1;
  const choice = lengthWidths.findIndex((width) => stored < 1 << width);
  out.write(choice, 2);
  out.write(stored, lengthWidths[choice]);
}

// Packs mask bytes (0–255 each). A run of two or more equal values becomes
// one repeat record, and each other value a literal record of length one,
// which reproduces the byte stream of Label Studio's own encoder on its
// published test vector.
export function encodeRle(values: ArrayLike<number>): number[] {
  const out = new BitWriter();
  out.write(values.length, 32);
  out.write(wordSize - 1, 5);
  for (const width of lengthWidths) out.write(width - 1, 4);
  let i = 0;
  while (i < values.length) {
    const value = values[i];
    let run = 1;
    while (i + run < values.length && values[i + run] === value && run < maxLength) run++;
    out.write(run > 1 ? 1 : 0, 1);
    writeLength(out, run);
    out.write(value, wordSize);
    i += run;
  }
  return out.finish();
}

// Unpacks a brush RLE byte array into its values. Raises RangeError on a
// stream that ends early or a header this decoder cannot read.
export function decodeRle(bytes: ArrayLike<number>): Uint8Array {
  const input = new BitReader(bytes);
  const count = input.read(32);
  const size = input.read(5) + 1;
  if (size > 8) throw new RangeError(`brush RLE word size ${size} is not supported; masks use 8-bit values`);
  const widths = [input.read(4) + 1, input.read(4) + 1, input.read(4) + 1, input.read(4) + 1];
  const values = new Uint8Array(count);
  let filled = 0;
  while (filled < count) {
    const repeat = input.read(1) === 1;
    const length = Math.min(input.read(widths[input.read(2)]) + 1, count - filled);
    if (repeat) {
      values.fill(input.read(size), filled, filled + length);
    } else {
      for (let i = 0; i < length; i++) values[filled + i] = input.read(size);
    }
    filled += length;
  }
  return values;
}

// The alpha channel of decoded RGBA values: the mask itself, one byte per pixel.
export function alphaMask(rgba: Uint8Array): Uint8Array {
  const mask = new Uint8Array(rgba.length >>> 2);
  for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4 + 3];
  return mask;
}
