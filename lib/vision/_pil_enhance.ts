// PIL's colour adjustments (Pillow 12.3) on a vision.Image, ported for the PIL path of torchvision's
// transforms (_functional_pil.py): ImageEnhance's Brightness, Contrast, Color and Sharpness (each an
// Image.blend of a degenerate image with the image, libImaging/Blend.c), the SMOOTH filter behind
// Sharpness (libImaging/Filter.c), the RGB <-> HSV conversions behind adjust_hue (libImaging/Convert.c),
// ImageOps.autocontrast and the lookup tables of adjust_gamma (Image.point, CLIP8'd). Where the C code
// computes in 32-bit floats, every step goes through Math.fround; where it computes in doubles (a float
// promoted by a double constant) it stays a JS number; C's integer casts truncate. So every pixel comes
// out as Pillow makes it.
import { Image } from './image.js';
import { pow } from '../libm.js';

const f32 = Math.fround;

/** PIL's CLIP8 of an integer. */
function clip8(v: number): number {
  return v <= 0 ? 0 : v < 256 ? v : 255;
}

/** Filter.c's clip8 of a float: clipped, then truncated. */
function clip8f(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

function sameShape(img: Image, data: Uint8Array): Image {
  return new Image(img.width, img.height, img.mode, data);
}

/**
 * ImagingBlend(im1, im2, alpha): im1 + alpha * (im2 - im1) in float, truncated to uint8 (clipped when
 * alpha is outside [0, 1]); alpha is the C float that Python's double becomes.
 */
function blend(in1: Uint8Array, in2: Uint8Array, factor: number): Uint8Array {
  const alpha = f32(factor);
  if (alpha === 0) return in1.slice();
  if (alpha === 1) return in2.slice();
  const out = new Uint8Array(in1.length);
  const inside = alpha >= 0 && alpha <= 1;
  for (let i = 0; i < in1.length; i++) {
    const a = in1[i]!;
    const v = f32(a + f32(alpha * (in2[i]! - a)));
    out[i] = inside ? Math.trunc(v) : clip8f(v);
  }
  return out;
}

/** A blend factor as Python's float: a finite number (PIL itself takes any float). */
function checkBlendFactor(factor: number, fn: string, name: string): void {
  if (typeof factor !== 'number' || !Number.isFinite(factor)) throw new RangeError(`${fn}: ${name} should be a finite number, got ${String(factor)}`);
}

/** ImageEnhance.Brightness(img).enhance(factor): a blend with black. */
export function pilBrightness(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustBrightness', 'brightness_factor');
  return sameShape(img, blend(new Uint8Array(img.data.length), img.data, factor));
}

/** ImageStat's mean of the 'L' image, rounded as ImageEnhance.Contrast does: int(mean + 0.5). */
function contrastMean(gray: Uint8Array): number {
  if (gray.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < gray.length; i++) sum += gray[i]!;
  return Math.trunc(sum / gray.length + 0.5);
}

/** ImageEnhance.Contrast(img).enhance(factor): a blend with the rounded mean of the luma. */
export function pilContrast(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustContrast', 'contrast_factor');
  const mean = contrastMean(img.mode === 'L' ? img.data : img.convert('L').data);
  return sameShape(img, blend(new Uint8Array(img.data.length).fill(mean), img.data, factor));
}

/** ImageEnhance.Color(img).enhance(factor): a blend with the luma (convert('L').convert(mode)). */
export function pilColor(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustSaturation', 'saturation_factor');
  if (img.mode === 'L') return sameShape(img, img.data.slice());  // its luma is itself: the blend gives it back, whatever the factor
  return sameShape(img, blend(img.convert('L').convert('RGB').data, img.data, factor));
}

/**
 * ImageFilter.SMOOTH (3x3 kernel 1 1 1 / 1 5 1 / 1 1 1, scale 13) as ImagingFilter3x3 applies it: the
 * kernel in floats, a float accumulator starting at 0.5, the border rows and columns copied; images
 * narrower or shorter than 3 are copied.
 */
function smooth(img: Image): Uint8Array {
  const { width: w, height: h } = img;
  const c = img.channels;
  const src = img.data;
  const out = src.slice();
  if (w < 3 || h < 3) return out;
  const k = f32(1 / 13), k5 = f32(5 / 13);
  const row3 = (i: number, mid: number): number => f32(f32(f32(src[i - c]! * k) + f32(src[i]! * mid)) + f32(src[i + c]! * k));
  const stride = w * c;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let ch = 0; ch < c; ch++) {
        const i = y * stride + x * c + ch;
        let ss = 0.5;
        ss = f32(ss + row3(i + stride, k));
        ss = f32(ss + row3(i, k5));
        ss = f32(ss + row3(i - stride, k));
        out[i] = clip8f(ss);
      }
    }
  }
  return out;
}

/** ImageEnhance.Sharpness(img).enhance(factor): a blend with the SMOOTH-filtered image. */
export function pilSharpness(img: Image, factor: number): Image {
  checkBlendFactor(factor, 'adjustSharpness', 'sharpness_factor');
  return sameShape(img, blend(smooth(img), img.data, factor));
}

/** Convert.c's rgb2hsv_row: hue and saturation scaled to 0..255 (truncated), value the maximum. */
function rgbToHsv(r: number, g: number, b: number, out: Uint8Array, o: number): void {
  const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
  out[o + 2] = maxc;
  if (maxc === minc) {
    out[o] = 0;
    out[o + 1] = 0;
    return;
  }
  const cr = maxc - minc;
  const s = f32(cr / maxc);
  const rc = f32((maxc - r) / cr), gc = f32((maxc - g) / cr), bc = f32((maxc - b) / cr);
  let h: number;
  if (r === maxc) h = f32(bc - gc);
  else if (g === maxc) h = f32(2.0 + rc - bc); // computed in double (2.0), stored in a float
  else h = f32(4.0 + gc - rc);
  h = f32((h / 6.0 + 1.0) % 1.0);
  out[o] = clip8(Math.trunc(h * 255.0));
  out[o + 1] = clip8(Math.trunc(s * 255.0));
}

/** Convert.c's hsv2rgb for one pixel, into out[o..o+2]. */
function hsvToRgb(h: number, s: number, v: number, out: Uint8Array, o: number): void {
  if (s === 0) {
    out[o] = out[o + 1] = out[o + 2] = v;
    return;
  }
  const i = Math.floor((h * 6.0) / 255.0);
  const f = f32((h * 6.0) / 255.0 - i);
  const fs = f32(s / 255.0);
  // C's round(): half away from zero; every argument here is >= 0, where Math.round agrees.
  const p = clip8(Math.round(v * (1.0 - fs)));
  const q = clip8(Math.round(v * (1.0 - f32(fs * f))));
  const t = clip8(Math.round(v * (1.0 - fs * (1.0 - f))));
  let rgb: [number, number, number];
  switch (i % 6) {
    case 0: rgb = [v, t, p]; break;
    case 1: rgb = [q, v, p]; break;
    case 2: rgb = [p, v, t]; break;
    case 3: rgb = [p, q, v]; break;
    case 4: rgb = [t, p, v]; break;
    default: rgb = [v, p, q]; break;
  }
  out[o] = rgb[0];
  out[o + 1] = rgb[1];
  out[o + 2] = rgb[2];
}

/**
 * torchvision's PIL adjust_hue: convert('HSV'), the hue band shifted by uint8(int32(hueFactor * 255))
 * with uint8 wrap-around, converted back. An 'L' image is returned as it is.
 */
export function pilHue(img: Image, hueFactor: number): Image {
  if (img.mode === 'L') return img;
  const shift = ((Math.trunc(hueFactor * 255) % 256) + 256) % 256;
  const src = img.data;
  const out = new Uint8Array(src.length);
  const hsv = new Uint8Array(3);
  for (let o = 0; o < src.length; o += 3) {
    rgbToHsv(src[o]!, src[o + 1]!, src[o + 2]!, hsv, 0);
    hsvToRgb((hsv[0]! + shift) & 255, hsv[1]!, hsv[2]!, out, o);
  }
  return sameShape(img, out);
}

function applyLut(img: Image, luts: readonly Uint8Array[]): Image {
  const c = img.channels;
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = luts[luts.length === 1 ? 0 : i % c]![src[i]!]!;
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
  const src = img.data;
  const luts: Uint8Array[] = [];
  for (let band = 0; band < c; band++) {
    const hist = new Float64Array(256);
    for (let i = band; i < src.length; i += c) hist[src[i]!]!++;
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
