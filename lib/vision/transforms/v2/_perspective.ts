// transforms.v2.functional's perspective for tv_tensors: torchvision 0.28's perspective_bounding_boxes
// (the box corners through the inverted projective map, their enclosing box, clamped),
// perspective_keypoints (each point through that map) and
// perspective_mask (perspective_image with nearest sampling: _perspective_grid ported op for op),
// and the dispatching perspective. Images keep v1's kernel with v2's fill blend (from corners or coefficients).
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';
import { bind, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import { _internal, type ImageLike, type InterpolationArg, type InterpolationMode } from '../functional.js';
import { isRotatedBoundingFormat, toBoundingBoxFormat, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { clampBoxes, convertFormat, dispatch, onMask, parallelogramToBoxes } from './_geometry.js';
import { applyNearestGrid, boxCorners, checkGridFill, enclosingBoxes, type Fill } from './_grid.js';

const { withV2FillBlend, perspectiveByCoefficients } = _internal;
/** torchvision's _get_perspective_coeffs (v1's). */
export const { perspectiveCoefficients } = _internal;
type Points = readonly (readonly number[])[] | null;

/** v2's _perspective_coefficients: the coefficients given, or those of the corners (not both). */
function coefficientsOf(startpoints: Points, endpoints: Points, coefficients: readonly number[] | null): number[] {
  if (coefficients !== null) {
    if (startpoints !== null && endpoints !== null) throw new RangeError("perspective: The startpoints/endpoints and the coefficients shouldn't be defined concurrently.");
    if (!Array.isArray(coefficients) || coefficients.length !== 8) throw new RangeError('perspective: Argument coefficients should have 8 float values');
    return [...coefficients];
  }
  if (startpoints !== null && endpoints !== null) return perspectiveCoefficients(startpoints, endpoints);
  throw new RangeError('perspective: Either the startpoints/endpoints or the coefficients must have non `None` values.');
}

/** v2's _perspective_grid: v1's, the pixel centres spaced in the grid's dtype. */
const perspectiveGrid = (c: readonly number[], ow: number, oh: number, dtype: torch.dtype, device: torch.Device): Tensor => _internal.perspectiveGrid(c, ow, oh, dtype, device, dtype);

/** v2's perspective_image: from the corners or the map's 8 coefficients (not both); v1's kernel with v2's fill blend. */
export function perspectiveImage<T extends ImageLike>(img: T, startpoints: Points, endpoints: Points, interpolation: InterpolationArg = 'bilinear', fill: Fill = null, coefficients: readonly number[] | null = null): T {
  const coeffs = coefficientsOf(startpoints, endpoints, coefficients);
  return withV2FillBlend(() => perspectiveByCoefficients(img, coeffs, interpolation, fill));
}

/** v2's perspective_mask: perspective_image with nearest sampling. */
export function perspectiveMask(mask: Tensor, startpoints: Points, endpoints: Points, fill: Fill = null, coefficients: readonly number[] | null = null): Tensor {
  const coeffs = coefficientsOf(startpoints, endpoints, coefficients);
  return onMask(mask, (m) => torch.tidy(() => {
    const fillList = checkGridFill('perspective', m, fill);
    const [oh, ow] = m.shape.slice(-2) as [number, number];
    const dtype = m.isFloatingPoint() ? m.dtype : torch.float32;
    return applyNearestGrid(m, perspectiveGrid(coeffs, ow, oh, dtype, m.device), fillList);
  }));
}

/** v2's _compute_perspective_thetas: the numerator and denominator rows of the inverted map. */
function inverseThetas(c: readonly number[], denom: number, dtype: torch.dtype, device: torch.Device): [Tensor, Tensor] {
  const [c0, c1, c2, c3, c4, c5, c6, c7] = c as [number, number, number, number, number, number, number, number];
  const inv = [
    (c4 - c5 * c7) / denom, (-c1 + c2 * c7) / denom, (c1 * c5 - c2 * c4) / denom,
    (-c3 + c5 * c6) / denom, (c0 - c2 * c6) / denom, (-c0 * c5 + c2 * c3) / denom,
    (-c4 * c6 + c3 * c7) / denom, (-c0 * c7 + c1 * c6) / denom,
  ] as const;
  const theta1 = torch.tensor([[inv[0], inv[1], inv[2]], [inv[3], inv[4], inv[5]]], { dtype, device });
  const theta2 = torch.tensor([[inv[6], inv[7], 1.0], [inv[6], inv[7], 1.0]], { dtype, device });
  return [theta1, theta2];
}

/** The coefficients and their denominator, or Python's RuntimeError (the coefficients as its list prints them) where the map has no inverse. */
function invertibleCoefficients(startpoints: Points, endpoints: Points, coefficients: readonly number[] | null, what: string): [number[], number] {
  const c = coefficientsOf(startpoints, endpoints, coefficients);
  const denom = c[0]! * c[4]! - c[1]! * c[3]!;
  if (denom === 0) throw new Error(`perspective: Provided perspective_coeffs [${c.join(', ')}] can not be inverted to transform ${what}. Denominator is zero, denom=${denom}`);
  return [c, denom];
}

/** [N, 2] points through the inverted map (in `dtype`; the ones column float32, promoted as torch.cat promotes). */
function throughInverse(points: Tensor, c: readonly number[], denom: number, dtype: torch.dtype): Tensor {
  const [theta1, theta2] = inverseThetas(c, denom, dtype, points.device);
  const homogeneous = torch.cat([points, torch.ones([points.size(0), 1], { device: points.device })], -1);
  return torch.matmul(homogeneous, theta1.t()).div_(torch.matmul(homogeneous, theta2.t()));
}

/** v2's perspective_keypoints: each point through the inverted map (in float32 for integer points); nothing is clamped. */
export function perspectiveKeypoints(keypoints: Tensor, canvasSize: readonly number[], startpoints: Points, endpoints: Points, coefficients: readonly number[] | null = null): Tensor {
  if (keypoints.numel() === 0) return keypoints;
  const [c, denom] = invertibleCoefficients(startpoints, endpoints, coefficients, 'keypoints');
  const dtype = keypoints.isFloatingPoint() ? keypoints.dtype : torch.float32;
  return torch.tidy(() => throughInverse(keypoints.clone().reshape(-1, 2), c, denom, dtype).to(keypoints.dtype).reshape(keypoints.shape));
}

/** v2's perspective_bounding_boxes: the boxes enclosing their corners through the inverted map (rotated boxes: those corners made a rectangle again), clamped to the canvas. */
export function perspectiveBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], startpoints: Points, endpoints: Points, coefficients: readonly number[] | null = null, clampingMode: ClampingMode = 'soft'): Tensor {
  format = toBoundingBoxFormat(format, 'perspective_bounding_boxes');
  if (boxes.numel() === 0) return boxes;
  const [c, denom] = invertibleCoefficients(startpoints, endpoints, coefficients, 'bounding boxes');
  const isRotated = isRotatedBoundingFormat(format);
  const between: BoundingBoxFormat = isRotated ? 'XYXYXYXY' : 'XYXY';
  return torch.tidy(() => {
    const b = convertFormat(boxes, format, between).reshape(-1, isRotated ? 8 : 4);  // not cast first: int64 boxes convert as int64, as v2
    const dtype = b.isFloatingPoint() ? b.dtype : torch.float32;
    const moved = throughInverse(isRotated ? b.reshape(-1, 2) : boxCorners(b), c, denom, dtype);
    const out = clampBoxes(isRotated ? parallelogramToBoxes(moved.reshape(-1, 8)) : enclosingBoxes(moved), between, canvasSize as [number, number], clampingMode);
    return convertFormat(out, between, format, true).reshape(boxes.shape).to(boxes.dtype);
  });
}

const PERSPECTIVE_ARGS = signature('perspective', { startpoints: null, endpoints: null, interpolation: 'bilinear', fill: null, coefficients: null });

/** v2's perspective, from the corners or the map's 8 coefficients (not both): images (v1's kernel with v2's fill blend), masks (nearest), boxes (their enclosing boxes), keypoints. */
export function perspective<T extends ImageLike>(img: T, startpoints: Points, endpoints: Points, interpolation?: InterpolationArg, fill?: Fill, coefficients?: readonly number[] | null): T;
export function perspective<T extends ImageLike>(img: T, ...args: PyArgsWith<[startpoints: Points, endpoints: Points, interpolation: InterpolationArg, fill: Fill, coefficients: readonly number[] | null], { startpoints?: Points; endpoints?: Points; interpolation?: InterpolationArg; fill?: Fill; coefficients?: readonly number[] | null }>): T;
export function perspective<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [startpoints, endpoints, interpolation, fill, coefficients] = bind(PERSPECTIVE_ARGS, args) as [Points, Points, InterpolationMode, Fill, readonly number[] | null];
  return dispatch(inpt, 'perspective', {
    image: (x) => perspectiveImage(x, startpoints, endpoints, interpolation, fill, coefficients),
    mask: (m) => perspectiveMask(m, startpoints, endpoints, fill, coefficients),
    boxes: (b, m) => perspectiveBoundingBoxes(b, m.format, m.canvasSize, startpoints, endpoints, coefficients, m.clampingMode),
    keypoints: (k, canvasSize) => perspectiveKeypoints(k, canvasSize, startpoints, endpoints, coefficients),
  });
}
