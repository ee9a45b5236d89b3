// transforms.v2.functional's elastic for tv_tensors: torchvision 0.28's elastic_bounding_boxes (each
// corner moved by the approximate inverse grid, identity - displacement, read at its ceiled pixel;
// the enclosing box, clamped) and elastic_mask (elastic_image with nearest sampling), and the
// dispatching elastic. Images keep v1's kernel with v2's grid dtype and fill blend.
import * as torch from '../../../index.js';
import { isTensor, type Tensor } from '../../../tensor.js';
import { bind, REQUIRED, signature, type PyArgsWith } from '../../../nn/functional/_signature.js';
import * as v1 from '../functional.js';
import { _internal, type ImageLike, type InterpolationMode } from '../functional.js';
import { toBoundingBoxFormat, type BoundingBoxFormat, type ClampingMode } from '../../tv_tensors.js';
import { clampBoxes, convertFormat, dispatch, onMask } from './_geometry.js';
import { boxCorners, enclosingBoxes, type Fill } from './_grid.js';

const { withV2FillBlend } = _internal;

/** v2's elastic_image: v1's grid transform with v2's grid dtype and fill blend. */
export function elasticImage<T extends ImageLike>(img: T, displacement: Tensor, interpolation: InterpolationMode = 'bilinear', fill: Fill = null): T {
  return withV2FillBlend(() => v1.elasticTransform(img, displacement, interpolation, fill));
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

/** v2's elastic_bounding_boxes: an approximation (the grid's inverse taken as identity - displacement), as torchvision's. */
export function elasticBoundingBoxes(boxes: Tensor, format: BoundingBoxFormat, canvasSize: readonly number[], displacement: Tensor, clampingMode: ClampingMode = 'soft'): Tensor {
  format = toBoundingBoxFormat(format, 'elastic_bounding_boxes');
  const [h, w] = [canvasSize[0]!, canvasSize[1]!];
  if (!isTensor(displacement)) throw new TypeError('elastic: Argument displacement should be a Tensor');
  if (displacement.dim() !== 4 || [1, h, w, 2].some((s, i) => displacement.size(i) !== s)) {
    throw new RangeError(`elastic: Argument displacement shape should be [1, ${h}, ${w}, 2], but given [${displacement.shape.join(', ')}]`);
  }
  if (boxes.numel() === 0) return boxes;
  return torch.tidy(() => {
    const { device } = boxes;
    const dtype = boxes.isFloatingPoint() ? boxes.dtype : torch.float32;
    const disp = displacement.dtype !== dtype || displacement.device.type !== device.type ? displacement.to(device, dtype) : displacement;
    const xyxy = convertFormat(boxes.clone(), format, 'XYXY').reshape(-1, 4);  // not cast first: int64 boxes convert as int64, as v2
    const invGrid = identityGrid([h, w], device, dtype).sub_(disp);
    let points = boxCorners(xyxy);
    if (points.isFloatingPoint()) points = points.ceil_();
    const indexXy = points.to(torch.int64);
    const indexX = indexXy.index(':', 0).clamp(0, w - 1), indexY = indexXy.index(':', 1).clamp(0, h - 1);
    const tSize = torch.tensor([w, h], { device: disp.device, dtype: disp.dtype });
    const moved = invGrid.index(0, indexY, indexX, ':').add_(1).mul_(tSize.mul(0.5)).sub_(0.5);
    const out = clampBoxes(enclosingBoxes(moved).to(xyxy.dtype), 'XYXY', [h, w], clampingMode);
    return convertFormat(out, 'XYXY', format).reshape(boxes.shape);
  });
}

const ELASTIC_ARGS = signature('elastic', { displacement: REQUIRED, interpolation: 'bilinear', fill: null });

/** v2's elastic (elastic_transform): images, masks (nearest), boxes (approximately, as torchvision). */
export function elastic<T extends ImageLike>(img: T, displacement: Tensor, interpolation?: InterpolationMode, fill?: Fill): T;
export function elastic<T extends ImageLike>(img: T, ...args: PyArgsWith<[displacement: Tensor, interpolation: InterpolationMode, fill: Fill], { displacement?: Tensor; interpolation?: InterpolationMode; fill?: Fill }>): T;
export function elastic<T extends ImageLike>(inpt: T, ...args: unknown[]): T {
  const [displacement, interpolation, fill] = bind(ELASTIC_ARGS, args) as [Tensor, InterpolationMode, Fill];
  return dispatch(inpt, 'elastic', {
    image: (x) => elasticImage(x, displacement, interpolation, fill),
    mask: (m) => elasticMask(m, displacement, fill),
    boxes: (b, m) => elasticBoundingBoxes(b, m.format, m.canvasSize, displacement, m.clampingMode),
  });
}
export const elasticTransform = elastic;
