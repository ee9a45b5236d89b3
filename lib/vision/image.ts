// vision.Image: the small image type that stands where torchvision has a PIL image — what datasets
// return and transforms receive before ToTensor. 8-bit pixels, interleaved (H, W, C) like PIL's memory.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { decodeFilePixelsSync, decodeImageSync, encodeImageSync, type DecodedPixels } from './decode.js';
import { decodeBmpOrPnm } from './bmp_pnm.js';
import { pngHeader } from './palette_png.js';

/** PIL's modes that this type holds: 8-bit grayscale ('L') and 8-bit RGB. */
export type ImageMode = 'L' | 'RGB';

const CHANNELS: Record<ImageMode, number> = { L: 1, RGB: 3 };

/** PIL's ITU-R 601-2 luma transform for convert('L'), in its 16-bit fixed point (Convert.c). */
function lumaOf(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

export class Image {
  readonly width: number;
  readonly height: number;
  readonly mode: ImageMode;
  /** Pixels, row after row, channels interleaved: `data[(y * width + x) * channels + c]`. */
  readonly data: Uint8Array;

  constructor(width: number, height: number, mode: ImageMode, data?: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
      throw new RangeError(`Image: width and height must be non-negative integers, got ${width}x${height}`);
    }
    if (CHANNELS[mode] === undefined) throw new TypeError(`Image: mode must be 'L' or 'RGB', got ${String(mode)}`);
    const expected = width * height * CHANNELS[mode];
    if (data !== undefined) {
      if (!(data instanceof Uint8Array)) throw new TypeError('Image: data must be a Uint8Array');
      if (data.length !== expected) {
        throw new RangeError(`Image: a ${width}x${height} ${mode} image holds ${expected} bytes, but data has ${data.length}`);
      }
    }
    this.width = width;
    this.height = height;
    this.mode = mode;
    this.data = data ?? new Uint8Array(expected);
  }

  /** Number of channels (1 for 'L', 3 for 'RGB'). */
  get channels(): number { return CHANNELS[this.mode]; }

  /** PIL's `size`: [width, height]. */
  get size(): [number, number] { return [this.width, this.height]; }

  /** PIL's `Image.convert(mode)` between 'L' and 'RGB' (to 'L' with PIL's own luma rounding). */
  convert(mode: ImageMode): Image {
    if (mode === this.mode) return new Image(this.width, this.height, mode, this.data.slice());
    const n = this.width * this.height;
    const out = new Uint8Array(n * CHANNELS[mode]);
    const src = this.data;
    if (mode === 'RGB') {
      for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = src[i]!;
    } else if (mode === 'L') {
      for (let i = 0; i < n; i++) out[i] = lumaOf(src[3 * i]!, src[3 * i + 1]!, src[3 * i + 2]!);
    } else {
      throw new TypeError(`Image.convert: mode must be 'L' or 'RGB', got ${String(mode)}`);
    }
    return new Image(this.width, this.height, mode, out);
  }

  /**
   * Decodes an encoded image (JPEG, PNG, WebP, TIFF, GIF, ...) with sharp. Without `mode`, grayscale
   * files give 'L' and colour files 'RGB'; alpha is dropped as PIL's convert does (no compositing).
   */
  static decode(bytes: Uint8Array, options: { mode?: ImageMode; source?: string } = {}): Image {
    const source = options.source ?? 'buffer';
    const px = decodeBmpOrPnm(bytes, source) ?? gray16Png(bytes, source) ?? decodeImageSync(bytes, source);  // sharp reads neither BMP nor Netpbm
    const colour = !px.gray && px.channels >= 3;
    const mode: ImageMode = options.mode ?? (colour ? 'RGB' : 'L');
    if (CHANNELS[mode] === undefined) throw new TypeError(`Image.decode: mode must be 'L' or 'RGB', got ${String(mode)}`);
    const n = px.width * px.height;
    const { data, channels } = px;
    if (mode === 'RGB' && channels === 3) return new Image(px.width, px.height, 'RGB', data);
    if (mode === 'L' && channels === 1) return new Image(px.width, px.height, 'L', data);
    // Keep colour (or gray) channels only, then convert as PIL would.
    const kept = new Uint8Array(n * (colour ? 3 : 1));
    const keep = colour ? 3 : 1;
    for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) kept[i * keep + c] = data[i * channels + c]!;
    const img = new Image(px.width, px.height, colour ? 'RGB' : 'L', kept);
    return img.mode === mode ? img : img.convert(mode);
  }

  /** PIL's `Image.open(path)` (decoded at once): reads and decodes the file; errors name it. */
  static open(path: string, options: { mode?: ImageMode } = {}): Image {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new Error(`Image.open: cannot read ${path}: ${(e as Error).message}`);
    }
    return Image.decode(bytes, { mode: options.mode, source: path });
  }

  /** The image encoded as a `format` file: 'png', 'jpeg' (quality 75, PIL's default), 'webp', 'tiff' or 'gif'. */
  encode(format: string): Uint8Array {
    return encodeImageSync(this.data, this.width, this.height, this.channels, imageFormat('Image.encode', format));
  }

  /** PIL's `Image.save(fp, format)`: the format from `format`, else from the file's extension. */
  save(path: string, format: string | null = null): void {
    const bytes = this.encode(format ?? formatOfPath('Image.save', path));
    writeFileSync(path, bytes);
  }

  toString(): string {
    return `<vision.Image mode=${this.mode} size=${this.width}x${this.height}>`;
  }
}

const FORMATS: Record<string, string> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', tif: 'tiff', tiff: 'tiff', gif: 'gif' };

/** A format name sharp writes, from PIL's names ('PNG', 'JPEG', 'jpg', ...). */
export function imageFormat(fn: string, format: string): string {
  const f = typeof format === 'string' ? FORMATS[format.toLowerCase()] : undefined;
  if (f === undefined) throw new RangeError(`${fn}: unknown image format ${JSON.stringify(format)} (png, jpeg, webp, tiff or gif)`);
  return f;
}

/** The format a file name's extension says, as PIL picks it; an unknown extension is an error, as in PIL. */
export function formatOfPath(fn: string, path: string): string {
  if (typeof path !== 'string') throw new TypeError(`${fn}: expected a file path`);
  const ext = extname(path).slice(1).toLowerCase();
  if (FORMATS[ext] === undefined) throw new RangeError(`${fn}: unknown file extension: ${JSON.stringify(extname(path))} (give the format)`);
  return FORMATS[ext];
}

/**
 * A 16-bit grayscale PNG as PIL reads it (mode I;16, whose convert clips at 255), or null for any other
 * file; sharp would scale the samples to 8 bits instead.
 */
function gray16Png(bytes: Uint8Array, source: string): DecodedPixels | null {
  const header = pngHeader(bytes);
  if (header === null || header.bitDepth !== 16 || header.colourType !== 0) return null;
  const p = decodeFilePixelsSync(bytes, source, false);
  if (!p.sixteen || p.channels !== 1) return null;
  const samples = new Uint16Array(p.data.slice().buffer);
  const data = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = Math.min(samples[i]!, 255);
  return { data, width: p.width, height: p.height, channels: 1, gray: true };
}
