// PIL's geometric warps (Pillow 12.3: Image.rotate and Image.transform in Image.py) on a vision.Image,
// ported for torchvision's PIL path (_functional_pil.rotate / affine / perspective): the matrices are
// computed here as Image.py does (C doubles are JS numbers; cos/sin from ../libm.js), the transform
// engines of libImaging/Geometry.c (nearest, bilinear and bicubic filters, the nearest-neighbour
// affine fast paths, fills) run in the addon (native/src/pil_geometry.cc's pilTransform), so every
// pixel comes out as PIL's.
import { Image } from './image.js';
import { native } from '../native.js';
import { cos, sin } from '../libm.js';
import type { PilFilter } from './_pil_resample.js';

// native/src/pil_geometry.cc's transform loop, over buffers allocated here
const kernels = native as unknown as {
  pilTransform(src: Uint8Array, width: number, height: number, channels: number, out: Uint8Array, outWidth: number, outHeight: number, coefficients: Float64Array, filter: number, fill: Uint8Array): void;
};

export type { PilFilter };

/**
 * torchvision's _parse_fill and Pillow's getink for the background (Image.new(mode, size, fillcolor)):
 * None is 0, a number is repeated per band, a 1-element sequence too; each value int()-truncated, then
 * clipped to 0..255.
 */
export function pilFill(fn: string, img: Image, fill: number | readonly number[] | null): Uint8Array {
  const bands = img.channels;
  let values: number[];
  if (fill === null || fill === undefined) values = new Array<number>(bands).fill(0);
  else if (typeof fill === 'number') values = new Array<number>(bands).fill(fill);
  else if (Array.isArray(fill)) {
    values = fill.length === 1 ? new Array<number>(bands).fill(fill[0]!) : [...fill];
    if (values.length !== bands) throw new RangeError(`${fn}: The number of elements in 'fill' does not match the number of bands of the image (${values.length} != ${bands})`);
  } else throw new TypeError(`${fn}: fill should be a number, a sequence of numbers or null`);
  return Uint8Array.from(values, (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${fn}: fill values should be finite numbers, got ${String(v)}`);
    const i = Math.trunc(v);
    return i < 0 ? 0 : i > 255 ? 255 : i;
  });
}

/** Pillow's Resampling numbers (Resampling.NEAREST 0, LANCZOS 1, BILINEAR 2, BICUBIC 3, BOX 4, HAMMING 5). */
const RESAMPLING: Record<PilFilter, number> = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 };
const TRANSFORM_FILTERS: readonly PilFilter[] = ['nearest', 'bilinear', 'bicubic'];

/** Image.new(mode, size, fillcolor) and ImagingTransform into it: every output pixel from the map and the filter, or the fill. */
function transform(img: Image, size: readonly [number, number], a: readonly number[], filter: PilFilter, fill: Uint8Array): Image {
  if (!TRANSFORM_FILTERS.includes(filter)) {
    // Image.transform's refusal, word for word (a rotate's copies and transposes took any filter before this)
    const name = (f: PilFilter): string => `Image.Resampling.${f.toUpperCase()} (${RESAMPLING[f]})`;
    throw new RangeError(`${name(filter)} cannot be used. Use ${name('nearest')}, ${name('bilinear')} or ${name('bicubic')}`);
  }
  const out = new Image(size[0], size[1], img.mode);
  kernels.pilTransform(img.data, img.width, img.height, img.channels, out.data, out.width, out.height, Float64Array.from(a), RESAMPLING[filter], fill);
  return out;
}

function checkMatrix(fn: string, data: readonly number[], n: number): void {
  if (!Array.isArray(data) || data.length < n || !data.slice(0, n).every((v) => typeof v === 'number'))
    throw new TypeError(`${fn}: expected ${n} transform coefficients (numbers), got ${String(data)}`);
}

function checkSize(fn: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0)
    throw new RangeError(`${fn}: Width and height must be integers >= 0, got ${width} x ${height}`);
}

/**
 * Image.transform(size, Image.AFFINE, data, resample, fillcolor=...): `data` (a, b, c, d, e, f) takes
 * each output pixel centre (x, y) to the input's (a x + b y + c, d x + e y + f).
 */
export function pilAffine(img: Image, size: readonly [number, number], data: readonly number[], filter: PilFilter, fill: Uint8Array): Image {
  checkMatrix('affine', data, 6);
  checkSize('affine', size[0], size[1]);
  return transform(img, size, data.slice(0, 6), filter, fill);
}

/**
 * Image.transform(size, Image.PERSPECTIVE, data, resample, fillcolor=...): each output pixel centre
 * (x, y) to ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1)).
 */
export function pilPerspective(img: Image, size: readonly [number, number], data: readonly number[], filter: PilFilter, fill: Uint8Array): Image {
  checkMatrix('perspective', data, 8);
  checkSize('perspective', size[0], size[1]);
  return transform(img, size, data.slice(0, 8), filter, fill);
}

/** Python's round(x, 15): to the nearest multiple of 1e-15 (ties, only at odd multiples of 2^-16 here, to even), as a double. */
export function round15(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e6) return x;
  const m = x * 65536;
  if (Number.isInteger(m) && m % 2 !== 0) {
    // x * 1e15 = m * 5^15 / 2 exactly: a tie between n and n + 1
    const n = (BigInt(Math.abs(m)) * 5n ** 15n - 1n) / 2n;
    const even = n % 2n === 0n ? n : n + 1n;
    return (x < 0 ? -1 : 1) * Number(`${even}e-15`);
  }
  return Number(x.toFixed(15));
}

/** Python's float `%` by 360.0: the sign of the divisor. */
function mod360(angle: number): number {
  const r = angle % 360.0;
  return r === 0 ? 0 : r < 0 ? r + 360.0 : r;
}

/**
 * Transpose.ROTATE_90 (k = 1), ROTATE_180 (2), ROTATE_270 (3): counter-clockwise quarter turns, as the
 * nearest-neighbour affine map between pixel centres (half-integers, exact in doubles and in 16.16
 * fixed point, so each lands on its pixel: the transpose's permutation).
 */
function quarterTurns(img: Image, k: 1 | 2 | 3): Image {
  const { width: w, height: h } = img;
  // output (x, y) takes source (w-1-y, x) for k = 1, (w-1-x, h-1-y) for 2, (y, h-1-x) for 3
  const [size, m]: [[number, number], number[]] = k === 1 ? [[h, w], [0, -1, w, 1, 0, 0]] : k === 2 ? [[w, h], [-1, 0, w, 0, -1, h]] : [[h, w], [0, 1, 0, -1, 0, h]];
  return transform(img, size, m, 'nearest', new Uint8Array(img.channels));
}

/**
 * Image.rotate(angle, resample, expand, center, fillcolor=...): counter-clockwise by `angle` degrees
 * about `center` (pixels from the top left corner; the image's centre by default). Without a center,
 * 0, 180 and (expanded or square) 90 and 270 are copies and transposes, whatever the filter.
 */
export function pilRotate(img: Image, angle: number, filter: PilFilter, expand: boolean, center: readonly number[] | null, fill: Uint8Array): Image {
  if (typeof angle !== 'number') throw new TypeError('rotate: Argument angle should be int or float');
  angle = mod360(angle);
  // Python's `not (center or translate)`: an empty sequence is falsy too
  if (center === null || center.length === 0) {
    if (angle === 0) return new Image(img.width, img.height, img.mode, img.data.slice());
    if (angle === 180) return quarterTurns(img, 2);
    if ((angle === 90 || angle === 270) && (expand || img.width === img.height)) return quarterTurns(img, angle === 90 ? 1 : 3);
  }
  let w = img.width, h = img.height;
  const [cx, cy] = center === null || center.length === 0 ? [w / 2, h / 2] : [center[0]!, center[1]!];
  if (center !== null && (center.length !== 2 || typeof cx !== 'number' || typeof cy !== 'number')) throw new TypeError('rotate: Argument center should be a sequence of 2 numbers');
  const rad = -(angle * (Math.PI / 180));
  const m = [round15(cos(rad)), round15(sin(rad)), 0.0, round15(-sin(rad)), round15(cos(rad)), 0.0];
  const apply = (x: number, y: number): [number, number] => [m[0]! * x + m[1]! * y + m[2]!, m[3]! * x + m[4]! * y + m[5]!];
  [m[2], m[5]] = apply(-cx - 0, -cy - 0);
  m[2] = m[2]! + cx;
  m[5] = m[5]! + cy;
  if (expand) {
    const pts = [apply(0, 0), apply(w, 0), apply(w, h), apply(0, h)];
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    const nw = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
    const nh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
    [m[2], m[5]] = apply(-(nw - w) / 2.0, -(nh - h) / 2.0);
    w = nw;
    h = nh;
  }
  return pilAffine(img, [w, h], m, filter, fill);
}
