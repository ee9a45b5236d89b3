// torchvision.models.detection.ssdlite (0.28): SSDlite (Sandler et al., 2018; Howard et al., 2019), SSD
// with depthwise-separable prediction blocks and extra layers (ReLU6) over a MobileNetV3 cut at C4's
// expansion layer. Built in torchvision's order with its initialization (normal, std 0.03), so a seed gives
// torchvision's weights; the builder ssdlite320_mobilenet_v3_large (320x320, BatchNorm2d eps 0.001,
// momentum 0.03) takes SSDLite320_MobileNet_V3_Large_Weights.
import * as torch from '../../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { describe } from '../../../options.js';
import type { Tensor } from '../../../tensor.js';
import { Conv2dNormActivation, type NormLayerFactory } from '../../ops/misc.js';
import { disposeUnusedModules } from '../_utils.js';
import { mobilenet_v3_large } from '../mobilenet_v3.js';
import * as W from '../weights_table.js';
import { retrieveOutChannels } from './_utils.js';
import { DefaultBoxGenerator } from './anchor_utils.js';
import { loadDetectorWeights, refuseParts } from './_one_stage.js';
import { SSD, SSDScoringHead, resolveSSDBuilder, type SSDBuilderOptions, type SSDOptions } from './ssd.js';
import type { HeadOutputs } from './retinanet.js';

const { nn } = torch;
type Module = torch.nn.Module;

const relu6 = (inplace: boolean): Module => new nn.ReLU6(inplace);

/** torchvision's _prediction_block: a depthwise kernelSize Conv2dNormActivation (ReLU6), then a 1x1 Conv2d to outChannels. */
export function _predictionBlock(inChannels: number, outChannels: number, kernelSize: number, normLayer: NormLayerFactory): torch.nn.Sequential {
  return new nn.Sequential(
    new Conv2dNormActivation(inChannels, inChannels, { kernelSize, groups: inChannels, normLayer, activationLayer: relu6 }),
    new nn.Conv2d(inChannels, outChannels, 1),
  );
}

/** torchvision's _extra_block: 1x1 to outChannels / 2, a 3x3 depthwise stride 2, 1x1 to outChannels (each normalized, ReLU6). */
export function _extraBlock(inChannels: number, outChannels: number, normLayer: NormLayerFactory): torch.nn.Sequential {
  const intermediate = Math.floor(outChannels / 2);
  return new nn.Sequential(
    new Conv2dNormActivation(inChannels, intermediate, { kernelSize: 1, normLayer, activationLayer: relu6 }),
    new Conv2dNormActivation(intermediate, intermediate, { kernelSize: 3, stride: 2, groups: intermediate, normLayer, activationLayer: relu6 }),
    new Conv2dNormActivation(intermediate, outChannels, { kernelSize: 1, normLayer, activationLayer: relu6 }),
  );
}

/** torchvision's _normal_init: every Conv2d of `conv` normal (mean 0, std 0.03), its bias 0. */
export function _normalInit(conv: Module): void {
  for (const layer of conv.modules()) {
    if (layer instanceof nn.Conv2d) {
      nn.init.normal_(layer.weight, { mean: 0.0, std: 0.03 });
      if (layer.bias) nn.init.constant_(layer.bias, 0.0);
    }
  }
}

function checkHeadArgs(owner: string, inChannels: unknown, numAnchors: unknown, normLayer: unknown): [number, number][] {
  const ints = (name: string, v: unknown): number[] => {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 1)) throw new TypeError(`${owner}: ${name} should be an array of positive ints, got ${describe(v)}`);
    return v as number[];
  };
  const c = ints('inChannels', inChannels);
  const a = ints('numAnchors', numAnchors);
  if (typeof normLayer !== 'function') throw new TypeError(`${owner}: normLayer should be a function that makes a module, got ${describe(normLayer)}`);
  return c.slice(0, Math.min(c.length, a.length)).map((ch, i) => [ch, a[i]!]); // Python's zip
}

const CLS_HEAD = signature('SSDLiteClassificationHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, normLayer: REQUIRED });
const REG_HEAD = signature('SSDLiteRegressionHead', { inChannels: REQUIRED, numAnchors: REQUIRED, normLayer: REQUIRED });
const HEAD = signature('SSDLiteHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, normLayer: REQUIRED });
type HeadOptions = { inChannels?: readonly number[]; numAnchors?: readonly number[]; numClasses?: number; normLayer?: NormLayerFactory };
type HeadArgs = PyArgs<[inChannels: readonly number[], numAnchors: readonly number[], numClasses: number, normLayer: NormLayerFactory], HeadOptions>;

/** SSDlite's classification head: per feature map a _predictionBlock to numClasses logits per default box. */
export class SSDLiteClassificationHead extends SSDScoringHead {
  constructor(...args: HeadArgs);
  constructor(...args: unknown[]) {
    const [inChannels, numAnchors, numClasses, normLayer] = bind(CLS_HEAD, args) as [number[], number[], number, NormLayerFactory];
    const fn = CLS_HEAD.fn;
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new TypeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
    const clsLogits = new nn.ModuleList(checkHeadArgs(fn, inChannels, numAnchors, normLayer).map(([channels, anchors]) => _predictionBlock(channels, numClasses * anchors, 3, normLayer)));
    _normalInit(clsLogits);
    super(clsLogits, numClasses);
  }
}

/** SSDlite's regression head: per feature map a _predictionBlock to 4 deltas per default box. */
export class SSDLiteRegressionHead extends SSDScoringHead {
  constructor(...args: PyArgs<[inChannels: readonly number[], numAnchors: readonly number[], normLayer: NormLayerFactory], Omit<HeadOptions, 'numClasses'>>);
  constructor(...args: unknown[]) {
    const [inChannels, numAnchors, normLayer] = bind(REG_HEAD, args) as [number[], number[], NormLayerFactory];
    const bboxReg = new nn.ModuleList(checkHeadArgs('SSDLiteRegressionHead', inChannels, numAnchors, normLayer).map(([channels, anchors]) => _predictionBlock(channels, 4 * anchors, 3, normLayer)));
    _normalInit(bboxReg);
    super(bboxReg, 4);
  }
}

/** SSDlite's head: classification_head and regression_head over the same feature maps. */
export class SSDLiteHead extends nn.Module {
  declare classification_head: SSDLiteClassificationHead; declare regression_head: SSDLiteRegressionHead;
  constructor(...args: HeadArgs);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses, normLayer] = bind(HEAD, args) as [number[], number[], number, NormLayerFactory];
    this.classification_head = new SSDLiteClassificationHead(inChannels, numAnchors, numClasses, normLayer);
    this.regression_head = new SSDLiteRegressionHead(inChannels, numAnchors, normLayer);
  }

  /** { bbox_regression (N, HWA, 4), cls_logits (N, HWA, C) }. */
  override forward(x: Tensor[]): HeadOutputs {
    return { bbox_regression: this.regression_head.call(x) as Tensor, cls_logits: this.classification_head.call(x) as Tensor };
  }
}

const EXTRACTOR = signature('SSDLiteFeatureExtractorMobileNet', { backbone: REQUIRED, c4Pos: REQUIRED, normLayer: REQUIRED, widthMult: 1.0, minDepth: 16 });

/**
 * torchvision's SSDLiteFeatureExtractorMobileNet over a MobileNet's `features`: features.0 up to C4's
 * expansion layer (section 6.3 of the MobileNetV3 paper), features.1 from C4's depthwise convolution to
 * the end, then four _extraBlock (512, 256, 256, 128 channels, times widthMult, at least minDepth).
 * Feature maps '0' .. '5'.
 */
export class SSDLiteFeatureExtractorMobileNet extends nn.Module {
  declare features: torch.nn.Sequential; declare extra: torch.nn.ModuleList;
  constructor(...args: PyArgs<[backbone: torch.nn.Sequential, c4Pos: number, normLayer: NormLayerFactory, widthMult: number, minDepth: number],
    { backbone?: torch.nn.Sequential; c4Pos?: number; normLayer?: NormLayerFactory; widthMult?: number; minDepth?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [backbone, c4Pos, normLayer, widthMult, minDepth] = bind(EXTRACTOR, args) as [torch.nn.Sequential, number, NormLayerFactory, number, number];
    const fn = EXTRACTOR.fn;
    if (typeof widthMult !== 'number' || !(widthMult > 0)) throw new TypeError(`${fn}: widthMult should be a positive number, got ${describe(widthMult)}`);
    if (!Number.isInteger(minDepth) || minDepth < 1) throw new TypeError(`${fn}: minDepth should be a positive int, got ${describe(minDepth)}`);
    if (!(backbone instanceof nn.Sequential)) throw new TypeError(`${fn}: backbone should be a MobileNet's features (a Sequential), got ${describe(backbone)}`);
    if (!Number.isInteger(c4Pos) || c4Pos < 0 || c4Pos >= backbone.length) throw new RangeError(`${fn}: c4Pos should be an index of backbone, got ${describe(c4Pos)}`);
    if (typeof normLayer !== 'function') throw new TypeError(`${fn}: normLayer should be a function that makes a module, got ${describe(normLayer)}`);
    const c4 = backbone.at(c4Pos) as Module & { useResConnect?: boolean; block?: unknown };
    if (c4.useResConnect) throw new RangeError('backbone[c4_pos].use_res_connect should be False');
    if (!(c4.block instanceof nn.Sequential)) throw new TypeError(`${fn}: backbone[c4Pos] should be an inverted residual block (with a block Sequential), got ${describe(c4)}`);
    const layers = backbone.children();
    this.features = new nn.Sequential(
      new nn.Sequential(...layers.slice(0, c4Pos), c4.block.at(0)), // from the start to C4's expansion layer
      new nn.Sequential(c4.block.slice(1), ...layers.slice(c4Pos + 1)), // from C4's depthwise convolution to the end
    );
    const getDepth = (d: number): number => Math.max(minDepth, Math.trunc(d * widthMult));
    const lastOut = (layers[layers.length - 1] as { outChannels?: unknown }).outChannels;
    if (typeof lastOut !== 'number') throw new TypeError(`${fn}: the backbone's last layer has no outChannels`);
    const extra = new nn.ModuleList([
      _extraBlock(lastOut, getDepth(512), normLayer),
      _extraBlock(getDepth(512), getDepth(256), normLayer),
      _extraBlock(getDepth(256), getDepth(256), normLayer),
      _extraBlock(getDepth(256), getDepth(128), normLayer),
    ]);
    _normalInit(extra);
    this.extra = extra;
  }

  override forward(x: Tensor): Map<string, Tensor> {
    return torch.tidy(() => {
      const output: Tensor[] = [];
      let h = x;
      for (const block of [...this.features.children(), ...this.extra.children()]) {
        h = block.call(h) as Tensor;
        output.push(h);
      }
      return new Map(output.map((v, i) => [String(i), v]));
    });
  }
}

/**
 * Whether features[i] is a MobileNet block that starts a stage (torchvision's InvertedResidual._is_cn: its
 * config's stride > 1): a block whose convolutions stride, or a module's own boolean `_isCn`.
 */
function isCn(m: Module): boolean {
  const own = (m as { _isCn?: unknown })._isCn;
  if (typeof own === 'boolean') return own;
  if (!((m as { block?: unknown }).block instanceof nn.Sequential)) return false; // the stem and last convolution
  return m.modules().some((c) => c instanceof nn.Conv2d && c.stride.some((s) => s > 1));
}

/**
 * torchvision's _mobilenet_extractor (ssdlite's): the MobileNet's stages before the last trainableLayers
 * frozen, then SSDLiteFeatureExtractorMobileNet cut at the last stage's first block (C4).
 */
export function _mobilenetExtractor(backbone: Module, trainableLayers: number, normLayer: NormLayerFactory): SSDLiteFeatureExtractorMobileNet {
  const features = (backbone as { features?: unknown }).features;
  if (!(features instanceof nn.Sequential)) throw new TypeError(`_mobilenetExtractor: backbone should be a MobileNet (with features), got ${describe(backbone)}`);
  const layers = features.children();
  const stageIndices = [0, ...layers.map((b, i) => (isCn(b) ? i : -1)).filter((i) => i >= 0), layers.length - 1];
  const numStages = stageIndices.length;
  // torchvision's message, which is not an f-string
  if (!(Number.isInteger(trainableLayers) && trainableLayers >= 0 && trainableLayers <= numStages))
    throw new RangeError('trainable_layers should be in the range [0, {num_stages}], instead got {trainable_layers}');
  const freezeBefore = trainableLayers === 0 ? layers.length : stageIndices[numStages - trainableLayers]!;
  for (const b of layers.slice(0, freezeBefore)) for (const p of b.parameters()) p.requiresGrad_(false);
  return new SSDLiteFeatureExtractorMobileNet(features, stageIndices[numStages - 2]!, normLayer);
}

/** torchvision's SSDLite320_MobileNet_V3_Large_Weights (COCO_V1: box mAP 21.3), generated into weights_table.ts. */
export const SSDLite320_MobileNet_V3_Large_Weights = W.SSDLite320_MobileNet_V3_Large_Weights;

/** ssdlite320_mobilenet_v3_large's options: SSD's builder options and normLayer (BatchNorm2d, eps 0.001, momentum 0.03, by default). */
export interface SSDLiteBuilderOptions extends SSDBuilderOptions {
  normLayer?: NormLayerFactory | null;
}

/**
 * SSDlite320 with a MobileNetV3-Large backbone (torchvision's ssdlite320_mobilenet_v3_large). Options:
 * weights (SSDLite320_MobileNet_V3_Large_Weights; none by default), numClasses (91), weightsBackbone
 * (MobileNet_V3_Large_Weights.IMAGENET1K_V1 by default; null: a random backbone, with the reduced tail and
 * normal(0, 0.03) convolutions), trainableBackboneLayers (0 .. 6, default 6), normLayer, and SSD's options
 * (defaults here: scoreThresh 0.001, nmsThresh 0.55, detectionsPerImg 300, topkCandidates 300, mean and
 * std 0.5: the images in [-1, 1]).
 */
export function ssdlite320_mobilenet_v3_large(options: SSDLiteBuilderOptions = {}): SSD {
  const fn = 'ssdlite320_mobilenet_v3_large';
  const { normLayer: normLayerOpt, ...others } = (options ?? {}) as SSDLiteBuilderOptions;
  if (normLayerOpt !== undefined && normLayerOpt !== null && typeof normLayerOpt !== 'function')
    throw new TypeError(`${fn}: normLayer should be a function that makes a module, or null, got ${describe(normLayerOpt)}`);
  const r = resolveSSDBuilder(fn, SSDLite320_MobileNet_V3_Large_Weights, W.MobileNet_V3_Large_Weights, 'IMAGENET1K_V1', others, 6, 6);
  refuseParts('SSD', r.rest, { head: 'head' });
  // the reduced tail without a pretrained backbone (Table 6 of the MobileNetV3 paper)
  const reducedTail = r.weightsBackbone === null;
  const normLayer: NormLayerFactory = normLayerOpt ?? ((c: number) => new nn.BatchNorm2d(c, { eps: 0.001, momentum: 0.03 }));
  const mobilenet = mobilenet_v3_large({ weights: r.weightsBackbone, progress: r.progress, normLayer, reducedTail });
  if (r.weightsBackbone === null) _normalInit(mobilenet); // the default initialization changed without a pretrained backbone
  const backbone = _mobilenetExtractor(mobilenet, r.trainableLayers, normLayer);
  disposeUnusedModules(mobilenet, [backbone]); // avgpool and classifier, which torchvision's model drops
  const size: [number, number] = [320, 320];
  const anchorGenerator = new DefaultBoxGenerator(Array.from({ length: 6 }, () => [2, 3]), { minRatio: 0.2, maxRatio: 0.95 });
  let model: SSD;
  let head: SSDLiteHead | null = null;
  try {
    const outChannels = retrieveOutChannels(backbone, size);
    const numAnchors = anchorGenerator.numAnchorsPerLocation();
    if (outChannels.length !== anchorGenerator.aspectRatios.length)
      throw new RangeError(`The length of the output channels from the backbone ${outChannels.length} do not match the length of the anchor generator aspect ratios ${anchorGenerator.aspectRatios.length}`);
    const defaults: SSDOptions = { scoreThresh: 0.001, nmsThresh: 0.55, detectionsPerImg: 300, topkCandidates: 300, imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5] };
    head = new SSDLiteHead(outChannels, numAnchors, r.numClasses, normLayer);
    model = new SSD(backbone, anchorGenerator, size, r.numClasses, { ...defaults, ...(r.rest as SSDOptions), head });
  } catch (e) {
    head?.dispose();
    backbone.dispose();
    anchorGenerator.dispose();
    throw e;
  }
  return loadDetectorWeights(model, r.weights, r.progress);
}
