// transforms.v2.functional's rotate and affine for tv_tensors: torchvision 0.28's box kernels
// (_affine_bounding_boxes_with_expand: the four corners through the forward matrix, their
// enclosing box, clamped), keypoint kernels (_affine_keypoints_with_expand: each point through the
// forward matrix) and mask kernels (v2's rotate_image / affine_image with nearest
// interpolation: _get_inverse_affine_matrix, _compute_affine_output_size and _affine_grid ported op
// for op here, _apply_grid_transform in _grid.ts), and the dispatching rotate and affine. Images keep
// their kernels (v1's grid with v2's fill blend, v2's rot90 paths).
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { describe } from '../../../options.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { cos, sin } from '../../../libm.js';
import { tan as crTan } from '../../_crmath.js';
import * as v1 from '../functional.js';
import { _internal, type ImageLike, type InterpolationArg, type InterpolationMode } from '../functional.js';
import { Image } from '../../image.js';
import { isRotatedBoundingFormat, toBoundingBoxFormat, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { clampBoxes, convertFormat, dispatch, onMask, parallelogramToBoxes } from './_geometry.js';
import { applyNearestGrid, boxCorners, checkGridFill, enclosingBoxes, type Fill } from './_grid.js';

const { withV2FillBlend } = _internal;
type Size = [number, number];
type Pair = [number, number];

/** Python's float `%` by 360: in [0, 360), as rotate_image shifts the angle. */
function mod360(angle: number): number {
  const r = angle % 360;
  return r !== 0 && r < 0 ? r + 360 : r;
}

/** v2's _affine_parse_args: the checked translate, [shearX, shearY] and center. */
function parseAffineArgs(fn: string, angle: unknown, translate: unknown, scale: unknown, shear: unknown, center: unknown): { translate: Pair; shear: Pair; center: Pair | null } {
  if (typeof angle !== 'number') throw new TypeError(`${fn}: Argument angle should be int or float`);
  if (!Array.isArray(translate)) throw new TypeError(`${fn}: Argument translate should be a sequence`);
  if (translate.length !== 2) throw new RangeError(`${fn}: Argument translate should be a sequence of length 2`);
  if (typeof scale !== 'number' || !(scale > 0.0)) throw new RangeError(`${fn}: Argument scale should be positive`);
  if (typeof shear !== 'number' && !Array.isArray(shear)) throw new TypeError(`${fn}: Shear should be either a single value or a sequence of two values`);
  let s = typeof shear === 'number' ? [shear, 0.0] : [...(shear as number[])];
  if (s.length === 1) s = [s[0]!, s[0]!];
  if (s.length !== 2) throw new RangeError(`${fn}: Shear should be a sequence containing two values. Got ${describe(shear)}`);
  if (center !== null && !Array.isArray(center)) throw new TypeError(`${fn}: Argument center should be a sequence`);
  return { translate: [translate[0], translate[1]] as Pair, shear: s as Pair, center: center === null ? null : [(center as number[])[0]!, (center as number[])[1]!] };
}

/** v2's _get_inverse_affine_matrix, in double precision in its own order (v1's rounds differently). */
export function affineMatrix([cx, cy]: Pair, angle: number, [tx, ty]: Pair, scale: number, shear: Pair, inverted = true): number[] {
  const radians = (deg: number): number => deg * (Math.PI / 180);  // Python's math.radians
  const rot = radians(angle), sx = radians(shear[0]), sy = radians(shear[1]);
  // cos and sin as Python's math (glibc's; V8's differ in the last bit for some angles, which float64 boxes show);
  // no native path reaches glibc's tan (torch.tan is MKL's), so tan is correctly rounded, as glibc's is for all
  // but ~0.3% of shear angles (V8's differs for ~4%); a float64 box sheared by such an angle can differ in its last bits
  const cosSy = cos(sy), tanSx = crTan(sx), rotMinusSy = rot - sy;
  const [cxTx, cyTy] = [cx + tx, cy + ty];
  const a = cos(rotMinusSy) / cosSy;
  const b = -(a * tanSx + sin(rot));
  const c = sin(rotMinusSy) / cosSy;
  const d = cos(rot) - c * tanSx;
  if (inverted) {
    const m = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0];
    m[2] = m[2]! + (cx - m[0]! * cxTx - m[1]! * cyTy);
    m[5] = m[5]! + (cy - m[3]! * cxTx - m[4]! * cyTy);
    return m;
  }
  const m = [a * scale, b * scale, 0.0, c * scale, d * scale, 0.0];
  m[2] = m[2]! + (cxTx - m[0]! * cx - m[1]! * cy);
  m[5] = m[5]! + (cyTy - m[3]! * cx - m[4]! * cy);
  return m;
}

/** v2's _compute_affine_output_size_tensor: [width, height] holding the transformed canvas. */
export function affineOutputSize(matrix: readonly number[], w: number, h: number): Size {
  return torch.tidy(() => {
    const [hw, hh] = [0.5 * w, 0.5 * h];
    const pts = torch.tensor([[-hw, -hh, 1.0], [-hw, hh, 1.0], [hw, hh, 1.0], [hw, -hh, 1.0]], { dtype: torch.float32 });
    const theta = torch.tensor([...matrix], { dtype: torch.float32 }).view(2, 3);
    const [minVals, maxVals] = torch.aminmax(torch.matmul(pts, theta.t()), { dim: 0 }) as [Tensor, Tensor];
    const halfs = torch.tensor([hw, hh], { dtype: torch.float32 });
    minVals.add_(halfs);
    maxVals.add_(halfs);
    const tol = 1e-4;
    const cmax = maxVals.mul_(1.0 / tol).trunc_().mul_(tol).ceil_();
    const cmin = minVals.mul_(1.0 / tol).trunc_().mul_(tol).floor_();
    const size = cmax.sub_(cmin).tolist() as number[];
    return [Math.trunc(size[0]!), Math.trunc(size[1]!)] as Size;
  });
}

/** v2's _affine_grid: output pixel centres through theta, normalised by the input size. */
function affineGrid(theta: Tensor, w: number, h: number, ow: number, oh: number): Tensor {
  const { dtype, device } = theta;
  const baseGrid = torch.empty([1, oh, ow, 3], { dtype, device });
  baseGrid.index('...', 0).copy_(torch.linspace((1.0 - ow) * 0.5, (ow - 1.0) * 0.5, ow, { device }));
  baseGrid.index('...', 1).copy_(torch.linspace((1.0 - oh) * 0.5, (oh - 1.0) * 0.5, oh, { device }).unsqueeze_(-1));
  baseGrid.index('...', 2).fill_(1);
  const rescaledTheta = theta.transpose(1, 2).div_(torch.tensor([0.5 * w, 0.5 * h], { dtype, device }));
  return baseGrid.view(1, oh * ow, 3).bmm(rescaledTheta).view(1, oh, ow, 2);
}

/** v2's affine grid transform of [..., C, H, W] by an inverse matrix, nearest, to [oh, ow]. */
function nearestAffine(img: Tensor, matrix: readonly number[], [oh, ow]: Size, fill: number[] | null): Tensor {
  const [h, w] = img.shape.slice(-2) as Size;
  const dtype = img.isFloatingPoint() ? img.dtype : torch.float32;
  const theta = torch.tensor([...matrix], { dtype, device: img.device }).reshape(1, 2, 3);
  return applyNearestGrid(img, affineGrid(theta, w, h, ow, oh), fill);
}

/** v2's center_f: a center in pixels, relative to the image's center. */
const centerF = (center: Pair | null, [h, w]: Size): Pair => (center === null ? [0.0, 0.0] : [center[0] - w * 0.5, center[1] - h * 0.5]);

/** v2's rotate_image fast path: without a center, 0 is a copy and 90/180/270 exact rot90s (90/270 only when the size allows); else null. */
function rotateFastPath(t: Tensor, angle: number, expand: boolean, center: unknown): Tensor | null {
  if (center !== null) return null;
  const a = mod360(angle);
  if (a === 0) return t.clone();
  if (a === 180) return torch.rot90(t, 2, [-2, -1]);
  if (!(expand || t.size(-1) === t.size(-2))) return null;
  return a === 90 ? torch.rot90(t, 1, [-2, -1]) : a === 270 ? torch.rot90(t, 3, [-2, -1]) : null;
}

// ---- masks -----------------------------------------------------------------------------------------

/** v2's rotate_mask: rotate_image with nearest interpolation (its rot90 fast paths included). */
export function rotateMask(mask: Tensor, angle: number, expand = false, center: readonly number[] | null = null, fill: Fill = null): Tensor {
  const c = parseAffineArgs('rotate', angle, [0, 0], 1.0, 0.0, center).center;
  return onMask(mask, (m) => torch.tidy(() => {
    const fast = rotateFastPath(m, angle, expand, c);
    if (fast !== null) return fast;
    const a = mod360(angle);
    const [h, w] = m.shape.slice(-2) as Size;
    const matrix = affineMatrix(centerF(c, [h, w]), -a, [0.0, 0.0], 1.0, [0.0, 0.0]);
    const fillList = checkGridFill('rotate', m, fill);
    const [ow, oh] = expand ? affineOutputSize(matrix, w, h) : [w, h];
    return nearestAffine(m, matrix, [oh, ow], fillList);
  }));
}

/** v2's affine_mask: affine_image with nearest interpolation. */
export function affineMask(mask: Tensor, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], fill: Fill = null, center: readonly number[] | null = null): Tensor {
  const p = parseAffineArgs('affine', angle, translate, scale, shear, center);
  return onMask(mask, (m) => torch.tidy(() => {
    const hw = m.shape.slice(-2) as Size;
    const matrix = affineMatrix(centerF(p.center, hw), angle, [1.0 * p.translate[0], 1.0 * p.translate[1]], scale, p.shear);
    return nearestAffine(m, matrix, hw, checkGridFill('affine', m, fill));
  }));
}

// ---- boxes -----------------------------------------------------------------------------------------

/** [N, 2] points through the 3x2 matrix `mT` (the points given a third coordinate of 1). */
const throughMatrix = (points: Tensor, mT: Tensor): Tensor => torch.matmul(torch.cat([points, torch.ones([points.size(0), 1], { device: points.device, dtype: points.dtype })], -1), mT);

/** Each box's four corners through the 3x2 matrix `mT`, and the XYXY box enclosing them. */
const transformedCorners = (xyxy: Tensor, mT: Tensor): Tensor => enclosingBoxes(throughMatrix(boxCorners(xyxy), mT));

interface AffineArgs { angle: number; translate: readonly number[]; scale: number; shear: number | readonly number[]; center: readonly number[] | null; expand: boolean }
interface AffineBoxArgs extends AffineArgs { clampingMode: ClampingMode }

/** The forward matrix of an affine map about `center` (the canvas's center by default), as the 3x2 `mT` points are multiplied by. */
function forwardMatrixT(p: ReturnType<typeof parseAffineArgs>, o: AffineArgs, [h, w]: Size, dtype: torch.dtype, device: torch.Device): { center: Pair; mT: Tensor } {
  const center: Pair = p.center ?? [w * 0.5, h * 0.5];
  const forward = affineMatrix(center, o.angle, p.translate, o.scale, p.shear, false);
  return { center, mT: torch.tensor(forward, { dtype, device }).reshape(2, 3).t() };
}

/** With expand: the [1, 2] minimum of the canvas's corners through `mT` (where the expanded canvas starts), and that canvas [h, w]. */
function expandedFrame(p: ReturnType<typeof parseAffineArgs>, o: AffineArgs, center: Pair, mT: Tensor, [h, w]: Size): [Tensor, Size] {
  const frame = torch.tensor([[0.0, 0.0, 1.0], [0.0, h, 1.0], [w, h, 1.0], [w, 0.0, 1.0]], { dtype: mT.dtype, device: mT.device });
  const [nw, nh] = affineOutputSize(affineMatrix(center, o.angle, p.translate, o.scale, p.shear), w, h);
  return [torch.matmul(frame, mT).amin(0, true), [nh, nw]];
}

/**
 * v2's _affine_bounding_boxes_with_expand: the boxes and their canvas. Unrotated boxes become the box
 * enclosing their moved corners; rotated ones keep their moved corners, made a rectangle again.
 */
function affineBoxesWithExpand(fn: string, boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], o: AffineBoxArgs): [Tensor, Size] {
  format = toBoundingBoxFormat(format, fn);
  const [h, w] = [canvasSize[0]!, canvasSize[1]!];
  if (boxes.numel() === 0) return [boxes, [h, w]];
  const isRotated = isRotatedBoundingFormat(format);
  const between: BoundingBoxFormat = isRotated ? 'XYXYXYXY' : 'XYXY';
  const p = parseAffineArgs(fn, o.angle, o.translate, o.scale, o.shear, o.center);
  return torch.tidy(() => {
    const needCast = !boxes.isFloatingPoint();
    const b = convertFormat(needCast ? boxes.float() : boxes.clone(), format, between, true).reshape(-1, isRotated ? 8 : 4);
    const { center, mT } = forwardMatrixT(p, o, [h, w], b.dtype, b.device);
    let out = isRotated ? parallelogramToBoxes(throughMatrix(b.reshape(-1, 2), mT).reshape(-1, 8)) : transformedCorners(b, mT);
    let size: Size = [h, w];
    if (o.expand) {
      const [start, canvas] = expandedFrame(p, o, center, mT, [h, w]);
      out.sub_(start.repeat([1, isRotated ? 4 : 2]));
      size = canvas;
    }
    out = convertFormat(clampBoxes(out, between, size, o.clampingMode), between, format, true).reshape(boxes.shape);
    return [needCast ? out.to(boxes.dtype) : out, size] as [Tensor, Size];
  });
}

/** v2's rotate_bounding_boxes: counter-clockwise by `angle` degrees; with expand, on the canvas holding the whole rotated image. */
export function rotateBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], angle: number, expand = false, center: readonly number[] | null = null, clampingMode: ClampingMode = 'soft'): [Tensor, Size] {
  if (typeof angle !== 'number') throw new TypeError(`rotate: Argument angle should be int or float, got ${describe(angle)}`);
  return affineBoxesWithExpand('rotate_bounding_boxes', boxes, format, canvasSize, { angle: -angle, translate: [0.0, 0.0], scale: 1.0, shear: [0.0, 0.0], center, expand, clampingMode });
}

/** v2's affine_bounding_boxes: the enclosing boxes of the transformed corners, clamped to the canvas. */
export function affineBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], center: readonly number[] | null = null, clampingMode: ClampingMode = 'soft'): Tensor {
  return affineBoxesWithExpand('affine_bounding_boxes', boxes, format, canvasSize, { angle, translate, scale, shear, center, expand: false, clampingMode })[0];
}

// ---- keypoints -------------------------------------------------------------------------------------

/** v2's _affine_keypoints_with_expand: each point through the forward matrix (in float32 for integer points); with expand, moved onto the larger canvas. Nothing is clamped. */
function affineKeypointsWithExpand(fn: string, keypoints: Tensor, canvasSize: readonly number[], o: AffineArgs): [Tensor, Size] {
  const hw: Size = [canvasSize[0]!, canvasSize[1]!];
  if (keypoints.numel() === 0) return [keypoints, hw];
  const p = parseAffineArgs(fn, o.angle, o.translate, o.scale, o.shear, o.center);
  return torch.tidy(() => {
    const points = (keypoints.isFloatingPoint() ? keypoints.clone() : keypoints.float()).reshape(-1, 2);
    const { center, mT } = forwardMatrixT(p, o, hw, points.dtype, points.device);
    const out = throughMatrix(points, mT);
    let size = hw;
    if (o.expand) {
      const [start, canvas] = expandedFrame(p, o, center, mT, hw);
      out.sub_(start);
      size = canvas;
    }
    return [out.reshape(keypoints.shape).to(keypoints.dtype), size] as [Tensor, Size];
  });
}

/** v2's rotate_keypoints: counter-clockwise by `angle` degrees about `center` (the canvas's center); with expand, on the canvas holding the whole rotated image. */
export function rotateKeypoints(keypoints: Tensor, canvasSize: readonly number[], angle: number, expand = false, center: readonly number[] | null = null): [Tensor, Size] {
  if (typeof angle !== 'number') throw new TypeError(`rotate: Argument angle should be int or float, got ${describe(angle)}`);
  return affineKeypointsWithExpand('rotate_keypoints', keypoints, canvasSize, { angle: -angle, translate: [0.0, 0.0], scale: 1.0, shear: [0.0, 0.0], center, expand });
}

/** v2's affine_keypoints: each point through the forward affine matrix; the canvas is unchanged. */
export function affineKeypoints(keypoints: Tensor, canvasSize: readonly number[], angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], center: readonly number[] | null = null): [Tensor, Size] {
  return affineKeypointsWithExpand('affine_keypoints', keypoints, canvasSize, { angle, translate, scale, shear, center, expand: false });
}

// ---- images and the dispatchers --------------------------------------------------------------------

const ROTATE_ARGS = signature('rotate', { angle: REQUIRED, interpolation: 'nearest', expand: false, center: null, fill: null });
const AFFINE_ARGS = signature('affine', { angle: REQUIRED, translate: REQUIRED, scale: REQUIRED, shear: REQUIRED, interpolation: 'nearest', fill: null, center: null });

/** v2's rotate_image: the angle taken mod 360; without a center, 0 is a copy and 90/180/270 are exact rot90s (v2's fast path); else v1's grid with v2's fill blend. */
export function rotateImage<T extends ImageLike>(img: T, angle: number, interpolation: InterpolationArg = 'nearest', expand = false, center: readonly number[] | null = null, fill: Fill = null): T {
  const fast = !isTensor(img) || typeof angle !== 'number' ? null : rotateFastPath(img as Tensor, angle, expand, center);
  if (fast !== null) return fast as T;
  return withV2FillBlend(() => v1.rotate(img, angle, interpolation, expand, center, fill));
}

/** v2's affine_image: v1's grid with v2's fill blend. */
export function affineImage<T extends ImageLike>(img: T, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation: InterpolationArg = 'nearest', fill: Fill = null, center: readonly number[] | null = null): T {
  if (img instanceof Image) {
    // _affine_image_pil: v2's matrix about the image's centre in pixels (no half-pixel offset), then PIL's transform
    const args = parseAffineArgs('affine', angle, translate, scale, shear, center);
    const c: Pair = args.center ?? [img.width * 0.5, img.height * 0.5];
    return _internal.pilAffineImage(img, affineMatrix(c, angle, args.translate, scale, args.shear), interpolation, fill) as T;
  }
  return withV2FillBlend(() => v1.affine(img, angle, translate, scale, shear, interpolation, fill, center));
}

/** v2's rotate: images (v2's fast paths), masks (nearest), boxes (their enclosing boxes) and keypoints; with expand, on the larger canvas. */
export function rotate<T extends ImageLike>(img: T, angle: number, interpolation?: InterpolationArg, expand?: boolean, center?: readonly number[] | null, fill?: Fill): T;
export function rotate<T extends ImageLike>(img: T, ...args: PyArgsWith<[angle: number, interpolation: InterpolationArg, expand: boolean, center: readonly number[] | null, fill: Fill], { angle?: number; interpolation?: InterpolationArg; expand?: boolean; center?: readonly number[] | null; fill?: Fill }>): T;
export function rotate<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [angle, interpolation, expand, center, fill] = bind(ROTATE_ARGS, args) as [number, InterpolationMode, boolean, readonly number[] | null, Fill];
  return dispatch(inpt, 'rotate', {
    image: (x) => rotateImage(x, angle, interpolation, expand, center, fill),
    mask: (m) => rotateMask(m, angle, expand, center, fill),
    boxes: (b, m) => rotateBoundingBoxes(b, m.format, m.canvasSize, angle, expand, center, m.clampingMode),
    keypoints: (k, canvasSize) => rotateKeypoints(k, canvasSize, angle, expand, center),
  });
}

/** v2's affine: images, masks (nearest), boxes (the enclosing boxes of their transformed corners), keypoints. */
export function affine<T extends ImageLike>(img: T, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation?: InterpolationArg, fill?: Fill, center?: readonly number[] | null): T;
export function affine<T extends ImageLike>(img: T, ...args: PyArgsWith<[angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation: InterpolationArg, fill: Fill, center: readonly number[] | null], { angle?: number; translate?: readonly number[]; scale?: number; shear?: number | readonly number[]; interpolation?: InterpolationArg; fill?: Fill; center?: readonly number[] | null }>): T;
export function affine<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [angle, translate, scale, shear, interpolation, fill, center] = bind(AFFINE_ARGS, args) as [number, readonly number[], number, number | readonly number[], InterpolationMode, Fill, readonly number[] | null];
  return dispatch(inpt, 'affine', {
    image: (x) => affineImage(x, angle, translate, scale, shear, interpolation, fill, center),
    mask: (m) => affineMask(m, angle, translate, scale, shear, fill, center),
    boxes: (b, m) => affineBoundingBoxes(b, m.format, m.canvasSize, angle, translate, scale, shear, center, m.clampingMode),
    keypoints: (k, canvasSize) => affineKeypoints(k, canvasSize, angle, translate, scale, shear, center),
  });
}
