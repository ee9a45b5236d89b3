// torchvision.models.detection.roi_heads (0.28): the box branch of RoIHeads (Fast R-CNN on the RPN's
// proposals) and fastrcnn_loss. Training appends the ground truth to the proposals, matches them
// (IoU >= fgIouThresh foreground, < bgIouThresh background, between ignored), samples batchSizePerImage
// of them with torch.randperm (as torchvision draws) and returns the classification (cross entropy) and
// box (smooth L1, beta 1/9) losses; eval decodes every class's box, clips it, drops the background,
// low scores (<= scoreThresh) and tiny boxes, runs NMS per class and keeps the detectionsPerImg best.
// The mask branch (Mask R-CNN) pools the positive proposals (training) or the detections (eval), and
// returns maskrcnn_loss (binary cross entropy against the ground-truth masks cropped to each proposal by
// roi_align) or each detection's mask probabilities for its label; paste_masks_in_image puts them into
// the image. The keypoint branch (Keypoint R-CNN) likewise pools the positive proposals or the detections
// and returns keypointrcnn_loss (cross entropy over each keypoint's heatmap cells) or each detection's
// keypoints and their scores (heatmaps_to_keypoints). The same tensor ops as torchvision, so the results
// agree bit for bit.
import * as torch from '../../../index.js';
import { describe, readOptions } from '../../../options.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { batchedNms, boxIou, clipBoxesToImage, removeSmallBoxes } from '../../ops/boxes.js';
import { roiAlign } from '../../ops/roi_align.js';
import { checkTargetList, type DetectionTarget, type DetectionTargetInput } from './transform.js';
import { BalancedPositiveNegativeSampler, BoxCoder, Matcher } from './_utils.js';

const { nn } = torch;
const F = nn.functional;
type Module = torch.nn.Module;

/** The losses of RoIHeads in training: loss_classifier and loss_box_reg, with loss_mask and loss_keypoint from those branches (empty in eval). */
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

/**
 * torchvision's maskrcnn_inference: the mask probabilities (sigmoid of the logits `x` (N, C, M, M)) of each
 * detection's own label, split per image: one (n, 1, M, M) tensor per entry of `labels`.
 */
export function maskrcnnInference(x: Tensor, labels: readonly Tensor[]): Tensor[] {
  if (!isTensor(x) || x.dim() !== 4) throw new TypeError(`maskrcnnInference: x should be a Tensor (N, numClasses, M, M), got ${isTensor(x) ? `shape [${x.shape.join(', ')}]` : describe(x)}`);
  checkTensors('maskrcnnInference', 'labels', labels);
  return torch.tidy(() => {
    const maskProb = x.sigmoid();
    // the mask of each detection's class
    const numMasks = x.shape[0]!;
    const boxesPerImage = labels.map((l) => l.shape[0]!);
    const all = torch.cat([...labels]);
    const index = torch.arange(numMasks, { device: all.device });
    return maskProb.index(index, all).index(':', null).split(boxesPerImage, 0);
  });
}

/**
 * torchvision's project_masks_on_boxes: each box's ground-truth mask (gtMasks[matchedIdxs[i]], gtMasks
 * (G, H, W)) cropped to the box and resized to M x M by roi_align (spatial scale 1, adaptive sampling,
 * not aligned), as the boxes' dtype: (N, M, M).
 */
export function projectMasksOnBoxes(gtMasks: Tensor, boxes: Tensor, matchedIdxs: Tensor, M: number): Tensor {
  for (const [name, v] of [['gtMasks', gtMasks], ['boxes', boxes], ['matchedIdxs', matchedIdxs]] as const)
    if (!isTensor(v)) throw new TypeError(`projectMasksOnBoxes: ${name} should be a Tensor, got ${describe(v)}`);
  if (!Number.isInteger(M) || M < 1) throw new TypeError(`projectMasksOnBoxes: M should be a positive int, got ${describe(M)}`);
  if (gtMasks.dim() !== 3) throw new RangeError(`projectMasksOnBoxes: gtMasks should be (N, H, W), got shape [${gtMasks.shape.join(', ')}]`);
  return torch.tidy(() => {
    const idxs = matchedIdxs.to(boxes.dtype);
    const rois = torch.cat([idxs.index(':', null), boxes], 1);
    const masks = gtMasks.index(':', null).to(rois.dtype);
    return roiAlign(masks, rois, [M, M], 1.0).select(1, 0);
  });
}

/**
 * torchvision's maskrcnn_loss: the binary cross entropy (with logits, mean) of each positive proposal's
 * mask logits for its ground-truth label against its ground-truth mask projected on it
 * (projectMasksOnBoxes at the logits' resolution); 0 (mask_logits.sum() * 0) without positive proposals.
 */
export function maskrcnnLoss(maskLogits: Tensor, proposals: readonly Tensor[], gtMasks: readonly Tensor[], gtLabels: readonly Tensor[], maskMatchedIdxs: readonly Tensor[]): Tensor {
  if (!isTensor(maskLogits) || maskLogits.dim() !== 4) throw new TypeError(`maskrcnnLoss: maskLogits should be a Tensor (N, numClasses, M, M), got ${isTensor(maskLogits) ? `shape [${maskLogits.shape.join(', ')}]` : describe(maskLogits)}`);
  checkTensors('maskrcnnLoss', 'proposals', proposals);
  checkTensors('maskrcnnLoss', 'gtMasks', gtMasks);
  checkTensors('maskrcnnLoss', 'gtLabels', gtLabels);
  checkTensors('maskrcnnLoss', 'maskMatchedIdxs', maskMatchedIdxs);
  return torch.tidy(() => {
    const discretizationSize = maskLogits.shape[maskLogits.dim() - 1]!;
    const count = Math.min(gtLabels.length, maskMatchedIdxs.length);
    const labelList = gtLabels.slice(0, count).map((l, i) => l.index(maskMatchedIdxs[i]!));
    const n = Math.min(gtMasks.length, proposals.length, maskMatchedIdxs.length);
    const targetList = gtMasks.slice(0, n).map((m, i) => projectMasksOnBoxes(m, proposals[i]!, maskMatchedIdxs[i]!, discretizationSize));
    const labels = torch.cat(labelList, 0);
    const maskTargets = torch.cat(targetList, 0);
    // the mean of no elements: torchvision's zero, still connected to the logits
    if (maskTargets.numel() === 0) return maskLogits.sum().mul(0);
    return F.binaryCrossEntropyWithLogits(maskLogits.index(torch.arange(labels.shape[0]!, { device: labels.device }), labels), maskTargets);
  });
}

/** torchvision's expand_boxes: xyxy boxes scaled by `scale` about their centres (float arithmetic as torchvision's). */
export function expandBoxes(boxes: Tensor, scale: number): Tensor {
  if (!isTensor(boxes) || boxes.dim() !== 2 || boxes.shape[1] !== 4) throw new TypeError(`expandBoxes: boxes should be a Tensor (N, 4), got ${isTensor(boxes) ? `shape [${boxes.shape.join(', ')}]` : describe(boxes)}`);
  if (typeof scale !== 'number') throw new TypeError(`expandBoxes: scale should be a number, got ${describe(scale)}`);
  return torch.tidy(() => {
    const [x0, y0, x1, y1] = [0, 1, 2, 3].map((i) => boxes.select(1, i)) as [Tensor, Tensor, Tensor, Tensor];
    const wHalf = x1.sub(x0).mul(0.5);
    const hHalf = y1.sub(y0).mul(0.5);
    const xC = x1.add(x0).mul(0.5);
    const yC = y1.add(y0).mul(0.5);
    wHalf.mul_(scale);
    hHalf.mul_(scale);
    const boxesExp = torch.zerosLike(boxes);
    boxesExp.select(1, 0).copy_(xC.sub(wHalf));
    boxesExp.select(1, 2).copy_(xC.add(wHalf));
    boxesExp.select(1, 1).copy_(yC.sub(hHalf));
    boxesExp.select(1, 3).copy_(yC.add(hHalf));
    return boxesExp;
  });
}

/** torchvision's expand_masks: [the masks zero-padded by `padding` on each side, the scale (M + 2 padding) / M]. */
export function expandMasks(mask: Tensor, padding: number): [Tensor, number] {
  if (!isTensor(mask)) throw new TypeError(`expandMasks: mask should be a Tensor, got ${describe(mask)}`);
  if (!Number.isInteger(padding)) throw new TypeError(`expandMasks: padding should be an int, got ${describe(padding)}`);
  const M = mask.shape[mask.dim() - 1]!;
  const scale = (M + 2 * padding) / M;
  return [F.pad(mask, [padding, padding, padding, padding]), scale];
}

/** Python's int() of a 0-d tensor (truncation toward zero). */
const int = (t: Tensor): number => Math.trunc(t.item());

/**
 * torchvision's paste_mask_in_image: `mask` (M, M) resized (bilinear) to the integer box `box` (int64 x0,
 * y0, x1, y1, both ends included) and written into a zero (imH, imW) image, clipped to it.
 */
export function pasteMaskInImage(mask: Tensor, box: Tensor, imH: number, imW: number): Tensor {
  if (!isTensor(mask) || !isTensor(box)) throw new TypeError('pasteMaskInImage: mask and box should be Tensors');
  // Python's int(box[0]) as a slice bound: only integer tensors of a single element can be converted to an index
  if (box.dtype.isFloatingPoint || box.dtype.isComplex) throw new TypeError(`pasteMaskInImage: box should be an integer tensor (x0, y0, x1, y1), got torch.${box.dtype.name}: only integer tensors of a single element can be converted to an index`);
  return torch.tidy(() => {
    const [b0, b1, b2, b3] = [0, 1, 2, 3].map((i) => int(box.select(0, i))) as [number, number, number, number];
    const w = Math.max(b2 - b0 + 1, 1);
    const h = Math.max(b3 - b1 + 1, 1);
    // (1, 1, M, M), resized to the box
    const resized = F.interpolate(mask.expand(1, 1, -1, -1), { size: [h, w], mode: 'bilinear', alignCorners: false }).select(0, 0).select(0, 0);
    const imMask = torch.zeros([imH, imW], { dtype: resized.dtype, device: resized.device });
    const x0 = Math.max(b0, 0);
    const x1 = Math.min(b2 + 1, imW);
    const y0 = Math.max(b1, 0);
    const y1 = Math.min(b3 + 1, imH);
    // Python's slices (a negative end counts from the end, as torchvision's would)
    imMask.index(`${y0}:${y1}`, `${x0}:${x1}`).copy_(resized.index(`${y0 - b1}:${y1 - b1}`, `${x0 - b0}:${x1 - b0}`));
    return imMask;
  });
}

/**
 * torchvision's paste_masks_in_image: each mask (N, 1, M, M) padded by `padding`, its box (N, 4, in the
 * image's pixels) expanded to match and truncated to integers, and the mask pasted into an imgShape
 * [height, width] image: (N, 1, H, W).
 */
export function pasteMasksInImage(masks: Tensor, boxes: Tensor, imgShape: readonly number[], padding = 1): Tensor {
  if (!isTensor(masks) || masks.dim() !== 4) throw new TypeError(`pasteMasksInImage: masks should be a Tensor (N, 1, M, M), got ${isTensor(masks) ? `shape [${masks.shape.join(', ')}]` : describe(masks)}`);
  if (!isTensor(boxes)) throw new TypeError(`pasteMasksInImage: boxes should be a Tensor (N, 4), got ${describe(boxes)}`);
  if (!Array.isArray(imgShape) || imgShape.length !== 2 || !imgShape.every((v) => Number.isInteger(v) && v >= 0))
    throw new TypeError(`pasteMasksInImage: imgShape should be [height, width] ints, got ${describe(imgShape)}`);
  const [imH, imW] = imgShape as [number, number];
  return torch.tidy(() => {
    const [padded, scale] = expandMasks(masks, padding);
    const intBoxes = expandBoxes(boxes, scale).to(torch.int64);
    const n = Math.min(padded.shape[0]!, intBoxes.shape[0]!);
    const res: Tensor[] = [];
    for (let i = 0; i < n; i++) res.push(pasteMaskInImage(padded.select(0, i).select(0, 0), intBoxes.select(0, i), imH, imW));
    if (res.length > 0) return torch.stack(res, 0).index(':', null);
    return padded.newEmpty([0, 1, imH, imW]);
  });
}

/**
 * torchvision's keypoints_to_heatmap: [the heatmap cell (y * heatmapSize + x, 0 where not valid) of each
 * keypoint of `keypoints` (N, K, 3) in its RoI of `rois` (N, 4), whether it is valid (visible and inside
 * the RoI; int64)], both (N, K). A keypoint on the RoI's right or bottom edge goes to the last cell.
 */
export function keypointsToHeatmap(keypoints: Tensor, rois: Tensor, heatmapSize: number): [Tensor, Tensor] {
  if (!isTensor(keypoints) || !isTensor(rois)) throw new TypeError('keypointsToHeatmap: keypoints and rois should be Tensors');
  if (!Number.isInteger(heatmapSize) || heatmapSize < 1) throw new TypeError(`keypointsToHeatmap: heatmapSize should be a positive int, got ${describe(heatmapSize)}`);
  return torch.tidy(() => {
    const col = (t: Tensor): Tensor => t.index(':', null);
    const offsetX = col(rois.select(1, 0));
    const offsetY = col(rois.select(1, 1));
    // Python's int / tensor: the reciprocal times the int
    const scaleX = col(rois.select(1, 2).sub(rois.select(1, 0)).reciprocal().mul(heatmapSize));
    const scaleY = col(rois.select(1, 3).sub(rois.select(1, 1)).reciprocal().mul(heatmapSize));
    let x = keypoints.index('...', 0);
    let y = keypoints.index('...', 1);
    const xBoundaryInds = x.eq(col(rois.select(1, 2)));
    const yBoundaryInds = y.eq(col(rois.select(1, 3)));
    x = x.sub(offsetX).mul(scaleX).floor().long();
    y = y.sub(offsetY).mul(scaleY).floor().long();
    x.indexPut_([xBoundaryInds], heatmapSize - 1);
    y.indexPut_([yBoundaryInds], heatmapSize - 1);
    const validLoc = x.ge(0).bitwiseAnd(y.ge(0)).bitwiseAnd(x.lt(heatmapSize)).bitwiseAnd(y.lt(heatmapSize));
    const vis = keypoints.index('...', 2).gt(0);
    const valid = validLoc.bitwiseAnd(vis).long();
    const linInd = y.mul(heatmapSize).add(x);
    return [linInd.mul(valid), valid] as [Tensor, Tensor];
  });
}

/**
 * torchvision's heatmaps_to_keypoints: for each RoI of `rois` (R, 4), its heatmaps `maps` (R, K, H, W)
 * resized (bicubic) to the RoI's size rounded up, each keypoint at its map's maximum (the cell's centre,
 * in image coordinates): [keypoints (R, K, 3) as (x, y, 1), scores (R, K): the resized maps' maxima].
 */
export function heatmapsToKeypoints(maps: Tensor, rois: Tensor): [Tensor, Tensor] {
  if (!isTensor(maps) || maps.dim() !== 4) throw new TypeError(`heatmapsToKeypoints: maps should be a Tensor (R, K, H, W), got ${isTensor(maps) ? `shape [${maps.shape.join(', ')}]` : describe(maps)}`);
  if (!isTensor(rois) || rois.dim() !== 2 || rois.shape[1] !== 4) throw new TypeError(`heatmapsToKeypoints: rois should be a Tensor (R, 4), got ${isTensor(rois) ? `shape [${rois.shape.join(', ')}]` : describe(rois)}`);
  return torch.tidy(() => {
    const offsetX = rois.select(1, 0);
    const offsetY = rois.select(1, 1);
    const widths = rois.select(1, 2).sub(rois.select(1, 0)).clamp({ min: 1 });
    const heights = rois.select(1, 3).sub(rois.select(1, 1)).clamp({ min: 1 });
    const widthsCeil = widths.ceil();
    const heightsCeil = heights.ceil();
    const numKeypoints = maps.shape[1]!;
    const n = rois.shape[0]!;
    const xyPreds = torch.zeros([n, 3, numKeypoints], { dtype: torch.float32, device: maps.device });
    const endScores = torch.zeros([n, numKeypoints], { dtype: torch.float32, device: maps.device });
    for (let i = 0; i < n; i++) {
      const roiMapWidth = Math.trunc(widthsCeil.select(0, i).item());
      const roiMapHeight = Math.trunc(heightsCeil.select(0, i).item());
      const widthCorrection = widths.select(0, i).div(roiMapWidth);
      const heightCorrection = heights.select(0, i).div(roiMapHeight);
      const roiMap = F.interpolate(maps.select(0, i).index(':', null), { size: [roiMapHeight, roiMapWidth], mode: 'bicubic', alignCorners: false }).select(1, 0);
      const w = roiMap.shape[2]!;
      const pos = roiMap.reshape(numKeypoints, -1).argmax(1);
      const xInt = pos.remainder(w);
      const yInt = torch.div(pos.sub(xInt), w, { roundingMode: 'floor' });
      const x = xInt.float().add(0.5).mul(widthCorrection);
      const y = yInt.float().add(0.5).mul(heightCorrection);
      const row = xyPreds.select(0, i);
      row.select(0, 0).copy_(x.add(offsetX.select(0, i)));
      row.select(0, 1).copy_(y.add(offsetY.select(0, i)));
      row.select(0, 2).fill_(1);
      endScores.select(0, i).copy_(roiMap.index(torch.arange(numKeypoints, { device: roiMap.device }), yInt, xInt));
    }
    return [xyPreds.permute(0, 2, 1), endScores] as [Tensor, Tensor];
  });
}

/**
 * torchvision's keypointrcnn_loss: the cross entropy of the heatmap logits (N, K, S, S) of the valid
 * keypoints (visible, inside their proposal) against their ground-truth cells (keypointsToHeatmap of each
 * proposal's matched ground-truth keypoints); 0 (keypoint_logits.sum() * 0) without valid keypoints.
 */
export function keypointrcnnLoss(keypointLogits: Tensor, proposals: readonly Tensor[], gtKeypoints: readonly Tensor[], keypointMatchedIdxs: readonly Tensor[]): Tensor {
  if (!isTensor(keypointLogits) || keypointLogits.dim() !== 4) throw new TypeError(`keypointrcnnLoss: keypointLogits should be a Tensor (N, K, H, W), got ${isTensor(keypointLogits) ? `shape [${keypointLogits.shape.join(', ')}]` : describe(keypointLogits)}`);
  checkTensors('keypointrcnnLoss', 'proposals', proposals);
  checkTensors('keypointrcnnLoss', 'gtKeypoints', gtKeypoints);
  checkTensors('keypointrcnnLoss', 'keypointMatchedIdxs', keypointMatchedIdxs);
  const [N, K, H, W] = keypointLogits.shape as [number, number, number, number];
  if (H !== W) throw new RangeError(`keypoint_logits height and width (last two elements of shape) should be equal. Instead got H = ${H} and W = ${W}`);
  return torch.tidy(() => {
    const heatmaps: Tensor[] = [];
    const valid: Tensor[] = [];
    const count = Math.min(proposals.length, gtKeypoints.length, keypointMatchedIdxs.length);
    for (let i = 0; i < count; i++) {
      const kp = gtKeypoints[i]!.index(keypointMatchedIdxs[i]!);
      const [h, v] = keypointsToHeatmap(kp, proposals[i]!, H);
      heatmaps.push(h.view(-1));
      valid.push(v.view(-1));
    }
    const keypointTargets = torch.cat(heatmaps, 0);
    const validInds = torch.where(torch.cat(valid, 0).to(torch.uint8))[0]!;
    // the mean of no elements: torchvision's zero, still connected to the logits
    if (keypointTargets.numel() === 0 || validInds.shape[0] === 0) return keypointLogits.sum().mul(0);
    return F.crossEntropy(keypointLogits.view(N * K, H * W).index(validInds), keypointTargets.index(validInds));
  });
}

/** torchvision's keypointrcnn_inference: heatmapsToKeypoints per image: [keypoints (n, K, 3) per image, scores (n, K) per image]. */
export function keypointrcnnInference(x: Tensor, boxes: readonly Tensor[]): [Tensor[], Tensor[]] {
  if (!isTensor(x)) throw new TypeError(`keypointrcnnInference: x should be a Tensor (N, K, H, W), got ${describe(x)}`);
  checkTensors('keypointrcnnInference', 'boxes', boxes);
  return torch.tidy(() => {
    const x2 = x.split(boxes.map((b) => b.size(0)), 0);
    const kpProbs: Tensor[] = [];
    const kpScores: Tensor[] = [];
    x2.forEach((xx, i) => {
      const [p, s] = heatmapsToKeypoints(xx, boxes[i]!);
      kpProbs.push(p);
      kpScores.push(s);
    });
    return [kpProbs, kpScores] as [Tensor[], Tensor[]];
  });
}

/** The modules of the mask branch (Mask R-CNN) and of the keypoint branch (Keypoint R-CNN). */
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
  declare mask_roi_pool: Module | null; declare mask_head: Module | null; declare mask_predictor: Module | null;
  declare keypoint_roi_pool: Module | null; declare keypoint_head: Module | null; declare keypoint_predictor: Module | null;
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
    for (const k of given)
      if (!(o[k] instanceof nn.Module)) throw new TypeError(`RoIHeads: ${k} should be a Module or null, got ${describe(o[k])}`);
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
    this.mask_roi_pool = o.maskRoiPool ?? null; this.mask_head = o.maskHead ?? null; this.mask_predictor = o.maskPredictor ?? null;
    this.keypoint_roi_pool = o.keypointRoiPool ?? null; this.keypoint_head = o.keypointHead ?? null; this.keypoint_predictor = o.keypointPredictor ?? null;
  }

  /** Whether the mask branch is there (maskRoiPool, maskHead and maskPredictor all given). */
  hasMask(): boolean {
    return this.mask_roi_pool !== null && this.mask_head !== null && this.mask_predictor !== null;
  }
  /** Whether the keypoint branch is there (keypointRoiPool, keypointHead and keypointPredictor all given). */
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
    return torch.tidy(() => {
      const [sampledPosInds, sampledNegInds] = this.fgBgSampler.call(labels);
      return sampledPosInds.map((pos, i) => torch.where(pos.bitwiseOr(sampledNegInds[i]!))[0]!);
    });
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
   * [detections, losses]: in training (targets required: float boxes, int64 labels; with the mask branch
   * masks (N, H, W)) no detections and { loss_classifier, loss_box_reg } (and loss_mask); in eval one
   * { boxes, labels, scores } (and masks (n, 1, M, M), probabilities) per image and no losses.
   */
  override forward(features: Record<string, Tensor> | Map<string, Tensor>, proposals: readonly Tensor[], imageShapes: readonly (readonly number[])[],
    targets: readonly DetectionTargetInput[] | null = null): [DetectionTarget[], RoIHeadsLosses] {
    checkTensors('RoIHeads', 'proposals', proposals);
    if (targets !== null && targets !== undefined) {
      checkTargetList('RoIHeads', targets);
      for (const t of targets) {
        if (!isTensor(t.boxes)) throw new RangeError('Every element of targets should have a boxes key');
        if (!isTensor(t.labels)) throw new RangeError('Every element of targets should have a labels key');
        if (![torch.float32, torch.float64, torch.float16].includes(t.boxes.dtype)) throw new TypeError(`target boxes must of float type, instead got torch.${t.boxes.dtype.name}`);
        if (t.labels.dtype !== torch.int64) throw new TypeError(`target labels must of int64 type, instead got torch.${t.labels.dtype.name}`);
        if (this.hasMask() && 'masks' in t && !isTensor(t.masks)) throw new TypeError(`RoIHeads: target masks should be a Tensor (N, H, W), got ${describe(t.masks)}`);
        if (this.hasKeypoint()) {
          if (!isTensor(t.keypoints)) throw new RangeError('Every element of targets should have a keypoints key (a Tensor (N, K, 3))');
          if (t.keypoints.dtype !== torch.float32) throw new TypeError(`target keypoints must of float type, instead got torch.${t.keypoints.dtype.name}`);
        }
      }
    }
    return torch.tidy(() => {
      let props: readonly Tensor[] = proposals;
      let labels: Tensor[] | null = null;
      let regressionTargets: Tensor[] | null = null;
      let matchedIdxs: Tensor[] | null = null;
      if (this.training) [props, matchedIdxs, labels, regressionTargets] = this.selectTrainingSamples(proposals, targets as readonly DetectionTarget[] | null);
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
      if (this.hasMask()) {
        let maskProposals = result.map((r) => r.boxes!);
        let posMatchedIdxs: Tensor[] | null = null;
        if (this.training) {
          // training: the positive proposals only
          maskProposals = [];
          posMatchedIdxs = [];
          for (let imgId = 0; imgId < props.length; imgId++) {
            const pos = torch.where(labels![imgId]!.gt(0))[0]!;
            maskProposals.push(props[imgId]!.index(pos));
            posMatchedIdxs.push(matchedIdxs![imgId]!.index(pos));
          }
        }
        const maskFeatures = this.mask_head!.call(this.mask_roi_pool!.call(features, maskProposals, imageShapes) as Tensor) as Tensor;
        const maskLogits = this.mask_predictor!.call(maskFeatures) as unknown;
        if (!isTensor(maskLogits)) throw new TypeError(`RoIHeads: maskPredictor should return a Tensor, got ${describe(maskLogits)}`);
        if (this.training) {
          const ts = targets as readonly DetectionTarget[];
          const gtMasks = ts.map((t) => t.masks!);
          const gtLabels = ts.map((t) => t.labels!);
          losses.loss_mask = maskrcnnLoss(maskLogits, maskProposals, gtMasks, gtLabels, posMatchedIdxs!);
        } else {
          const masksProbs = maskrcnnInference(maskLogits, result.map((r) => r.labels!));
          masksProbs.forEach((maskProb, i) => { if (i < result.length) result[i]!.masks = maskProb; });
        }
      }
      if (this.hasKeypoint()) {
        let keypointProposals = result.map((r) => r.boxes!);
        let posMatchedIdxs: Tensor[] | null = null;
        if (this.training) {
          // training: the positive proposals only
          keypointProposals = [];
          posMatchedIdxs = [];
          for (let imgId = 0; imgId < props.length; imgId++) {
            const pos = torch.where(labels![imgId]!.gt(0))[0]!;
            keypointProposals.push(props[imgId]!.index(pos));
            posMatchedIdxs.push(matchedIdxs![imgId]!.index(pos));
          }
        }
        const keypointFeatures = this.keypoint_head!.call(this.keypoint_roi_pool!.call(features, keypointProposals, imageShapes) as Tensor) as Tensor;
        const keypointLogits = this.keypoint_predictor!.call(keypointFeatures) as unknown;
        if (!isTensor(keypointLogits)) throw new TypeError(`RoIHeads: keypointPredictor should return a Tensor, got ${describe(keypointLogits)}`);
        if (this.training) {
          const gtKeypoints = (targets as readonly DetectionTarget[]).map((t) => t.keypoints!);
          losses.loss_keypoint = keypointrcnnLoss(keypointLogits, keypointProposals, gtKeypoints, posMatchedIdxs!);
        } else {
          const [keypointsProbs, kpScores] = keypointrcnnInference(keypointLogits, keypointProposals);
          keypointsProbs.forEach((kp, i) => {
            if (i >= result.length) return;
            result[i]!.keypoints = kp;
            result[i]!.keypoints_scores = kpScores[i]!;
          });
        }
      }
      return [result, losses] as [DetectionTarget[], RoIHeadsLosses];
    });
  }
}
