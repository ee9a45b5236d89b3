// torchvision.ops' box operations (torchvision 0.28 boxes.py and _box_convert.py): format conversion,
// areas, the IoU family, clipping, filtering, boxes around masks, and non-maximum suppression. Each is
// the same sequence of tensor ops as torchvision's Python (so results and gradients agree bit for bit);
// nms follows torchvision's CPU kernel (csrc/ops/cpu/nms_kernel.cpp) step for step.
import * as torch from '../../index.js';
import { bind, REQUIRED, signature, type PyArgs, type PyArgsWith } from '../../nn/functional/_signature.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { scalarTypeName } from '../../dtype.js';

/** torchvision's box formats: corners, corner + size, center + size, and the rotated ones (angle r in degrees). */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh' | 'xywhr' | 'cxcywhr' | 'xyxyxyxy';
/** The axis-aligned formats (4 numbers a box) that box_area and box_iou compute on. */
export type AxisAlignedFormat = 'xyxy' | 'xywh' | 'cxcywh';

const ALL_FORMATS: readonly string[] = ['xyxy', 'xywh', 'cxcywh', 'xywhr', 'cxcywhr', 'xyxyxyxy'];
const AXIS_ALIGNED: readonly string[] = ['xyxy', 'xywh', 'cxcywh'];
const ROTATED: readonly string[] = ['cxcywhr', 'xywhr', 'xyxyxyxy'];

const BOX_CONVERT = signature('boxConvert', { inFmt: REQUIRED, outFmt: REQUIRED });
const BOX_AREA = signature('boxArea', { fmt: 'xyxy' });
const BOX_IOU = signature('boxIou', { fmt: 'xyxy' });
const DISTANCE_BOX_IOU = signature('distanceBoxIou', { eps: 1e-7 });
const COMPLETE_BOX_IOU = signature('completeBoxIou', { eps: 1e-7 });
const CLIP_BOXES = signature('clipBoxesToImage', { size: REQUIRED });
const REMOVE_SMALL = signature('removeSmallBoxes', { minSize: REQUIRED });
const NMS = signature('nms', { iouThreshold: REQUIRED });
const BATCHED_NMS = signature('batchedNms', { iouThreshold: REQUIRED });

// ---------------------------------------------------------------------------------------------
// Argument checks and torchvision's _utils

function checkTensor(fn: string, name: string, v: unknown): asserts v is Tensor {
  if (!isTensor(v)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(v)}`);
}

/** Boxes whose last dimension holds (at least, when `exact` is false) `k` numbers. */
function checkBoxes(fn: string, name: string, v: unknown, k = 4, exact = true): asserts v is Tensor {
  checkTensor(fn, name, v);
  const last = v.dim() === 0 ? 0 : v.size(-1);
  if (exact ? last !== k : last < k) throw new RangeError(`${fn}: ${name} must hold ${k} numbers per box in its last dimension, got shape [${v.shape.join(', ')}]`);
}

function checkNumber(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(v)}`);
}

/** torchvision's _upcast: float16/bfloat16 to float32, small integers to int32 (products would overflow). */
export function upcast(t: Tensor): Tensor {
  if (t.isFloatingPoint()) return t.dtype === torch.float32 || t.dtype === torch.float64 ? t : t.float();
  return t.dtype === torch.int32 || t.dtype === torch.int64 ? t : t.int();
}

/** torchvision's _upcast_non_float: anything but float32/float64 to float32. */
export function upcastNonFloat(t: Tensor): Tensor {
  return t.dtype === torch.float32 || t.dtype === torch.float64 ? t : t.float();
}

// ---------------------------------------------------------------------------------------------
// box_convert (torchvision/ops/_box_convert.py)

function cxcywhToXyxy(boxes: Tensor): Tensor {
  const [cx, cy, w, h] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  return torch.stack([cx.sub(w.mul(0.5)), cy.sub(h.mul(0.5)), cx.add(w.mul(0.5)), cy.add(h.mul(0.5))], -1);
}

function xyxyToCxcywh(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  return torch.stack([x1.add(x2).div(2), y1.add(y2).div(2), x2.sub(x1), y2.sub(y1)], -1);
}

function xywhToXyxy(boxes: Tensor): Tensor {
  const [x, y, w, h] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  return torch.stack([x, y, x.add(w), y.add(h)], -1);
}

function xyxyToXywh(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  return torch.stack([x1, y1, x2.sub(x1), y2.sub(y1)], -1);
}

/** Integer rotated boxes come back rounded to their dtype, as torchvision's need_cast branch. */
function castBack(boxes: Tensor, dtype: torch.dtype, needCast: boolean): Tensor {
  return needCast ? boxes.round_().to(dtype) : boxes;
}

/** cos and sin of an angle in degrees, as torchvision computes them (r * pi / 180). */
function cosSin(r: Tensor): [Tensor, Tensor] {
  const rad = r.mul(Math.PI).div(180.0);
  return [torch.cos(rad), torch.sin(rad)];
}

function cxcywhrToXywhr(boxes: Tensor): Tensor {
  const [cx, cy, w, h, r] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const [cos, sin] = cosSin(r);
  const x1 = cx.sub(w.div(2).mul(cos)).sub(h.div(2).mul(sin));
  const y1 = cy.sub(h.div(2).mul(cos)).add(w.div(2).mul(sin));
  return castBack(torch.stack([x1, y1, w, h, r], -1), boxes.dtype, !boxes.isFloatingPoint());
}

function xywhrToCxcywhr(boxes: Tensor): Tensor {
  const [x1, y1, w, h, r] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const [cos, sin] = cosSin(r);
  const cx = x1.add(w.div(2).mul(cos)).add(h.div(2).mul(sin));
  const cy = y1.sub(w.div(2).mul(sin)).add(h.div(2).mul(cos));
  return castBack(torch.stack([cx, cy, w, h, r], -1), boxes.dtype, !boxes.isFloatingPoint());
}

function xywhrToXyxyxyxy(boxes: Tensor): Tensor {
  const [x1, y1, w, h, r] = boxes.unbind(-1) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const [cos, sin] = cosSin(r);
  const x2 = x1.add(w.mul(cos)), y2 = y1.sub(w.mul(sin));
  const x3 = x2.add(h.mul(sin)), y3 = y2.add(h.mul(cos));
  const x4 = x1.add(h.mul(sin)), y4 = y1.add(h.mul(cos));
  return castBack(torch.stack([x1, y1, x2, y2, x3, y3, x4, y4], -1), boxes.dtype, !boxes.isFloatingPoint());
}

function xyxyxyxyToXywhr(boxes: Tensor): Tensor {
  const [x1, y1, x2, y2, x3, y3] = boxes.unbind(-1) as Tensor[] as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const r = torch.atan2(y1.sub(y2), x2.sub(x1)).mul(180).div(Math.PI);
  const w = x2.sub(x1).pow(2).add(y1.sub(y2).pow(2)).sqrt();
  const h = x3.sub(x2).pow(2).add(y3.sub(y2).pow(2)).sqrt();
  return castBack(torch.stack([x1, y1, w, h, r], -1), boxes.dtype, !boxes.isFloatingPoint());
}

const COORDINATES: Record<string, number> = { xyxy: 4, xywh: 4, cxcywh: 4, xywhr: 5, cxcywhr: 5, xyxyxyxy: 8 };
const CONVERSIONS: Record<string, (b: Tensor) => Tensor> = {
  'xywh>xyxy': xywhToXyxy,
  'cxcywh>xyxy': cxcywhToXyxy,
  'xyxy>xywh': xyxyToXywh,
  'xyxy>cxcywh': xyxyToCxcywh,
  'xywh>cxcywh': (b) => xyxyToCxcywh(xywhToXyxy(b)),
  'cxcywh>xywh': (b) => xyxyToXywh(cxcywhToXyxy(b)),
  'cxcywhr>xywhr': cxcywhrToXywhr,
  'xywhr>cxcywhr': xywhrToCxcywhr,
  'cxcywhr>xyxyxyxy': (b) => xywhrToXyxyxyxy(cxcywhrToXywhr(b).to(b.dtype)),
  'xyxyxyxy>cxcywhr': (b) => xywhrToCxcywhr(xyxyxyxyToXywhr(b).to(b.dtype)),
  'xywhr>xyxyxyxy': xywhrToXyxyxyxy,
  'xyxyxyxy>xywhr': xyxyxyxyToXywhr,
};

/**
 * torchvision's box_convert: boxes (..., K) from `inFmt` to `outFmt` — 'xyxy' (corners), 'xywh' (top-left
 * corner, width, height), 'cxcywh' (center, width, height), or between the rotated formats 'xywhr',
 * 'cxcywhr' (angle in degrees, counter-clockwise) and 'xyxyxyxy' (the four corners). The same format gives a copy.
 */
export function boxConvert(boxes: Tensor, inFmt: BoxFormat, outFmt: BoxFormat): Tensor;
export function boxConvert(boxes: Tensor, ...args: PyArgsWith<[inFmt: BoxFormat, outFmt: BoxFormat], { inFmt?: BoxFormat; outFmt?: BoxFormat }>): Tensor;
export function boxConvert(boxes: Tensor, ...args: unknown[]): Tensor {
  const fn = BOX_CONVERT.fn;
  const [inFmt, outFmt] = bind(BOX_CONVERT, args) as [string, string];
  checkTensor(fn, 'boxes', boxes);
  if (!ALL_FORMATS.includes(inFmt) || !ALL_FORMATS.includes(outFmt))
    throw new RangeError(`${fn}: Unsupported Bounding Box Conversions for given in_fmt ${String(inFmt)} and out_fmt ${String(outFmt)}`);
  if (inFmt === outFmt) return boxes.clone();
  const convert = CONVERSIONS[`${inFmt}>${outFmt}`];
  // torchvision's NotImplementedError: between axis-aligned and rotated formats
  if (convert === undefined) throw new Error(`${fn}: Unsupported Bounding Box Conversions for given in_fmt ${inFmt} and out_fmt ${outFmt}`);
  checkBoxes(fn, 'boxes', boxes, COORDINATES[inFmt]);
  return torch.tidy(() => convert(boxes));
}

// ---------------------------------------------------------------------------------------------
// Areas and IoUs

function areaOf(fn: string, boxes: Tensor, fmt: string, name = 'boxes'): Tensor {
  if (!AXIS_ALIGNED.includes(fmt)) throw new RangeError(`${fn}: Unsupported Bounding Box area for given format ${String(fmt)}`);
  checkBoxes(fn, name, boxes, 4, false);
  const b = upcast(boxes);
  if (fmt === 'xyxy') return b.index('...', 2).sub(b.index('...', 0)).mul(b.index('...', 3).sub(b.index('...', 1)));
  return b.index('...', 2).mul(b.index('...', 3)); // width * height
}

/** torchvision's box_area: the area of each box (..., 4) given in an axis-aligned format (default 'xyxy'). */
export function boxArea(boxes: Tensor, ...args: PyArgs<[fmt: AxisAlignedFormat], { fmt?: AxisAlignedFormat }>): Tensor;
export function boxArea(boxes: Tensor, ...args: unknown[]): Tensor {
  const [fmt] = bind(BOX_AREA, args) as [string];
  return torch.tidy(() => areaOf(BOX_AREA.fn, boxes, fmt));
}

/** torchvision's _box_inter_union: pairwise intersections and unions, (..., N, M). */
function interUnion(fn: string, boxes1: Tensor, boxes2: Tensor, fmt = 'xyxy'): [Tensor, Tensor] {
  const area1 = areaOf(fn, boxes1, fmt, 'boxes1');
  const area2 = areaOf(fn, boxes2, fmt, 'boxes2');
  const a = (k: string): Tensor => boxes1.index('...', null, k); // boxes1[..., None, k]
  const b = (k: string): Tensor => boxes2.index('...', null, ':', k); // boxes2[..., None, :, k]
  let lt: Tensor, rb: Tensor;
  if (fmt === 'xyxy') {
    lt = torch.maximum(a(':2'), b(':2'));
    rb = torch.minimum(a('2:'), b('2:'));
  } else if (fmt === 'xywh') {
    lt = torch.maximum(a(':2'), b(':2'));
    rb = torch.minimum(a(':2').add(a('2:')), b(':2').add(b('2:')));
  } else {
    lt = torch.maximum(a(':2').sub(a('2:').div(2)), b(':2').sub(b('2:').div(2)));
    rb = torch.minimum(a(':2').add(a('2:').div(2)), b(':2').add(b('2:').div(2)));
  }
  const wh = upcast(rb.sub(lt)).clamp(0);
  const inter = wh.index('...', 0).mul(wh.index('...', 1));
  const union = area1.index('...', null).add(area2.index('...', null, ':')).sub(inter);
  return [inter, union];
}

function iouOf(fn: string, boxes1: Tensor, boxes2: Tensor, fmt: string): Tensor {
  if (AXIS_ALIGNED.includes(fmt)) {
    const [inter, union] = interUnion(fn, boxes1, boxes2, fmt);
    return inter.div(union);
  }
  if (ROTATED.includes(fmt))
    throw new Error(`${fn}: rotated boxes ('${fmt}') need torchvision's native box_iou_rotated kernel, which torchnode does not have; only 'xyxy', 'xywh' and 'cxcywh' are supported`);
  throw new RangeError(`${fn}: Unsupported format '${String(fmt)}'. Supported axis-aligned formats: ('xyxy', 'xywh', 'cxcywh'). Supported rotated formats: ('cxcywhr', 'xywhr', 'xyxyxyxy').`);
}

/** torchvision's box_iou: the (..., N, M) intersection over union of boxes1 (..., N, 4) and boxes2 (..., M, 4). */
export function boxIou(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[fmt: AxisAlignedFormat], { fmt?: AxisAlignedFormat }>): Tensor;
export function boxIou(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const [fmt] = bind(BOX_IOU, args) as [string];
  return torch.tidy(() => iouOf(BOX_IOU.fn, boxes1, boxes2, fmt));
}

/** The smallest enclosing boxes' (..., N, M, 2) width and height (torchvision's whi). */
function enclosingWh(boxes1: Tensor, boxes2: Tensor): Tensor {
  const lti = torch.minimum(boxes1.index('...', null, ':2'), boxes2.index('...', null, ':', ':2'));
  const rbi = torch.maximum(boxes1.index('...', null, '2:'), boxes2.index('...', null, ':', '2:'));
  return upcast(rbi.sub(lti)).clamp(0);
}

/** torchvision's generalized_box_iou: IoU minus the share of the enclosing box the union leaves empty, (..., N, M). */
export function generalizedBoxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  const fn = 'generalizedBoxIou';
  return torch.tidy(() => {
    const [inter, union] = interUnion(fn, boxes1, boxes2);
    const iou = inter.div(union);
    const whi = enclosingWh(boxes1, boxes2);
    const areai = whi.index('...', 0).mul(whi.index('...', 1));
    return iou.sub(areai.sub(union).div(areai));
  });
}

/** torchvision's _box_diou_iou: [DIoU, IoU] of upcast boxes. */
function diouIou(fn: string, boxes1: Tensor, boxes2: Tensor, eps: number): [Tensor, Tensor] {
  const iou = iouOf(fn, boxes1, boxes2, 'xyxy');
  const whi = enclosingWh(boxes1, boxes2);
  const diagonalSquared = whi.index('...', 0).pow(2).add(whi.index('...', 1).pow(2)).add(eps);
  const center = (b: Tensor, i: number): Tensor => b.index('...', i).add(b.index('...', i + 2)).div(2);
  const [xp, yp, xg, yg] = [center(boxes1, 0), center(boxes1, 1), center(boxes2, 0), center(boxes2, 1)];
  const centersSquared = upcast(xp.index('...', null).sub(xg.index('...', null, ':'))).pow(2)
    .add(upcast(yp.index('...', null).sub(yg.index('...', null, ':'))).pow(2));
  return [iou.sub(centersSquared.div(diagonalSquared)), iou];
}

/** torchvision's distance_box_iou: IoU minus the squared center distance over the enclosing box's squared diagonal (+ eps), (..., N, M). */
export function distanceBoxIou(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[eps: number], { eps?: number }>): Tensor;
export function distanceBoxIou(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const fn = DISTANCE_BOX_IOU.fn;
  const [eps] = bind(DISTANCE_BOX_IOU, args) as [number];
  checkNumber(fn, 'eps', eps);
  checkBoxes(fn, 'boxes1', boxes1, 4, false);
  checkBoxes(fn, 'boxes2', boxes2, 4, false);
  return torch.tidy(() => diouIou(fn, upcast(boxes1), upcast(boxes2), eps)[0]);
}

/** 4 / pi^2: CIoU's aspect-ratio weight (Python's 4 / (torch.pi ** 2), the same double). */
const ASPECT_WEIGHT = 4 / (Math.PI * Math.PI);

/** torchvision's complete_box_iou: DIoU minus the aspect-ratio term alpha * v (alpha taken without gradient), (..., N, M). */
export function completeBoxIou(boxes1: Tensor, boxes2: Tensor, ...args: PyArgs<[eps: number], { eps?: number }>): Tensor;
export function completeBoxIou(boxes1: Tensor, boxes2: Tensor, ...args: unknown[]): Tensor {
  const fn = COMPLETE_BOX_IOU.fn;
  const [eps] = bind(COMPLETE_BOX_IOU, args) as [number];
  checkNumber(fn, 'eps', eps);
  checkBoxes(fn, 'boxes1', boxes1, 4, false);
  checkBoxes(fn, 'boxes2', boxes2, 4, false);
  return torch.tidy(() => {
    const b1 = upcast(boxes1), b2 = upcast(boxes2);
    const [diou, iou] = diouIou(fn, b1, b2, eps);
    const wPred = b1.index('...', null, 2).sub(b1.index('...', null, 0));
    const hPred = b1.index('...', null, 3).sub(b1.index('...', null, 1));
    const wGt = b2.index('...', null, ':', 2).sub(b2.index('...', null, ':', 0));
    const hGt = b2.index('...', null, ':', 3).sub(b2.index('...', null, ':', 1));
    const v = torch.pow(torch.atan(wPred.div(hPred)).sub(torch.atan(wGt.div(hGt))), 2).mul(ASPECT_WEIGHT);
    const alpha = torch.noGrad(() => v.div(torch.rsub(iou, 1).add(v).add(eps)));
    return diou.sub(alpha.mul(v));
  });
}

// ---------------------------------------------------------------------------------------------
// Clipping and filtering

/** torchvision's clip_boxes_to_image: xyxy boxes (..., 4) clamped to an image of `size` [height, width]. */
export function clipBoxesToImage(boxes: Tensor, size: readonly number[]): Tensor;
export function clipBoxesToImage(boxes: Tensor, ...args: PyArgsWith<[size: readonly number[]], { size?: readonly number[] }>): Tensor;
export function clipBoxesToImage(boxes: Tensor, ...args: unknown[]): Tensor {
  const fn = CLIP_BOXES.fn;
  const [size] = bind(CLIP_BOXES, args) as [unknown];
  checkBoxes(fn, 'boxes', boxes, 4, false);
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => typeof v === 'number'))
    throw new TypeError(`${fn}: size must be [height, width], got ${Array.isArray(size) ? `[${size.map(String).join(', ')}]` : describe(size)}`);
  const [height, width] = size as [number, number];
  return torch.tidy(() => {
    const x = boxes.index('...', '0::2').clamp(0, width);
    const y = boxes.index('...', '1::2').clamp(0, height);
    return torch.stack([x, y], boxes.dim()).reshape(boxes.shape);
  });
}

/** torchvision's remove_small_boxes: the indices (along the first dimension) of the xyxy boxes whose sides are both at least `minSize`. */
export function removeSmallBoxes(boxes: Tensor, minSize: number): Tensor;
export function removeSmallBoxes(boxes: Tensor, ...args: PyArgsWith<[minSize: number], { minSize?: number }>): Tensor;
export function removeSmallBoxes(boxes: Tensor, ...args: unknown[]): Tensor {
  const fn = REMOVE_SMALL.fn;
  const [minSize] = bind(REMOVE_SMALL, args) as [number];
  checkBoxes(fn, 'boxes', boxes, 4, false);
  checkNumber(fn, 'minSize', minSize);
  return torch.tidy(() => {
    const ws = boxes.index('...', 2).sub(boxes.index('...', 0));
    const hs = boxes.index('...', 3).sub(boxes.index('...', 1));
    return torch.where(ws.ge(minSize).bitwiseAnd(hs.ge(minSize)))[0]!;
  });
}

/**
 * torchvision's masks_to_boxes: the xyxy box (float32) around each of the masks (N, H, W); an empty
 * mask gives [0, 0, 0, 0], a single row or column a box with x1 = x2 or y1 = y2.
 */
export function masksToBoxes(masks: Tensor): Tensor {
  const fn = 'masksToBoxes';
  checkTensor(fn, 'masks', masks);
  if (masks.numel() === 0) return torch.zeros([0, 4], { device: masks.device, dtype: torch.float32 });
  if (masks.dim() !== 3) throw new RangeError(`${fn}: masks must be (N, H, W), got shape [${masks.shape.join(', ')}]`);
  const [, h, w] = masks.shape as [number, number, number];
  return torch.tidy(() => {
    const masksBool = masks.bool();
    const nonZeroRows = torch.any(masksBool, 2);
    const nonZeroCols = torch.any(masksBool, 1);
    const emptyMasks = torch.any(nonZeroRows, 1).bitwiseNot();
    // argmax of the float rows/columns: the first occupied one, from either end
    const rowsF = nonZeroRows.float(), colsF = nonZeroCols.float();
    const y1 = rowsF.argmax(1), x1 = colsF.argmax(1);
    const y2 = torch.rsub(rowsF.flip([1]).argmax(1), h - 1);
    const x2 = torch.rsub(colsF.flip([1]).argmax(1), w - 1);
    const boxes = torch.stack([x1, y1, x2, y2], 1).float();
    boxes.indexPut_([emptyMasks], 0);
    return boxes;
  });
}

// ---------------------------------------------------------------------------------------------
// Non-maximum suppression

function checkNms(fn: string, boxes: unknown, scores: unknown, iouThreshold: unknown): asserts boxes is Tensor {
  checkTensor(fn, 'boxes', boxes);
  checkTensor(fn, 'scores', scores);
  checkNumber(fn, 'iouThreshold', iouThreshold);
  // nms_kernel's checks, in its order and words
  if (boxes.dim() !== 2) throw new RangeError(`${fn}: boxes should be a 2d tensor, got ${boxes.dim()}D`);
  if (boxes.size(1) !== 4) throw new RangeError(`${fn}: boxes should have 4 elements in dimension 1, got ${boxes.size(1)}`);
  if (scores.dim() !== 1) throw new RangeError(`${fn}: scores should be a 1d tensor, got ${scores.dim()}D`);
  if (boxes.size(0) !== scores.size(0))
    throw new RangeError(`${fn}: boxes and scores should have same number of elements in dimension 0, got ${boxes.size(0)} and ${scores.size(0)}`);
  if (boxes.dtype !== torch.float32 && boxes.dtype !== torch.float64)
    throw new TypeError(`${fn}: "nms_kernel" not implemented for '${scalarTypeName(boxes.dtype)}' (boxes must be float32 or float64)`);
  if (scores.dtype !== boxes.dtype) throw new TypeError(`${fn}: dets should have the same type as scores`);
  if (scores.device.toString() !== boxes.device.toString())
    throw new RangeError(`${fn}: boxes and scores must be on the same device, got ${boxes.device.toString()} and ${scores.device.toString()}`);
}

/**
 * nms_kernel_impl: visit the boxes by descending score (the order of scores.sort(0, descending) — not a
 * stable sort, so tied scores come in libtorch's order, as in torchvision); keep each box not yet
 * suppressed, and suppress every later box whose IoU with it is strictly above the threshold. The IoU
 * is computed in the boxes' dtype (Math.fround rounds each float32 step as C++ does) and compared in
 * double, as C++ compares the float with the double threshold.
 */
function nmsKernel(boxes: Tensor, scores: Tensor, iouThreshold: number): Tensor {
  const device = boxes.device;
  if (boxes.numel() === 0) return torch.empty([0], { dtype: torch.int64, device });
  return torch.noGrad(() => torch.tidy(() => {
    const dets = boxes.detach().to('cpu');
    const [x1t, y1t, x2t, y2t] = [0, 1, 2, 3].map((k) => dets.select(1, k).contiguous()) as [Tensor, Tensor, Tensor, Tensor];
    const areasT = x2t.sub(x1t).mul(y2t.sub(y1t));
    const order = Array.from(scores.detach().to('cpu').sort(0, true)[1].toTypedArray() as BigInt64Array, Number);
    const [x1, y1, x2, y2, areas] = [x1t, y1t, x2t, y2t, areasT].map((t) => t.toTypedArray() as Float32Array | Float64Array) as
      [Float32Array | Float64Array, Float32Array | Float64Array, Float32Array | Float64Array, Float32Array | Float64Array, Float32Array | Float64Array];
    const r = dets.dtype === torch.float32 ? Math.fround : (v: number): number => v;
    const n = order.length;
    const suppressed = new Uint8Array(n);
    const keep: number[] = [];
    for (let ii = 0; ii < n; ii++) {
      const i = order[ii]!;
      if (suppressed[i] === 1) continue;
      keep.push(i);
      const ix1 = x1[i]!, iy1 = y1[i]!, ix2 = x2[i]!, iy2 = y2[i]!, iarea = areas[i]!;
      for (let jj = ii + 1; jj < n; jj++) {
        const j = order[jj]!;
        if (suppressed[j] === 1) continue;
        // std::max(a, b) is a < b ? b : a and std::min(a, b) is b < a ? b : a: their NaN behaviour
        const xx1 = ix1 < x1[j]! ? x1[j]! : ix1;
        const yy1 = iy1 < y1[j]! ? y1[j]! : iy1;
        const xx2 = x2[j]! < ix2 ? x2[j]! : ix2;
        const yy2 = y2[j]! < iy2 ? y2[j]! : iy2;
        const dw = r(xx2 - xx1), dh = r(yy2 - yy1);
        const w = 0 < dw ? dw : 0, h = 0 < dh ? dh : 0;
        const inter = r(w * h);
        const ovr = r(inter / r(r(iarea + areas[j]!) - inter));
        if (ovr > iouThreshold) suppressed[j] = 1;
      }
    }
    return torch.tensor(keep, { dtype: torch.int64 }).to(device);
  }));
}

/**
 * torchvision's nms: greedy non-maximum suppression of xyxy boxes (N, 4) by their scores (N): the int64
 * indices of the boxes kept, by decreasing score; a box goes when its IoU with a kept, higher-scoring box
 * is above `iouThreshold` (strictly). Computed as torchvision's CPU kernel computes it (other devices run
 * it on a CPU copy); float32 and float64.
 */
export function nms(boxes: Tensor, scores: Tensor, iouThreshold: number): Tensor;
export function nms(boxes: Tensor, scores: Tensor, ...args: PyArgsWith<[iouThreshold: number], { iouThreshold?: number }>): Tensor;
export function nms(boxes: Tensor, scores: Tensor, ...args: unknown[]): Tensor {
  const [iouThreshold] = bind(NMS, args) as [number];
  checkNms(NMS.fn, boxes, scores, iouThreshold);
  return nmsKernel(boxes, scores, iouThreshold);
}

function checkBatched(fn: string, boxes: unknown, scores: unknown, idxs: unknown, iouThreshold: unknown): void {
  checkNms(fn, boxes, scores, iouThreshold);
  checkTensor(fn, 'idxs', idxs);
  if (idxs.dim() !== 1 || idxs.size(0) !== boxes.size(0))
    throw new RangeError(`${fn}: idxs must be a 1d tensor of one category per box (${boxes.size(0)}), got shape [${idxs.shape.join(', ')}]`);
}

/** torchvision's _batched_nms_coordinate_trick: one nms over boxes shifted by (max coordinate + 1) per category, so categories never overlap. */
function batchedNmsCoordinateTrick(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
  if (boxes.numel() === 0) return torch.empty([0], { dtype: torch.int64, device: boxes.device });
  return torch.noGrad(() => torch.tidy(() => {
    const maxCoordinate = boxes.max();
    const offsets = idxs.to(boxes).mul(maxCoordinate.add(torch.tensor(1).to(boxes)));
    return nmsKernel(boxes.add(offsets.index(':', null)), scores, iouThreshold);
  }));
}

/** torchvision's _batched_nms_vanilla (from Detectron2): nms per category, the kept indices sorted by score. */
function batchedNmsVanilla(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
  return torch.noGrad(() => torch.tidy(() => {
    const keepMask = torch.zerosLike(scores, { dtype: torch.bool });
    const classes = torch.unique(idxs) as Tensor;
    for (let k = 0; k < classes.size(0); k++) {
      const current = torch.where(idxs.eq(classes.select(0, k)))[0]!;
      const currentKeep = nmsKernel(boxes.index(current), scores.index(current), iouThreshold);
      keepMask.indexPut_([current.index(currentKeep)], true);
    }
    const keepIndices = torch.where(keepMask)[0]!;
    return keepIndices.index(scores.index(keepIndices).sort(-1, true)[1]);
  }));
}

/**
 * torchvision's batched_nms: nms within each category `idxs` (N), never across; the int64 indices kept,
 * by decreasing score. As torchvision on the CPU: more than 4000 box coordinates run nms per category,
 * fewer one nms over boxes offset per category (the same boxes are kept either way, up to the order of
 * tied scores). On every device, since nms runs on the CPU here (torchvision's GPU cutoff, 100 000, would
 * send 25 000 boxes through one quadratic pass).
 */
export function batchedNms(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor;
export function batchedNms(boxes: Tensor, scores: Tensor, idxs: Tensor, ...args: PyArgsWith<[iouThreshold: number], { iouThreshold?: number }>): Tensor;
export function batchedNms(boxes: Tensor, scores: Tensor, idxs: Tensor, ...args: unknown[]): Tensor {
  const [iouThreshold] = bind(BATCHED_NMS, args) as [number];
  checkBatched(BATCHED_NMS.fn, boxes, scores, idxs, iouThreshold);
  return boxes.numel() > 4000 ? batchedNmsVanilla(boxes, scores, idxs, iouThreshold) : batchedNmsCoordinateTrick(boxes, scores, idxs, iouThreshold);
}

/** batchedNms' two strategies, each on its own (for tests and benchmarks): checked as batchedNms checks. */
export const _internal = {
  batchedNmsVanilla(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
    checkBatched('batchedNmsVanilla', boxes, scores, idxs, iouThreshold);
    return batchedNmsVanilla(boxes, scores, idxs, iouThreshold);
  },
  batchedNmsCoordinateTrick(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
    checkBatched('batchedNmsCoordinateTrick', boxes, scores, idxs, iouThreshold);
    return batchedNmsCoordinateTrick(boxes, scores, idxs, iouThreshold);
  },
};
