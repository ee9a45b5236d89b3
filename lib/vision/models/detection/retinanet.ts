// torchvision.models.detection.retinanet (0.28): RetinaNet (Lin et al., 2017), a single-stage detector:
// a backbone's feature maps, a classification head (sigmoid focal loss) and a box regression head over
// every anchor, matched to the targets by IoU (fgIouThresh / bgIouThresh, low-quality matches allowed). With
// torchvision's module names, construction order and initialization, so a seed gives torchvision's weights;
// the builders retinanet_resnet50_fpn and retinanet_resnet50_fpn_v2 (returned layers 2 .. 4 and
// LastLevelP6P7, as torchvision) take the COCO entries of RetinaNet_ResNet50_FPN_Weights /
// RetinaNet_ResNet50_FPN_V2_Weights.
import * as torch from '../../../index.js';
import type { LoadMetadata } from '../../../nn/module.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { describe, isOptionsObject } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { boxIou } from '../../ops/boxes.js';
import { LastLevelP6P7 } from '../../ops/feature_pyramid_network.js';
import { FrozenBatchNorm2d } from '../../ops/frozen_batch_norm.js';
import { sigmoidFocalLoss } from '../../ops/losses.js';
import { Conv2dNormActivation, type NormLayerFactory } from '../../ops/misc.js';
import { disposeUnusedModules } from '../_utils.js';
import { resnet50 } from '../resnet.js';
import * as W from '../weights_table.js';
import { BoxCoder, Matcher, _boxLoss, _topkMin, overwriteEps, type BoxLossType } from './_utils.js';
import { AnchorGenerator } from './anchor_utils.js';
import { _resnetFpnExtractor } from './backbone_utils.js';
import type { FasterRCNNBuilderOptions } from './faster_rcnn.js';
import { checkTargetList, type BoxMessages, type DetectionTarget, type GeneralizedRCNNTransform } from './transform.js';
import {
  OneStageDetector, checkNumber, loadDetectorWeights, refuseParts, resolveDetectorBuilder, selectDetections, splitLevels, transformOf,
  ONE_STAGE_OPTION_KEYS, type DetectorLosses, type HeadOutputs, type OneStageOptions, type StagedInputs,
} from './_one_stage.js';
import { readDetectorArgs } from './_detector.js';

export type { DetectorLosses, HeadOutputs } from './_one_stage.js';

const { nn } = torch;
type Module = torch.nn.Module;

/** torchvision's _sum: the tensors added left to right. */
export function _sum(x: readonly Tensor[]): Tensor {
  if (!Array.isArray(x) || x.length === 0 || !x.every(isTensor)) throw new TypeError(`_sum: expected a non-empty array of Tensors, got ${describe(x)}`);
  return torch.tidy(() => x.slice(1).reduce((res, t) => res.add(t), x[0]!.clone()));
}

/** torchvision's _v1_to_v2_weights: a version-1 head's conv.{2i}.weight / bias keys renamed conv.{i}.0.weight / bias (in place). */
export function _v1ToV2Weights(stateDict: Record<string, unknown>, prefix: string): void {
  for (let i = 0; i < 4; i++) {
    for (const type of ['weight', 'bias']) {
      const oldKey = `${prefix}conv.${2 * i}.${type}`;
      if (oldKey in stateDict) {
        const value = stateDict[oldKey];
        delete stateDict[oldKey];
        stateDict[`${prefix}conv.${i}.0.${type}`] = value;
      }
    }
  }
}

/** torchvision's retinanet _default_anchorgen: sizes x, int(x 2^(1/3)), int(x 2^(2/3)) for x in 32 .. 512, aspect ratios 0.5, 1, 2. */
export function _defaultAnchorgen(): AnchorGenerator {
  const anchorSizes = [32, 64, 128, 256, 512].map((x) => [x, Math.trunc(x * 2 ** (1.0 / 3)), Math.trunc(x * 2 ** (2.0 / 3))]);
  return new AnchorGenerator(anchorSizes, anchorSizes.map(() => [0.5, 1.0, 2.0]));
}

function checkInt(owner: string, name: string, v: unknown, min = 1): void {
  if (!Number.isInteger(v) || (v as number) < min) throw new TypeError(`${owner}: ${name} should be an int >= ${min}, got ${describe(v)}`);
}
function checkNorm(owner: string, v: unknown): void {
  if (v !== null && typeof v !== 'function') throw new TypeError(`${owner}: normLayer should be a function that makes a module, or null, got ${describe(v)}`);
}
function checkFeatures(owner: string, x: unknown): asserts x is Tensor[] {
  if (!Array.isArray(x) || !x.every(isTensor)) throw new TypeError(`${owner}: expected an array of feature maps (N, C, H, W), got ${describe(x)}`);
}

/** Per feature map: `conv`, then `out`, (N, A*K, H, W) reshaped to (N, HWA, K); concatenated over the levels. */
export function headLevels(x: readonly Tensor[], conv: Module, out: Module, k: number, act: ((t: Tensor) => Tensor) | null = null): Tensor {
  return torch.tidy(() => torch.cat(x.map((features) => {
    let t = out.call(conv.call(features) as Tensor) as Tensor;
    if (act !== null) t = act(t);
    const [N, , H, W] = t.shape as [number, number, number, number];
    return t.view(N, -1, k, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, k);
  }), 1));
}

/** A target as the heads' losses read it: 'boxes' (K, 4) and 'labels' (K). */
type HeadTarget = Readonly<Record<string, Tensor>>;

function checkLossInputs(owner: string, targets: unknown, headOutputs: unknown, keys: readonly string[], lists: Readonly<Record<string, unknown>>): void {
  checkTargetList(owner, targets);
  if (!isOptionsObject(headOutputs)) throw new TypeError(`${owner}: headOutputs should be an object of Tensors, got ${describe(headOutputs)}`);
  for (const k of keys) if (!isTensor(headOutputs[k])) throw new TypeError(`${owner}: headOutputs['${k}'] should be a Tensor, got ${describe(headOutputs[k])}`);
  for (const [name, v] of Object.entries(lists)) if (!Array.isArray(v) || !v.every(isTensor)) throw new TypeError(`${owner}: ${name} should be an array of Tensors, got ${describe(v)}`);
}

function field(owner: string, target: HeadTarget, key: string): Tensor {
  const t = target[key];
  if (!isTensor(t)) throw new TypeError(`${owner}: each target should hold its "${key}" Tensor, got ${describe(t)}`);
  return t;
}

const CLS_HEAD = signature('RetinaNetClassificationHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, priorProbability: 0.01, normLayer: null });

/**
 * RetinaNet's classification head: four 3x3 Conv2dNormActivation (normLayer, none by default, ReLU), then
 * per anchor a logit per class (cls_logits, its bias -log((1 - p) / p) for the prior probability p).
 */
export class RetinaNetClassificationHead extends nn.Module {
  static override _version = 2;
  declare conv: torch.nn.Sequential; declare cls_logits: torch.nn.Conv2d;
  numClasses: number;
  numAnchors: number;
  readonly BETWEEN_THRESHOLDS = Matcher.BETWEEN_THRESHOLDS;
  constructor(inChannels: number, numAnchors: number, numClasses: number, ...args: PyArgs<[priorProbability: number, normLayer: NormLayerFactory | null],
    { inChannels?: number; numAnchors?: number; numClasses?: number; priorProbability?: number; normLayer?: NormLayerFactory | null }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses, priorProbability, normLayer] = bind(CLS_HEAD, args) as [number, number, number, number, NormLayerFactory | null];
    const fn = CLS_HEAD.fn;
    checkInt(fn, 'inChannels', inChannels);
    checkInt(fn, 'numAnchors', numAnchors);
    checkInt(fn, 'numClasses', numClasses);
    if (typeof priorProbability !== 'number' || !(priorProbability > 0 && priorProbability < 1)) throw new RangeError(`${fn}: priorProbability should be in (0, 1), got ${describe(priorProbability)}`);
    checkNorm(fn, normLayer);
    this.conv = new nn.Sequential(...Array.from({ length: 4 }, () => new Conv2dNormActivation(inChannels, inChannels, { normLayer })));
    for (const layer of this.conv.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.normal_(layer.weight, { std: 0.01 });
        if (layer.bias) nn.init.constant_(layer.bias, 0);
      }
    }
    this.cls_logits = new nn.Conv2d(inChannels, numAnchors * numClasses, 3, { stride: 1, padding: 1 });
    nn.init.normal_(this.cls_logits.weight, { std: 0.01 });
    nn.init.constant_(this.cls_logits.bias!, -Math.log((1 - priorProbability) / priorProbability));
    this.numClasses = numClasses;
    this.numAnchors = numAnchors;
  }

  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const version = localMetadata.version;
    if (version === undefined || version < 2) _v1ToV2Weights(stateDict, prefix);
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  /** The sigmoid focal loss (sum over the anchors not between the thresholds, over the foreground count) averaged over the images. */
  computeLoss(targets: readonly HeadTarget[], headOutputs: HeadOutputs, matchedIdxs: readonly Tensor[]): Tensor {
    const fn = 'RetinaNetClassificationHead.computeLoss';
    checkLossInputs(fn, targets, headOutputs, ['cls_logits'], { matchedIdxs });
    if (targets.length === 0) throw new RangeError(`${fn}: no targets`);
    return torch.tidy(() => {
      const clsLogits = headOutputs.cls_logits!;
      const losses: Tensor[] = [];
      const count = Math.min(targets.length, clsLogits.size(0), matchedIdxs.length);
      for (let i = 0; i < count; i++) {
        const clsLogitsPerImage = clsLogits.select(0, i);
        const matched = matchedIdxs[i]!;
        const foreground = matched.ge(0);
        const numForeground = foreground.sum().item();
        const gtClassesTarget = torch.zerosLike(clsLogitsPerImage);
        gtClassesTarget.indexPut_([foreground, field(fn, targets[i]!, 'labels').index(matched.index(foreground))], 1.0);
        const valid = matched.ne(this.BETWEEN_THRESHOLDS);
        losses.push(sigmoidFocalLoss(clsLogitsPerImage.index(valid), gtClassesTarget.index(valid), { reduction: 'sum' }).div(Math.max(1, numForeground)));
      }
      return _sum(losses).div(targets.length);
    });
  }

  /** The class logits of every level's anchors, (N, HWA, numClasses). */
  override forward(x: Tensor[]): Tensor {
    checkFeatures('RetinaNetClassificationHead', x);
    return headLevels(x, this.conv, this.cls_logits, this.numClasses);
  }
}

const REG_HEAD = signature('RetinaNetRegressionHead', { inChannels: REQUIRED, numAnchors: REQUIRED, normLayer: null });

/** RetinaNet's box regression head: four 3x3 Conv2dNormActivation, then per anchor 4 deltas (bbox_reg); its loss l1 unless _lossType says otherwise. */
export class RetinaNetRegressionHead extends nn.Module {
  static override _version = 2;
  declare conv: torch.nn.Sequential; declare bbox_reg: torch.nn.Conv2d;
  boxCoder: BoxCoder;
  /** torchvision's _loss_type: 'l1' (retinanet_resnet50_fpn_v2 sets 'giou'). */
  _lossType: BoxLossType;
  constructor(inChannels: number, numAnchors: number, ...args: PyArgs<[normLayer: NormLayerFactory | null], { inChannels?: number; numAnchors?: number; normLayer?: NormLayerFactory | null }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, normLayer] = bind(REG_HEAD, args) as [number, number, NormLayerFactory | null];
    const fn = REG_HEAD.fn;
    checkInt(fn, 'inChannels', inChannels);
    checkInt(fn, 'numAnchors', numAnchors);
    checkNorm(fn, normLayer);
    this.conv = new nn.Sequential(...Array.from({ length: 4 }, () => new Conv2dNormActivation(inChannels, inChannels, { normLayer })));
    this.bbox_reg = new nn.Conv2d(inChannels, numAnchors * 4, 3, { stride: 1, padding: 1 });
    nn.init.normal_(this.bbox_reg.weight, { std: 0.01 });
    nn.init.zeros_(this.bbox_reg.bias!);
    for (const layer of this.conv.modules()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.normal_(layer.weight, { std: 0.01 });
        if (layer.bias) nn.init.zeros_(layer.bias);
      }
    }
    this.boxCoder = new BoxCoder([1.0, 1.0, 1.0, 1.0]);
    this._lossType = 'l1';
  }

  protected override _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    const version = localMetadata.version;
    if (version === undefined || version < 2) _v1ToV2Weights(stateDict, prefix);
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  /** The box loss (_boxLoss of _lossType over the foreground anchors, over their count) averaged over the images. */
  computeLoss(targets: readonly HeadTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[], matchedIdxs: readonly Tensor[]): Tensor {
    const fn = 'RetinaNetRegressionHead.computeLoss';
    checkLossInputs(fn, targets, headOutputs, ['bbox_regression'], { anchors, matchedIdxs });
    if (targets.length === 0) throw new RangeError(`${fn}: no targets`);
    return torch.tidy(() => {
      const bboxRegression = headOutputs.bbox_regression!;
      const losses: Tensor[] = [];
      const count = Math.min(targets.length, bboxRegression.size(0), anchors.length, matchedIdxs.length);
      for (let i = 0; i < count; i++) {
        const matched = matchedIdxs[i]!;
        const foregroundIdxs = torch.where(matched.ge(0))[0]!;
        const numForeground = foregroundIdxs.numel();
        const matchedGtBoxes = field(fn, targets[i]!, 'boxes').index(matched.index(foregroundIdxs));
        const bboxRegressionPerImage = bboxRegression.select(0, i).index(foregroundIdxs, ':');
        const anchorsPerImage = anchors[i]!.index(foregroundIdxs, ':');
        losses.push(_boxLoss(this._lossType, this.boxCoder, anchorsPerImage, matchedGtBoxes, bboxRegressionPerImage).div(Math.max(1, numForeground)));
      }
      return _sum(losses).div(Math.max(1, targets.length));
    });
  }

  /** The box deltas of every level's anchors, (N, HWA, 4). */
  override forward(x: Tensor[]): Tensor {
    checkFeatures('RetinaNetRegressionHead', x);
    return headLevels(x, this.conv, this.bbox_reg, 4);
  }
}

const HEAD = signature('RetinaNetHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, normLayer: null });

/** RetinaNet's head: classification_head and regression_head over the same feature maps. */
export class RetinaNetHead extends nn.Module {
  declare classification_head: RetinaNetClassificationHead; declare regression_head: RetinaNetRegressionHead;
  constructor(inChannels: number, numAnchors: number, numClasses: number, ...args: PyArgs<[normLayer: NormLayerFactory | null],
    { inChannels?: number; numAnchors?: number; numClasses?: number; normLayer?: NormLayerFactory | null }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses, normLayer] = bind(HEAD, args) as [number, number, number, NormLayerFactory | null];
    this.classification_head = new RetinaNetClassificationHead(inChannels, numAnchors, numClasses, { normLayer });
    this.regression_head = new RetinaNetRegressionHead(inChannels, numAnchors, { normLayer });
  }

  /** { classification, bbox_regression }: the two heads' losses. */
  computeLoss(targets: readonly HeadTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[], matchedIdxs: readonly Tensor[]): DetectorLosses {
    return {
      classification: this.classification_head.computeLoss(targets, headOutputs, matchedIdxs),
      bbox_regression: this.regression_head.computeLoss(targets, headOutputs, anchors, matchedIdxs),
    };
  }

  /** { cls_logits (N, HWA, C), bbox_regression (N, HWA, 4) }. */
  override forward(x: Tensor[]): HeadOutputs {
    return { cls_logits: this.classification_head.call(x) as Tensor, bbox_regression: this.regression_head.call(x) as Tensor };
  }
}

/** RetinaNet's keywords (torchvision's, camelCased), with torchvision's defaults. */
export interface RetinaNetOptions extends OneStageOptions {
  /** The anchors (torchvision's: 3 sizes per octave at 32 .. 512, aspect ratios 0.5, 1, 2). */
  anchorGenerator?: AnchorGenerator | null;
  /** The head (a RetinaNetHead by default): forward(features) gives { cls_logits, bbox_regression }, computeLoss(targets, headOutputs, anchors, matchedIdxs) the losses. */
  head?: Module | null;
  /** The anchors' matcher (a Matcher(fgIouThresh, bgIouThresh, allowLowQualityMatches true) by default). */
  proposalMatcher?: Matcher | null;
  scoreThresh?: number; nmsThresh?: number; detectionsPerImg?: number; fgIouThresh?: number; bgIouThresh?: number; topkCandidates?: number;
}

export const RETINANET_OPTION_KEYS = [...ONE_STAGE_OPTION_KEYS, 'anchorGenerator', 'head', 'proposalMatcher', 'scoreThresh', 'nmsThresh', 'detectionsPerImg', 'fgIouThresh',
  'bgIouThresh', 'topkCandidates'] as const satisfies readonly (keyof RetinaNetOptions)[];

/**
 * torchvision's RetinaNet(backbone, numClasses, options): `backbone` returns a feature map or named feature
 * maps of `backbone.outChannels` channels, one per anchor level. In training forward returns
 * { classification, bbox_regression }, in eval one { boxes, scores, labels } per image.
 */
export class RetinaNet extends OneStageDetector {
  declare backbone: Module; declare anchor_generator: AnchorGenerator; declare head: Module; declare transform: GeneralizedRCNNTransform;
  proposalMatcher: Matcher;
  boxCoder: BoxCoder;
  scoreThresh: number; nmsThresh: number; detectionsPerImg: number; topkCandidates: number;

  constructor(backbone: Module, numClasses?: number | null, options?: RetinaNetOptions);
  constructor(backbone: Module, options: RetinaNetOptions);
  constructor(backbone: Module, numClassesArg?: number | null | RetinaNetOptions, options?: RetinaNetOptions) {
    super();
    const fn = 'RetinaNet';
    const [o, outChannels] = readDetectorArgs<RetinaNetOptions>(fn, backbone, numClassesArg, options, RETINANET_OPTION_KEYS);
    const anchorGenerator = o.anchorGenerator ?? null;
    if (anchorGenerator !== null && !(anchorGenerator instanceof AnchorGenerator))
      throw new TypeError(`anchor_generator should be of type AnchorGenerator or None instead of ${describe(anchorGenerator)}`);
    const head = o.head ?? null;
    if (head !== null && !(head instanceof nn.Module)) throw new TypeError(`${fn}: head should be a Module or null, got ${describe(head)}`);
    const matcher = o.proposalMatcher ?? null;
    if (matcher !== null && !(matcher instanceof Matcher)) throw new TypeError(`${fn}: proposalMatcher should be a Matcher or null, got ${describe(matcher)}`);
    if (head === null && !(Number.isInteger(o.numClasses) && o.numClasses! >= 1))
      throw new TypeError(`${fn}: numClasses should be a positive int, got ${describe(o.numClasses)}`);
    for (const k of ['scoreThresh', 'nmsThresh', 'detectionsPerImg', 'fgIouThresh', 'bgIouThresh', 'topkCandidates'] as const) if (o[k] !== undefined) checkNumber(fn, k, o[k]);
    this.backbone = backbone;
    this.anchor_generator = anchorGenerator ?? _defaultAnchorgen();
    this.head = head ?? new RetinaNetHead(outChannels, this.anchor_generator.numAnchorsPerLocation()[0]!, o.numClasses!);
    this.proposalMatcher = matcher ?? new Matcher(o.fgIouThresh ?? 0.5, o.bgIouThresh ?? 0.4, true);
    this.boxCoder = new BoxCoder([1.0, 1.0, 1.0, 1.0]);
    this.transform = transformOf(o);
    this.scoreThresh = o.scoreThresh ?? 0.05;
    this.nmsThresh = o.nmsThresh ?? 0.5;
    this.detectionsPerImg = o.detectionsPerImg ?? 300;
    this.topkCandidates = o.topkCandidates ?? 1000;
  }

  /** Each image's anchors matched to its boxes (IoU, proposalMatcher; all -1 for an image without boxes), then the head's losses. */
  computeLoss(targets: readonly DetectionTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[]): DetectorLosses {
    const fn = 'RetinaNet.computeLoss';
    checkLossInputs(fn, targets, headOutputs, [], { anchors });
    return torch.tidy(() => {
      const matchedIdxs: Tensor[] = [];
      const count = Math.min(anchors.length, targets.length);
      for (let i = 0; i < count; i++) {
        const anchorsPerImage = anchors[i]!;
        const boxes = field(fn, targets[i]!, 'boxes');
        if (boxes.numel() === 0) {
          matchedIdxs.push(torch.full([anchorsPerImage.size(0)], -1, { dtype: torch.int64, device: anchorsPerImage.device }));
          continue;
        }
        matchedIdxs.push(this.proposalMatcher.call(boxIou(boxes, anchorsPerImage)));
      }
      return (this.head as unknown as { computeLoss(t: readonly DetectionTarget[], h: HeadOutputs, a: readonly Tensor[], m: Tensor[]): DetectorLosses })
        .computeLoss(targets, headOutputs, anchors, matchedIdxs);
    });
  }

  /** Per image, the detections of the per-level head outputs and anchors (see selectDetections). */
  postprocessDetections(headOutputs: Readonly<Record<string, readonly Tensor[]>>, anchors: readonly (readonly Tensor[])[], imageShapes: readonly (readonly number[])[]): DetectionTarget[] {
    const classLogits = headOutputs.cls_logits!;
    const boxRegression = headOutputs.bbox_regression!;
    return imageShapes.map((imageShape, index) => torch.tidy(() => selectDetections(classLogits.map((cl, level) => {
      const logits = cl.select(0, index);
      const reg = boxRegression[level]!.select(0, index);
      const anc = anchors[index]![level]!;
      return { scores: torch.sigmoid(logits).flatten(), numClasses: logits.shape[logits.dim() - 1]!, decode: (idx: Tensor) => this.boxCoder.decodeSingle(reg.index(idx), anc.index(idx)) };
    }), imageShape, this.scoreThresh, this.topkCandidates, this.nmsThresh, this.detectionsPerImg)));
  }

  protected override boxMessages(): BoxMessages {
    return { type: () => 'Expected target boxes to be of type Tensor.', shape: () => 'Expected target boxes to be a tensor of shape [N, 4].' };
  }

  protected override stagedLosses(s: StagedInputs): DetectorLosses {
    return this.computeLoss(s.targets!, s.headOutputs, s.anchors);
  }

  protected override stagedDetections(s: StagedInputs): DetectionTarget[] {
    const [splitHeadOutputs, splitAnchors] = splitLevels(s.features, s.headOutputs, s.anchors);
    return this.postprocessDetections(splitHeadOutputs, splitAnchors, s.imageList.imageSizes);
  }
}

// ------------------------------------------------------------------------------------------------
// Weights and builders

/** torchvision's RetinaNet_ResNet50_FPN_Weights (COCO_V1: box mAP 36.4), generated into weights_table.ts. */
export const RetinaNet_ResNet50_FPN_Weights = W.RetinaNet_ResNet50_FPN_Weights;
/** torchvision's RetinaNet_ResNet50_FPN_V2_Weights (COCO_V1: box mAP 41.5), generated into weights_table.ts. */
export const RetinaNet_ResNet50_FPN_V2_Weights = W.RetinaNet_ResNet50_FPN_V2_Weights;

/** The builders' options: the detector's (numClasses aside), and torchvision's builder keywords camelCased (see FasterRCNNBuilderOptions). */
export interface RetinaNetBuilderOptions extends Omit<RetinaNetOptions, 'numClasses'>, Pick<FasterRCNNBuilderOptions, 'weights' | 'progress' | 'numClasses' | 'weightsBackbone' | 'trainableBackboneLayers'> {}

const frozenBatchNorm: NormLayerFactory = (c) => new FrozenBatchNorm2d(c);
const batchNorm: NormLayerFactory = (c) => new nn.BatchNorm2d(c);
const groupNorm32: NormLayerFactory = (c) => new nn.GroupNorm(32, c);

/**
 * RetinaNet with a ResNet-50-FPN backbone (torchvision's retinanet_resnet50_fpn): the FPN over layer2 ..
 * layer4 with LastLevelP6P7(256, 256). Options: weights (RetinaNet_ResNet50_FPN_Weights; none by default),
 * numClasses (91), weightsBackbone (ResNet50_Weights.IMAGENET1K_V1 by default; null: a random backbone with
 * BatchNorm2d), trainableBackboneLayers (0 .. 5, default 3), and RetinaNet's options. With the COCO_V1 entry
 * the FrozenBatchNorm2d layers' eps is 0 (torchvision's overwrite_eps).
 */
export function retinanet_resnet50_fpn(options: RetinaNetBuilderOptions = {}): RetinaNet {
  const fn = 'retinanet_resnet50_fpn';
  const r = resolveDetectorBuilder(fn, RetinaNet_ResNet50_FPN_Weights, options, true, RETINANET_OPTION_KEYS);
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? frozenBatchNorm : batchNorm });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers, [2, 3, 4], new LastLevelP6P7(256, 256));
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc, which torchvision's model drops
  const model = loadDetectorWeights(new RetinaNet(backbone, r.numClasses, r.rest as RetinaNetOptions), r.weights, r.progress);
  if (r.weights === RetinaNet_ResNet50_FPN_Weights.COCO_V1) overwriteEps(model, 0.0);
  return model;
}

/**
 * The improved RetinaNet ResNet-50-FPN (torchvision's retinanet_resnet50_fpn_v2, Zhang et al., 2020):
 * BatchNorm2d in the backbone, LastLevelP6P7(2048, 256) on C5, a head with GroupNorm(32) and the GIoU box
 * loss. weights: RetinaNet_ResNet50_FPN_V2_Weights; weightsBackbone defaults to null.
 */
export function retinanet_resnet50_fpn_v2(options: RetinaNetBuilderOptions = {}): RetinaNet {
  const fn = 'retinanet_resnet50_fpn_v2';
  const r = resolveDetectorBuilder(fn, RetinaNet_ResNet50_FPN_V2_Weights, options, false, RETINANET_OPTION_KEYS);
  refuseParts('RetinaNet', r.rest, { anchorGenerator: 'anchor_generator', head: 'head' });
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers, [2, 3, 4], new LastLevelP6P7(2048, 256));
  disposeUnusedModules(resnet, [backbone]);
  const anchorGenerator = _defaultAnchorgen();
  const head = new RetinaNetHead(backbone.outChannels, anchorGenerator.numAnchorsPerLocation()[0]!, r.numClasses, { normLayer: groupNorm32 });
  head.regression_head._lossType = 'giou';
  return loadDetectorWeights(new RetinaNet(backbone, r.numClasses, { ...(r.rest as RetinaNetOptions), anchorGenerator, head }), r.weights, r.progress);
}
