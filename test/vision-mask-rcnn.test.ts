// Mask R-CNN against torchvision 0.28 (test/fixtures/mask-rcnn.json, made by
// scripts/make-mask-rcnn-fixtures.py): the mask branch's functions (projectMasksOnBoxes, maskrcnnLoss and its
// gradient, maskrcnnInference, expandBoxes, expandMasks, pasteMasksInImage), MaskRCNN on a tiny custom
// backbone (eval detections with masks pasted into the images, train losses with loss_mask, gradients),
// MaskRCNNHeads / MaskRCNNPredictor, and the two builders' construction. The mask functions have no
// convolutions or Linear layers: bit-exact everywhere (projectMasksOnBoxes' adaptive roi_align too: the
// fixture runs torchvision's CPU kernel, which roiAlign follows addition for addition). The models'
// convolutions and Linear layers run oneDNN / BLAS, whose kernels depend on the CPU model: bit-exact
// (hashes) on the CPU model that made the fixture, within rounding elsewhere.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import * as D from '../lib/vision/models/detection/index.js'; // vision.models.detection
import { liveTensors } from './run-child.js';
import { check } from './golden-replay.js';
import { expectDetectorLeavesNothing, expectGradients, expectTorchvisionState, loadDetectionFixture, modulesOf, sha, expectSeededDetectorCase } from './model-fixtures.js';

type Tensor = torch.Tensor;
const { nn } = torch;
const { MultiScaleRoIAlign } = vision.ops;

/* eslint-disable @typescript-eslint/no-explicit-any */
const fx = loadDetectionFixture('mask-rcnn.json');
const { sameCpu, I, C, E, exact } = fx;
torch.setNumThreads(1); // as the generator ran

/** Bit for bit (the mask functions have no CPU-dependent kernels). */
const EXACT = { rtol: 0, atol: 0 };

describe('detection.roi_heads: the mask branch\'s functions, bit-exact', () => {
  it('projectMasksOnBoxes: ground-truth masks cropped to the proposals by roi_align', () => torch.tidy(() => {
    const c = C('mask_project');
    check(D.projectMasksOnBoxes(I('gt_masks'), I('proposals'), I('matched'), 7), c.m7, EXACT, '7x7');
    exact(D.projectMasksOnBoxes(I('gt_masks_2'), I('proposals_2'), I('matched_2'), 5), c.m5, '5x5');
  }));

  it('maskrcnnLoss: loss and gradient; no positive proposal gives a zero still connected to the logits', () => torch.tidy(() => {
    const c = C('mask_loss');
    const logits = I('mask_logits').requiresGrad_();
    const loss = D.maskrcnnLoss(logits, [I('proposals'), I('proposals_2')], [I('gt_masks'), I('gt_masks_2')], [I('gt_labels'), I('gt_labels_2')], [I('matched'), I('matched_2')]);
    loss.backward();
    exact(loss, c.loss, 'loss');
    check(logits.grad, c.grad, EXACT, 'gradient');
    const empty = I('mask_logits').index(':0').requiresGrad_();
    const loss0 = D.maskrcnnLoss(empty, [torch.zeros(0, 4)], [I('gt_masks')], [I('gt_labels')], [torch.zeros([0], { dtype: torch.int64 })]);
    loss0.backward();
    exact(loss0, c.empty, 'empty loss');
    exact(empty.grad, c.emptyGrad, 'empty gradient');
  }));

  it('maskrcnnInference: each detection\'s label\'s probabilities, per image', () => torch.tidy(() => {
    const c = C('mask_inference');
    exact(D.maskrcnnInference(I('mask_logits'), [torch.tensor([1, 3, 0, 2, 2, 1]), torch.tensor([3, 0, 1, 2])]), c.probs, 'probabilities');
    exact(D.maskrcnnInference(I('mask_logits').index(':0'), [torch.zeros([0], { dtype: torch.int64 })]), c.empty, 'none');
  }));

  it('expandBoxes, expandMasks, pasteMaskInImage and pasteMasksInImage (boxes across the borders, padding 0 .. 2, none)', () => torch.tidy(() => {
    const e = C('mask_expand');
    exact(D.expandBoxes(I('paste_boxes'), 8 / 6), e.boxes, 'expandBoxes 8/6');
    exact(D.expandBoxes(I('paste_boxes'), 1.25), e.boxes_1_25, 'expandBoxes 1.25');
    const [padded, scale] = D.expandMasks(I('probs'), 2);
    exact(padded, e.masks, 'expandMasks');
    expect(scale).toBe(e.scale);
    const p = C('mask_paste');
    exact(D.pasteMasksInImage(I('probs'), I('paste_boxes'), [20, 30]), p.p1, 'padding 1');
    exact(D.pasteMasksInImage(I('probs'), I('paste_boxes'), [24, 28], 2), p.p2, 'padding 2');
    exact(D.pasteMasksInImage(I('probs'), I('paste_boxes'), [21, 31], 0), p.p0, 'padding 0');
    exact(D.pasteMaskInImage(I('probs').select(0, 0).select(0, 0), I('paste_boxes').select(0, 0).long(), 20, 30), p.one, 'one mask');
    exact(D.pasteMasksInImage(I('probs').index(':0'), I('paste_boxes').index(':0'), [20, 30]), p.empty, 'none');
  }));

  it('bad inputs are errors', () => {
    expect(() => D.pasteMaskInImage(torch.rand(4, 4), torch.tensor([1.5, 1.5, 6.7, 6.2]), 10, 10)).toThrow(/only integer tensors of a single element can be converted to an index/);
    expect(() => D.pasteMasksInImage(torch.zeros(2, 6, 6), torch.zeros(2, 4), [10, 10])).toThrow(/masks should be a Tensor \(N, 1, M, M\)/);
    expect(() => D.pasteMasksInImage(torch.zeros(2, 1, 6, 6), torch.zeros(2, 4), [10] as never)).toThrow(/imgShape should be \[height, width\]/);
    expect(() => D.projectMasksOnBoxes(torch.zeros(6, 6), torch.zeros(1, 4), torch.zeros([1], { dtype: torch.int64 }), 7)).toThrow(/gtMasks should be \(N, H, W\)/);
    expect(() => D.projectMasksOnBoxes(torch.zeros(1, 6, 6), torch.zeros(1, 4), torch.zeros([1], { dtype: torch.int64 }), 0)).toThrow(/M should be a positive int/);
    expect(() => D.maskrcnnLoss(torch.zeros(2, 3), [], [], [], [])).toThrow(/maskLogits should be a Tensor \(N, numClasses, M, M\)/);
    expect(() => D.maskrcnnInference(torch.zeros(2, 3, 4, 4), [[1, 2]] as never)).toThrow(/labels should be an array of Tensors/);
    expect(() => D.expandBoxes(torch.zeros(4), 1.5)).toThrow(/boxes should be a Tensor \(N, 4\)/);
  });
});

describe('detection.mask_rcnn: MaskRCNNHeads, MaskRCNNPredictor', () => {
  it('torchvision\'s modules, initialization and outputs', () => {
    torch.manualSeed(3);
    const heads = new D.MaskRCNNHeads(6, [8, 5], 2);
    const headsBn = new D.MaskRCNNHeads(6, [7], 1, (ch) => new nn.BatchNorm2d(ch));
    const predictor = new D.MaskRCNNPredictor(5, 6, 3);
    const c = C('heads');
    for (const [k, m] of [['heads', heads], ['headsBn', headsBn], ['predictor', predictor]] as const) expectTorchvisionState(m, c.state[k]);
    expect(modulesOf(headsBn)).toEqual(c.modules);
    expect([heads, headsBn, predictor].map(String)).toEqual(c.reprs);
    torch.tidy(() => {
      const x = torch.randn(2, 6, 5, 5);
      expect(sha(x)).toBe(c.input);
      headsBn.eval();
      const outs: Record<string, Tensor> = { heads: heads.call(x), headsBn: headsBn.call(x), predictor: predictor.call(heads.call(x)) };
      for (const [k, v] of Object.entries(outs)) {
        const [shape, sum, hash] = c.out[k] as [number[], number, string];
        expect(v.shape, `${k} shape`).toEqual(shape);
        if (sameCpu) expect(sha(v), `${k} bytes`).toBe(hash);
        else expect(Math.abs((v.double().sum().item()) - sum), `${k} sum`).toBeLessThanOrEqual(1e-4 * Math.abs(sum) + 1e-3);
      }
    });
    // a version-1 checkpoint (mask_fcn1 ... keys) loads, as torchvision maps it
    const state = heads.stateDict();
    const legacy = new D.MaskRCNNHeads(6, [8, 5], 2);
    const old: Record<string, Tensor> = { 'mask_fcn1.weight': state['0.0.weight']!, 'mask_fcn1.bias': state['0.0.bias']!, 'mask_fcn2.weight': state['1.0.weight']!, 'mask_fcn2.bias': state['1.0.bias']! };
    legacy.loadStateDict(old);
    torch.tidy(() => expect(legacy.stateDict()['1.0.weight']!.equal(state['1.0.weight']!)).toBe(true));
    for (const m of [heads, headsBn, predictor, legacy]) m.dispose();
  });
});

/** The tiny custom backbone of the fixture: two strided convolutions, outChannels 8. */
const tinyBackbone = (): torch.nn.Sequential =>
  Object.assign(new nn.Sequential(new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true), new nn.Conv2d(8, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true)), { outChannels: 8 });

/** The fixture's MaskRCNN: its parts made in the order of the script's keyword arguments. */
const makeTiny = (): D.MaskRCNN => {
  torch.manualSeed(0);
  const backbone = tinyBackbone();
  const rpnAnchorGenerator = new D.AnchorGenerator([[16, 32]], [[0.5, 1.0, 2.0]]);
  const boxRoiPool = new MultiScaleRoIAlign(['0'], 7, 2);
  const boxPredictor = new D.FastRCNNPredictor(1024, 4);
  const maskRoiPool = new MultiScaleRoIAlign(['0'], 8, 2);
  const maskHead = new D.MaskRCNNHeads(8, [12, 12], 1);
  const maskPredictor = new D.MaskRCNNPredictor(12, 10, 4);
  return new D.MaskRCNN(backbone, null, {
    minSize: 64, maxSize: 96, rpnAnchorGenerator, boxRoiPool, boxPredictor, maskRoiPool, maskHead, maskPredictor,
    rpnPreNmsTopNTrain: 300, rpnPreNmsTopNTest: 200, rpnPostNmsTopNTrain: 100, rpnPostNmsTopNTest: 80,
    rpnBatchSizePerImage: 64, boxBatchSizePerImage: 32, boxScoreThresh: 0.2, boxDetectionsPerImg: 12,
  });
};
const targets = (background = false): D.DetectionTarget[] => [
  { boxes: I('boxes_a'), labels: I('labels_a'), masks: I('masks_a') },
  {
    boxes: background ? torch.zeros(0, 4) : I('boxes_b'), labels: background ? torch.zeros([0], { dtype: torch.int64 }) : I('labels_b'),
    masks: background ? torch.zeros([0, 48, 36], { dtype: torch.uint8 }) : I('masks_b'),
  },
];

describe('detection.mask_rcnn: MaskRCNN, a seeded small model', () => {
  const model = makeTiny();
  for (const [name, seed, background] of [['model_tiny', 5, false], ['model_tiny_background', 11, true]] as const) {
    it(`${name}: weights, eval detections with masks, train losses with loss_mask and gradients`, () => {
      const c = C(name);
      expectSeededDetectorCase(model, c, fx, {
        weights: !background, detectionKeys: ['boxes', 'labels', 'scores', 'masks'],
        trainCall: () => {
          torch.manualSeed(seed);
          const losses = model.call([I('img_a'), I('img_b')], targets(background)) as D.RCNNLosses;
          exact(torch.rand(2), c.after, 'generator after');
          return losses;
        },
        // bit for bit on the fixture's CPU where no mask target enters
        afterBackward: () => expectGradients(model, c.grads, c.noGrad, sameCpu),
      });
    });
  }

  it('throws torchvision\'s errors; RoIHeads takes the mask branch\'s modules', () => {
    model.train();
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a'), labels: I('labels_a') }])).toThrow(E('model_no_masks'));
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a'), labels: I('labels_a'), masks: [[1]] } as never])).toThrow(/"masks" should be a Tensor/);
    torch.manualSeed(0);
    expect(() => new D.MaskRCNN(tinyBackbone(), 3, { maskPredictor: new D.MaskRCNNPredictor(8, 8, 3) })).toThrow(E('mask_rcnn_num_classes_and_predictor'));
    expect(() => new D.MaskRCNN(tinyBackbone(), 3, { maskRoiPool: 3 as never })).toThrow(/mask_roi_pool should be of type MultiScaleRoIAlign or None/);
    expect(() => new D.MaskRCNN(tinyBackbone(), { numClasses: 3, maskHeads: null } as D.MaskRCNNOptions)).toThrow(TypeError);
    expect(() => new D.MaskRCNN(new nn.ReLU(), 3)).toThrow(/backbone should contain an attribute out_channels/);
    expect(model.roi_heads.hasMask()).toBe(true);
    const args = [new MultiScaleRoIAlign(['0'], 7, 2), new nn.Identity(), new nn.Identity(), 0.5, 0.5, 512, 0.25, null, 0.05, 0.5, 100] as const;
    const heads = new D.RoIHeads(...args, { maskRoiPool: new MultiScaleRoIAlign(['0'], 14, 2), maskHead: new nn.Identity(), maskPredictor: new nn.Identity() });
    expect(heads.hasMask()).toBe(true);
    expect(heads.namedModules().map(([k]) => k)).toEqual(['', 'box_roi_pool', 'box_head', 'box_predictor', 'mask_roi_pool', 'mask_head', 'mask_predictor']);
    heads.dispose();
    expect(() => new D.RoIHeads(...args, { maskHead: 3 as never })).toThrow(/maskHead should be a Module or null/);
  });

  it('no detections: empty masks of the original image\'s size, as torchvision\'s new_empty', () => torch.tidy(() => {
    model.eval();
    model.roi_heads.scoreThresh = 1.0;
    try {
      const [a, b] = torch.noGrad(() => model.call([I('img_a'), I('img_b')]) as D.DetectionTarget[]);
      expect([a!.boxes!.shape, a!.masks!.shape, b!.masks!.shape, a!.masks!.dtype]).toEqual([[0, 4], [0, 1, 40, 56], [0, 1, 48, 36], torch.float32]);
    } finally {
      model.roi_heads.scoreThresh = 0.2;
    }
  }));

  it('leaves no tensors behind: training steps and inference in torch.tidy', () => {
    expectDetectorLeavesNothing(model, () => [I('img_a'), I('img_b')], targets);
  });

  it('disposes', () => { model.dispose(); });
});

describe('detection.mask_rcnn: the builders (weights null)', () => {
  for (const [name, build] of [
    ['builder_resnet50_fpn', () => D.maskrcnn_resnet50_fpn({ weights: null, weightsBackbone: null })],
    ['builder_resnet50_fpn_v2', () => D.maskrcnn_resnet50_fpn_v2({ weights: null, weightsBackbone: null, numClasses: 7 })],
  ] as const) {
    it(`${name}: torchvision's weights and mask branch`, () => {
      torch.manualSeed(0);
      const before = liveTensors(torch);
      const m = build();
      const c = C(name);
      expectTorchvisionState(m, c.state);
      expect(m.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(c.frozen);
      expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
      expect([...new Set(m.modules().map((x) => x.constructor.name).filter((n) => n.includes('Norm')))].sort()).toEqual(c.normLayers);
      const heads = m.roi_heads;
      expect([String(heads.mask_roi_pool), String(heads.mask_head), String(heads.mask_predictor)]).toEqual([c.maskRoiPool, c.maskHead, c.maskPredictor]);
      m.dispose();
      expect(torch.nativeStats().tensors, 'tensors left once the model is disposed').toBe(before);
    });
  }

  it('throws torchvision\'s errors (before any download)', () => {
    expect(() => D.maskrcnn_resnet50_fpn({ weights: 'COCO_V2' })).toThrow(/MaskRCNN_ResNet50_FPN_Weights has no entry 'COCO_V2' \(it has COCO_V1, DEFAULT\)/);
    expect(() => D.maskrcnn_resnet50_fpn_v2({ weights: 'DEFAULT', numClasses: 5 })).toThrow(/The parameter 'numClasses' expected value 91 but got 5 instead/);
    expect(() => D.maskrcnn_resnet50_fpn_v2({ maskHead: new D.MaskRCNNHeads(256, [256], 1) })).toThrow(/MaskRCNN got multiple values for keyword argument 'mask_head'/);
    expect(() => D.maskrcnn_resnet50_fpn({ pretrained: true } as D.MaskRCNNBuilderOptions)).toThrow(TypeError);
  });
});
