// torchvision.io's image functions: files to and from tensors. Decoding and encoding run sharp on the
// vision helper thread (decode.ts). Results are laid out as torchvision's decoders lay them out:
// (C, H, W) views of the decoded (H, W, C) pixels, uint8, or uint16 for 16-bit PNGs.
import { readFileSync, writeFileSync } from 'node:fs';
import { frombuffer } from '../creation.js';
import { uint8, uint16 } from '../dtype.js';
import { describe } from '../options.js';
import { bind, REQUIRED, signature } from '../nn/functional/_signature.js';
import { isTensor, type Tensor } from '../tensor.js';
import { decodeFilePixelsSync, encodeImageSync, readOrientationSync, type FilePixels } from './decode.js';
import { decodePaletteIndices, isPalettePng } from './palette_png.js';
import { decodeGifFrames } from './gif.js';
import { warn } from '../warnings.js';

/** torchvision.io.ImageReadMode: what to convert the decoded image to. */
export const ImageReadMode = { UNCHANGED: 'UNCHANGED', GRAY: 'GRAY', GRAY_ALPHA: 'GRAY_ALPHA', RGB: 'RGB', RGB_ALPHA: 'RGB_ALPHA', RGBA: 'RGB_ALPHA' } as const;
export type ImageReadMode = (typeof ImageReadMode)[keyof typeof ImageReadMode];

/** The mode, from ImageReadMode or its name in any case ('rgb'), as torchvision accepts strings. */
function readMode(fn: string, mode: unknown): ImageReadMode {
  const name = typeof mode === 'string' ? mode.toUpperCase() : null;
  if (name === null || !Object.hasOwn(ImageReadMode, name)) {
    throw new TypeError(`${fn}: mode must be one of ImageReadMode (UNCHANGED, GRAY, GRAY_ALPHA, RGB, RGB_ALPHA), got ${describe(mode)}`);
  }
  return ImageReadMode[name as keyof typeof ImageReadMode];
}

/** The bytes of a 1-D uint8 tensor (torchvision's validate_encoded_data), or a file's. */
function encodedBytes(fn: string, input: unknown, allowEmpty = false): [bytes: Uint8Array, source: string] {
  if (typeof input === 'string') return [readFileSync(input), input];
  if (!isTensor(input)) throw new TypeError(`${fn}: input must be a 1-D uint8 tensor of the file's bytes or a path, got ${describe(input)}`);
  if (input.dtype !== uint8) throw new TypeError(`${fn}: Expected a torch.uint8 tensor, got ${String(input.dtype)}`);
  if (input.dim() !== 1 || (input.numel() === 0 && !allowEmpty)) throw new RangeError(`${fn}: Expected a non empty 1-dimensional tensor`);
  if (input.isContiguous()) return [input.toTypedArray() as Uint8Array, '<tensor>'];
  const dense = input.contiguous();
  try {
    return [dense.toTypedArray() as Uint8Array, '<tensor>'];
  } finally {
    dense.dispose();
  }
}

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const isGif = (b: Uint8Array): boolean => startsWith(b, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]) || startsWith(b, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]);
const isWebp = (b: Uint8Array): boolean => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8);

/**
 * The decoded pixels in `mode`, as a (C, H, W) tensor. Conversions torchvision makes with libpng's and
 * libjpeg's own colour code are not reproduced, and refused: colour to gray and CMYK.
 */
function toTensor(fn: string, p: FilePixels, mode: ImageReadMode, source: string, fileAlpha: boolean): Tensor {
  const gray = p.sourceChannels <= 2 && !p.isPalette;
  if (p.space === 'cmyk') throw new Error(`${fn}: ${source} is a CMYK image; torchvision converts CMYK with its own formula, which torchnode does not reproduce`);
  if ((mode === 'GRAY' || mode === 'GRAY_ALPHA') && !gray) {
    throw new Error(`${fn}: converting the colour image ${source} to ${mode} is not supported (torchvision uses libpng's or libjpeg's own luma); ` +
      'read it as RGB and use transforms.v2.functional.rgbToGrayscale');
  }
  // sharp's bands: 8-bit as sRGB (gray replicated), 16-bit gray as one band; alpha last (a PNG's tRNS
  // colour key too, which torchvision ignores outside palettes: `fileAlpha` says whether it counts).
  const rgb = p.channels - (p.hasAlpha ? 1 : 0) === 1 ? [0, 0, 0] : [0, 1, 2];
  if (p.hasAlpha && p.channels !== 2 && p.channels !== 4) throw new Error(`${fn}: ${source}: its alpha channel did not decode (16-bit gray with alpha is not supported)`);
  const alpha = p.hasAlpha && fileAlpha ? p.channels - 1 : -1;
  const FILL = -1;
  const bands = mode === 'UNCHANGED' ? (gray ? [0] : rgb).concat(alpha >= 0 ? [alpha] : [])
    : mode === 'GRAY' ? [0] : mode === 'GRAY_ALPHA' ? [0, alpha]
      : mode === 'RGB' ? rgb : [...rgb, alpha];
  const n = p.width * p.height;
  // 16-bit samples in native (little-endian) order; a view needs an even offset, else a copy
  const src = !p.sixteen ? p.data : p.data.byteOffset % 2 === 0 ? new Uint16Array(p.data.buffer, p.data.byteOffset, p.data.byteLength / 2) : new Uint16Array(p.data.slice().buffer);
  const out = p.sixteen ? new Uint16Array(n * bands.length) : new Uint8Array(n * bands.length);
  const top = p.sixteen ? 65535 : 255;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < bands.length; c++) out[i * bands.length + c] = bands[c] === FILL ? top : src[i * p.channels + bands[c]!]!;
  }
  const flat = frombuffer(out, { dtype: p.sixteen ? uint16 : uint8 });
  const hwc = flat.view(p.height, p.width, bands.length);
  flat.dispose();
  try {
    return hwc.permute(2, 0, 1);
  } finally {
    hwc.dispose();
  }
}

const DECODE = signature('decode_image', { mode: 'UNCHANGED', applyExifOrientation: false });
const DECODE_JPEG = signature('decode_jpeg', { mode: 'UNCHANGED', applyExifOrientation: false, device: 'cpu' });
const DECODE_WEBP = signature('decode_webp', { mode: 'UNCHANGED' });

function decodeAs(fn: string, input: unknown, mode: unknown, exif: unknown, accept: (b: Uint8Array) => string | null): Tensor {
  let m = readMode(fn, mode);
  const [bytes, source] = encodedBytes(fn, input);
  const refusal = accept(bytes);
  if (refusal !== null) throw new Error(`${fn}: ${refusal}`);
  if (isGif(bytes)) return gifTensor(fn, bytes, source);  // torchvision's decode_gif, which takes no mode
  const webp = isWebp(bytes);
  if (startsWith(bytes, JPEG) && (m === 'GRAY_ALPHA' || m === 'RGB_ALPHA')) throw new Error(`${fn}: The provided mode is not supported for JPEG files`);
  if (webp && (m === 'GRAY' || m === 'GRAY_ALPHA')) {
    warn('Webp does not support grayscale conversions. The returned tensor will be in the colorspace of the original image.', 'UserWarning');
    m = 'UNCHANGED';
  }
  // an 8-bit palette PNG in UNCHANGED mode is its indices, decoded here; sharp reads only its header, for the orientation
  if (m === 'UNCHANGED') {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);  // a view, no copy
    if (isPalettePng(buffer)) return paletteIndices(fn, buffer, source, Boolean(exif));
  }
  // torchvision applies EXIF orientation to JPEG and PNG only
  const pixels = decodeFilePixelsSync(bytes, source, Boolean(exif) && !webp);
  if (webp && pixels.pages > 1) throw new Error(`${fn}: Animated webp files are not supported.`);
  // a PNG's own alpha: colour types 4 and 6, or a palette's tRNS (torchvision ignores other tRNS keys)
  const fileAlpha = !startsWith(bytes, PNG) || bytes[25] === 4 || bytes[25] === 6 || bytes[25] === 3;
  return toTensor(fn, pixels, m, source, fileAlpha);
}

/**
 * A palette PNG in UNCHANGED mode: libpng's rows without the palette applied, its indices as a
 * (1, H, W) uint8 tensor, turned upright as torchvision's exif_orientation_transform turns them.
 */
function paletteIndices(fn: string, bytes: Buffer, source: string, applyExif: boolean): Tensor {
  const depth = bytes[24]!;
  if (depth < 8) {
    throw new Error(`${fn}: ${source} is a palette PNG of ${depth} bits a pixel; torchvision's UNCHANGED mode returns its rows still packed (${8 / depth} pixels a byte, ` +
      'the rest of each row uninitialized), which torchnode does not reproduce: use ImageReadMode.RGB');
  }
  const image = decodePaletteIndices(bytes, source, fn);
  const orientation = applyExif ? readOrientationSync(bytes, source) : 1;
  const flat = frombuffer(image.data, { dtype: uint8 });
  const chw = flat.view(1, image.height, image.width);
  flat.dispose();
  if (orientation < 2 || orientation > 8) return chw;
  try {
    return exifOrientationTransform(chw, orientation);
  } finally {
    chw.dispose();
  }
}

/** torchvision's exif_orientation_transform: EXIF orientations 2 to 8 as flips of the (…, H, W) image and of its transpose. */
function exifOrientationTransform(image: Tensor, orientation: number): Tensor {
  const FLIPS: Record<number, number[]> = { 2: [-1], 3: [-2, -1], 4: [-2], 6: [-1], 7: [-2, -1], 8: [-2] };
  if (orientation < 5) return image.flip(FLIPS[orientation]!);
  const transposed = image.transpose(-1, -2);
  if (orientation === 5) return transposed;
  try {
    return transposed.flip(FLIPS[orientation]!);
  } finally {
    transposed.dispose();
  }
}

/**
 * torchvision.io.decode_image(input, mode=UNCHANGED, apply_exif_orientation=False): a JPEG, PNG or
 * WebP file (a path, or a 1-D uint8 tensor of its bytes) as a uint8 (C, H, W) tensor (uint16 for a
 * 16-bit PNG).
 */
export function decodeImage(input: Tensor | string, ...args: unknown[]): Tensor {
  const [mode, exif] = bind(DECODE, args);
  return decodeAs('decode_image', input, mode, exif, (b) =>
    startsWith(b, PNG) || startsWith(b, JPEG) || isWebp(b) || isGif(b) ? null
      : 'Unsupported image file. Only jpeg, png, webp and gif are currently supported. For avif and heic format, please rely on `decode_avif` and `decode_heic` directly.');
}

/**
 * torchvision.io.decode_gif(input): every image of a GIF (a path, or a 1-D uint8 tensor of its bytes)
 * as uint8 RGB, (C, H, W) for one image and (N, C, H, W) for several, channels last in memory.
 */
export function decodeGif(input: Tensor | string): Tensor {
  const [bytes, source] = encodedBytes('decode_gif', input);
  if (!startsWith(bytes, [0x47, 0x49, 0x46])) throw new Error(`decode_gif: ${source} is not a GIF file (it does not start with "GIF")`);
  return gifTensor('decode_gif', bytes, source);
}

function gifTensor(fn: string, bytes: Uint8Array, source: string): Tensor {
  let decoded: ReturnType<typeof decodeGifFrames>;
  try {
    decoded = decodeGifFrames(bytes);
  } catch (e) {
    throw new Error(`${fn}: cannot decode GIF ${source}: ${(e as Error).message}`);
  }
  const { data, frames, height, width } = decoded;
  const flat = frombuffer(data, { dtype: uint8 });
  const nhwc = flat.view(frames, height, width, 3);
  flat.dispose();
  const nchw = nhwc.permute(0, 3, 1, 2);  // channels-last memory, as torchvision's output
  nhwc.dispose();
  if (frames > 1) return nchw;
  try {
    return nchw.squeeze(0);
  } finally {
    nchw.dispose();
  }
}

/** torchvision.io.read_image(path, mode=UNCHANGED, apply_exif_orientation=False): decode_image of a file. */
export function readImage(path: string, ...args: unknown[]): Tensor {
  if (typeof path !== 'string') throw new TypeError(`read_image: path must be a string, got ${describe(path)}`);
  return decodeImage(path, ...args);
}

/** torchvision.io.decode_png(input, mode=UNCHANGED, apply_exif_orientation=False). */
export function decodePng(input: Tensor | string, ...args: unknown[]): Tensor {
  const [mode, exif] = bind(DECODE, args);
  return decodeAs('decode_png', input, mode, exif, (b) => (startsWith(b, PNG) ? null : 'Content is not png!'));
}

/** torchvision.io.decode_jpeg(input, mode=UNCHANGED, apply_exif_orientation=False, device='cpu'): one image (a list: one each). */
export function decodeJpeg(input: Tensor | string, ...args: unknown[]): Tensor;
export function decodeJpeg(input: readonly Tensor[], ...args: unknown[]): Tensor[];
export function decodeJpeg(input: Tensor | string | readonly Tensor[], ...args: unknown[]): Tensor | Tensor[] {
  const [mode, exif, device] = bind(DECODE_JPEG, args);
  if (!String(device).startsWith('cpu')) throw new Error(`decode_jpeg: device ${String(device)}: only CPU decoding is supported`);
  if (Array.isArray(input)) {
    if (input.length === 0) throw new RangeError('decode_jpeg: Expected a non empty list of tensors');
    return input.map((t) => decodeJpeg(t as Tensor, mode, exif));
  }
  return decodeAs('decode_jpeg', input as Tensor | string, mode, exif, (b) => (startsWith(b, JPEG) ? null : 'Not a JPEG file: starts with ' + Array.from(b.subarray(0, 2), (v) => '0x' + v.toString(16)).join(' ')));
}

/** torchvision.io.decode_webp(input, mode=UNCHANGED). */
export function decodeWebp(input: Tensor | string, ...args: unknown[]): Tensor {
  const [mode] = bind(DECODE_WEBP, args);
  return decodeAs('decode_webp', input, mode, false, (b) => (isWebp(b) ? null : 'Not a WebP file'));
}

/** Bytes as a 1-D uint8 tensor over a copy of them. */
const asTensor = (bytes: Uint8Array): Tensor => frombuffer(new Uint8Array(bytes), { dtype: uint8 });

/** torchvision.io.read_file(path): the file's bytes as a 1-D uint8 tensor. */
export function readFile(path: string): Tensor {
  if (typeof path !== 'string') throw new TypeError(`read_file: path must be a string, got ${describe(path)}`);
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new RangeError(`read_file: ${path}: Expected a non empty file`);
  return asTensor(bytes);
}

/** torchvision.io.write_file(filename, data): writes a 1-D uint8 tensor's bytes. */
export function writeFile(filename: string, data: Tensor): void {
  const [bytes] = encodedBytes('write_file', data, true);
  writeFileSync(filename, bytes);
}

/** The HWC bytes of a uint8 (C, H, W) image with 1 or 3 channels, as torchvision's encoders take. */
function imageBytes(fn: string, input: unknown): [bytes: Uint8Array, width: number, height: number, channels: number] {
  if (!isTensor(input) || input.dtype !== uint8 || input.dim() !== 3) throw new TypeError(`${fn}: input must be a uint8 tensor of shape (C, H, W), got ${isTensor(input) ? `${String(input.dtype)} of shape [${input.shape.join(', ')}]` : describe(input)}`);
  const [c, h, w] = input.shape as [number, number, number];
  if (c !== 1 && c !== 3) throw new RangeError(`${fn}: the number of channels must be 1 or 3, got ${c}`);
  if (h === 0 || w === 0) throw new RangeError(`${fn}: cannot encode an empty image (${h}x${w})`);
  const view = input.permute(1, 2, 0);
  const hwc = view.contiguous();
  try {
    return [hwc.toTypedArray() as Uint8Array, w, h, c];
  } finally {
    if (hwc !== view) hwc.dispose();
    view.dispose();
  }
}

const ENCODE_PNG = signature('encode_png', { compressionLevel: 6 });
const WRITE_PNG = signature('write_png', { filename: REQUIRED, compressionLevel: 6 });
const ENCODE_JPEG = signature('encode_jpeg', { quality: 75 });
const WRITE_JPEG = signature('write_jpeg', { filename: REQUIRED, quality: 75 });

function checkLevel(fn: string, level: unknown): number {
  if (!Number.isInteger(level) || (level as number) < 0 || (level as number) > 9) throw new RangeError(`${fn}: Compression level should be between 0 and 9, got ${String(level)}`);
  return level as number;
}
function checkQuality(fn: string, quality: unknown): number {
  if (!Number.isInteger(quality) || (quality as number) < 1 || (quality as number) > 100) throw new RangeError(`${fn}: Image quality should be a positive number between 1 and 100, got ${String(quality)}`);
  return quality as number;
}

/** torchvision.io.encode_png(input, compression_level=6): the PNG file's bytes as a 1-D uint8 tensor. */
export function encodePng(input: Tensor, ...args: unknown[]): Tensor {
  const [level] = bind(ENCODE_PNG, args);
  const [bytes, w, h, c] = imageBytes('encode_png', input);
  return asTensor(encodeImageSync(bytes, w, h, c, 'png', { compressionLevel: checkLevel('encode_png', level) }));
}

/** torchvision.io.write_png(input, filename, compression_level=6). */
export function writePng(input: Tensor, ...args: unknown[]): void {
  const [filename, level] = bind(WRITE_PNG, args);
  const [bytes, w, h, c] = imageBytes('write_png', input);
  writeFileSync(String(filename), encodeImageSync(bytes, w, h, c, 'png', { compressionLevel: checkLevel('write_png', level) }));
}

/** torchvision.io.encode_jpeg(input, quality=75): the JPEG file's bytes as a 1-D uint8 tensor (a list of images: a list). */
export function encodeJpeg(input: Tensor, ...args: unknown[]): Tensor;
export function encodeJpeg(input: readonly Tensor[], ...args: unknown[]): Tensor[];
export function encodeJpeg(input: Tensor | readonly Tensor[], ...args: unknown[]): Tensor | Tensor[] {
  const [quality] = bind(ENCODE_JPEG, args);
  const q = checkQuality('encode_jpeg', quality);
  if (Array.isArray(input)) {
    if (input.length === 0) throw new RangeError('encode_jpeg: Expected a non empty list of tensors');
    return input.map((t) => encodeJpeg(t as Tensor, q));
  }
  const [bytes, w, h, c] = imageBytes('encode_jpeg', input as Tensor);
  return asTensor(encodeImageSync(bytes, w, h, c, 'jpeg', { quality: q }));
}

/** torchvision.io.write_jpeg(input, filename, quality=75). */
export function writeJpeg(input: Tensor, ...args: unknown[]): void {
  const [filename, quality] = bind(WRITE_JPEG, args);
  const [bytes, w, h, c] = imageBytes('write_jpeg', input);
  writeFileSync(String(filename), encodeImageSync(bytes, w, h, c, 'jpeg', { quality: checkQuality('write_jpeg', quality) }));
}
