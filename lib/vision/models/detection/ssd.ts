// torchvision.models.detection.ssd (0.28): SSD (Liu et al., 2016), a single-shot detector: one 3x3
// convolution per feature map predicts, per default box, class logits (softmax) and box deltas; the boxes
// are matched to the targets by SSDMatcher, and the classification loss keeps every positive and the
// hardest negatives (3 per positive by default: hard negative mining). The images are resized to a fixed
// size. With torchvision's module names, construction order and initialization (Xavier), so a seed gives
// torchvision's weights; the builder ssd300_vgg16 (SSDFeatureExtractorVGG over VGG-16, the 300x300 default
// boxes) takes SSD300_VGG16_Weights.
import * as torch from '../../../index.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../../nn/functional/_signature.js';
import { describe, isOptionsObject, readOptions } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { warn } from '../../../warnings.js';
import { batchedNms, boxIou, clipBoxesToImage } from '../../ops/boxes.js';
import { disposeUnusedModules } from '../_utils.js';
import { vgg16 } from '../vgg.js';
import type { AnyWeights, AnyWeightsEnum, Weights } from '../weights.js';
import * as W from '../weights_table.js';
import { BoxCoder, SSDMatcher, _topkMin, retrieveOutChannels } from './_utils.js';
import { DefaultBoxGenerator } from './anchor_utils.js';
import { _validateTrainableLayers } from './backbone_utils.js';
import { resolveBuilder, type FasterRCNNBuilderOptions } from './faster_rcnn.js';
import { GeneralizedRCNNTransform, checkTargetList, type DetectionTarget } from './transform.js';
import { OneStageDetector, checkNumber, loadDetectorWeights, type DetectorLosses, type HeadOutputs, type StagedInputs } from './_one_stage.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;

/** torchvision's _xavier_init: every Conv2d of `conv` Xavier-uniform, its bias 0. */
export function _xavierInit(conv: Module): void {
  for (const layer of conv.modules()) {
    if (layer instanceof nn.Conv2d) {
      nn.init.xavierUniform_(layer.weight);
      if (layer.bias) nn.init.constant_(layer.bias, 0.0);
    }
  }
}

function checkIntList(owner: string, name: string, v: unknown): asserts v is number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 1)) throw new TypeError(`${owner}: ${name} should be an array of positive ints, got ${describe(v)}`);
}

/**
 * torchvision's SSDScoringHead: module_list[i] run on feature map i, (N, A*K, H, W) reshaped to (N, HWA, K),
 * concatenated over the maps (a map past the list's end passes through, as torchvision's
 * _get_result_from_module_list leaves it).
 */
export class SSDScoringHead extends nn.Module {
  declare module_list: torch.nn.ModuleList;
  numColumns: number;
  constructor(moduleList: torch.nn.ModuleList, numColumns: number) {
    super();
    if (!(moduleList instanceof nn.ModuleList)) throw new TypeError(`SSDScoringHead: moduleList should be a ModuleList, got ${describe(moduleList)}`);
    if (!Number.isInteger(numColumns) || numColumns < 1) throw new TypeError(`SSDScoringHead: numColumns should be a positive int, got ${describe(numColumns)}`);
    this.module_list = moduleList;
    this.numColumns = numColumns;
  }

  /** module_list[idx](x) (a negative idx counts from the end; x itself where idx is out of range). */
  _getResultFromModuleList(x: Tensor, idx: number): Tensor {
    const n = this.module_list.length;
    const i = idx < 0 ? idx + n : idx;
    return i >= 0 && i < n ? (this.module_list.at(i).call(x) as Tensor) : x;
  }

  override forward(x: Tensor[]): Tensor {
    if (!Array.isArray(x) || !x.every(isTensor)) throw new TypeError(`${this.constructor.name}: expected an array of feature maps (N, C, H, W), got ${describe(x)}`);
    return torch.tidy(() => torch.cat(x.map((features, i) => {
      const results = this._getResultFromModuleList(features, i);
      const [N, , H, W] = results.shape as [number, number, number, number];
      return results.view(N, -1, this.numColumns, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, this.numColumns);
    }), 1));
  }
}

function headLists(owner: string, inChannels: unknown, numAnchors: unknown): [number, number][] {
  checkIntList(owner, 'inChannels', inChannels);
  checkIntList(owner, 'numAnchors', numAnchors);
  return inChannels.slice(0, Math.min(inChannels.length, numAnchors.length)).map((c, i) => [c, numAnchors[i]!]); // Python's zip
}

/** SSD's classification head: per feature map a 3x3 Conv2d to numClasses logits per default box (Xavier). */
const CLS_HEAD = signature('SSDClassificationHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED });
const REG_HEAD = signature('SSDRegressionHead', { inChannels: REQUIRED, numAnchors: REQUIRED });
const HEAD = signature('SSDHead', { inChannels: REQUIRED, numAnchors: REQUIRED, numClasses: REQUIRED });
type HeadOptions = { inChannels?: readonly number[]; numAnchors?: readonly number[]; numClasses?: number };

export class SSDClassificationHead extends SSDScoringHead {
  constructor(...args: PyArgs<[inChannels: readonly number[], numAnchors: readonly number[], numClasses: number], HeadOptions>);
  constructor(...args: unknown[]) {
    const [inChannels, numAnchors, numClasses] = bind(CLS_HEAD, args) as [number[], number[], number];
    const fn = CLS_HEAD.fn;
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new TypeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
    const clsLogits = new nn.ModuleList(headLists(fn, inChannels, numAnchors).map(([channels, anchors]) => new nn.Conv2d(channels, numClasses * anchors, 3, { padding: 1 })));
    _xavierInit(clsLogits);
    super(clsLogits, numClasses);
  }
}

/** SSD's regression head: per feature map a 3x3 Conv2d to 4 deltas per default box (Xavier). */
export class SSDRegressionHead extends SSDScoringHead {
  constructor(...args: PyArgs<[inChannels: readonly number[], numAnchors: readonly number[]], Omit<HeadOptions, 'numClasses'>>);
  constructor(...args: unknown[]) {
    const [inChannels, numAnchors] = bind(REG_HEAD, args) as [number[], number[]];
    const bboxReg = new nn.ModuleList(headLists('SSDRegressionHead', inChannels, numAnchors).map(([channels, anchors]) => new nn.Conv2d(channels, 4 * anchors, 3, { padding: 1 })));
    _xavierInit(bboxReg);
    super(bboxReg, 4);
  }
}

/** SSD's head: classification_head and regression_head over the same feature maps. */
export class SSDHead extends nn.Module {
  declare classification_head: SSDClassificationHead; declare regression_head: SSDRegressionHead;
  constructor(...args: PyArgs<[inChannels: readonly number[], numAnchors: readonly number[], numClasses: number], HeadOptions>);
  constructor(...args: unknown[]) {
    super();
    const [inChannels, numAnchors, numClasses] = bind(HEAD, args) as [number[], number[], number];
    this.classification_head = new SSDClassificationHead(inChannels, numAnchors, numClasses);
    this.regression_head = new SSDRegressionHead(inChannels, numAnchors);
  }

  /** { bbox_regression (N, HWA, 4), cls_logits (N, HWA, C) }. */
  override forward(x: Tensor[]): HeadOutputs {
    return { bbox_regression: this.regression_head.call(x) as Tensor, cls_logits: this.classification_head.call(x) as Tensor };
  }
}

/** SSD's keywords after (backbone, anchorGenerator, size, numClasses): torchvision's, camelCased, with its defaults. */
export interface SSDOptions {
  /** Normalization mean (ImageNet's by default). */
  imageMean?: readonly number[] | null;
  imageStd?: readonly number[] | null;
  /** The head (an SSDHead by default): forward(features) gives { bbox_regression, cls_logits }. */
  head?: Module | null;
  scoreThresh?: number; nmsThresh?: number; detectionsPerImg?: number;
  /** The matcher's IoU threshold (0.5). */
  iouThresh?: number;
  topkCandidates?: number;
  /** The share of positives among the classification loss's anchors (0.25: 3 hard negatives per positive). */
  positiveFraction?: number;
  /** GeneralizedRCNNTransform's keyword (torchvision's **kwargs). */
  _skipResize?: boolean;
}

const SSD_SIGNATURE = signature('SSD', { backbone: REQUIRED, anchorGenerator: REQUIRED, size: REQUIRED, numClasses: REQUIRED, imageMean: null, imageStd: null, head: null,
  scoreThresh: 0.01, nmsThresh: 0.45, detectionsPerImg: 200, iouThresh: 0.5, topkCandidates: 400, positiveFraction: 0.25, _skipResize: false });

export const SSD_OPTION_KEYS = ['imageMean', 'imageStd', 'head', 'scoreThresh', 'nmsThresh', 'detectionsPerImg', 'iouThresh', 'topkCandidates', 'positiveFraction',
  '_skipResize'] as const satisfies readonly (keyof SSDOptions)[];

/**
 * torchvision's SSD(backbone, anchorGenerator, size, numClasses, options). `backbone` returns a feature map
 * or named feature maps; backbone.outChannels lists their channels (else they are read by running it on a
 * zero image of `size`). `size` [width, height] is the fixed size the images are resized to. In training
 * forward returns { bbox_regression, classification }, in eval one { boxes, scores, labels } per image.
 */
export class SSD extends OneStageDetector {
  declare backbone: Module; declare anchor_generator: DefaultBoxGenerator; declare head: Module; declare transform: GeneralizedRCNNTransform;
  boxCoder: BoxCoder;
  proposalMatcher: SSDMatcher;
  scoreThresh: number; nmsThresh: number; detectionsPerImg: number; topkCandidates: number;
  /** (1 - positiveFraction) / positiveFraction. */
  negToPosRatio: number;

  constructor(backbone: Module, anchorGenerator: DefaultBoxGenerator, size: readonly [number, number], numClasses: number, options?: SSDOptions);
  constructor(backbone: Module, options: SSDOptions & { anchorGenerator: DefaultBoxGenerator; size: readonly [number, number]; numClasses: number });
  constructor(...args: unknown[]) {
    super();
    const fn = 'SSD';
    const [backbone, anchorGenerator, size, numClasses, imageMean, imageStd, headArg, scoreThresh, nmsThresh, detectionsPerImg, iouThresh, topkCandidates, positiveFraction, _skipResize] =
      bind(SSD_SIGNATURE, args) as [Module, DefaultBoxGenerator, [number, number], number, number[] | null, number[] | null, Module | null, number, number, number, number, number, number, boolean];
    if (!(backbone instanceof nn.Module)) throw new TypeError(`${fn}: backbone should be a Module, got ${describe(backbone)}`);
    if (!(anchorGenerator instanceof nn.Module)) throw new TypeError(`${fn}: anchorGenerator should be a DefaultBoxGenerator (a Module), got ${describe(anchorGenerator)}`);
    if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => Number.isInteger(s) && s >= 1)) throw new TypeError(`${fn}: size should be [width, height] (positive ints), got ${describe(size)}`);
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new TypeError(`${fn}: numClasses should be a positive int, got ${describe(numClasses)}`);
    let head = headArg ?? null;
    if (head !== null && !(head instanceof nn.Module)) throw new TypeError(`${fn}: head should be a Module or null, got ${describe(head)}`);
    for (const [k, v] of Object.entries({ scoreThresh, nmsThresh, detectionsPerImg, iouThresh, topkCandidates, positiveFraction })) checkNumber(fn, k, v);
    if (typeof _skipResize !== 'boolean') throw new TypeError(`${fn}: _skipResize should be a boolean, got ${describe(_skipResize)}`);
    this.backbone = backbone;
    this.anchor_generator = anchorGenerator;
    this.boxCoder = new BoxCoder([10.0, 10.0, 5.0, 5.0]);
    if (head === null) {
      const given = (backbone as { outChannels?: unknown }).outChannels;
      const outChannels = given !== undefined ? given : retrieveOutChannels(backbone, size);
      if (!Array.isArray(outChannels)) throw new TypeError(`${fn}: backbone.outChannels should be an array of ints (one per feature map), got ${describe(outChannels)}`);
      const aspectRatios = (anchorGenerator as { aspectRatios?: unknown }).aspectRatios;
      if (!Array.isArray(aspectRatios)) throw new TypeError(`${fn}: anchorGenerator should be a DefaultBoxGenerator, got ${describe(anchorGenerator)}`);
      if (outChannels.length !== aspectRatios.length)
        throw new RangeError(`The length of the output channels from the backbone (${outChannels.length}) do not match the length of the anchor generator aspect ratios (${aspectRatios.length})`);
      head = new SSDHead(outChannels as number[], anchorGenerator.numAnchorsPerLocation(), numClasses);
    }
    this.head = head;
    this.proposalMatcher = new SSDMatcher(iouThresh);
    const transformOptions = { sizeDivisible: 1, fixedSize: size, _skipResize };
    this.transform = new GeneralizedRCNNTransform(Math.min(...size), Math.max(...size), imageMean ?? [0.485, 0.456, 0.406], imageStd ?? [0.229, 0.224, 0.225], transformOptions);
    this.scoreThresh = scoreThresh;
    this.nmsThresh = nmsThresh;
    this.detectionsPerImg = detectionsPerImg;
    this.topkCandidates = topkCandidates;
    this.negToPosRatio = (1.0 - positiveFraction) / positiveFraction;
  }

  /**
   * { bbox_regression, classification }: the smooth L1 loss of the matched default boxes' deltas, and the
   * cross entropy of every positive plus the negToPosRatio x (positives) hardest negatives of each image
   * (the negatives' losses sorted, descending), both over the number of positives.
   */
  computeLoss(targets: readonly DetectionTarget[], headOutputs: HeadOutputs, anchors: readonly Tensor[], matchedIdxs: readonly Tensor[]): DetectorLosses {
    const fn = 'SSD.computeLoss';
    checkTargetList(fn, targets);
    if (!isOptionsObject(headOutputs)) throw new TypeError(`${fn}: headOutputs should be an object of Tensors, got ${describe(headOutputs)}`);
    for (const k of ['bbox_regression', 'cls_logits']) if (!isTensor(headOutputs[k])) throw new TypeError(`${fn}: headOutputs['${k}'] should be a Tensor, got ${describe(headOutputs[k])}`);
    for (const [name, v] of Object.entries({ anchors, matchedIdxs })) if (!Array.isArray(v) || !v.every(isTensor)) throw new TypeError(`${fn}: ${name} should be an array of Tensors, got ${describe(v)}`);
    const field = (t: DetectionTarget, key: string): Tensor => {
      const v = (t as Record<string, unknown>)[key];
      if (!isTensor(v)) throw new TypeError(`${fn}: each target should hold its "${key}" Tensor, got ${describe(v)}`);
      return v;
    };
    return torch.tidy(() => {
      const bboxRegression = headOutputs.bbox_regression!;
      const clsLogits = headOutputs.cls_logits!;
      const count = Math.min(targets.length, bboxRegression.size(0), clsLogits.size(0), anchors.length, matchedIdxs.length);
      if (count === 0) throw new RangeError('stack expects a non-empty TensorList');
      let numForeground = 0;
      const bboxLoss: Tensor[] = [];
      const clsTargets: Tensor[] = [];
      for (let i = 0; i < count; i++) {
        const labels = field(targets[i]!, 'labels');
        const boxes = field(targets[i]!, 'boxes');
        const matched = matchedIdxs[i]!;
        // the matching between default boxes and targets
        const foregroundIdxs = torch.where(matched.ge(0))[0]!;
        const foregroundMatchedIdxs = matched.index(foregroundIdxs);
        numForeground += foregroundMatchedIdxs.numel();
        // the regression loss
        const matchedGtBoxes = boxes.index(foregroundMatchedIdxs);
        const bboxRegressionPerImage = bboxRegression.select(0, i).index(foregroundIdxs, ':');
        const anchorsPerImage = anchors[i]!.index(foregroundIdxs, ':');
        const targetRegression = this.boxCoder.encodeSingle(matchedGtBoxes, anchorsPerImage);
        bboxLoss.push(F.smoothL1Loss(bboxRegressionPerImage, targetRegression, { reduction: 'sum' }));
        // the class targets
        const gtClassesTarget = torch.zeros([clsLogits.select(0, i).size(0)], { dtype: labels.dtype, device: labels.device });
        gtClassesTarget.indexPut_([foregroundIdxs], labels.index(foregroundMatchedIdxs));
        clsTargets.push(gtClassesTarget);
      }
      const bboxLosses = torch.stack(bboxLoss);
      const targetsAll = torch.stack(clsTargets);
      // the classification loss
      const numClasses = clsLogits.size(-1);
      const logits = clsLogits.shape[0] === count ? clsLogits : clsLogits.index(`:${count}`);
      const clsLoss = F.crossEntropy(logits.view(-1, numClasses), targetsAll.view(-1), { reduction: 'none' }).view(targetsAll.shape);
      // hard negative mining
      const foregroundIdxs = targetsAll.gt(0);
      const numNegative = foregroundIdxs.sum(1, true).mul(this.negToPosRatio);
      const negativeLoss = clsLoss.clone();
      negativeLoss.indexPut_([foregroundIdxs], -Infinity); // -inf marks the positives that creep into the sample
      const idx = negativeLoss.sort(1, true).indices;
      const backgroundIdxs = idx.sort(1).indices.lt(numNegative);
      const N = Math.max(1, numForeground);
      return {
        bbox_regression: bboxLosses.sum().div(N),
        classification: clsLoss.index(foregroundIdxs).sum().add(clsLoss.index(backgroundIdxs).sum()).div(N),
      };
    });
  }

  /**
   * Per image: the boxes decoded and clipped, per class above background the scores (softmax) above
   * scoreThresh, the topkCandidates best, then batched NMS and the detectionsPerImg best.
   */
  postprocessDetections(headOutputs: HeadOutputs, imageAnchors: readonly Tensor[], imageShapes: readonly (readonly number[])[]): DetectionTarget[] {
    return torch.tidy(() => {
      const bboxRegression = headOutputs.bbox_regression!;
      const predScores = F.softmax(headOutputs.cls_logits!, -1);
      const numClasses = predScores.size(-1);
      const count = Math.min(bboxRegression.size(0), predScores.size(0), imageAnchors.length, imageShapes.length);
      return Array.from({ length: count }, (_, i) => {
        const boxes = clipBoxesToImage(this.boxCoder.decodeSingle(bboxRegression.select(0, i), imageAnchors[i]!), imageShapes[i]!.slice(0, 2));
        const scores = predScores.select(0, i);
        const imageBoxes: Tensor[] = [];
        const imageScores: Tensor[] = [];
        const imageLabels: Tensor[] = [];
        for (let label = 1; label < numClasses; label++) {
          let score = scores.index(':', label);
          const keepIdxs = score.gt(this.scoreThresh);
          score = score.index(keepIdxs);
          let box = boxes.index(keepIdxs);
          // keep only the topk scoring predictions
          const top = score.topk(_topkMin(score, this.topkCandidates, 0));
          score = top.values;
          box = box.index(top.indices);
          imageBoxes.push(box);
          imageScores.push(score);
          imageLabels.push(torch.fullLike(score, label, { dtype: torch.int64 }));
        }
        const allBoxes = torch.cat(imageBoxes, 0);
        const allScores = torch.cat(imageScores, 0);
        const allLabels = torch.cat(imageLabels, 0);
        // non-maximum suppression
        const keep = batchedNms(allBoxes, allScores, allLabels, this.nmsThresh).index(`:${this.detectionsPerImg}`);
        return { boxes: allBoxes.index(keep), scores: allScores.index(keep), labels: allLabels.index(keep) };
      });
    });
  }

  protected override stagedLosses(s: StagedInputs): DetectorLosses {
    const matchedIdxs = s.anchors.map((anchorsPerImage, i) => {
      const boxes = s.targets![i]!.boxes!;
      if (boxes.numel() === 0) return torch.full([anchorsPerImage.size(0)], -1, { dtype: torch.int64, device: anchorsPerImage.device });
      return this.proposalMatcher.call(boxIou(boxes, anchorsPerImage));
    }).slice(0, s.targets!.length);
    return this.computeLoss(s.targets!, s.headOutputs, s.anchors, matchedIdxs);
  }

  protected override stagedDetections(s: StagedInputs): DetectionTarget[] {
    return this.postprocessDetections(s.headOutputs, s.anchors, s.imageList.imageSizes);
  }
}

// ------------------------------------------------------------------------------------------------
// The VGG-16 feature extractor and the builder

const VGG_EXTRACTOR = signature('SSDFeatureExtractorVGG', { backbone: REQUIRED, highres: REQUIRED });
const isMaxPool = (m: Module): boolean => m instanceof nn.MaxPool2d;

/**
 * torchvision's SSDFeatureExtractorVGG over a VGG's `features` (5 max-pools): conv4_3 (its maxpool3 in ceil
 * mode) L2-normalized and rescaled by scale_weight (20 per channel), then `extra`: conv5_3 with the atrous
 * FC6 and FC7, and conv8_2 .. conv11_2 (conv12_2 too when highres, SSD512). Feature maps '0' .. '5' ('6').
 */
export class SSDFeatureExtractorVGG extends nn.Module {
  declare scale_weight: torch.nn.Parameter; declare features: torch.nn.Sequential; declare extra: torch.nn.ModuleList;
  constructor(...args: PyArgs<[backbone: torch.nn.Sequential, highres: boolean], { backbone?: torch.nn.Sequential; highres?: boolean }>);
  constructor(...args: unknown[]) {
    super();
    const [backbone, highres] = bind(VGG_EXTRACTOR, args) as [torch.nn.Sequential, boolean];
    if (!(backbone instanceof nn.Sequential)) throw new TypeError(`SSDFeatureExtractorVGG: backbone should be a VGG's features (a Sequential), got ${describe(backbone)}`);
    const layers = backbone.children();
    const pools = layers.map((m, i) => (isMaxPool(m) ? i : -1)).filter((i) => i >= 0);
    if (pools.length !== 5) throw new RangeError(`not enough values to unpack (expected 5, got ${pools.length})`.replace('not enough', pools.length > 5 ? 'too many' : 'not enough'));
    const [, , maxpool3Pos, maxpool4Pos] = pools as [number, number, number, number, number];
    // ceil mode for maxpool3, for the paper's W x H sizes
    (layers[maxpool3Pos] as torch.nn.MaxPool2d).ceilMode = true;
    // L2 regularization + rescaling
    this.scale_weight = new nn.Parameter(torch.ones(512).mul(20));
    this.features = new nn.Sequential(...layers.slice(0, maxpool4Pos)); // until conv4_3
    const block = (cin: number, mid: number, cout: number, k: number, stride: number, padding: number): torch.nn.Sequential => new nn.Sequential(
      new nn.Conv2d(cin, mid, 1), new nn.ReLU(true), new nn.Conv2d(mid, cout, k, { padding, stride }), new nn.ReLU(true));
    const extra = [
      block(1024, 256, 512, 3, 2, 1), // conv8_2
      block(512, 128, 256, 3, 2, 1), // conv9_2
      block(256, 128, 256, 3, 1, 0), // conv10_2
      block(256, 128, 256, 3, 1, 0), // conv11_2
    ];
    if (highres) extra.push(block(256, 128, 256, 4, 1, 0)); // conv12_2 (SSD512)
    for (const m of extra) _xavierInit(m);
    const fc = new nn.Sequential(
      new nn.MaxPool2d(3, { stride: 1, padding: 1, ceilMode: false }), // modified maxpool5
      new nn.Conv2d(512, 1024, 3, { padding: 6, dilation: 6 }), // FC6, atrous
      new nn.ReLU(true),
      new nn.Conv2d(1024, 1024, 1), // FC7
      new nn.ReLU(true),
    );
    _xavierInit(fc);
    this.extra = new nn.ModuleList([new nn.Sequential(...layers.slice(maxpool4Pos, -1), fc), ...extra]); // until conv5_3, maxpool5 skipped
  }

  override forward(x: Tensor): Map<string, Tensor> {
    return torch.tidy(() => {
      let h = this.features.call(x) as Tensor;
      const output = [this.scale_weight.view(1, -1, 1, 1).mul(F.normalize(h))];
      for (const block of this.extra.children()) {
        h = block.call(h) as Tensor;
        output.push(h);
      }
      return new Map(output.map((v, i) => [String(i), v]));
    });
  }
}

/** torchvision's _vgg_extractor: the VGG's stages before the last trainableLayers frozen, then SSDFeatureExtractorVGG over its features. */
export function _vggExtractor(backbone: Module, highres: boolean, trainableLayers: number): SSDFeatureExtractorVGG {
  const features = (backbone as { features?: unknown }).features;
  if (!(features instanceof nn.Sequential)) throw new TypeError(`_vggExtractor: backbone should be a VGG (with features), got ${describe(backbone)}`);
  const layers = features.children();
  // the max-pools: where the output blocks are
  const stageIndices = [0, ...layers.map((m, i) => (isMaxPool(m) ? i : -1)).filter((i) => i >= 0).slice(0, -1)];
  const numStages = stageIndices.length;
  if (!(Number.isInteger(trainableLayers) && trainableLayers >= 0 && trainableLayers <= numStages))
    throw new RangeError(`trainable_layers should be in the range [0, ${numStages}]. Instead got ${trainableLayers}`);
  const freezeBefore = trainableLayers === 0 ? layers.length : stageIndices[numStages - trainableLayers]!;
  for (const b of layers.slice(0, freezeBefore)) for (const p of b.parameters()) p.requiresGrad_(false);
  return new SSDFeatureExtractorVGG(features, highres);
}

/** torchvision's SSD300_VGG16_Weights (COCO_V1: box mAP 25.1), generated into weights_table.ts. */
export const SSD300_VGG16_Weights = W.SSD300_VGG16_Weights;

/** A builder's options: SSD's, and torchvision's builder keywords camelCased (see FasterRCNNBuilderOptions). `size` is fixed: warned about, and refused as torchvision's SSD refuses it. */
export interface SSDBuilderOptions extends SSDOptions, Pick<FasterRCNNBuilderOptions, 'weights' | 'progress' | 'numClasses' | 'weightsBackbone' | 'trainableBackboneLayers'> {
  size?: unknown;
}

const BUILDER_KEYS = ['weights', 'progress', 'numClasses', 'weightsBackbone', 'trainableBackboneLayers'] as const;

/** The SSD builders' preamble: options checked, weights and backbone weights resolved (resolveBuilder's), trainable layers, size refused. */
export function resolveSSDBuilder(fn: string, weightsEnum: AnyWeightsEnum, backboneEnum: AnyWeightsEnum, defaultBackbone: string,
  options: SSDBuilderOptions, maxTrainable: number, defaultTrainable: number, extraKeys: readonly string[] = []): { weights: AnyWeights | string | null; progress: boolean;
    numClasses: number; weightsBackbone: Weights | string | null; trainableLayers: number; rest: Record<string, unknown> } {
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object, got ${describe(options)}`);
  const o = readOptions(fn, options, [...BUILDER_KEYS, ...SSD_OPTION_KEYS, 'size', ...extraKeys]) as SSDBuilderOptions;
  const { trainableBackboneLayers, weightsBackbone, size, ...others } = o;
  const r = resolveBuilder(fn, weightsEnum, backboneEnum, { ...others, weightsBackbone: weightsBackbone === undefined ? defaultBackbone : weightsBackbone }, false, maxTrainable, {}, [...SSD_OPTION_KEYS, ...extraKeys]);
  if (size !== undefined) {
    warn('The size of the model is already fixed; ignoring the parameter.', 'UserWarning');
    throw new TypeError("SSD.__init__() got multiple values for argument 'size'");
  }
  if (trainableBackboneLayers !== null && trainableBackboneLayers !== undefined && !Number.isInteger(trainableBackboneLayers))
    throw new TypeError(`${fn}: trainableBackboneLayers should be an int or null, got ${describe(trainableBackboneLayers)}`);
  const trainableLayers = _validateTrainableLayers(r.isTrained, trainableBackboneLayers, maxTrainable, defaultTrainable);
  return { weights: r.weights, progress: r.progress, numClasses: r.numClasses, weightsBackbone: r.weightsBackbone, trainableLayers, rest: r.rest };
}

/**
 * SSD300 with a VGG-16 backbone (torchvision's ssd300_vgg16). Options: weights (SSD300_VGG16_Weights; none
 * by default), numClasses (91), weightsBackbone (VGG16_Weights.IMAGENET1K_FEATURES by default; null: a
 * random backbone), trainableBackboneLayers (0 .. 5, default 4), and SSD's options; the images are
 * normalized as the backbone's weights expect (mean [0.48235, 0.45882, 0.40784], std 1/255) unless given.
 */
export function ssd300_vgg16(options: SSDBuilderOptions = {}): SSD {
  const fn = 'ssd300_vgg16';
  const r = resolveSSDBuilder(fn, SSD300_VGG16_Weights, W.VGG16_Weights, 'IMAGENET1K_FEATURES', options, 5, 4);
  const vgg = vgg16({ weights: r.weightsBackbone, progress: r.progress });
  const backbone = _vggExtractor(vgg, false, r.trainableLayers);
  disposeUnusedModules(vgg, [backbone]); // avgpool, classifier and maxpool5, which torchvision's model drops
  const anchorGenerator = new DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]], { scales: [0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], steps: [8, 16, 32, 64, 100, 300] });
  // rescale the input as the backbone expects (undoing ToTensor's 0-1 scaling)
  const defaults: SSDOptions = { imageMean: [0.48235, 0.45882, 0.40784], imageStd: [1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0] };
  let model: SSD;
  try {
    model = new SSD(backbone, anchorGenerator, [300, 300], r.numClasses, { ...defaults, ...(r.rest as SSDOptions) });
  } catch (e) {
    backbone.dispose();
    anchorGenerator.dispose();
    throw e;
  }
  return loadDetectorWeights(model, r.weights, r.progress);
}
