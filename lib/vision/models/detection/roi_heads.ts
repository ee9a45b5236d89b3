// torchvision.models.detection.roi_heads (0.28): the box branch of RoIHeads (Fast R-CNN on the RPN's
// proposals) and fastrcnn_loss. Training appends the ground truth to the proposals, matches them
// (IoU >= fgIouThresh foreground, < bgIouThresh background, between ignored), samples batchSizePerImage
// of them with torch.randperm (as torchvision draws) and returns the classification (cross entropy) and
// box (smooth L1, beta 1/9) losses; eval decodes every class's box, clips it, drops the background,
// low scores (<= scoreThresh) and tiny boxes, runs NMS per class and keeps the detectionsPerImg best.
// The same tensor ops as torchvision, so the results agree bit for bit. The mask (Mask R-CNN) and
// keypoint (Keypoint R-CNN) branches are not ported: RoIHeads refuses their modules.
import * as torch from '../../../index.js';
import { describe, readOptions } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { batchedNms, boxIou, clipBoxesToImage, removeSmallBoxes } from '../../ops/boxes.js';
import { checkTargetList, type DetectionTarget } from './transform.js';
import { BalancedPositiveNegativeSampler, BoxCoder, Matcher } from './_utils.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;

/** The losses of RoIHeads in training: loss_classifier and loss_box_reg (empty in eval). */
export type RoIHeadsLosses = Record<string, Tensor>;

function checkTensors(fn: string, name: string, v: unknown): asserts v is Tensor[] {
  if (!Array.isArray(v) || !v.every(isTensor)) throw new TypeError(`${fn}: ${name} should be an array of Tensors, got ${describe(v)}`);
}

/**
 * torchvision's fastrcnn_loss: [classification loss, box loss]. The cross entropy of `classLogits` (N, C)
 * against the concatenated `labels`, and the smooth L1 loss (beta 1/9, summed, divided by the number of
 * samples) of the foreground samples' deltas for their own class against `regressionTargets`.
 */
export function fastrcnnLoss(classLogits: Tensor, boxRegression: Tensor, labels: readonly Tensor[], regressionTargets: readonly Tensor[]): [Tensor, Tensor] {
  if (!isTensor(classLogits) || classLogits.dim() !== 2) throw new TypeError(`fastrcnnLoss: classLogits should be a Tensor (N, numClasses), got ${isTensor(classLogits) ? `shape [${classLogits.shape.join(', ')}]` : describe(classLogits)}`);
  if (!isTensor(boxRegression)) throw new TypeError(`fastrcnnLoss: boxRegression should be a Tensor (N, numClasses * 4), got ${describe(boxRegression)}`);
  checkTensors('fastrcnnLoss', 'labels', labels);
  checkTensors('fastrcnnLoss', 'regressionTargets', regressionTargets);
  return torch.tidy(() => {
    const allLabels = torch.cat([...labels], 0);
    const targets = torch.cat([...regressionTargets], 0);
    const classificationLoss = F.crossEntropy(classLogits, allLabels);
    // the foreground samples, and the deltas of their own class
    const sampledPosIndsSubset = torch.where(allLabels.gt(0))[0]!;
    const labelsPos = allLabels.index(sampledPosIndsSubset);
    const N = classLogits.shape[0]!;
    const reg = boxRegression.reshape(N, Math.floor(boxRegression.size(-1) / 4), 4);
    const boxLoss = F.smoothL1Loss(reg.index(sampledPosIndsSubset, labelsPos), targets.index(sampledPosIndsSubset), { beta: 1 / 9, reduction: 'sum' })
      .div(allLabels.numel());
    return [classificationLoss, boxLoss] as [Tensor, Tensor];
  });
}

/** The modules of the mask and keypoint branches (not ported: RoIHeads refuses them). */
export interface RoIHeadsOptions {
  maskRoiPool?: Module | null; maskHead?: Module | null; maskPredictor?: Module | null;
  keypointRoiPool?: Module | null; keypointHead?: Module | null; keypointPredictor?: Module | null;
}
const BRANCH_KEYS = ['maskRoiPool', 'maskHead', 'maskPredictor', 'keypointRoiPool', 'keypointHead', 'keypointPredictor'] as const;

/**
 * torchvision's RoIHeads, box branch: `boxRoiPool` (a MultiScaleRoIAlign, called with the features, the
 * boxes and the image sizes) pools each proposal, `boxHead` maps the pooled features to a representation
 * and `boxPredictor` to [class logits (N, C), box deltas (N, 4C)]. See the module's comment for training
 * and eval.
 */
export class RoIHeads extends nn.Module {
  declare box_roi_pool: Module; declare box_head: Module; declare box_predictor: Module;
  declare mask_roi_pool: null; declare mask_head: null; declare mask_predictor: null;
  declare keypoint_roi_pool: null; declare keypoint_head: null; declare keypoint_predictor: null;
  boxSimilarity: (boxes1: Tensor, boxes2: Tensor) => Tensor;
  proposalMatcher: Matcher;
  fgBgSampler: BalancedPositiveNegativeSampler;
  boxCoder: BoxCoder;
  scoreThresh: number;
  nmsThresh: number;
  detectionsPerImg: number;

  constructor(boxRoiPool: Module, boxHead: Module, boxPredictor: Module,
    fgIouThresh: number, bgIouThresh: number, batchSizePerImage: number, positiveFraction: number, bboxRegWeights: readonly number[] | null,
    scoreThresh: number, nmsThresh: number, detectionsPerImg: number, options: RoIHeadsOptions = {}) {
    super();
    for (const [name, m] of [['boxRoiPool', boxRoiPool], ['boxHead', boxHead], ['boxPredictor', boxPredictor]] as const)
      if (!(m instanceof nn.Module)) throw new TypeError(`RoIHeads: ${name} should be a Module, got ${describe(m)}`);
    for (const [name, v] of [['scoreThresh', scoreThresh], ['nmsThresh', nmsThresh]] as const)
      if (typeof v !== 'number') throw new TypeError(`RoIHeads: ${name} should be a number, got ${describe(v)}`);
    if (!Number.isInteger(detectionsPerImg) || detectionsPerImg < 0) throw new TypeError(`RoIHeads: detectionsPerImg should be a non-negative int, got ${describe(detectionsPerImg)}`);
    const o = readOptions('RoIHeads', options, BRANCH_KEYS) as RoIHeadsOptions;
    const given = BRANCH_KEYS.filter((k) => o[k] !== null && o[k] !== undefined);
    if (given.some((k) => k.startsWith('mask')))
      throw new Error('RoIHeads: the mask branch (Mask R-CNN: maskRoiPool, maskHead, maskPredictor, with maskrcnn_loss and paste_masks_in_image) is not ported yet; only the box branch (Faster R-CNN) is');
    if (given.length > 0)
      throw new Error('RoIHeads: the keypoint branch (Keypoint R-CNN: keypointRoiPool, keypointHead, keypointPredictor, with keypointrcnn_loss) is not ported yet; only the box branch (Faster R-CNN) is');
    this.boxSimilarity = (a, b) => boxIou(a, b);
    // assigns each proposal its ground-truth box
    this.proposalMatcher = new Matcher(fgIouThresh, bgIouThresh, false);
    this.fgBgSampler = new BalancedPositiveNegativeSampler(batchSizePerImage, positiveFraction);
    this.boxCoder = new BoxCoder(bboxRegWeights ?? [10.0, 10.0, 5.0, 5.0]);
    this.box_roi_pool = boxRoiPool;
    this.box_head = boxHead;
    this.box_predictor = boxPredictor;
    this.scoreThresh = scoreThresh;
    this.nmsThresh = nmsThresh;
    this.detectionsPerImg = detectionsPerImg;
    this.mask_roi_pool = null; this.mask_head = null; this.mask_predictor = null;
    this.keypoint_roi_pool = null; this.keypoint_head = null; this.keypoint_predictor = null;
  }

  /** Whether the mask branch is there (never: not ported). */
  hasMask(): boolean {
    return this.mask_roi_pool !== null && this.mask_head !== null && this.mask_predictor !== null;
  }
  /** Whether the keypoint branch is there (never: not ported). */
  hasKeypoint(): boolean {
    return this.keypoint_roi_pool !== null && this.keypoint_head !== null && this.keypoint_predictor !== null;
  }

  /**
   * Per image: each proposal's matched ground-truth index (clamped to >= 0) and its label (the matched
   * box's label, 0 for background, -1 for ignored; int64). A background image gives zeros.
   */
  assignTargetsToProposals(proposals: readonly Tensor[], gtBoxes: readonly Tensor[], gtLabels: readonly Tensor[]): [Tensor[], Tensor[]] {
    checkTensors('RoIHeads.assignTargetsToProposals', 'proposals', proposals);
    checkTensors('RoIHeads.assignTargetsToProposals', 'gtBoxes', gtBoxes);
    checkTensors('RoIHeads.assignTargetsToProposals', 'gtLabels', gtLabels);
    const matchedIdxs: Tensor[] = [];
    const labels: Tensor[] = [];
    const count = Math.min(proposals.length, gtBoxes.length, gtLabels.length);
    for (let i = 0; i < count; i++) {
      const [proposalsInImage, gtBoxesInImage, gtLabelsInImage] = [proposals[i]!, gtBoxes[i]!, gtLabels[i]!];
      const [m, l] = torch.tidy(() => {
        if (gtBoxesInImage.numel() === 0) {
          // a background image
          const device = proposalsInImage.device;
          const n = proposalsInImage.shape[0]!;
          return [torch.zeros([n], { dtype: torch.int64, device }), torch.zeros([n], { dtype: torch.int64, device })] as const;
        }
        const matchQualityMatrix = boxIou(gtBoxesInImage, proposalsInImage);
        const matchedIdxsInImage = this.proposalMatcher.call(matchQualityMatrix);
        const clamped = matchedIdxsInImage.clamp({ min: 0 });
        const labelsInImage = gtLabelsInImage.index(clamped).to(torch.int64);
        // background (below the low threshold)
        labelsInImage.indexPut_([matchedIdxsInImage.eq(this.proposalMatcher.BELOW_LOW_THRESHOLD)], 0);
        // ignored (between the thresholds): the sampler skips -1
        labelsInImage.indexPut_([matchedIdxsInImage.eq(this.proposalMatcher.BETWEEN_THRESHOLDS)], -1);
        return [clamped, labelsInImage] as const;
      });
      matchedIdxs.push(m);
      labels.push(l);
    }
    return [matchedIdxs, labels];
  }

  /** Per image, the indices of the proposals the sampler picked (positives and negatives, in index order). */
  subsample(labels: readonly Tensor[]): Tensor[] {
    const [sampledPosInds, sampledNegInds] = this.fgBgSampler.call(labels);
    return torch.tidy(() => sampledPosInds.map((pos, i) => torch.where(pos.bitwiseOr(sampledNegInds[i]!))[0]!));
  }

  /** Each image's proposals with its ground-truth boxes appended. */
  addGtProposals(proposals: readonly Tensor[], gtBoxes: readonly Tensor[]): Tensor[] {
    checkTensors('RoIHeads.addGtProposals', 'proposals', proposals);
    checkTensors('RoIHeads.addGtProposals', 'gtBoxes', gtBoxes);
    const count = Math.min(proposals.length, gtBoxes.length);
    return torch.tidy(() => proposals.slice(0, count).map((p, i) => torch.cat([p, gtBoxes[i]!])));
  }

  /** torchvision's check_targets: targets given, each with 'boxes' and 'labels' (and 'masks' with a mask branch). */
  checkTargets(targets: readonly DetectionTarget[] | null | undefined): asserts targets is readonly DetectionTarget[] {
    if (targets === null || targets === undefined) throw new RangeError('targets should not be None');
    checkTargetList('RoIHeads', targets);
    if (!targets.every((t) => 'boxes' in t)) throw new RangeError('Every element of targets should have a boxes key');
    if (!targets.every((t) => 'labels' in t)) throw new RangeError('Every element of targets should have a labels key');
    if (this.hasMask() && !targets.every((t) => 'masks' in t)) throw new RangeError('Every element of targets should have a masks key');
  }

  /**
   * Training: the sampled proposals of each image (its ground truth appended), their matched ground-truth
   * indices, labels and regression targets (encoded with the box coder's weights).
   */
  selectTrainingSamples(proposals: readonly Tensor[], targets: readonly DetectionTarget[] | null): [Tensor[], Tensor[], Tensor[], Tensor[]] {
    this.checkTargets(targets);
    checkTensors('RoIHeads.selectTrainingSamples', 'proposals', proposals);
    if (proposals.length === 0) throw new RangeError('RoIHeads.selectTrainingSamples: proposals should hold one Tensor per image');
    const { dtype, device } = proposals[0]!;
    return torch.tidy(() => {
      const gtBoxes = targets.map((t) => t.boxes!.to(dtype));
      const gtLabels = targets.map((t) => t.labels!);
      // the ground truth joins the proposals
      const props = this.addGtProposals(proposals, gtBoxes);
      const [matchedIdxs, labels] = this.assignTargetsToProposals(props, gtBoxes, gtLabels);
      // a fixed proportion of positive and negative proposals
      const sampledInds = this.subsample(labels);
      const matchedGtBoxes: Tensor[] = [];
      for (let imgId = 0; imgId < props.length; imgId++) {
        const imgSampledInds = sampledInds[imgId]!;
        props[imgId] = props[imgId]!.index(imgSampledInds);
        labels[imgId] = labels[imgId]!.index(imgSampledInds);
        matchedIdxs[imgId] = matchedIdxs[imgId]!.index(imgSampledInds);
        let gtBoxesInImage = gtBoxes[imgId]!;
        if (gtBoxesInImage.numel() === 0) gtBoxesInImage = torch.zeros([1, 4], { dtype, device });
        matchedGtBoxes.push(gtBoxesInImage.index(matchedIdxs[imgId]!));
      }
      const regressionTargets = this.boxCoder.encode(matchedGtBoxes, props);
      return [props, matchedIdxs, labels, regressionTargets] as [Tensor[], Tensor[], Tensor[], Tensor[]];
    });
  }

  /**
   * Eval: per image, the detections' boxes (clipped to its size), scores (softmax) and labels, every
   * class but the background a separate candidate, filtered by scoreThresh, min size 1e-2 and NMS per
   * class (nmsThresh), the detectionsPerImg best kept.
   */
  postprocessDetections(classLogits: Tensor, boxRegression: Tensor, proposals: readonly Tensor[], imageShapes: readonly (readonly number[])[]): [Tensor[], Tensor[], Tensor[]] {
    if (!isTensor(classLogits) || !isTensor(boxRegression)) throw new TypeError('RoIHeads.postprocessDetections: classLogits and boxRegression should be Tensors');
    checkTensors('RoIHeads.postprocessDetections', 'proposals', proposals);
    const device = classLogits.device;
    const numClasses = classLogits.shape[classLogits.dim() - 1]!;
    return torch.tidy(() => {
      const boxesPerImage = proposals.map((b) => b.shape[0]!);
      const predBoxes = this.boxCoder.decode(boxRegression, proposals);
      const predScores = F.softmax(classLogits, -1);
      const predBoxesList = predBoxes.split(boxesPerImage, 0);
      const predScoresList = predScores.split(boxesPerImage, 0);
      const allBoxes: Tensor[] = [];
      const allScores: Tensor[] = [];
      const allLabels: Tensor[] = [];
      const count = Math.min(predBoxesList.length, imageShapes.length);
      for (let i = 0; i < count; i++) {
        let boxes = clipBoxesToImage(predBoxesList[i]!, imageShapes[i]!.slice(0, 2));
        let scores = predScoresList[i]!;
        // a label per prediction
        let labels = torch.arange(numClasses, { device }).view(1, -1).expandAs(scores);
        // no background predictions
        boxes = boxes.index(':', '1:');
        scores = scores.index(':', '1:');
        labels = labels.index(':', '1:');
        // every class prediction a separate instance
        boxes = boxes.reshape(-1, 4);
        scores = scores.reshape(-1);
        labels = labels.reshape(-1);
        // low scoring boxes out
        let inds = torch.where(scores.gt(this.scoreThresh))[0]!;
        [boxes, scores, labels] = [boxes.index(inds), scores.index(inds), labels.index(inds)];
        // empty boxes out
        inds = removeSmallBoxes(boxes, 1e-2);
        [boxes, scores, labels] = [boxes.index(inds), scores.index(inds), labels.index(inds)];
        // non-maximum suppression per class, then the top scoring
        let keep = batchedNms(boxes, scores, labels, this.nmsThresh);
        keep = keep.index(`:${this.detectionsPerImg}`);
        allBoxes.push(boxes.index(keep));
        allScores.push(scores.index(keep));
        allLabels.push(labels.index(keep));
      }
      return [allBoxes, allScores, allLabels] as [Tensor[], Tensor[], Tensor[]];
    });
  }

  /**
   * [detections, losses]: in training (targets required: float boxes, int64 labels) no detections and
   * { loss_classifier, loss_box_reg }; in eval one { boxes, labels, scores } per image and no losses.
   */
  override forward(features: Record<string, Tensor> | Map<string, Tensor>, proposals: readonly Tensor[], imageShapes: readonly (readonly number[])[],
    targets: readonly DetectionTarget[] | null = null): [DetectionTarget[], RoIHeadsLosses] {
    checkTensors('RoIHeads', 'proposals', proposals);
    if (targets !== null && targets !== undefined) {
      checkTargetList('RoIHeads', targets);
      for (const t of targets) {
        if (!isTensor(t.boxes)) throw new RangeError('Every element of targets should have a boxes key');
        if (!isTensor(t.labels)) throw new RangeError('Every element of targets should have a labels key');
        if (![torch.float32, torch.float64, torch.float16].includes(t.boxes.dtype)) throw new TypeError(`target boxes must of float type, instead got torch.${t.boxes.dtype.name}`);
        if (t.labels.dtype !== torch.int64) throw new TypeError(`target labels must of int64 type, instead got torch.${t.labels.dtype.name}`);
      }
    }
    return torch.tidy(() => {
      let props: readonly Tensor[] = proposals;
      let labels: Tensor[] | null = null;
      let regressionTargets: Tensor[] | null = null;
      if (this.training) [props, , labels, regressionTargets] = this.selectTrainingSamples(proposals, targets as readonly DetectionTarget[] | null);
      const pooled = this.box_roi_pool.call(features, props, imageShapes) as Tensor;
      const boxFeatures = this.box_head.call(pooled) as Tensor;
      const predicted = this.box_predictor.call(boxFeatures) as unknown;
      if (!Array.isArray(predicted) || predicted.length !== 2 || !predicted.every(isTensor))
        throw new TypeError(`RoIHeads: boxPredictor should return [classLogits, boxRegression], got ${describe(predicted)}`);
      const [classLogits, boxRegression] = predicted as [Tensor, Tensor];
      const result: DetectionTarget[] = [];
      const losses: RoIHeadsLosses = {};
      if (this.training) {
        const [lossClassifier, lossBoxReg] = fastrcnnLoss(classLogits, boxRegression, labels!, regressionTargets!);
        losses.loss_classifier = lossClassifier;
        losses.loss_box_reg = lossBoxReg;
      } else {
        const [boxes, scores, lab] = this.postprocessDetections(classLogits, boxRegression, props, imageShapes);
        for (let i = 0; i < boxes.length; i++) result.push({ boxes: boxes[i]!, labels: lab[i]!, scores: scores[i]! });
      }
      return [result, losses] as [DetectionTarget[], RoIHeadsLosses];
    });
  }
}
