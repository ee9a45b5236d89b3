// torchvision.io.decode_gif: every image of a GIF as RGB, composited as torchvision's decode_gif does
// after giflib's DGifSlurp: a frame starts from the previous one when its own disposal method is
// "do not dispose", else from the background colour; transparent pixels keep what is under them.

/** One image of the file: where it lies, its colour indices (de-interlaced) and what its graphic control extension says. */
interface GifFrame {
  left: number; top: number; width: number; height: number;
  indices: Uint8Array;
  colors: Uint8Array | null;  // the local colour table (RGB triples), if any
  disposal: number;           // 0 when the frame has no graphic control extension
  transparent: number;        // -1 when none
}

interface GifFile { width: number; height: number; background: number; colors: Uint8Array | null; frames: GifFrame[] }

/** The decoded images, channels last: (N, H, W, 3) bytes with their shape. */
export function decodeGifFrames(bytes: Uint8Array): { data: Uint8Array; frames: number; height: number; width: number } {
  const gif = parseGif(bytes);
  if (gif.frames.length === 0) throw new Error('GIF file should contain at least one image!');
  const first = gif.frames[0]!;
  // the canvas is at least the logical screen and the first image (torchvision's max of the two)
  const [height, width] = [Math.max(gif.height, first.height), Math.max(gif.width, first.width)];
  const bg = gif.colors !== null && gif.background * 3 + 2 < gif.colors.length ? gif.colors.subarray(gif.background * 3, gif.background * 3 + 3) : new Uint8Array(3);
  const frameBytes = height * width * 3;
  const out = new Uint8Array(gif.frames.length * frameBytes);
  gif.frames.forEach((f, i) => {
    const colors = f.colors ?? gif.colors;
    if (colors === null) throw new Error('Global and local color maps are missing. This should never happen!');
    if (f.left + f.width > width || f.top + f.height > height) {
      throw new Error(`image ${i} (${f.width}x${f.height} at ${f.left}, ${f.top}) does not fit in the ${width}x${height} canvas`);
    }
    const canvas = out.subarray(i * frameBytes, (i + 1) * frameBytes);
    const DISPOSE_DO_NOT = 1;
    if (i > 0 && f.disposal === DISPOSE_DO_NOT) canvas.set(out.subarray((i - 1) * frameBytes, i * frameBytes));
    else for (let y = 0; y < gif.height; y++) for (let x = 0; x < gif.width; x++) canvas.set(bg, (y * width + x) * 3);
    for (let y = 0; y < f.height; y++) {
      for (let x = 0; x < f.width; x++) {
        const c = f.indices[y * f.width + x]!;
        if (c === f.transparent) continue;
        const at = ((y + f.top) * width + x + f.left) * 3;
        // an index past the table reads black (giflib would read past its table)
        if (c * 3 + 2 < colors.length) canvas.set(colors.subarray(c * 3, c * 3 + 3), at);
        else canvas.fill(0, at, at + 3);
      }
    }
  });
  return { data: out, frames: gif.frames.length, height, width };
}

/** The file's blocks: the logical screen, its colour table, and each image with the first graphic control extension before it (as giflib pairs them). */
function parseGif(bytes: Uint8Array): GifFile {
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > bytes.length) throw new Error(`the file ends inside ${what}`);
  };
  need(13, 'its header');
  if (String.fromCharCode(...bytes.subarray(0, 3)) !== 'GIF') throw new Error('not a GIF file');  // giflib reads any version after "GIF"
  const u16 = (i: number): number => bytes[i]! | (bytes[i + 1]! << 8);
  const [width, height, packed, background] = [u16(6), u16(8), bytes[10]!, bytes[11]!];
  at = 13;
  const colorTable = (flags: number, what: string): Uint8Array | null => {
    if (!(flags & 0x80)) return null;
    const n = 3 << ((flags & 7) + 1);
    need(n, what);
    return bytes.subarray(at, (at += n));
  };
  const colors = colorTable(packed, 'the global colour table');
  const subBlocks = (what: string): Uint8Array[] => {
    const blocks: Uint8Array[] = [];
    for (;;) {
      need(1, what);
      const size = bytes[at++]!;
      if (size === 0) return blocks;
      need(size, what);
      blocks.push(bytes.subarray(at, (at += size)));
    }
  };
  const frames: GifFrame[] = [];
  let control: { disposal: number; transparent: number } | null = null;
  for (;;) {
    need(1, 'its blocks (no trailer)');
    const kind = bytes[at++]!;
    if (kind === 0x3b) break;  // trailer
    if (kind === 0x21) {
      need(1, 'an extension');
      const label = bytes[at++]!;
      const blocks = subBlocks('an extension');
      const GRAPHIC_CONTROL = 0xf9;
      // giflib keeps an extension only with data, and reads a control block only of exactly 4 bytes (else the defaults)
      const b = blocks[0];
      if (label === GRAPHIC_CONTROL && control === null && b !== undefined) {
        control = b.length === 4 ? { disposal: (b[0]! >> 2) & 7, transparent: b[0]! & 1 ? b[3]! : -1 } : { disposal: 0, transparent: -1 };
      }
      continue;
    }
    if (kind !== 0x2c) throw new Error(`unknown block type 0x${kind.toString(16)} at byte ${at - 1}`);
    need(9, 'an image descriptor');
    const [left, top, w, h, flags] = [u16(at), u16(at + 2), u16(at + 4), u16(at + 6), bytes[at + 8]!];
    at += 9;
    if (w === 0 || h === 0) throw new Error(`image ${frames.length} is empty (${w}x${h})`);
    const local = colorTable(flags, 'a local colour table');
    need(1, 'an image');
    const minCodeSize = bytes[at++]!;
    const data = concat(subBlocks('an image'));
    const indices = lzwDecode(minCodeSize, data, w * h, frames.length);
    frames.push({ left, top, width: w, height: h, indices: flags & 0x40 ? deinterlace(indices, w, h) : indices, colors: local, disposal: control?.disposal ?? 0, transparent: control?.transparent ?? -1 });
    control = null;
  }
  return { width, height, background, colors, frames };
}

function concat(blocks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) out.set(b, (at += b.length) - b.length);
  return out;
}

/**
 * GIF's variable-length LZW (codes of minCodeSize + 1 to 12 bits, least significant bit first), up to
 * `count` pixels, with giflib's code-width schedule: its running code counts every code read, so a
 * minimum code size of 0 or 1 widens as giflib widens it.
 */
function lzwDecode(minCodeSize: number, data: Uint8Array, count: number, image: number): Uint8Array {
  if (minCodeSize > 8) throw new Error(`image ${image}: LZW minimum code size ${minCodeSize} is above 8`);
  const MAX_CODES = 4096, NONE = -1;  // NONE: giflib's NO_SUCH_CODE, a table entry not yet defined
  const [clear, end] = [1 << minCodeSize, (1 << minCodeSize) + 1];
  const prefix = new Int16Array(MAX_CODES).fill(NONE), suffix = new Uint8Array(MAX_CODES), stack = new Uint8Array(MAX_CODES + 1);
  for (let c = 0; c < clear; c++) suffix[c] = c;
  const out = new Uint8Array(count);
  let [size, maxCode, running, previous, first, bits, buffer, byte, written] = [minCodeSize + 1, 1 << (minCodeSize + 1), clear + 2, -1, 0, 0, 0, 0, 0];
  while (written < count) {
    while (bits < size) {
      if (byte >= data.length) throw new Error(`image ${image}: the image data ends after ${written} of its ${count} pixels`);
      buffer |= data[byte++]! << bits;
      bits += 8;
    }
    const code = buffer & ((1 << size) - 1);
    buffer >>>= size;
    bits -= size;
    if (running < MAX_CODES + 1 && ++running > maxCode && size < 12) {
      maxCode <<= 1;
      size++;
    }
    if (code === clear) {
      [size, maxCode, running, previous] = [minCodeSize + 1, 1 << (minCodeSize + 1), clear + 2, -1];
      prefix.fill(NONE);
      continue;
    }
    if (code === end) throw new Error(`image ${image}: the image data ends after ${written} of its ${count} pixels`);
    const entry = running - 2;  // where giflib puts this code's string, if that entry is not defined yet (a full table keeps its last)
    // a code not in the table is only allowed as the entry being made: the previous string plus its own first pixel
    const undefinedCode = code > end && prefix[code] === NONE;
    if ((previous === -1 && code >= clear) || (undefinedCode && code !== entry)) throw new Error(`image ${image}: the image data holds an undefined LZW code ${code}`);
    // the code's string, last pixel first
    let top = 0;
    let c = code;
    if (undefinedCode) {
      stack[top++] = first;
      c = previous;
    }
    while (c >= clear) {
      stack[top++] = suffix[c]!;
      c = prefix[c]!;
    }
    first = c;
    stack[top++] = c;
    while (top > 0 && written < count) out[written++] = stack[--top]!;
    if (previous !== -1 && entry < MAX_CODES && prefix[entry] === NONE) {
      prefix[entry] = previous;
      suffix[entry] = first;
    }
    previous = code;
  }
  return out;
}

/** GIF's four-pass interlacing: rows 0, 8, 16, … then 4, 12, … then 2, 6, … then 1, 3, …, back in order. */
function deinterlace(rows: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(rows.length);
  let from = 0;
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) {
    for (let y = start; y < height; y += step, from++) out.set(rows.subarray(from * width, (from + 1) * width), y * width);
  }
  return out;
}
