// torchvision.models.detection._utils (0.28): the box coders (BoxCoder, BoxLinearCoder), the matchers
// (Matcher, SSDMatcher), BalancedPositiveNegativeSampler, overwriteEps, retrieveOutChannels and the box
// regression losses (_boxLoss). Each is torchvision's sequence of tensor ops, so results and gradients
// agree bit for bit; the sampler draws its torch.randperm permutations from the global generator in
// torchvision's order, so a seed selects the same anchors.
import * as torch from '../../../index.js';
import { describe } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { FrozenBatchNorm2d } from '../../ops/frozen_batch_norm.js';
import { completeBoxIouLoss, distanceBoxIouLoss, generalizedBoxIouLoss } from '../../ops/losses.js';

const { nn } = torch;
const F = nn.functional;

function checkTensors(fn: string, name: string, v: unknown): asserts v is Tensor[] {
  if (!Array.isArray(v) || !v.every(isTensor)) throw new TypeError(`${fn}: ${name} should be an array of Tensors, got ${describe(v)}`);
}
function checkTensor(fn: string, name: string, v: unknown): asserts v is Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} should be a Tensor, got ${describe(v)}`);
}

/**
 * Samples, per image, up to `batchSizePerImage` elements with at most `positiveFraction` of them
 * positive (matched index >= 1); the negatives (0) fill the rest; -1 (and below) are ignored. The draws
 * are torch.randperm(#positives) then torch.randperm(#negatives) per image, as torchvision draws them.
 */
export class BalancedPositiveNegativeSampler {
  batchSizePerImage: number;
  positiveFraction: number;
  constructor(batchSizePerImage: number, positiveFraction: number) {
    if (!Number.isInteger(batchSizePerImage)) throw new TypeError(`BalancedPositiveNegativeSampler: batchSizePerImage should be an int, got ${String(batchSizePerImage)}`);
    if (typeof positiveFraction !== 'number') throw new TypeError(`BalancedPositiveNegativeSampler: positiveFraction should be a number, got ${describe(positiveFraction)}`);
    this.batchSizePerImage = batchSizePerImage;
    this.positiveFraction = positiveFraction;
  }

  /** Python's sampler(matched_idxs): per image, the uint8 masks of the positives and negatives picked. */
  call(matchedIdxs: readonly Tensor[]): [Tensor[], Tensor[]] {
    checkTensors('BalancedPositiveNegativeSampler', 'matchedIdxs', matchedIdxs);
    const posIdx: Tensor[] = [];
    const negIdx: Tensor[] = [];
    for (const matched of matchedIdxs) {
      const [posMask, negMask] = torch.tidy(() => {
        const positive = torch.where(matched.ge(1))[0]!;
        const negative = torch.where(matched.eq(0))[0]!;
        let numPos = Math.trunc(this.batchSizePerImage * this.positiveFraction);
        numPos = Math.min(positive.numel(), numPos);
        let numNeg = this.batchSizePerImage - numPos;
        numNeg = Math.min(negative.numel(), numNeg);
        const perm1 = torch.randperm(positive.numel(), { device: positive.device }).index(`:${numPos}`);
        const perm2 = torch.randperm(negative.numel(), { device: negative.device }).index(`:${numNeg}`);
        const pos = positive.index(perm1);
        const neg = negative.index(perm2);
        const pm = torch.zerosLike(matched, { dtype: torch.uint8 });
        const nm = torch.zerosLike(matched, { dtype: torch.uint8 });
        pm.indexPut_([pos], 1);
        nm.indexPut_([neg], 1);
        return [pm, nm] as const;
      });
      posIdx.push(posMask);
      negIdx.push(negMask);
    }
    return [posIdx, negIdx];
  }
}

/** torchvision's encode_boxes: the (dx, dy, dw, dh) targets of `referenceBoxes` relative to `proposals` (N, 4), scaled by `weights` (a Tensor[4]). */
export function encodeBoxes(referenceBoxes: Tensor, proposals: Tensor, weights: Tensor): Tensor {
  return torch.tidy(() => {
    const [wx, wy, ww, wh] = [0, 1, 2, 3].map((i) => weights.select(0, i)) as [Tensor, Tensor, Tensor, Tensor];
    const col = (t: Tensor, i: number): Tensor => t.index(':', i).unsqueeze(1);
    const [px1, py1, px2, py2] = [0, 1, 2, 3].map((i) => col(proposals, i)) as [Tensor, Tensor, Tensor, Tensor];
    const [rx1, ry1, rx2, ry2] = [0, 1, 2, 3].map((i) => col(referenceBoxes, i)) as [Tensor, Tensor, Tensor, Tensor];
    const exWidths = px2.sub(px1);
    const exHeights = py2.sub(py1);
    const exCtrX = px1.add(exWidths.mul(0.5));
    const exCtrY = py1.add(exHeights.mul(0.5));
    const gtWidths = rx2.sub(rx1);
    const gtHeights = ry2.sub(ry1);
    const gtCtrX = rx1.add(gtWidths.mul(0.5));
    const gtCtrY = ry1.add(gtHeights.mul(0.5));
    const dx = wx.mul(gtCtrX.sub(exCtrX)).div(exWidths);
    const dy = wy.mul(gtCtrY.sub(exCtrY)).div(exHeights);
    const dw = ww.mul(torch.log(gtWidths.div(exWidths)));
    const dh = wh.mul(torch.log(gtHeights.div(exHeights)));
    return torch.cat([dx, dy, dw, dh], 1);
  });
}

/** torchvision's default bbox_xform_clip, math.log(1000.0 / 16). */
export const BBOX_XFORM_CLIP = 4.135166556742356;

/** Encodes boxes as regression targets relative to reference boxes, and decodes them back (Faster R-CNN's parameterization). */
export class BoxCoder {
  weights: readonly [number, number, number, number];
  bboxXformClip: number;
  constructor(weights: readonly [number, number, number, number] | readonly number[], bboxXformClip: number = BBOX_XFORM_CLIP) {
    if (!Array.isArray(weights) || weights.length !== 4 || !weights.every((w) => typeof w === 'number'))
      throw new TypeError(`BoxCoder: weights should be 4 numbers (x, y, w, h), got ${Array.isArray(weights) ? JSON.stringify(weights) : describe(weights)}`);
    if (typeof bboxXformClip !== 'number') throw new TypeError(`BoxCoder: bboxXformClip should be a number, got ${describe(bboxXformClip)}`);
    this.weights = [...weights] as [number, number, number, number];
    this.bboxXformClip = bboxXformClip;
  }

  /** The targets of each image's reference boxes relative to its proposals, split back per image. */
  encode(referenceBoxes: readonly Tensor[], proposals: readonly Tensor[]): Tensor[] {
    checkTensors('BoxCoder.encode', 'referenceBoxes', referenceBoxes);
    checkTensors('BoxCoder.encode', 'proposals', proposals);
    const boxesPerImage = referenceBoxes.map((b) => b.size(0));
    return torch.tidy(() => {
      const targets = this.encodeSingle(torch.cat([...referenceBoxes], 0), torch.cat([...proposals], 0));
      return targets.split(boxesPerImage, 0);
    });
  }

  /** encode_boxes with the weights as a tensor of the reference boxes' dtype and device. */
  encodeSingle(referenceBoxes: Tensor, proposals: Tensor): Tensor {
    checkTensor('BoxCoder.encodeSingle', 'referenceBoxes', referenceBoxes);
    checkTensor('BoxCoder.encodeSingle', 'proposals', proposals);
    return torch.tidy(() => {
      const weights = torch.tensor([...this.weights], { dtype: referenceBoxes.dtype, device: referenceBoxes.device });
      return encodeBoxes(referenceBoxes, proposals, weights);
    });
  }

  /** The boxes (sum of boxes, codes per box / 4, 4) that `relCodes` encode relative to the concatenated `boxes`. */
  decode(relCodes: Tensor, boxes: readonly Tensor[]): Tensor {
    if (!Array.isArray(boxes)) throw new TypeError('This function expects boxes of type list or tuple.');
    if (!isTensor(relCodes)) throw new TypeError('This function expects rel_codes of type torch.Tensor.');
    checkTensors('BoxCoder.decode', 'boxes', boxes);
    const boxSum = boxes.reduce((n, b) => n + b.size(0), 0);
    return torch.tidy(() => {
      const concat = torch.cat([...boxes], 0);
      const codes = boxSum > 0 ? relCodes.reshape(boxSum, -1) : relCodes;
      const pred = this.decodeSingle(codes, concat);
      return boxSum > 0 ? pred.reshape(boxSum, -1, 4) : pred;
    });
  }

  /** The xyxy boxes that `relCodes` (N, 4k) encode relative to `boxes` (N, 4), dw and dh clamped to bboxXformClip. */
  decodeSingle(relCodes: Tensor, boxes: Tensor): Tensor {
    checkTensor('BoxCoder.decodeSingle', 'relCodes', relCodes);
    checkTensor('BoxCoder.decodeSingle', 'boxes', boxes);
    return torch.tidy(() => {
      const b = boxes.to(relCodes.dtype);
      const widths = b.index(':', 2).sub(b.index(':', 0));
      const heights = b.index(':', 3).sub(b.index(':', 1));
      const ctrX = b.index(':', 0).add(widths.mul(0.5));
      const ctrY = b.index(':', 1).add(heights.mul(0.5));
      const [wx, wy, ww, wh] = this.weights;
      const dx = relCodes.index(':', '0::4').div(wx);
      const dy = relCodes.index(':', '1::4').div(wy);
      const dw = torch.clamp(relCodes.index(':', '2::4').div(ww), { max: this.bboxXformClip });
      const dh = torch.clamp(relCodes.index(':', '3::4').div(wh), { max: this.bboxXformClip });
      const predCtrX = dx.mul(widths.index(':', null)).add(ctrX.index(':', null));
      const predCtrY = dy.mul(heights.index(':', null)).add(ctrY.index(':', null));
      const predW = torch.exp(dw).mul(widths.index(':', null));
      const predH = torch.exp(dh).mul(heights.index(':', null));
      const cToCH = torch.tensor(0.5, { dtype: predCtrY.dtype, device: predH.device }).mul(predH);
      const cToCW = torch.tensor(0.5, { dtype: predCtrX.dtype, device: predW.device }).mul(predW);
      return torch.stack([predCtrX.sub(cToCW), predCtrY.sub(cToCH), predCtrX.add(cToCW), predCtrY.add(cToCH)], 2).flatten(1);
    });
  }
}

/** FCOS's linear box coder: the distances from the reference box's center to the four edges, optionally divided by its size. */
export class BoxLinearCoder {
  normalizeBySize: boolean;
  constructor(normalizeBySize = true) {
    if (typeof normalizeBySize !== 'boolean') throw new TypeError(`BoxLinearCoder: normalizeBySize should be a boolean, got ${describe(normalizeBySize)}`);
    this.normalizeBySize = normalizeBySize;
  }

  encode(referenceBoxes: Tensor, proposals: Tensor): Tensor {
    checkTensor('BoxLinearCoder.encode', 'referenceBoxes', referenceBoxes);
    checkTensor('BoxLinearCoder.encode', 'proposals', proposals);
    return torch.tidy(() => {
      const r = (i: number): Tensor => referenceBoxes.index('...', i);
      const p = (i: number): Tensor => proposals.index('...', i);
      const ctrX = r(0).add(r(2)).mul(0.5);
      const ctrY = r(1).add(r(3)).mul(0.5);
      let targets = torch.stack([ctrX.sub(p(0)), ctrY.sub(p(1)), p(2).sub(ctrX), p(3).sub(ctrY)], -1);
      if (this.normalizeBySize) {
        const w = r(2).sub(r(0));
        const h = r(3).sub(r(1));
        targets = targets.div(torch.stack([w, h, w, h], -1));
      }
      return targets;
    });
  }

  decode(relCodes: Tensor, boxes: Tensor): Tensor {
    checkTensor('BoxLinearCoder.decode', 'relCodes', relCodes);
    checkTensor('BoxLinearCoder.decode', 'boxes', boxes);
    return torch.tidy(() => {
      const b = boxes.to({ dtype: relCodes.dtype });
      const c = (i: number): Tensor => b.index('...', i);
      const ctrX = c(0).add(c(2)).mul(0.5);
      const ctrY = c(1).add(c(3)).mul(0.5);
      let codes = relCodes;
      if (this.normalizeBySize) {
        const w = c(2).sub(c(0));
        const h = c(3).sub(c(1));
        codes = codes.mul(torch.stack([w, h, w, h], -1));
      }
      const r = (i: number): Tensor => codes.index('...', i);
      return torch.stack([ctrX.sub(r(0)), ctrY.sub(r(1)), ctrX.add(r(2)), ctrY.add(r(3))], -1);
    });
  }
}

/**
 * Assigns each prediction (column of an M x N quality matrix, M ground-truth rows) the ground truth it
 * matches best: its index when the quality is at least highThreshold, BETWEEN_THRESHOLDS (-2) in
 * [lowThreshold, highThreshold), BELOW_LOW_THRESHOLD (-1) under lowThreshold. With
 * allowLowQualityMatches, each ground truth's best predictions (ties included) keep their match anyway.
 */
export class Matcher {
  static readonly BELOW_LOW_THRESHOLD = -1;
  static readonly BETWEEN_THRESHOLDS = -2;
  readonly BELOW_LOW_THRESHOLD = -1;
  readonly BETWEEN_THRESHOLDS = -2;
  highThreshold: number;
  lowThreshold: number;
  allowLowQualityMatches: boolean;

  constructor(highThreshold: number, lowThreshold: number, allowLowQualityMatches = false) {
    if (typeof highThreshold !== 'number' || typeof lowThreshold !== 'number')
      throw new TypeError(`Matcher: the thresholds should be numbers, got ${describe(highThreshold)} and ${describe(lowThreshold)}`);
    if (!(lowThreshold <= highThreshold)) throw new RangeError('low_threshold should be <= high_threshold');
    this.highThreshold = highThreshold;
    this.lowThreshold = lowThreshold;
    this.allowLowQualityMatches = allowLowQualityMatches;
  }

  /** Python's matcher(match_quality_matrix): the int64 match of each of the N predictions. */
  call(matchQualityMatrix: Tensor): Tensor {
    checkTensor('Matcher', 'matchQualityMatrix', matchQualityMatrix);
    if (matchQualityMatrix.numel() === 0) {
      // empty targets or proposals are not supported during training
      if (matchQualityMatrix.shape[0] === 0) throw new RangeError('No ground-truth boxes available for one of the images during training');
      throw new RangeError('No proposal boxes available for one of the images during training');
    }
    return torch.tidy(() => {
      const [matchedVals, matches] = matchQualityMatrix.max(0) as unknown as [Tensor, Tensor];
      const allMatches = this.allowLowQualityMatches ? matches.clone() : null;
      const belowLow = matchedVals.lt(this.lowThreshold);
      const between = matchedVals.ge(this.lowThreshold).bitwiseAnd(matchedVals.lt(this.highThreshold));
      matches.indexPut_([belowLow], this.BELOW_LOW_THRESHOLD);
      matches.indexPut_([between], this.BETWEEN_THRESHOLDS);
      if (allMatches !== null) this.setLowQualityMatches_(matches, allMatches, matchQualityMatrix);
      return matches;
    });
  }

  /** For each ground truth, its best predictions (ties included) get back their best match, however low. */
  setLowQualityMatches_(matches: Tensor, allMatches: Tensor, matchQualityMatrix: Tensor): void {
    torch.tidy(() => {
      const highest = (matchQualityMatrix.max(1) as unknown as [Tensor, Tensor])[0];
      const pairs = torch.where(matchQualityMatrix.eq(highest.index(':', null)));
      const predIndsToUpdate = pairs[1]!;
      matches.indexPut_([predIndsToUpdate], allMatches.index(predIndsToUpdate));
    });
  }
}

/** SSD's matcher: one threshold, and each ground truth's best prediction matched to it whatever its quality. */
export class SSDMatcher extends Matcher {
  constructor(threshold: number) {
    super(threshold, threshold, false);
  }
  override call(matchQualityMatrix: Tensor): Tensor {
    const matches = super.call(matchQualityMatrix);
    torch.tidy(() => {
      const highestQualityPredForeachGt = (matchQualityMatrix.max(1) as unknown as [Tensor, Tensor])[1];
      const n = highestQualityPredForeachGt.size(0);
      matches.indexPut_([highestQualityPredForeachGt], torch.arange(n, { dtype: torch.int64, device: highestQualityPredForeachGt.device }));
    });
    return matches;
  }
}

/** Sets the eps of every FrozenBatchNorm2d of `model` (torchvision's fix of pytorch/vision#2933 for old weights). */
export function overwriteEps(model: torch.nn.Module, eps: number): void {
  if (!(model instanceof nn.Module)) throw new TypeError(`overwriteEps: model should be a Module, got ${describe(model)}`);
  if (typeof eps !== 'number') throw new TypeError(`overwriteEps: eps should be a number, got ${describe(eps)}`);
  for (const m of model.modules()) if (m instanceof FrozenBatchNorm2d) m.eps = eps;
}

/**
 * The channel counts of `model`'s outputs (a Tensor, or a plain object / Map of feature maps) on a
 * zero image of `size` [width, height], run in eval mode without gradients (the mode is restored).
 */
export function retrieveOutChannels(model: torch.nn.Module, size: readonly [number, number]): number[] {
  if (!(model instanceof nn.Module)) throw new TypeError(`retrieveOutChannels: model should be a Module, got ${describe(model)}`);
  const inTraining = model.training;
  model.eval();
  try {
    return torch.noGrad(() => torch.tidy(() => {
      const device = model.parameters()[0]?.device;
      const features = model.call(torch.zeros([1, 3, size[1], size[0]], { device })) as Tensor | Map<string, Tensor> | Record<string, Tensor>;
      const values = isTensor(features) ? [features] : features instanceof Map ? [...features.values()] : Object.values(features);
      return values.map((x) => x.size(1));
    }));
  } finally {
    if (inTraining) model.train();
  }
}

/** torchvision's _topk_min: min(k, input.size(axis)) (outside ONNX tracing). */
export function _topkMin(input: Tensor, origKval: number, axis: number): number {
  return Math.min(origKval, input.size(axis));
}

/** The box regression losses of torchvision's single-stage detectors. */
export type BoxLossType = 'l1' | 'smooth_l1' | 'ciou' | 'diou' | 'giou';

/** torchvision's _box_loss: the summed regression loss of one image's anchors against their matched boxes; cnf may hold `beta` (smooth_l1) or `eps` (the IoU losses). */
export function _boxLoss(type: BoxLossType, boxCoder: BoxCoder, anchorsPerImage: Tensor, matchedGtBoxesPerImage: Tensor, bboxRegressionPerImage: Tensor,
  cnf: Readonly<Record<string, number>> | null = null): Tensor {
  if (!['l1', 'smooth_l1', 'ciou', 'diou', 'giou'].includes(type)) throw new RangeError(`Unsupported loss: ${String(type)}`);
  return torch.tidy(() => {
    if (type === 'l1' || type === 'smooth_l1') {
      const target = boxCoder.encodeSingle(matchedGtBoxesPerImage, anchorsPerImage);
      if (type === 'l1') return F.l1Loss(bboxRegressionPerImage, target, { reduction: 'sum' });
      const beta = cnf !== null && 'beta' in cnf ? cnf.beta! : 1.0;
      return F.smoothL1Loss(bboxRegressionPerImage, target, { reduction: 'sum', beta });
    }
    const bbox = boxCoder.decodeSingle(bboxRegressionPerImage, anchorsPerImage);
    const eps = cnf !== null && 'eps' in cnf ? cnf.eps! : 1e-7;
    if (type === 'ciou') return completeBoxIouLoss(bbox, matchedGtBoxesPerImage, { reduction: 'sum', eps });
    if (type === 'diou') return distanceBoxIouLoss(bbox, matchedGtBoxesPerImage, { reduction: 'sum', eps });
    return generalizedBoxIouLoss(bbox, matchedGtBoxesPerImage, { reduction: 'sum', eps });
  });
}
