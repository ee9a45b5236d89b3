// The image files Pillow opens and sharp does not: Windows bitmaps (BMP) and Netpbm (PBM, PGM, PPM),
// which torchvision's ImageFolder lists (IMG_EXTENSIONS) and loads through PIL. Decoded as Pillow does:
// PNM samples scaled to 0..255 with Python's round (16-bit gray: values above 255 clip, as PIL's
// convert from mode I), PBM's 1 bits black; BMP rows bottom-up unless the height is negative, palettes
// of 1 to 8 bits, 16/24/32-bit BI_RGB and BI_BITFIELDS pixels (alpha dropped, as convert('RGB') does).
import { pyRound } from '../libm.js';
import type { DecodedPixels } from './decode.js';

/** The pixels of a BMP or Netpbm file (null: neither), RGB interleaved or 1-channel gray. */
export function decodeBmpOrPnm(bytes: Uint8Array, source: string): DecodedPixels | null {
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes, source);  // 'BM'
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1]! >= 0x31 && bytes[1]! <= 0x36) return decodePnm(bytes, source);  // 'P1'..'P6'
  return null;
}

function fail(source: string, why: string): never {
  throw new Error(`decodeImage: cannot decode image ${source}: ${why}`);
}

// ---- Netpbm ----------------------------------------------------------------------------------------

function decodePnm(bytes: Uint8Array, source: string): DecodedPixels {
  const kind = bytes[1]! - 0x30;  // 1..6
  const plain = kind <= 3;
  const bitmap = kind === 1 || kind === 4;
  const colour = kind === 3 || kind === 6;
  let pos = 2;
  const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  // a header token: whitespace and '#' comments skipped
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos]!)) pos++;
      if (bytes[pos] !== 0x23) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start) fail(source, 'a Netpbm header field is not a number');
    return Number(Buffer.from(bytes.subarray(start, pos)).toString('latin1'));
  };
  const width = token();
  const height = token();
  const maxval = bitmap ? 1 : token();
  if (width < 1 || height < 1 || maxval < 1 || maxval > 65535) fail(source, `bad Netpbm size or maxval (${width}x${height}, ${maxval})`);
  const channels = colour ? 3 : 1;
  const count = width * height * channels;
  const samples = new Uint32Array(count);
  if (plain) {
    for (let i = 0; i < count; i++) {
      if (kind === 1) {  // P1 digits may be unseparated
        while (pos < bytes.length && (isSpace(bytes[pos]!) || bytes[pos] === 0x23)) {
          if (bytes[pos] === 0x23) while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
          else pos++;
        }
        if (pos >= bytes.length) fail(source, 'truncated Netpbm data');
        samples[i] = bytes[pos++] === 0x31 ? 1 : 0;
      } else {
        samples[i] = token();
      }
    }
  } else {
    pos++;  // the single whitespace after the header
    if (kind === 4) {
      const rowBytes = Math.ceil(width / 8);
      if (pos + rowBytes * height > bytes.length) fail(source, 'truncated Netpbm data');
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) samples[y * width + x] = (bytes[pos + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
    } else {
      const wide = maxval > 255;
      if (pos + count * (wide ? 2 : 1) > bytes.length) fail(source, 'truncated Netpbm data');
      for (let i = 0; i < count; i++) samples[i] = wide ? (bytes[pos + 2 * i]! << 8) | bytes[pos + 2 * i + 1]! : bytes[pos + i]!;
    }
  }
  const data = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const v = samples[i]!;
    // PBM: 1 is black. 16-bit gray is PIL's mode I, clipped by convert; other maxvals scale as Pillow's decoder
    data[i] = bitmap ? (v ? 0 : 255) : maxval === 255 ? v : maxval > 255 && !colour ? Math.min(v, 255) : Math.min(255, pyRound((v / maxval) * 255));
  }
  return { data, width, height, channels, gray: !colour };
}

// ---- BMP -------------------------------------------------------------------------------------------

function decodeBmp(bytes: Uint8Array, source: string): DecodedPixels {
  if (bytes.length < 26) fail(source, 'truncated BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const core = headerSize === 12;
  if (!core && headerSize < 40) fail(source, `unsupported BMP header size ${headerSize}`);
  if (bytes.length < 14 + headerSize) fail(source, 'truncated BMP header');
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getInt16(22, true) : view.getInt32(22, true);
  const bpp = view.getUint16(core ? 24 : 28, true);
  const compression = core ? 0 : view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) fail(source, `bad BMP size ${width}x${rawHeight}`);
  if (compression !== 0 && compression !== 3 && compression !== 6) fail(source, `BMP compression ${compression} (RLE, JPEG or PNG inside) is not supported`);
  // channel masks: BI_BITFIELDS after a 40-byte header or inside a V4/V5 one; BI_RGB defaults
  let masks: [number, number, number] = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3 || compression === 6) masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  const palette: number[][] = [];
  if (bpp <= 8) {
    const entries = (!core && view.getUint32(46, true)) || 1 << bpp;
    const entrySize = core ? 3 : 4;
    const start = 14 + headerSize;
    for (let i = 0; i < entries && start + i * entrySize + 2 < bytes.length; i++) {
      const at = start + i * entrySize;
      palette.push([bytes[at + 2]!, bytes[at + 1]!, bytes[at]!]);
    }
  } else if (bpp !== 16 && bpp !== 24 && bpp !== 32) {
    fail(source, `unsupported BMP bit depth ${bpp}`);
  }
  const rowBytes = Math.floor((width * bpp + 31) / 32) * 4;
  if (dataOffset + rowBytes * height > bytes.length) fail(source, 'truncated BMP pixel data');
  const channel = (mask: number, v: number): number => {
    if (mask === 0) return 0;
    const shift = 31 - Math.clz32(mask & -mask);  // the mask's trailing zeros
    const bits = 32 - Math.clz32(mask >>> shift);
    const raw = (v & mask) >>> shift;
    return bits >= 8 ? raw >>> (bits - 8) : pyRound((raw * 255) / ((1 << bits) - 1));
  };
  const gray = palette.length > 0 && palette.every(([r, g, b]) => r === g && g === b);
  const channels = gray ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      let rgb: number[];
      if (bpp <= 8) {
        const bit = x * bpp;
        const index = (bytes[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        rgb = palette[index] ?? [0, 0, 0];
      } else if (bpp === 24) {
        const at = row + 3 * x;
        rgb = [bytes[at + 2]!, bytes[at + 1]!, bytes[at]!];
      } else {
        const v = bpp === 16 ? view.getUint16(row + 2 * x, true) : view.getUint32(row + 4 * x, true);
        rgb = masks.map((m) => channel(m, v));
      }
      const out = (y * width + x) * channels;
      if (gray) data[out] = rgb[0]!;
      else data.set(rgb, out);
    }
  }
  return { data, width, height, channels, gray };
}
