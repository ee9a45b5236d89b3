// Faster R-CNN against torchvision 0.28 (test/fixtures/vision-faster-rcnn.json, made by
// scripts/make-faster-rcnn-fixtures.py): RoIHeads' box branch (fastrcnnLoss, the training samples with the
// sampler's randperm draws, postprocessDetections), GeneralizedRCNN's checks, FasterRCNN on a tiny custom
// backbone and fasterrcnn_mobilenet_v3_large_320_fpn (eval detections, train losses, gradients), the heads
// and the four builders' construction. RoIHeads' parts have no convolutions or Linear layers: bit-exact
// everywhere. The models' convolutions and Linear layers run oneDNN / BLAS, whose kernels depend on the CPU
// model: bit-exact (hashes) on the CPU model that made the fixture, within rounding elsewhere.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import * as D from '../lib/vision/models/detection/index.js'; // vision.models.detection
import { liveTensors } from './run-child.js';
import { expectDetectorLeavesNothing, expectTorchvisionState, loadDetectionFixture, modulesOf, sha, expectSeededDetectorCase } from './model-fixtures.js';
import { warningsOf } from './warnings-of.js';

type Tensor = torch.Tensor;
const { nn } = torch;
const { MultiScaleRoIAlign } = vision.ops;
const W = vision.models;

/* eslint-disable @typescript-eslint/no-explicit-any */
const fx = loadDetectionFixture('vision-faster-rcnn.json');
const { sameCpu, I, C, E, exact } = fx;
torch.setNumThreads(1); // as the generator ran


const makeRoiHeads = (scoreThresh = 0.05, nmsThresh = 0.5, detectionsPerImg = 100, weights: number[] | null = null): D.RoIHeads =>
  new D.RoIHeads(new MultiScaleRoIAlign(['0'], 7, 2), new nn.Identity(), new nn.Identity(), 0.5, 0.3, 16, 0.25, weights, scoreThresh, nmsThresh, detectionsPerImg);

describe('detection.roi_heads: the box branch\'s parts, bit-exact', () => {
  it('fastrcnnLoss: losses and gradients', () => torch.tidy(() => {
    const logits = I('loss_logits').requiresGrad_();
    const regression = I('loss_regression').requiresGrad_();
    const targets = I('loss_targets');
    const [cls, box] = D.fastrcnnLoss(logits, regression, [I('loss_labels_a'), I('loss_labels_b')], [targets.index(':8'), targets.index('8:')]);
    cls.add(box).backward();
    const c = C('roi_heads_fastrcnn_loss');
    exact(cls, c.cls, 'classification loss');
    exact(box, c.box, 'box loss');
    exact(logits.grad, c.gradLogits, 'logits gradient');
    exact(regression.grad, c.gradRegression, 'regression gradient');
  }));

  for (const [name, seed, background, weights] of [
    ['roi_heads_select_seed3', 3, false, null], ['roi_heads_select_seed8_background', 8, true, null], ['roi_heads_select_weights', 5, false, [1, 2, 3, 4]],
  ] as const) {
    it(`${name}: selectTrainingSamples draws torchvision's samples; assignTargetsToProposals`, () => torch.tidy(() => {
      const heads = makeRoiHeads(0.05, 0.5, 100, weights === null ? null : [...weights]);
      const targets: D.DetectionTarget[] = [
        { boxes: I('gt_a'), labels: I('gt_labels_a') },
        { boxes: background ? torch.zeros(0, 4) : I('gt_b'), labels: background ? torch.zeros([0], { dtype: torch.int64 }) : I('gt_labels_b') },
      ];
      torch.manualSeed(seed);
      const [proposals, matchedIdxs, labels, regressionTargets] = heads.selectTrainingSamples([I('prop_a'), I('prop_b')], targets);
      const assigned = heads.assignTargetsToProposals(heads.addGtProposals([I('prop_a'), I('prop_b')], targets.map((t) => t.boxes!)),
        targets.map((t) => t.boxes!), targets.map((t) => t.labels!));
      const after = torch.rand(2);
      const c = C(name);
      exact(proposals, c.proposals, 'proposals');
      exact(matchedIdxs, c.matchedIdxs, 'matched indices');
      exact(labels, c.labels, 'labels');
      exact(regressionTargets, c.regressionTargets, 'regression targets');
      exact(assigned, c.assigned, 'assigned');
      exact(after, c.after, 'generator after');
      heads.dispose();
    }));
  }

  for (const [name, scoreThresh, nmsThresh, perImg] of [
    ['roi_heads_postprocess', 0.05, 0.5, 100], ['roi_heads_postprocess_strict', 0.2, 0.3, 5], ['roi_heads_postprocess_none', 0.99, 0.5, 100],
  ] as const) {
    it(`${name}: postprocessDetections (scoreThresh ${scoreThresh}, nmsThresh ${nmsThresh}, detectionsPerImg ${perImg})`, () => torch.tidy(() => {
      const heads = makeRoiHeads(scoreThresh, nmsThresh, perImg);
      const [boxes, scores, labels] = heads.postprocessDetections(I('class_logits'), I('box_regression'), [I('prop_a'), I('prop_b')], [[60, 80], [50, 40]]);
      exact(boxes, C(name).boxes, 'boxes');
      exact(scores, C(name).scores, 'scores');
      exact(labels, C(name).labels, 'labels');
      heads.dispose();
    }));
  }

  it('throws torchvision\'s errors (the mask and keypoint branches: test/vision-mask-rcnn.test.ts, test/vision-keypoint-rcnn.test.ts)', () => {
    const heads = makeRoiHeads();
    expect(() => heads.checkTargets(null)).toThrow(E('roi_heads_check_targets_none'));
    expect(() => heads.checkTargets([{ labels: I('gt_labels_a') }])).toThrow(E('roi_heads_check_targets_boxes'));
    expect(() => heads.checkTargets([{ boxes: I('gt_a') }])).toThrow(E('roi_heads_check_targets_labels'));
    expect(() => heads.call({}, [I('prop_a')], [[60, 80]], [{ boxes: I('gt_a').long(), labels: I('gt_labels_a') }])).toThrow(E('roi_heads_int_boxes'));
    expect(() => heads.call({}, [I('prop_a')], [[60, 80]], [{ boxes: I('gt_a'), labels: I('gt_labels_a').int() }])).toThrow(E('roi_heads_int32_labels'));
    expect(heads.hasMask() || heads.hasKeypoint()).toBe(false);
    const args = [new MultiScaleRoIAlign(['0'], 7, 2), new nn.Identity(), new nn.Identity(), 0.5, 0.5, 512, 0.25, null, 0.05, 0.5, 100] as const;
    expect(new D.RoIHeads(...args, { keypointHead: new nn.Identity() }).hasKeypoint()).toBe(false); // a branch needs all three modules
    expect(() => new D.RoIHeads(...args, { maskHeads: null } as D.RoIHeadsOptions)).toThrow(TypeError);
    heads.dispose();
  });

  it('subsample outside torch.tidy leaves only its results; forward takes targets with extra non-tensor keys', () => {
    const heads = makeRoiHeads();
    const labels = [torch.tensor([1, 0, 2, 0, 0]), torch.tensor([0, 3, 0])];
    const before = liveTensors(torch);
    const picked = heads.subsample(labels);
    expect(torch.nativeStats().tensors - before, 'tensors besides the two index tensors').toBe(2);
    for (const t of picked) t.dispose();
    heads.dispose();
    torch.manualSeed(0);
    const full = new D.RoIHeads(new MultiScaleRoIAlign(['0'], 7, 2), new D.TwoMLPHead(4 * 49, 16), new D.FastRCNNPredictor(16, 10), 0.5, 0.5, 512, 0.25, null, 0.05, 0.5, 100);
    torch.tidy(() => {
      full.train();
      const target = { boxes: I('gt_a'), labels: I('gt_labels_a'), image_id: 7 };
      const features = { '0': torch.rand(1, 4, 15, 20) };
      const [, losses] = full.forward(features, [I('prop_a')], [[60, 80]], [target]);
      expect(Object.keys(losses)).toEqual(['loss_classifier', 'loss_box_reg']);
    });
    full.dispose();
  });
});

describe('detection.faster_rcnn: TwoMLPHead, FastRCNNConvFCHead, FastRCNNPredictor', () => {
  it('torchvision\'s modules, initialization and outputs', () => {
    torch.manualSeed(2);
    const two = new D.TwoMLPHead(8 * 16, 16);
    const convFc = new D.FastRCNNConvFCHead([8, 4, 4], [8, 6], [12], (c) => new nn.BatchNorm2d(c));
    const convFcPlain = new D.FastRCNNConvFCHead([8, 4, 4], [5], [10, 7]);
    const predictor = new D.FastRCNNPredictor(12, 3);
    const c = C('heads');
    for (const [k, m] of [['two', two], ['convFc', convFc], ['convFcPlain', convFcPlain], ['predictor', predictor]] as const) expectTorchvisionState(m, c.state[k]);
    expect(modulesOf(convFc)).toEqual(c.modules);
    expect([two, convFc, predictor].map(String)).toEqual(c.reprs);
    torch.tidy(() => {
      const x = torch.randn(3, 8, 4, 4);
      expect(sha(x)).toBe(c.input);
      convFc.eval();
      const outs: Record<string, Tensor | Tensor[]> = {
        two: two.call(x), convFc: convFc.call(x), convFcPlain: convFcPlain.call(x),
        predictor: predictor.call((convFc.call(x) as Tensor).index(':', ':', null, null)) as Tensor[],
      };
      const enc = (t: Tensor): [number[], number, string] => [t.shape, t.double().sum().item(), sha(t)];
      for (const [k, v] of Object.entries(outs)) {
        const got = Array.isArray(v) ? v.map(enc) : [enc(v)];
        const want = (Array.isArray(v) ? c.out[k] : [c.out[k]]) as [number[], number, string][];
        got.forEach(([shape, sum, hash], i) => {
          expect(shape, `${k} shape`).toEqual(want[i]![0]);
          if (sameCpu) expect(hash, `${k} bytes`).toBe(want[i]![2]);
          else expect(Math.abs(sum - want[i]![1]), `${k} sum`).toBeLessThanOrEqual(1e-4 * Math.abs(want[i]![1]) + 1e-3);
        });
      }
    });
    expect(() => predictor.call(torch.zeros(2, 8, 2, 2))).toThrow(E('predictor_shape'));
    for (const m of [two, convFc, convFcPlain, predictor]) m.dispose();
  });
});

/** The tiny custom backbone of the fixture: two strided convolutions, outChannels 8. */
const tinyBackbone = (): torch.nn.Sequential =>
  Object.assign(new nn.Sequential(new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true), new nn.Conv2d(8, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true)), { outChannels: 8 });

const makeTiny = (): D.FasterRCNN => {
  torch.manualSeed(0);
  return new D.FasterRCNN(tinyBackbone(), 4, {
    minSize: 64, maxSize: 96, rpnAnchorGenerator: new D.AnchorGenerator([[16, 32]], [[0.5, 1.0, 2.0]]), boxRoiPool: new MultiScaleRoIAlign(['0'], 7, 2),
    rpnPreNmsTopNTrain: 300, rpnPreNmsTopNTest: 200, rpnPostNmsTopNTrain: 100, rpnPostNmsTopNTest: 80,
    rpnBatchSizePerImage: 64, boxBatchSizePerImage: 32, boxScoreThresh: 0.2, boxDetectionsPerImg: 30,
  });
};
const makeMobilenet = (): D.FasterRCNN => {
  torch.manualSeed(0);
  return D.fasterrcnn_mobilenet_v3_large_320_fpn({ weights: null, weightsBackbone: null, numClasses: 5, minSize: 128, maxSize: 160,
    rpnPreNmsTopNTest: 60, rpnPostNmsTopNTest: 50, rpnPostNmsTopNTrain: 100, boxBatchSizePerImage: 64 });
};
const targets = (background = false): D.DetectionTarget[] => [
  { boxes: I('boxes_a'), labels: I('labels_a') },
  { boxes: background ? torch.zeros(0, 4) : I('boxes_b'), labels: background ? torch.zeros([0], { dtype: torch.int64 }) : I('labels_b') },
];

/** The configuration torchvision's fixture recorded (config() in the script). */
function configOf(model: D.FasterRCNN): Record<string, unknown> {
  const { rpn, roi_heads: heads, transform: t } = model;
  return {
    transform: t.toString(), minSize: t.minSize, maxSize: t.maxSize, imageMean: t.imageMean, imageStd: t.imageStd,
    rpnPreNmsTopN: rpn._preNmsTopN, rpnPostNmsTopN: rpn._postNmsTopN, rpnNmsThresh: rpn.nmsThresh, rpnScoreThresh: rpn.scoreThresh,
    rpnMatcher: [rpn.proposalMatcher.highThreshold, rpn.proposalMatcher.lowThreshold], rpnSampler: [rpn.fgBgSampler.batchSizePerImage, rpn.fgBgSampler.positiveFraction],
    anchorSizes: rpn.anchor_generator.sizes, aspectRatios: rpn.anchor_generator.aspectRatios,
    boxScoreThresh: heads.scoreThresh, boxNmsThresh: heads.nmsThresh, boxDetectionsPerImg: heads.detectionsPerImg,
    boxMatcher: [heads.proposalMatcher.highThreshold, heads.proposalMatcher.lowThreshold], boxSampler: [heads.fgBgSampler.batchSizePerImage, heads.fgBgSampler.positiveFraction],
    bboxRegWeights: [...heads.boxCoder.weights], roiPool: heads.box_roi_pool.toString(),
  };
}

describe('detection.faster_rcnn: FasterRCNN, seeded small detectors', () => {
  for (const [name, make, seed, background] of [
    ['model_tiny', makeTiny, 5, false], ['model_tiny_background', makeTiny, 11, true], ['model_mobilenet_320', makeMobilenet, 7, false],
  ] as const) {
    it(`${name}: weights, eval detections, train losses and gradients`, () => {
      const model = make();
      const c = C(name);
      expect(configOf(model)).toEqual(c.config);
      expectSeededDetectorCase(model, c, fx, {
        weights: true, detectionKeys: ['boxes', 'labels', 'scores'],
        trainCall: () => {
          torch.manualSeed(seed);
          const losses = model.call([I('img_a'), I('img_b')], targets(background)) as D.RCNNLosses;
          exact(torch.rand(2), c.after, 'generator after');
          return losses;
        },
        afterBackward: () => {
          const params = model.namedParameters();
          expect(params.filter(([, p]) => p.requiresGrad && p.grad === null).map(([k]) => k), 'parameters without gradient').toEqual(c.noGrad);
          expect(params.filter(([, p]) => p.grad !== null).map(([k]) => k)).toEqual(c.grads.map(([k]: [string, string]) => k));
          if (sameCpu) {
            const grads = new Map(params.map(([k, p]) => [k, p.grad]));
            expect(c.grads.filter(([k, h]: [string, string]) => sha(grads.get(k)!) !== h).map(([k]: [string, string]) => k), 'parameter gradients that differ').toEqual([]);
            const state = model.stateDict();
            expect(c.stateAfter.filter(([k, h]: [string, string]) => sha(state[k]!) !== h).map(([k]: [string, string]) => k), 'buffers after training').toEqual([]);
          }
        },
      });
      model.dispose();
    });
  }

  it('throws torchvision\'s errors for bad targets and images', () => {
    const model = makeTiny();
    model.train();
    expect(() => model.call([I('img_a')])).toThrow(E('model_train_no_targets'));
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a').select(0, 0), labels: I('labels_a') }])).toThrow(E('model_boxes_shape'));
    const degenerate = [{ boxes: I('boxes_a'), labels: I('labels_a') }, { boxes: torch.tensor([[3.0, 4.0, 20.0, 30.0], [10.0, 12.0, 10.0, 25.0]]), labels: I('labels_b') }];
    expect(() => model.call([I('img_a'), I('img_b')], degenerate)).toThrow(E('model_degenerate'));
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a'), labels: I('labels_a').int() }])).toThrow(E('model_int32_labels'));
    expect(() => model.call([I('img_a')], [{ boxes: [[1, 2, 3, 4]], labels: I('labels_a') } as unknown as D.DetectionTarget])).toThrow(/Expected target boxes to be of type Tensor/);
    expect(() => model.eval().call([torch.zeros(40, 56)])).toThrow(E('model_2d_image'));
    model.dispose();
    torch.manualSeed(0);
    expect(() => new D.FasterRCNN(new nn.ReLU(), 3)).toThrow(E('faster_rcnn_no_out_channels'));
    expect(() => new D.FasterRCNN(tinyBackbone(), 3, { boxPredictor: new D.FastRCNNPredictor(1024, 3) })).toThrow(E('faster_rcnn_num_classes_and_predictor'));
    expect(() => new D.FasterRCNN(tinyBackbone())).toThrow(E('faster_rcnn_no_num_classes'));
    expect(() => new D.FasterRCNN(tinyBackbone(), { numClasses: 3, rpnAnchorGenerator: 3 as unknown as D.AnchorGenerator })).toThrow(/rpn_anchor_generator should be of type AnchorGenerator/);
    expect(() => new D.FasterRCNN(tinyBackbone(), { numClasses: 3, rpnNmsTresh: 0.5 } as D.FasterRCNNOptions)).toThrow(TypeError);
  });

  // review: a batched (N, C, H, W) tensor is its images, as Python iterates it; targets typed by an
  // interface or with extra keys type-check; a bad target is named
  it('takes a batched image tensor, interface-typed targets with extra keys, and names a bad target', () => {
    interface CocoTarget { boxes: torch.Tensor; labels: torch.Tensor; image_id: number }
    const model = makeTiny();
    torch.tidy(() => {
      model.eval();
      const images = torch.stack([I('img_a'), I('img_a')]);
      const fromBatch = torch.noGrad(() => model.call(images)) as D.DetectionTarget[];
      const fromList = torch.noGrad(() => model.call([I('img_a'), I('img_a')])) as D.DetectionTarget[];
      expect(fromBatch.length).toBe(2);
      fromBatch.forEach((d, i) => expect(d.boxes!.equal(fromList[i]!.boxes!), `image ${i}`).toBe(true));
      model.train();
      const coco: CocoTarget[] = [{ boxes: I('boxes_a'), labels: I('labels_a'), image_id: 5 }, { boxes: I('boxes_b'), labels: I('labels_b'), image_id: 6 }];
      torch.manualSeed(5);
      const withIds = model.forward([I('img_a'), I('img_b')], coco) as D.RCNNLosses;
      torch.manualSeed(5);
      const plain = model.forward([I('img_a'), I('img_b')], targets()) as D.RCNNLosses;
      expect(withIds.loss_classifier!.item()).toBe(plain.loss_classifier!.item());
      expect(() => model.forward([I('img_a'), I('img_b')], [coco[0]!, null as never])).toThrow(/targets\[1\] should be an object of Tensors, got null/);
      expect(() => model.forward([I('img_a')], [new Map() as never])).toThrow(/targets\[0\] should be an object of Tensors, got Map/);
    });
    model.dispose();
  });

  it('new FasterRCNN(backbone, { numClasses, ... }) is new FasterRCNN(backbone, numClasses, { ... })', () => {
    torch.manualSeed(0);
    const a = new D.FasterRCNN(tinyBackbone(), { numClasses: 3, minSize: 64 });
    torch.manualSeed(0);
    const b = new D.FasterRCNN(tinyBackbone(), 3, { minSize: 64 });
    torch.tidy(() => {
      const [sa, sb] = [a.stateDict(), b.stateDict()];
      expect(Object.keys(sa)).toEqual(Object.keys(sb));
      for (const k of Object.keys(sa)) expect(torch.equal(sa[k]!, sb[k]!), k).toBe(true);
    });
    expect(a.transform.minSize).toEqual([64]);
    a.dispose();
    b.dispose();
  });

  it('leaves no tensors behind: training steps and inference in torch.tidy', () => {
    const model = makeTiny();
    expectDetectorLeavesNothing(model, () => [I('img_a'), I('img_b')], targets, 2);
    model.dispose();
  });
});

describe('detection.faster_rcnn: the builders (weights null)', () => {
  const BUILDERS: Record<string, () => D.FasterRCNN> = {
    builder_resnet50_fpn: () => D.fasterrcnn_resnet50_fpn({ weights: null, weightsBackbone: null }),
    builder_resnet50_fpn_v2: () => D.fasterrcnn_resnet50_fpn_v2({ weights: null, weightsBackbone: null, numClasses: 7 }),
    builder_mobilenet_v3_large_fpn: () => D.fasterrcnn_mobilenet_v3_large_fpn({ weights: null, weightsBackbone: null, trainableBackboneLayers: 2 }),
    builder_mobilenet_v3_large_320_fpn: () => D.fasterrcnn_mobilenet_v3_large_320_fpn({ weights: null, weightsBackbone: null, numClasses: 3, rpnScoreThresh: 0.1, boxNmsThresh: 0.4 }),
  };
  // a builder's model against its case: warnings, weights, frozen parameters, configuration, size, norm layers
  const expectBuilt = (m: D.FasterRCNN, warnings: string[], c: ReturnType<typeof C>): void => {
    expect(warnings).toEqual(c.warnings);
    expectTorchvisionState(m, c.state);
    expect(m.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(c.frozen);
    expect(configOf(m)).toEqual(c.config);
    expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
    expect([...new Set(m.modules().map((x) => x.constructor.name).filter((n) => n.includes('Norm')))].sort()).toEqual(c.normLayers);
  };
  for (const [name, build] of Object.entries(BUILDERS)) {
    it(`${name}: torchvision's weights, configuration and warnings`, () => {
      torch.manualSeed(0);
      const before = liveTensors(torch);
      let model: D.FasterRCNN | null = null;
      const warnings = warningsOf(() => { model = build(); }).map(([, m]) => m);
      const m = model as unknown as D.FasterRCNN;
      const c = C(name);
      expectBuilt(m, warnings, c);
      expect(m.roi_heads.box_head.constructor.name).toBe(c.boxHead);
      expect((m.rpn.head as D.RPNHead).conv.length).toBe(c.rpnConvDepth);
      m.dispose();
      expect(torch.nativeStats().tensors, 'tensors left once the model is disposed (the backbone\'s unused parts included)').toBe(before);
    });
  }
  // is_trained: a state-dict file stands in for the ImageNet entry (the fixture's get_state_dict returned the
  // same seeded network's state): FrozenBatchNorm2d, the early layers frozen, the file's weights loaded
  for (const [name, arch, build] of [
    ['builder_resnet50_fpn_pretrained_backbone', () => W.resnet50(), (file: string) => D.fasterrcnn_resnet50_fpn({ weights: null, weightsBackbone: file })],
    ['builder_mobilenet_v3_large_fpn_pretrained_backbone', () => W.mobilenet_v3_large(),
      (file: string) => D.fasterrcnn_mobilenet_v3_large_fpn({ weights: null, weightsBackbone: file, trainableBackboneLayers: 2 })],
  ] as const) {
    it(`${name}: with backbone weights (a state-dict file), FrozenBatchNorm2d and frozen layers`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'frcnn-'));
      try {
        torch.manualSeed(42);
        const net = arch();
        const file = join(dir, 'backbone.pth');
        torch.tidy(() => torch.save(net.stateDict(), file));
        net.dispose();
        torch.manualSeed(0);
        const before = liveTensors(torch);
        let model: D.FasterRCNN | null = null;
        const warnings = warningsOf(() => { model = build(file); }).map(([, m]) => m);
        const m = model as unknown as D.FasterRCNN;
        const c = C(name);
        expectBuilt(m, warnings, c);
        m.dispose();
        expect(torch.nativeStats().tensors, 'tensors left once the model is disposed').toBe(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  it('throws torchvision\'s errors (before any download)', () => {
    expect(() => D.fasterrcnn_resnet50_fpn({ weightsBackbone: W.ResNet50_Weights.IMAGENET1K_V1, trainableBackboneLayers: 6 })).toThrow(E('builder_trainable_6'));
    expect(() => D.fasterrcnn_mobilenet_v3_large_fpn({ weightsBackbone: W.MobileNet_V3_Large_Weights.IMAGENET1K_V1, trainableBackboneLayers: 7 })).toThrow(E('builder_mobilenet_trainable_7'));
    expect(() => D.fasterrcnn_resnet50_fpn({ weightsBackbone: W.MobileNet_V3_Large_Weights.IMAGENET1K_V1 })).toThrow(E('builder_wrong_backbone_weights'));
    expect(() => D.fasterrcnn_resnet50_fpn({ weights: 'COCO_V2' })).toThrow(/FasterRCNN_ResNet50_FPN_Weights has no entry 'COCO_V2' \(it has COCO_V1, DEFAULT\)/); // the COCO weights: test/vision-detection-weights.test.ts
    expect(() => D.fasterrcnn_mobilenet_v3_large_320_fpn({ weightsBackbone: null, numClasses: 0 })).toThrow(RangeError);
    expect(() => D.fasterrcnn_resnet50_fpn_v2({ pretrained: true } as D.FasterRCNNBuilderOptions)).toThrow(TypeError);
    // review: the parts a builder makes itself, given again (Python: multiple values for a keyword), nothing built
    const before = liveTensors(torch);
    expect(() => D.fasterrcnn_mobilenet_v3_large_fpn({ weightsBackbone: null, numClasses: 3, rpnAnchorGenerator: new D.AnchorGenerator() }))
      .toThrow(/FasterRCNN got multiple values for keyword argument 'rpn_anchor_generator'/);
    expect(() => D.fasterrcnn_mobilenet_v3_large_320_fpn({ weightsBackbone: null, rpnAnchorGenerator: new D.AnchorGenerator() })).toThrow(/'rpn_anchor_generator'/);
    expect(() => D.fasterrcnn_resnet50_fpn_v2({ rpnHead: new D.RPNHead(256, 3) })).toThrow(/FasterRCNN got multiple values for keyword argument 'rpn_head'/);
    expect(() => D.fasterrcnn_resnet50_fpn_v2({ boxHead: new D.TwoMLPHead(256 * 49, 1024) })).toThrow(/'box_head'/);
    expect(liveTensors(torch) - before, 'tensors left: only the heads passed in').toBeLessThanOrEqual(2 * 2 + 2 * 4);
  });
});
