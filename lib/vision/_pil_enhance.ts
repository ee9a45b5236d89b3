// PIL's colour adjustments (Pillow 12.3) on a vision.Image, ported for the PIL path of torchvision's
// transforms (_functional_pil.py): ImageEnhance's Brightness, Contrast, Color and Sharpness (each an
// Image.blend of a degenerate image with the image), the SMOOTH filter behind Sharpness, the RGB <-> HSV
// conversions behind adjust_hue, ImageOps.autocontrast and the lookup tables of adjust_gamma
// (Image.point, CLIP8'd). The per-pixel loops of Blend.c, Filter.c, Point.c, Histo.c and Convert.c's L
// and HSV conversions are the addon's (native/src/pil_enhance.cc, which documents their arithmetic); the
// parameters and tables are computed here. Where the C code computes in 32-bit floats, every step goes through Math.fround;
// where it computes in doubles (a float promoted by a double constant) it stays a JS number; C's integer
// casts truncate. So every pixel comes out as Pillow makes it.
import { Image } from './image.js';
import { pow } from '../libm.js';
import { native } from '../native.js';

/** The addon's kernels (native/src/pil_enhance.cc): outputs allocated here, every length checked there. */
const kernels = native as unknown as {
  pilBlend(im1: Uint8Array, im2: Uint8Array, out: Uint8Array, alpha: number): void;
  pilFilter3x3(src: Uint8Array, out: Uint8Array, width: number, height: number, channels: number, kernel: Float32Array, offset: number): void;
  pilPoint(src: Uint8Array, out: Uint8Array, lut: Uint8Array, bands: number): void;
  pilHistogram(src: Uint8Array, hist: Float64Array, bands: number): void;
  pilLuma(src: Uint8Array, out: Uint8Array): number;
  pilHueShift(src: Uint8Array, out: Uint8Array, shift: number): void;
};

const f32 = Math.fround;

/** PIL's CLIP8 of an integer. */
function clip8(v: number): number {
  return v <= 0 ? 0 : v < 256 ? v : 255;
}

function sameShape(img: Image, data: Uint8Array): Image {
  return new Image(img.width, img.height, img.mode, data);
}

/**
 * ImagingBlend(im1, im2, alpha): im1 + alpha * (im2 - im1) in float, truncated to uint8 (clipped when
 * alpha is outside [0, 1]); alpha is the C float that Python's double becomes. Alpha 0 or 1 is a copy.
 * im1 is an image, or a level: the degenerate image of that level everywhere.
 */
function blend(in1: Uint8Array | number, in2: Uint8Array, factor: number): Uint8Array {
  const alpha = f32(factor);
  if (alpha === 0) return typeof in1 === 'number' ? new Uint8Array(in2.length).fill(in1) : in1.slice();
  if (alpha === 1) return in2.slice();
  const out = new Uint8Array(in2.length);
  kernels.pilBlend(typeof in1 === 'number' ? Uint8Array.of(in1) : in1, in2, out, factor);
  return out;
}

/** A blend factor as Python's float: a finite number (PIL itself takes any float). */
function checkBlendFactor(factor: number, fn: string, name: string): void {
  if (typeof factor !== 'number' || !Number.isFinite(factor)) throw new RangeError(`${fn}: ${name} should be a finite number, got ${String(factor)}`);
}

/** ImageEnhance.Brightness(img).enhance(factor): a blend with black. */
export function pilBrightness(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustBrightness', 'brightness_factor');
  return sameShape(img, blend(0, img.data, factor));
}

/** The sum of the 'L' image's levels: its luma (convert('L')) for an RGB image. */
function lumaSum(img: Image): number {
  if (img.mode === 'RGB') return kernels.pilLuma(img.data, new Uint8Array(img.width * img.height));
  let sum = 0;
  for (let i = 0; i < img.data.length; i++) sum += img.data[i]!;
  return sum;
}

/** ImageEnhance.Contrast(img).enhance(factor): a blend with ImageStat's mean of the luma, int(mean + 0.5). */
export function pilContrast(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustContrast', 'contrast_factor');
  const pixels = img.width * img.height;
  const mean = pixels === 0 ? 0 : Math.trunc(lumaSum(img) / pixels + 0.5);
  return sameShape(img, blend(mean, img.data, factor));
}

/** ImageEnhance.Color(img).enhance(factor): a blend with the luma (convert('L').convert(mode)). */
export function pilColor(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustSaturation', 'saturation_factor');
  if (img.mode === 'L') return sameShape(img, img.data.slice());  // its luma is itself: the blend gives it back, whatever the factor
  const gray = new Uint8Array(img.data.length);
  kernels.pilLuma(img.data, gray);
  return sameShape(img, blend(gray, img.data, factor));
}

/** ImageFilter.SMOOTH (3x3 kernel 1 1 1 / 1 5 1 / 1 1 1, scale 13, offset 0): weights k / 13 as C floats. */
const SMOOTH = new Float32Array([1 / 13, 1 / 13, 1 / 13, 1 / 13, 5 / 13, 1 / 13, 1 / 13, 1 / 13, 1 / 13]);

/** The SMOOTH-filtered image, as ImagingFilter3x3 makes it (the accumulator starts at offset + 0.5). */
function smooth(img: Image): Uint8Array {
  const out = new Uint8Array(img.data.length);
  kernels.pilFilter3x3(img.data, out, img.width, img.height, img.channels, SMOOTH, 0.5);
  return out;
}

/** ImageEnhance.Sharpness(img).enhance(factor): a blend with the SMOOTH-filtered image. */
export function pilSharpness(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustSharpness', 'sharpness_factor');
  return sameShape(img, blend(smooth(img), img.data, factor));
}

/**
 * torchvision's PIL adjust_hue: convert('HSV'), the hue band shifted by uint8(int32(hueFactor * 255))
 * with uint8 wrap-around, converted back. An 'L' image is returned as it is.
 */
export function pilHue(img: Image, hueFactor: number): Image {
  if (img.mode === 'L') return img;
  const shift = ((Math.trunc(hueFactor * 255) % 256) + 256) % 256;
  const out = new Uint8Array(img.data.length);
  kernels.pilHueShift(img.data, out, shift);
  return sameShape(img, out);
}

/** Image.point with a table per band (one table for every band when given one). */
function applyLut(img: Image, luts: readonly Uint8Array[]): Image {
  const c = img.channels;
  const table = new Uint8Array(256 * c);
  for (let b = 0; b < c; b++) table.set(luts[luts.length === 1 ? 0 : b]!, 256 * b);
  const out = new Uint8Array(img.data.length);
  kernels.pilPoint(img.data, out, table, c);
  return sameShape(img, out);
}

/**
 * torchvision's PIL adjust_gamma: the table int(255.999 * gain * (v / 255) ** gamma) for every level,
 * CLIP8'd by Image.point (the image goes through RGB and back, which leaves an 'L' image's levels alone).
 */
export function pilGamma(img: Image, gamma: number, gain: number): Image {
  if (!Number.isFinite(gain)) throw new RangeError(`adjustGamma: gain should be a finite number, got ${String(gain)}`);
  const lut = new Uint8Array(256);
  // Python's pow (glibc's, not V8's), and Image.point's table of C ints: an entry of 2^31 or more wraps before CLIP8
  for (let v = 0; v < 256; v++) lut[v] = clip8(Math.trunc((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) | 0);
  return applyLut(img, [lut]);
}

/** ImageOps.solarize(img, threshold): every level at or above the threshold inverted, by a table. */
export function pilSolarize(img: Image, threshold: number): Image {
  if (typeof threshold !== 'number') throw new TypeError(`solarize: threshold must be a number, got ${typeof threshold}`);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v < threshold ? v : 255 - v;
  return applyLut(img, [lut]);
}

/** ImageOps.autocontrast(img) (no cutoff): per band, the levels lo..hi stretched to 0..255 by a table. */
export function pilAutocontrast(img: Image): Image {
  const c = img.channels;
  const hists = new Float64Array(256 * c);
  kernels.pilHistogram(img.data, hists, c);
  const luts: Uint8Array[] = [];
  for (let band = 0; band < c; band++) {
    const hist = hists.subarray(256 * band, 256 * band + 256);
    let lo = 0;
    while (lo < 255 && hist[lo] === 0) lo++;
    let hi = 255;
    while (hi > 0 && hist[hi] === 0) hi--;
    const lut = new Uint8Array(256);
    if (hi <= lo) {
      for (let v = 0; v < 256; v++) lut[v] = v;
    } else {
      const scale = 255.0 / (hi - lo);
      const offset = -lo * scale;
      for (let v = 0; v < 256; v++) lut[v] = clip8(Math.trunc(v * scale + offset));
    }
    luts.push(lut);
  }
  return applyLut(img, luts);
}
