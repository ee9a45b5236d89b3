// The colour adjustments of a vision.Image against torchvision 0.28's PIL path on Pillow 12.3
// (test/fixtures/pil-enhance.json, made by scripts/make-pil-enhance-fixtures.py): adjust_brightness,
// contrast, saturation, sharpness, hue, gamma and autocontrast bit for bit on L and RGB images; the v1
// and v2 colour classes and the automatic augmentations (seeds whose drawn operations are all colour
// operations) on PIL images, with the torch RNG where Python leaves it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { native } from '../lib/native.js';
import { randNext } from './v2-out.js';

const T = vision.transforms;
const v2 = vision.transforms.v2;
const F = vision.transforms.functional;

interface ImageEnc { mode: 'L' | 'RGB'; width: number; height: number; data: string }
interface Case { fn: string; image: string; args: number[]; out: ImageEnc }
interface Replay { src: string; image: string; seed: number; calls: number; outs: ImageEnc[]; next: number[]; ops?: string[][] | null }
const fx = JSON.parse(readFileSync(new URL('./fixtures/pil-enhance.json', import.meta.url), 'utf8')) as {
  images: Record<string, ImageEnc>; functional: Case[]; classes: Replay[]; auto: Replay[];
};

const decode = (e: ImageEnc): vision.Image => new vision.Image(e.width, e.height, e.mode, new Uint8Array(Buffer.from(e.data, 'base64')));
const image = (name: string): vision.Image => decode(fx.images[name]!);

function expectImage(actual: unknown, exp: ImageEnc, what: string): void {
  expect(actual, what).toBeInstanceOf(vision.Image);
  const img = actual as vision.Image;
  expect([img.mode, img.width, img.height], what).toEqual([exp.mode, exp.width, exp.height]);
  const want = Buffer.from(exp.data, 'base64');
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(img.data[i]! - want[i]!));
  expect(worst, `${what}: largest pixel difference`).toBe(0);
}

const FUNCTIONAL: Record<string, (img: vision.Image, ...args: number[]) => vision.Image> = {
  adjust_brightness: (img, f) => F.adjustBrightness(img, f!),
  adjust_contrast: (img, f) => F.adjustContrast(img, f!),
  adjust_saturation: (img, f) => F.adjustSaturation(img, f!),
  adjust_sharpness: (img, f) => F.adjustSharpness(img, f!),
  adjust_hue: (img, f) => F.adjustHue(img, f!),
  adjust_gamma: (img, g, gain) => F.adjustGamma(img, g!, gain!),
  autocontrast: (img) => F.autocontrast(img),
};

type Callable = { call(x: unknown): unknown };
const CLASSES: Record<string, () => Callable> = {
  'T.ColorJitter(0.4, 0.4, 0.4, 0.1)': () => new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
  'T.ColorJitter(brightness=(0.2, 2.0), contrast=0.8, saturation=(0.0, 3.0), hue=0.5)': () => new T.ColorJitter({ brightness: [0.2, 2.0], contrast: 0.8, saturation: [0.0, 3.0], hue: 0.5 }),
  'T.ColorJitter(0.5, 0.5, 0.5, 0.2)': () => new T.ColorJitter(0.5, 0.5, 0.5, 0.2),
  'T.RandomAutocontrast()': () => new T.RandomAutocontrast(),
  'T.RandomAutocontrast(p=1.0)': () => new T.RandomAutocontrast({ p: 1.0 }),
  'T.RandomAdjustSharpness(2.0)': () => new T.RandomAdjustSharpness(2.0),
  'T.RandomAdjustSharpness(0.1, p=1.0)': () => new T.RandomAdjustSharpness(0.1, { p: 1.0 }),
  'v2.ColorJitter(0.4, 0.4, 0.4, 0.1)': () => new v2.ColorJitter(0.4, 0.4, 0.4, 0.1),
  'v2.ColorJitter(brightness=(0.2, 2.0), contrast=0.8, saturation=(0.0, 3.0), hue=0.5)': () => new v2.ColorJitter({ brightness: [0.2, 2.0], contrast: 0.8, saturation: [0.0, 3.0], hue: 0.5 }),
  'v2.RandomAutocontrast()': () => new v2.RandomAutocontrast(),
  'v2.RandomAdjustSharpness(3.0)': () => new v2.RandomAdjustSharpness(3.0),
  'v2.RandomPhotometricDistort(p=1.0)': () => new v2.RandomPhotometricDistort({ p: 1.0 }),
  'v2.RandomPhotometricDistort()': () => new v2.RandomPhotometricDistort(),
  'v2.RandomPhotometricDistort(p=0.8)': () => new v2.RandomPhotometricDistort({ p: 0.8 }),
  'v2.Compose([v2.ColorJitter(0.3, 0.3, 0.3, 0.05), v2.RandomAutocontrast(0.5), v2.RandomAdjustSharpness(1.5, 0.5)])': () =>
    new v2.Compose([new v2.ColorJitter(0.3, 0.3, 0.3, 0.05), new v2.RandomAutocontrast(0.5), new v2.RandomAdjustSharpness(1.5, 0.5)]),
  'T.AutoAugment(T.AutoAugmentPolicy.IMAGENET)': () => new T.AutoAugment(T.AutoAugmentPolicy.IMAGENET),
  'T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)': () => new T.AutoAugment(T.AutoAugmentPolicy.CIFAR10),
  'T.AutoAugment(T.AutoAugmentPolicy.SVHN)': () => new T.AutoAugment(T.AutoAugmentPolicy.SVHN),
  'T.RandAugment()': () => new T.RandAugment(),
  'T.RandAugment(num_ops=3, magnitude=15)': () => new T.RandAugment({ numOps: 3, magnitude: 15 }),
  'T.TrivialAugmentWide()': () => new T.TrivialAugmentWide(),
  'v2.AutoAugment(v2.AutoAugmentPolicy.IMAGENET)': () => new v2.AutoAugment(v2.AutoAugmentPolicy.IMAGENET),
  'v2.AutoAugment(v2.AutoAugmentPolicy.CIFAR10)': () => new v2.AutoAugment(v2.AutoAugmentPolicy.CIFAR10),
  'v2.AutoAugment(v2.AutoAugmentPolicy.SVHN)': () => new v2.AutoAugment(v2.AutoAugmentPolicy.SVHN),
  'v2.RandAugment()': () => new v2.RandAugment(),
  'v2.RandAugment(num_ops=3, magnitude=15)': () => new v2.RandAugment({ numOps: 3, magnitude: 15 }),
  'v2.TrivialAugmentWide()': () => new v2.TrivialAugmentWide(),
  'T.AugMix()': () => new T.AugMix(),
  'v2.AugMix(severity=5, mixture_width=2)': () => new v2.AugMix({ severity: 5, mixtureWidth: 2 }),
};

function replay(c: Replay): void {
  const make = CLASSES[c.src];
  expect(make, c.src).toBeDefined();
  const t = make!();
  torch.manualSeed(c.seed);
  c.outs.forEach((exp, n) => expectImage(t.call(image(c.image)), exp, `${c.src} on ${c.image}, seed ${c.seed}, call ${n}`));
  expect(randNext(3), `${c.src}: the RNG after`).toEqual(c.next);
}

describe('colour adjustments of a vision.Image: PIL bit for bit', () => {
  it(`the functionals on L and RGB images (${fx.functional.length} cases)`, () => {
    for (const c of fx.functional) {
      expectImage(FUNCTIONAL[c.fn]!(image(c.image), ...c.args), c.out, `${c.fn}(${c.image}, ${c.args.join(', ')})`);
    }
  });

  it('v2.functional routes a vision.Image to the same PIL port', () => {
    const img = image('rgb');
    const cases: [unknown, unknown][] = [
      [v2.functional.adjustBrightness(img, 1.7), F.adjustBrightness(img, 1.7)],
      [v2.functional.adjustContrast(img, 0.3), F.adjustContrast(img, 0.3)],
      [v2.functional.adjustSaturation(img, 5), F.adjustSaturation(img, 5)],
      [v2.functional.adjustSharpness(img, 1.7), F.adjustSharpness(img, 1.7)],
      [v2.functional.adjustHue(img, 0.25), F.adjustHue(img, 0.25)],
      [v2.functional.adjustGamma(img, 2.2), F.adjustGamma(img, 2.2)],
      [v2.functional.autocontrast(img), F.autocontrast(img)],
    ];
    for (const [a, b] of cases) expect((a as vision.Image).data).toEqual((b as vision.Image).data);
  });

  it(`the v1 and v2 colour classes on PIL images (${fx.classes.length} cases), the RNG where Python leaves it`, () => {
    for (const c of fx.classes) replay(c);
  });

  it(`the automatic augmentations' colour operations on PIL images (${fx.auto.length} cases)`, () => {
    for (const c of fx.auto) replay(c);
  });

  it('an L image keeps its hue; bad factors are JS errors; the image is not changed', () => {
    const gray = image('gray');
    expect(F.adjustHue(gray, 0.3).data).toEqual(gray.data);
    const rgb = image('rgb');
    const before = rgb.data.slice();
    expect(() => F.adjustBrightness(rgb, Number.NaN)).toThrow(RangeError);
    expect(() => F.adjustContrast(rgb, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => F.adjustSharpness(rgb, Number.NaN)).toThrow(RangeError);
    expect(() => F.adjustHue(rgb, 0.6)).toThrow(RangeError);
    expect(() => F.adjustGamma(rgb, -1)).toThrow(RangeError);
    expect(() => F.adjustGamma(rgb, 1, Number.NaN)).toThrow(RangeError);
    F.adjustSaturation(rgb, 3);
    F.autocontrast(rgb);
    expect(rgb.data).toEqual(before);
  });

  it('an empty image passes through every adjustment', () => {
    const empty = new vision.Image(0, 3, 'RGB');
    for (const fn of Object.values(FUNCTIONAL)) expect((fn(empty, 0.5, 1) as vision.Image).size).toEqual([0, 3]);
  });

  it('no tensors are left behind', () => {
    const img = image('rgb');
    const before = torch.nativeStats().tensors;
    for (let i = 0; i < 5; i++) for (const c of fx.functional.slice(0, 40)) FUNCTIONAL[c.fn]!(img, ...c.args);
    expect(torch.nativeStats().tensors).toBe(before);
  });
});

describe("PIL's tables and blends at the edges of their arguments (values are Pillow 12.3's through torchvision 0.28)", () => {
  const F = vision.transforms.functional;
  const gray = (): vision.Image => new vision.Image(4, 1, 'L', Uint8Array.from([5, 42, 79, 116]));
  it('solarize of an Image is ImageOps.solarize for any threshold', () => {
    expect(Array.from(F.solarize(gray(), -1).data)).toEqual([250, 213, 176, 139]);
    expect(Array.from(F.solarize(gray(), Number.NaN).data)).toEqual([250, 213, 176, 139]);
    expect(Array.from(F.solarize(gray(), 256).data)).toEqual([5, 42, 79, 116]);
    expect(Array.from(F.solarize(gray(), 50.5).data)).toEqual([5, 42, 176, 139]);
  });
  it('a factor beyond the floats is infinite in the blend: inf * 0 is NaN, which Pillow clips to 0', () => {
    const L = (...v: number[]): vision.Image => new vision.Image(v.length, 1, 'L', Uint8Array.from(v));
    expect(Array.from(F.adjustBrightness(L(0, 10, 255), 1e39).data)).toEqual([0, 255, 255]);
    expect(Array.from(F.adjustContrast(L(7, 7), 1e39).data)).toEqual([0, 0]);
  });
  it("adjustGamma's table is C ints before CLIP8: a huge gain wraps", () => {
    expect(Array.from(F.adjustGamma(gray(), 1, 3e7).data)).toEqual([255, 255, 0, 0]);
  });
  it("adjustSaturation leaves an 'L' image as it is, whatever the factor", () => {
    expect(Array.from(F.adjustSaturation(gray(), 1e39).data)).toEqual([5, 42, 79, 116]);
    expect(Array.from(F.adjustSaturation(gray(), 0).data)).toEqual([5, 42, 79, 116]);
  });
});

describe('the native kernels behind the port (native/src/pil_enhance.cc) check their buffers', () => {
  const k = native as unknown as {
    pilBlend(im1: unknown, im2: unknown, out: unknown, alpha: unknown): void;
    pilFilter3x3(src: unknown, out: unknown, width: unknown, height: unknown, channels: unknown, kernel: unknown, offset: unknown): void;
    pilPoint(src: unknown, out: unknown, lut: unknown, bands: unknown): void;
    pilHistogram(src: unknown, hist: unknown, bands: unknown): void;
    pilLuma(src: unknown, out: unknown): number;
    pilHueShift(src: unknown, out: unknown, shift: unknown): void;
  };
  const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(7);
  const kernel = (n = 9): Float32Array => new Float32Array(n).fill(1 / 9);
  it('wrong lengths, dimensions and types are JS errors, and the output is left alone', () => {
    const out = bytes(12);
    const bad: [string, () => void][] = [
      ['blend: im2 short', () => k.pilBlend(bytes(12), bytes(11), out, 0.5)],
      ['blend: im1 neither one level nor an image', () => k.pilBlend(bytes(2), bytes(12), out, 0.5)],
      ['blend: out short', () => k.pilBlend(bytes(12), bytes(12), bytes(11), 0.5)],
      ['blend: out long', () => k.pilBlend(bytes(12), bytes(12), bytes(13), 0.5)],
      ['blend: not a Uint8Array', () => k.pilBlend(new Int8Array(12), bytes(12), out, 0.5)],
      ['blend: a plain array', () => k.pilBlend([1, 2], bytes(2), bytes(2), 0.5)],
      ['blend: alpha NaN', () => k.pilBlend(bytes(12), bytes(12), out, Number.NaN)],
      ['blend: alpha missing', () => k.pilBlend(bytes(12), bytes(12), out, undefined)],
      ['filter: src short', () => k.pilFilter3x3(bytes(11), out, 2, 2, 3, kernel(), 0.5)],
      ['filter: out short', () => k.pilFilter3x3(bytes(12), bytes(11), 2, 2, 3, kernel(), 0.5)],
      ['filter: size mismatch', () => k.pilFilter3x3(bytes(12), out, 4, 4, 1, kernel(), 0.5)],
      ['filter: huge dimensions', () => k.pilFilter3x3(bytes(12), out, 2 ** 31 - 1, 2 ** 31 - 1, 4, kernel(), 0.5)],
      ['filter: dimensions that wrap to 12 in 32 bits', () => k.pilFilter3x3(bytes(12), out, 2 ** 32 + 4, 1, 3, kernel(), 0.5)],
      ['filter: negative width', () => k.pilFilter3x3(bytes(12), out, -4, -1, 3, kernel(), 0.5)],
      ['filter: fractional width', () => k.pilFilter3x3(bytes(12), out, 1.5, 8, 1, kernel(), 0.5)],
      ['filter: channels 0', () => k.pilFilter3x3(bytes(0), bytes(0), 3, 3, 0, kernel(), 0.5)],
      ['filter: channels 5', () => k.pilFilter3x3(bytes(45), bytes(45), 3, 3, 5, kernel(), 0.5)],
      ['filter: kernel of 8', () => k.pilFilter3x3(bytes(12), out, 2, 2, 3, kernel(8), 0.5)],
      ['filter: kernel of doubles', () => k.pilFilter3x3(bytes(12), out, 2, 2, 3, new Float64Array(9), 0.5)],
      ['filter: out inside src', () => { const b = bytes(40); k.pilFilter3x3(b.subarray(0, 27), b.subarray(13, 40), 3, 3, 3, kernel(), 0.5); }],
      ['point: lut short', () => k.pilPoint(bytes(12), out, bytes(255 * 3), 3)],
      ['point: lut for fewer bands', () => k.pilPoint(bytes(12), out, bytes(256), 3)],
      ['point: out short', () => k.pilPoint(bytes(12), bytes(9), bytes(768), 3)],
      ['point: not whole pixels', () => k.pilPoint(bytes(13), bytes(13), bytes(768), 3)],
      ['point: bands 5', () => k.pilPoint(bytes(10), bytes(10), bytes(1280), 5)],
      ['point: out overlapping the table', () => { const b = bytes(800); k.pilPoint(bytes(12), b.subarray(760, 772), b.subarray(0, 768), 3); }],
      ['histogram: hist short', () => k.pilHistogram(bytes(12), new Float64Array(767), 3)],
      ['histogram: hist of ints', () => k.pilHistogram(bytes(12), new Uint32Array(768), 3)],
      ['histogram: not whole pixels', () => k.pilHistogram(bytes(13), new Float64Array(768), 3)],
      ['histogram: bands 0', () => k.pilHistogram(bytes(12), new Float64Array(0), 0)],
      ['luma: not whole pixels', () => k.pilLuma(bytes(13), bytes(4))],
      ['luma: out neither L nor RGB', () => k.pilLuma(bytes(12), bytes(5))],
      ['luma: out short', () => k.pilLuma(bytes(12), bytes(3))],
      ['luma: out overlapping src', () => { const b = bytes(16); k.pilLuma(b.subarray(0, 12), b.subarray(12 - 2, 16)); }],
      ['hue: not whole pixels', () => k.pilHueShift(bytes(11), bytes(11), 3)],
      ['hue: out short', () => k.pilHueShift(bytes(12), bytes(9), 3)],
      ['hue: shift 256', () => k.pilHueShift(bytes(12), out, 256)],
      ['hue: shift -1', () => k.pilHueShift(bytes(12), out, -1)],
      ['hue: out overlapping src', () => { const b = bytes(15); k.pilHueShift(b.subarray(0, 12), b.subarray(3, 15), 3); }],
    ];
    for (const [what, f] of bad) expect(f, what).toThrow(Error);
    expect(Array.from(out)).toEqual(Array(12).fill(7));
  });
  it('empty buffers, and an output that is the input itself where each byte is read before it is written', () => {
    expect(() => k.pilBlend(bytes(0), bytes(0), bytes(0), 0.5)).not.toThrow();
    expect(() => k.pilFilter3x3(bytes(0), bytes(0), 0, 5, 3, kernel(), 0.5)).not.toThrow();
    expect(() => k.pilHueShift(bytes(0), bytes(0), 0)).not.toThrow();
    expect(k.pilLuma(bytes(0), bytes(0))).toBe(0);
    const hist = new Float64Array(512);
    k.pilHistogram(Uint8Array.from([3, 200, 3, 7, 255, 200]), hist, 2);
    expect([hist[3], hist[255], hist[256 + 200], hist[256 + 7], hist.reduce((a, b) => a + b)]).toEqual([2, 1, 2, 1, 6]);
    const lut = Uint8Array.from({ length: 512 }, (_, i) => (i < 256 ? 255 - i : i & 1));
    const px = Uint8Array.from([0, 1, 10, 3]);
    k.pilPoint(px, px, lut, 2);
    expect(Array.from(px)).toEqual([255, 1, 245, 1]);
    const l = bytes(2), lrgb = bytes(6);
    expect(k.pilLuma(Uint8Array.from([255, 255, 255, 10, 200, 30]), l)).toBe(255 + 124);
    expect(Array.from(l)).toEqual([255, 124]);
    k.pilLuma(Uint8Array.from([255, 255, 255, 10, 200, 30]), lrgb);
    expect(Array.from(lrgb)).toEqual([255, 255, 255, 124, 124, 124]);
    const a = Uint8Array.from([10, 200, 30]), b = Uint8Array.from([110, 0, 130]);
    k.pilBlend(a, b, a, 0.5);
    expect(Array.from(a)).toEqual([60, 100, 80]);
    k.pilBlend(Uint8Array.of(100), b, a, 1.5);  // one level for the whole image
    expect(Array.from(a)).toEqual([115, 0, 145]);
    const rgb = Uint8Array.from([200, 100, 50]);
    k.pilHueShift(rgb, rgb, 0);
    expect(Array.from(rgb)).toEqual([200, 100, 50]);
  });
});
