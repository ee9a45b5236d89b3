// transforms.v2.functional's geometry for tv_tensors: the kernels of torchvision 0.28 for bounding
// boxes (unrotated formats), keypoints and masks, op for op so results match bit for bit, and the
// dispatching functionals (horizontalFlip, resize, crop, pad, ...) that pick the kernel from the
// input's kind: a vision.Image or plain tensor takes the image kernel; a tv_tensors Image, Video,
// Mask, BoundingBoxes or KeyPoints its own kernel, and the output is wrapped as the input's kind
// (boxes and keypoints with their new canvas size), as torchvision's _register_kernel_internal
// wrappers do.
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { Image } from '../../image.js';
import * as v1 from '../functional.js';
import { setupSize, type ImageLike, type InterpolationArg, type InterpolationMode, type PaddingMode } from '../functional.js';
import { BOX_COORDINATES, boxesMeta, isPureTensor, isRotatedBoundingFormat, keyPointsCanvasSize, kindOf, markAs, toBoundingBoxFormat, wrap, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { resizeImage, resizedOutputSizeV2, toDtypeImage } from './functional.js';
import { pyRound } from '../../../libm.js';

type Size = [number, number];
const noNegZero = (v: number): number => (v === 0 ? 0 : v);

// ---- box formats (_meta.py) -----------------------------------------------------------------------

function xywhToXyxy(b: Tensor, inplace: boolean): Tensor {
  const x = inplace ? b : b.clone();
  x.index('...', '2:').add_(x.index('...', ':2'));
  return x;
}

function xyxyToXywh(b: Tensor, inplace: boolean): Tensor {
  const x = inplace ? b : b.clone();
  x.index('...', '2:').sub_(x.index('...', ':2'));
  return x;
}

function xywhToCxcywh(b: Tensor, inplace: boolean): Tensor {
  const x = inplace ? b : b.clone();
  const half = x.isFloatingPoint() ? x.index('...', '2:').div(2) : x.index('...', '2:').div(2, { roundingMode: 'floor' });
  x.index('...', ':2').add_(half);
  return x;
}

function cxcywhToXywh(b: Tensor, inplace: boolean): Tensor {
  const dtype = b.dtype;
  const cast = !b.isFloatingPoint();
  let x = cast ? b.float() : inplace ? b : b.clone();
  const half = x.index('...', '2:').div(2);
  x.index('...', ':2').sub_(half);
  if (cast) {
    const x2y2 = x.index('...', ':2').add(x.index('...', '2:')).to(dtype);
    x = x.to(dtype);
    x.index('...', '2:').copy_(x2y2.sub(x.index('...', ':2')));
    if (inplace) { b.copy_(x); return b; }
  }
  return x;
}

function cxcywhToXyxy(b: Tensor, inplace: boolean): Tensor {
  const dtype = b.dtype;
  const cast = !b.isFloatingPoint();
  let x = cast ? b.float() : inplace ? b : b.clone();
  const half = x.index('...', '2:').div(2);
  x.index('...', ':2').sub_(half);
  x.index('...', '2:').add_(x.index('...', ':2'));
  if (cast) {
    x = x.to(dtype);
    if (inplace) { b.copy_(x); return b; }
  }
  return x;
}

function xyxyToCxcywh(b: Tensor, inplace: boolean): Tensor {
  const x = inplace ? b : b.clone();
  x.index('...', '2:').sub_(x.index('...', ':2'));
  const c = x.index('...', ':2').mul_(2).add_(x.index('...', '2:'));
  if (x.isFloatingPoint()) c.div_(2); else c.div_(2, { roundingMode: 'floor' });
  return x;
}

/** v2's (not ops.box_convert's) half width and height of rotated boxes: |w / -2|, floored for integers. */
const halfWh = (x: Tensor): Tensor => (x.isFloatingPoint() ? x.index('...', '2:-1').div(-2) : x.index('...', '2:-1').div(-2, { roundingMode: 'floor' })).abs_();
/** cos and sin of the angle column (degrees), as v2 computes them: r * pi / 180. */
function cosSinOf(x: Tensor): [Tensor, Tensor] {
  const rad = x.index('...', 4).mul(Math.PI).div(180.0);
  return [rad.cos(), rad.sin()];
}

/**
 * v2's _cxcywhr_to_xywhr (toCenter false: the center moved back by half the rotated width and height)
 * and _xywhr_to_cxcywhr (toCenter true: the first corner moved forward by them), in place or on a copy.
 */
function moveRotatedOrigin(b: Tensor, inplace: boolean, toCenter: boolean): Tensor {
  const x = inplace ? b : b.clone();
  const half = halfWh(x);
  const [cos, sin] = cosSinOf(x);
  const [hw, hh] = [half.index('...', 0), half.index('...', 1)];
  const step = (t: Tensor, v: Tensor, forward: boolean): Tensor => (forward ? t.add_(v) : t.sub_(v));
  step(step(x.index('...', 0), hw.mul(cos), toCenter), hh.mul(sin), toCenter);
  step(step(x.index('...', 1), hw.mul(sin), !toCenter), hh.mul(cos), toCenter);
  return x;
}

/** XYWHR to its four corners (a new [..., 8] tensor whatever `inplace`: the shape changes). */
function xywhrToXyxyxyxy(b: Tensor, inplace: boolean): Tensor {
  const x = inplace ? b : b.clone();
  const [w, h] = [x.index('...', 2), x.index('...', 3)];
  const [cos, sin] = cosSinOf(x);
  const out = x.index('...', ':2').tile([1, 4]);
  const col = (i: number): Tensor => out.index('...', i);
  col(2).add_(w.mul(cos));
  col(3).sub_(w.mul(sin));
  col(4).add_(w.mul(cos).add(h.mul(sin)));
  col(5).sub_(w.mul(sin).sub(h.mul(cos)));
  col(6).add_(h.mul(sin));
  col(7).add_(h.mul(cos));
  return out;
}

/** The four corners to XYWHR (a [..., :5] view; integer corners computed in float32 and truncated back). */
function xyxyxyxyToXywhr(b: Tensor, inplace: boolean): Tensor {
  const dtype = b.dtype;
  const needCast = dtype !== torch.float32 && dtype !== torch.float64;
  let x = inplace ? b : b.clone();
  if (needCast) x = x.to(torch.float32);
  const col = (i: number): Tensor => x.index('...', i);
  const rRad = torch.atan2(col(1).sub(col(3)), col(2).sub(col(0)));
  x.index('...', '4:6').sub_(x.index('...', '2:4'));
  x.index('...', '2:4').sub_(x.index('...', ':2'));
  col(2).copy_(col(2).pow(2).add(col(3).pow(2)).sqrt());
  col(3).copy_(col(4).pow(2).add(col(5).pow(2)).sqrt());
  col(4).copy_(rRad.div_(Math.PI).mul_(180.0));
  if (needCast) x = x.to(dtype);
  return x.index('...', ':5');
}

/** Whether a format is one of the rotated ones. */
const rotated = (format: BoundingBoxFormat): boolean => isRotatedBoundingFormat(format);

/** torchvision's _convert_bounding_box_format on a plain tensor (any tv_tensor mark ignored). */
export function convertFormat(boxes: Tensor, oldFormat: BoundingBoxFormat, newFormat: BoundingBoxFormat, inplace = false): Tensor {
  if (newFormat === oldFormat) return boxes;
  if (rotated(oldFormat) !== rotated(newFormat)) throw new RangeError('convert_bounding_box_format: Cannot convert between rotated and unrotated bounding boxes.');
  if (oldFormat === 'XYWH' && newFormat === 'CXCYWH') return xywhToCxcywh(boxes, inplace);
  if (oldFormat === 'CXCYWH' && newFormat === 'XYWH') return cxcywhToXywh(boxes, inplace);
  let b = boxes;
  if (oldFormat === 'XYWH') b = xywhToXyxy(b, inplace);
  else if (oldFormat === 'CXCYWH') b = cxcywhToXyxy(b, inplace);
  else if (oldFormat === 'CXCYWHR') b = moveRotatedOrigin(b, inplace, false);
  else if (oldFormat === 'XYXYXYXY') b = xyxyxyxyToXywhr(b, inplace);
  if (newFormat === 'XYWH') b = xyxyToXywh(b, inplace);
  else if (newFormat === 'CXCYWH') b = xyxyToCxcywh(b, inplace);
  else if (newFormat === 'CXCYWHR') b = moveRotatedOrigin(b, inplace, true);
  else if (newFormat === 'XYXYXYXY') b = xywhrToXyxyxyxy(b, inplace);
  return b;
}

const CONVERT_ARGS = signature('convert_bounding_box_format', { oldFormat: null, newFormat: null, inplace: false });

/**
 * v2's convert_bounding_box_format: boxes from one format to another. A tv_tensors.BoundingBoxes knows
 * its format (oldFormat must not be given) and comes back as boxes in the new format; a plain tensor
 * needs oldFormat.
 */
export function convertBoundingBoxFormat<T extends Tensor>(inpt: T, oldFormat?: BoundingBoxFormat | string | null, newFormat?: BoundingBoxFormat | string, inplace?: boolean): T;
export function convertBoundingBoxFormat<T extends Tensor>(inpt: T, ...args: PyArgsWith<[oldFormat: BoundingBoxFormat | string | null, newFormat: BoundingBoxFormat | string, inplace: boolean], { oldFormat?: BoundingBoxFormat | string | null; newFormat?: BoundingBoxFormat | string; inplace?: boolean }>): T;
export function convertBoundingBoxFormat<T extends Tensor>(inpt: T, ...args: unknown[]): T {
  const [oldArg, newArg, inplace] = bind(CONVERT_ARGS, args) as [unknown, unknown, boolean];
  const fn = 'convert_bounding_box_format';
  if (newArg === null) throw new TypeError(`${fn}() missing 1 required argument: 'new_format'`);
  const newFormat = toBoundingBoxFormat(newArg, fn);
  const oldFormat = oldArg === null ? null : toBoundingBoxFormat(oldArg, fn);
  if (!isTensor(inpt)) throw new TypeError(`${fn}: Input can either be a plain tensor or a bounding box tv_tensor, but got ${describe(inpt)} instead.`);
  const kind = kindOf(inpt);
  if (kind === null) {
    if (oldFormat === null) throw new TypeError(`${fn}: For pure tensor inputs, \`old_format\` has to be passed.`);
    return torch.tidy(() => convertFormat(inpt, oldFormat, newFormat, inplace)) as T;
  }
  if (kind !== 'BoundingBoxes') throw new TypeError(`${fn}: Input can either be a plain tensor or a bounding box tv_tensor, but got tv_tensors.${kind} instead.`);
  if (oldFormat !== null) throw new TypeError(`${fn}: For bounding box tv_tensor inputs, \`old_format\` must not be passed.`);
  const meta = boxesMeta(inpt);
  if (meta.format === newFormat) return inpt;
  return wrap(torch.tidy(() => convertFormat(inpt, meta.format, newFormat, inplace)), { like: inpt, format: newFormat }) as T;
}

/**
 * torchvision's clamp_bounding_boxes on a plain tensor: unrotated boxes (_clamp_bounding_boxes: soft
 * and hard are the same) have their corners clamped to the canvas; rotated ones go through
 * _clamp_rotated_bounding_boxes.
 */
export function clampBoxes(boxes: Tensor, format: BoundingBoxFormat, [h, w]: Size, clampingMode: ClampingMode): Tensor {
  if (clampingMode === null) return boxes.clone();
  if (rotated(format)) return clampRotatedBoxes(boxes, format, [h, w], clampingMode);
  return torch.tidy(() => {
    const inDtype = boxes.dtype;
    const b = boxes.isFloatingPoint() ? boxes.clone() : boxes.float();
    const xyxy = convertFormat(b, format, 'XYXY', true);
    xyxy.index('...', '0::2').clamp_(0, w);
    xyxy.index('...', '1::2').clamp_(0, h);
    return convertFormat(xyxy, 'XYXY', format, true).to(inDtype);
  });
}

// ---- rotated clamping (_meta.py's _clamp_rotated_bounding_boxes and its helpers) --------------------

/**
 * v2's _order_bounding_boxes_points: the [N, 8] corners gathered by `indices`, or, without them, rolled
 * so that the first corner is the leftmost (then the highest), and the indices that did it.
 */
function orderPoints(boxes: Tensor, indices: Tensor | null = null): [Tensor, Tensor] {
  if (indices === null) {
    const b = boxes.reshape(-1, 8);
    const [x, y] = [b.index('...', '0::2'), b.index('...', '1::2')];
    const yMax = (y.abs().max(1, true) as unknown as Tensor[])[0]!;
    const xMax = (x.abs().max(1, true) as unknown as Tensor[])[0]!;
    const x1 = (y.div(yMax).add(x.div(xMax).mul(100)).min(1) as unknown as Tensor[])[1]!;
    indices = torch.onesLike(b);
    indices.index('...', 0).copy_(x1.mul(2));
    indices.cumsum_(1).remainder_(8);
  }
  return [indices, boxes.gather(1, indices.to(torch.int64))];
}

/** v2's _get_slope_and_intercept: slope a and intercept b of each side (corner i to corner i + 1). */
function slopeAndIntercept(box: Tensor): [Tensor, Tensor] {
  const [x, y] = [box.index('...', '0::2'), box.index('...', '1::2')];
  const a = y.diff({ append: y.index('...', '0:1') }).div(x.diff({ append: x.index('...', '0:1') }));
  return [a, y.sub(a.mul(x))];
}

/** v2's _get_intersection_point: where each side meets the one before it, as [N, 8] corners. */
function intersectionPoints(a: Tensor, b: Tensor): Tensor {
  const x = b.diff({ prepend: b.index('...', '3:4') }).neg().div(a.diff({ prepend: a.index('...', '3:4') }));
  const y = a.mul(x).add(b);
  return torch.cat([x.unsqueeze(-1), y.unsqueeze(-1)], -1).view(a.size(0), 8);
}

/** v2's _clamp_y_intercept: the sides' intercepts moved into the canvas (hard: so that every corner stays inside), within the original box's. */
function clampYIntercept(boxes: Tensor, original: Tensor, [H, W]: Size, clampingMode: ClampingMode): Tensor {
  const [a, b] = slopeAndIntercept(boxes);
  const [a1, a2, a3, a4] = a.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  let [b1, b2, b3, b4] = b.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  const [b1m, b2m, b3m, b4m] = slopeAndIntercept(original)[1].unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
  b1 = b2.clamp(b1, b3).clamp(0, H);
  b4 = b3.clamp(b2, b4).clamp(0, H);
  if (clampingMode === 'hard') {
    b1 = b4 = b1.add(b4).div(2);  // one tensor for both, as Python's b1 = b4 = ...
    const b2Candidates = torch.stack([b1.mul(a2).div(a1), b3.mul(a2).div(a3), a1.sub(a2).mul(W).add(b1), a3.sub(a2).mul(W).add(b3)], 1);
    b2 = (b2Candidates.max(1) as unknown as Tensor[])[0]!.clamp({ max: b2 });
    const b3Candidates = torch.stack([
      a3.div(a4).neg().add(1).mul(H).add(b4.mul(a3).div(a4)), a3.div(a2).neg().add(1).mul(H).add(b2.mul(a3).div(a2)),
      a2.sub(a3).mul(W).add(b2), a4.sub(a3).mul(W).add(b4),
    ], 1);
    b3 = (b3Candidates.min(1) as unknown as Tensor[])[0]!.clamp({ min: b3 });
  }
  b1.clamp_(b1m, b3m);
  b3.clamp_(b1m, b3m);
  b2.clamp_(b2m, b4m);
  b4.clamp_(b2m, b4m);
  return torch.stack([b1, b2, b3, b4], -1);
}

/** v2's _clamp_along_y_axis: the box clamped against the canvas's left edge (x = 0), case by case. */
function clampAlongYAxis(boxes: Tensor, original: Tensor, canvasSize: Size, clampingMode: ClampingMode): Tensor {
  const shape = boxes.shape;
  let b = boxes.reshape(-1, 8);
  const orig = original.reshape(-1, 8);
  const [a] = slopeAndIntercept(b);
  const [x1, y1, x2, y2, x3, y3, x4, y4] = b.unbind(-1) as Tensor[] as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const intercepts = clampYIntercept(b, orig, canvasSize, clampingMode);
  const caseA = intersectionPoints(a, intercepts);
  const caseB = b.clone();
  caseB.index('...', 0).clamp_({ min: 0 });
  caseB.index('...', 6).clamp_({ min: 0 });
  const caseC = torch.zerosLike(caseB);
  const condA = x1.lt(0).logicalAnd(caseA.isnan().any(-1).logicalNot());
  const condB = y1.isclose(y2).logicalOr(y3.isclose(y4));
  let condC = x1.le(0).logicalAnd(x2.le(0)).logicalAnd(x3.le(0)).logicalAnd(x4.le(0));
  condC = condC.logicalOr(y1.isclose(y4)).logicalOr(y2.isclose(y3)).logicalOr(condB.logicalAnd(x1.isclose(x2)));
  for (const [cond, c] of [[condA, caseA], [condB, caseB], [condC, caseC]] as const) {
    b = torch.where(cond.unsqueeze(1).repeat([1, 8]), c.reshape(-1, 8), b);
  }
  return b.reshape(shape);
}

/**
 * v2's _clamp_rotated_bounding_boxes: the corners clamped against each canvas edge in turn (the box
 * rotated a quarter turn between edges). 'soft' keeps the smallest box of the same angle holding the
 * part inside the canvas; 'hard' the largest one inside both.
 */
export function clampRotatedBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: Size, clampingMode: ClampingMode): Tensor {
  if (clampingMode === null) return boxes.clone();
  return torch.tidy(() => {
    let size: Size = [canvasSize[0], canvasSize[1]];
    let out = convertFormat(boxes.clone(), format, 'XYXYXYXY', true).reshape(-1, 8);
    let original = out.clone();
    for (let side = 0; side < 4; side++) {
      let indices: Tensor;
      [indices, out] = orderPoints(out);
      original = orderPoints(original, indices)[1];
      out = clampAlongYAxis(out, original, size, clampingMode);
      out = orderPoints(out, indices)[1];
      original = orderPoints(original, indices)[1];
      // a quarter turn counter-clockwise: (x, y) to (y, W - x)
      for (const t of [out, original]) {
        const [xs, ys] = [t.index(':', '0::2'), t.index(':', '1::2')];
        const [newX, newY] = [ys.clone(), torch.rsub(xs.clone(), size[1])];
        xs.copy_(newX);
        ys.copy_(newY);
      }
      size = [size[1], size[0]];
    }
    return convertFormat(out, 'XYXYXYXY', format, true).reshape(boxes.shape);
  });
}

/**
 * v2's _parallelogram_to_bounding_boxes: [..., 8] parallelograms to the rectangles keeping the ends of
 * their longest diagonal (computed in float32 for other dtypes, cast back).
 */
export function parallelogramToBoxes(parallelogram: Tensor): Tensor {
  return torch.tidy(() => {
    const dtype = parallelogram.dtype;
    const needCast = dtype !== torch.float32 && dtype !== torch.float64;
    const p = needCast ? parallelogram.to(torch.float32) : parallelogram;
    const [x1, y1, x2, y2, x3, y3, x4, y4] = p.unbind(-1) as Tensor[] as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const cx = x1.add(x3).div(2), cy = y1.add(y3).div(2);
    const wp = torch.sqrt(x2.sub(x1).pow(2).add(y2.sub(y1).pow(2)));
    const hp = torch.sqrt(x4.sub(x1).pow(2).add(y4.sub(y1).pow(2)));
    const r12 = torch.atan2(y1.sub(y2), x2.sub(x1));
    const r14 = torch.atan2(y1.sub(y4), x4.sub(x1));
    let rRad = r12.sub(r14);
    const sign = torch.where(rRad.gt(Math.PI / 2), -1, 1);
    let [cos, sin] = [rRad.cos(), rRad.sin()];
    const w = torch.where(wp.lt(hp), wp.mul(sin), wp.add(hp.mul(cos).mul(sign)));
    const h = torch.where(wp.gt(hp), hp.mul(sin), hp.add(wp.mul(cos).mul(sign)));
    rRad = torch.where(hp.gt(wp), r14.add(Math.PI / 2), r12);
    [cos, sin] = [rRad.cos(), rRad.sin()];
    const [wc, ws, hc, hs] = [w.div(2).mul(cos), w.div(2).mul(sin), h.div(2).mul(cos), h.div(2).mul(sin)];
    const out = torch.stack([
      cx.sub(wc).sub(hs), cy.sub(hc).add(ws),
      cx.add(wc).sub(hs), cy.sub(hc).sub(ws),
      cx.add(wc).add(hs), cy.add(hc).sub(ws),
      cx.sub(wc).add(hs), cy.add(hc).add(ws),
    ], -1).reshape(parallelogram.shape);
    return needCast ? out.to(dtype) : out;
  });
}

const CLAMP_ARGS = signature('clamp_bounding_boxes', { format: null, canvasSize: null, clampingMode: 'auto' });

/** v2's clamp_bounding_boxes: boxes clamped to their canvas (a plain tensor needs format, canvasSize and clampingMode). */
export function clampBoundingBoxes<T extends Tensor>(inpt: T, format?: BoundingBoxFormat | string | null, canvasSize?: readonly number[] | null, clampingMode?: ClampingMode | 'auto'): T;
export function clampBoundingBoxes<T extends Tensor>(inpt: T, ...args: PyArgsWith<[format: BoundingBoxFormat | string | null, canvasSize: readonly number[] | null, clampingMode: ClampingMode | 'auto'], { format?: BoundingBoxFormat | string | null; canvasSize?: readonly number[] | null; clampingMode?: ClampingMode | 'auto' }>): T;
export function clampBoundingBoxes<T extends Tensor>(inpt: T, ...args: unknown[]): T {
  const [format, canvasSize, mode] = bind(CLAMP_ARGS, args) as [unknown, unknown, unknown];
  const fn = 'clamp_bounding_boxes';
  if (mode !== null && mode !== 'soft' && mode !== 'hard' && mode !== 'auto') throw new RangeError(`${fn}: clamping_mode must be soft, hard, auto or None, got ${describe(mode)}`);
  if (!isTensor(inpt)) throw new TypeError(`${fn}: Input can either be a plain tensor or a bounding box tv_tensor, but got ${describe(inpt)} instead.`);
  const kind = kindOf(inpt);
  if (kind === null) {
    if (format === null || canvasSize === null || mode === 'auto') throw new TypeError(`${fn}: For pure tensor inputs, \`format\`, \`canvas_size\` and \`clamping_mode\` have to be passed.`);
    return clampBoxes(inpt, toBoundingBoxFormat(format, fn), setupSize(canvasSize as number[], fn), mode as ClampingMode) as T;
  }
  if (kind !== 'BoundingBoxes') throw new TypeError(`${fn}: Input can either be a plain tensor or a bounding box tv_tensor, but got tv_tensors.${kind} instead.`);
  if (format !== null || canvasSize !== null) throw new TypeError(`${fn}: For bounding box tv_tensor inputs, \`format\` and \`canvas_size\` must not be passed.`);
  const meta = boxesMeta(inpt);
  return wrap(clampBoxes(inpt, meta.format, meta.canvasSize, mode === 'auto' ? meta.clampingMode : (mode as ClampingMode)), { like: inpt }) as T;
}

// ---- box kernels (_geometry.py), on plain tensors -------------------------------------------------

/** The corner order of mirrored XYXYXYXY boxes: (x2, y2), (x1, y1), (x4, y4), (x3, y3) keeps them going the same way round. */
const MIRRORED_CORNERS = [2, 3, 0, 1, 6, 7, 4, 5];

/** v2's horizontal_flip_bounding_boxes (rotated boxes: their angle negated, XYWHR's corner moved to the mirrored top-left one). */
export function horizontalFlipBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[]): Tensor {
  format = toBoundingBoxFormat(format, 'horizontal_flip_bounding_boxes');
  const W = canvasSize[1]!;
  return torch.tidy(() => {
    const shape = boxes.shape;
    let b = boxes.clone().reshape(-1, BOX_COORDINATES[format]);
    if (format === 'XYXY') b.indexPut_([':', [2, 0]], b.index(':', [0, 2]).sub_(W).neg_());
    else if (format === 'XYWH') b.index(':', 0).add_(b.index(':', 2)).sub_(W).neg_();
    else if (format === 'CXCYWH') b.index(':', 0).sub_(W).neg_();
    else if (format === 'XYXYXYXY') {
      b.index(':', '0::2').sub_(W).neg_();
      b = b.index(':', MIRRORED_CORNERS);
    } else if (format === 'XYWHR') {
      const rad = b.index(':', 4).mul(Math.PI).div(180);
      b.index(':', 0).add_(b.index(':', 2).mul(rad.cos())).sub_(W).neg_();
      b.index(':', 1).sub_(b.index(':', 2).mul(rad.sin()));
      b.index(':', 4).neg_();
    } else {
      b.index(':', 0).sub_(W).neg_();
      b.index(':', 4).neg_();
    }
    return b.reshape(shape);
  });
}

/** v2's vertical_flip_bounding_boxes (rotated boxes: their angle to 180 - r). */
export function verticalFlipBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[]): Tensor {
  format = toBoundingBoxFormat(format, 'vertical_flip_bounding_boxes');
  const H = canvasSize[0]!;
  return torch.tidy(() => {
    const shape = boxes.shape;
    let b = boxes.clone().reshape(-1, BOX_COORDINATES[format]);
    if (format === 'XYXY') b.indexPut_([':', [1, 3]], b.index(':', [3, 1]).sub_(H).neg_());
    else if (format === 'XYWH') b.index(':', 1).add_(b.index(':', 3)).sub_(H).neg_();
    else if (format === 'CXCYWH') b.index(':', 1).sub_(H).neg_();
    else if (format === 'XYXYXYXY') {
      b.index(':', '1::2').sub_(H).neg_();
      b = b.index(':', MIRRORED_CORNERS);
    } else if (format === 'XYWHR') {
      const rad = b.index(':', 4).mul(Math.PI).div(180);
      b.index(':', 1).sub_(b.index(':', 2).mul(rad.sin())).sub_(H).neg_();
      b.index(':', 0).add_(b.index(':', 2).mul(rad.cos()));
      b.index(':', 4).neg_().add_(180);
    } else {
      b.index(':', 1).sub_(H).neg_();
      b.index(':', 4).neg_().add_(180);
    }
    return b.reshape(shape);
  });
}

/**
 * v2's resize_bounding_boxes: the boxes scaled by the float32 ratios of the new canvas, and that canvas.
 * Rotated boxes (format, as torchvision's keyword after max_size): their corners scaled, made a
 * rectangle again (_parallelogram_to_bounding_boxes) and clamped to the new canvas.
 */
export function resizeBoundingBoxes(boxes: Tensor, canvasSize: readonly number[], size: number | readonly number[] | null, maxSize: number | null = null, format: BoundingBoxFormat = 'XYXY', clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  format = toBoundingBoxFormat(format, 'resize_bounding_boxes');
  const [oh, ow] = [canvasSize[0]!, canvasSize[1]!];
  const [nh, nw] = resizedOutputSizeV2(oh, ow, size, maxSize);
  if (nh === oh && nw === ow) return [boxes, [oh, ow]];
  const [wr, hr] = [nw / ow, nh / oh];
  const ratios = (n: number): Tensor => torch.tensor(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? wr : hr)), { dtype: torch.float32, device: boxes.device });
  if (!rotated(format)) return [torch.tidy(() => boxes.mul(ratios(4)).to(boxes.dtype)), [nh, nw]];
  return [torch.tidy(() => {
    const corners = convertFormat(boxes, format, 'XYXYXYXY').reshape(-1, 8);
    const out = clampBoxes(parallelogramToBoxes(corners.mul(ratios(8))), 'XYXYXYXY', [nh, nw], clampingMode);
    return convertFormat(out, 'XYXYXYXY', format).to(boxes.dtype).reshape(boxes.shape);
  }), [nh, nw]];
}

/** The [left, right, top, bottom] of v2's _parse_pad_padding. */
function parsePadPadding(padding: number | readonly number[], fn: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : [...padding];
  if (!p.every((v) => Number.isInteger(v))) throw new TypeError(`${fn}: \`padding\` should be an integer or tuple or list of integers, but got ${describe(padding)}`);
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[0]!, p[1]!, p[1]!];
  if (p.length === 4) return [p[0]!, p[2]!, p[1]!, p[3]!];
  throw new RangeError(`${fn}: Padding must be an int or a 1, 2, or 4 element tuple or list. Found ${p.length}`);
}

/** What moving the canvas's origin by (dx, dy) adds to each box of `format`: every corner's x and y, or the first point's. */
function cornerShift(format: BoundingBoxFormat, dx: number, dy: number): number[] {
  if (format === 'XYXYXYXY') return [dx, dy, dx, dy, dx, dy, dx, dy];
  if (format === 'XYXY') return [dx, dy, dx, dy];
  return [dx, dy, ...Array.from({ length: BOX_COORDINATES[format] - 2 }, () => 0)];
}

/** v2's pad_bounding_boxes: shifted by the left/top padding and clamped to the padded canvas (constant padding only). */
export function padBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], padding: number | readonly number[], paddingMode: PaddingMode = 'constant', clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  format = toBoundingBoxFormat(format, 'pad_bounding_boxes');
  if (paddingMode !== 'constant') throw new RangeError(`pad: Padding mode '${paddingMode}' is not supported with bounding boxes`);
  const [left, right, top, bottom] = parsePadPadding(padding, 'pad');
  const shift = cornerShift(format, left, top);
  const size: Size = [canvasSize[0]! + top + bottom, canvasSize[1]! + left + right];
  return [torch.tidy(() => clampBoxes(boxes.add(torch.tensor(shift, { dtype: boxes.dtype, device: boxes.device })), format, size, clampingMode)), size];
}

/** v2's crop_bounding_boxes: shifted by the crop's corner and clamped to the crop. */
export function cropBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, top: number, left: number, height: number, width: number, clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  format = toBoundingBoxFormat(format, 'crop_bounding_boxes');
  const [l, t] = [noNegZero(left), noNegZero(top)];
  const size: Size = [height, width];
  return [torch.tidy(() => {
    let b = boxes.sub(torch.tensor(cornerShift(format, l, t), { dtype: boxes.dtype, device: boxes.device }));
    if (format === 'XYXYXYXY') b = parallelogramToBoxes(b);
    return clampBoxes(b, format, size, clampingMode);
  }), size];
}

/** The crop size of v2's _center_crop_parse_output_size. */
function centerCropSize(outputSize: number | readonly number[]): Size {
  if (typeof outputSize === 'number') return [Math.trunc(outputSize), Math.trunc(outputSize)];
  if (outputSize.length === 1) return [outputSize[0]!, outputSize[0]!];
  if (outputSize.length !== 2) throw new RangeError(`center_crop: output_size must be a number or 1 or 2 numbers, got ${describe(outputSize)}`);
  return [outputSize[0]!, outputSize[1]!];
}

/** [top, left, height, width] of the crop at the canvas's center (v2's _center_crop_compute_crop_anchor: Python's round, half to even). */
function centerCropBox(canvasSize: readonly number[], outputSize: number | readonly number[]): [number, number, number, number] {
  const [ch, cw] = centerCropSize(outputSize);
  return [pyRound((canvasSize[0]! - ch) / 2.0), pyRound((canvasSize[1]! - cw) / 2.0), ch, cw];
}

/** v2's center_crop_bounding_boxes: the crop at the canvas's center. */
export function centerCropBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], outputSize: number | readonly number[], clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  return cropBoundingBoxes(boxes, format, ...centerCropBox(canvasSize, outputSize), clampingMode);
}

/** v2's resized_crop_bounding_boxes: crop, then resize to `size`. */
export function resizedCropBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, top: number, left: number, height: number, width: number, size: number | readonly number[], clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  const [cropped, canvas] = cropBoundingBoxes(boxes, format, top, left, height, width, clampingMode);
  const out = resizeBoundingBoxes(cropped, canvas, size, null, format, clampingMode);
  if (out[0] !== cropped) cropped.dispose();
  return out;
}

// ---- keypoint kernels (_geometry.py, _meta.py, _misc.py), on plain [..., 2] tensors of (x, y) ------

/** One coordinate (0: x, 1: y) of every point mirrored about the last pixel: `last - v`. */
function flipCoordinate(keypoints: Tensor, axis: 0 | 1, last: number): Tensor {
  return torch.tidy(() => {
    const points = keypoints.clone().reshape(-1, 2);
    points.index('...', axis).sub_(last).neg_();
    return points.reshape(keypoints.shape);
  });
}

/** v2's horizontal_flip_keypoints: x to W - 1 - x (points are pixel indexes, unlike box edges). */
export const horizontalFlipKeypoints = (keypoints: Tensor, canvasSize: readonly number[]): Tensor => flipCoordinate(keypoints, 0, canvasSize[1]! - 1);
/** v2's vertical_flip_keypoints: y to H - 1 - y. */
export const verticalFlipKeypoints = (keypoints: Tensor, canvasSize: readonly number[]): Tensor => flipCoordinate(keypoints, 1, canvasSize[0]! - 1);

/** v2's resize_keypoints: the points scaled by the float32 ratios of the new canvas, and that canvas. */
export function resizeKeypoints(keypoints: Tensor, canvasSize: readonly number[], size: number | readonly number[] | null, maxSize: number | null = null): [Tensor, Size] {
  const [oh, ow] = [canvasSize[0]!, canvasSize[1]!];
  const [nh, nw] = resizedOutputSizeV2(oh, ow, size, maxSize);
  if (nh === oh && nw === ow) return [keypoints, [oh, ow]];
  return [torch.tidy(() => keypoints.mul(torch.tensor([nw / ow, nh / oh], { dtype: torch.float32, device: keypoints.device })).to(keypoints.dtype)), [nh, nw]];
}

/** The points moved by (dx, dy) in their own dtype (integer points wrap, as Python's torch.tensor([dx, dy], dtype=uint8) wraps a negative offset). */
function shiftPoints(keypoints: Tensor, dx: number, dy: number): Tensor {
  return torch.tidy(() => {
    const device = keypoints.device;
    const offset = keypoints.isFloatingPoint() ? torch.tensor([dx, dy], { dtype: keypoints.dtype, device }) : torch.tensor([dx, dy], { dtype: torch.int64, device }).to(keypoints.dtype);
    return keypoints.add(offset);
  });
}

/** v2's pad_keypoints: shifted by the left/top padding, on the padded canvas (constant padding only; nothing is clamped). */
export function padKeypoints(keypoints: Tensor, canvasSize: readonly number[], padding: number | readonly number[], paddingMode: PaddingMode = 'constant'): [Tensor, Size] {
  if (paddingMode !== 'constant') throw new RangeError(`pad: Padding mode '${paddingMode}' is not supported with KeyPoints (supported modes are constant)`);
  const [left, right, top, bottom] = parsePadPadding(padding, 'pad');
  return [shiftPoints(keypoints, left, top), [canvasSize[0]! + top + bottom, canvasSize[1]! + left + right]];
}

/** v2's crop_keypoints: shifted by the crop's corner, on the crop's canvas (points outside stay outside). */
export function cropKeypoints(keypoints: Tensor, top: number, left: number, height: number, width: number): [Tensor, Size] {
  return [shiftPoints(keypoints, -noNegZero(left), -noNegZero(top)), [height, width]];
}

/** v2's center_crop_keypoints: the crop at the canvas's center. */
export function centerCropKeypoints(keypoints: Tensor, canvasSize: readonly number[], outputSize: number | readonly number[]): [Tensor, Size] {
  return cropKeypoints(keypoints, ...centerCropBox(canvasSize, outputSize));
}

/** v2's resized_crop_keypoints: crop, then resize to `size`. */
export function resizedCropKeypoints(keypoints: Tensor, top: number, left: number, height: number, width: number, size: number | readonly number[]): [Tensor, Size] {
  const [cropped, canvas] = cropKeypoints(keypoints, top, left, height, width);
  const out = resizeKeypoints(cropped, canvas, size);
  if (out[0] !== cropped) cropped.dispose();
  return out;
}

/** torchvision's _clamp_keypoints: x into [0, W - 1], y into [0, H - 1] (in float32 for integer points). */
function clampPoints(keypoints: Tensor, [h, w]: Size): Tensor {
  return torch.tidy(() => {
    const points = keypoints.isFloatingPoint() ? keypoints.clone() : keypoints.float();
    points.index('...', 0).clamp_(0, w - 1);
    points.index('...', 1).clamp_(0, h - 1);
    return points.to(keypoints.dtype);
  });
}

/** v2's clamp_keypoints: keypoints clamped to their canvas (a plain tensor needs canvasSize; KeyPoints must not get one). */
export function clampKeypoints<T extends Tensor>(inpt: T, canvasSize: readonly number[] | null = null): T {
  const fn = 'clamp_keypoints';
  if (isPureTensor(inpt)) {
    if (canvasSize === null) throw new TypeError(`${fn}: For pure tensor inputs, \`canvas_size\` has to be passed.`);
    return clampPoints(inpt, setupSize(canvasSize as number[], fn)) as T;
  }
  if (kindOf(inpt) !== 'KeyPoints') throw new TypeError(`${fn}: Input can either be a plain tensor or a keypoints tv_tensor, but got ${kindOf(inpt) === null ? describe(inpt) : `tv_tensors.${kindOf(inpt)}`} instead.`);
  if (canvasSize !== null) throw new TypeError(`${fn}: For keypoints tv_tensor inputs, \`canvas_size\` must not be passed.`);
  return wrap(clampPoints(inpt, keyPointsCanvasSize(inpt)), { like: inpt }) as T;
}

/** torchvision's _get_sanitize_keypoints_mask: which points (or groups of points, along the first dimension) lie inside [0, W) x [0, H). */
export function sanitizeKeypointsMask(keypoints: Tensor, canvasSize: readonly number[]): Tensor {
  const [h, w] = [canvasSize[0]!, canvasSize[1]!];
  return torch.tidy(() => {
    const [x, y] = [keypoints.index('...', 0), keypoints.index('...', 1)];
    const valid = x.ge(0).logicalAnd(x.lt(w)).logicalAnd(y.ge(0)).logicalAnd(y.lt(h));
    return valid.dim() > 1 ? valid.flatten(1).all(1) : valid;
  });
}

/** v2's sanitize_keypoints: the points (groups) inside the canvas, and the mask that kept them (to index the labels with). */
export function sanitizeKeypoints<T extends Tensor>(keypoints: T, canvasSize: readonly number[] | null = null): [T, Tensor] {
  const fn = 'sanitize_keypoints';
  if (isPureTensor(keypoints as unknown)) {
    if (canvasSize === null) throw new TypeError(`${fn}: canvas_size cannot be None if key_points is a pure tensor. Set it to an appropriate value or pass key_points as a tv_tensors.KeyPoints object.`);
    const valid = sanitizeKeypointsMask(keypoints, setupSize(canvasSize as number[], fn));
    return [keypoints.index(valid) as T, valid];
  }
  if (kindOf(keypoints) !== 'KeyPoints') throw new TypeError(`${fn}: key_points must be a tv_tensors.KeyPoints instance or a pure tensor.`);
  if (canvasSize !== null) {
    throw new TypeError(`${fn}: canvas_size must be None when key_points is a tv_tensors.KeyPoints instance. Got canvas_size=(${canvasSize.join(', ')}). Leave it to None or pass key_points as a pure tensor.`);
  }
  const valid = sanitizeKeypointsMask(keypoints, keyPointsCanvasSize(keypoints));
  return [wrap(keypoints.index(valid), { like: keypoints }) as T, valid];
}

/**
 * torchvision's _get_sanitize_bounding_boxes_mask: which boxes are at least minSize wide and high,
 * minArea large and inside their canvas (rotated boxes: measured on their corners, with torchvision's
 * height taken from (x2 - y2, y2 - x3), as its code does).
 */
export function sanitizeBoundingBoxesMask(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], minSize = 1.0, minArea = 1.0): Tensor {
  format = toBoundingBoxFormat(format, 'sanitize_bounding_boxes');
  // torchvision indexes the boxes as [:, i]: anything but (N, K) fails there (an IndexError or a shape mismatch)
  if (boxes.dim() !== 2) throw new RangeError(`sanitize_bounding_boxes: boxes must be an (N, K) tensor, got shape [${boxes.shape.join(', ')}]`);
  const [h, w] = [canvasSize[0]!, canvasSize[1]!];
  const isRotated = isRotatedBoundingFormat(format);
  return torch.tidy(() => {
    const b = convertFormat(boxes, format, isRotated ? 'XYXYXYXY' : 'XYXY');
    const col = (i: number): Tensor => b.index('...', i);
    let ws: Tensor, hs: Tensor;
    if (isRotated) {
      ws = torch.sqrt(col(0).sub(col(2)).pow(2).add(col(1).sub(col(3)).pow(2)));
      hs = torch.sqrt(col(3).sub(col(5)).pow(2).add(col(4).sub(col(6)).pow(2)));
    } else [ws, hs] = [col(2).sub(col(0)), col(3).sub(col(1))];
    const valid = ws.ge(minSize).logicalAnd(hs.ge(minSize)).logicalAnd(b.ge(0).all(-1)).logicalAnd(ws.mul(hs).ge(minArea));
    valid.bitwiseAnd_(col(0).le(w).logicalAnd(col(2).le(w)));
    valid.bitwiseAnd_(col(1).le(h).logicalAnd(col(3).le(h)));
    if (isRotated) {
      valid.bitwiseAnd_(col(4).le(w).logicalAnd(col(5).le(h)));
      valid.bitwiseAnd_(col(6).le(w).logicalAnd(col(7).le(h)));
    }
    return valid;
  });
}

const SANITIZE_BOXES_ARGS = signature('sanitize_bounding_boxes', { format: null, canvasSize: null, minSize: 1.0, minArea: 1.0 });

/** v2's sanitize_bounding_boxes: the valid boxes (sanitizeBoundingBoxesMask) and the mask that kept them (to index the labels with). A plain tensor needs format and canvasSize. */
export function sanitizeBoundingBoxes<T extends Tensor>(boxes: T, format?: BoundingBoxFormat | string | null, canvasSize?: readonly number[] | null, minSize?: number, minArea?: number): [T, Tensor];
export function sanitizeBoundingBoxes<T extends Tensor>(boxes: T, ...args: PyArgsWith<[format: BoundingBoxFormat | string | null, canvasSize: readonly number[] | null, minSize: number, minArea: number], { format?: BoundingBoxFormat | string | null; canvasSize?: readonly number[] | null; minSize?: number; minArea?: number }>): [T, Tensor];
export function sanitizeBoundingBoxes<T extends Tensor>(boxes: T, ...args: unknown[]): [T, Tensor] {
  const [format, canvasSize, minSize, minArea] = bind(SANITIZE_BOXES_ARGS, args) as [unknown, readonly number[] | null, number, number];
  const fn = 'sanitize_bounding_boxes';
  const shown = (v: unknown): string => (v === null ? 'None' : Array.isArray(v) ? `(${v.join(', ')})` : String(v));
  if (isPureTensor(boxes as unknown)) {
    if (format === null || canvasSize === null) {
      throw new TypeError(`${fn}: format and canvas_size cannot be None if bounding_boxes is a pure tensor. Got format=${shown(format)} and canvas_size=${shown(canvasSize)}.Set those to appropriate values or pass bounding_boxes as a tv_tensors.BoundingBoxes object.`);
    }
    const valid = sanitizeBoundingBoxesMask(boxes, toBoundingBoxFormat(format, fn), setupSize(canvasSize as number[], fn), minSize, minArea);
    return [boxes.index(valid) as T, valid];
  }
  if (kindOf(boxes) !== 'BoundingBoxes') throw new TypeError(`${fn}: bounding_boxes must be a tv_tensors.BoundingBoxes instance or a pure tensor.`);
  if (format !== null || canvasSize !== null) {
    throw new TypeError(`${fn}: format and canvas_size must be None when bounding_boxes is a tv_tensors.BoundingBoxes instance. Got format=${shown(format)} and canvas_size=${shown(canvasSize)}. Leave those to None or pass bounding_boxes as a pure tensor.`);
  }
  const meta = boxesMeta(boxes);
  const valid = sanitizeBoundingBoxesMask(boxes, meta.format, meta.canvasSize, minSize, minArea);
  return [wrap(boxes.index(valid), { like: boxes }) as T, valid];
}

// ---- mask kernels: the image kernels on [..., 1, H, W] ------------------------------------------

/** A mask kernel on [..., C, H, W]: an [H, W] mask gains a channel and loses it after, as v2's mask kernels. */
export function onMask(mask: Tensor, op: (m: Tensor) => Tensor): Tensor {
  if (mask.dim() >= 3) return op(mask);
  return torch.tidy(() => op(mask.unsqueeze(0)).squeeze(0));
}

export const horizontalFlipMask = (mask: Tensor): Tensor => mask.flip(-1);
export const verticalFlipMask = (mask: Tensor): Tensor => mask.flip(-2);

/** v2's resize_mask: nearest (or nearest-exact) interpolation whatever the mode asked. */
export function resizeMask(mask: Tensor, size: number | readonly number[] | null, interpolation: InterpolationArg = 'nearest', maxSize: number | null = null): Tensor {
  const mode = v1.checkInterpolation(interpolation, 'resize') === 'nearest-exact' ? 'nearest-exact' : 'nearest';
  return onMask(mask, (m) => resizeImage(m, size, mode, maxSize));
}

export const cropMask = (mask: Tensor, top: number, left: number, height: number, width: number): Tensor => onMask(mask, (m) => v1.crop(m, top, left, height, width));

/** v2's pad_mask: one fill value (0 for null); a list is an Error, as in v2. */
export function padMask(mask: Tensor, padding: number | readonly number[], fill: number | readonly number[] | null = null, paddingMode: PaddingMode = 'constant'): Tensor {
  if (Array.isArray(fill)) throw new TypeError('pad: Non-scalar fill value is not supported (for a mask)');
  return onMask(mask, (m) => v1.pad(m, padding, (fill ?? 0) as number, paddingMode));
}

export const centerCropMask = (mask: Tensor, outputSize: number | readonly number[]): Tensor => onMask(mask, (m) => v1.centerCrop(m, outputSize));

export function resizedCropMask(mask: Tensor, top: number, left: number, height: number, width: number, size: number | readonly number[]): Tensor {
  return torch.tidy(() => resizeMask(cropMask(mask, top, left, height, width), size));
}

// ---- dispatch ------------------------------------------------------------------------------------

interface Kernels {
  image(img: ImageLike): ImageLike;
  mask?(m: Tensor): Tensor;
  boxes?(b: Tensor, meta: ReturnType<typeof boxesMeta>): Tensor | [Tensor, Size];
  keypoints?(k: Tensor, canvasSize: Size): Tensor | [Tensor, Size];
}

/** The kernel for the input's kind, its output wrapped as the input's kind. */
export function dispatch(inpt: unknown, fn: string, k: Kernels): any {
  if (inpt instanceof Image) return k.image(inpt);
  if (!isTensor(inpt)) throw new TypeError(`${fn}: expected a vision.Image, a tensor or a tv_tensor, got ${describe(inpt)}`);
  const kind = kindOf(inpt);
  if (kind === null) return k.image(inpt);
  if (kind === 'Image' || kind === 'Video') return markAs(k.image(inpt) as Tensor, kind);
  if (kind === 'Mask') {
    if (!k.mask) throw new TypeError(`${fn}: tv_tensors.Mask is not supported here`);
    return markAs(k.mask(inpt), 'Mask');
  }
  if ((kind === 'KeyPoints' ? k.keypoints : k.boxes) === undefined) throw new TypeError(`${fn}: tv_tensors.${kind} is not supported here`);
  // boxes and keypoints: the kernel on the plain tensor with the metadata, the result wrapped with its (new) canvas size
  const out = kind === 'KeyPoints' ? k.keypoints!(inpt, keyPointsCanvasSize(inpt)) : k.boxes!(inpt, boxesMeta(inpt));
  const [t, canvasSize] = Array.isArray(out) ? out : [out, undefined];
  if (t === inpt) return inpt;
  return wrap(t, { like: inpt, ...(canvasSize ? { canvasSize } : {}) });
}

/** v2's horizontal_flip: images, masks, boxes and keypoints (mirrored on their canvas). */
export function horizontalFlip<T extends ImageLike>(inpt: T): T {
  return dispatch(inpt, 'horizontal_flip', { image: (x) => v1.hflip(x), mask: horizontalFlipMask, boxes: (b, m) => horizontalFlipBoundingBoxes(b, m.format, m.canvasSize), keypoints: horizontalFlipKeypoints });
}
/** v2's vertical_flip: images, masks, boxes and keypoints. */
export function verticalFlip<T extends ImageLike>(inpt: T): T {
  return dispatch(inpt, 'vertical_flip', { image: (x) => v1.vflip(x), mask: verticalFlipMask, boxes: (b, m) => verticalFlipBoundingBoxes(b, m.format, m.canvasSize), keypoints: verticalFlipKeypoints });
}
export const hflip = horizontalFlip;
export const vflip = verticalFlip;

const RESIZE_ARGS = signature('resize', { size: REQUIRED, interpolation: 'bilinear', maxSize: null, antialias: true });

/** v2's resize: images (v2's kernel), masks (nearest), boxes and keypoints (scaled to the new canvas). */
export function resize<T extends ImageLike>(img: T, size: number | readonly number[] | null, interpolation?: InterpolationArg, maxSize?: number | null, antialias?: boolean | null): T;
export function resize<T extends ImageLike>(img: T, ...args: PyArgsWith<[size: number | readonly number[] | null, interpolation: InterpolationArg, maxSize: number | null, antialias: boolean | null], { size?: number | readonly number[] | null; interpolation?: InterpolationArg; maxSize?: number | null; antialias?: boolean | null }>): T;
export function resize<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [size, interpolation, maxSize, antialias] = bind(RESIZE_ARGS, args) as [number | readonly number[] | null, InterpolationMode, number | null, boolean | null];
  return dispatch(inpt, 'resize', {
    image: (x) => resizeImage(x, size, interpolation, maxSize, antialias),
    mask: (m) => resizeMask(m, size, interpolation, maxSize),
    boxes: (b, m) => resizeBoundingBoxes(b, m.canvasSize, size, maxSize, m.format, m.clampingMode),
    keypoints: (k, canvasSize) => resizeKeypoints(k, canvasSize, size, maxSize),
  });
}

const CROP_ARGS = signature('crop', { top: REQUIRED, left: REQUIRED, height: REQUIRED, width: REQUIRED });

/** v2's crop: images and masks (zero-padded where outside), boxes (shifted and clamped to the crop), keypoints (shifted). */
export function crop<T extends ImageLike>(img: T, top: number, left: number, height: number, width: number): T;
export function crop<T extends ImageLike>(img: T, ...args: PyArgsWith<[top: number, left: number, height: number, width: number], { top?: number; left?: number; height?: number; width?: number }>): T;
export function crop<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [top, left, height, width] = bind(CROP_ARGS, args) as [number, number, number, number];
  return dispatch(inpt, 'crop', {
    image: (x) => v1.crop(x, top, left, height, width),
    mask: (m) => cropMask(m, top, left, height, width),
    boxes: (b, m) => cropBoundingBoxes(b, m.format, top, left, height, width, m.clampingMode),
    keypoints: (k) => cropKeypoints(k, top, left, height, width),
  });
}

/** A pad fill: one value, one per channel, or null (0). */
type PadFill = number | readonly number[] | null;

/**
 * v2's pad_image: one value (or a list of one) pads as v1; a list of one value per channel pads with
 * zeros, then sets each channel's value on the padded borders (_pad_with_vector_fill: constant mode
 * only; the values as torch.tensor reads them, int64 or float32, converted to the image's dtype). A
 * vision.Image takes the values truncated and clamped to bytes, as PIL fills its canvas.
 */
export function padImage<T extends ImageLike>(img: T, padding: number | readonly number[], fill: PadFill = null, paddingMode: PaddingMode = 'constant'): T {
  if (fill === null || typeof fill === 'number' || fill.length === 1) return v1.pad(img, padding, fill === null ? 0 : typeof fill === 'number' ? fill : fill[0]!, paddingMode);
  if (!fill.every((v) => typeof v === 'number')) throw new TypeError(`pad: fill should be a number or a list of numbers, got ${describe(fill)}`);
  if (paddingMode !== 'constant') throw new RangeError(`pad: Padding mode '${paddingMode}' is not supported if fill is not scalar`);
  const [left, right, top, bottom] = parsePadPadding(padding, 'pad');
  if (img instanceof Image) {
    if (Math.min(left, right, top, bottom) < 0) throw new RangeError('pad: a negative padding with one fill value per channel is not supported for a vision.Image here');
    const [c, h, w] = [img.channels, img.height, img.width];
    if (fill.length !== c) throw new RangeError(`pad: fill has ${fill.length} values for an image of ${c} channels`);
    const bytes = fill.map((v) => Math.min(255, Math.max(0, Math.trunc(v))));
    const [H, W] = [h + top + bottom, w + left + right];
    const data = new Uint8Array(W * H * c);
    for (let p = 0; p < W * H; p++) for (let k = 0; k < c; k++) data[p * c + k] = bytes[k]!;
    for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * c, (y + 1) * w * c), ((y + top) * W + left) * c);
    return new Image(W, H, img.mode, data) as T;
  }
  const t = img as Tensor;
  return torch.tidy(() => {
    const out = v1.pad(t, padding, 0, 'constant');
    const values = torch.tensor([...fill], { dtype: fill.every(Number.isInteger) ? torch.int64 : torch.float32, device: t.device }).to(t.dtype).reshape(-1, 1, 1);
    // the borders in torchvision's order (the corners set twice), each expanded as its setitem expands the values
    const set = (region: Tensor): Tensor => region.copy_(values.expand(region.shape));
    if (top > 0) set(out.index('...', `:${top}`, ':'));
    if (left > 0) set(out.index('...', ':', `:${left}`));
    if (bottom > 0) set(out.index('...', `-${bottom}:`, ':'));
    if (right > 0) set(out.index('...', ':', `-${right}:`));
    return out;
  }) as T;
}

const PAD_ARGS = signature('pad', { padding: REQUIRED, fill: null, paddingMode: 'constant' });

/** v2's pad: images (one fill value or one per channel), masks (one fill value), boxes and keypoints (constant padding: shifted; boxes clamped). */
export function pad<T extends ImageLike>(img: T, padding: number | readonly number[], fill?: PadFill, paddingMode?: PaddingMode): T;
export function pad<T extends ImageLike>(img: T, ...args: PyArgsWith<[padding: number | readonly number[], fill: PadFill, paddingMode: PaddingMode], { padding?: number | readonly number[]; fill?: PadFill; paddingMode?: PaddingMode }>): T;
export function pad<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [padding, fill, paddingMode] = bind(PAD_ARGS, args) as [number | readonly number[], PadFill, PaddingMode];
  return dispatch(inpt, 'pad', {
    image: (x) => padImage(x, padding, fill, paddingMode),
    mask: (m) => padMask(m, padding, fill, paddingMode),
    boxes: (b, m) => padBoundingBoxes(b, m.format, m.canvasSize, padding, paddingMode, m.clampingMode),
    keypoints: (k, canvasSize) => padKeypoints(k, canvasSize, padding, paddingMode),
  });
}

const CENTER_CROP_ARGS = signature('center_crop', { outputSize: REQUIRED });

/** v2's center_crop: images, masks, boxes, keypoints. */
export function centerCrop<T extends ImageLike>(img: T, outputSize: number | readonly number[]): T;
export function centerCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[outputSize: number | readonly number[]], { outputSize?: number | readonly number[] }>): T;
export function centerCrop<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [outputSize] = bind(CENTER_CROP_ARGS, args) as [number | readonly number[]];
  return dispatch(inpt, 'center_crop', {
    image: (x) => v1.centerCrop(x, outputSize),
    mask: (m) => centerCropMask(m, outputSize),
    boxes: (b, m) => centerCropBoundingBoxes(b, m.format, m.canvasSize, outputSize, m.clampingMode),
    keypoints: (k, canvasSize) => centerCropKeypoints(k, canvasSize, outputSize),
  });
}

const RESIZED_CROP_ARGS = signature('resized_crop', { top: REQUIRED, left: REQUIRED, height: REQUIRED, width: REQUIRED, size: REQUIRED, interpolation: 'bilinear', antialias: true });

/** v2's resized_crop: crop, then resize (images with v2's kernel, masks nearest, boxes and keypoints scaled). */
export function resizedCrop<T extends ImageLike>(img: T, top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation?: InterpolationArg, antialias?: boolean | null): T;
export function resizedCrop<T extends ImageLike>(img: T, ...args: PyArgsWith<[top: number, left: number, height: number, width: number, size: number | readonly number[], interpolation: InterpolationArg, antialias: boolean | null], { top?: number; left?: number; height?: number; width?: number; size?: number | readonly number[]; interpolation?: InterpolationArg; antialias?: boolean | null }>): T;
export function resizedCrop<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [top, left, height, width, size, interpolation, antialias] = bind(RESIZED_CROP_ARGS, args) as [number, number, number, number, number | readonly number[], InterpolationMode, boolean | null];
  return dispatch(inpt, 'resized_crop', {
    image: (x) => (x instanceof Image ? v1.resizedCrop(x, top, left, height, width, size, interpolation, antialias) : torch.tidy(() => resizeImage(v1.crop(x, top, left, height, width), size, interpolation, null, antialias))),
    mask: (m) => resizedCropMask(m, top, left, height, width, size),
    boxes: (b, m) => resizedCropBoundingBoxes(b, m.format, top, left, height, width, size, m.clampingMode),
    keypoints: (k) => resizedCropKeypoints(k, top, left, height, width, size),
  });
}

const TO_DTYPE_ARGS = signature('to_dtype', { dtype: torch.float32, scale: false });

/** v2's to_dtype: images and plain tensors with v2's scaling (when `scale`); masks, boxes and keypoints cast. */
export function toDtype(inpt: Tensor, dtype?: torch.dtype, scale?: boolean): Tensor;
export function toDtype(inpt: Tensor, ...args: PyArgsWith<[dtype: torch.dtype, scale: boolean], { dtype?: torch.dtype; scale?: boolean }>): Tensor;
export function toDtype(inpt: Tensor, ...args: unknown[]): Tensor {
  const [dtype, scale] = bind(TO_DTYPE_ARGS, args) as [torch.dtype, boolean];
  if (!isTensor(inpt)) throw new TypeError(`to_dtype: expected a tensor (a vision.Image goes through ToImage first), got ${describe(inpt)}`);
  return dispatch(inpt, 'to_dtype', {
    image: (x) => toDtypeImage(x as Tensor, dtype, scale),
    mask: (m) => m.to(dtype),
    boxes: (b) => b.to(dtype),
    keypoints: (k) => k.to(dtype),
  });
}

// ---- box_iou (torchvision.ops.box_iou of xyxy boxes), for RandomIoUCrop -----------------------------

const upcast = (t: Tensor): Tensor => (t.isFloatingPoint() ? ([torch.float32, torch.float64].includes(t.dtype) ? t : t.float()) : [torch.int32, torch.int64].includes(t.dtype) ? t : t.int());
const boxArea = (b: Tensor): Tensor => { const u = upcast(b); return u.index('...', 2).sub(u.index('...', 0)).mul(u.index('...', 3).sub(u.index('...', 1))); };

/** torchvision.ops.box_iou of two sets of xyxy boxes: [N, M]. */
export function boxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  return torch.tidy(() => {
    const [area1, area2] = [boxArea(boxes1), boxArea(boxes2)];
    const lt = torch.maximum(boxes1.index('...', null, ':2'), boxes2.index('...', null, ':', ':2'));
    const rb = torch.minimum(boxes1.index('...', null, '2:'), boxes2.index('...', null, ':', '2:'));
    const wh = upcast(rb.sub(lt)).clamp({ min: 0 });
    const inter = wh.index('...', 0).mul(wh.index('...', 1));
    const union = area1.index('...', null).add(area2.index('...', null, ':')).sub(inter);
    return inter.div(union);
  });
}

/** [h, w] the boxes' kernels compute a resize to (exported for the transforms). */
export { resizedOutputSizeV2 };
export type { BoundingBoxFormat, ClampingMode };
