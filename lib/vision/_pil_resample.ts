// PIL's Image.resize (Pillow 12.3) on 8-bit pixels, ported for vision.Image so that torchvision's
// PIL path (img.resize((w, h), resample), reducing_gap=None) comes out pixel for pixel:
//  - a size equal to the image's is a copy (_imaging.c's crop shortcut);
//  - NEAREST is an affine scale (Geometry.c's ImagingScaleAffine, native pilTransform with the matrix
//    [w/outW, 0, 0, 0, h/outH, 0] and a zero fill);
//  - the other filters are Resample.c's two separable passes (horizontal first, over the source rows
//    the vertical pass will read, then vertical): the filter's weights normalised here in doubles and
//    then rounded to 22-bit fixed point (precompute_coeffs, normalize_coeffs_8bpc), the sums in the
//    addon (native/src/pil_geometry.cc's pilResampleHorizontal / pilResampleVertical).
// Doubles are C's doubles; the box is C floats (integers here, so exact).
import { native } from '../native.js';

// native/src/pil_geometry.cc's loops, over buffers allocated here
const kernels = native as unknown as {
  pilResampleHorizontal(src: Uint8Array, width: number, height: number, channels: number, firstRow: number, out: Uint8Array, outWidth: number, outHeight: number, bounds: Int32Array, kk: Int32Array, ksize: number): void;
  pilResampleVertical(src: Uint8Array, width: number, height: number, channels: number, shift: number, out: Uint8Array, outHeight: number, bounds: Int32Array, kk: Int32Array, ksize: number): void;
  pilTransform(src: Uint8Array, width: number, height: number, channels: number, out: Uint8Array, outWidth: number, outHeight: number, coefficients: Float64Array, filter: number, fill: Uint8Array): void;
};

/** PIL's resampling filters, by torchvision's InterpolationMode names. */
export type PilFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

/** An 8-bit image: rows of `width` pixels, `channels` interleaved bands (1 for 'L', 3 for 'RGB'). */
export interface Pixels { readonly data: Uint8Array; readonly width: number; readonly height: number; readonly channels: number }

interface Filter { readonly weight: (x: number) => number; readonly support: number }

const HAMMING_A = Math.fround(0.54), HAMMING_B = Math.fround(0.46);  // C's 0.54f, 0.46f

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const FILTERS: Record<Exclude<PilFilter, 'nearest'>, Filter> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => { const a = Math.abs(x); return a < 1 ? 1 - a : 0; } },
  hamming: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      return Math.sin(px) / px * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = Math.abs(x), A = -0.5;
      if (a < 1) return ((A + 2) * a - (A + 3)) * a * a + 1;
      if (a < 2) return (((a - 5) * a + 8) * a - 4) * A;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;

/** One axis' taps: for output i, the first source index bounds[2i], their count bounds[2i+1], and the fixed-point weights at kk[i * ksize]. */
interface Taps { readonly ksize: number; readonly bounds: Int32Array; readonly kk: Int32Array }

/** precompute_coeffs followed by normalize_coeffs_8bpc, for source [in0, in1) of inSize onto outSize. */
function taps(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Taps {
  const scale = Math.fround(in1 - in0) / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = filter.weight((x + xmin - center + 0.5) * ss);
      ww += w[x]!;
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x]! / ww : w[x]!;
      kk[xx * ksize + x] = Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

/** ImagingResampleHorizontal_8bpc: rows offset..offset+rows of src, each row resampled to outW. */
function horizontal(src: Pixels, outW: number, offset: number, rows: number, t: Taps): Pixels {
  const out = new Uint8Array(outW * rows * src.channels);
  kernels.pilResampleHorizontal(src.data, src.width, src.height, src.channels, offset, out, outW, rows, t.bounds, t.kk, t.ksize);
  return { data: out, width: outW, height: rows, channels: src.channels };
}

/** ImagingResampleVertical_8bpc: each column of src (the source's rows from `shift` on) resampled to outH rows. */
function vertical(src: Pixels, outH: number, t: Taps, shift: number): Pixels {
  const out = new Uint8Array(src.width * outH * src.channels);
  kernels.pilResampleVertical(src.data, src.width, src.height, src.channels, shift, out, outH, t.bounds, t.kk, t.ksize);
  return { data: out, width: src.width, height: outH, channels: src.channels };
}

/** ImagingResampleInner over the whole image: the passes that change a size, horizontal first. */
function resample(src: Pixels, outW: number, outH: number, filter: Filter): Pixels {
  const vert = taps(src.height, 0, src.height, outH, filter);
  const first = vert.bounds[0]!;
  const last = vert.bounds[2 * outH - 2]! + vert.bounds[2 * outH - 1]!;
  let img = src, shift = 0;
  if (outW !== src.width) {
    img = horizontal(src, outW, first, last - first, taps(src.width, 0, src.width, outW, filter));
    shift = first;
  }
  if (outH !== src.height) img = vertical(img, outH, vert, shift);
  return img;
}

/** ImagingScaleAffine as resize uses it (a = [w/outW, 0, 0, 0, h/outH, 0], zero fill). */
function nearest(src: Pixels, outW: number, outH: number): Pixels {
  const { channels: c, width: inW, height: inH } = src;
  const out = new Uint8Array(outW * outH * c);
  kernels.pilTransform(src.data, inW, inH, c, out, outW, outH, Float64Array.of(inW / outW, 0, 0, 0, inH / outH, 0), 0, new Uint8Array(c));
  return { data: out, width: outW, height: outH, channels: c };
}

/** PIL's `Image.resize((outW, outH), filter)` (no box, no reducing gap) on 8-bit pixels: the new pixels. */
export function pilResize(src: Pixels, outW: number, outH: number, filter: PilFilter): Uint8Array {
  if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1) throw new RangeError(`resize: height and width must be > 0, got ${outW}x${outH}`);
  if (src.width < 1) throw new RangeError(`resize: height and width must be > 0 (PIL refuses to resize an image ${src.width} pixels wide)`);
  if (src.height < 1) return new Uint8Array(outW * outH * src.channels);  // PIL gives a black image for one 0 pixels high
  if (outW === src.width && outH === src.height) return src.data.slice();
  const f = filter === 'nearest' ? undefined : FILTERS[filter];
  if (filter !== 'nearest' && f === undefined) throw new RangeError(`resize: unsupported resampling filter ${String(filter)}`);
  const resize = (img: Pixels, w: number, h: number): Pixels => (filter === 'nearest' ? nearest(img, w, h) : resample(img, w, h, f!));
  // Image.resize shrinks an image over 100 times taller than wide in two resizes, the height first
  if (src.height > src.width * 100 && outH < src.height) return resize(resize(src, src.width, outH), outW, outH).data;
  return resize(src, outW, outH).data;
}
