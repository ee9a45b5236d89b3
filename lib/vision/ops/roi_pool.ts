// torchvision.ops.roi_pool (torchvision 0.28): RoI max pooling (Fast R-CNN). torchvision has only native
// kernels for it; this computes what its CPU kernel (csrc/ops/cpu/roi_pool_kernel.cpp) computes, as
// vectorized tensor code: the same integer bins (coordinates rounded half away from zero, bin edges
// floor/ceil in the input's dtype, clipped to the map), the maximum that its row-major scan keeps (the
// first of equal values, NaN never, nothing below -FLT_MAX; an empty bin gives 0), and, as torchvision's
// autograd, the backward kernel's gradient: each bin's output gradient added at its argmax, in the
// kernel's order (RoI, channel, bin), so results agree bit for bit. The bins' windows are gathered as one
// [K, C, PH, PW, BH, BW] tensor (BH x BW: the largest bin).
import * as torch from '../../index.js';
import { onceDifferentiable, type FunctionCtx } from '../../function.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { pyFloat } from '../../nn/modules/_format.js';
import type { Tensor } from '../../tensor.js';
import { checkFeatureMap, checkNumberArg, checkRoiBoxesShape, reprOutputSize, roiOutputSize, roisOf, type RoiBoxes, type RoiOutputSize } from './roi_align.js';

const ROI_POOL = signature('roiPool', { outputSize: REQUIRED, spatialScale: 1.0 });
const ROI_POOL_MODULE = signature('RoIPool', { outputSize: REQUIRED, spatialScale: REQUIRED });

/** -FLT_MAX: the kernel's start value for a non-empty bin (in double too). */
export const NEG_FLT_MAX = -3.4028234663852886e38;

/** C's round(): half away from zero (exact: x - trunc(x) is exact). */
export function roundHalfAway(x: Tensor): Tensor {
  const t = x.trunc();
  return torch.where(x.sub(t).abs().ge(0.5), t.add(torch.sign(x)), t);
}

/** The integer bins [start, end) of RoI max/average pooling along one side: [K, P] each (int64). */
export function intBins(start: Tensor, binSize: Tensor, pooled: number, limit: number): [Tensor, Tensor] {
  const p = torch.arange(pooled, { device: start.device }).to(binSize.dtype).index(null, ':');
  const b = binSize.index(':', null);
  const lo = torch.floor(p.mul(b)).long().add(start.index(':', null)).clamp(0, limit);
  const hi = torch.ceil(p.add(1).mul(b)).long().add(start.index(':', null)).clamp(0, limit);
  return [lo, hi];
}

/** Positions start + [0, n) of each bin [K, P, n], clamped into the map, and whether they are inside the bin. */
export function binWindow(lo: Tensor, hi: Tensor, n: number, size: number): [Tensor, Tensor] {
  const pos = lo.index(':', ':', null).add(torch.arange(n, { device: lo.device }));
  return [pos.clamp(0, Math.max(size - 1, 0)), pos.lt(hi.index(':', ':', null))];
}

/** The largest bin along one side (0 when every bin is empty). */
export function largestBin(lo: Tensor, hi: Tensor): number {
  return lo.numel() === 0 ? 0 : Math.max(0, hi.sub(lo).max().item());
}

class RoIPoolFunction extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor, rois: Tensor, spatialScale: number, pooledHeight: number, pooledWidth: number): Tensor {
    const [n, channels, height, width] = input.shape as [number, number, number, number];
    const [output, argmax, batch] = torch.tidy(() => {
      const K = rois.size(0);
      const device = input.device;
      const batch = rois.index(':', 0).long();
      const coord = (k: number): Tensor => roundHalfAway(rois.index(':', k).mul(spatialScale)).long();
      const [startW, startH, endW, endH] = [coord(1), coord(2), coord(3), coord(4)];
      // malformed RoIs are forced to 1 x 1
      const roiWidth = endW.sub(startW).add(1).clamp({ min: 1 });
      const roiHeight = endH.sub(startH).add(1).clamp({ min: 1 });
      const [hstart, hend] = intBins(startH, roiHeight.to(input.dtype).div(pooledHeight), pooledHeight, height);
      const [wstart, wend] = intBins(startW, roiWidth.to(input.dtype).div(pooledWidth), pooledWidth, width);
      const bh = largestBin(hstart, hend), bw = largestBin(wstart, wend);
      const shape = [K, channels, pooledHeight, pooledWidth];
      if (K === 0 || channels === 0 || bh === 0 || bw === 0) // every bin empty: 0, and no argmax
        return [torch.zeros(shape, { dtype: input.dtype, device }), torch.full(shape, -1, { dtype: torch.int64, device }), batch];
      const [hIdx, hIn] = binWindow(hstart, hend, bh, height); // [K, PH, BH]
      const [wIdx, wIn] = binWindow(wstart, wend, bw, width); // [K, PW, BW]
      const hv = hIdx.index(':', null, ':', null, ':', null), wv = wIdx.index(':', null, null, ':', null, ':');
      const values = input.index(batch.index(':', null, null, null, null, null), torch.arange(channels, { device }).index(null, ':', null, null, null, null), hv, wv); // [K, C, PH, PW, BH, BW]
      const inside = hIn.index(':', null, ':', null, ':', null).bitwiseAnd(wIn.index(':', null, null, ':', null, ':'));
      // the kernel keeps a value strictly above the running maximum, which starts at -FLT_MAX
      const candidate = inside.bitwiseAnd(values.gt(NEG_FLT_MAX)).expand(values.shape).reshape([...shape, bh * bw]);
      const flat = torch.where(candidate, values.reshape([...shape, bh * bw]), -Infinity);
      const [best, at] = flat.max(-1); // the first of equal maxima
      const any = candidate.any(-1);
      const isEmpty = hend.le(hstart).index(':', null, ':', null).bitwiseOr(wend.le(wstart).index(':', null, null, ':'));
      const output = torch.where(any, best, torch.where(isEmpty, 0, NEG_FLT_MAX).to(input.dtype));
      const planeIndex = hv.mul(width).add(wv).expand([K, channels, pooledHeight, pooledWidth, bh, bw]).reshape([...shape, bh * bw]);
      const argmax = torch.where(any, planeIndex.gather(-1, at.unsqueeze(-1)).squeeze(-1), -1);
      return [output, argmax, batch];
    });
    ctx.saveForBackward(argmax, batch);
    Object.assign(ctx, { inputShape: [n, channels, height, width] });
    return output;
  }

  static override backward = onceDifferentiable((ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] => {
    const [argmax, batch] = ctx.savedTensors as [Tensor, Tensor];
    const [n, channels, height, width] = ctx.inputShape as [number, number, number, number];
    const gradInput = torch.tidy(() => {
      const g = torch.zeros([n * channels * height * width], { dtype: grad.dtype, device: grad.device });
      if (argmax.numel() === 0) return g.reshape([n, channels, height, width]);
      const plane = batch.index(':', null, null, null).mul(channels).add(torch.arange(channels, { device: grad.device }).index(null, ':', null, null)).mul(height * width);
      const index = plane.add(argmax);
      const pooled = argmax.ne(-1);
      // the kernel's order: RoI, channel, bin (a boolean selection keeps it; index_add_ adds in it)
      return g.indexAdd_(0, index.index(pooled), grad.index(pooled)).reshape([n, channels, height, width]);
    });
    return [gradInput, null, null, null, null];
  });
}

function checkKernelInput(fn: string, name: string, input: Tensor, rois: Tensor): void {
  if (input.dtype !== rois.dtype) throw new TypeError(`${fn}: input and rois must have the same dtype`);
  if (input.dtype !== torch.float32 && input.dtype !== torch.float64) throw new TypeError(`${fn}: ${name} only supports float and double types`);
}

/** The pooling ops' shared front: arguments bound and checked as torchvision, the boxes as RoIs, then `kernel`. */
export function runPool(sig: typeof ROI_POOL, kernelName: string, input: unknown, boxes: unknown, args: unknown[],
  kernel: (input: Tensor, rois: Tensor, spatialScale: number, ph: number, pw: number) => Tensor): Tensor {
  const fn = sig.fn;
  const [outputSize, spatialScale] = bind(sig, args) as [unknown, unknown];
  checkFeatureMap(fn, input);
  checkRoiBoxesShape(fn, boxes);
  const [ph, pw] = roiOutputSize(fn, outputSize);
  checkNumberArg(fn, 'spatialScale', spatialScale);
  return torch.tidy(() => {
    const rois = roisOf(fn, boxes, input.size(0));
    checkKernelInput(fn, kernelName, input, rois);
    return kernel(input, rois, spatialScale, ph, pw);
  });
}

/**
 * torchvision's roi_pool: RoI max pooling (Fast R-CNN). `input` (N, C, H, W) float32/float64; `boxes` a
 * Tensor[K, 5] of (batch index, x1, y1, x2, y2) or a list of Tensor[L, 4] per image (the input's dtype);
 * `outputSize` an int or [height, width]; `spatialScale` maps box coordinates to the map's. Returns
 * (K, C, outputSize[0], outputSize[1]); differentiable in the input (the gradient goes to each bin's maximum).
 */
export function roiPool(input: Tensor, boxes: RoiBoxes, outputSize: RoiOutputSize, ...args: PyArgs<[spatialScale: number], { spatialScale?: number }>): Tensor;
export function roiPool(input: Tensor, boxes: RoiBoxes, outputSize: { outputSize: RoiOutputSize; spatialScale?: number }): Tensor;
export function roiPool(input: Tensor, boxes: RoiBoxes, ...args: unknown[]): Tensor {
  return runPool(ROI_POOL, 'roi_pool', input, boxes, args, (x, rois, scale, ph, pw) => RoIPoolFunction.apply(x, rois, scale, ph, pw) as Tensor);
}

/** RoIPool's and PSRoIPool's module: holds (outputSize, spatialScale), prints them as torchvision. */
export abstract class RoiPoolModule extends torch.nn.Module {
  outputSize: RoiOutputSize;
  spatialScale: number;
  constructor(sig: typeof ROI_POOL_MODULE, args: unknown[]) {
    super();
    const [outputSize, spatialScale] = bind(sig, args) as [RoiOutputSize, number];
    roiOutputSize(sig.fn, outputSize);
    checkNumberArg(sig.fn, 'spatialScale', spatialScale);
    this.outputSize = outputSize;
    this.spatialScale = spatialScale;
  }
  protected abstract pool(input: Tensor, rois: RoiBoxes, outputSize: RoiOutputSize, spatialScale: number): Tensor;
  override forward(input: Tensor, rois: RoiBoxes): Tensor {
    return this.pool(input, rois, this.outputSize, this.spatialScale);
  }
  override toString(): string {
    return `${this.constructor.name}(output_size=${reprOutputSize(this.outputSize)}, spatial_scale=${pyFloat(this.spatialScale)})`;
  }
}

/** torchvision.ops.RoIPool: roiPool as a module. */
export class RoIPool extends RoiPoolModule {
  constructor(outputSize: RoiOutputSize, spatialScale: number);
  constructor(options: { outputSize: RoiOutputSize; spatialScale: number });
  constructor(...args: unknown[]) {
    super(ROI_POOL_MODULE, args);
  }
  protected pool(input: Tensor, rois: RoiBoxes, outputSize: RoiOutputSize, spatialScale: number): Tensor {
    return roiPool(input, rois, outputSize, spatialScale);
  }
}
