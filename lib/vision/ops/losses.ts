// torchvision.ops' detection losses (torchvision 0.28 focal_loss.py, giou_loss.py, diou_loss.py,
// ciou_loss.py, _utils.py): RetinaNet's sigmoid focal loss and the GIoU / DIoU / CIoU box regression
// losses, as the same tensor ops as torchvision's Python, so values and gradients agree bit for bit.
import * as torch from '../../index.js';
import { bind, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { upcastNonFloat } from './boxes.js';

/** How a loss is reduced: per element ('none'), averaged or summed. */
export type LossReduction = 'none' | 'mean' | 'sum';

const FOCAL = signature('sigmoidFocalLoss', { alpha: 0.25, gamma: 2, reduction: 'none' });
const GIOU = signature('generalizedBoxIouLoss', { reduction: 'none', eps: 1e-7 });
const DIOU = signature('distanceBoxIouLoss', { reduction: 'none', eps: 1e-7 });
const CIOU = signature('completeBoxIouLoss', { reduction: 'none', eps: 1e-7 });

function checkTensor(fn: string, name: string, v: unknown): asserts v is Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(v)}`);
}

function checkNumber(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(v)}`);
}

function checkBoxes(fn: string, name: string, v: unknown): asserts v is Tensor {
  checkTensor(fn, name, v);
  if (v.dim() === 0 || v.size(-1) !== 4) throw new RangeError(`${fn}: ${name} must be xyxy boxes (N, 4) or (4), got shape [${v.shape.join(', ')}]`);
}

/**
 * The reduction as torchvision applies it, after the loss (so its errors come first). `emptyMeanIsZero`:
 * the box losses' mean of no boxes is 0 * sum (0, with a gradient), not NaN.
 */
function reduce(fn: string, loss: Tensor, reduction: unknown, emptyMeanIsZero: boolean): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'mean') return emptyMeanIsZero && loss.numel() === 0 ? loss.sum().mul(0.0) : loss.mean();
  if (reduction === 'sum') return loss.sum();
  throw new RangeError(`${fn}: Invalid Value for arg 'reduction': '${String(reduction)} \n Supported reduction modes: 'none', 'mean', 'sum'`);
}

/**
 * sigmoid_focal_loss (Lin et al., 2017, RetinaNet): binary cross-entropy of logits `inputs` against
 * `targets` (0/1 or soft labels, same shape), scaled by (1 - p_t)^gamma and weighted by alpha for the
 * positives and 1 - alpha for the negatives (alpha = -1: no weighting).
 */
export function sigmoidFocalLoss(inputs: Tensor, targets: Tensor, ...args: PyArgs<[alpha: number, gamma: number, reduction: LossReduction], { alpha?: number; gamma?: number; reduction?: LossReduction }>): Tensor;
export function sigmoidFocalLoss(inputs: Tensor, targets: Tensor, ...args: unknown[]): Tensor {
  const fn = FOCAL.fn;
  const [alpha, gamma, reduction] = bind(FOCAL, args) as [number, number, LossReduction];
  checkTensor(fn, 'inputs', inputs);
  checkTensor(fn, 'targets', targets);
  checkNumber(fn, 'alpha', alpha);
  checkNumber(fn, 'gamma', gamma);
  if (!(alpha >= 0 && alpha <= 1) && alpha !== -1)
    throw new RangeError(`${fn}: Invalid alpha value: ${alpha}. alpha must be in the range [0,1] or -1 for ignore.`);
  return torch.tidy(() => {
    const p = torch.sigmoid(inputs);
    const ceLoss = torch.nn.functional.binaryCrossEntropyWithLogits(inputs, targets, { reduction: 'none' });
    const pT = p.mul(targets).add(torch.rsub(p, 1).mul(torch.rsub(targets, 1)));
    let loss = ceLoss.mul(torch.rsub(pT, 1).pow(gamma));
    if (alpha >= 0) {
      const alphaT = targets.mul(alpha).add(torch.rsub(targets, 1).mul(1 - alpha));
      loss = alphaT.mul(loss);
    }
    return reduce(fn, loss, reduction, false);
  });
}

/** Python's t[mask] for a mask of any dimension: a 0-dim mask (boxes given as Tensor[4]) indexes as PyTorch does, through a new leading dim. */
function masked(t: Tensor, mask: Tensor): [Tensor, Tensor] {
  return mask.dim() === 0 ? [t.unsqueeze(0), mask.unsqueeze(0)] : [t, mask];
}

/** torchvision's _loss_inter_union: elementwise intersections (0 where the boxes do not overlap) and unions. */
function lossInterUnion(boxes1: Tensor, boxes2: Tensor): [Tensor, Tensor] {
  const [x1, y1, x2, y2] = boxes1.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  const [x1g, y1g, x2g, y2g] = boxes2.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  const xkis1 = torch.maximum(x1, x1g), ykis1 = torch.maximum(y1, y1g);
  const xkis2 = torch.minimum(x2, x2g), ykis2 = torch.minimum(y2, y2g);
  const intsctk = torch.zerosLike(x1);
  const mask = ykis2.gt(ykis1).bitwiseAnd(xkis2.gt(xkis1));
  const at = (t: Tensor): Tensor => { const [v, m] = masked(t, mask); return v.index(m); };
  // written through the mask, as torchvision does: no gradient flows where the boxes do not overlap
  const overlap = at(xkis2).sub(at(xkis1)).mul(at(ykis2).sub(at(ykis1)));
  const [target, m] = masked(intsctk, mask);
  target.indexPut_([m], overlap);
  const unionk = x2.sub(x1).mul(y2.sub(y1)).add(x2g.sub(x1g).mul(y2g.sub(y1g))).sub(intsctk);
  return [intsctk, unionk];
}

type Corners = [Tensor, Tensor, Tensor, Tensor];

/** The corners of the smallest boxes enclosing each pair, from the boxes' unbound coordinates. */
function enclosing([x1, y1, x2, y2]: Corners, [x1g, y1g, x2g, y2g]: Corners): Corners {
  return [torch.minimum(x1, x1g), torch.minimum(y1, y1g), torch.maximum(x2, x2g), torch.maximum(y2, y2g)];
}

function boxPair(fn: string, boxes1: unknown, boxes2: unknown, eps: unknown): [Tensor, Tensor] {
  checkBoxes(fn, 'boxes1', boxes1);
  checkBoxes(fn, 'boxes2', boxes2);
  checkNumber(fn, 'eps', eps);
  return [upcastNonFloat(boxes1), upcastNonFloat(boxes2)];
}

/**
 * generalized_box_iou_loss (Rezatofighi et al., 2019): 1 - GIoU of each pair of xyxy boxes, boxes1[i]
 * with boxes2[i] ((N, 4) or (4)); symmetric, and non-zero for boxes that do not overlap.
 */
export function generalizedBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[reduction: LossReduction, eps: number], { reduction?: LossReduction; eps?: number }>): Tensor;
export function generalizedBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const fn = GIOU.fn;
  const [reduction, eps] = bind(GIOU, args) as [LossReduction, number];
  return torch.tidy(() => {
    const [b1, b2] = boxPair(fn, boxes1, boxes2, eps);
    const [intsctk, unionk] = lossInterUnion(b1, b2);
    const iouk = intsctk.div(unionk.add(eps));
    const [xc1, yc1, xc2, yc2] = enclosing(b1.unbind(-1) as Corners, b2.unbind(-1) as Corners);
    const areaC = xc2.sub(xc1).mul(yc2.sub(yc1));
    const miouk = iouk.sub(areaC.sub(unionk).div(areaC.add(eps)));
    return reduce(fn, torch.rsub(miouk, 1), reduction, true);
  });
}

/** torchvision's _diou_iou_loss: [1 - IoU + squared center distance / squared enclosing diagonal, IoU]. */
function diouIouLoss(boxes1: Tensor, boxes2: Tensor, eps: number): [Tensor, Tensor] {
  const [intsct, union] = lossInterUnion(boxes1, boxes2);
  const iou = intsct.div(union.add(eps));
  // one unbind of each, shared by the enclosing box and the centers: the same autograd graph as torchvision's
  const c1 = boxes1.unbind(-1) as Corners, c2 = boxes2.unbind(-1) as Corners;
  const [x1, y1, x2, y2] = c1, [x1g, y1g, x2g, y2g] = c2;
  const [xc1, yc1, xc2, yc2] = enclosing(c1, c2);
  const diagonalSquared = xc2.sub(xc1).pow(2).add(yc2.sub(yc1).pow(2)).add(eps);
  const xP = x2.add(x1).div(2), yP = y2.add(y1).div(2);
  const xG = x1g.add(x2g).div(2), yG = y1g.add(y2g).div(2);
  const centersSquared = xP.sub(xG).pow(2).add(yP.sub(yG).pow(2));
  return [torch.rsub(iou, 1).add(centersSquared.div(diagonalSquared)), iou];
}

/**
 * distance_box_iou_loss (Zheng et al., 2019): 1 - DIoU of each pair of xyxy boxes, boxes1[i] with
 * boxes2[i] ((N, 4) or (4)): the IoU loss plus the squared distance of the centers over the squared
 * diagonal of the enclosing box.
 */
export function distanceBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[reduction: LossReduction, eps: number], { reduction?: LossReduction; eps?: number }>): Tensor;
export function distanceBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const fn = DIOU.fn;
  const [reduction, eps] = bind(DIOU, args) as [LossReduction, number];
  return torch.tidy(() => {
    const [b1, b2] = boxPair(fn, boxes1, boxes2, eps);
    return reduce(fn, diouIouLoss(b1, b2, eps)[0], reduction, true);
  });
}

/** 4 / pi^2: CIoU's aspect-ratio weight (Python's 4 / (torch.pi ** 2), the same double). */
const ASPECT_WEIGHT = 4 / (Math.PI * Math.PI);

/**
 * complete_box_iou_loss (Zheng et al., 2019): the DIoU loss of each pair of xyxy boxes plus alpha * v,
 * v measuring the difference of their aspect ratios (alpha taken without gradient). As torchvision,
 * `eps` guards alpha only: the DIoU part keeps its default 1e-7.
 */
export function completeBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[reduction: LossReduction, eps: number], { reduction?: LossReduction; eps?: number }>): Tensor;
export function completeBoxIouLoss(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const fn = CIOU.fn;
  const [reduction, eps] = bind(CIOU, args) as [LossReduction, number];
  return torch.tidy(() => {
    const [b1, b2] = boxPair(fn, boxes1, boxes2, eps);
    const [diouLoss, iou] = diouIouLoss(b1, b2, 1e-7);
    const [x1, y1, x2, y2] = b1.unbind(-1) as Corners;
    const [x1g, y1g, x2g, y2g] = b2.unbind(-1) as Corners;
    const wPred = x2.sub(x1), hPred = y2.sub(y1);
    const wGt = x2g.sub(x1g), hGt = y2g.sub(y1g);
    const v = torch.pow(torch.atan(wGt.div(hGt)).sub(torch.atan(wPred.div(hPred))), 2).mul(ASPECT_WEIGHT);
    const alpha = torch.noGrad(() => v.div(torch.rsub(iou, 1).add(v).add(eps)));
    return reduce(fn, diouLoss.add(alpha.mul(v)), reduction, true);
  });
}
