// A palette PNG's pixel indices, the pixels of PIL's 'P' image (what VOC's segmentation targets are,
// and what libpng gives torchvision's decode_png in UNCHANGED mode), decoded here: chunks (CRCs of the
// critical ones checked, as libpng and PIL do), IDAT inflated, rows unfiltered, Adam7 passes scattered,
// 1, 2 and 4-bit pixels unpacked. The palette and tRNS are not needed for the indices, so not read.
import { constants, crc32, inflateSync } from 'node:zlib';
import { Image } from './image.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG's IHDR bit depth and colour type, or null for bytes that are no PNG with an IHDR first. */
export function pngHeader(bytes: Uint8Array): { bitDepth: number; colourType: number } | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length <= 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { bitDepth: b[24]!, colourType: b[25]! };
}

/** Whether the bytes are a PNG whose IHDR says colour type 3 (palette). */
export function isPalettePng(bytes: Buffer): boolean {
  return pngHeader(bytes)?.colourType === 3;
}

/** The palette indices of a palette PNG as an 'L' image; `fn` names the caller in errors. */
export function decodePaletteIndices(bytes: Buffer, path: string, fn: string): Image {
  try {
    const { width, height, depth, interlaced, data } = readChunks(bytes);
    // a truncated zlib stream still gives the rows it holds, as PIL's and libpng's readers take them
    const raw = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
    return new Image(width, height, 'L', scatterPasses(raw, width, height, depth, interlaced ? ADAM7 : WHOLE));
  } catch (e) {
    throw new Error(`${fn}: cannot decode ${path}: ${(e as Error).message}`);
  }
}

/** IHDR's fields and the IDAT chunks' data, every critical chunk's CRC checked. */
function readChunks(bytes: Buffer): { width: number; height: number; depth: number; interlaced: boolean; data: Buffer } {
  const idat: Buffer[] = [];
  let header: { width: number; height: number; depth: number; interlaced: boolean } | null = null;
  for (let at = 8; at + 8 <= bytes.length;) {
    const [length, type] = [bytes.readUInt32BE(at), bytes.toString('latin1', at + 4, at + 8)];
    if (at + 12 + length > bytes.length) throw new Error(`the ${type} chunk runs past the end of the file`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    const critical = (bytes[at + 4]! & 0x20) === 0;  // an upper-case first letter
    if (critical && crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length)) throw new Error(`bad CRC in the ${type} chunk`);
    if (type === 'IHDR') {
      if (length !== 13) throw new Error(`IHDR is ${length} bytes long, not 13`);
      const [depth, interlace] = [body[8]!, body[12]!];
      if (![1, 2, 4, 8].includes(depth)) throw new Error(`a palette image cannot have ${depth} bits a pixel`);
      if (interlace > 1) throw new Error(`unknown interlace method ${interlace}`);
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth, interlaced: interlace === 1 };
      if (header.width === 0 || header.height === 0) throw new Error(`the image is empty (${header.width}x${header.height})`);
    }
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') break;
    at += 12 + length;
  }
  if (header === null) throw new Error('no IHDR chunk');
  if (idat.length === 0) throw new Error('no IDAT chunk');
  return { ...header, data: Buffer.concat(idat) };
}

type Pass = readonly [x0: number, y0: number, dx: number, dy: number];
/** A non-interlaced image is one pass over every pixel; Adam7's are seven (first column and row, steps). */
const WHOLE: readonly Pass[] = [[0, 0, 1, 1]];
const ADAM7: readonly Pass[] = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Each pass's rows unfiltered and its `depth`-bit pixels (most significant bits first) put in place. */
function scatterPasses(raw: Uint8Array, width: number, height: number, depth: number, passes: readonly Pass[]): Uint8Array {
  const out = new Uint8Array(width * height);
  const [perByte, mask] = [8 / depth, (1 << depth) - 1];
  let at = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const [passWidth, passHeight] = [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)];
    if (passWidth <= 0 || passHeight <= 0) continue;  // an image too small for this pass has no rows in it
    const stride = Math.ceil((passWidth * depth) / 8);
    let previous: Uint8Array = new Uint8Array(stride);
    for (let y = 0; y < passHeight; y++, at += 1 + stride) {
      if (at + 1 + stride > raw.length) throw new Error('the image data ends before the last row');
      const row = unfilterRow(raw[at]!, raw.subarray(at + 1, at + 1 + stride), previous);
      const rowStart = (y0 + y * dy) * width;
      for (let x = 0; x < passWidth; x++) {
        out[rowStart + x0 + x * dx] = (row[Math.floor(x / perByte)]! >> (8 - depth * ((x % perByte) + 1))) & mask;
      }
      previous = row;
    }
  }
  return out;
}

/** One row with PNG's filter undone; a pixel of 8 bits or fewer counts as one byte to its left neighbour, as the PNG spec says. */
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
