// SSD and SSDlite against torchvision 0.28 (test/fixtures/ssd.json, made by scripts/make-ssd-fixtures.py):
// SSD.computeLoss on its own (hard negative mining; an image without boxes; another negative-to-positive
// ratio) with the gradients of the head outputs, seeded small detectors (a tiny custom backbone;
// SSDFeatureExtractorVGG over a narrow VGG-like features at 300 x 300; SSDlite over a 0.25-wide
// MobileNetV3 with an SSDLiteHead) compared on their weights at construction, eval detections, the default
// boxes' matches, train losses, every parameter's gradient and BatchNorm's running statistics after the
// step; the two builders (weights null: weights, frozen layers; SSDlite also in eval at 320 x 320);
// torchvision's errors and no tensor left behind. computeLoss and the matches have no convolution:
// bit-exact everywhere. The models' convolutions run oneDNN, whose kernels depend on the CPU model:
// bit-exact (values, hashes) on the CPU model that made the fixture, within rounding (1e-4) elsewhere.
import { describe, expect, it } from 'vitest';
import * as torch from '../lib/index.js';
import { DefaultBoxGenerator } from '../lib/vision/models/detection/anchor_utils.js';
import { retrieveOutChannels } from '../lib/vision/models/detection/_utils.js';
import type { DetectionTarget } from '../lib/vision/models/detection/transform.js';
import type { DetectorLosses } from '../lib/vision/models/detection/retinanet.js';
import * as S from '../lib/vision/models/detection/ssd.js';
import * as SL from '../lib/vision/models/detection/ssdlite.js';
import { mobilenet_v3_large } from '../lib/vision/models/mobilenet_v3.js';
import { liveTensors } from './run-child.js';
import { check } from './golden-replay.js';
import { expectDetectorLeavesNothing, expectGradients, expectTorchvisionState, loadDetectionFixture, modulesOf, type GradRow, expectSeededDetectorCase, callCheckingMatches } from './model-fixtures.js';

type Tensor = torch.Tensor;
const { nn } = torch;

/* eslint-disable @typescript-eslint/no-explicit-any */
const fx = loadDetectionFixture('ssd.json');
const { sameCpu, tol, I, C, E, exact } = fx;
torch.setNumThreads(1); // as the generator ran

const expectGrads = (model: torch.nn.Module, rows: GradRow[], noGrad: string[] | undefined): void => expectGradients(model, rows, noGrad, sameCpu);

/** The fixture's tiny backbone: two strided convolutions (+ ReLU), feature maps '0' and '1'. */
class TinyBackbone extends nn.Module {
  declare conv1: torch.nn.Conv2d; declare conv2: torch.nn.Conv2d;
  outChannels: number[];
  constructor(channels: number) {
    super();
    this.conv1 = new nn.Conv2d(3, channels, 3, { stride: 2, padding: 1 });
    this.conv2 = new nn.Conv2d(channels, channels, 3, { stride: 2, padding: 1 });
    this.outChannels = [channels, channels];
  }
  override forward(x: Tensor): Map<string, Tensor> {
    const c1 = torch.relu(this.conv1.call(x));
    return new Map([['0', c1], ['1', torch.relu(this.conv2.call(c1))]]);
  }
}

const makeSsd = (): S.SSD => {
  torch.manualSeed(0);
  return new S.SSD(new TinyBackbone(8), new DefaultBoxGenerator([[2], [2, 3]]), [72, 56], 4, { detectionsPerImg: 20, topkCandidates: 40 });
};

/** The fixture's narrow VGG-like model: `features` with VGG's five max-pools, 512 channels at conv4_3 and conv5_3. */
const vggLike = (): torch.nn.Module => {
  const conv = (i: number, o: number, k = 3): torch.nn.Module[] => [new nn.Conv2d(i, o, k, { padding: k === 3 ? 1 : 0 }), new nn.ReLU(true), new nn.MaxPool2d(2, 2)];
  const m = new nn.Module();
  (m as any).features = new nn.Sequential(...conv(3, 8), ...conv(8, 8), ...conv(8, 8), ...conv(8, 512), ...conv(512, 512, 1));
  return m;
};
const makeSsdVgg = (): S.SSD => {
  torch.manualSeed(0);
  const backbone = S._vggExtractor(vggLike(), false, 3);
  const anchorGenerator = new DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]], { scales: [0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], steps: [8, 16, 32, 64, 100, 300] });
  return new S.SSD(backbone, anchorGenerator, [300, 300], 4, { detectionsPerImg: 20, topkCandidates: 40, imageMean: [0.48235, 0.45882, 0.40784], imageStd: [1 / 255, 1 / 255, 1 / 255] });
};
const NORM = (c: number): torch.nn.Module => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.03 });
const makeSsdlite = (): S.SSD => {
  torch.manualSeed(0);
  const mobilenet = mobilenet_v3_large({ widthMult: 0.25, reducedTail: true, normLayer: NORM });
  SL._normalInit(mobilenet);
  const backbone = SL._mobilenetExtractor(mobilenet, 3, NORM);
  mobilenet.avgpool.dispose();
  mobilenet.classifier.dispose();
  const anchorGenerator = new DefaultBoxGenerator(Array.from({ length: 6 }, () => [2, 3]), { minRatio: 0.2, maxRatio: 0.95 });
  const head = new SL.SSDLiteHead(retrieveOutChannels(backbone, [96, 96]), anchorGenerator.numAnchorsPerLocation(), 4, NORM);
  return new S.SSD(backbone, anchorGenerator, [96, 96], 4, { head, scoreThresh: 0.001, detectionsPerImg: 20, topkCandidates: 40, imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5] });
};
const targets = (background = false): DetectionTarget[] => [
  { boxes: I('boxes_a'), labels: I('labels_a') },
  { boxes: background ? torch.zeros(0, 4) : I('boxes_b'), labels: background ? torch.zeros([0], { dtype: torch.int64 }) : I('labels_b') },
];

describe('detection.ssd: SSD.computeLoss (hard negative mining), bit-exact', () => {
  it('the losses and the gradients of the head outputs; an image without boxes; negToPosRatio 1', () => torch.tidy(() => {
    const model = makeSsd();
    const cls = I('h_cls').requiresGrad_();
    const reg = I('h_reg').requiresGrad_();
    const tgts: DetectionTarget[] = [{ boxes: I('h_boxes_0'), labels: torch.tensor([1, 3, 2]) }, { boxes: I('h_boxes_1'), labels: torch.tensor([0, 2]) }];
    const matched = [I('h_matched_0'), I('h_matched_1')];
    const anchors = [I('h_anchors_0'), I('h_anchors_1')];
    const losses = model.computeLoss(tgts, { cls_logits: cls, bbox_regression: reg }, anchors, matched);
    expect(Object.keys(losses)).toEqual(['bbox_regression', 'classification']);
    losses.bbox_regression!.add(losses.classification!).backward();
    const c = C('ssd_loss');
    exact(losses, c.losses, 'losses');
    exact(cls.grad, c.clsGrad, 'cls_logits gradient');
    exact(reg.grad, c.regGrad, 'bbox_regression gradient');
    tgts[1] = { boxes: torch.zeros(0, 4), labels: torch.zeros([0], { dtype: torch.int64 }) };
    matched[1] = torch.full([30], -1, { dtype: torch.int64 });
    exact(model.computeLoss(tgts, { cls_logits: I('h_cls'), bbox_regression: I('h_reg') }, anchors, matched), c.background, 'background');
    model.negToPosRatio = 1.0;
    exact(model.computeLoss(tgts, { cls_logits: I('h_cls'), bbox_regression: I('h_reg') }, anchors, matched), c.ratio1, 'negToPosRatio 1');
    expect(() => model.computeLoss(tgts, { cls_logits: I('h_cls') }, anchors, matched)).toThrow(/headOutputs\['bbox_regression'\] should be a Tensor/);
    expect(() => model.computeLoss([{ labels: torch.tensor([1]) }], { cls_logits: I('h_cls'), bbox_regression: I('h_reg') }, anchors, matched)).toThrow(/each target should hold its "boxes" Tensor/);
    model.dispose();
  }));
});

for (const [name, make, backgroundToo] of [
  ['ssd_tiny', makeSsd, true],
  ['ssd_vgg_tiny', makeSsdVgg, false],
  ['ssdlite_tiny', makeSsdlite, false],
] as const) {
  describe(`detection.ssd${name.startsWith('ssdlite') ? 'lite' : ''}: ${name}, a seeded small model`, () => {
    const model = make();
    for (const background of backgroundToo ? [false, true] : [false]) {
      const caseName = `${name}${background ? '_background' : ''}`;
      it(`${caseName}: weights, eval detections, matches, train losses and gradients`, () => {
        const c = C(caseName);
        expectSeededDetectorCase(model, c, fx, {
          weights: !background, detectionKeys: ['boxes', 'scores', 'labels'],
          trainCall: () => callCheckingMatches(model, c.matched, fx, () => model.call([I('img_a'), I('img_b')], targets(background)) as DetectorLosses),
          afterBackward: () => {
            expectGrads(model, c.grads, c.noGrad);
            if (c.stateAfter !== undefined && sameCpu) expectTorchvisionState(model, c.stateAfter);
          },
        });
      });
    }

    if (name === 'ssd_tiny') {
      it('throws torchvision\'s errors', () => {
        model.train();
        expect(() => model.call([I('img_a')])).toThrow(E('ssd_no_targets'));
        expect(() => model.call([I('img_a')], [{ boxes: torch.zeros(3), labels: torch.zeros([3], { dtype: torch.int64 }) }])).toThrow(E('ssd_boxes_shape'));
        // SSD's wording names what it got (Python prints <class 'list'>)
        expect(() => model.call([I('img_a')], [{ boxes: [[1.0, 2.0, 3.0, 4.0]], labels: torch.zeros([1], { dtype: torch.int64 }) } as never])).toThrow(/^Expected target boxes to be of type Tensor, got an array\.$/);
        expect(() => model.call([I('img_a')], [{ boxes: torch.tensor([[4.0, 5.0, 4.0, 9.0]]), labels: torch.tensor([1]) }])).toThrow(E('ssd_degenerate'));
        const ag = new DefaultBoxGenerator([[2]]);
        const bb = new TinyBackbone(8);
        expect(() => new S.SSD(bb, ag, [64, 64], 3)).toThrow(E('ssd_out_channels'));
        expect(() => new S.SSD(bb, ag, [64] as never, 3)).toThrow(/SSD: size should be \[width, height\]/);
        expect(() => new S.SSD(bb, ag, [64, 64], 0)).toThrow(/SSD: numClasses should be a positive int/);
        expect(() => new S.SSD(bb, ag, [64, 64], 3, { rpnHead: null } as never)).toThrow(TypeError);
        expect(() => new S.SSD(bb, ag, [64, 64], 3, { head: 3 as never })).toThrow(/head should be a Module or null/);
        expect(() => new S.SSDClassificationHead([8], [0], 3)).toThrow(/numAnchors should be an array of positive ints/);
        expect(() => new SL.SSDLiteHead([8], [4], 3, 3 as never)).toThrow(/normLayer should be a function/);
        expect(() => S._vggExtractor(vggLike(), false, 6)).toThrow(E('vgg_trainable'));
        const mb = mobilenet_v3_large({ widthMult: 0.25 });
        expect(() => new SL.SSDLiteFeatureExtractorMobileNet(mb.features, 3, NORM)).toThrow(E('ssdlite_res_connect'));
        mb.dispose();
        bb.dispose();
        ag.dispose();
        expect(() => model.call([[1, 2]] as never)).toThrow(/images should be an array of Tensors/);
        expect(() => model.call([I('img_a')], [3] as never)).toThrow(/targets\[0\] should be an object of Tensors/);
      });
    }

    if (name !== 'ssd_vgg_tiny') {

      it('leaves no tensors behind: training steps and inference in torch.tidy; a batched (N, C, H, W) tensor', () => {
        expectDetectorLeavesNothing(model, () => [I('img_a'), I('img_b')], targets, 1, () => {
          const batched = torch.noGrad(() => model.call(torch.stack([I('img_a'), I('img_a')])) as DetectionTarget[]);
          expect(batched.length).toBe(2);
        });
      });
    }

    it('disposes', () => { model.dispose(); });
  });
}

describe('detection.ssd / ssdlite: the argument forms, a backbone without outChannels, the extractor\'s width', () => {
  it('SSD(backbone, { anchorGenerator, size, numClasses, ... }) and a backbone whose channels are read by running it: torchvision\'s weights', () => {
    for (const dropChannels of [false, true]) {
      torch.manualSeed(0);
      const backbone = new TinyBackbone(8);
      if (dropChannels) delete (backbone as any).outChannels;
      const m = new S.SSD(backbone, { anchorGenerator: new DefaultBoxGenerator([[2], [2, 3]]), size: [72, 56], numClasses: 4, detectionsPerImg: 20, topkCandidates: 40 });
      expectTorchvisionState(m, C('ssd_tiny').state);
      expect([m.scoreThresh, m.nmsThresh, m.detectionsPerImg, m.topkCandidates, m.negToPosRatio]).toEqual([0.01, 0.45, 20, 40, 3]);
      expect(m.transform.fixedSize).toEqual([72, 56]);
      m.dispose();
    }
    torch.manualSeed(0);
    const head = new S.SSDHead([8, 8], { numAnchors: [4, 6], numClasses: 4 });
    expect(Object.keys(head.stateDict())).toEqual(['classification_head.module_list.0.weight', 'classification_head.module_list.0.bias', 'classification_head.module_list.1.weight',
      'classification_head.module_list.1.bias', 'regression_head.module_list.0.weight', 'regression_head.module_list.0.bias', 'regression_head.module_list.1.weight',
      'regression_head.module_list.1.bias']);
    head.dispose();
  });

  it('SSDFeatureExtractorVGG with highres (SSD512\'s conv12_2): torchvision\'s weights, seven feature maps\' shapes and sums at 512 x 512', () => torch.tidy(() => {
    torch.manualSeed(0);
    const m = S._vggExtractor(vggLike(), true, 3);
    const c = C('ssd_vgg_highres');
    expectTorchvisionState(m, c.state);
    expect(modulesOf(m)).toEqual(c.modules);
    torch.manualSeed(1);
    const x = torch.rand(1, 3, 512, 512);
    const out = [...torch.noGrad(() => m.call(x) as Map<string, Tensor>).values()];
    expect(out.map((v) => v.shape)).toEqual(c.shapes);
    // sums of convolution outputs: within rounding (oneDNN's accumulation order is the CPU's)
    out.forEach((v, i) => expect(Math.abs((v.double().sum().item()) - c.sums[i]), `map ${i}`).toBeLessThanOrEqual(1e-5 * Math.abs(c.sums[i]) + 1e-6));
    m.dispose();
  }));

  it('SSDLiteFeatureExtractorMobileNet(features, c4Pos, normLayer, { widthMult, minDepth }): torchvision\'s weights and feature shapes', () => torch.tidy(() => {
    torch.manualSeed(0);
    const mb = mobilenet_v3_large({ widthMult: 0.25, reducedTail: true, normLayer: NORM });
    const m = new SL.SSDLiteFeatureExtractorMobileNet(mb.features, 13, NORM, { widthMult: 0.5, minDepth: 80 });
    const c = C('ssdlite_extractor_width');
    expectTorchvisionState(m, c.state);
    expect(modulesOf(m)).toEqual(c.modules);
    m.eval();
    expect([...torch.noGrad(() => m.call(I('img_a').unsqueeze(0)) as Map<string, Tensor>).values()].map((v) => v.shape)).toEqual(c.shapes);
    // the extractor's extra blocks are its own (72 tensors): left to the GC they were freed in the middle of a later leak check
    m.dispose();
    mb.dispose();
  }));
});

describe('detection.ssd / ssdlite: the builders (weights null)', () => {
  for (const [name, build, run] of [
    ['builder_ssd300_vgg16', () => S.ssd300_vgg16({ weights: null, weightsBackbone: null }), false],
    ['builder_ssdlite320_mobilenet_v3_large', () => SL.ssdlite320_mobilenet_v3_large({ weights: null, weightsBackbone: null, numClasses: 5, detectionsPerImg: 10 }), true],
  ] as const) {
    it(`${name}: torchvision's weights${run ? ', eval detections at 320 x 320' : ''}`, () => {
      torch.manualSeed(0);
      const before = liveTensors(torch);
      const m = build();
      const c = C(name);
      expectTorchvisionState(m, c.state);
      expect(m.namedParameters().filter(([, p]) => !p.requiresGrad).map(([k]) => k)).toEqual(c.frozen);
      expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(c.numParams);
      expect([...new Set(m.modules().map((x) => x.constructor.name).filter((n) => n.includes('Norm')))].sort()).toEqual(c.normLayers);
      expect(modulesOf(m)).toEqual(c.modules);
      const bn = m.modules().filter((x): x is torch.nn.BatchNorm2d => x instanceof nn.BatchNorm2d).map((x) => `${x.eps},${x.momentum}`);
      expect([...new Set(bn)]).toEqual(c.bn.map(([e, mo]: [number, number]) => `${e},${mo}`));
      if (run) {
        torch.tidy(() => {
          m.eval();
          check(torch.noGrad(() => m.call([I('img_a')])), c.eval, tol, 'eval detections');
        });
      }
      m.dispose();
      expect(torch.nativeStats().tensors, 'tensors left once the model is disposed').toBe(before);
    });
  }

  it('throws torchvision\'s errors (before any download)', () => {
    expect(() => S.ssd300_vgg16({ weights: 'DEFAULT', numClasses: 5 })).toThrow(/The parameter 'numClasses' expected value 91 but got 5 instead/);
    expect(() => S.ssd300_vgg16({ weights: null, weightsBackbone: null, size: [200, 200] })).toThrow(E('builder_size'));
    expect(() => S.ssd300_vgg16({ weights: 'COCO_V2' })).toThrow(/SSD300_VGG16_Weights has no entry 'COCO_V2' \(it has COCO_V1, DEFAULT\)/);
    expect(() => SL.ssdlite320_mobilenet_v3_large({ weights: 'COCO_V2' })).toThrow(/SSDLite320_MobileNet_V3_Large_Weights has no entry 'COCO_V2'/);
    expect(() => SL.ssdlite320_mobilenet_v3_large({ head: new nn.Identity() })).toThrow(/SSD got multiple values for keyword argument 'head'/);
    expect(() => S.ssd300_vgg16({ rpnHead: null } as never)).toThrow(TypeError);
    expect(() => S.ssd300_vgg16({ trainableBackboneLayers: 6, weightsBackbone: 'IMAGENET1K_FEATURES' })).toThrow(/Trainable backbone layers should be in the range \[0,5\], got 6/);
    expect(() => SL.ssdlite320_mobilenet_v3_large({ trainableBackboneLayers: 7, weightsBackbone: 'IMAGENET1K_V1' })).toThrow(/Trainable backbone layers should be in the range \[0,6\], got 7/);
    expect(S.SSD300_VGG16_Weights.COCO_V1.meta.numParams).toBe(35641826);
    expect(SL.SSDLite320_MobileNet_V3_Large_Weights.DEFAULT.url).toBe('https://download.pytorch.org/models/ssdlite320_mobilenet_v3_large_coco-a79551df.pth');
    expect(SL.SSDLite320_MobileNet_V3_Large_Weights.COCO_V1.meta.categories!.length).toBe(91);
    // an option the detector refuses once the backbone is built: the backbone is freed
    const before = liveTensors(torch);
    expect(() => SL.ssdlite320_mobilenet_v3_large({ weights: null, weightsBackbone: null, scoreThresh: 'x' as never })).toThrow(/SSD: scoreThresh should be a number/);
    expect(torch.nativeStats().tensors).toBe(before);
  });
});
