// vision.transforms against torchvision 0.28 (test/fixtures/vision-transforms.json, made by
// scripts/make-vision-fixtures.py): each case runs after torch.manualSeed(seed) on the same uint8 or
// float tensor as Python, `calls` times, and must give torchvision's tensors bit-exactly and leave the
// torch RNG where Python left it (the next torch.rand(1) is compared). uint8 RGB/gray cases also run
// on a vision.Image of the same pixels, which must give the same pixels (the tensor path).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';
import { runWithGc } from './run-child.js';

const T = vision.transforms;
const VF = T.functional;
type Tensor = torch.Tensor;

interface Case { name: string; py: string; input: string; seed: number; calls: number; outputs: TensorEnc[]; pilOutputs?: TensorEnc[]; after: number; tensorOnly?: boolean }
interface Fixture {
  inputs: Record<string, TensorEnc>;
  images: Record<string, { toTensor: TensorEnc; pilToTensor?: TensorEnc; grayscale?: TensorEnc; mode?: string }>;
  cases: Case[];
  pilFill: Record<string, { py: string; input: string; seed: number; output?: TensorEnc; error?: string }>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-transforms.json', import.meta.url), 'utf8')) as Fixture;
const input = (name: string): Tensor => makeTensor(fx.inputs[name]!);

// The JS port of each Python case (fx.cases[i].py), line by line.
const PORTS: Record<string, () => vision.transforms.TransformLike> = {
  resize_short: () => new T.Resize(8),
  resize_hw: () => new T.Resize([10, 7]),
  resize_up: () => new T.Resize(20),
  resize_tall: () => new T.Resize(6),
  resize_max_size: () => new T.Resize(8, { maxSize: 9 }),
  resize_nearest: () => new T.Resize(8, { interpolation: T.InterpolationMode.NEAREST }),
  resize_nearest_exact: () => new T.Resize(8, { interpolation: T.InterpolationMode.NEAREST_EXACT }),
  resize_bicubic: () => new T.Resize(8, { interpolation: T.InterpolationMode.BICUBIC }),
  resize_no_antialias: () => new T.Resize(8, { antialias: false }),
  resize_gray: () => new T.Resize([5, 9]),
  resize_float: () => new T.Resize(8),
  center_crop: () => new T.CenterCrop(8),
  center_crop_odd: () => new T.CenterCrop([5, 7]),
  center_crop_pad: () => new T.CenterCrop([15, 20]),
  random_crop: () => new T.RandomCrop(8),
  random_crop_padding: () => new T.RandomCrop(10, { padding: 4 }),
  random_crop_edge: () => new T.RandomCrop([10, 12], { padding: [2, 3], paddingMode: 'edge' }),
  random_crop_reflect: () => new T.RandomCrop(12, { padding: [1, 2, 3, 4], paddingMode: 'reflect', fill: 7 }),
  random_crop_pad_if_needed: () => new T.RandomCrop([14, 20], { padIfNeeded: true, fill: 5 }),
  random_crop_full: () => new T.RandomCrop([12, 16]),
  hflip: () => new T.RandomHorizontalFlip(),
  hflip_p: () => new T.RandomHorizontalFlip(0.3),
  vflip: () => new T.RandomVerticalFlip(),
  rotation: () => new T.RandomRotation(30),
  rotation_bilinear: () => new T.RandomRotation([-45, 10], { interpolation: T.InterpolationMode.BILINEAR }),
  rotation_expand: () => new T.RandomRotation(60, { expand: true }),
  rotation_fill: () => new T.RandomRotation(90, { fill: [10, 20, 30] }),
  rotation_center: () => new T.RandomRotation(25, { center: [2, 3], fill: 200 }),
  rotation_float_bilinear: () => new T.RandomRotation(40, { interpolation: 'bilinear' }),
  rotation_expand_bilinear: () => new T.RandomRotation([20, 80], { interpolation: 'bilinear', expand: true, fill: 50 }),
  color_jitter: () => new T.ColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 }),
  color_jitter_gray: () => new T.ColorJitter({ brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2 }),
  color_jitter_float: () => new T.ColorJitter({ brightness: [0.5, 1.5], hue: [-0.5, 0.5] }),
  color_jitter_saturation: () => new T.ColorJitter({ saturation: [0, 3] }),
  color_jitter_hue: () => new T.ColorJitter({ hue: 0.5 }),
  color_jitter_contrast: () => new T.ColorJitter({ contrast: 0.9 }),
  random_resized_crop: () => new T.RandomResizedCrop(8),
  random_resized_crop_opts: () => new T.RandomResizedCrop([6, 10], { scale: [0.5, 1.0], ratio: [0.5, 2.0] }),
  random_resized_crop_fallback: () => new T.RandomResizedCrop(5, { scale: [0.9, 1.0], ratio: [10.0, 20.0] }),
  random_resized_crop_fallback_tall: () => new T.RandomResizedCrop(5, { scale: [0.95, 1.0], ratio: [0.05, 0.1] }),
  random_resized_crop_nearest: () => new T.RandomResizedCrop(7, { interpolation: 'nearest' }),
  random_resized_crop_float: () => new T.RandomResizedCrop(8, { antialias: false }),
  grayscale: () => new T.Grayscale(),
  grayscale3: () => new T.Grayscale(3),
  grayscale_of_gray: () => new T.Grayscale(),
  random_grayscale: () => new T.RandomGrayscale(0.5),
  normalize: () => new T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
  normalize_batch: () => new T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]),
  normalize_one: () => new T.Normalize(0.1307, 0.3081),
  compose: () => new T.Compose([new T.RandomResizedCrop(10), new T.RandomHorizontalFlip(),
    new T.ColorJitter({ brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.05 }), new T.RandomRotation(15)]),
  compose_float: () => new T.Compose([new T.RandomCrop(10, { padding: 2 }), new T.RandomHorizontalFlip(),
    new T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]),
  pad: () => new T.Pad(2),
  pad_fill_4: () => new T.Pad([1, 2, 3, 4], 9),
  pad_edge: () => new T.Pad([2, 3], 0, 'edge'),
  pad_reflect: () => new T.Pad(3, 0, 'reflect'),
  pad_symmetric: () => new T.Pad([1, 2, 3, 4], 0, 'symmetric'),
  pad_symmetric_negative: () => new T.Pad([-2, 3, 1, -1], 0, 'symmetric'),
  pad_symmetric_batch: () => new T.Pad(2, 0, 'symmetric'),
  random_crop_symmetric: () => new T.RandomCrop(12, { padding: 3, paddingMode: 'symmetric' }),
  random_apply: () => new T.RandomApply([new T.RandomHorizontalFlip(1.0), new T.ColorJitter({ brightness: 0.5 })], 0.6),
  convert_dtype_float: () => new T.ConvertImageDtype(torch.float),
  convert_dtype_uint8: () => new T.ConvertImageDtype(torch.uint8),
  convert_dtype_int16: () => new T.ConvertImageDtype(torch.int16),
  convert_dtype_float64: () => new T.ConvertImageDtype(torch.float64),
  gaussian_blur: () => new T.GaussianBlur(3),
  gaussian_blur_rect: () => new T.GaussianBlur([5, 3], [0.5, 3.0]),
  gaussian_blur_gray: () => new T.GaussianBlur(5, 1.5),
  random_affine: () => new T.RandomAffine(30),
  random_affine_full: () => new T.RandomAffine(20, { translate: [0.1, 0.2], scale: [0.8, 1.2], shear: 10 }),
  random_affine_shear4: () => new T.RandomAffine([-10, 10], { shear: [-5, 5, -8, 8], interpolation: T.InterpolationMode.BILINEAR, fill: [10, 20, 30] }),
  random_affine_float_center: () => new T.RandomAffine(45, { translate: [0.3, 0.3], center: [3, 4], fill: 0.5, interpolation: T.InterpolationMode.BILINEAR }),
  random_affine_gray: () => new T.RandomAffine(0, { scale: [0.5, 0.7], fill: 128 }),
  random_erasing: () => new T.RandomErasing({ p: 1.0 }),
  random_erasing_value: () => new T.RandomErasing({ p: 0.7, scale: [0.1, 0.4], ratio: [0.5, 2.0], value: [0.1, 0.2, 0.3] }),
  random_erasing_random: () => new T.RandomErasing({ p: 1.0, value: 'random' }),
  random_erasing_uint8: () => new T.RandomErasing({ p: 1.0, value: 7 }),
  random_erasing_none_fits: () => new T.RandomErasing({ p: 1.0, scale: [0.98, 1.0], ratio: [1, 1] }),
  invert: () => new T.RandomInvert(1.0),
  invert_float: () => new T.RandomInvert(),
  posterize: () => new T.RandomPosterize(3, 1.0),
  posterize_p: () => new T.RandomPosterize(0),
  solarize: () => new T.RandomSolarize(128, 1.0),
  solarize_float: () => new T.RandomSolarize(0.3, 0.7),
  sharpness: () => new T.RandomAdjustSharpness(2, 1.0),
  sharpness_float: () => new T.RandomAdjustSharpness(0.3),
  autocontrast: () => new T.RandomAutocontrast(1.0),
  autocontrast_batch: () => new T.RandomAutocontrast(1.0),
  autocontrast_flat: () => new T.RandomAutocontrast(1.0),
  equalize: () => new T.RandomEqualize(1.0),
  equalize_gray: () => new T.RandomEqualize(0.5),
  equalize_flat: () => new T.RandomEqualize(1.0),
  rand_augment: () => new T.RandAugment(),
  rand_augment_opts: () => new T.RandAugment({ numOps: 3, magnitude: 15, numMagnitudeBins: 21, interpolation: T.InterpolationMode.BILINEAR, fill: [1, 2, 3] }),
  rand_augment_gray: () => new T.RandAugment({ magnitude: 5, fill: 9 }),
  trivial_augment: () => new T.TrivialAugmentWide(),
  trivial_augment_opts: () => new T.TrivialAugmentWide({ numMagnitudeBins: 11, interpolation: T.InterpolationMode.BILINEAR, fill: 100 }),
  random_perspective: () => new T.RandomPerspective(),
  random_perspective_opts: () => new T.RandomPerspective({ distortionScale: 0.8, p: 1.0, interpolation: T.InterpolationMode.NEAREST, fill: [5, 6, 7] }),
  random_perspective_float: () => new T.RandomPerspective({ distortionScale: 0.3, p: 0.9, fill: 0.25 }),
  elastic: () => new T.ElasticTransform({ alpha: 30.0, sigma: 1.0 }),
  elastic_opts: () => new T.ElasticTransform({ alpha: [20.0, 60.0], sigma: [0.7, 1.3], interpolation: T.InterpolationMode.NEAREST, fill: [9.0, 8.0, 7.0] }),
  elastic_gray_no_blur: () => new T.ElasticTransform({ alpha: 10.0, sigma: 0.0, fill: 200 }),
  five_crop: () => new T.Compose([new T.FiveCrop([5, 7]), (crops: Tensor[]) => torch.stack(crops)]),
  ten_crop: () => new T.Compose([new T.TenCrop(6), (crops: Tensor[]) => torch.stack(crops)]),
  ten_crop_vertical: () => new T.Compose([new T.TenCrop([4, 8], true), (crops: Tensor[]) => torch.stack(crops)]),
  linear_transformation: () => new T.LinearTransformation(torch.linspace(-1, 1, 576 * 576).view(576, 576).div(100), torch.linspace(0, 1, 576)),
  augmix: () => new T.AugMix(),
  augmix_opts: () => new T.AugMix({ severity: 7, mixtureWidth: 2, chainDepth: 2, alpha: 0.5, allOps: false, interpolation: T.InterpolationMode.NEAREST, fill: [3, 4, 5] }),
  auto_augment: () => new T.AutoAugment(),
  auto_augment_cifar10: () => new T.AutoAugment(T.AutoAugmentPolicy.CIFAR10, { fill: [1, 2, 3] }),
  auto_augment_svhn: () => new T.AutoAugment({ policy: T.AutoAugmentPolicy.SVHN, interpolation: T.InterpolationMode.BILINEAR, fill: 7 }),
  auto_augment_batch_uint8: () => new T.Compose([(x: Tensor) => torch.stack([x, x.flip(-1)]), new T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)]),
  preset_image_classification: () => new T.ImageClassification({ cropSize: 8, resizeSize: 10 }),
  preset_image_classification_bicubic: () => new T.ImageClassification({ cropSize: 9, resizeSize: 14, interpolation: T.InterpolationMode.BICUBIC, mean: [0.5, 0.4, 0.3], std: [0.1, 0.2, 0.3] }),
  preset_semantic_segmentation: () => new T.SemanticSegmentation({ resizeSize: 10 }),
  preset_semantic_segmentation_none: () => new T.SemanticSegmentation({ resizeSize: null, mean: [0.5, 0.4, 0.3], std: [0.1, 0.2, 0.3], interpolation: T.InterpolationMode.NEAREST }),
  f_adjust_gamma: () => (x: Tensor) => VF.adjustGamma(x, 0.5, { gain: 1.2 }),
  f_adjust_gamma_float: () => (x: Tensor) => VF.adjustGamma(x, 2.2),
  f_resize_keywords: () => (x: Tensor) => VF.resize(x, [7], { interpolation: T.InterpolationMode.BICUBIC, antialias: false }),
  f_rotate_keywords: () => (x: Tensor) => VF.rotate(x, 30.0, { expand: true, fill: [1.0, 2.0, 3.0] }),
  f_affine_keywords: () => (x: Tensor) => VF.affine(x, { angle: 10.0, translate: [1, 2], scale: 1.1, shear: [5.0, 0.0], interpolation: T.InterpolationMode.BILINEAR }),
  f_perspective_fractional: () => (x: Tensor) => VF.perspective(x, [[0, 0], [11, 0], [11, 9], [0, 9]], [[0.5, 1.25], [10.3, 0.7], [10.9, 8.6], [1.1, 9.2]]),
  f_perspective_fractional_uint8: () => (x: Tensor) => VF.perspective(x, [[0.25, 0.5], [11, 0], [11, 9], [0, 9.75]], [[1, 1], [10, 0], [11, 8], [0, 9]], { fill: [9, 8, 7] }),
  f_adjust_brightness_keywords: () => (x: Tensor) => VF.adjustBrightness(x, { brightnessFactor: 1.3 }),
  f_normalize_keywords: () => (x: Tensor) => VF.normalize(x, { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] }),
  f_pad_keywords: () => (x: Tensor) => VF.pad(x, [1, 2], { paddingMode: 'reflect' }),
  f_gaussian_blur_keywords: () => (x: Tensor) => VF.gaussianBlur(x, { kernelSize: [3, 5], sigma: [0.8, 1.5] }),
  random_choice: () => new T.RandomChoice([new T.RandomHorizontalFlip(1.0), new T.RandomCrop(8), new T.ColorJitter({ brightness: 0.5 })]),
  random_choice_p: () => new T.RandomChoice([new T.RandomVerticalFlip(1.0), new T.RandomPosterize(2, 1.0), new T.RandomInvert(1.0)], [0.2, 0.3, 0.5]),
  random_order: () => new T.RandomOrder([new T.RandomCrop(10), new T.Pad(1), new T.RandomRotation(20)]),
  augmix_batch_uint8: () => new T.Compose([(x: Tensor) => torch.stack([x, x.flip(-1)]), new T.AugMix({ severity: 10, fill: 50 })]),
  compose_augment: () => new T.Compose([new T.Pad(2, 0, 'symmetric'), new T.RandomAffine(15, { translate: [0.1, 0.1] }),
    new T.RandomApply([new T.GaussianBlur(3)], 0.5), new T.RandomEqualize(), new T.ConvertImageDtype(torch.float), new T.RandomErasing()]),
};

const run = (t: vision.transforms.TransformLike, x: unknown): unknown => (typeof t === 'function' ? t(x) : t.call(x));

describe('vision.transforms match torchvision (tensor inputs)', () => {
  it('has a port for every fixture case', () => {
    expect(fx.cases.map((c) => c.name).filter((n) => !(n in PORTS))).toEqual([]);
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.py} on ${c.input}`, () => {
      const transform = PORTS[c.name]!();
      const x = input(c.input);
      torch.pyrandom.seed(c.seed); // the fixture seeds Python's random too (RandomChoice, RandomOrder)
      torch.manualSeed(c.seed);
      c.outputs.forEach((exp, k) => check(run(transform, x), exp, undefined, `${c.name} call ${k}`));
      expect(torch.rand(1).item(), 'the next torch.rand(1): the same RNG draws as torchvision').toBe(c.after);
    });
  }
});

// Grayscale is the one exception: Images take PIL's exact path there (fixture pilOutputs).
// The colour adjustments of an Image are PIL's too (ImageEnhance, ImageOps.autocontrast, PIL's HSV):
// those cases are checked against torchvision's PIL path in test/vision-pil-enhance.test.ts instead.
const PIL_COLOUR_CASES = new Set(['color_jitter', 'color_jitter_gray', 'color_jitter_saturation', 'color_jitter_hue', 'color_jitter_contrast',
  'autocontrast', 'autocontrast_flat', 'compose', 'rand_augment', 'rand_augment_opts', 'trivial_augment', 'trivial_augment_opts',
  'auto_augment', 'auto_augment_cifar10', 'auto_augment_svhn']);
// Resizing an Image is PIL's Image.resize (every filter): those cases are checked against torchvision's
// PIL path in test/vision-pil-resample.test.ts instead.
const PIL_RESIZE_CASES = new Set(['resize_short', 'resize_hw', 'resize_up', 'resize_tall', 'resize_max_size', 'resize_nearest', 'resize_nearest_exact',
  'resize_bicubic', 'resize_no_antialias', 'resize_gray', 'random_resized_crop', 'random_resized_crop_opts', 'random_resized_crop_fallback',
  'random_resized_crop_fallback_tall', 'random_resized_crop_nearest']);
// Rotating, affine-warping and perspective-warping an Image is PIL's Image.rotate / Image.transform
// (every filter): those cases are checked against torchvision's PIL path in test/vision-pil-geometry.test.ts instead.
const PIL_WARP_CASES = new Set(['rotation', 'rotation_bilinear', 'rotation_expand', 'rotation_fill', 'rotation_center', 'rotation_expand_bilinear',
  'random_affine', 'random_affine_full', 'random_affine_shear4', 'random_affine_gray', 'random_perspective', 'random_perspective_opts']);
describe('vision.transforms on vision.Image give the tensor path\'s pixels (PIL\'s for Grayscale)', () => {
  const imageCases = fx.cases.filter((c) => !c.tensorOnly && !PIL_COLOUR_CASES.has(c.name) && !PIL_RESIZE_CASES.has(c.name) && !PIL_WARP_CASES.has(c.name) && fx.inputs[c.input]!.dtype === 'uint8' && fx.inputs[c.input]!.shape.length === 3);
  for (const c of imageCases) {
    it(`${c.name} on Image(${c.input})`, () => {
      const transform = PORTS[c.name]!();
      const img = VF.toPILImage(input(c.input));
      expect(img).toBeInstanceOf(vision.Image);
      torch.pyrandom.seed(c.seed);
      torch.manualSeed(c.seed);
      (c.pilOutputs ?? c.outputs).forEach((exp, k) => {
        const out = run(transform, img);
        expect(out, `${c.name} call ${k} returns an Image`).toBeInstanceOf(vision.Image);
        check(VF.pilToTensor(out as vision.Image), exp, undefined, `${c.name} call ${k}`);
      });
      expect(torch.rand(1).item()).toBe(c.after);
    });
  }
});

describe("v1's per-channel fill on a vision.Image (PIL's ImageOps.expand), as torchvision 0.28", () => {
  const PIL_FILL: Record<string, () => (im: vision.Image) => unknown> = {
    pad_rgb: () => (im) => VF.pad(im, 1, [10, 20, 30]),
    pad_negative: () => (im) => VF.pad(im, [-1, 2, 3, -2], [7, 300, -5]),
    pad_one_value: () => (im) => VF.pad(im, [1, 2], [9]),
    pad_class: () => (im) => new T.Pad([2, 1], [1, 2, 3]).call(im),
    random_crop: () => (im) => new T.RandomCrop(10, { padding: 3, fill: [5, 6, 7] }).call(im),
    random_crop_pad_if_needed: () => (im) => new T.RandomCrop([14, 20], { padIfNeeded: true, fill: [40, 50, 60] }).call(im),
    gray_three_values: () => (im) => VF.pad(im, 1, [1, 2, 3]),
  };
  it('covers every fixture case', () => expect(Object.keys(PIL_FILL).sort()).toEqual(Object.keys(fx.pilFill).sort()));
  for (const [name, c] of Object.entries(fx.pilFill)) {
    it(`${name}: ${c.py}`, () => {
      const fn = PIL_FILL[name]!();
      const img = VF.toPILImage(input(c.input));
      torch.manualSeed(c.seed);
      if (c.error !== undefined) expect(() => fn(img)).toThrow(c.error);
      else check(VF.pilToTensor(fn(img) as vision.Image), c.output!, undefined, name);
    });
  }
  it('a tensor takes a number only, as torchvision\'s tensor path (TypeError: Got inappropriate fill arg)', () => {
    expect(() => VF.pad(input('rgb'), 1, [1, 2, 3])).toThrow(/Got inappropriate fill arg/);
  });
});

describe('ToTensor, PILToTensor, Image', () => {
  for (const name of ['rgb', 'gray', 'tall']) {
    it(`${name}: ToTensor and PILToTensor of the Image equal torchvision's of the PIL image`, () => {
      const exp = fx.images[name]!;
      const img = VF.toPILImage(input(name));
      expect(img.mode).toBe(exp.mode);
      check(new T.ToTensor().call(img), exp.toTensor, undefined, 'ToTensor');
      check(new T.PILToTensor().call(img), exp.pilToTensor!, undefined, 'PILToTensor');
      check(VF.pilToTensor(img.convert('L')), exp.grayscale!, undefined, "convert('L')");
    });
  }
  it("toPILImage's mode names the input's mode, as torchvision checks it (messages from torchvision 0.28), never a conversion", () => {
    const rgb = torch.zeros([3, 2, 2], { dtype: torch.uint8 });
    const gray = torch.zeros([1, 2, 2], { dtype: torch.uint8 });
    expect(VF.toPILImage(rgb, 'RGB').mode).toBe('RGB');
    expect(VF.toPILImage(torch.zeros(1, 2, 2), 'L').mode).toBe('L');
    expect(() => VF.toPILImage(rgb, 'L')).toThrow("Only modes ['RGB', 'YCbCr', 'HSV'] are supported for 3D inputs");
    expect(() => VF.toPILImage(gray, 'RGB')).toThrow("Incorrect mode (RGB) supplied for input type <class 'numpy.dtype'>. Should be L");
    expect(() => new T.ToPILImage('RGB').call(gray)).toThrow('Incorrect mode (RGB)');
  });
  it('ToTensor of every byte value equals torch\'s float32 division by 255', () => {
    const img = new vision.Image(16, 16, 'L', Uint8Array.from({ length: 256 }, (_, i) => i));
    check(new T.ToTensor().call(img), fx.images.every_byte!.toTensor, undefined, 'ToTensor');
  });
  it('ToTensor follows the default float dtype', () => {
    const prev = torch.getDefaultDtype();
    torch.setDefaultDtype(torch.float64);
    try {
      const img = new vision.Image(16, 16, 'L', Uint8Array.from({ length: 256 }, (_, i) => i));
      const t = new T.ToTensor().call(img);
      expect(t.dtype).toBe(torch.float64);
      expect(t.equal(torch.arange(256, { dtype: torch.float64 }).div(255).view(1, 16, 16))).toBe(true);
    } finally {
      torch.setDefaultDtype(prev);
    }
  });
  it('ToPILImage scales floats by 255 and round-trips uint8', () => {
    const x = input('rgb');
    expect(VF.pilToTensor(new T.ToPILImage().call(x)).equal(x)).toBe(true);
    const back = new T.ToPILImage().call(x.float().div(255));
    expect(VF.pilToTensor(back).equal(x.float().div(255).mul(255).to(torch.uint8))).toBe(true);
  });
  it('Compose runs functions, Lambda and nn.Modules in order', () => {
    const t = new T.Compose([new T.ToTensor(), (x: Tensor) => x.mul(2), new T.Lambda((x: Tensor) => x.sum()), new torch.nn.Identity()]);
    const img = new vision.Image(2, 1, 'L', new Uint8Array([255, 51]));
    expect(Math.abs((t.call(img) as Tensor).item() - 2.4)).toBeLessThan(1e-6);
  });
});

// Python binds `RandomCrop(32, 4)` and `RandomCrop(32, padding=4)` alike: positionals in torchvision's
// order, then one options object of camelCase names; a misspelt or repeated name is a TypeError.
describe('transform constructors take Python\'s arguments', () => {
  const m = torch.eye(3);
  const same: [string, () => vision.transforms.Transform, () => vision.transforms.Transform][] = [
    ['RandomHorizontalFlip', () => new T.RandomHorizontalFlip(0.3), () => new T.RandomHorizontalFlip({ p: 0.3 })],
    ['RandomVerticalFlip', () => new T.RandomVerticalFlip(0.3), () => new T.RandomVerticalFlip({ p: 0.3 })],
    ['Grayscale', () => new T.Grayscale(3), () => new T.Grayscale({ numOutputChannels: 3 })],
    ['RandomGrayscale', () => new T.RandomGrayscale(0.2), () => new T.RandomGrayscale({ p: 0.2 })],
    ['RandomInvert', () => new T.RandomInvert(0.2), () => new T.RandomInvert({ p: 0.2 })],
    ['RandomPosterize', () => new T.RandomPosterize(3, 0.2), () => new T.RandomPosterize(3, { p: 0.2 })],
    ['RandomSolarize', () => new T.RandomSolarize(100, 0.2), () => new T.RandomSolarize({ threshold: 100, p: 0.2 })],
    ['RandomAdjustSharpness', () => new T.RandomAdjustSharpness(2, 0.2), () => new T.RandomAdjustSharpness({ sharpnessFactor: 2, p: 0.2 })],
    ['RandomAutocontrast', () => new T.RandomAutocontrast(0.2), () => new T.RandomAutocontrast({ p: 0.2 })],
    ['RandomEqualize', () => new T.RandomEqualize(0.2), () => new T.RandomEqualize({ p: 0.2 })],
    ['Normalize', () => new T.Normalize([0.5], [0.25], true), () => new T.Normalize({ mean: [0.5], std: [0.25], inplace: true })],
    ['Pad', () => new T.Pad(2, 7, 'edge'), () => new T.Pad(2, { paddingMode: 'edge', fill: 7 })],
    ['GaussianBlur', () => new T.GaussianBlur(3, [0.5, 1]), () => new T.GaussianBlur({ kernelSize: 3, sigma: [0.5, 1] })],
    ['CenterCrop', () => new T.CenterCrop(4), () => new T.CenterCrop({ size: 4 })],
    ['FiveCrop', () => new T.FiveCrop(2), () => new T.FiveCrop({ size: 2 })],
    ['TenCrop', () => new T.TenCrop(2, true), () => new T.TenCrop(2, { verticalFlip: true })],
    ['ColorJitter', () => new T.ColorJitter(0.4, 0.3, 0.2, 0.1), () => new T.ColorJitter({ brightness: 0.4, contrast: 0.3, saturation: 0.2, hue: 0.1 })],
    ['ConvertImageDtype', () => new T.ConvertImageDtype(torch.float64), () => new T.ConvertImageDtype({ dtype: torch.float64 })],
    ['LinearTransformation', () => new T.LinearTransformation(m, torch.zeros(3)), () => new T.LinearTransformation({ transformationMatrix: m, meanVector: torch.zeros(3) })],
    ['ElasticTransform', () => new T.ElasticTransform(20, 3, 'nearest', 5), () => new T.ElasticTransform({ alpha: 20, sigma: 3, interpolation: 'nearest', fill: 5 })],
    ['RandomAffine', () => new T.RandomAffine(10, [0.1, 0.2], [0.9, 1.1], 5, 'bilinear', 3, [1, 1]),
      () => new T.RandomAffine(10, { translate: [0.1, 0.2], scale: [0.9, 1.1], shear: 5, interpolation: 'bilinear', fill: 3, center: [1, 1] })],
    ['RandomCrop', () => new T.RandomCrop(32, 4, true, 1, 'reflect'), () => new T.RandomCrop(32, { padding: 4, padIfNeeded: true, fill: 1, paddingMode: 'reflect' })],
    ['RandomErasing', () => new T.RandomErasing(0.7, [0.1, 0.2], [0.5, 2], 'random', true), () => new T.RandomErasing({ p: 0.7, scale: [0.1, 0.2], ratio: [0.5, 2], value: 'random', inplace: true })],
    ['RandomPerspective', () => new T.RandomPerspective(0.3, 0.9, 'nearest', [1, 2, 3]), () => new T.RandomPerspective({ distortionScale: 0.3, p: 0.9, interpolation: 'nearest', fill: [1, 2, 3] })],
    ['RandomResizedCrop', () => new T.RandomResizedCrop(8, [0.5, 1], [1, 2], 'nearest', false), () => new T.RandomResizedCrop(8, { scale: [0.5, 1], ratio: [1, 2], interpolation: 'nearest', antialias: false })],
    ['RandomRotation', () => new T.RandomRotation(30, 'bilinear', true, [2, 2], 9), () => new T.RandomRotation({ degrees: 30, interpolation: 'bilinear', expand: true, center: [2, 2], fill: 9 })],
    ['Resize', () => new T.Resize(8, 'nearest', 10, false), () => new T.Resize(8, { interpolation: 'nearest', maxSize: 10, antialias: false })],
    ['RandAugment', () => new T.RandAugment(3, 5, 11, 'bilinear', 4), () => new T.RandAugment({ numOps: 3, magnitude: 5, numMagnitudeBins: 11, interpolation: 'bilinear', fill: 4 })],
    ['TrivialAugmentWide', () => new T.TrivialAugmentWide(11, 'bilinear', [1, 2, 3]), () => new T.TrivialAugmentWide({ numMagnitudeBins: 11, interpolation: 'bilinear', fill: [1, 2, 3] })],
    ['AutoAugment', () => new T.AutoAugment('svhn', 'bilinear', [1, 2, 3]), () => new T.AutoAugment({ policy: 'svhn', interpolation: 'bilinear', fill: [1, 2, 3] })],
    ['AugMix', () => new T.AugMix(2, 4, 1, 0.5, false, 'nearest', 0), () => new T.AugMix({ severity: 2, mixtureWidth: 4, chainDepth: 1, alpha: 0.5, allOps: false, interpolation: 'nearest', fill: 0 })],
    ['RandomApply', () => new T.RandomApply([new T.CenterCrop(2)], 0.25), () => new T.RandomApply({ transforms: [new T.CenterCrop(2)], p: 0.25 })],
    ['ToPILImage', () => new T.ToPILImage('L'), () => new T.ToPILImage({ mode: 'L' })],
    ['RandomChoice', () => new T.RandomChoice([new T.CenterCrop(2)], [1]), () => new T.RandomChoice({ transforms: [new T.CenterCrop(2)], p: [1] })],
    ['RandomOrder', () => new T.RandomOrder([new T.CenterCrop(2)]), () => new T.RandomOrder({ transforms: [new T.CenterCrop(2)] })],
  ];
  it.each(same)('%s: positionals and options build the same transform', (_name, positional, keywords) => {
    const a = positional(), b = keywords();
    expect(String(b)).toBe(String(a));
    expect(b.workerSource()).toEqual(a.workerSource());
  });
  it('positionals land on the parameters Python gives them (RandomCrop(10, 2) pads by 2)', () => {
    torch.manualSeed(3);
    const out = new T.RandomCrop(10, 2).call(input('rgb')) as Tensor;
    torch.manualSeed(3);
    expect(out.equal(new T.RandomCrop(10, { padding: 2 }).call(input('rgb')) as Tensor)).toBe(true);
  });
  it.each([
    ['a misspelt option', () => new T.RandomCrop(32, { paddding: 4 } as never), /RandomCrop: unexpected option 'paddding' \(did you mean 'padding'\?\)/],
    ['a snake_case option', () => new T.Resize(8, { max_size: 10 } as never), /Resize: unexpected option 'max_size' \(did you mean 'maxSize'\? options are camelCase\)/],
    ['an option given twice', () => new T.Pad(2, 0, { fill: 1 } as never), /Pad\(\) got multiple values for argument 'fill'/],
    ['a misspelt functional option', () => VF.resize(torch.zeros(3, 4, 4), 2, { interpolaton: 'nearest' } as never), /resize: unexpected option 'interpolaton' \(did you mean 'interpolation'\?\)/],
    ['a functional call without a required argument', () => VF.crop(torch.zeros(3, 4, 4), { top: 0, left: 0, height: 2 } as never), /crop\(\) missing required argument 'width'/],
    ['too many positionals', () => Reflect.construct(T.RandomHorizontalFlip, [0.5, 0.5]), /RandomHorizontalFlip\(\) takes 1 positional arguments but 2 were given/],
    ['a missing required argument', () => new T.Normalize({ mean: [0.5] } as never), /Normalize\(\) missing required argument 'std'/],
    ['an undefined option value', () => new T.ColorJitter({ hue: undefined }), /ColorJitter: .*hue/],
    ['p that is not a number', () => new T.RandomGrayscale('0.5' as never), /RandomGrayscale: p must be a number, got string/],
    ['a fill that is not numbers', () => new T.RandomRotation(10, { fill: ['a'] as never }), /RandomRotation: Fill should be either a sequence or a number/],
    ['bits that are not a number', () => new T.RandomPosterize('4' as never), /RandomPosterize: bits must be a number/],
  ])('%s is a TypeError', (_name, fn, message) => {
    expect(fn).toThrow(TypeError);
    expect(fn).toThrow(message);
  });
});

describe('without dispose or tidy', () => {
  it('300 calls of a chain of random transforms leave no native tensors behind once collected', () => {
    const r = runWithGc(`
      const T = torch.vision.transforms;
      const chain = new T.Compose([new T.RandAugment(), new T.AugMix(), new T.RandomAffine(10, [0.1, 0.1]), new T.ElasticTransform(10, 1),
        new T.ColorJitter(0.3, 0.3, 0.3, 0.1), new T.RandomResizedCrop(8), new T.ConvertImageDtype(torch.float32),
        new T.RandomErasing({ p: 1 }), new T.Normalize([0.5], [0.5])]);
      torch.manualSeed(0);
      const img = torch.randint(0, 256, [3, 12, 12], { dtype: torch.uint8 });
      chain.call(img);
      const before = await settle();
      for (let i = 0; i < 300; i++) chain.call(img);
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(10);
  });
});

describe('bad input', () => {
  const img = new vision.Image(4, 3, 'RGB');
  it.each([
    ['ToTensor of a tensor', () => new T.ToTensor().call(torch.zeros(3, 4, 4) as never), TypeError, /pic should be a vision.Image/],
    ['Normalize of an Image', () => new T.Normalize([0.5], [0.5]).call(img as never), TypeError, /should be a Tensor/],
    ['Normalize of uint8', () => new T.Normalize([0.5], [0.5]).call(torch.zeros([3, 2, 2], { dtype: torch.uint8 })), TypeError, /float tensor/],
    ['Normalize with std 0', () => new T.Normalize([0.5], [0]).call(torch.zeros(1, 2, 2)), RangeError, /std evaluated to zero/],
    ['Normalize with 2 means for 3 channels', () => new T.Normalize([0.5, 0.5], [1, 1]).call(torch.zeros(3, 2, 2)), RangeError, /broadcast/],
    ['RandomCrop larger than the image', () => new T.RandomCrop(5).call(img), RangeError, /larger than input image size/],
    ['Resize to 0', () => new T.Resize(0).call(img), RangeError, /size must be positive/],
    ['Resize with a wrong mode', () => new T.Resize(2, { interpolation: 'cubic' as never }).call(img), RangeError, /unsupported/],
    ['RandomRotation with fill of 2 for 3 channels', () => new T.RandomRotation(10, { fill: [1, 2] }).call(img), RangeError, /fill/],
    ['ColorJitter with a negative brightness', () => new T.ColorJitter({ brightness: -1 }), RangeError, /non negative/],
    ['ColorJitter with hue beyond 0.5', () => new T.ColorJitter({ hue: 0.7 }), RangeError, /hue values should be between/],
    ['Compose of a non-transform', () => new T.Compose([42 as never]), TypeError, /transforms\[0\] must be a function/],
    ['a transform of a string', () => new T.CenterCrop(2).call('x' as never), TypeError, /vision.Image or a Tensor/],
    ['Image with the wrong byte count', () => new vision.Image(2, 2, 'RGB', new Uint8Array(5)), RangeError, /holds 12 bytes/],
    ['Pad with 3 numbers', () => new T.Pad([1, 2, 3]), RangeError, /Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple/],
    ['Pad with a wrong mode', () => new T.Pad(1, 0, 'wrap' as never), RangeError, /Padding mode should be either constant, edge, reflect or symmetric/],
    ['symmetric padding wider than the image', () => VF.pad(torch.zeros(1, 2, 2), 3, 0, 'symmetric'), Error, /out of bounds/],
    ['symmetric padding of a 2-D tensor', () => VF.pad(torch.zeros(4, 4), 1, 0, 'symmetric'), Error, /Symmetric padding of N-D tensors are not supported yet/],
    ['GaussianBlur with an even kernel', () => new T.GaussianBlur(4), RangeError, /odd and positive/],
    ['GaussianBlur with sigma (max, min)', () => new T.GaussianBlur(3, [2, 1]), RangeError, /sigma values should be positive and of the form \(min, max\)/],
    ['gaussianBlur with sigma 0', () => VF.gaussianBlur(img, 3, 0), RangeError, /sigma should have positive values/],
    ['RandomAffine with translate beyond 1', () => new T.RandomAffine(10, { translate: [1.5, 0] }), RangeError, /translation values should be between 0 and 1/],
    ['RandomAffine with 3 shear values', () => new T.RandomAffine(10, { shear: [1, 2, 3] }), RangeError, /shear should be a sequence of length 2 or 4/],
    ['RandomAffine with a negative degree', () => new T.RandomAffine(-5), RangeError, /If degrees is a single number, it must be positive/],
    ['affine with scale 0', () => VF.affine(img, 0, [0, 0], 0, 0), RangeError, /Argument scale should be positive/],
    ['RandomErasing of an Image', () => new T.RandomErasing({ p: 1 }).call(img as never), TypeError, /img should be a Tensor image/],
    ['RandomErasing with 2 values for 3 channels', () => new T.RandomErasing({ p: 1, value: [1, 2] }).call(torch.zeros(3, 4, 4)), RangeError, /either a single value or 3/],
    ['RandomErasing with scale beyond 1', () => new T.RandomErasing({ scale: [0.5, 1.5] }), RangeError, /Scale should be between 0 and 1/],
    ['RandomErasing with a string value', () => new T.RandomErasing({ value: 'zeros' as never }), RangeError, /If value is str, it should be 'random'/],
    ['posterize of a float image', () => VF.posterize(torch.zeros(3, 2, 2), 4), TypeError, /Only torch.uint8 image tensors are supported/],
    ['posterize with 9 bits', () => VF.posterize(img, 9), RangeError, /between 0 and 8/],
    ['solarize above the bound', () => VF.solarize(torch.zeros([3, 2, 2], { dtype: torch.uint8 }), 300), TypeError, /Threshold should be less than bound of img/],
    ['equalize of a float image', () => VF.equalize(torch.zeros(3, 2, 2)), TypeError, /Only torch.uint8 image tensors are supported/],
    ['invert of 2 channels', () => VF.invert(torch.zeros(2, 2, 2)), TypeError, /permitted channel values are \[1, 3\], but found 2/],
    ['ConvertImageDtype float32 to int32', () => new T.ConvertImageDtype(torch.int32).call(torch.zeros(3, 2, 2)), Error, /The cast from torch.float32 to torch.int32 cannot be performed safely/],
    ['ConvertImageDtype of an Image', () => new T.ConvertImageDtype(torch.float).call(img as never), TypeError, /Input img should be Tensor Image/],
    ['RandAugment with a magnitude beyond the bins', () => new T.RandAugment({ magnitude: 31 }), RangeError, /magnitude must be an integer bin in \[0, 30\]/],
    ['a tensor rotated bicubic by an augmentation (a vision.Image takes it: PIL)', () => T.applyAugmentOp(torch.zeros(3, 4, 4), 'Rotate', 10, 'bicubic', null), RangeError, /Interpolation mode 'bicubic' is unsupported/],
    ['an unknown augmentation operation', () => T.applyAugmentOp(img, 'Blur', 1, 'nearest', null), RangeError, /The provided operator Blur is not recognized/],
    ['perspective with 3 corners', () => VF.perspective(img, [[0, 0], [1, 0], [1, 1]], [[0, 0], [1, 0], [1, 1]]), RangeError, /Please provide exactly four corners, got 3 startpoints and 3 endpoints/],
    ['RandomPerspective bicubic on a tensor (a vision.Image takes it: PIL)', () => new T.RandomPerspective({ p: 1, interpolation: 'bicubic' }).call(torch.zeros(3, 4, 4)), RangeError, /Interpolation mode 'bicubic' is unsupported/],
    ['RandomPerspective with a 2-colour fill on RGB', () => new T.RandomPerspective({ p: 1, fill: [1, 2] }).call(img), RangeError, /does not match the number of bands of the image \(2 != 3\)/],
    ['ElasticTransform with 3 sigmas', () => new T.ElasticTransform({ sigma: [1, 2, 3] }), RangeError, /If sigma is a sequence its length should be 2/],
    ['elasticTransform with a wrong displacement', () => VF.elasticTransform(img, torch.zeros(1, 3, 3, 2)), RangeError, /displacement shape should be \[1, 3, 4, 2\], but given \[1, 3, 3, 2\]/],
    ['FiveCrop larger than the image', () => new T.FiveCrop(5).call(img), RangeError, /Requested crop size \(5, 5\) is bigger than input size \(3, 4\)/],
    ['LinearTransformation with a rectangular matrix', () => new T.LinearTransformation(torch.zeros(3, 4), torch.zeros(3)), RangeError, /transformation_matrix should be square/],
    ['LinearTransformation of a wrong size', () => new T.LinearTransformation(torch.eye(4), torch.zeros(4)).call(torch.zeros(3, 2, 2)), RangeError, /incompatible shape/],
    ['AutoAugment with an unknown policy', () => new T.AutoAugment('mnist' as never), RangeError, /The provided policy mnist is not recognized/],
    ['AugMix with severity 11', () => new T.AugMix({ severity: 11 }), RangeError, /The severity must be between \[1, 10\]. Got 11 instead/],
    ['RandomApply of a non-transform', () => new T.RandomApply([7 as never]), TypeError, /transforms\[0\] must be a function/],
  ])('%s', (_name, fn, type, message) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
  });
  it('the warping transforms take every interpolation mode, as torchvision\'s do; a warp refuses PIL\'s resize-only filters when it runs', () => {
    const I = T.InterpolationMode;
    for (const mode of [I.BOX, I.HAMMING, I.LANCZOS]) {
      const made = [new T.RandomRotation(30, { interpolation: mode }), new T.RandomAffine(30, { interpolation: mode }), new T.RandomPerspective({ p: 1, interpolation: mode }),
        new T.ElasticTransform({ interpolation: mode }), new T.AutoAugment({ interpolation: mode }), new T.RandAugment({ interpolation: mode }), new T.TrivialAugmentWide({ interpolation: mode }),
        new T.AugMix({ interpolation: mode }), new T.v2.RandomRotation(30, { interpolation: mode }), new T.v2.RandomAffine(30, { interpolation: mode }), new T.v2.ElasticTransform({ interpolation: mode })];
      for (const t of made) expect(t.interpolation, t.constructor.name).toBe(mode);
    }
    const rotation = new T.RandomRotation(30, { interpolation: I.BOX });
    expect(() => rotation.call(img)).toThrow(/Image.Resampling.BOX \(4\) cannot be used. Use Image.Resampling.NEAREST \(0\), Image.Resampling.BILINEAR \(2\) or Image.Resampling.BICUBIC \(3\)/);
    expect(() => rotation.call(torch.zeros(3, 4, 4))).toThrow(/Interpolation mode 'box' is unsupported/);
    // v2's rotate of a tensor by 180 degrees is rot90 twice, with any interpolation (torchvision's fast path)
    const x = torch.arange(24, { dtype: torch.uint8 }).reshape(1, 4, 6);
    expect(new T.v2.RandomRotation([180, 180], { interpolation: I.LANCZOS }).call(x).equal(x.flip(1, 2))).toBe(true);
  });
  it('a failing transform leaves its input unchanged', () => {
    const x = input('rgb').clone();
    expect(() => new T.RandomCrop(20).call(x)).toThrow(RangeError);
    expect(x.equal(input('rgb'))).toBe(true);
  });
  it("torchvision 0.28's range checks and an Image's fill as a byte", () => {
    const T = vision.transforms;
    expect(() => new T.v2.RandomPerspective(1.5)).toThrow('Argument distortion_scale value should be between 0 and 1');
    expect(String(new T.RandomPerspective(1.5))).toBe('RandomPerspective(p=0.5)'); // v1 does not check it
    // PIL pads with int(fill) held by a byte (torchvision: 300 -> 255, -1 -> 0, 7.9 -> 7)
    const img = new vision.Image(2, 1, 'RGB', Uint8Array.from([10, 20, 30, 40, 50, 60]));
    const firstRow = (fill: number, F = T.functional): number[] => Array.from(T.functional.pilToTensor(F.pad(img, 1, fill)).reshape(-1).toTypedArray() as Uint8Array).slice(0, 8);
    expect(firstRow(300)).toEqual([255, 255, 255, 255, 255, 10, 40, 255]);
    expect(firstRow(300, T.v2.functional as never)).toEqual([255, 255, 255, 255, 255, 10, 40, 255]);
    expect(firstRow(-1)).toEqual([0, 0, 0, 0, 0, 10, 40, 0]);
    expect(firstRow(7.9)).toEqual([7, 7, 7, 7, 7, 10, 40, 7]);
  });
});
