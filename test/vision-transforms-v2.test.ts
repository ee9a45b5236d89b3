// vision.transforms.v2 against torchvision 0.28's transforms.v2 (test/fixtures/vision-transforms-v2.json,
// made by scripts/make-vision-fixtures.py): each case runs after torch.manualSeed(seed) on the same
// tensor as Python, `calls` times, called as Python calls it (the image alone, `(img, 7)`, a batch with
// its labels, a dict), and must give v2's outputs bit-exactly, labels included, and leave the torch RNG
// where Python left it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { check, makeTensor, type TensorEnc } from './golden-replay.js';
import { runWithGc } from './run-child.js';
import { buildSource, packSource } from '../lib/data/worker_source.js';

const v2 = vision.transforms.v2;
const IM = vision.transforms.InterpolationMode;
type Tensor = torch.Tensor;

type SampleEnc = { tensor: TensorEnc } | { list: SampleEnc[] } | { dict: Record<string, SampleEnc> } | { value: unknown };
interface Case { name: string; py: string; input: string; seed: number; calls: number; how: 'plain' | 'labeled' | 'batch_labels' | 'dict' | 'onehot'; outputs: SampleEnc[]; after: number }
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-transforms-v2.json', import.meta.url), 'utf8')) as {
  meta: { torchvision: string; cpu_capability: string }; inputs: Record<string, TensorEnc>; cases: Case[];
};
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

// The JS port of each Python case (fx.cases[i].py), line by line.
const PORTS: Record<string, () => { call(...inputs: unknown[]): unknown }> = {
  hflip: () => new v2.RandomHorizontalFlip(),
  vflip_p: () => new v2.RandomVerticalFlip({ p: 0.3 }),
  center_crop: () => new v2.CenterCrop([5, 7]),
  random_crop_padding: () => new v2.RandomCrop(10, { padding: 4 }),
  random_crop_pad_if_needed: () => new v2.RandomCrop([14, 20], { padIfNeeded: true, fill: 5 }),
  random_crop_one_side: () => new v2.RandomCrop([12, 10]),
  random_crop_pad_one_side: () => new v2.RandomCrop([16, 12], { padding: [1, 2], padIfNeeded: true, paddingMode: 'edge' }),
  pad_reflect: () => new v2.Pad(3, { paddingMode: 'reflect' }),
  rotation: () => new v2.RandomRotation(30),
  rotation_float_bilinear: () => new v2.RandomRotation(40, { interpolation: IM.BILINEAR }),
  affine_full: () => new v2.RandomAffine(20, { translate: [0.1, 0.2], scale: [0.8, 1.2], shear: 10 }),
  affine_float_center: () => new v2.RandomAffine(45, { translate: [0.3, 0.3], center: [3, 4], fill: 0.5, interpolation: IM.BILINEAR }),
  perspective: () => new v2.RandomPerspective(),
  perspective_float: () => new v2.RandomPerspective(0.3, { p: 0.9, fill: 0.25 }),
  elastic: () => new v2.ElasticTransform({ alpha: 30.0, sigma: 1.0 }),
  elastic_float: () => new v2.ElasticTransform({ alpha: [40.0, 20.0], sigma: [2.0, 1.2], fill: [0.1, 0.2, 0.3] }),
  elastic_float64: () => new v2.ElasticTransform({ alpha: 30.0, sigma: 1.5 }),
  rotation_zero_bilinear_float: () => new v2.RandomRotation([0, 0], { interpolation: IM.BILINEAR }),
  rotation_180_float: () => new v2.RandomRotation([180, 180], { interpolation: IM.BILINEAR }),
  rotation_minus_90_expand: () => new v2.RandomRotation([-90, -90], { expand: true }),
  rotation_90_not_square: () => new v2.RandomRotation([90, 90], { interpolation: IM.BILINEAR }),
  five_crop: () => new v2.Compose([new v2.FiveCrop([5, 7]), (crops: Tensor[]) => torch.stack(crops)]),
  normalize: () => new v2.Normalize(IMAGENET),
  erasing: () => new v2.RandomErasing({ p: 1.0 }),
  erasing_value: () => new v2.RandomErasing({ p: 0.7, scale: [0.1, 0.4], ratio: [0.5, 2.0], value: [0.1, 0.2, 0.3] }),
  invert: () => new v2.RandomInvert({ p: 1.0 }),
  posterize: () => new v2.RandomPosterize(3, { p: 1.0 }),
  solarize_float: () => new v2.RandomSolarize(0.3, { p: 0.7 }),
  equalize_gray: () => new v2.RandomEqualize({ p: 0.5 }),
  equalize_float: () => new v2.RandomEqualize({ p: 1.0 }),
  equalize_batch_float: () => new v2.RandomEqualize({ p: 1.0 }),
  equalize_flat: () => new v2.RandomEqualize({ p: 1.0 }),
  posterize_float: () => new v2.RandomPosterize(2, { p: 0.8 }),
  resize_short: () => new v2.Resize(8),
  resize_hw: () => new v2.Resize([10, 7]),
  resize_up: () => new v2.Resize(20),
  resize_tall: () => new v2.Resize(6),
  resize_max_size: () => new v2.Resize(8, { maxSize: 9 }),
  resize_bicubic: () => new v2.Resize(8, { interpolation: IM.BICUBIC }),
  resize_bicubic_up: () => new v2.Resize(19, { interpolation: IM.BICUBIC }),
  resize_no_antialias: () => new v2.Resize(8, { antialias: false }),
  resize_nearest: () => new v2.Resize(8, { interpolation: IM.NEAREST }),
  resize_gray: () => new v2.Resize([5, 9]),
  resize_float: () => new v2.Resize(8),
  resize_batch: () => new v2.Resize(7),
  random_resized_crop: () => new v2.RandomResizedCrop(8),
  random_resized_crop_opts: () => new v2.RandomResizedCrop([6, 10], { scale: [0.5, 1.0], ratio: [0.5, 2.0] }),
  random_resized_crop_float: () => new v2.RandomResizedCrop(8, { antialias: false }),
  color_jitter: () => new v2.ColorJitter(0.4, 0.4, 0.4, 0.1),
  color_jitter_float: () => new v2.ColorJitter({ brightness: [0.5, 1.5], hue: [-0.5, 0.5] }),
  color_jitter_all_float: () => new v2.ColorJitter(0.4, 0.4, 0.4, 0.1),
  color_jitter_gray: () => new v2.ColorJitter(0.5, 0.5, 0.5, 0.2),
  color_jitter_saturation: () => new v2.ColorJitter({ saturation: [0, 3] }),
  color_jitter_hue: () => new v2.ColorJitter({ hue: 0.5 }),
  color_jitter_contrast: () => new v2.ColorJitter({ contrast: 0.9 }),
  grayscale: () => new v2.Grayscale(),
  grayscale3_float: () => new v2.Grayscale(3),
  random_grayscale: () => new v2.RandomGrayscale(0.5),
  gaussian_blur: () => new v2.GaussianBlur(3),
  gaussian_blur_rect_float: () => new v2.GaussianBlur([5, 3], { sigma: [0.5, 3.0] }),
  sharpness: () => new v2.RandomAdjustSharpness(2, { p: 1.0 }),
  sharpness_float: () => new v2.RandomAdjustSharpness(0.3),
  sharpness_batch: () => new v2.RandomAdjustSharpness(1.7, { p: 1.0 }),
  autocontrast: () => new v2.RandomAutocontrast({ p: 1.0 }),
  autocontrast_batch: () => new v2.RandomAutocontrast({ p: 1.0 }),
  autocontrast_flat: () => new v2.RandomAutocontrast({ p: 1.0 }),
  to_image: () => new v2.ToImage(),
  to_dtype_scale: () => new v2.ToDtype(torch.float32, { scale: true }),
  to_dtype_plain: () => new v2.ToDtype(torch.float64),
  to_dtype_uint8: () => new v2.ToDtype(torch.uint8, { scale: true }),
  to_dtype_int16: () => new v2.ToDtype(torch.int16, { scale: true }),
  convert_image_dtype: () => new v2.ConvertImageDtype(),
  random_apply: () => new v2.RandomApply([new v2.RandomHorizontalFlip({ p: 1.0 }), new v2.ColorJitter(0.5)], { p: 0.6 }),
  random_choice: () => new v2.RandomChoice([new v2.RandomHorizontalFlip({ p: 1.0 }), new v2.RandomCrop(8), new v2.ColorJitter({ brightness: 0.5 })]),
  random_choice_p: () => new v2.RandomChoice([new v2.RandomVerticalFlip({ p: 1.0 }), new v2.RandomPosterize(2, { p: 1.0 }), new v2.RandomInvert({ p: 1.0 })], { p: [0.2, 0.3, 0.5] }),
  random_order: () => new v2.RandomOrder([new v2.RandomCrop(10), new v2.Pad(1), new v2.RandomRotation(20)]),
  imagenet_train: () => new v2.Compose([new v2.RandomResizedCrop(8, { antialias: true }), new v2.RandomHorizontalFlip({ p: 0.5 }), new v2.ToDtype(torch.float32, { scale: true }), new v2.Normalize(IMAGENET)]),
  imagenet_eval: () => new v2.Compose([new v2.Resize(10), new v2.CenterCrop(8), new v2.ToImage(), new v2.ToDtype(torch.float32, { scale: true }), new v2.Normalize(IMAGENET)]),
  cifar_train_labeled: () => new v2.Compose([new v2.RandomCrop(12, { padding: 2 }), new v2.RandomHorizontalFlip(), new v2.ToDtype(torch.float32, { scale: true })]),
  jitter_labeled: () => new v2.ColorJitter(0.3, 0.3, 0.3, 0.05),
  mixup: () => new v2.MixUp({ numClasses: 5 }),
  mixup_alpha: () => new v2.MixUp({ alpha: 0.4, numClasses: 5 }),
  cutmix: () => new v2.CutMix({ numClasses: 5 }),
  cutmix_alpha_dict: () => new v2.CutMix({ alpha: 0.3, numClasses: 4 }),
  mixup_onehot: () => new v2.MixUp(),
  auto_augment: () => new v2.AutoAugment(),
  auto_augment_cifar10: () => new v2.AutoAugment(v2.AutoAugmentPolicy.CIFAR10, { fill: [1, 2, 3] }),
  auto_augment_svhn_bilinear: () => new v2.AutoAugment({ policy: v2.AutoAugmentPolicy.SVHN, interpolation: IM.BILINEAR, fill: 7 }),
  rand_augment: () => new v2.RandAugment(),
  rand_augment_opts: () => new v2.RandAugment({ numOps: 3, magnitude: 15, numMagnitudeBins: 21, interpolation: IM.BILINEAR, fill: [1, 2, 3] }),
  rand_augment_float: () => new v2.RandAugment({ magnitude: 5 }),
  trivial_augment: () => new v2.TrivialAugmentWide(),
  trivial_augment_opts: () => new v2.TrivialAugmentWide({ numMagnitudeBins: 11, interpolation: IM.BILINEAR, fill: 100 }),
  trivial_augment_batch_float: () => new v2.TrivialAugmentWide(),
  trivial_augment_labeled: () => new v2.TrivialAugmentWide(),
  augmix: () => new v2.AugMix(),
  augmix_opts: () => new v2.AugMix({ severity: 7, mixtureWidth: 2, chainDepth: 2, alpha: 0.5, allOps: false, interpolation: IM.NEAREST, fill: [3, 4, 5] }),
  augmix_float: () => new v2.AugMix({ severity: 10, fill: 0.5 }),
  augmix_batch: () => new v2.AugMix({ mixtureWidth: 4 }),
  zoom_out: () => new v2.RandomZoomOut(),
  zoom_out_list_float: () => new v2.RandomZoomOut({ fill: [0.1, 0.2, 0.3], sideRange: [1.0, 2.0], p: 0.8 }),
  zoom_out_gray: () => new v2.RandomZoomOut({ fill: 127, sideRange: [1.5, 3.0], p: 1.0 }),
  zoom_out_list_uint8: () => new v2.RandomZoomOut({ fill: [10, 20, 30], p: 1.0 }),
  zoom_out_batch: () => new v2.RandomZoomOut({ fill: 0.5, sideRange: [1.0, 1.5], p: 1.0 }),
  scale_jitter: () => new v2.ScaleJitter([12, 10]),
  scale_jitter_nearest_float: () => new v2.ScaleJitter([16, 16], { scaleRange: [0.5, 1.5], interpolation: 'nearest' }),
  shortest_size: () => new v2.RandomShortestSize([6, 8, 10], { maxSize: 12 }),
  shortest_size_one: () => new v2.RandomShortestSize(9, { antialias: false }),
  random_resize: () => new v2.RandomResize(5, 12),
  random_resize_bicubic_labeled: () => new v2.RandomResize(6, 9, { interpolation: 'bicubic' }),
};

/** Compares a v2 output (tensors, numbers, arrays for tuples, objects for dicts) with its encoding. */
function checkSample(actual: unknown, exp: SampleEnc, path: string): void {
  if ('tensor' in exp) return check(actual, exp.tensor, undefined, path);
  if ('list' in exp) {
    expect(Array.isArray(actual), `${path}: an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}: length`).toBe(exp.list.length);
    exp.list.forEach((e, i) => checkSample((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if ('dict' in exp) {
    expect(Object.keys(actual as object), `${path}: keys`).toEqual(Object.keys(exp.dict));
    for (const [k, e] of Object.entries(exp.dict)) checkSample((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(exp.value);
}

describe('vision.transforms.v2 match torchvision 0.28 v2 (tensor inputs)', () => {
  it('has a port for every fixture case, and ran on the capability the tests pin', () => {
    expect(fx.cases.map((c) => c.name).filter((n) => !(n in PORTS))).toEqual([]);
    expect(fx.meta.torchvision.startsWith('0.28')).toBe(true);
    expect(fx.meta.cpu_capability).toBe(torch.backends.cpu.getCpuCapability());  // v2's uint8 resize path depends on it
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.py} on ${c.input} (${c.how})`, () => {
      const transform = PORTS[c.name]!();
      const x = makeTensor(fx.inputs[c.input]!);
      const labels = torch.tensor([1, 3]);
      const onehot = torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]], { dtype: torch.float32 });
      const call = {
        plain: () => transform.call(x),
        labeled: () => transform.call(x, 7),
        batch_labels: () => transform.call(x, labels),
        dict: () => transform.call({ image: x, labels }),
        onehot: () => transform.call(x, onehot),
      }[c.how];
      torch.pyrandom.seed(c.seed);
      torch.manualSeed(c.seed);
      c.outputs.forEach((exp, k) => checkSample(call(), exp, `${c.name} call ${k}`));
      expect(torch.rand(1).item(), 'the next torch.rand(1): the same RNG draws as torchvision').toBe(c.after);
    });
  }
});

describe('transforms.v2 samples and errors', () => {
  it('passes every other leaf through: a vision.Image sample, labels, dicts, nested arrays', () => {
    const img = new vision.Image(4, 3, 'RGB', Uint8Array.from({ length: 36 }, (_, i) => i));
    const t = new v2.Compose([new v2.ToImage(), new v2.ToDtype(torch.float32, { scale: true })]);
    const [x, label] = t.call(img, 5) as [Tensor, number];
    expect([x.dtype, x.shape, label]).toEqual([torch.float32, [3, 3, 4], 5]);
    const out = new v2.RandomHorizontalFlip({ p: 1.0 }).call({ image: torch.arange(4).view(1, 2, 2), meta: { id: 'a', tags: [1, 2] } }) as { image: Tensor; meta: unknown };
    expect(out.image.tolist()).toEqual([[[1, 0], [3, 2]]]);
    expect(out.meta).toEqual({ id: 'a', tags: [1, 2] });
    // with a vision.Image in the sample, plain tensors are not images (v2's rule)
    const [flipped, mask] = new v2.RandomHorizontalFlip({ p: 1.0 }).call(img, torch.ones([2])) as [vision.Image, Tensor];
    expect(Array.from(flipped.data.subarray(0, 3))).toEqual([9, 10, 11]);
    expect(mask.tolist()).toEqual([1, 1]);
  });

  it('Resize(None, max_size): the longer edge to maxSize, for the image and the boxes of a sample; size None without an integer maxSize refused, as v2; v1 refuses None', () => {
    const tv = vision.tvTensors;
    const image = new tv.Image(torch.randint(0, 256, [3, 12, 16], { dtype: torch.uint8, generator: new torch.Generator().manualSeed(3) }));
    const boxes = new tv.BoundingBoxes(torch.tensor([[2, 2, 10, 8]], { dtype: torch.float32 }), { format: 'XYXY', canvasSize: [12, 16] });
    const t = new v2.Resize(null, { maxSize: 9 });
    const [img, bx] = t.call(image, boxes) as [Tensor, Tensor];
    expect(img.shape).toEqual([3, 6, 9]);
    expect(torch.equal(img, v2.functional.resize(image, null, 'bilinear', 9))).toBe(true);
    expect(tv.kindOf(img)).toBe('Image');
    expect(tv.boxesMeta(bx).canvasSize).toEqual([6, 9]);
    expect(torch.equal(bx, v2.functional.resize(boxes, null, 'bilinear', 9))).toBe(true);
    expect(() => new v2.Resize(null)).toThrow('max_size must be an integer when size is None, but got null instead.');
    expect(() => new v2.Resize(null, { maxSize: 2.5 })).toThrow('max_size must be an integer when size is None');
    expect(() => new vision.transforms.Resize(null as unknown as number, { maxSize: 9 })).toThrow(TypeError);
  });

  it("marks ToImage's output as the image (tv_tensors.Image): later transforms pick it over other tensors", () => {
    const img = new vision.Image(2, 2, 'RGB', Uint8Array.from({ length: 12 }, (_, i) => 20 * i));
    const mask = torch.tensor([[1, 0], [0, 1]], { dtype: torch.uint8 });
    const out = new v2.Compose([new v2.ToImage(), new v2.ToDtype(torch.float32, { scale: true })]).call({ mask, image: img }) as { mask: Tensor; image: Tensor };
    expect(out.mask).toBe(mask);  // passed through: the image is the tensor ToImage made
    expect([out.image.dtype, out.image.shape]).toEqual([torch.float32, [3, 2, 2]]);
    const user = torch.zeros([3, 2, 2], { dtype: torch.uint8 });
    expect(new v2.ToImage().call(user)).not.toBe(user);  // a view: the caller's tensor is not marked
  });

  it("Lambda applies to each leaf with v2's rule, optionally only to given types", () => {
    const x = torch.zeros([3, 2, 2]);
    const seen: unknown[] = [];
    const [a, b, c] = new v2.Lambda((leaf: unknown) => (seen.push(leaf), typeof leaf === 'number' ? leaf + 1 : leaf)).call(x, 7, torch.ones([1])) as [Tensor, number, Tensor];
    expect([a, b]).toEqual([x, 8]);
    expect(seen.length).toBe(2);  // the second plain tensor is not an image: passed through
    expect(c.tolist()).toEqual([1]);
    expect(new v2.Lambda((n: number) => n * 2, Number).call('s', 4)).toEqual(['s', 8]);
  });

  it('ToPureTensor drops the image mark; Identity returns the sample; Lambda takes the keyword form', () => {
    const img = new vision.Image(2, 2, 'RGB');
    const label = torch.tensor([[5]]);
    const [t, l] = new v2.ToPureTensor().call(new v2.ToImage().call(img), label) as [Tensor, Tensor];
    const seen: unknown[] = [];
    new v2.Lambda({ lambd: (x: unknown) => seen.push(x) }).call(l, t);
    expect(seen).toEqual([l]);  // plain tensors again: only the first (the label) counts
    const sample = [t, 3];
    expect(new v2.Identity().call(...sample)).toEqual(sample);
  });

  it("v2's integer kernels: posterize masks int64 with all 64 bits, invert and solarize take any channel count", () => {
    const F = v2.functional;
    const big = torch.tensor([2n ** 62n, 2n ** 62n + 12345n, 255n]);
    expect(Array.from(F.posterize(big.view(1, 1, 3), 4).flatten().toTypedArray() as BigInt64Array)).toEqual([2n ** 62n, 2n ** 62n, 0n]);
    expect(F.invert(torch.tensor([[[0, 200]]], { dtype: torch.uint8 })).tolist()).toEqual([[[255, 55]]]);
    expect(F.invert(torch.tensor([[1, 2]], { dtype: torch.int16 })).tolist()).toEqual([[32766, 32765]]);  // 2-D, as v2 allows
    expect(F.solarize(torch.tensor([[[10, 200]], [[0, 0]]], { dtype: torch.uint8 }), 128).tolist()).toEqual([[[10, 55]], [[0, 0]]]);  // 2 channels
  });

  it('the automatic augmentations refuse a sample without an image, as v2', () => {
    expect(() => new v2.TrivialAugmentWide().call(5, 'x')).toThrow(/Found no image in the sample/);
  });

  it('types: a v2 class called on a tensor gives a value TypeScript lets a Tensor take', () => {
    const y: Tensor = new v2.RandomCrop(2).call(torch.zeros([3, 4, 4]));
    expect(y.shape).toEqual([3, 2, 2]);
  });

  it('PILToTensor passes tensors through and ToPILImage passes vision.Images through, as v2', () => {
    const t = torch.zeros([3, 2, 2], { dtype: torch.uint8 });
    expect(new v2.PILToTensor().call(t)).toBe(t);
    const img = new vision.Image(2, 2, 'RGB');
    expect(new v2.ToPILImage().call(img)).toBe(img);
  });

  it('refuses what it cannot do, with messages naming the problem', () => {
    expect(() => new v2.RandomApply([])).toThrow(/Pass at least one transform/);
    expect(() => new v2.Resize(4).call(torch.zeros([3, 0, 4]))).toThrow();  // v2 raises: an empty image cannot become 4x4
    const img = new vision.Image(2, 2, 'RGB');
    // the transforms with per-leaf kernels (flips, crops, resizes, rotations) take several images; the others refuse them
    expect(() => new v2.GaussianBlur(3).call(img, img)).toThrow(/holds 2 images; transforms.v2 here transforms one image per sample/);
    const [r1, r2] = new v2.RandomRotation(10).call(img, img) as [vision.Image, vision.Image];
    expect(r1.data).toEqual(r2.data);
    expect(new v2.ToDtype(torch.float32).call(img)).toBe(img);  // a PIL image passes through, as in torchvision (test/vision-tv028-parity.test.ts)
    expect(() => new v2.ToDtype({ image: torch.float32 } as never)).toThrow(/unexpected option 'image'/);  // Python's {tv_tensors.Image: dtype} mapping
    expect(() => new v2.MixUp().call(torch.zeros([2, 3, 4, 4]), torch.tensor([0, 1]))).toThrow(/num_classes must be passed if the labels are index-based/);
    expect(() => new v2.MixUp({ numClasses: 3 }).call(torch.zeros([3, 3, 4, 4]), torch.tensor([0, 1]))).toThrow(/batch size of the image or video does not match the batch size of the labels: 3 != 2/);
    expect(() => new v2.CutMix({ numClasses: 3 }).call(torch.zeros([3, 4, 4]), torch.tensor([0, 1, 2]))).toThrow(/Expected a batched input with 4 dims/);
    expect(() => new v2.CutMix({ numClasses: 3 }).call(img, torch.tensor([0]))).toThrow(/does not support PIL images/);
    expect(() => new v2.MixUp({ alpha: 0 })).toThrow(/alpha must be a positive number/);
    expect(() => new v2.MixUp({ num_classes: 3 } as never)).toThrow(/num_classes/);
    expect(() => new v2.RandomChoice([])).toThrow(/Pass at least one transform/);
    expect(() => new v2.Compose([new vision.transforms.RandomHorizontalFlip()]).call(torch.zeros([3, 2, 2]), 1)).toThrow(/a transform returned Tensor for a sample of 2 parts/);
    expect(() => new v2.RandomChoice([new v2.ToImage()], { p: [1, 2] })).toThrow(/Length of p doesn't match the number of transforms: 2 != 1/);
  });

  it('the functional module has v2 names, and v1 functions where v2 computes the same', () => {
    const F = v2.functional;
    // horizontalFlip, pad, ... dispatch on tv_tensors (test/vision-tv-tensors.test.ts); on images they are v1's
    expect(F.horizontalFlip).toBe(F.hflip);
    const x = torch.arange(12, { dtype: torch.uint8 }).view(1, 3, 4);
    expect(F.horizontalFlip(x).equal(vision.transforms.functional.hflip(x))).toBe(true);
    expect(F.pad(x, [1, 2], 7).equal(vision.transforms.functional.pad(x, [1, 2], 7))).toBe(true);
    expect(F.toDtype(torch.tensor([0, 255], { dtype: torch.uint8 }), torch.float32, { scale: true }).tolist()).toEqual([0, 1]);
  });

  it('v2 pipelines rebuild in DataLoader worker threads with the same outputs', async () => {
    // Worker threads load dist/ (vitest's lib/ sources are not loadable there): dist throughout.
    const dist = await import('../dist/index.js');
    const D2 = dist.vision.transforms.v2;
    const ds = new dist.vision.datasets.FakeData(4, [3, 10, 10], {
      transform: new D2.Compose([new D2.RandomResizedCrop(6), new D2.ToImage(), new D2.ToDtype(dist.float32, { scale: true }), new D2.Normalize(IMAGENET)]),
    });
    const seen: number[][] = [];
    for await (const [x] of new dist.data.DataLoader(ds, { batchSize: 2, numWorkers: 2 }) as AsyncIterable<[Tensor, Tensor]>) {
      expect(x.shape.slice(1)).toEqual([3, 6, 6]);
      seen.push(Array.from(x.flatten().toTypedArray() as Float32Array));
    }
    expect(seen.length).toBe(2);
  });

  it('without dispose or tidy, a v2 pipeline and CutMix leave no native tensors behind once collected', () => {
    const r = runWithGc(`
      const v2 = torch.vision.transforms.v2;
      const t = new v2.Compose([new v2.RandomResizedCrop(8), new v2.ColorJitter(0.3, 0.3, 0.3, 0.1), new v2.RandomAutocontrast(),
        new v2.GaussianBlur(3), new v2.ToDtype(torch.float32, { scale: true }), new v2.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])]);
      const mix = new v2.RandomChoice([new v2.CutMix({ numClasses: 4 }), new v2.MixUp({ numClasses: 4 })]);
      torch.manualSeed(0);
      const x = torch.randint(0, 256, [3, 12, 12], { dtype: torch.uint8 });
      const batch = torch.rand([2, 3, 8, 8]);
      const labels = torch.tensor([0, 3]);
      t.call(x, 1); mix.call(batch, labels);
      const before = await settle();
      for (let i = 0; i < 200; i++) { t.call(x, 1); mix.call(batch, labels); }
      return { leaked: (await settle()) - before };`);
    expect(r.leaked).toBeLessThan(10);
  });
});

describe('transforms.v2 random-size transforms beyond the fixtures', () => {
  it('RandomZoomOut pads a vision.Image as it pads the same pixels as a tensor (list fill included), and rebuilds in a worker', async () => {
    const img = new vision.Image(5, 3, 'RGB', Uint8Array.from({ length: 45 }, (_, i) => (i * 37) % 256));
    const asTensor = new v2.PILToTensor().call(img) as torch.Tensor;
    const zoom = new v2.RandomZoomOut({ fill: [10, 20, 30], sideRange: [1.5, 3], p: 1 });
    torch.manualSeed(3);
    const fromImage = new v2.PILToTensor().call(zoom.call(img)) as torch.Tensor;
    torch.manualSeed(3);
    expect(fromImage.equal(zoom.call(asTensor) as torch.Tensor)).toBe(true);
    expect(fromImage.shape[1]).toBeGreaterThan(3);
    // out-of-range values: clamped to bytes on a vision.Image (PIL), converted from float32 on a tensor (v2)
    const wide = new v2.RandomZoomOut({ fill: [300, -5, 127.9], sideRange: [2, 2], p: 1 });
    const corner = (x: torch.Tensor): number[] => Array.from(x.index(':', -1, -1).toTypedArray() as Uint8Array); // right and bottom always padded here
    expect(corner(new v2.PILToTensor().call(wide.call(img)) as torch.Tensor)).toEqual([255, 0, 127]);
    const fromFloat32 = Array.from(torch.tensor([300, -5, 127.9], { dtype: torch.float32 }).to(torch.uint8).toTypedArray() as Uint8Array);
    expect(corner(wide.call(asTensor) as torch.Tensor)).toEqual(fromFloat32);
    expect((new v2.RandomZoomOut({ fill: [0.1, 0.2, 0.3], sideRange: [2, 2], p: 1 }).call(torch.zeros([3, 2, 2], { dtype: torch.float64 })) as torch.Tensor)
      .index(':', -1, -1).tolist()).toEqual([Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)]);
    expect(new v2.RandomZoomOut({ fill: null }).fill).toBe(0);
    const copy = (await buildSource(structuredClone(packSource(zoom.workerSource(), [], 'transform')))) as typeof zoom;
    torch.manualSeed(3);
    expect((copy.call(asTensor) as torch.Tensor).equal(fromImage)).toBe(true);
  });

  it('refuses bad arguments with the argument named', () => {
    expect(() => new v2.RandomZoomOut({ sideRange: [0.5, 2] })).toThrow(/Invalid side range provided \[0.5,2\]/);
    expect(() => new v2.RandomZoomOut({ p: 2 })).toThrow(/p/);
    expect(() => new v2.RandomZoomOut({ fill: 'red' } as never)).toThrow(/fill must be a number or a list of numbers/);
    expect(() => new v2.RandomZoomOut({ fill: [1, 2], sideRange: [2, 3], p: 1 }).call(torch.zeros([3, 4, 4], { dtype: torch.uint8 }))).toThrow(/The expanded size of the tensor \(3\) must match the existing size \(2\) at non-singleton dimension 0/);  // torchvision's, from its setitem
    expect(() => new v2.ScaleJitter([12])).toThrow(/target_size should be a sequence of length 2/);
    expect(() => new v2.RandomShortestSize([])).toThrow(/min_size must be a positive size or a non-empty list/);
    expect(() => new v2.RandomResize(8, 8)).toThrow(/1 <= min_size < max_size/);
    expect(() => new v2.RandomResize(4, 8, { interpolation: 'area' as never })).toThrow(/Interpolation mode 'area' is unsupported/);
  });
});

