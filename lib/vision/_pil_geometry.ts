// PIL's geometric warps (Pillow 12.3: Image.rotate and Image.transform in Image.py, the transform
// engines of libImaging/Geometry.c) on a vision.Image, ported for torchvision's PIL path
// (_functional_pil.rotate / affine / perspective). Coordinates are C doubles (JS numbers); C's (int)
// casts truncate (cInt: INT_MIN out of range or NaN, as x86-64's cvttsd2si), the nearest-neighbour
// affine fast path runs in 16.16 fixed point on 32-bit ints, so every pixel comes out as PIL's.
import { Image } from './image.js';
import { cInt } from './_pil_draw.js';
import { cos, sin } from '../libm.js';

/** PIL's resampling filters a transform takes: Resampling.NEAREST, BILINEAR, BICUBIC. */
export type PilFilter = 'nearest' | 'bilinear' | 'bicubic';

/** Geometry.c's COORD: -1 below 0, else the (int) cast. */
const coord = (v: number): number => (v < 0.0 ? -1 : cInt(v));
/** Geometry.c's FLOOR: floor below 0, else the (int) cast. */
const floorC = (v: number): number => (v < 0.0 ? cInt(Math.floor(v)) : cInt(v));
/** C's (UINT8) cast of a double: through a 32-bit int, its low byte. */
const u8 = (v: number): number => cInt(v) & 0xff;

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

/** An image of the given size filled with one colour (Image.new with a fillcolor). */
function filled(width: number, height: number, mode: Image['mode'], fill: Uint8Array): Image {
  const ch = fill.length;
  const data = new Uint8Array(width * height * ch);
  for (let i = 0; i < data.length; i += ch) data.set(fill, i);
  return new Image(width, height, mode, data);
}

// ---- the filters (nearest_filter8/32, bilinear_filter8/32RGB, bicubic_filter8/32RGB) ---------------

type Filter = (src: Image, xin: number, yin: number, out: Uint8Array, o: number) => boolean;

const xclip = (x: number, size: number): number => (x < 0 ? 0 : x < size ? x : size - 1);

const nearestFilter: Filter = (src, xin, yin, out, o) => {
  const x = coord(xin), y = coord(yin);
  if (x < 0 || x >= src.width || y < 0 || y >= src.height) return false;
  const ch = src.channels, s = (y * src.width + x) * ch;
  for (let b = 0; b < ch; b++) out[o + b] = src.data[s + b]!;
  return true;
};

/**
 * BILINEAR_HEAD / BICUBIC_HEAD: null outside the image, else the pixel at or left of and above the
 * point (pixel centres at half-integers) and the fractions [x, y, dx, dy].
 */
function filterOrigin(src: Image, xin: number, yin: number): [number, number, number, number] | null {
  if (xin < 0.0 || xin >= src.width || yin < 0.0 || yin >= src.height) return null;
  xin -= 0.5;
  yin -= 0.5;
  const x = floorC(xin), y = floorC(yin);
  return [x, y, xin - x, yin - y];
}

const bilinearFilter: Filter = (src, xin, yin, out, o) => {
  const { width: w, height: h, data } = src, ch = src.channels;
  const origin = filterOrigin(src, xin, yin);
  if (origin === null) return false;
  const [x, y, dx, dy] = origin;
  const row0 = xclip(y, h) * w, x0 = xclip(x, w), x1 = xclip(x + 1, w);
  const hasRow1 = y + 1 >= 0 && y + 1 < h, row1 = (y + 1) * w;
  for (let b = 0; b < ch; b++) {
    let a = data[(row0 + x0) * ch + b]!, c = data[(row0 + x1) * ch + b]!;
    const v1 = a + (c - a) * dx;
    let v2 = v1;
    if (hasRow1) {
      a = data[(row1 + x0) * ch + b]!;
      c = data[(row1 + x1) * ch + b]!;
      v2 = a + (c - a) * dx;
    }
    out[o + b] = u8(v1 + (v2 - v1) * dy);
  }
  return true;
};

/** Geometry.c's BICUBIC macro (doubles; the first pass's differences are C ints, exact here too). */
function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  const p1 = v2;
  const p2 = -v1 + v3;
  const p3 = 2 * (v1 - v2) + v3 - v4;
  const p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

const bicubicFilter: Filter = (src, xin, yin, out, o) => {
  const { width: w, height: h, data } = src, ch = src.channels;
  const origin = filterOrigin(src, xin, yin);
  if (origin === null) return false;
  const [x0, y0, dx, dy] = origin;
  const x = x0 - 1, y = y0 - 1;
  // byte offsets of the four columns, and of the four rows (-1: past the image, the row above repeats)
  const c0 = xclip(x, w) * ch, c1 = xclip(x + 1, w) * ch, c2 = xclip(x + 2, w) * ch, c3 = xclip(x + 3, w) * ch;
  const rowOf = (r: number): number => (r >= 0 && r < h ? r * w * ch : -1);
  const r0 = xclip(y, h) * w * ch, r1 = rowOf(y + 1), r2 = rowOf(y + 2), r3 = rowOf(y + 3);
  const rowAt = (r: number, b: number): number => cubic(data[r + c0 + b]!, data[r + c1 + b]!, data[r + c2 + b]!, data[r + c3 + b]!, dx);
  for (let b = 0; b < ch; b++) {
    const v1 = rowAt(r0, b);
    const v2 = r1 >= 0 ? rowAt(r1, b) : v1;
    const v3 = r2 >= 0 ? rowAt(r2, b) : v2;
    const v4 = r3 >= 0 ? rowAt(r3, b) : v3;
    const v = cubic(v1, v2, v3, v4, dy);
    out[o + b] = v <= 0.0 ? 0 : v >= 255.0 ? 255 : u8(v);
  }
  return true;
};

const FILTERS: Record<PilFilter, Filter> = { nearest: nearestFilter, bilinear: bilinearFilter, bicubic: bicubicFilter };

// ---- the engines -------------------------------------------------------------------------------------

/**
 * ImagingGenericTransform with affine_transform (6 coefficients) or perspective_transform (8): each output
 * pixel's centre through the map, then the filter; misses keep the fill.
 */
function genericTransform(out: Image, src: Image, a: readonly number[], filter: Filter): void {
  const ch = src.channels;
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const perspective = a.length === 8, a6 = a[6] ?? 0, a7 = a[7] ?? 0;
  for (let y = 0; y < out.height; y++) {
    const yin = y + 0.5;
    for (let x = 0; x < out.width; x++) {
      const xin = x + 0.5;
      const o = (y * out.width + x) * ch;
      if (perspective) {
        filter(src, (a0 * xin + a1 * yin + a2) / (a6 * xin + a7 * yin + 1), (a3 * xin + a4 * yin + a5) / (a6 * xin + a7 * yin + 1), out.data, o);
      } else {
        filter(src, a0 * xin + a1 * yin + a2, a3 * xin + a4 * yin + a5, out.data, o);
      }
    }
  }
}

/** ImagingScaleAffine: nearest neighbour when the matrix has no rotation or shear (a[1] == a[3] == 0). */
function scaleAffine(out: Image, src: Image, a: readonly number[]): void {
  const ch = src.channels, ow = out.width;
  const xintab = new Int32Array(ow);
  let xo = a[2]! + a[0]! * 0.5, yo = a[5]! + a[4]! * 0.5;
  let xmin = ow, xmax = 0;
  for (let x = 0; x < ow; x++) {
    const xin = coord(xo);
    if (xin >= 0 && xin < src.width) {
      xmax = x + 1;
      if (x < xmin) xmin = x;
      xintab[x] = xin;
    }
    xo += a[0]!;
  }
  for (let y = 0; y < out.height; y++) {
    const yi = coord(yo);
    if (yi >= 0 && yi < src.height) {
      for (let x = xmin; x < xmax; x++) {
        const s = (yi * src.width + xintab[x]!) * ch, d = (y * ow + x) * ch;
        for (let b = 0; b < ch; b++) out.data[d + b] = src.data[s + b]!;
      }
    }
    yo += a[4]!;
  }
}

/** check_fixed: whether a corner maps inside what 16.16 fixed point holds. */
const checkFixed = (a: readonly number[], x: number, y: number): boolean =>
  Math.abs(x * a[0]! + y * a[1]! + a[2]!) < 32768.0 && Math.abs(x * a[3]! + y * a[4]! + a[5]!) < 32768.0;

/** affine_fixed: nearest neighbour in 16.16 fixed point (32-bit ints, arithmetic shifts). */
function affineFixed(out: Image, src: Image, a: readonly number[]): void {
  const fix = (v: number): number => floorC(v * 65536.0 + 0.5);
  const a0 = fix(a[0]!), a1 = fix(a[1]!), a3 = fix(a[3]!), a4 = fix(a[4]!);
  let a2 = fix(a[2]! + a[0]! * 0.5 + a[1]! * 0.5), a5 = fix(a[5]! + a[3]! * 0.5 + a[4]! * 0.5);
  const ch = src.channels, sw = src.width, sh = src.height;
  for (let y = 0; y < out.height; y++) {
    let xx = a2, yy = a5;
    for (let x = 0; x < out.width; x++) {
      const xin = xx >> 16;
      if (xin >= 0 && xin < sw) {
        const yin = yy >> 16;
        if (yin >= 0 && yin < sh) {
          const s = (yin * sw + xin) * ch, d = (y * out.width + x) * ch;
          for (let b = 0; b < ch; b++) out.data[d + b] = src.data[s + b]!;
        }
      }
      xx = (xx + a0) | 0;
      yy = (yy + a3) | 0;
    }
    a2 = (a2 + a1) | 0;
    a5 = (a5 + a4) | 0;
  }
}

/** ImagingTransformAffine's floating-point nearest path (corners beyond fixed point's range). */
function affineFloat(out: Image, src: Image, a: readonly number[]): void {
  const ch = src.channels, sw = src.width, sh = src.height;
  let xo = a[2]! + a[1]! * 0.5 + a[0]! * 0.5, yo = a[5]! + a[4]! * 0.5 + a[3]! * 0.5;
  for (let y = 0; y < out.height; y++) {
    let xx = xo, yy = yo;
    for (let x = 0; x < out.width; x++) {
      const xin = coord(xx);
      if (xin >= 0 && xin < sw) {
        const yin = coord(yy);
        if (yin >= 0 && yin < sh) {
          const s = (yin * sw + xin) * ch, d = (y * out.width + x) * ch;
          for (let b = 0; b < ch; b++) out.data[d + b] = src.data[s + b]!;
        }
      }
      xx += a[0]!;
      yy += a[3]!;
    }
    xo += a[1]!;
    yo += a[4]!;
  }
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
  const a = data.slice(0, 6);
  const out = filled(size[0], size[1], img.mode, fill);
  if (filter !== 'nearest') genericTransform(out, img, a, FILTERS[filter]);
  else if (a[1] === 0 && a[3] === 0) scaleAffine(out, img, a);
  else {
    const [w, h] = size;
    if (checkFixed(a, 0, 0) && checkFixed(a, w, h) && checkFixed(a, 0, h) && checkFixed(a, w, 0)) affineFixed(out, img, a);
    else affineFloat(out, img, a);
  }
  return out;
}

/**
 * Image.transform(size, Image.PERSPECTIVE, data, resample, fillcolor=...): each output pixel centre
 * (x, y) to ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1)).
 */
export function pilPerspective(img: Image, size: readonly [number, number], data: readonly number[], filter: PilFilter, fill: Uint8Array): Image {
  checkMatrix('perspective', data, 8);
  checkSize('perspective', size[0], size[1]);
  const out = filled(size[0], size[1], img.mode, fill);
  genericTransform(out, img, data.slice(0, 8), FILTERS[filter]);
  return out;
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

/** Transpose.ROTATE_90 (k = 1), ROTATE_180 (2), ROTATE_270 (3): counter-clockwise quarter turns. */
function quarterTurns(img: Image, k: 1 | 2 | 3): Image {
  const { width: w, height: h, data } = img, ch = img.channels;
  const [ow, oh] = k === 2 ? [w, h] : [h, w];
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // the source pixel of output (x, y)
      const [sx, sy] = k === 1 ? [w - 1 - y, x] : k === 2 ? [w - 1 - x, h - 1 - y] : [y, h - 1 - x];
      const s = (sy * w + sx) * ch, d = (y * ow + x) * ch;
      for (let b = 0; b < ch; b++) out[d + b] = data[s + b]!;
    }
  }
  return new Image(ow, oh, img.mode, out);
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
