// vision.models.detection's groundwork against torchvision 0.28 (test/fixtures/vision-detection.json, made by
// scripts/make-detection-fixtures.py): box coders, matchers, the sampler's randperm draws, anchor and default
// box generators, GeneralizedRCNNTransform, the FPN backbones and the RPN. Everything without convolutions is
// bit-exact everywhere. The backbones' and RPN's convolutions run oneDNN, whose kernels depend on the CPU
// model: bit-exact (SHA-256 of the bytes) on the CPU model that made the fixture, within float rounding
// (rtol/atol 1e-4 on values, 1e-4 relative on sums) elsewhere.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import * as D from '../lib/vision/models/detection/index.js'; // vision.models.detection
import { cpuModel } from './cpu-model.js';
import { liveTensors } from './run-child.js';
import { check, makeTensor, type Enc, type TensorEnc } from './golden-replay.js';
import { expectTorchvisionState, sha } from './model-fixtures.js';
import { warningsOf } from './warnings-of.js';

type Tensor = torch.Tensor;
const U = D._utils;
const M = vision.models;
const { FrozenBatchNorm2d, LastLevelP6P7, boxIou } = vision.ops;

interface Hashed { hash: string; dtype: string; shape: number[]; sum: number; absSum: number; head: TensorEnc }
type State = [string, number[], string, string][];
interface BackboneCase {
  py: string; input: number[]; state: State; modules: [string, string][]; frozen: string[]; outChannels: number;
  eval: Record<string, Hashed> | Hashed; train: Record<string, Hashed> | Hashed; inputGrad: string; grads: [string, string][]; numParams: number;
}
/* eslint-disable @typescript-eslint/no-explicit-any */
const fx = JSON.parse(readFileSync(new URL('./fixtures/vision-detection.json', import.meta.url), 'utf8')) as {
  meta: { cpuModel: string }; inputs: Record<string, TensorEnc>; cases: Record<string, any>; errors: Record<string, { type: string; message: string }>;
};
const sameCpu = cpuModel === fx.meta.cpuModel;
const ROUNDING = { rtol: 1e-4, atol: 1e-4 };
torch.setNumThreads(1); // as the generator ran

const I = (name: string): Tensor => makeTensor(fx.inputs[name]!);
const C = (name: string): any => fx.cases[name];
const E = (name: string): string => fx.errors[name]!.message;
const exact = (actual: unknown, exp: Enc, path: string): void => check(actual, exp, undefined, path);

/** A tensor the fixture hashed: bit for bit on the same CPU model, its sums and first values within rounding elsewhere. */
function checkHashed(t: Tensor, h: Hashed, path: string): void {
  expect(t.shape, `${path}: shape`).toEqual(h.shape);
  expect(t.dtype.name, `${path}: dtype`).toBe(h.dtype);
  if (sameCpu) {
    expect(sha(t), `${path}: bytes`).toBe(h.hash);
    return;
  }
  const d = t.detach().double();
  const [sum, absSum] = [d.sum().item(), d.abs().sum().item()];
  expect(Math.abs(sum - h.sum), `${path}: sum ${sum} vs ${h.sum}`).toBeLessThanOrEqual(1e-4 * h.absSum + 1e-4);
  expect(Math.abs(absSum - h.absSum), `${path}: abs sum`).toBeLessThanOrEqual(1e-4 * h.absSum + 1e-4);
  check(t.detach().reshape(-1).index(':8'), h.head, ROUNDING, `${path}: first values`);
}

function checkOutput(out: Tensor | Record<string, Tensor>, exp: Hashed | Record<string, Hashed>, path: string): void {
  if (torch.isTensor(out)) return checkHashed(out, exp as Hashed, path);
  expect(Object.keys(out), `${path}: keys`).toEqual(Object.keys(exp));
  for (const [k, h] of Object.entries(exp as Record<string, Hashed>)) checkHashed(out[k]!, h, `${path}.${k}`);
}

describe('detection._utils: BoxCoder, BoxLinearCoder', () => {
  for (const [name, weights] of [['box_coder_encode_10_10_5_5', [10, 10, 5, 5]], ['box_coder_encode_1', [1, 1, 1, 1]]] as const) {
    it(`${name}: encode and its gradients`, () => torch.tidy(() => {
      const refs = [I('ref_a').requiresGrad_(), I('ref_b').requiresGrad_()];
      const props = [I('prop_a').requiresGrad_(), I('prop_b').requiresGrad_()];
      const out = new U.BoxCoder(weights).encode(refs, props);
      const w = torch.arange(1, 33, { dtype: torch.float32 }).reshape(8, 4).div(7);
      torch.cat(out).mul(w).sum().backward();
      const c = C(name);
      exact(out, c.out, 'out');
      exact(refs.map((r) => r.grad), c.gradRefs, 'grad refs');
      exact(props.map((p) => p.grad), c.gradProps, 'grad proposals');
    }));
  }
  for (const [name, weights, clip, dtype] of [
    ['box_coder_decode_10_10_5_5', [10, 10, 5, 5], undefined, torch.float32],
    ['box_coder_decode_1_clip2', [1, 1, 1, 1], 2.0, torch.float32],
    ['box_coder_decode_f64', [2, 2, 1, 1], undefined, torch.float64],
  ] as const) {
    it(`${name}: decode (dw, dh clamped) and its gradient`, () => torch.tidy(() => {
      const relCodes = I('rel_codes').to(dtype).requiresGrad_();
      const coder = new U.BoxCoder(weights, clip);
      const anchors = I('anchors8');
      const out = coder.decode(relCodes, [anchors.index(':5'), anchors.index('5:')]);
      const w = torch.arange(1, out.numel() + 1, { dtype }).reshape(out.shape).div(11);
      out.mul(w).sum().backward();
      exact(out, C(name).out, 'out');
      exact(relCodes.grad, C(name).grad, 'grad');
    }));
  }
  it('decodes nothing, decodeSingle, encodeSingle in float64', () => torch.tidy(() => {
    exact(new U.BoxCoder([1, 1, 1, 1]).decode(torch.zeros(0, 4), [torch.zeros(0, 4)]), C('box_coder_decode_empty'), 'empty');
    exact(new U.BoxCoder([10, 10, 5, 5]).decodeSingle(I('rel_codes').index(':', ':4'), I('anchors8')), C('box_coder_decode_single'), 'decodeSingle');
    exact(new U.BoxCoder([10, 10, 5, 5]).encodeSingle(I('ref_a').double(), I('prop_a').double()), C('box_coder_encode_single_f64'), 'encodeSingle');
    expect(new U.BoxCoder([1, 1, 1, 1]).bboxXformClip).toBe(Math.log(1000.0 / 16));
  }));
  it('BoxLinearCoder encodes and decodes, normalized by size or not', () => torch.tidy(() => {
    const codes = I('rel_codes').index(':5', ':4');
    exact([
      new U.BoxLinearCoder(true).encode(I('ref_a'), I('prop_a')), new U.BoxLinearCoder(false).encode(I('ref_a'), I('prop_a')),
      new U.BoxLinearCoder(true).decode(codes, I('ref_a')), new U.BoxLinearCoder(false).decode(codes, I('ref_a')),
    ], C('box_linear_coder'), 'linear coder');
  }));
  it('rejects bad arguments', () => {
    expect(() => new U.BoxCoder([1, 1, 1] as unknown as [number, number, number, number])).toThrow(TypeError);
    expect(() => new U.BoxCoder([1, 1, 1, 1]).decode(torch.zeros(1, 4), torch.zeros(1, 4) as unknown as Tensor[])).toThrow('This function expects boxes of type list or tuple.');
  });
});

describe('detection._utils: Matcher, SSDMatcher', () => {
  const iou = (): Tensor => boxIou(I('gt4'), I('anchors30'));
  it('matches by thresholds, with and without low-quality matches (ties included)', () => torch.tidy(() => {
    exact(new U.Matcher(0.7, 0.3, false).call(iou()), C('matcher_iou'), 'iou');
    exact(new U.Matcher(0.7, 0.3, true).call(iou()), C('matcher_iou_low_quality'), 'iou low quality');
    exact(new U.Matcher(0.5, 0.25, true).call(I('quality_ties')), C('matcher_ties_low_quality'), 'ties');
    exact(new U.Matcher(0.375, 0.375, false).call(I('quality_ties')), C('matcher_ties_equal_thresholds'), 'equal thresholds');
    exact(new U.SSDMatcher(0.5).call(iou()), C('ssd_matcher'), 'ssd');
    exact(new U.SSDMatcher(0.25).call(I('quality_ties')), C('ssd_matcher_ties'), 'ssd ties');
    expect([U.Matcher.BELOW_LOW_THRESHOLD, U.Matcher.BETWEEN_THRESHOLDS, new U.Matcher(1, 0).BETWEEN_THRESHOLDS]).toEqual([-1, -2, -2]);
  }));
  it('throws torchvision\'s errors', () => {
    expect(() => new U.Matcher(0.7, 0.3).call(torch.zeros(0, 5))).toThrow(E('matcher_no_gt'));
    expect(() => new U.Matcher(0.7, 0.3).call(torch.zeros(3, 0))).toThrow(E('matcher_no_proposals'));
    expect(() => new U.Matcher(0.3, 0.7)).toThrow(E('matcher_thresholds'));
  });
});

describe('detection._utils: BalancedPositiveNegativeSampler draws torchvision\'s samples', () => {
  for (const [name, seed, batch, frac, names] of [
    ['sampler_seed0', 0, 16, 0.25, ['matched_a', 'matched_few_pos', 'matched_few_neg']],
    ['sampler_seed7_big_batch', 7, 256, 0.5, ['matched_a', 'matched_few_neg']],
    ['sampler_seed3_all_pos', 3, 10, 1.0, ['matched_few_neg', 'matched_a']],
  ] as const) {
    it(`${name}: the same masks and generator state after torch.manualSeed(${seed})`, () => torch.tidy(() => {
      torch.manualSeed(seed);
      const [pos, neg] = new U.BalancedPositiveNegativeSampler(batch, frac).call(names.map(I));
      const after = torch.rand(2);
      exact(pos, C(name).pos, 'pos');
      exact(neg, C(name).neg, 'neg');
      exact(after, C(name).after, 'generator after');
    }));
  }
});

describe('detection._utils: _boxLoss, _topkMin, overwriteEps, retrieveOutChannels', () => {
  for (const [name, kind, cnf] of [
    ['box_loss_l1', 'l1', null], ['box_loss_smooth_l1', 'smooth_l1', { beta: 1 / 9 }], ['box_loss_smooth_l1_default', 'smooth_l1', null],
    ['box_loss_giou', 'giou', null], ['box_loss_diou', 'diou', { eps: 1e-5 }], ['box_loss_ciou', 'ciou', null],
  ] as const) {
    it(`${name}: loss and gradient`, () => torch.tidy(() => {
      const pred = I('reg_pred').requiresGrad_();
      const loss = U._boxLoss(kind, new U.BoxCoder([1, 1, 1, 1]), I('reg_anchors'), I('reg_gt'), pred, cnf);
      loss.backward();
      exact(loss, C(name).loss, 'loss');
      exact(pred.grad, C(name).grad, 'grad');
    }));
  }
  it('rejects an unknown loss, and takes the smaller k', () => {
    expect(() => U._boxLoss('l2' as 'l1', new U.BoxCoder([1, 1, 1, 1]), I('reg_anchors'), I('reg_gt'), I('reg_pred'))).toThrow(E('box_loss_unknown'));
    expect([U._topkMin(torch.zeros(2, 7), 5, 1), U._topkMin(torch.zeros(2, 7), 9, 1)]).toEqual(C('topk_min'));
  });
  it('overwriteEps sets every FrozenBatchNorm2d\'s eps; retrieveOutChannels runs a zero image', () => {
    torch.manualSeed(0);
    const model = D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null });
    U.overwriteEps(model, 0.0);
    const eps = model.modules().filter((m) => m instanceof FrozenBatchNorm2d).map((m) => (m as InstanceType<typeof FrozenBatchNorm2d>).eps);
    expect(eps.length).toBeGreaterThan(0);
    expect(eps.every((e) => e === 0)).toBe(true);
    model.train();
    const small = D.mobilenetBackbone({ backboneName: 'mobilenet_v3_small', weights: null, fpn: false });
    expect([U.retrieveOutChannels(model, [32, 32]), U.retrieveOutChannels(small, [40, 32])]).toEqual(C('retrieve_out_channels'));
    expect(model.training).toBe(true);
    model.dispose();
    small.dispose();
  });
});

describe('detection.anchor_utils: AnchorGenerator, DefaultBoxGenerator', () => {
  const run = (gen: D.AnchorGenerator | D.DefaultBoxGenerator, imageShape: number[], sizes: [number, number][], featureShapes: number[][], dtype = torch.float32): Tensor[] =>
    gen.call(new D.ImageList(torch.zeros(imageShape), sizes), featureShapes.map((s) => torch.zeros(s, { dtype }))) as Tensor[];
  it('default cell anchors', () => torch.tidy(() => {
    const gen = new D.AnchorGenerator();
    exact(gen.cellAnchors, C('anchor_generator_default').cellAnchors, 'cell anchors');
    expect(gen.numAnchorsPerLocation()).toEqual(C('anchor_generator_default').numAnchorsPerLocation);
    expect(gen.stateDict()).toEqual({});
    gen.dispose();
  }));
  for (const [name, make, imageShape, sizes, featureShapes, dtype] of [
    ['anchor_generator_fpn', () => new D.AnchorGenerator([[16], [32], [64]], [[0.5, 1.0, 2.0], [0.5, 1.0, 2.0], [0.5, 1.0, 2.0]]), [2, 3, 32, 40], [[30, 40], [32, 36]], [[2, 4, 8, 10], [2, 4, 4, 5], [2, 4, 2, 3]], torch.float32],
    ['anchor_generator_flat_f64', () => new D.AnchorGenerator([24, 40], [0.5, 1.0]), [1, 3, 30, 45], [[30, 45]], [[1, 2, 7, 11], [1, 2, 4, 6]], torch.float64],
    ['anchor_generator_multi', () => new D.AnchorGenerator([[8, 16], [32]], [[1.0], [0.25, 4.0, 1.5]]), [1, 3, 16, 24], [[16, 24]], [[1, 1, 4, 6], [1, 1, 2, 3]], torch.float32],
  ] as const) {
    it(`${name}: anchors per image over the grids`, () => torch.tidy(() => {
      const gen = make();
      const out = run(gen, [...imageShape], sizes.map(([h, w]) => [h, w]), featureShapes.map((s) => [...s]), dtype);
      exact(out, C(name).anchors, 'anchors');
      exact(gen.cellAnchors, C(name).cellAnchors, 'cell anchors (in the features\' dtype)');
      expect(gen.numAnchorsPerLocation()).toEqual(C(name).numAnchorsPerLocation);
      gen.dispose();
    }));
  }
  // their plain tensor fields (cell anchors, SSD's wh pairs) go with any ancestor's dispose (Module.disposeExtras)
  it('a parent module\'s dispose frees the generators\' plain tensors', () => {
    const before = liveTensors(torch);
    const [gen, ssd] = [new D.AnchorGenerator([[16], [32]], [[0.5, 1.0], [1.0]]), new D.DefaultBoxGenerator([[2], [2, 3]])];
    const parent = new torch.nn.ModuleList([gen, ssd]);
    torch.tidy(() => {
      run(gen, [1, 3, 32, 32], [[32, 32]], [[1, 4, 8, 8], [1, 4, 4, 4]]);
      run(ssd, [1, 3, 30, 30], [[30, 30]], [[1, 4, 5, 5], [1, 4, 3, 3]]);
    });
    expect(torch.nativeStats().tensors).toBeGreaterThan(before);
    parent.dispose();
    expect(torch.nativeStats().tensors).toBe(before);
  });
  it('throws torchvision\'s error when feature maps and sizes disagree', () => {
    const gen = new D.AnchorGenerator([[16], [32]], [[1.0], [1.0]]);
    expect(() => run(gen, [1, 3, 16, 16], [[16, 16]], [[1, 1, 4, 4]])).toThrow(E('anchor_generator_mismatch'));
    gen.dispose();
  });
  for (const [name, make, imageShape, n, featureShapes, dtype] of [
    ['default_boxes', () => new D.DefaultBoxGenerator([[2], [2, 3]]), [2, 3, 30, 30], 2, [[2, 4, 5, 5], [2, 4, 3, 3]], torch.float32],
    ['default_boxes_steps_noclip', () => new D.DefaultBoxGenerator([[2, 3], [2]], { minRatio: 0.2, maxRatio: 0.95, steps: [8, 16], clip: false }), [1, 3, 32, 48], 1, [[1, 4, 4, 6], [1, 4, 2, 3]], torch.float32],
    ['default_boxes_scales_f64', () => new D.DefaultBoxGenerator([[3]], { scales: [0.3, 0.75] }), [1, 3, 20, 28], 1, [[1, 4, 3, 4]], torch.float64],
    ['default_boxes_single', () => new D.DefaultBoxGenerator([[2]]), [1, 3, 24, 24], 1, [[1, 4, 3, 3]], torch.float32],
    ['default_boxes_three', () => new D.DefaultBoxGenerator([[2], [2, 3], [2]], { minRatio: 0.1, maxRatio: 0.8 }), [1, 3, 16, 16], 1, [[1, 4, 4, 4], [1, 4, 2, 2], [1, 4, 1, 1]], torch.float32],
  ] as const) {
    it(`${name}: SSD's default boxes, scales and repr`, () => torch.tidy(() => {
      const gen = make();
      const sizes = Array.from({ length: n }, () => [imageShape[2], imageShape[3]] as [number, number]);
      const out = run(gen, [...imageShape], sizes, featureShapes.map((s) => [...s]), dtype);
      const c = C(name);
      exact(out, c.boxes, 'boxes');
      expect(gen.scales).toEqual(c.scales);
      exact(gen._whPairs, c.whPairs, 'wh pairs');
      expect(gen.numAnchorsPerLocation()).toEqual(c.numAnchorsPerLocation);
      expect(gen.toString()).toBe(c.repr);
      gen.dispose();
    }));
  }
  it('DefaultBoxGenerator: steps must match the aspect ratios', () => {
    expect(() => new D.DefaultBoxGenerator([[2], [2]], { steps: [8] })).toThrow(E('default_boxes_steps'));
  });
});

describe('detection.transform: GeneralizedRCNNTransform', () => {
  const MEAN = [0.485, 0.456, 0.406];
  const STD = [0.229, 0.224, 0.225];
  const targets = (): D.DetectionTarget[] => [
    { boxes: I('boxes_a'), labels: I('labels_a'), keypoints: I('kp_a'), masks: I('masks_a') },
    { boxes: I('boxes_b'), labels: I('labels_b') },
  ];
  for (const [name, make, training, seed, withTargets, dtype] of [
    ['transform_eval', () => new D.GeneralizedRCNNTransform(20, 30, MEAN, STD, { sizeDivisible: 8 }), false, null, true, torch.float32],
    ['transform_eval_max_size', () => new D.GeneralizedRCNNTransform(40, 30, MEAN, STD), false, null, false, torch.float32],
    ['transform_train_choice', () => new D.GeneralizedRCNNTransform([12, 16, 20], 40, MEAN, STD, { sizeDivisible: 4 }), true, 3, true, torch.float32],
    ['transform_train_choice_seed11', () => new D.GeneralizedRCNNTransform([12, 16, 20], 40, MEAN, STD, { sizeDivisible: 4 }), true, 11, true, torch.float32],
    ['transform_fixed_size', () => new D.GeneralizedRCNNTransform(20, 30, MEAN, STD, { sizeDivisible: 1, fixedSize: [24, 16] }), false, null, true, torch.float32],
    ['transform_skip_resize', () => new D.GeneralizedRCNNTransform(20, 30, MEAN, STD, { sizeDivisible: 16, _skipResize: true }), true, 4, true, torch.float32],
    ['transform_f64', () => new D.GeneralizedRCNNTransform(17, 25, [0.5, 0.4, 0.3], [0.2, 0.3, 0.25], { sizeDivisible: 5 }), false, null, true, torch.float64],
  ] as const) {
    it(`${name}: images, sizes and targets`, () => torch.tidy(() => {
      const t = make();
      t.train(training);
      if (seed !== null) torch.manualSeed(seed);
      const given = withTargets ? targets() : null;
      const boxesBefore = given?.[0]!.boxes;
      const [il, out] = t.call([I('img_a').to(dtype), I('img_b').to(dtype)], given) as [D.ImageList, D.DetectionTarget[] | null];
      const after = torch.rand(1);
      const c = C(name);
      exact(il.tensors, c.tensors, 'tensors');
      expect(il.imageSizes).toEqual(c.imageSizes);
      exact(out, c.targets, 'targets');
      if (seed !== null || training) exact(after, c.after, 'generator after'); // eval draws nothing: only seeded runs compare
      if (given) expect(given[0]!.boxes).toBe(boxesBefore); // the caller's targets are not changed
    }));
  }
  it('postprocess maps boxes and keypoints back (eval), leaves them in training', () => torch.tidy(() => {
    for (const [name, training] of [['transform_postprocess', false], ['transform_postprocess_training', true]] as const) {
      const t = new D.GeneralizedRCNNTransform(20, 30, MEAN, STD).train(training);
      const boxes = I('pred_boxes');
      const result: D.DetectionTarget[] = [{ boxes, scores: torch.tensor([0.9, 0.8, 0.7, 0.1]), keypoints: I('pred_kp') }, { boxes: boxes.index(':2'), labels: torch.tensor([4, 5]) }];
      exact(t.postprocess(result, [[20, 29], [30, 20]], [[15, 22], [18, 12]]), C(name), name);
    }
  }));
  it('batchImages, resizeBoxes, resizeKeypoints, repr', () => torch.tidy(() => {
    const t = new D.GeneralizedRCNNTransform(20, 30, MEAN, STD);
    exact(t.batchImages([I('img_a'), I('img_b')]), C('batch_images'), 'batch');
    exact([D.resizeBoxes(I('pred_boxes'), [16, 20], [23, 29]), D.resizeBoxes(I('pred_boxes').double(), [16, 20], [23, 29]), D.resizeKeypoints(I('pred_kp'), [16, 20], [23, 29])],
      C('resize_boxes_keypoints'), 'resize');
    expect(new D.GeneralizedRCNNTransform([12, 16], 40, MEAN, STD).toString()).toBe(C('transform_repr'));
  }));
  it('a batched (N, C, H, W) tensor is its images, as Python iterates it', () => torch.tidy(() => {
    const t = new D.GeneralizedRCNNTransform(20, 30, MEAN, STD, { sizeDivisible: 8 });
    const batch = torch.stack([I('img_a'), I('img_a').flip(2)]);
    const [fromTensor] = t.call(batch) as [D.ImageList, null];
    const [fromList] = t.call(batch.unbind(0)) as [D.ImageList, null];
    expect(fromTensor.tensors.equal(fromList.tensors)).toBe(true);
    expect(fromTensor.imageSizes).toEqual(fromList.imageSizes);
  }));
  it('throws torchvision\'s errors', () => {
    const t = new D.GeneralizedRCNNTransform(20, 30, MEAN, STD);
    expect(() => t.call([torch.zeros(15, 22)])).toThrow(E('transform_2d_image'));
    expect(() => t.call([torch.zeros([3, 15, 22], { dtype: torch.uint8 })])).toThrow(E('transform_int_image'));
    // predicted masks are pasted into the original image at the resized boxes (roi_heads.pasteMasksInImage)
    torch.tidy(() => {
      const masks = torch.rand(1, 1, 4, 4);
      const withMasks = [{ boxes: torch.tensor([[0.5, 1.0, 3.0, 3.5]]), masks }];
      const [pasted] = t.eval().postprocess(withMasks, [[4, 4]], [[8, 8]]);
      expect(pasted!.masks!.shape).toEqual([1, 1, 8, 8]);
      expect(pasted!.masks!.equal(D.pasteMasksInImage(masks, pasted!.boxes!, [8, 8]))).toBe(true);
    });
    expect(() => t.train().call([torch.rand(3, 8, 8)], [{ boxes: torch.zeros(1, 4), masks: [[1]] } as never])).toThrow(/"masks" should be a Tensor/);
  });
});

describe('detection.backbone_utils: the FPN backbones built as torchvision builds them', () => {
  const PORTS: Record<string, () => torch.nn.Module> = {
    resnet18_fpn: () => D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null }),
    resnet18_fpn_p6p7: () => D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null, trainableLayers: 5, returnedLayers: [2, 4], extraBlocks: new LastLevelP6P7(512, 256) }),
    resnet50_fpn_bn_frozen: () => D._resnetFpnExtractor(M.resnet50(), 0, [3], null, (c) => new torch.nn.GroupNorm(32, c)),
    mobilenet_v3_large_fpn: () => D.mobilenetBackbone({ backboneName: 'mobilenet_v3_large', weights: null, fpn: true, trainableLayers: 3 }),
    mobilenet_v3_small_conv: () => D.mobilenetBackbone({ backboneName: 'mobilenet_v3_small', weights: null, fpn: false, trainableLayers: 0 }),
    mobilenet_v2_fpn: () => D.mobilenetBackbone({ backboneName: 'mobilenet_v2', weights: null, fpn: true, trainableLayers: 6, returnedLayers: [3, 4, 5] }),
    mobilenet_v3_large_extractor_bn: () => D._mobilenetExtractor(M.mobilenet_v3_large(), true, 1, [2, 5]),
  };
  for (const name of Object.keys(PORTS)) {
    const c = C(name) as BackboneCase;
    it(`${name}: ${c.py}`, () => {
      torch.manualSeed(0);
      const model = PORTS[name]!();
      expectTorchvisionState(model, c.state);
      expect(model.namedModules().map(([k, m]) => [k, m.constructor.name])).toEqual(c.modules);
      expect(model.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k), 'frozen parameters').toEqual(c.frozen);
      expect((model as unknown as { outChannels: number }).outChannels).toBe(c.outChannels);
      expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
      torch.tidy(() => {
        torch.manualSeed(1);
        const x = torch.randn(c.input);
        model.eval();
        torch.noGrad(() => checkOutput(model.call(x) as Tensor | Record<string, Tensor>, c.eval, 'eval'));
        model.train();
        const xg = x.clone().requiresGrad_(true);
        const out = model.call(xg) as Tensor | Record<string, Tensor>;
        checkOutput(out, c.train, 'train');
        const parts = torch.isTensor(out) ? [out] : Object.values(out);
        parts.map((p) => p.sum()).reduce((a, b) => a.add(b)).backward();
        if (sameCpu) {
          expect(sha(xg.grad!), 'input gradient').toBe(c.inputGrad);
          const grads = new Map(model.namedParameters().map(([k, p]) => [k, p.grad]));
          expect(c.grads.filter(([k, h]) => sha(grads.get(k)!) !== h).map(([k]) => k), 'parameter gradients that differ').toEqual([]);
        }
      });
      model.dispose();
    });
  }
  it('throws torchvision\'s errors', () => {
    expect(() => D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null, trainableLayers: 6 })).toThrow(E('resnet_fpn_trainable_6'));
    expect(() => D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null, returnedLayers: [0, 1] })).toThrow(E('resnet_fpn_returned_0'));
    expect(() => D.resnetFpnBackbone({ backboneName: 'resnet18', weights: null, returnedLayers: [2, 5] })).toThrow(E('resnet_fpn_returned_5'));
    expect(() => D.mobilenetBackbone({ backboneName: 'mobilenet_v3_large', weights: null, fpn: true, trainableLayers: 7 })).toThrow(E('mobilenet_trainable_7'));
    expect(() => D.mobilenetBackbone({ backboneName: 'mobilenet_v3_large', weights: null, fpn: true, returnedLayers: [4, 6] })).toThrow(E('mobilenet_returned_6'));
    expect(() => D.resnetFpnBackbone({ backboneName: 'resnet19' as 'resnet18', weights: null })).toThrow(/unknown backboneName 'resnet19'/);
    expect(() => D.resnetFpnBackbone({ backboneName: 'resnet18' } as D.ResnetFpnBackboneOptions)).toThrow(/'weights'/);
  });
  it('_validateTrainableLayers: values, warning and range', () => {
    const got = ([[false, null, 5, 3], [false, 2, 5, 3], [true, null, 5, 3], [true, 0, 6, 3]] as const).map(([a, b, c, d]) => {
      let value = -1;
      const warnings = warningsOf(() => { value = D._validateTrainableLayers(a, b, c, d); }).map(([, m]) => m);
      return { value, warnings };
    });
    expect(got).toEqual(C('validate_trainable_layers'));
    expect(() => D._validateTrainableLayers(true, 6, 5, 3)).toThrow(E('validate_trainable_layers_range'));
  });
});

// review: the extractors leave the model they are given usable, as in Python (only the builders,
// which own theirs, free the unused parts); Python's positional arguments and unknown options
describe('detection: the extractors and constructors as Python calls them', () => {
  it('_resnetFpnExtractor and _mobilenetExtractor leave the backbone usable', () => {
    torch.tidy(() => {
      const resnet = vision.models.resnet18({ numClasses: 4 });
      D._resnetFpnExtractor(resnet, 3, [1, 2]);
      resnet.eval();
      expect(torch.noGrad(() => resnet.call(torch.rand([1, 3, 32, 32]))).shape).toEqual([1, 4]);
      const mobilenet = vision.models.mobilenet_v3_small({ numClasses: 3 });
      D._mobilenetExtractor(mobilenet, true, 2);
      mobilenet.eval();
      expect(torch.noGrad(() => mobilenet.call(torch.rand([1, 3, 32, 32]))).shape).toEqual([1, 3]);
    });
  });
  it('GeneralizedRCNNTransform and DefaultBoxGenerator bind positional arguments and refuse unknown options', () => {
    expect(new D.GeneralizedRCNNTransform(64, 100, [0.5, 0.5, 0.5], [0.2, 0.2, 0.2], 64).sizeDivisible).toBe(64);
    expect(new D.GeneralizedRCNNTransform(64, 100, [0.5, 0.5, 0.5], [0.2, 0.2, 0.2], { sizeDivisible: 16 }).sizeDivisible).toBe(16);
    expect(() => new D.GeneralizedRCNNTransform(64, 100, [0.5], [0.2], { size_divisible: 64 } as never)).toThrow(/size_divisible/);
    const ssd = new D.DefaultBoxGenerator([[2], [2, 3]], 0.2, 0.95);
    expect(ssd.scales.map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.95, 1]);
    ssd.dispose();
    expect(() => new D.DefaultBoxGenerator([[2]], { minRatoi: 0.2 } as never)).toThrow(/minRatoi/);
  });
});

describe('detection.rpn: RPNHead and RegionProposalNetwork', () => {
  const features = (): Record<string, Tensor> => {
    torch.manualSeed(1);
    return { 0: torch.randn(2, 8, 16, 16), 1: torch.randn(2, 8, 8, 8) };
  };
  const images = (): D.ImageList => new D.ImageList(torch.zeros(2, 3, 64, 64), [[64, 60], [50, 64]]);
  const makeRpn = (scoreThresh = 0.0, convDepth = 1): D.RegionProposalNetwork => {
    torch.manualSeed(0);
    const gen = new D.AnchorGenerator([[16], [32]], [[0.5, 1.0, 2.0], [0.5, 1.0, 2.0]]);
    const head = new D.RPNHead(8, 3, convDepth);
    return new D.RegionProposalNetwork(gen, head, 0.7, 0.3, 64, 0.5, { training: 60, testing: 40 }, { training: 30, testing: 15 }, 0.7, scoreThresh);
  };
  // the boxes come from convolutions (oneDNN): exact on the fixture's CPU model, within rounding elsewhere
  const tol = sameCpu ? undefined : ROUNDING;

  it('RPNHead: torchvision\'s modules, weights and outputs; concatBoxPredictionLayers', () => torch.tidy(() => {
    torch.manualSeed(0);
    const head = new D.RPNHead(8, 3);
    const c = C('rpn_head');
    expect(head.namedModules().map(([k, m]) => [k, m.constructor.name])).toEqual(c.modules);
    const [logits, reg] = head.call(Object.values(features())) as [Tensor[], Tensor[]];
    logits.forEach((t, i) => checkHashed(t, c.logits[i], `logits[${i}]`));
    reg.forEach((t, i) => checkHashed(t, c.reg[i], `reg[${i}]`));
    const [flatCls, flatReg] = D.concatBoxPredictionLayers(logits, reg);
    expect([flatCls.shape, flatReg.shape]).toEqual(c.flatShapes);
    checkHashed(flatCls, c.flatCls, 'flat cls');
    checkHashed(flatReg, c.flatReg, 'flat reg');
    head.dispose();
  }));

  for (const [name, training, seed, scoreThresh, background, depth] of [
    ['rpn_eval', false, 5, 0.0, false, 1], ['rpn_train', true, 5, 0.0, false, 1], ['rpn_train_seed9_background', true, 9, 0.0, true, 1],
    ['rpn_eval_score_thresh', false, 5, 0.5, false, 1], ['rpn_train_depth2', true, 2, 0.0, false, 2],
  ] as const) {
    it(`${name}: proposals${training ? ', losses and gradients' : ''}`, () => {
      const rpn = makeRpn(scoreThresh, depth);
      const c = C(name);
      expectTorchvisionState(rpn, c.state);
      torch.tidy(() => {
        const feats = features();
        expect(Object.values(feats).map(sha)).toEqual(c.features);
        rpn.train(training);
        const targets = training ? [{ boxes: I('rpn_gt_a') }, { boxes: background ? torch.zeros(0, 4) : I('rpn_gt_b') }] : null;
        torch.manualSeed(seed);
        const [boxes, losses] = rpn.call(images(), feats, targets) as [Tensor[], D.RpnLosses];
        const after = torch.rand(2);
        check(boxes, c.boxes, tol, 'boxes');
        check(losses, c.losses, tol, 'losses');
        exact(after, c.after, 'generator after');
        if (training) {
          Object.values(losses).reduce((a, b) => a.add(b)).backward();
          check(Object.fromEntries(rpn.namedParameters().map(([k, p]) => [k, p.grad])), c.grads, tol, 'gradients');
        }
      });
      rpn.dispose();
    });
  }

  it('assignTargetsToAnchors, filterProposals (training and eval), computeLoss: bit-exact, no convolutions', () => torch.tidy(() => {
    const rpn = makeRpn();
    rpn.train();
    const anchors = rpn.anchor_generator.call(images(), Object.values(features())) as Tensor[];
    const [labels, matched] = rpn.assignTargetsToAnchors(anchors, [{ boxes: I('rpn_gt_a') }, { boxes: torch.zeros(0, 4) }]);
    const c = C('rpn_parts');
    exact(labels, c.labels, 'labels');
    expect(matched.map(sha)).toEqual(c.matchedHash);
    const g = new torch.Generator().manualSeed(4);
    const n = anchors[0]!.shape[0]!;
    const objectness = torch.randn([2 * n, 1], { generator: g });
    const deltas = torch.randn([2 * n, 4], { generator: g }).mul(0.3);
    const proposals = rpn.boxCoder.decode(deltas, anchors).view(2, -1, 4);
    const shapes: [number, number][] = [[64, 60], [50, 64]];
    const [boxes, scores] = rpn.filterProposals(proposals, objectness, shapes, [16 * 16 * 3, 8 * 8 * 3]);
    exact(boxes, c.boxes, 'boxes');
    exact(scores, c.scores, 'scores');
    rpn.eval();
    const [boxesEval, scoresEval] = rpn.filterProposals(proposals, objectness, shapes, [16 * 16 * 3, 8 * 8 * 3]);
    exact(boxesEval, c.boxesEval, 'boxes (eval)');
    exact(scoresEval, c.scoresEval, 'scores (eval)');
    rpn.scoreThresh = 0.6;
    const [boxesThresh, scoresThresh] = rpn.filterProposals(proposals, objectness, shapes, [16 * 16 * 3, 8 * 8 * 3]);
    exact(boxesThresh, c.boxesThresh, 'boxes (scoreThresh 0.6)');
    exact(scoresThresh, c.scoresThresh, 'scores (scoreThresh 0.6)');
    rpn.scoreThresh = 0.0;
    rpn.train();
    const regressionTargets = rpn.boxCoder.encode(matched, anchors);
    expect(regressionTargets.map(sha)).toEqual(c.targetsHash);
    torch.manualSeed(12);
    const obj = objectness.clone().requiresGrad_();
    const dl = deltas.clone().requiresGrad_();
    const [lossObj, lossBox] = rpn.computeLoss(obj, dl, labels, regressionTargets);
    lossObj.add(lossBox).backward();
    exact(lossObj, c.lossObjectness, 'objectness loss');
    exact(lossBox, c.lossBox, 'box loss');
    expect([sha(obj.grad!), sha(dl.grad!)]).toEqual([c.gradObjHash, c.gradDeltasHash]);
    rpn.dispose();
  }));

  it('needs targets in training; loads version-1 RPNHead state dicts', () => {
    const rpn = makeRpn();
    rpn.train();
    expect(() => rpn.call(images(), features())).toThrow(E('rpn_train_no_targets'));
    const head = rpn.head as D.RPNHead;
    const state = head.stateDict();
    const old: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(state)) old[k.replace('conv.0.0.', 'conv.')] = v.clone().add(1);
    const want = sha(old['conv.weight']!);
    expect(Object.keys(old)).toContain('conv.bias');
    head.loadStateDict(old);
    expect(sha(head.conv.at(0).stateDict()['0.weight']!)).toBe(want);
    rpn.dispose();
  });

  it('leaves no tensors behind: RPN training steps, transforms, anchors, backbones in torch.tidy', () => {
    const rpn = makeRpn();
    const transform = new D.GeneralizedRCNNTransform([12, 16], 40, [0.5, 0.5, 0.5], [0.2, 0.2, 0.2]);
    const backbone = D.mobilenetBackbone({ backboneName: 'mobilenet_v3_small', weights: null, fpn: true });
    const step = (): void => torch.tidy(() => {
      rpn.train();
      const [, losses] = rpn.call(images(), features(), [{ boxes: I('rpn_gt_a') }, { boxes: I('rpn_gt_b') }]) as [Tensor[], D.RpnLosses];
      Object.values(losses).reduce((a, b) => a.add(b)).backward();
      rpn.eval();
      rpn.call(images(), features());
      transform.train();
      transform.call([I('img_a'), I('img_b')], [{ boxes: I('boxes_a'), masks: I('masks_a'), keypoints: I('kp_a') }, { boxes: I('boxes_b') }]);
      transform.eval().call([I('img_a').double()]);
      const gen = new D.DefaultBoxGenerator([[2], [3]]);
      gen.call(images(), Object.values(features()));
      gen.dispose(); // its wh pairs, as a module's own tensors, live until disposed
      backbone.call(torch.randn(1, 3, 32, 32));
    });
    step(); // the parameters' gradients appear on the first backward
    const before = liveTensors(torch);
    for (let i = 0; i < 3; i++) step();
    expect(torch.nativeStats().tensors - before).toBe(0);
    rpn.dispose();
    backbone.dispose();
  });
});
