// torchvision.models.detection.faster_rcnn (0.28): FasterRCNN (Ren et al., 2015) with torchvision's
// defaults, its heads (TwoMLPHead, FastRCNNConvFCHead, FastRCNNPredictor) and the builders
// fasterrcnn_resnet50_fpn, fasterrcnn_resnet50_fpn_v2, fasterrcnn_mobilenet_v3_large_fpn and
// fasterrcnn_mobilenet_v3_large_320_fpn. Modules are built in torchvision's order with its names and
// initialization, so a seed gives torchvision's weights. `weights` takes the COCO entries of
// FasterRCNN_ResNet50_FPN_Weights ... FasterRCNN_MobileNet_V3_Large_320_FPN_Weights (weights_table.ts),
// their names or a state-dict file; `weightsBackbone` the ImageNet entries.
import * as torch from '../../../index.js';
import { describe, isOptionsObject, readOptions } from '../../../options.js';
import type { Tensor } from '../../../tensor.js';
import { FrozenBatchNorm2d } from '../../ops/frozen_batch_norm.js';
import { Conv2dNormActivation, type NormLayerFactory } from '../../ops/misc.js';
import { MultiScaleRoIAlign } from '../../ops/poolers.js';
import { disposeUnusedModules } from '../_utils.js';
import { mobilenet_v3_large } from '../mobilenet_v3.js';
import { resnet50 } from '../resnet.js';
import { loadWeights, resolveWeights, type AnyWeights, type AnyWeightsEnum, type Weights } from '../weights.js';
import * as W from '../weights_table.js';
import type { ObjectDetection } from '../../transforms/presets.js';
import { readDetectorArgs } from './_detector.js';
import { overwriteEps } from './_utils.js';
import { AnchorGenerator } from './anchor_utils.js';
import { _mobilenetExtractor, _resnetFpnExtractor, _validateTrainableLayers } from './backbone_utils.js';
import { GeneralizedRCNN } from './generalized_rcnn.js';
import { RoIHeads } from './roi_heads.js';
import { RPNHead, RegionProposalNetwork } from './rpn.js';
import { GeneralizedRCNNTransform } from './transform.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;

/** torchvision's _default_anchorgen: sizes 32 .. 512, one per FPN level, aspect ratios 0.5, 1, 2. */
export function _defaultAnchorgen(): AnchorGenerator {
  const anchorSizes = [[32], [64], [128], [256], [512]];
  return new AnchorGenerator(anchorSizes, anchorSizes.map(() => [0.5, 1.0, 2.0]));
}

/** FasterRCNN's keywords (torchvision's, camelCased), with torchvision's defaults. */
export interface FasterRCNNOptions {
  /** Output classes, the background included; required unless boxPredictor is given (then null). */
  numClasses?: number | null;
  // transform
  /** The shorter side the images are resized to (800); a list: training picks one per image. */
  minSize?: number | readonly number[];
  /** The longer side's limit (1333). */
  maxSize?: number;
  /** Normalization (ImageNet's by default). */
  imageMean?: readonly number[] | null;
  imageStd?: readonly number[] | null;
  // RPN
  rpnAnchorGenerator?: AnchorGenerator | null;
  rpnHead?: Module | null;
  rpnPreNmsTopNTrain?: number; rpnPreNmsTopNTest?: number; rpnPostNmsTopNTrain?: number; rpnPostNmsTopNTest?: number;
  rpnNmsThresh?: number; rpnFgIouThresh?: number; rpnBgIouThresh?: number; rpnBatchSizePerImage?: number; rpnPositiveFraction?: number; rpnScoreThresh?: number;
  // box branch
  boxRoiPool?: MultiScaleRoIAlign | null;
  boxHead?: Module | null;
  boxPredictor?: Module | null;
  boxScoreThresh?: number; boxNmsThresh?: number; boxDetectionsPerImg?: number;
  boxFgIouThresh?: number; boxBgIouThresh?: number; boxBatchSizePerImage?: number; boxPositiveFraction?: number;
  bboxRegWeights?: readonly number[] | null;
  // GeneralizedRCNNTransform's keywords (torchvision's **kwargs)
  sizeDivisible?: number; fixedSize?: readonly [number, number] | null; _skipResize?: boolean;
}

export const OPTION_KEYS = ['numClasses', 'minSize', 'maxSize', 'imageMean', 'imageStd', 'rpnAnchorGenerator', 'rpnHead',
  'rpnPreNmsTopNTrain', 'rpnPreNmsTopNTest', 'rpnPostNmsTopNTrain', 'rpnPostNmsTopNTest', 'rpnNmsThresh', 'rpnFgIouThresh', 'rpnBgIouThresh',
  'rpnBatchSizePerImage', 'rpnPositiveFraction', 'rpnScoreThresh', 'boxRoiPool', 'boxHead', 'boxPredictor', 'boxScoreThresh', 'boxNmsThresh',
  'boxDetectionsPerImg', 'boxFgIouThresh', 'boxBgIouThresh', 'boxBatchSizePerImage', 'boxPositiveFraction', 'bboxRegWeights',
  'sizeDivisible', 'fixedSize', '_skipResize'] as const satisfies readonly (keyof FasterRCNNOptions)[];

/** FasterRCNN's parts, built in torchvision's order (the RPN head, then the box head and predictor). */
function fasterRcnnParts(backbone: Module, numClassesArg: unknown, options: unknown): [Module, RegionProposalNetwork, RoIHeads, GeneralizedRCNNTransform] {
  const fn = 'FasterRCNN';
  const [o, c] = readDetectorArgs<FasterRCNNOptions>(fn, backbone, numClassesArg, options, OPTION_KEYS);
  const rpnAnchorGenerator = o.rpnAnchorGenerator ?? null;
  if (rpnAnchorGenerator !== null && !(rpnAnchorGenerator instanceof AnchorGenerator))
    throw new TypeError(`rpn_anchor_generator should be of type AnchorGenerator or None instead of ${describe(rpnAnchorGenerator)}`);
  const boxRoiPool = o.boxRoiPool ?? null;
  if (boxRoiPool !== null && !(boxRoiPool instanceof MultiScaleRoIAlign))
    throw new TypeError(`box_roi_pool should be of type MultiScaleRoIAlign or None instead of ${describe(boxRoiPool)}`);
  const numClasses = o.numClasses ?? null;
  let boxPredictor = o.boxPredictor ?? null;
  if (numClasses !== null) {
    if (boxPredictor !== null) throw new RangeError('num_classes should be None when box_predictor is specified');
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
  } else if (boxPredictor === null) {
    throw new RangeError('num_classes should not be None when box_predictor is not specified');
  }
  for (const k of ['rpnHead', 'boxHead', 'boxPredictor'] as const)
    if (o[k] !== null && o[k] !== undefined && !(o[k] instanceof nn.Module)) throw new TypeError(`${fn}: ${k} should be a Module or null, got ${describe(o[k])}`);

  const anchorGenerator = rpnAnchorGenerator ?? _defaultAnchorgen();
  const rpnHead = o.rpnHead ?? new RPNHead(c, anchorGenerator.numAnchorsPerLocation()[0]!);
  const rpn = new RegionProposalNetwork(anchorGenerator, rpnHead, o.rpnFgIouThresh ?? 0.7, o.rpnBgIouThresh ?? 0.3, o.rpnBatchSizePerImage ?? 256, o.rpnPositiveFraction ?? 0.5,
    { training: o.rpnPreNmsTopNTrain ?? 2000, testing: o.rpnPreNmsTopNTest ?? 1000 }, { training: o.rpnPostNmsTopNTrain ?? 2000, testing: o.rpnPostNmsTopNTest ?? 1000 },
    o.rpnNmsThresh ?? 0.7, o.rpnScoreThresh ?? 0.0);
  const pool = boxRoiPool ?? new MultiScaleRoIAlign(['0', '1', '2', '3'], 7, 2);
  const representationSize = 1024;
  const boxHead = o.boxHead ?? new TwoMLPHead(c * pool.outputSize[0] ** 2, representationSize);
  boxPredictor ??= new FastRCNNPredictor(representationSize, numClasses!);
  const roiHeads = new RoIHeads(pool, boxHead, boxPredictor, o.boxFgIouThresh ?? 0.5, o.boxBgIouThresh ?? 0.5, o.boxBatchSizePerImage ?? 512, o.boxPositiveFraction ?? 0.25,
    o.bboxRegWeights ?? null, o.boxScoreThresh ?? 0.05, o.boxNmsThresh ?? 0.5, o.boxDetectionsPerImg ?? 100);
  const transformOptions = Object.fromEntries((['sizeDivisible', 'fixedSize', '_skipResize'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const transform = new GeneralizedRCNNTransform(o.minSize ?? 800, o.maxSize ?? 1333, o.imageMean ?? [0.485, 0.456, 0.406], o.imageStd ?? [0.229, 0.224, 0.225], transformOptions);
  return [backbone, rpn, roiHeads, transform];
}

/**
 * torchvision's FasterRCNN(backbone, numClasses, options): `backbone` returns a feature map or named
 * feature maps of `backbone.outChannels` channels; by default the RPN has torchvision's anchors (sizes 32
 * .. 512 over five levels) and an RPNHead, the box branch a MultiScaleRoIAlign over '0' .. '3' (7x7,
 * sampling ratio 2), a TwoMLPHead (1024) and a FastRCNNPredictor. `new FasterRCNN(backbone, { numClasses,
 * ... })` also works. In training forward returns { loss_classifier, loss_box_reg, loss_objectness,
 * loss_rpn_box_reg }, in eval one { boxes, labels, scores } per image.
 */
export class FasterRCNN extends GeneralizedRCNN {
  declare rpn: RegionProposalNetwork; declare roi_heads: RoIHeads; declare transform: GeneralizedRCNNTransform;
  constructor(backbone: Module, numClasses?: number | null, options?: FasterRCNNOptions);
  constructor(backbone: Module, options: FasterRCNNOptions);
  constructor(backbone: Module, numClasses?: number | null | FasterRCNNOptions, options?: FasterRCNNOptions) {
    const [b, rpn, roiHeads, transform] = fasterRcnnParts(backbone, numClasses, options);
    super(b, rpn, roiHeads, transform);
  }
}

/** Two fully connected layers (fc6, fc7) with ReLU on the flattened pooled features: the FPN models' box head. */
export class TwoMLPHead extends nn.Module {
  declare fc6: torch.nn.Linear; declare fc7: torch.nn.Linear;
  constructor(inChannels: number, representationSize: number) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['representationSize', representationSize]] as const)
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`TwoMLPHead: ${name} should be a positive int, got ${describe(v)}`);
    this.fc6 = new nn.Linear(inChannels, representationSize);
    this.fc7 = new nn.Linear(representationSize, representationSize);
  }
  override forward(x: Tensor): Tensor {
    return torch.tidy(() => F.relu(this.fc7.call(F.relu(this.fc6.call(x.flatten(1))))));
  }
}

/**
 * torchvision's FastRCNNConvFCHead(inputSize [C, H, W], convLayers, fcLayers, normLayer): a 3x3
 * Conv2dNormActivation per entry of convLayers, Flatten, then Linear + ReLU per entry of fcLayers; the
 * convolutions re-initialized (Kaiming normal, fan_out, zero bias). Fast R-CNN v2's box head.
 */
export class FastRCNNConvFCHead extends nn.Sequential {
  constructor(inputSize: readonly [number, number, number], convLayers: readonly number[], fcLayers: readonly number[], normLayer: NormLayerFactory | null = null) {
    if (!Array.isArray(inputSize) || inputSize.length !== 3 || !inputSize.every((v) => Number.isInteger(v)))
      throw new TypeError(`FastRCNNConvFCHead: inputSize should be [channels, height, width] ints, got ${describe(inputSize)}`);
    for (const [name, v] of [['convLayers', convLayers], ['fcLayers', fcLayers]] as const)
      if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n))) throw new TypeError(`FastRCNNConvFCHead: ${name} should be an array of ints, got ${describe(v)}`);
    const [inChannels, inHeight, inWidth] = inputSize;
    const blocks: Module[] = [];
    let previousChannels = inChannels;
    for (const currentChannels of convLayers) {
      blocks.push(new Conv2dNormActivation(previousChannels, currentChannels, { normLayer }));
      previousChannels = currentChannels;
    }
    blocks.push(new nn.Flatten());
    previousChannels = previousChannels * inHeight * inWidth;
    for (const currentChannels of fcLayers) {
      blocks.push(new nn.Linear(previousChannels, currentChannels));
      blocks.push(new nn.ReLU(true));
      previousChannels = currentChannels;
    }
    super(...blocks);
    for (const layer of this.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.kaimingNormal_(layer.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (layer.bias) nn.init.zeros_(layer.bias);
      }
    }
  }
}

/** Fast R-CNN's classification (cls_score) and box regression (bbox_pred, 4 per class) layers. */
export class FastRCNNPredictor extends nn.Module {
  declare cls_score: torch.nn.Linear; declare bbox_pred: torch.nn.Linear;
  constructor(inChannels: number, numClasses: number) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['numClasses', numClasses]] as const)
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`FastRCNNPredictor: ${name} should be a positive int, got ${describe(v)}`);
    this.cls_score = new nn.Linear(inChannels, numClasses);
    this.bbox_pred = new nn.Linear(inChannels, numClasses * 4);
  }
  /** [scores (N, numClasses), box deltas (N, 4 numClasses)] of x (N, C) or (N, C, 1, 1). */
  override forward(x: Tensor): [Tensor, Tensor] {
    if (x.dim() === 4 && !(x.shape[2] === 1 && x.shape[3] === 1))
      throw new RangeError(`x has the wrong shape, expecting the last two dimensions to be [1,1] instead of [${x.shape.slice(2).join(', ')}]`);
    return torch.tidy(() => {
      const flat = x.flatten(1);
      return [this.cls_score.call(flat), this.bbox_pred.call(flat)] as [Tensor, Tensor];
    });
  }
}

/** The builders' options: FasterRCNN's, and torchvision's builder keywords camelCased. */
export interface FasterRCNNBuilderOptions extends Omit<FasterRCNNOptions, 'numClasses'> {
  /**
   * Pretrained Faster R-CNN weights (none by default): an entry of the builder's COCO enum
   * (FasterRCNN_ResNet50_FPN_Weights.COCO_V1, ...), its name ('COCO_V1', 'DEFAULT',
   * 'FasterRCNN_ResNet50_FPN_Weights.COCO_V1'), or a state-dict file's path (the whole model's, numClasses
   * as given). With weights, as torchvision, weightsBackbone is ignored (null), the backbone is built as a
   * pretrained one (FrozenBatchNorm2d, except fasterrcnn_resnet50_fpn_v2's BatchNorm2d; trainableBackboneLayers
   * default 3) and an entry fixes numClasses to its categories' count (91).
   */
  weights?: Weights<ObjectDetection> | string | null;
  /** A progress bar on stderr while weights download (default true). */
  progress?: boolean;
  /** Output classes, the background included (91, COCO's, by default; an entry's categories count with weights). */
  numClasses?: number | null;
  /**
   * The backbone's ImageNet weights: an entry of ResNet50_Weights / MobileNet_V3_Large_Weights, its name,
   * a state-dict file, or null. Default as torchvision: IMAGENET1K_V1, except fasterrcnn_resnet50_fpn_v2 (null).
   * With weights the backbone uses FrozenBatchNorm2d (BatchNorm2d in fasterrcnn_resnet50_fpn_v2) and freezes
   * all but trainableBackboneLayers.
   */
  weightsBackbone?: Weights | string | null;
  /** Trainable backbone stages from the last (default 3; all of them, with a warning if set, without backbone weights). */
  trainableBackboneLayers?: number | null;
}
const BUILDER_KEYS = ['weights', 'progress', 'numClasses', 'weightsBackbone', 'trainableBackboneLayers'] as const;

/** A weights string that names an enum entry rather than a file (as weights.ts reads it). */
const ENTRY_NAME = /^(?:[A-Za-z0-9_]+_Weights\.)?[A-Z][A-Z0-9_]*$/;

/** A builder's resolved arguments (shared with mask_rcnn.ts). */
export interface Resolved {
  /** The model's weights (an entry, or a state-dict file's path) to load once it is built, or null. */
  weights: AnyWeights | string | null;
  progress: boolean; numClasses: number; weightsBackbone: Weights | string | null; trainableLayers: number; isTrained: boolean; rest: FasterRCNNOptions & Record<string, unknown>;
}

/**
 * The builders' preamble, in torchvision's order: the weights and the backbone's weights verified; with
 * weights the backbone's dropped and numClasses checked against (or set to) the entry's categories count,
 * else numClasses defaulting to 91; the trainable layers.
 */
export function resolveBuilder(fn: string, weightsEnum: AnyWeightsEnum, backboneEnum: AnyWeightsEnum, options: FasterRCNNBuilderOptions, defaultBackbone: boolean, maxTrainable: number,
  defaults: Partial<FasterRCNNOptions> = {}, extraKeys: readonly string[] = []): Resolved {
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  const all = readOptions(fn, options, [...BUILDER_KEYS, ...OPTION_KEYS.filter((k) => k !== 'numClasses'), ...extraKeys]) as FasterRCNNBuilderOptions;
  const { weights, progress, numClasses, weightsBackbone, trainableBackboneLayers, ...rest } = all;
  const isEntry = (w: unknown): boolean => w !== null && w !== undefined && (typeof w !== 'string' || ENTRY_NAME.test(w));
  if (isEntry(weights)) weightsEnum.verify(weights); // file paths pass as they are
  let backbone: Weights | string | null = weightsBackbone === undefined ? (defaultBackbone ? (backboneEnum.verify('IMAGENET1K_V1') as Weights) : null) : weightsBackbone;
  if (isEntry(backbone)) backbone = backboneEnum.verify(backbone) as Weights;
  if (numClasses !== null && numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1))
    throw new RangeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
  // None is "not given", as _ovewrite_value_param reads it; an entry fixes numClasses, a file leaves it as given
  const r = resolveWeights(weightsEnum, { weights: weights ?? null, numClasses: numClasses ?? undefined });
  const resolvedWeights = r.weights ?? null;
  if (resolvedWeights !== null) backbone = null; // the model's weights hold the backbone's
  const n = r.numClasses ?? 91;
  if (trainableBackboneLayers !== null && trainableBackboneLayers !== undefined && !Number.isInteger(trainableBackboneLayers))
    throw new TypeError(`${fn}: trainableBackboneLayers should be an int or null, got ${describe(trainableBackboneLayers)}`);
  const isTrained = resolvedWeights !== null || backbone !== null;
  const trainableLayers = _validateTrainableLayers(isTrained, trainableBackboneLayers, maxTrainable, 3);
  return { weights: resolvedWeights, progress: progress ?? true, numClasses: n, weightsBackbone: backbone, trainableLayers, isTrained, rest: { ...defaults, ...rest } };
}

/** The model's weights loaded (an entry from the hub cache, its hash checked on download; or a file), as the builders end; the model freed if that fails. */
export function loadModelWeights<M extends FasterRCNN>(model: M, r: Resolved): M {
  if (r.weights === null) return model;
  try {
    loadWeights(model, r.weights, r.progress);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export const batchNorm: NormLayerFactory = (c) => new nn.BatchNorm2d(c);
export const frozenBatchNorm: NormLayerFactory = (c) => new FrozenBatchNorm2d(c);

/**
 * Faster R-CNN with a ResNet-50-FPN backbone (torchvision's fasterrcnn_resnet50_fpn). Options: weights
 * (FasterRCNN_ResNet50_FPN_Weights; none by default), numClasses (91), weightsBackbone
 * (ResNet50_Weights.IMAGENET1K_V1 by default, as torchvision; null for a random backbone with BatchNorm2d),
 * trainableBackboneLayers (0 .. 5, default 3), and FasterRCNN's options. With the COCO_V1 entry the
 * FrozenBatchNorm2d layers' eps is 0, as torchvision sets it for those weights (overwrite_eps); a state-dict
 * file keeps 1e-5 (call detection._utils.overwriteEps(model, 0) for torchvision's COCO_V1 file).
 */
export function fasterrcnn_resnet50_fpn(options: FasterRCNNBuilderOptions = {}): FasterRCNN {
  const r = resolveBuilder('fasterrcnn_resnet50_fpn', W.FasterRCNN_ResNet50_FPN_Weights, W.ResNet50_Weights, options, true, 5);
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? frozenBatchNorm : batchNorm });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers);
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc, which torchvision's model drops
  const model = loadModelWeights(new FasterRCNN(backbone, r.numClasses, r.rest), r);
  if (r.weights === W.FasterRCNN_ResNet50_FPN_Weights.COCO_V1) overwriteEps(model, 0.0);
  return model;
}

/**
 * The improved Faster R-CNN ResNet-50-FPN (torchvision's fasterrcnn_resnet50_fpn_v2, Li et al., 2021):
 * BatchNorm2d in the backbone and the FPN, a two-convolution RPN head and a FastRCNNConvFCHead (four
 * 256-channel convolutions, one 1024 layer). weights: FasterRCNN_ResNet50_FPN_V2_Weights; weightsBackbone
 * defaults to null.
 */
export function fasterrcnn_resnet50_fpn_v2(options: FasterRCNNBuilderOptions = {}): FasterRCNN {
  const r = resolveBuilder('fasterrcnn_resnet50_fpn_v2', W.FasterRCNN_ResNet50_FPN_V2_Weights, W.ResNet50_Weights, options, false, 5);
  refuseBuiltParts(r, ['rpnAnchorGenerator', 'rpnHead', 'boxHead']);
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers, null, null, batchNorm);
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc
  const rpnAnchorGenerator = _defaultAnchorgen();
  const rpnHead = new RPNHead(backbone.outChannels, rpnAnchorGenerator.numAnchorsPerLocation()[0]!, 2);
  const boxHead = new FastRCNNConvFCHead([backbone.outChannels, 7, 7], [256, 256, 256, 256], [1024], batchNorm);
  return loadModelWeights(new FasterRCNN(backbone, r.numClasses, { ...r.rest, rpnAnchorGenerator, rpnHead, boxHead }), r);
}

/** Python's TypeError where a builder passes FasterRCNN (MaskRCNN) a part the caller's keywords also give. */
export function refuseBuiltParts(r: Resolved, parts: readonly ('rpnAnchorGenerator' | 'rpnHead' | 'boxHead' | 'maskHead')[], owner = 'FasterRCNN'): void {
  const snake = { rpnAnchorGenerator: 'rpn_anchor_generator', rpnHead: 'rpn_head', boxHead: 'box_head', maskHead: 'mask_head' } as const;
  const given = parts.find((k) => r.rest[k] !== undefined && r.rest[k] !== null);
  if (given !== undefined) throw new TypeError(`${owner} got multiple values for keyword argument '${snake[given]}' (${given}: this builder makes its own)`);
}

function mobilenetV3LargeFpn(r: Resolved): FasterRCNN {
  refuseBuiltParts(r, ['rpnAnchorGenerator']);
  const mobilenet = mobilenet_v3_large({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? frozenBatchNorm : batchNorm });
  const backbone = _mobilenetExtractor(mobilenet, true, r.trainableLayers);
  disposeUnusedModules(mobilenet, [backbone]); // avgpool, classifier and the blocks past the last returned stage
  const anchorSizes = [[32, 64, 128, 256, 512], [32, 64, 128, 256, 512], [32, 64, 128, 256, 512]];
  const rpnAnchorGenerator = new AnchorGenerator(anchorSizes, anchorSizes.map(() => [0.5, 1.0, 2.0]));
  return loadModelWeights(new FasterRCNN(backbone, r.numClasses, { ...r.rest, rpnAnchorGenerator }), r);
}

/**
 * Faster R-CNN with a MobileNetV3-Large FPN backbone (torchvision's fasterrcnn_mobilenet_v3_large_fpn):
 * the FPN over the last two stages, anchors 32 .. 512 at every level, rpnScoreThresh 0.05.
 * weights: FasterRCNN_MobileNet_V3_Large_FPN_Weights; weightsBackbone defaults to
 * MobileNet_V3_Large_Weights.IMAGENET1K_V1; trainableBackboneLayers 0 .. 6.
 */
export function fasterrcnn_mobilenet_v3_large_fpn(options: FasterRCNNBuilderOptions = {}): FasterRCNN {
  return mobilenetV3LargeFpn(resolveBuilder('fasterrcnn_mobilenet_v3_large_fpn', W.FasterRCNN_MobileNet_V3_Large_FPN_Weights, W.MobileNet_V3_Large_Weights, options, true, 6,
    { rpnScoreThresh: 0.05 }));
}

/**
 * The low-resolution fasterrcnn_mobilenet_v3_large_fpn (torchvision's fasterrcnn_mobilenet_v3_large_320_fpn):
 * minSize 320, maxSize 640, rpnPreNmsTopNTest and rpnPostNmsTopNTest 150, rpnScoreThresh 0.05 (each can be
 * overridden). weights: FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.
 */
export function fasterrcnn_mobilenet_v3_large_320_fpn(options: FasterRCNNBuilderOptions = {}): FasterRCNN {
  return mobilenetV3LargeFpn(resolveBuilder('fasterrcnn_mobilenet_v3_large_320_fpn', W.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights, W.MobileNet_V3_Large_Weights, options, true, 6,
    { minSize: 320, maxSize: 640, rpnPreNmsTopNTest: 150, rpnPostNmsTopNTest: 150, rpnScoreThresh: 0.05 }));
}
