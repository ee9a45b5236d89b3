// transforms.v2's GaussianNoise, RGB, RandomChannelPermutation, RandomPhotometricDistort and
// UniformTemporalSubsample (classes and v2.functional kernels), and vision.utils.flowToImage, against
// torchvision 0.28 (test/fixtures/v2-photometric.json, made by scripts/make-v2-photometric-fixtures.py):
// every output bit for bit, the tv_tensor kinds kept, and the torch RNG where Python leaves it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import { makeTensor, type TensorEnc } from './golden-replay.js';
import { checkOut, inputMaker, pilOf, randNext, tensorValues, type OutEnc } from './v2-out.js';
import { fullGc } from './run-child.js';

const v2 = vision.transforms.v2;
const F = v2.functional;
const tv = vision.tvTensors;
type Tensor = torch.Tensor;
type ImageLike = vision.transforms.functional.ImageLike;

interface ErrorEnc { type: string; message: string }
interface ParamsEnc { brightness_factor: number | null; contrast_factor: number | null; saturation_factor: number | null; hue_factor: number | null; contrast_before: boolean; channel_permutation: number[] | null }
const fx = JSON.parse(readFileSync(new URL('./fixtures/v2-photometric.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, TensorEnc>;
  kernels: { fn: string; input: string; how: string; kwargs: Record<string, unknown>; seed: number | null; out: OutEnc; next: number[] | null }[];
  numFrames: { video: number; videos: number; video_kernel: number };
  classes: { src: string; how: string; seed: number; calls: number; repr: string; outs: OutEnc[]; next: number[] }[];
  draws: { p: number; channels: number; seed: number; params: ParamsEnc[]; next: number[] }[];
  flows: Record<string, OutEnc>;
  colorwheel: TensorEnc;
  normalizedImage: { input: TensorEnc; out: TensorEnc };
  errors: Record<string, ErrorEnc>;
};

const input = (name: string): Tensor => makeTensor(fx.inputs[name]!);
const pil = (name: string): vision.Image => pilOf(fx.inputs[name]!);
const make = inputMaker(fx.inputs);

const MASK = (): Tensor => new tv.Mask(input('mask'));
const BOXES = (): Tensor => new tv.BoundingBoxes(input('boxes'), { format: 'XYXY', canvasSize: [10, 12] });

function sample(how: string): unknown[] {
  switch (how) {
    case 'rgbf_pure': return [input('rgbf')];
    case 'rgb_pure': return [input('rgb')];
    case 'gray_pure': return [input('gray')];
    case 'c4_pure': return [input('c4')];
    case 'batch_pure': return [input('batch'), 3];
    case 'two_pure': return [input('rgbf'), input('grayf')];
    case 'image_dict': return [{ image: new tv.Image(input('rgb')), mask: MASK(), boxes: BOXES(), label: 4, extra: input('grayf') }];
    case 'video_dict': return [{ video: new tv.Video(input('video')), mask: new tv.Mask(torch.ones([6, 7], { dtype: torch.uint8 })), image: new tv.Image(input('video').select(0, 0).clone()), label: 2 }];
    case 'gray_dict': return [{ image: new tv.Image(input('gray')), video: new tv.Video(input('videos').select(0, 0).clone()), mask: MASK() }];
    case 'rgb_pil': return [pil('rgb')];
    case 'gray_pil_label': return [pil('gray'), 1];
    case 'video_pure': return [input('video')];
    case 'videos_tv': return [new tv.Video(input('videos')), torch.tensor([1, 2])];
    case 'videof_two': return [input('videof'), input('video')];
    case 'pil_video': return [pil('rgb'), input('video')];
    default: throw new Error(how);
  }
}

// The JS port of each Python source in the fixture.
const CUSTOM = { brightness: [0.5, 1.5], contrast: [0.2, 1.8], saturation: [0.1, 2.0], hue: [-0.5, 0.5], p: 0.8 };
const CLASSES: Record<string, () => { call(...a: unknown[]): unknown }> = {
  'v2.GaussianNoise()': () => new v2.GaussianNoise(),
  'v2.GaussianNoise(mean=0.1, sigma=0.2, clip=False)': () => new v2.GaussianNoise({ mean: 0.1, sigma: 0.2, clip: false }),
  'v2.GaussianNoise(sigma=0.3)': () => new v2.GaussianNoise({ sigma: 0.3 }),
  'v2.GaussianNoise(0.05, 0.1, True)': () => new v2.GaussianNoise(0.05, 0.1, true),
  'v2.RGB()': () => new v2.RGB(),
  'v2.RandomChannelPermutation()': () => new v2.RandomChannelPermutation(),
  'v2.RandomPhotometricDistort()': () => new v2.RandomPhotometricDistort(),
  'v2.RandomPhotometricDistort(p=1.0)': () => new v2.RandomPhotometricDistort({ p: 1.0 }),
  'v2.RandomPhotometricDistort(p=0.0)': () => new v2.RandomPhotometricDistort({ p: 0.0 }),
  'v2.RandomPhotometricDistort(p=0.5)': () => new v2.RandomPhotometricDistort({ p: 0.5 }),
  'v2.RandomPhotometricDistort(p=0.7)': () => new v2.RandomPhotometricDistort({ p: 0.7 }),
  'v2.RandomPhotometricDistort(brightness=(0.5, 1.5), contrast=(0.2, 1.8), saturation=(0.1, 2.0), hue=(-0.5, 0.5), p=0.8)':
    () => new v2.RandomPhotometricDistort(CUSTOM.brightness, CUSTOM.contrast, CUSTOM.saturation, CUSTOM.hue, CUSTOM.p),
  'v2.UniformTemporalSubsample(3)': () => new v2.UniformTemporalSubsample(3),
  'v2.UniformTemporalSubsample(2)': () => new v2.UniformTemporalSubsample(2),
  'v2.UniformTemporalSubsample(10)': () => new v2.UniformTemporalSubsample(10),
  'v2.UniformTemporalSubsample(num_samples=1)': () => new v2.UniformTemporalSubsample({ numSamples: 1 }),
};

/** The functional of a fixture kernel case, with Python's keyword arguments as the options object. */
function runKernel(fn: string, x: unknown, kw: Record<string, unknown>): unknown {
  switch (fn) {
    case 'gaussian_noise': return F.gaussianNoise(x as Tensor, kw as { mean?: number; sigma?: number; clip?: boolean });
    case 'grayscale_to_rgb': return F.grayscaleToRgb(x as ImageLike);
    case 'permute_channels': return F.permuteChannels(x as ImageLike, kw.permutation as number[]);
    case 'uniform_temporal_subsample': return F.uniformTemporalSubsample(x as Tensor, { numSamples: kw.num_samples as number });
    default: throw new Error(fn);
  }
}

// first in the file: no garbage of earlier tests for a GC to collect inside the counted loop
describe('workers and leaks', () => {
  it('workerSource rebuilds each class with its arguments', () => {
    const d = new v2.RandomPhotometricDistort({ brightness: [0.1, 0.2], p: 0.3 });
    expect(d.workerSource()).toMatchObject({ export: 'RandomPhotometricDistort', args: [[0.1, 0.2], [0.5, 1.5], [0.5, 1.5], [-0.05, 0.05], 0.3] });
    expect(new v2.GaussianNoise(0.1, 0.2, false).workerSource().args).toEqual([0.1, 0.2, false]);
    expect(new v2.RGB().workerSource().args).toEqual([]);
    expect(new v2.RandomChannelPermutation().workerSource().args).toEqual([]);
    expect(new v2.UniformTemporalSubsample(4).workerSource().args).toEqual([4]);
  });
  it('no tensor left to the GC, refusals included', () => {
    const rgb = input('rgb'), rgbf = input('rgbf'), gray = input('gray'), flows = input('flows');
    const img = pil('rgb');
    // a tv_tensor is a new handle on its data: the source handle goes now, not at a GC inside the loop
    const wrap = <T>(make: (t: Tensor) => T, t: Tensor): T => { try { return make(t); } finally { t.dispose(); } };
    const video = wrap((t) => new tv.Video(t), input('video'));
    const sampleDict = { image: wrap((t) => new tv.Image(t), input('rgb')), mask: wrap((t) => new tv.Mask(t), input('mask')),
      boxes: wrap((t) => new tv.BoundingBoxes(t, { format: 'XYXY', canvasSize: [10, 12] }), input('boxes')), label: 4 };
    const [int32, noFrames, badFlow] = [rgb.to(torch.int32), torch.zeros([0, 3, 2, 2]), torch.zeros([3, 4, 5])];
    const ts = [new v2.GaussianNoise(), new v2.RGB(), new v2.RandomChannelPermutation(), new v2.RandomPhotometricDistort(), new v2.RandomPhotometricDistort({ p: 1 }),
      new v2.RandomPhotometricDistort(CUSTOM.brightness, CUSTOM.contrast, CUSTOM.saturation, CUSTOM.hue, CUSTOM.p)];
    const run = (): void => {
      for (const x of [rgb, rgbf, video]) {
        for (const t of ts) {
          const out = t.call(x) as Tensor;
          if (out !== x) out.dispose();
        }
      }
      for (const t of ts.slice(1)) t.call(img);
      for (const t of ts) {
        const d = t.call(sampleDict) as { image: Tensor };
        if (d.image !== sampleDict.image) d.image.dispose();
      }
      const sub = new v2.UniformTemporalSubsample(7).call(video) as Tensor;
      sub.dispose();
      (F.grayscaleToRgb(gray) as Tensor).dispose();
      (F.permuteChannels(rgb, [2, 1, 0]) as Tensor).dispose();
      F.permuteChannels(img, [2, 1, 0]);
      vision.utils.flowToImage(flows).dispose();
      vision.utils._makeColorwheel().dispose();
      for (const bad of [() => F.gaussianNoise(int32), () => F.permuteChannels(rgb, [1, 0]), () => new v2.GaussianNoise().call(img),
        () => new v2.GaussianNoise({ sigma: -1 }).call(rgbf), () => F.uniformTemporalSubsample(noFrames, 2),
        () => vision.utils.flowToImage(badFlow), () => new v2.RandomPhotometricDistort().call({ mask: sampleDict.mask })]) {
        try { bad(); } catch { /* refused */ }
      }
    };
    run();
    fullGc(); // earlier tests' garbage must not be freed while this one counts
    const before = torch.nativeStats().tensors;
    for (let n = 0; n < 3; n++) run();
    expect(torch.nativeStats().tensors - before).toBe(0);
  });
});

describe('v2.functional kernels against torchvision', () => {
  for (const k of fx.kernels) {
    it(`${k.fn}(${k.input} as ${k.how}, ${JSON.stringify(k.kwargs)})${k.seed === null ? '' : `, seed ${k.seed}, then the RNG`}`, () => {
      if (k.seed !== null) torch.manualSeed(k.seed);
      checkOut(runKernel(k.fn, make(k.input, k.how), k.kwargs), k.out, 'out');
      if (k.next !== null) expect(randNext(2)).toEqual(k.next);
    });
  }
  it('the per-kind kernels: gaussianNoiseImage/Video, grayscaleToRgbImage, permuteChannelsImage/Video, uniformTemporalSubsampleVideo', () => {
    for (const [fn, kernel] of [['gaussian_noise', F.gaussianNoiseImage], ['gaussian_noise', F.gaussianNoiseVideo]] as const) {
      const k = fx.kernels.find((c) => c.fn === fn && c.input === 'rgb' && c.seed === 4)!;
      torch.manualSeed(4);
      const out = kernel(input('rgb'), 0.1, 0.3, false);
      expect(tensorValues(out)).toEqual((k.out as { tensor: TensorEnc }).tensor.data);
    }
    const gray = fx.kernels.find((c) => c.fn === 'grayscale_to_rgb' && c.input === 'gray' && c.how === 'pure')!;
    checkOut(F.grayscaleToRgbImage(input('gray')), gray.out, 'grayscaleToRgbImage');
    const rgb = input('rgb');
    expect(F.grayscaleToRgbImage(rgb)).toBe(rgb);  // 3 channels: the same tensor, as torchvision
    const perm = fx.kernels.find((c) => c.fn === 'permute_channels' && c.input === 'batch')!;
    checkOut(F.permuteChannelsImage(input('batch'), torch.tensor([2, 1, 0])), perm.out, 'permuteChannelsImage');
    const permV = fx.kernels.find((c) => c.fn === 'permute_channels' && c.input === 'video')!;
    checkOut(new tv.Video(F.permuteChannelsVideo(input('video'), { permutation: [1, 0, 2] })), permV.out, 'permuteChannelsVideo');
    const sub = fx.kernels.find((c) => c.fn === 'uniform_temporal_subsample' && c.input === 'videos' && c.how === 'pure')!;
    checkOut(F.uniformTemporalSubsampleVideo(input('videos'), 3), sub.out, 'uniformTemporalSubsampleVideo');
    const empty = torch.zeros([0, 3, 4, 4]);
    expect(F.permuteChannels(empty, [2, 0, 1])).toBe(empty);
  });
  it('getNumFrames and getNumFramesVideo', () => {
    expect(F.getNumFrames(new tv.Video(input('video')))).toBe(fx.numFrames.video);
    expect(F.getNumFrames(input('videos'))).toBe(fx.numFrames.videos);
    expect(F.getNumFramesVideo(input('videof'))).toBe(fx.numFrames.video_kernel);
  });
});

describe('the v2 classes against torchvision', () => {
  for (const c of fx.classes) {
    it(`${c.src} on ${c.how}, seed ${c.seed}, ${c.calls} call(s), then the RNG`, () => {
      const t = CLASSES[c.src]!();
      expect(String(t)).toBe(c.repr);
      torch.manualSeed(c.seed);
      // on a vision.Image v2's PIL colour kernels are PIL's ImageEnhance and HSV, ported bit for bit
      c.outs.forEach((exp, n) => checkOut(t.call(...sample(c.how)), exp, `call ${n}`));
      expect(randNext(3)).toEqual(c.next);
    });
  }
  for (const d of fx.draws) {
    it(`RandomPhotometricDistort(p=${d.p}).makeParams on ${d.channels} channel(s), seed ${d.seed}, and the RNG after`, () => {
      const t = new v2.RandomPhotometricDistort({ p: d.p });
      const img = torch.zeros([d.channels, 2, 2]);
      torch.manualSeed(d.seed);
      for (const exp of d.params) {
        const q = t.makeParams([img]);
        expect(q).toEqual({
          brightnessFactor: exp.brightness_factor, contrastFactor: exp.contrast_factor, saturationFactor: exp.saturation_factor,
          hueFactor: exp.hue_factor, contrastBefore: exp.contrast_before, channelPermutation: exp.channel_permutation,
        });
      }
      expect(randNext(2)).toEqual(d.next);
    });
  }
  it('the input given is never changed, and a skipped distortion gives it back', () => {
    const x = input('rgbf');
    const before = tensorValues(x);
    torch.manualSeed(0);
    for (const t of [new v2.GaussianNoise(), new v2.RandomChannelPermutation(), new v2.RandomPhotometricDistort({ p: 1 })]) t.call(x);
    expect(tensorValues(x)).toEqual(before);
    expect(new v2.RandomPhotometricDistort({ p: 0 }).call(x)).toBe(x);
  });
});

describe('vision.utils.flowToImage against torchvision', () => {
  for (const [name, exp] of Object.entries(fx.flows)) {
    it(`flow_to_image(${name})`, () => checkOut(vision.utils.flowToImage(input(name)), exp, name));
  }
  it('_make_colorwheel and _normalized_flow_to_image', () => {
    expect(tensorValues(vision.utils._makeColorwheel())).toEqual(fx.colorwheel.data);
    const out = vision.utils._normalizedFlowToImage(makeTensor(fx.normalizedImage.input));
    expect(out.shape).toEqual(fx.normalizedImage.out.shape);
    expect(tensorValues(out)).toEqual(fx.normalizedImage.out.data);
  });
});

describe('refusals, as torchvision', () => {
  const mask = (): Tensor => MASK();
  const cases: [string, () => unknown, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, string?][] = [
    ['noise_pil_class', () => new v2.GaussianNoise().call(pil('rgb')), TypeError],
    ['noise_pil', () => F.gaussianNoise(pil('rgb') as unknown as Tensor), TypeError],
    ['noise_sigma', () => F.gaussianNoise(input('rgbf'), { sigma: -0.1 }), RangeError],
    ['noise_sigma_class', () => new v2.GaussianNoise({ sigma: -1.0 }).call(input('rgbf')), RangeError, "sigma shouldn't be negative. Got -1"],
    ['noise_dtype', () => F.gaussianNoise(input('rgb').to(torch.int32)), TypeError],
    ['noise_mask', () => F.gaussianNoise(mask()), TypeError, 'Functional F.gaussian_noise supports inputs of type'],
    ['rgb_video', () => F.grayscaleToRgb(new tv.Video(input('video'))), TypeError, 'Functional F.grayscale_to_rgb supports inputs of type'],
    ['rgb_two', () => F.grayscaleToRgb(torch.zeros([2, 4, 4])), RangeError],
    ['permute_length', () => F.permuteChannels(input('rgb'), [1, 0]), RangeError],
    ['permute_mask', () => F.permuteChannels(mask(), [0]), TypeError, 'Functional F.permute_channels supports inputs of type'],
    ['permutation_no_image', () => new v2.RandomChannelPermutation().call({ mask: mask(), label: 1 }), TypeError],
    ['distort_no_image', () => new v2.RandomPhotometricDistort().call({ boxes: BOXES() }), TypeError],
    ['distort_sizes', () => new v2.RandomPhotometricDistort().call(new tv.Image(input('rgb')), new tv.Image(input('gray'))), RangeError, 'Found multiple CxHxW dimensions in the sample'],
    ['subsample_image', () => F.uniformTemporalSubsample(new tv.Image(input('rgb')), 2), TypeError, 'Functional F.uniform_temporal_subsample supports inputs of type'],
    ['frames_image', () => F.getNumFrames(new tv.Image(input('rgb'))), TypeError, 'Functional F.get_num_frames supports inputs of type'],
    ['subsample_negative', () => F.uniformTemporalSubsample(input('video'), -1), RangeError],
    ['flow_dtype', () => vision.utils.flowToImage(input('flow').double()), TypeError],
    ['flow_shape', () => vision.utils.flowToImage(torch.zeros([3, 4, 5])), RangeError],
    ['flow_shape4', () => vision.utils.flowToImage(torch.zeros([2, 3, 4, 5])), RangeError],
    ['flow_2d', () => vision.utils.flowToImage(torch.zeros([4, 5])), RangeError],
  ];
  for (const [name, fn, type, message] of cases) {
    it(`${name}: ${fx.errors[name]!.type}`, () => {
      expect(fn).toThrow(type);
      expect(fn).toThrow(message ?? fx.errors[name]!.message);
    });
  }
  it('bad arguments are refused with a JS Error', () => {
    expect(() => new v2.GaussianNoise('0' as unknown as number)).toThrow(TypeError);
    expect(() => new v2.GaussianNoise({ clip: 1 as unknown as boolean })).toThrow(TypeError);
    expect(() => new v2.RandomPhotometricDistort({ brightness: [1] })).toThrow(TypeError);
    expect(() => new v2.RandomPhotometricDistort({ p: '1' as unknown as number })).toThrow(TypeError);
    expect(() => new v2.UniformTemporalSubsample(1.5)).toThrow(TypeError);
    expect(() => F.permuteChannels(input('rgb'), [0, 1, 5])).toThrow(RangeError);
    expect(() => F.permuteChannels(input('rgb'), 'abc' as unknown as number[])).toThrow(TypeError);
    expect(() => F.uniformTemporalSubsample(input('rgb'), 2)).toThrow(RangeError);
    expect(() => F.uniformTemporalSubsample(torch.zeros([0, 3, 2, 2]), 2)).toThrow(RangeError);
    expect(() => F.getNumFrames(input('rgb'))).toThrow(RangeError);
    expect(() => vision.utils.flowToImage([1, 2] as unknown as Tensor)).toThrow(TypeError);
  });
});
