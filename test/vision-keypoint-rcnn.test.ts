// Keypoint R-CNN against torchvision 0.28 (test/fixtures/keypoint-rcnn.json, made by
// scripts/make-keypoint-rcnn-fixtures.py): the keypoint branch's functions (keypointsToHeatmap,
// keypointrcnnLoss and its gradient, heatmapsToKeypoints, keypointrcnnInference), KeypointRCNN on a tiny
// custom backbone (eval detections with keypoints and their scores, train losses with loss_keypoint,
// gradients), KeypointRCNNHeads / KeypointRCNNPredictor, and the builder's construction. The keypoint
// functions have no convolutions or Linear layers: bit-exact everywhere. The models' convolutions and Linear
// layers run oneDNN / BLAS, whose kernels depend on the CPU model: bit-exact (hashes) on the CPU model that
// made the fixture, within rounding elsewhere (the backbone's gradients too, through two RoI pools: the
// fixture runs torchvision's roi_align CPU kernel, which roiAlign follows addition for addition).
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { vision } from '../lib/index.js';
import * as D from '../lib/vision/models/detection/index.js'; // vision.models.detection
import { liveTensors } from './run-child.js';
import { expectDetectorLeavesNothing, expectGradients, expectTorchvisionState, loadDetectionFixture, modulesOf, sha, expectSeededDetectorCase } from './model-fixtures.js';

type Tensor = torch.Tensor;
const { nn } = torch;
const { MultiScaleRoIAlign } = vision.ops;

/* eslint-disable @typescript-eslint/no-explicit-any */
const fx = loadDetectionFixture('keypoint-rcnn.json');
const { sameCpu, I, C, E, exact } = fx;
torch.setNumThreads(1); // as the generator ran

describe('detection.roi_heads: the keypoint branch\'s functions, bit-exact', () => {
  it('keypointsToHeatmap: cells and validity (edges, outside, invisible)', () => torch.tidy(() => {
    const c = C('kp_heatmap');
    exact(D.keypointsToHeatmap(I('gt_kp').index(I('matched')), I('rois'), 7), c.h7, '7x7');
    exact(D.keypointsToHeatmap(I('gt_kp_2').index(I('matched_2')), I('rois_2'), 5), c.h5, '5x5');
  }));

  it('keypointrcnnLoss: loss and gradient; no valid keypoint gives a zero still connected to the logits', () => torch.tidy(() => {
    const c = C('kp_loss');
    const logits = I('kp_logits').requiresGrad_();
    const loss = D.keypointrcnnLoss(logits, [I('rois'), I('rois_2')], [I('gt_kp'), I('gt_kp_2')], [I('matched'), I('matched_2')]);
    loss.backward();
    exact(loss, c.loss, 'loss');
    exact(logits.grad, c.grad, 'gradient');
    const invisible = I('gt_kp');
    invisible.index('...', 2).fill_(0);
    const logits0 = I('kp_logits').index(':6').requiresGrad_();
    const loss0 = D.keypointrcnnLoss(logits0, [I('rois')], [invisible], [I('matched')]);
    loss0.backward();
    exact(loss0, c.none, 'no valid keypoint');
    exact(logits0.grad, c.noneGrad, 'no valid keypoint: gradient');
    expect(() => D.keypointrcnnLoss(torch.zeros(2, 3, 4, 5), [I('rois').index(':2')], [I('gt_kp')], [I('matched').index(':2')])).toThrow(E('kp_loss_not_square'));
  }));

  it('heatmapsToKeypoints and keypointrcnnInference (RoIs under a pixel, none)', () => torch.tidy(() => {
    const c = C('kp_heatmaps_to_keypoints');
    exact(D.heatmapsToKeypoints(I('maps'), I('map_rois')), c.one, 'heatmapsToKeypoints');
    const rois = I('map_rois');
    const [probs, scores] = D.keypointrcnnInference(I('maps'), [rois.index(':4'), rois.index('4:')]);
    exact([probs, scores], c.inference, 'keypointrcnnInference');
    exact(D.heatmapsToKeypoints(I('maps').index(':0'), rois.index(':0')), c.empty, 'none');
  }));

  it('bad inputs are errors', () => {
    expect(() => D.heatmapsToKeypoints(torch.zeros(2, 3, 4), torch.zeros(2, 4))).toThrow(/maps should be a Tensor \(R, K, H, W\)/);
    expect(() => D.heatmapsToKeypoints(torch.zeros(2, 3, 4, 4), torch.zeros(2, 5))).toThrow(/rois should be a Tensor \(R, 4\)/);
    expect(() => D.keypointsToHeatmap(torch.zeros(1, 2, 3), torch.zeros(1, 4), 0)).toThrow(/heatmapSize should be a positive int/);
    expect(() => D.keypointrcnnLoss(torch.zeros(2, 3), [], [], [])).toThrow(/keypointLogits should be a Tensor \(N, K, H, W\)/);
    expect(() => D.keypointrcnnInference(torch.zeros(2, 3, 4, 4), [[1, 2]] as never)).toThrow(/boxes should be an array of Tensors/);
  });
});

describe('detection.keypoint_rcnn: KeypointRCNNHeads, KeypointRCNNPredictor', () => {
  it('torchvision\'s modules, initialization and outputs', () => {
    torch.manualSeed(3);
    const heads = new D.KeypointRCNNHeads(6, [8, 5]);
    const predictor = new D.KeypointRCNNPredictor(5, 3);
    const c = C('heads');
    for (const [k, m] of [['heads', heads], ['predictor', predictor]] as const) expectTorchvisionState(m, c.state[k]);
    expect(modulesOf(heads)).toEqual(c.modules);
    expect([heads, predictor].map(String)).toEqual(c.reprs);
    expect(predictor.outChannels).toBe(3);
    torch.tidy(() => {
      const x = torch.randn(2, 6, 5, 5);
      expect(sha(x)).toBe(c.input);
      const outs: Record<string, Tensor> = { heads: heads.call(x), predictor: predictor.call(heads.call(x)) };
      for (const [k, v] of Object.entries(outs)) {
        const [shape, sum, hash] = c.out[k] as [number[], number, string];
        expect(v.shape, `${k} shape`).toEqual(shape);
        if (sameCpu) expect(sha(v), `${k} bytes`).toBe(hash);
        else expect(Math.abs((v.double().sum().item()) - sum), `${k} sum`).toBeLessThanOrEqual(1e-4 * Math.abs(sum) + 1e-3);
      }
    });
    for (const m of [heads, predictor]) m.dispose();
  });
});

/** The tiny custom backbone of the fixture: two strided convolutions, outChannels 8. */
const tinyBackbone = (): torch.nn.Sequential =>
  Object.assign(new nn.Sequential(new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true), new nn.Conv2d(8, 8, 3, { stride: 2, padding: 1 }), new nn.ReLU(true)), { outChannels: 8 });

/** The fixture's KeypointRCNN: its parts made in the order of the script's keyword arguments. */
const makeTiny = (): D.KeypointRCNN => {
  torch.manualSeed(0);
  const backbone = tinyBackbone();
  const rpnAnchorGenerator = new D.AnchorGenerator([[16, 32]], [[0.5, 1.0, 2.0]]);
  const boxRoiPool = new MultiScaleRoIAlign(['0'], 7, 2);
  const keypointRoiPool = new MultiScaleRoIAlign(['0'], 7, 2);
  const keypointHead = new D.KeypointRCNNHeads(8, [8, 8]);
  const keypointPredictor = new D.KeypointRCNNPredictor(8, 5);
  return new D.KeypointRCNN(backbone, 2, {
    minSize: 64, maxSize: 96, rpnAnchorGenerator, boxRoiPool, keypointRoiPool, keypointHead, keypointPredictor,
    rpnPreNmsTopNTrain: 300, rpnPreNmsTopNTest: 200, rpnPostNmsTopNTrain: 100, rpnPostNmsTopNTest: 80,
    rpnBatchSizePerImage: 64, boxBatchSizePerImage: 32, boxScoreThresh: 0.2, boxDetectionsPerImg: 12,
  });
};
const targets = (background = false): D.DetectionTarget[] => [
  { boxes: I('boxes_a'), labels: I('labels_a'), keypoints: I('kp_a') },
  {
    boxes: background ? torch.zeros(0, 4) : I('boxes_b'), labels: background ? torch.zeros([0], { dtype: torch.int64 }) : I('labels_b'),
    keypoints: background ? torch.zeros(0, 5, 3) : I('kp_b'),
  },
];

describe('detection.keypoint_rcnn: KeypointRCNN, a seeded small model', () => {
  const model = makeTiny();
  for (const [name, seed, background] of [['model_tiny', 5, false], ['model_tiny_background', 11, true]] as const) {
    it(`${name}: weights, eval detections with keypoints, train losses with loss_keypoint and gradients`, () => {
      const c = C(name);
      expectSeededDetectorCase(model, c, fx, {
        weights: !background, detectionKeys: ['boxes', 'labels', 'scores', 'keypoints', 'keypoints_scores'],
        trainCall: () => {
          torch.manualSeed(seed);
          const losses = model.call([I('img_a'), I('img_b')], targets(background)) as D.RCNNLosses;
          exact(torch.rand(2), c.after, 'generator after');
          return losses;
        },
        // bit for bit on the fixture's CPU but the backbone's (see above)
        afterBackward: () => expectGradients(model, c.grads, c.noGrad, sameCpu),
      });
    });
  }

  it('throws torchvision\'s errors', () => {
    model.train();
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a'), labels: I('labels_a') }])).toThrow(/keypoints/);
    expect(E('model_no_keypoints')).toBe('keypoints'); // Python's KeyError
    expect(() => model.call([I('img_a')], [{ boxes: I('boxes_a'), labels: I('labels_a'), keypoints: I('kp_a').double() }])).toThrow(E('model_double_keypoints'));
    torch.manualSeed(0);
    expect(() => new D.KeypointRCNN(tinyBackbone(), 2, { numKeypoints: 5, keypointPredictor: new D.KeypointRCNNPredictor(8, 5) })).toThrow(E('keypoint_rcnn_num_keypoints_and_predictor'));
    expect(() => new D.KeypointRCNN(tinyBackbone(), 2, { keypointRoiPool: 3 as never })).toThrow(/keypoint_roi_pool should be of type MultiScaleRoIAlign or None/);
    expect(() => new D.KeypointRCNN(tinyBackbone(), { numClasses: 2, numKeypoint: 3 } as D.KeypointRCNNOptions)).toThrow(TypeError);
    expect(model.roi_heads.hasKeypoint()).toBe(true);
  });

  it('no detections: empty keypoints and scores', () => torch.tidy(() => {
    model.eval();
    model.roi_heads.scoreThresh = 1.0;
    try {
      const [a] = torch.noGrad(() => model.call([I('img_a')]) as D.DetectionTarget[]);
      expect([a!.boxes!.shape, a!.keypoints!.shape, a!.keypoints_scores!.shape]).toEqual([[0, 4], [0, 5, 3], [0, 5]]);
    } finally {
      model.roi_heads.scoreThresh = 0.2;
    }
  }));

  it('leaves no tensors behind: training steps and inference in torch.tidy', () => {
    expectDetectorLeavesNothing(model, () => [I('img_a'), I('img_b')], targets);
  });

  it('disposes', () => { model.dispose(); });
});

describe('detection.keypoint_rcnn: the builder (weights null)', () => {
  it('keypointrcnn_resnet50_fpn: torchvision\'s weights, minSize and keypoint branch', () => {
    torch.manualSeed(0);
    const before = liveTensors(torch);
    const m = D.keypointrcnn_resnet50_fpn({ weights: null, weightsBackbone: null });
    const c = C('builder_resnet50_fpn');
    expectTorchvisionState(m, c.state);
    expect(m.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(c.frozen);
    expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
    expect(m.transform.minSize).toEqual(c.minSize);
    const heads = m.roi_heads;
    expect([String(heads.keypoint_roi_pool), String(heads.keypoint_head), String(heads.keypoint_predictor)]).toEqual([c.keypointRoiPool, c.keypointHead, c.keypointPredictor]);
    m.dispose();
    expect(torch.nativeStats().tensors, 'tensors left once the model is disposed').toBe(before);
  });

  it('throws torchvision\'s errors (before any download)', () => {
    expect(() => D.keypointrcnn_resnet50_fpn({ weights: 'COCO_V2' })).toThrow(/KeypointRCNN_ResNet50_FPN_Weights has no entry 'COCO_V2' \(it has COCO_LEGACY, COCO_V1, DEFAULT\)/);
    expect(() => D.keypointrcnn_resnet50_fpn({ weights: 'DEFAULT', numClasses: 5 })).toThrow(/The parameter 'numClasses' expected value 2 but got 5 instead/);
    expect(() => D.keypointrcnn_resnet50_fpn({ weights: 'DEFAULT', numKeypoints: 5 })).toThrow(/The parameter 'numKeypoints' expected value 17 but got 5 instead/);
    expect(() => D.keypointrcnn_resnet50_fpn({ pretrained: true } as D.KeypointRCNNBuilderOptions)).toThrow(TypeError);
  });
});
