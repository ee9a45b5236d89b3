// A palette PNG's pixel indices, the pixels of PIL's 'P' image (what VOC's segmentation targets are).
// fast-png decodes the file, except Adam7-interlaced ones of 1, 2 or 4 bits a pixel: fast-png 8 reads
// each pass as one byte a pixel, so those are de-interlaced here.
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import type * as FastPng from 'fast-png';
import { Image } from './image.js';

// fast-png loads on first use: importing it costs every import of torchnode otherwise
const require = createRequire(import.meta.url);
const decodePng = (bytes: Buffer): FastPng.DecodedPng => (require('fast-png') as typeof FastPng).decode(bytes);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether the bytes are a PNG whose IHDR says colour type 3 (palette). */
export function isPalettePng(bytes: Buffer): boolean {
  return bytes.length > 33 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR' && bytes[25] === 3;
}

/** The palette indices of a palette PNG as an 'L' image; `fn` names the caller in errors. */
export function decodePaletteIndices(bytes: Buffer, path: string, fn: string): Image {
  const [width, height, depth, interlaced] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20), bytes[24]!, bytes[28] === 1];
  try {
    if (interlaced && depth < 8) return new Image(width, height, 'L', adam7SubByteIndices(bytes, width, height, depth));
    const png = decodePng(bytes);
    return new Image(png.width, png.height, 'L', png.depth === 8 ? Uint8Array.from(png.data) : unpackRows(png.data, png.width, png.height, png.depth));
  } catch (e) {
    throw new Error(`${fn}: cannot decode ${path}: ${(e as Error).message}`);
  }
}

/** The value of pixel `x` in a row of packed `depth`-bit values (most significant bits first, as PNG packs them). */
const packedAt = (row: ArrayLike<number>, start: number, x: number, depth: number): number => {
  const perByte = 8 / depth;
  return (row[start + Math.floor(x / perByte)]! >> (8 - depth * ((x % perByte) + 1))) & ((1 << depth) - 1);
};

/** Rows of 1, 2 or 4 bits a pixel, each starting on a byte, unpacked to one byte a pixel. */
function unpackRows(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const stride = Math.ceil((width * depth) / 8);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = packedAt(data, y * stride, x, depth);
  return out;
}

/** Adam7's seven passes: the first column and row of each, and its steps. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** An interlaced palette PNG of 1, 2 or 4 bits a pixel: its IDAT inflated, each pass's rows unfiltered and scattered. */
function adam7SubByteIndices(bytes: Buffer, width: number, height: number, depth: number): Uint8Array {
  const raw = inflateSync(Buffer.concat(idatChunks(bytes)));
  const out = new Uint8Array(width * height);
  let at = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const [passWidth, passHeight] = [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)];
    if (passWidth <= 0 || passHeight <= 0) continue;  // an image too small for this pass has no rows in it
    const stride = Math.ceil((passWidth * depth) / 8);
    let previous: Uint8Array = new Uint8Array(stride);
    for (let y = 0; y < passHeight; y++, at += 1 + stride) {
      if (at + 1 + stride > raw.length) throw new Error('the image data ends before the last row');
      const row = unfilterRow(raw[at]!, raw.subarray(at + 1, at + 1 + stride), previous);
      for (let x = 0; x < passWidth; x++) out[(y0 + y * dy) * width + x0 + x * dx] = packedAt(row, 0, x, depth);
      previous = row;
    }
  }
  return out;
}

/** The data of every IDAT chunk, in order. */
function idatChunks(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const [length, type] = [bytes.readUInt32BE(at), bytes.toString('latin1', at + 4, at + 8)];
    if (at + 12 + length > bytes.length) throw new Error(`the ${type} chunk runs past the end of the file`);
    if (type === 'IDAT') chunks.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return chunks;
}

/** One row with PNG's filter undone; a pixel under 8 bits counts as one byte to its left neighbour, as the PNG spec says. */
function unfilterRow(filter: number, filtered: Uint8Array, previous: Uint8Array): Uint8Array {
  const row = new Uint8Array(filtered.length);
  for (let i = 0; i < row.length; i++) {
    const [left, up, upLeft] = [i > 0 ? row[i - 1]! : 0, previous[i]!, i > 0 ? previous[i - 1]! : 0];
    let predicted: number;
    switch (filter) {
      case 0: predicted = 0; break;
      case 1: predicted = left; break;
      case 2: predicted = up; break;
      case 3: predicted = (left + up) >> 1; break;
      case 4: predicted = paeth(left, up, upLeft); break;
      default: throw new Error(`unknown PNG filter type ${filter}`);
    }
    row[i] = (filtered[i]! + predicted) & 0xff;
  }
  return row;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
