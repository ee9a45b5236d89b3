// The grid-sampling pieces v2's mask and box kernels of rotate, affine, perspective and elastic
// share, ported op for op from torchvision 0.28: the fill check, _apply_grid_transform with nearest
// sampling (masks), and the corners of XYXY boxes and the boxes enclosing them once moved.
import * as torch from '../../../index.js';
import type { Tensor } from '../../../tensor.js';

export type Fill = number | readonly number[] | null;

/** v2's _assert_grid_transform_inputs for the fill: a number, or a list of 1 or one per channel. */
export function checkGridFill(fn: string, img: Tensor, fill: Fill): number[] | null {
  if (fill === null) return null;
  if (typeof fill === 'number') return [fill];
  if (!Array.isArray(fill) || !fill.every((v) => typeof v === 'number')) throw new RangeError(`${fn}: Argument fill should be either int, float, tuple or list`);
  const channels = img.size(-3);
  if (fill.length > 1 && fill.length !== channels) throw new RangeError(`${fn}: The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${channels})`);
  return [...fill];
}

/** v2's _apply_grid_transform with nearest sampling: grid_sample, then the fill where nothing was sampled. */
export function applyNearestGrid(img: Tensor, grid: Tensor, fill: number[] | null): Tensor {
  const [c, ih, iw] = img.shape.slice(-3) as [number, number, number];
  const [oh, ow] = [grid.size(1), grid.size(2)];
  const outputShape = [...img.shape.slice(0, -3), c, oh, ow];
  if (img.numel() === 0) return img.reshape(outputShape);
  const x = img.reshape(-1, c, ih, iw);
  const n = x.size(0);
  const fp = x.dtype === grid.dtype;
  let floatImg = fp ? x : x.to(grid.dtype);
  const g = n > 1 ? grid.expand(n, -1, -1, -1) : grid;
  if (fill !== null) floatImg = torch.cat([floatImg, torch.ones([n, 1, ih, iw], { dtype: floatImg.dtype, device: floatImg.device })], 1);
  floatImg = torch.nn.functional.gridSample(floatImg, g, { mode: 'nearest', paddingMode: 'zeros', alignCorners: false });
  if (fill !== null) {
    const [sampled, mask] = [floatImg.index(':', ':-1'), floatImg.index(':', '-1:')];
    const fillImg = torch.tensor(fill, { dtype: sampled.dtype, device: sampled.device }).view(1, -1, 1, 1);
    floatImg = torch.where(mask.expandAs(sampled).lt(0.5), fillImg.expandAs(sampled), sampled);
  }
  return (fp ? floatImg : floatImg.round_().to(img.dtype)).reshape(outputShape);
}

/** The corners (x0, y0), (x1, y0), (x1, y1), (x0, y1) of [N, 4] XYXY boxes, as [N * 4, 2] points (v2's points index). */
export function boxCorners(xyxy: Tensor): Tensor {
  return xyxy.index(':', torch.tensor([[0, 1], [2, 1], [2, 3], [0, 3]], { dtype: torch.int64, device: xyxy.device })).reshape(-1, 2);
}

/** [N * 4, 2] moved corners to the [N, 4] XYXY boxes enclosing each four. */
export function enclosingBoxes(points: Tensor): Tensor {
  const [mins, maxs] = torch.aminmax(points.reshape(-1, 4, 2), { dim: 1 }) as [Tensor, Tensor];
  return torch.cat([mins, maxs], 1);
}
