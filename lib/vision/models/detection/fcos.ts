// torchvision.models.detection.fcos (0.28): FCOS (Tian et al., 2019), an anchor-free single-stage
// detector: one anchor per location (its size the level's stride), matched to the ground truths whose center
// region (centerSamplingRadius strides) holds it and whose extent fits the level's range; a classification
// head (sigmoid focal loss), a box regression head (distances to the four edges, GIoU loss) with its
// center-ness (BCE). With torchvision's module names, construction order and initialization, so a seed gives
// torchvision's weights; the builder fcos_resnet50_fpn takes FCOS_ResNet50_FPN_Weights' COCO entry.
import * as torch from '../../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { describe } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { LastLevelP6P7 } from '../../ops/feature_pyramid_network.js';
import { FrozenBatchNorm2d } from '../../ops/frozen_batch_norm.js';
import { generalizedBoxIouLoss, sigmoidFocalLoss } from '../../ops/losses.js';
import type { NormLayerFactory } from '../../ops/misc.js';
import { disposeUnusedModules } from '../_utils.js';
import { resnet50 } from '../resnet.js';
import { BoxLinearCoder } from './_utils.js';
import * as W from '../weights_table.js';
import { AnchorGenerator } from './anchor_utils.js';
import { _resnetFpnExtractor } from './backbone_utils.js';
import { BOX_MESSAGES, type BoxMessages, type DetectionTarget, type GeneralizedRCNNTransform } from './transform.js';
import { headLevels, type RetinaNetBuilderOptions } from './retinanet.js';
import {
  OneStageDetector, checkNumber, loadDetectorWeights, resolveDetectorBuilder, selectDetections, splitLevels, transformOf,
  ONE_STAGE_OPTION_KEYS, type DetectorLosses, type HeadOutputs, type OneStageOptions, type StagedInputs,
} from './_one_stage.js';
import { readDetectorArgs } from './_detector.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;
type HeadTarget = Readonly<Record<string, Tensor>>;

const groupNorm32: NormLayerFactory = (c) => new nn.GroupNorm(32, c);

function checkInt(owner: string, name: string, v: unknown, min = 1): void {
  if (!Number.isInteger(v) || (v as number) < min) throw new TypeError(`${owner}: ${name} should be an int >= ${min}, got ${describe(v)}`);
}
function checkFeatures(owner: string, x: unknown): asserts x is Tensor[] {
  if (!Array.isArray(x) || !x.every(isTensor)) throw new TypeError(`${owner}: expected an array of feature maps (N, C, H, W), got ${describe(x)}`);
}

/** numConvs x (3x3 Conv2d, normLayer, ReLU), FCOS's towers. */
function tower(inChannels: number, numConvs: number, normLayer: NormLayerFactory): torch.nn.Sequential {
  const layers: Module[] = [];
  for (let i = 0; i < numConvs; i++) layers.push(new nn.Conv2d(inChannels, inChannels, 3, { stride: 1, padding: 1 }), normLayer(inChannels), new nn.ReLU());
  return new nn.Sequential(...layers);
}

const CLS_HEAD = signature('FCOSClassificationHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, numConvs: 4, priorProbability: 0.01, normLayer: null });

/** FCOS's classification head: numConvs x (Conv2d, normLayer (GroupNorm(32) by default), ReLU), then per anchor a logit per class. */
export class FCOSClassificationHead extends nn.Module {
  declare conv: torch.nn.Sequential; declare cls_logits: torch.nn.Conv2d;
  numClasses: number;
  numAnchors: number;
  constructor(inChannels: number, numAnchors: number, numClasses: number, ...args: PyArgs<[numConvs: number, priorProbability: number, normLayer: NormLayerFactory | null],
    { inChannels?: number; numAnchors?: number; numClasses?: number; numConvs?: number; priorProbability?: number; normLayer?: NormLayerFactory | null }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses, numConvs, priorProbability, normLayer] = bind(CLS_HEAD, args) as [number, number, number, number, number, NormLayerFactory | null];
    const fn = CLS_HEAD.fn;
    checkInt(fn, 'inChannels', inChannels);
    checkInt(fn, 'numAnchors', numAnchors);
    checkInt(fn, 'numClasses', numClasses);
    checkInt(fn, 'numConvs', numConvs, 0);
    if (typeof priorProbability !== 'number' || !(priorProbability > 0 && priorProbability < 1)) throw new RangeError(`${fn}: priorProbability should be in (0, 1), got ${describe(priorProbability)}`);
    if (normLayer !== null && typeof normLayer !== 'function') throw new TypeError(`${fn}: normLayer should be a function that makes a module, or null, got ${describe(normLayer)}`);
    this.numClasses = numClasses;
    this.numAnchors = numAnchors;
    this.conv = tower(inChannels, numConvs, normLayer ?? groupNorm32);
    for (const layer of this.conv.children()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.normal_(layer.weight, { std: 0.01 });
        nn.init.constant_(layer.bias!, 0);
      }
    }
    this.cls_logits = new nn.Conv2d(inChannels, numAnchors * numClasses, 3, { stride: 1, padding: 1 });
    nn.init.normal_(this.cls_logits.weight, { std: 0.01 });
    nn.init.constant_(this.cls_logits.bias!, -Math.log((1 - priorProbability) / priorProbability));
  }

  /** The class logits of every level's anchors, (N, HWA, numClasses). */
  override forward(x: Tensor[]): Tensor {
    checkFeatures('FCOSClassificationHead', x);
    return headLevels(x, this.conv, this.cls_logits, this.numClasses);
  }
}

const REG_HEAD = signature('FCOSRegressionHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numConvs: 4, normLayer: null });

/** FCOS's regression head: numConvs x (Conv2d, normLayer, ReLU), then per anchor 4 distances (bbox_reg, through ReLU) and a center-ness logit (bbox_ctrness). */
export class FCOSRegressionHead extends nn.Module {
  declare conv: torch.nn.Sequential; declare bbox_reg: torch.nn.Conv2d; declare bbox_ctrness: torch.nn.Conv2d;
  constructor(inChannels: number, numAnchors: number, ...args: PyArgs<[numConvs: number, normLayer: NormLayerFactory | null],
    { inChannels?: number; numAnchors?: number; numConvs?: number; normLayer?: NormLayerFactory | null }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numConvs, normLayer] = bind(REG_HEAD, args) as [number, number, number, NormLayerFactory | null];
    const fn = REG_HEAD.fn;
    checkInt(fn, 'inChannels', inChannels);
    checkInt(fn, 'numAnchors', numAnchors);
    checkInt(fn, 'numConvs', numConvs, 0);
    if (normLayer !== null && typeof normLayer !== 'function') throw new TypeError(`${fn}: normLayer should be a function that makes a module, or null, got ${describe(normLayer)}`);
    this.conv = tower(inChannels, numConvs, normLayer ?? groupNorm32);
    this.bbox_reg = new nn.Conv2d(inChannels, numAnchors * 4, 3, { stride: 1, padding: 1 });
    this.bbox_ctrness = new nn.Conv2d(inChannels, numAnchors * 1, 3, { stride: 1, padding: 1 });
    for (const layer of [this.bbox_reg, this.bbox_ctrness]) {
      nn.init.normal_(layer.weight, { std: 0.01 });
      nn.init.zeros_(layer.bias!);
    }
    for (const layer of this.conv.children()) {
      if (layer instanceof nn.Conv2d) {
        nn.init.normal_(layer.weight, { std: 0.01 });
        nn.init.zeros_(layer.bias!);
      }
    }
  }

  /** [box regression (N, HWA, 4), center-ness logits (N, HWA, 1)] of every level's anchors. */
  override forward(x: Tensor[]): [Tensor, Tensor] {
    checkFeatures('FCOSRegressionHead', x);
    return torch.tidy(() => {
      const regression: Tensor[] = [];
      const ctrness: Tensor[] = [];
      for (const features of x) {
        const bboxFeature = this.conv.call(features) as Tensor;
        const reshape = (t: Tensor, k: number): Tensor => {
          const [N, , H, W] = t.shape as [number, number, number, number];
          return t.view(N, -1, k, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, k);
        };
        regression.push(reshape(F.relu(this.bbox_reg.call(bboxFeature)), 4));
        ctrness.push(reshape(this.bbox_ctrness.call(bboxFeature), 1));
      }
      return [torch.cat(regression, 1), torch.cat(ctrness, 1)] as [Tensor, Tensor];
    });
  }
}

const HEAD = signature('FCOSHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED, numConvs: 4 });

/** FCOS's head: classification_head and regression_head (GroupNorm(32) towers of numConvs), the BoxLinearCoder of the losses. */
export class FCOSHead extends nn.Module {
  declare classification_head: FCOSClassificationHead; declare regression_head: FCOSRegressionHead;
  boxCoder: BoxLinearCoder;
  constructor(inChannels: number, numAnchors: number, numClasses: number, ...args: PyArgs<[numConvs: number], { inChannels?: number; numAnchors?: number; numClasses?: number; numConvs?: number }>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses, numConvs] = bind(HEAD, args) as [number, number, number, number];
    this.boxCoder = new BoxLinearCoder(true);
    this.classification_head = new FCOSClassificationHead(inChannels, numAnchors, numClasses, numConvs);
    this.regression_head = new FCOSRegressionHead(inChannels, numAnchors, numConvs);
  }

  /**
   * { classification (sigmoid focal loss), bbox_regression (GIoU of the foreground's decoded boxes), bbox_ctrness
   * (BCE of the foreground's center-ness) }, each summed over the batch and divided by the foreground count.
   */
  computeLoss(targets: readonly HeadTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[], matchedIdxs: readonly Tensor[]): DetectorLosses {
    const fn = 'FCOSHead.computeLoss';
    if (!Array.isArray(targets)) throw new TypeError(`${fn}: targets should be an array of objects of Tensors, got ${describe(targets)}`);
    for (const k of ['cls_logits', 'bbox_regression', 'bbox_ctrness'])
      if (!isTensor((headOutputs as Record<string, unknown> | null)?.[k])) throw new TypeError(`${fn}: headOutputs['${k}'] should be a Tensor, got ${describe((headOutputs as Record<string, unknown> | null)?.[k])}`);
    for (const [name, v] of [['anchors', anchors], ['matchedIdxs', matchedIdxs]] as const)
      if (!Array.isArray(v) || !v.every(isTensor)) throw new TypeError(`${fn}: ${name} should be an array of Tensors, got ${describe(v)}`);
    return torch.tidy(() => {
      const clsLogits = headOutputs.cls_logits!; // [N, HWA, C]
      const bboxRegression = headOutputs.bbox_regression!; // [N, HWA, 4]
      const bboxCtrness = headOutputs.bbox_ctrness!; // [N, HWA, 1]
      const allGtClassesTargets: Tensor[] = [];
      const allGtBoxesTargets: Tensor[] = [];
      const count = Math.min(targets.length, matchedIdxs.length);
      for (let i = 0; i < count; i++) {
        const t = targets[i]!;
        const [labels, boxes] = [t.labels, t.boxes];
        if (!isTensor(labels) || !isTensor(boxes)) throw new TypeError(`${fn}: each target should hold its "boxes" and "labels" Tensors`);
        const matched = matchedIdxs[i]!;
        const n = matched.size(0);
        let gtClassesTargets: Tensor;
        let gtBoxesTargets: Tensor;
        if (labels.size(0) === 0) {
          gtClassesTargets = torch.zeros([n], { dtype: labels.dtype, device: labels.device });
          gtBoxesTargets = torch.zeros([n, 4], { dtype: boxes.dtype, device: boxes.device });
        } else {
          const idx = matched.clip({ min: 0 });
          gtClassesTargets = labels.index(idx);
          gtBoxesTargets = boxes.index(idx);
        }
        gtClassesTargets.indexPut_([matched.lt(0)], -1); // background
        allGtClassesTargets.push(gtClassesTargets);
        allGtBoxesTargets.push(gtBoxesTargets);
      }
      const gtBoxes = torch.stack(allGtBoxesTargets);
      const gtClasses = torch.stack(allGtClassesTargets);
      const anchorsStacked = torch.stack([...anchors]);
      // the classification loss
      const foregroundMask = gtClasses.ge(0);
      const numForeground = foregroundMask.sum().item();
      const gtClassesTargets = torch.zerosLike(clsLogits);
      gtClassesTargets.indexPut_([foregroundMask, gtClasses.index(foregroundMask)], 1.0);
      const lossCls = sigmoidFocalLoss(clsLogits, gtClassesTargets, { reduction: 'sum' });
      // the regression loss: GIoU
      const predBoxes = this.boxCoder.decode(bboxRegression, anchorsStacked);
      const lossBboxReg = generalizedBoxIouLoss(predBoxes.index(foregroundMask), gtBoxes.index(foregroundMask), { reduction: 'sum' });
      // the center-ness loss
      const bboxRegTargets = this.boxCoder.encode(anchorsStacked, gtBoxes);
      let gtCtrnessTargets: Tensor;
      if (bboxRegTargets.size(0) === 0) {
        gtCtrnessTargets = torch.zeros(bboxRegTargets.shape.slice(0, -1), { dtype: bboxRegTargets.dtype, device: bboxRegTargets.device });
      } else {
        const idx = (a: number, b: number): Tensor => torch.tensor([a, b], { dtype: torch.int64, device: bboxRegTargets.device });
        const leftRight = bboxRegTargets.index(':', ':', idx(0, 2));
        const topBottom = bboxRegTargets.index(':', ':', idx(1, 3));
        const ratio = (t: Tensor): Tensor => (t.min(-1) as unknown as [Tensor, Tensor])[0].div((t.max(-1) as unknown as [Tensor, Tensor])[0]);
        gtCtrnessTargets = torch.sqrt(ratio(leftRight).mul(ratio(topBottom)));
      }
      const predCenterness = bboxCtrness.squeeze(2);
      const lossBboxCtrness = F.binaryCrossEntropyWithLogits(predCenterness.index(foregroundMask), gtCtrnessTargets.index(foregroundMask), { reduction: 'sum' });
      const d = Math.max(1, numForeground);
      return { classification: lossCls.div(d), bbox_regression: lossBboxReg.div(d), bbox_ctrness: lossBboxCtrness.div(d) };
    });
  }

  /** { cls_logits (N, HWA, C), bbox_regression (N, HWA, 4), bbox_ctrness (N, HWA, 1) }. */
  override forward(x: Tensor[]): HeadOutputs {
    const clsLogits = this.classification_head.call(x) as Tensor;
    const [bboxRegression, bboxCtrness] = this.regression_head.call(x) as [Tensor, Tensor];
    return { cls_logits: clsLogits, bbox_regression: bboxRegression, bbox_ctrness: bboxCtrness };
  }
}

/** FCOS's keywords (torchvision's, camelCased), with torchvision's defaults. */
export interface FCOSOptions extends OneStageOptions {
  /** One anchor per location (sizes 8, 16, 32, 64, 128 by default: the levels' strides; aspect ratio 1). */
  anchorGenerator?: AnchorGenerator | null;
  /** The head (an FCOSHead by default). */
  head?: Module | null;
  centerSamplingRadius?: number; scoreThresh?: number; nmsThresh?: number; detectionsPerImg?: number; topkCandidates?: number;
}

export const FCOS_OPTION_KEYS = [...ONE_STAGE_OPTION_KEYS, 'anchorGenerator', 'head', 'centerSamplingRadius', 'scoreThresh', 'nmsThresh', 'detectionsPerImg',
  'topkCandidates'] as const satisfies readonly (keyof FCOSOptions)[];

/**
 * torchvision's FCOS(backbone, numClasses, options): `backbone` returns a feature map or named feature maps
 * of `backbone.outChannels` channels, one per anchor level. In training forward returns { classification,
 * bbox_regression, bbox_ctrness }, in eval one { boxes, scores, labels } per image.
 */
export class FCOS extends OneStageDetector {
  declare backbone: Module; declare anchor_generator: AnchorGenerator; declare head: Module; declare transform: GeneralizedRCNNTransform;
  boxCoder: BoxLinearCoder;
  centerSamplingRadius: number; scoreThresh: number; nmsThresh: number; detectionsPerImg: number; topkCandidates: number;

  constructor(backbone: Module, numClasses?: number | null, options?: FCOSOptions);
  constructor(backbone: Module, options: FCOSOptions);
  constructor(backbone: Module, numClassesArg?: number | null | FCOSOptions, options?: FCOSOptions) {
    super();
    const fn = 'FCOS';
    const [o, outChannels] = readDetectorArgs<FCOSOptions>(fn, backbone, numClassesArg, options, FCOS_OPTION_KEYS);
    const anchorGenerator = o.anchorGenerator ?? null;
    if (anchorGenerator !== null && !(anchorGenerator instanceof AnchorGenerator))
      throw new TypeError(`anchor_generator should be of type AnchorGenerator or None, instead  got ${describe(anchorGenerator)}`);
    const head = o.head ?? null;
    if (head !== null && !(head instanceof nn.Module)) throw new TypeError(`${fn}: head should be a Module or null, got ${describe(head)}`);
    if (head === null && !(Number.isInteger(o.numClasses) && o.numClasses! >= 1))
      throw new TypeError(`${fn}: numClasses should be a positive int, got ${describe(o.numClasses)}`);
    for (const k of ['centerSamplingRadius', 'scoreThresh', 'nmsThresh', 'detectionsPerImg', 'topkCandidates'] as const) if (o[k] !== undefined) checkNumber(fn, k, o[k]);
    this.backbone = backbone;
    if (anchorGenerator === null) {
      const anchorSizes = [[8], [16], [32], [64], [128]]; // the strides of the feature maps
      this.anchor_generator = new AnchorGenerator(anchorSizes, anchorSizes.map(() => [1.0]));
    } else {
      this.anchor_generator = anchorGenerator;
    }
    const perLocation = this.anchor_generator.numAnchorsPerLocation()[0];
    if (perLocation !== 1) throw new RangeError(`anchor_generator.num_anchors_per_location()[0] should be 1 instead of ${perLocation}`);
    this.head = head ?? new FCOSHead(outChannels, perLocation, o.numClasses!);
    this.boxCoder = new BoxLinearCoder(true);
    this.transform = transformOf(o);
    this.centerSamplingRadius = o.centerSamplingRadius ?? 1.5;
    this.scoreThresh = o.scoreThresh ?? 0.2;
    this.nmsThresh = o.nmsThresh ?? 0.6;
    this.detectionsPerImg = o.detectionsPerImg ?? 100;
    this.topkCandidates = o.topkCandidates ?? 1000;
  }

  /**
   * Each anchor matched to the smallest ground truth whose center region (centerSamplingRadius anchor sizes)
   * and box hold its center, and whose largest distance from it is within the level's range (4 .. 8 anchor
   * sizes; from 0 on the first level, unbounded on the last); -1 when none. Then the head's losses.
   */
  computeLoss(targets: readonly DetectionTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[], numAnchorsPerLevel: readonly number[]): DetectorLosses {
    const fn = 'FCOS.computeLoss';
    if (!Array.isArray(targets)) throw new TypeError(`${fn}: targets should be an array of objects of Tensors, got ${describe(targets)}`);
    if (!Array.isArray(anchors) || !anchors.every(isTensor)) throw new TypeError(`${fn}: anchors should be an array of Tensors, got ${describe(anchors)}`);
    if (!Array.isArray(numAnchorsPerLevel) || numAnchorsPerLevel.length === 0 || !numAnchorsPerLevel.every((n) => Number.isInteger(n)))
      throw new TypeError(`${fn}: numAnchorsPerLevel should be a non-empty array of ints, got ${describe(numAnchorsPerLevel)}`);
    return torch.tidy(() => {
      const matchedIdxs: Tensor[] = [];
      const count = Math.min(anchors.length, targets.length);
      for (let i = 0; i < count; i++) {
        const anchorsPerImage = anchors[i]!;
        const gtBoxes = targets[i]!.boxes;
        if (!isTensor(gtBoxes)) throw new TypeError(`${fn}: each target should hold its "boxes" Tensor`);
        if (gtBoxes.numel() === 0) {
          matchedIdxs.push(torch.full([anchorsPerImage.size(0)], -1, { dtype: torch.int64, device: anchorsPerImage.device }));
          continue;
        }
        const gtCenters = gtBoxes.index(':', ':2').add(gtBoxes.index(':', '2:')).div(2); // (M, 2)
        const anchorCenters = anchorsPerImage.index(':', ':2').add(anchorsPerImage.index(':', '2:')).div(2); // (N, 2)
        const anchorSizes = anchorsPerImage.index(':', 2).sub(anchorsPerImage.index(':', 0));
        const maxValues = (t: Tensor, dim: number): Tensor => (t.max(dim) as unknown as [Tensor, Tensor])[0];
        let pairwiseMatch = maxValues(anchorCenters.index(':', null, ':').sub(gtCenters.index(null, ':', ':')).abs_(), 2)
          .lt(anchorSizes.index(':', null).mul(this.centerSamplingRadius));
        const [x, y] = anchorCenters.unsqueeze(2).unbind(1) as [Tensor, Tensor]; // (N, 1)
        const [x0, y0, x1, y1] = gtBoxes.unsqueeze(0).unbind(2) as [Tensor, Tensor, Tensor, Tensor]; // (1, M)
        let pairwiseDist = torch.stack([x.sub(x0), y.sub(y0), x1.sub(x), y1.sub(y)], 2); // (N, M, 4)
        pairwiseMatch = pairwiseMatch.bitwiseAnd((pairwiseDist.min(2) as unknown as [Tensor, Tensor])[0].gt(0));
        // each anchor only matches the ground truths of its level's scale
        const lowerBound = anchorSizes.mul(4);
        lowerBound.index(`:${numAnchorsPerLevel[0]}`).fill_(0);
        const upperBound = anchorSizes.mul(8);
        upperBound.index(`${-numAnchorsPerLevel[numAnchorsPerLevel.length - 1]!}:`).fill_(Infinity);
        pairwiseDist = maxValues(pairwiseDist, 2);
        pairwiseMatch = pairwiseMatch.bitwiseAnd(pairwiseDist.gt(lowerBound.index(':', null)).bitwiseAnd(pairwiseDist.lt(upperBound.index(':', null))));
        // the smallest ground truth of an anchor's matches
        const gtAreas = gtBoxes.index(':', 2).sub(gtBoxes.index(':', 0)).mul(gtBoxes.index(':', 3).sub(gtBoxes.index(':', 1)));
        const weighted = pairwiseMatch.to(torch.float32).mul(gtAreas.index(null, ':').neg().add(1e8));
        const [minValues, matchedIdx] = weighted.max(1) as unknown as [Tensor, Tensor];
        matchedIdx.indexPut_([minValues.lt(1e-5)], -1); // unmatched anchors
        matchedIdxs.push(matchedIdx);
      }
      return (this.head as unknown as { computeLoss(t: readonly DetectionTarget[], h: HeadOutputs, a: readonly Tensor[], m: Tensor[]): DetectorLosses })
        .computeLoss(targets, headOutputs, anchors, matchedIdxs);
    });
  }

  /** Per image, the detections (score sqrt(sigmoid(logit) sigmoid(center-ness)); see selectDetections). */
  postprocessDetections(headOutputs: Readonly<Record<string, readonly Tensor[]>>, anchors: readonly (readonly Tensor[])[], imageShapes: readonly (readonly number[])[]): DetectionTarget[] {
    const classLogits = headOutputs.cls_logits!;
    const boxRegression = headOutputs.bbox_regression!;
    const boxCtrness = headOutputs.bbox_ctrness!;
    return imageShapes.map((imageShape, index) => torch.tidy(() => selectDetections(classLogits.map((cl, level) => {
      const logits = cl.select(0, index);
      const reg = boxRegression[level]!.select(0, index);
      const ctr = boxCtrness[level]!.select(0, index);
      const anc = anchors[index]![level]!;
      return {
        scores: torch.sqrt(torch.sigmoid(logits).mul(torch.sigmoid(ctr))).flatten(), numClasses: logits.shape[logits.dim() - 1]!,
        decode: (idx: Tensor) => this.boxCoder.decode(reg.index(idx), anc.index(idx)),
      };
    }), imageShape, this.scoreThresh, this.topkCandidates, this.nmsThresh, this.detectionsPerImg)));
  }

  protected override boxMessages(): BoxMessages {
    return { ...BOX_MESSAGES, type: () => 'Expected target boxes to be of type Tensor.' };
  }

  protected override stagedLosses(s: StagedInputs): DetectorLosses {
    return this.computeLoss(s.targets!, s.headOutputs, s.anchors, s.features.map((x) => x.size(2) * x.size(3)));
  }

  protected override stagedDetections(s: StagedInputs): DetectionTarget[] {
    const [splitHeadOutputs, splitAnchors] = splitLevels(s.features, s.headOutputs, s.anchors);
    return this.postprocessDetections(splitHeadOutputs, splitAnchors, s.imageList.imageSizes);
  }
}

/** torchvision's FCOS_ResNet50_FPN_Weights (COCO_V1: box mAP 39.2), generated into weights_table.ts. */
export const FCOS_ResNet50_FPN_Weights = W.FCOS_ResNet50_FPN_Weights;

/** fcos_resnet50_fpn's options: FCOS's (numClasses aside) and the builder keywords. */
export interface FCOSBuilderOptions extends Omit<FCOSOptions, 'numClasses'>, Pick<RetinaNetBuilderOptions, 'weights' | 'progress' | 'numClasses' | 'weightsBackbone' | 'trainableBackboneLayers'> {}

/**
 * FCOS with a ResNet-50-FPN backbone (torchvision's fcos_resnet50_fpn): the FPN over layer2 .. layer4 with
 * LastLevelP6P7(256, 256). Options: weights (FCOS_ResNet50_FPN_Weights; none by default), numClasses (91),
 * weightsBackbone (ResNet50_Weights.IMAGENET1K_V1 by default; null: a random backbone with BatchNorm2d),
 * trainableBackboneLayers (0 .. 5, default 3), and FCOS's options.
 */
export function fcos_resnet50_fpn(options: FCOSBuilderOptions = {}): FCOS {
  const r = resolveDetectorBuilder('fcos_resnet50_fpn', FCOS_ResNet50_FPN_Weights, options as RetinaNetBuilderOptions, true, FCOS_OPTION_KEYS);
  const resnet = resnet50({ weights: r.weightsBackbone, progress: r.progress, normLayer: r.isTrained ? (c) => new FrozenBatchNorm2d(c) : (c) => new nn.BatchNorm2d(c) });
  const backbone = _resnetFpnExtractor(resnet, r.trainableLayers, [2, 3, 4], new LastLevelP6P7(256, 256));
  disposeUnusedModules(resnet, [backbone]); // avgpool and fc
  return loadDetectorWeights(new FCOS(backbone, r.numClasses, r.rest as FCOSOptions), r.weights, r.progress);
}
