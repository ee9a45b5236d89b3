// transforms.v2.functional's elastic for tv_tensors: torchvision 0.28's elastic_bounding_boxes (each
// corner moved by the approximate inverse grid, identity - displacement, read at its ceiled pixel;
// the enclosing box, clamped), elastic_keypoints (each point moved by that grid read at its
// truncated pixel) and elastic_mask (elastic_image with nearest sampling), and the
// dispatching elastic. Images keep v1's kernel with v2's grid dtype and fill blend.
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import * as v1 from '../functional.js';
import { _internal, type ImageLike, type InterpolationArg, type InterpolationMode } from '../functional.js';
import { isRotatedBoundingFormat, toBoundingBoxFormat, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { clampBoxes, convertFormat, dispatch, onMask } from './_geometry.js';
import { boxCorners, enclosingBoxes, type Fill } from './_grid.js';

const { withV2FillBlend } = _internal;

/** v2's elastic_image: v1's grid transform with v2's grid dtype and fill blend. */
export function elasticImage<T extends ImageLike>(img: T, displacement: Tensor, interpolation: InterpolationArg = 'bilinear', fill: Fill = null): T {
  // v2's _check_interpolation takes Pillow's integer constants without v1's warning
  const mode = v1.interpolationFromInt(interpolation, 'elastic') as InterpolationMode;
  return withV2FillBlend(() => v1.elasticTransform(img, displacement, mode, fill));
}

/** v2's elastic_mask: elastic_image with nearest sampling. */
export function elasticMask(mask: Tensor, displacement: Tensor, fill: Fill = null): Tensor {
  return onMask(mask, (m) => elasticImage(m, displacement, 'nearest', fill));
}

/** v2's _create_identity_grid: pixel centres in [-1, 1] grid units, [1, H, W, 2]. */
function identityGrid(size: readonly [number, number], device: torch.Device, dtype: torch.dtype): Tensor {
  const [sy, sx] = size;
  const baseGrid = torch.empty([1, sy, sx, 2], { device, dtype });
  baseGrid.index('...', 0).copy_(torch.linspace((-sx + 1) / sx, (sx - 1) / sx, sx, { device, dtype }));
  baseGrid.index('...', 1).copy_(torch.linspace((-sy + 1) / sy, (sy - 1) / sy, sy, { device, dtype }).unsqueeze_(-1));
  return baseGrid;
}

/** [h, w] of the canvas, once the displacement is checked to be a [1, h, w, 2] tensor (torchvision's messages). */
function checkDisplacement(displacement: Tensor, canvasSize: readonly number[]): [number, number] {
  const [h, w] = [canvasSize[0]!, canvasSize[1]!];
  if (!isTensor(displacement)) throw new TypeError('elastic: Argument displacement should be a Tensor');
  if (displacement.dim() !== 4 || [1, h, w, 2].some((s, i) => displacement.size(i) !== s)) {
    throw new RangeError(`elastic: Argument displacement shape should be [1, ${h}, ${w}, 2], but given [${displacement.shape.join(', ')}]`);
  }
  return [h, w];
}

/**
 * [N, 2] points moved by the approximate inverse grid (identity - displacement, in the points' float
 * dtype, float32 for integers): the grid read at each point's pixel (the points truncated to integers
 * and clamped to the canvas), scaled back to pixels.
 */
function throughInverseGrid(points: Tensor, [h, w]: [number, number], displacement: Tensor, dtype: torch.dtype): Tensor {
  const { device } = points;
  const disp = displacement.dtype !== dtype || displacement.device.type !== device.type ? displacement.to(device, dtype) : displacement;
  const invGrid = identityGrid([h, w], device, dtype).sub_(disp);
  const indexXy = points.to(torch.int64);
  const indexX = indexXy.index(':', 0).clamp(0, w - 1), indexY = indexXy.index(':', 1).clamp(0, h - 1);
  const tSize = torch.tensor([w, h], { device: disp.device, dtype: disp.dtype });
  return invGrid.index(0, indexY, indexX, ':').add_(1).mul_(tSize.mul(0.5)).sub_(0.5);
}

/** v2's elastic_keypoints: each point moved by the approximate inverse grid read at its (truncated) pixel, as torchvision's; nothing is clamped. */
export function elasticKeypoints(keypoints: Tensor, canvasSize: readonly number[], displacement: Tensor): Tensor {
  const hw = checkDisplacement(displacement, canvasSize);
  if (keypoints.numel() === 0) return keypoints;
  const dtype = keypoints.isFloatingPoint() ? keypoints.dtype : torch.float32;
  return torch.tidy(() => throughInverseGrid(keypoints.clone().reshape(-1, 2), hw, displacement, dtype).to(keypoints.dtype).reshape(keypoints.shape));
}

/**
 * v2's elastic_bounding_boxes: an approximation (the grid's inverse taken as identity - displacement),
 * as torchvision's: unrotated boxes enclose their moved corners; rotated ones (in CXCYWHR) have their
 * center moved, keeping their size and angle.
 */
export function elasticBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], displacement: Tensor, clampingMode: ClampingMode = 'soft'): Tensor {
  format = toBoundingBoxFormat(format, 'elastic_bounding_boxes');
  const [h, w] = checkDisplacement(displacement, canvasSize);
  if (boxes.numel() === 0) return boxes;
  const isRotated = isRotatedBoundingFormat(format);
  const between: BoundingBoxFormat = isRotated ? 'CXCYWHR' : 'XYXY';
  return torch.tidy(() => {
    const dtype = boxes.isFloatingPoint() ? boxes.dtype : torch.float32;
    const b = convertFormat(boxes.clone(), format, between).reshape(-1, isRotated ? 5 : 4);  // not cast first: int64 boxes convert as int64, as v2
    let points = isRotated ? b.index(':', ':2').reshape(-1, 2) : boxCorners(b);
    if (points.isFloatingPoint()) points = points.ceil_();
    const moved = throughInverseGrid(points, [h, w], displacement, dtype);
    const out = clampBoxes((isRotated ? torch.cat([moved, b.index(':', '2:')], 1) : enclosingBoxes(moved)).to(b.dtype), between, [h, w], clampingMode);
    return convertFormat(out, between, format).reshape(boxes.shape);
  });
}

const ELASTIC_ARGS = signature('elastic', { displacement: REQUIRED, interpolation: 'bilinear', fill: null });

/** v2's elastic (elastic_transform): images, masks (nearest), boxes and keypoints (approximately, as torchvision). */
export function elastic<T extends ImageLike>(img: T, displacement: Tensor, interpolation?: InterpolationArg, fill?: Fill): T;
export function elastic<T extends ImageLike>(img: T, ...args: PyArgsWith<[displacement: Tensor, interpolation: InterpolationArg, fill: Fill], { displacement?: Tensor; interpolation?: InterpolationArg; fill?: Fill }>): T;
export function elastic<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [displacement, interpolation, fill] = bind(ELASTIC_ARGS, args) as [Tensor, InterpolationMode, Fill];
  return dispatch(inpt, 'elastic', {
    image: (x) => elasticImage(x, displacement, interpolation, fill),
    mask: (m) => elasticMask(m, displacement, fill),
    boxes: (b, m) => elasticBoundingBoxes(b, m.format, m.canvasSize, displacement, m.clampingMode),
    keypoints: (k, canvasSize) => elasticKeypoints(k, canvasSize, displacement),
  });
}
export const elasticTransform = elastic;
