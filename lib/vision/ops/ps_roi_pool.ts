// torchvision.ops.ps_roi_pool (torchvision 0.28): position-sensitive RoI average pooling (R-FCN).
// torchvision has only native kernels for it; this computes what its CPU kernel
// (csrc/ops/cpu/ps_roi_pool_kernel.cpp) computes, as vectorized tensor code: bin (ph, pw) of output
// channel c reads input channel (c * PH + ph) * PW + pw; integer bins as roi_pool's but clipped to
// H - 1 / W - 1 (the last row and column are never read) and RoIs of at least 1 x 1 (not + 1); the sum
// taken in the kernel's order, one bin position after another, then divided by the bin's area. The
// gradient is torchvision's backward kernel, which is not the forward's derivative: it rounds the scaled
// coordinates as floats (roundf) and clips the bins to H / W, spreading grad / area over that region. So
// results and gradients agree with the kernels bit for bit. Windows gathered as [K, C/(PH*PW), PH, PW, BH, BW].
import * as torch from '../../index.js';
import { onceDifferentiable, type FunctionCtx } from '../../function.js';
import { REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import type { Tensor } from '../../tensor.js';
import type { RoiBoxes, RoiOutputSize } from './roi_align.js';
import { binWindow, intBins, largestBin, RoiPoolModule, roundHalfAway, runPool } from './roi_pool.js';

const PS_ROI_POOL = signature('psRoiPool', { outputSize: REQUIRED, spatialScale: 1.0 });
const PS_ROI_POOL_MODULE = signature('PSRoIPool', { outputSize: REQUIRED, spatialScale: REQUIRED });

/** Input channel of output channel c, bin (ph, pw): [1, C_out, PH, PW]. */
export function channelMapping(channelsOut: number, pooledHeight: number, pooledWidth: number, device: torch.Device): Tensor {
  return torch.arange(channelsOut * pooledHeight * pooledWidth, { device }).reshape([1, channelsOut, pooledHeight, pooledWidth]);
}

interface Bins { batch: Tensor; hstart: Tensor; hend: Tensor; wstart: Tensor; wend: Tensor }

/** The kernel's integer bins; `asFloat`: the backward's roundf of the scaled coordinate, `limit`: H or H - 1. */
function psBins(rois: Tensor, spatialScale: number, ph: number, pw: number, height: number, width: number, backward: boolean): Bins {
  const batch = rois.index(':', 0).long();
  const coord = (k: number): Tensor => {
    const scaled = rois.index(':', k).mul(spatialScale);
    return roundHalfAway(backward ? scaled.float() : scaled).long();
  };
  const [startW, startH, endW, endH] = [coord(1), coord(2), coord(3), coord(4)];
  // too small RoIs are forced to 1 x 1
  const roiWidth = endW.sub(startW).clamp({ min: 1 });
  const roiHeight = endH.sub(startH).clamp({ min: 1 });
  const dtype = rois.dtype;
  const [hstart, hend] = intBins(startH, roiHeight.to(dtype).div(ph), ph, backward ? height : height - 1);
  const [wstart, wend] = intBins(startW, roiWidth.to(dtype).div(pw), pw, backward ? width : width - 1);
  return { batch, hstart, hend, wstart, wend };
}

/** The bins' windows: flat input indices [K, C_out, PH, PW, BH * BW], whether inside the bin, empty bins and areas [K, 1, PH, PW]. */
function windows(b: Bins, channels: number, channelsOut: number, ph: number, pw: number, height: number, width: number, device: torch.Device) {
  const K = b.batch.size(0);
  const bh = largestBin(b.hstart, b.hend), bw = largestBin(b.wstart, b.wend);
  const [hIdx, hIn] = binWindow(b.hstart, b.hend, bh, height);
  const [wIdx, wIn] = binWindow(b.wstart, b.wend, bw, width);
  const plane = b.batch.index(':', null, null, null).mul(channels).add(channelMapping(channelsOut, ph, pw, device)).mul(height); // [K, Cout, PH, PW]
  const index = plane.index('...', null, null).add(hIdx.index(':', null, ':', null, ':', null)).mul(width).add(wIdx.index(':', null, null, ':', null, ':'))
    .reshape([K, channelsOut, ph, pw, bh * bw]);
  const inside = hIn.index(':', null, ':', null, ':', null).bitwiseAnd(wIn.index(':', null, null, ':', null, ':')).reshape([K, 1, ph, pw, bh * bw]);
  const hLen = b.hend.sub(b.hstart), wLen = b.wend.sub(b.wstart);
  const isEmpty = hLen.le(0).index(':', null, ':', null).bitwiseOr(wLen.le(0).index(':', null, null, ':'));
  const area = hLen.index(':', null, ':', null).mul(wLen.index(':', null, null, ':')); // int, as the kernel's product
  return { index, inside, isEmpty, area, positions: bh * bw };
}

class PSRoIPoolFunction extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor, rois: Tensor, spatialScale: number, ph: number, pw: number): Tensor {
    const [n, channels, height, width] = input.shape as [number, number, number, number];
    const channelsOut = channels / (ph * pw);
    Object.assign(ctx, { inputShape: [n, channels, height, width], spatialScale, ph, pw });
    ctx.saveForBackward(rois);
    return torch.tidy(() => {
      const K = rois.size(0);
      const shape = [K, channelsOut, ph, pw];
      if (K === 0 || channelsOut === 0) return torch.zeros(shape, { dtype: input.dtype, device: input.device });
      const w = windows(psBins(rois, spatialScale, ph, pw, height, width, false), channels, channelsOut, ph, pw, height, width, input.device);
      let sum = torch.zeros(shape, { dtype: input.dtype, device: input.device });
      if (w.positions > 0) {
        const values = torch.where(w.inside, input.reshape(-1).index(w.index), 0);
        for (const v of values.unbind(-1)) sum = sum.add(v); // the kernel's order: row by row, left to right
      }
      return torch.where(w.isEmpty, 0, sum.div(w.area.to(input.dtype)));
    });
  }

  static override backward = onceDifferentiable((ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] => {
    const [rois] = ctx.savedTensors as [Tensor];
    const [n, channels, height, width] = ctx.inputShape as [number, number, number, number];
    const { spatialScale, ph, pw } = ctx as unknown as { spatialScale: number; ph: number; pw: number };
    const gradInput = torch.tidy(() => {
      const g = torch.zeros([n * channels * height * width], { dtype: grad.dtype, device: grad.device });
      if (grad.numel() === 0) return g.reshape([n, channels, height, width]);
      const channelsOut = channels / (ph * pw);
      const w = windows(psBins(rois, spatialScale, ph, pw, height, width, true), channels, channelsOut, ph, pw, height, width, grad.device);
      const diff = torch.where(w.isEmpty, 0, grad.div(w.area.to(grad.dtype))); // [K, Cout, PH, PW]
      const inside = w.inside.expand(w.index.shape);
      const values = diff.index('...', null).expand(w.index.shape);
      // each input element gets at most one bin of an RoI: RoI order is the kernel's
      return g.indexAdd_(0, w.index.index(inside), values.index(inside)).reshape([n, channels, height, width]);
    });
    return [gradInput, null, null, null, null];
  });
}

/** The kernels' channel check: the input channels split into C_out groups of PH * PW. */
export function checkChannels(fn: string, input: Tensor, ph: number, pw: number): void {
  const c = input.size(1);
  if (ph * pw === 0 ? true : c % (ph * pw) !== 0) throw new RangeError(`${fn}: input channels must be a multiple of pooling height * pooling width`);
}

/**
 * torchvision's ps_roi_pool: position-sensitive RoI average pooling (R-FCN). `input` (N, C, H, W)
 * float32/float64 with C a multiple of outputSize[0] * outputSize[1]; `boxes` a Tensor[K, 5] of (batch
 * index, x1, y1, x2, y2) or a list of Tensor[L, 4] per image; `spatialScale` maps box coordinates to the
 * map's. Returns (K, C / (PH * PW), PH, PW); differentiable in the input (torchvision's backward).
 */
export function psRoiPool(input: Tensor, boxes: RoiBoxes, outputSize: RoiOutputSize, ...args: PyArgs<[spatialScale: number], { spatialScale?: number }>): Tensor;
export function psRoiPool(input: Tensor, boxes: RoiBoxes, outputSize: { outputSize: RoiOutputSize; spatialScale?: number }): Tensor;
export function psRoiPool(input: Tensor, boxes: RoiBoxes, ...args: unknown[]): Tensor {
  return runPool(PS_ROI_POOL, 'ps_roi_pool', input, boxes, args, (x, rois, scale, ph, pw) => {
    checkChannels(PS_ROI_POOL.fn, x, ph, pw);
    return PSRoIPoolFunction.apply(x, rois, scale, ph, pw) as Tensor;
  });
}

/** torchvision.ops.PSRoIPool: psRoiPool as a module. */
export class PSRoIPool extends RoiPoolModule {
  constructor(outputSize: RoiOutputSize, spatialScale: number);
  constructor(options: { outputSize: RoiOutputSize; spatialScale: number });
  constructor(...args: unknown[]) {
    super(PS_ROI_POOL_MODULE, args);
  }
  protected pool(input: Tensor, rois: RoiBoxes, outputSize: RoiOutputSize, spatialScale: number): Tensor {
    return psRoiPool(input, rois, outputSize, spatialScale);
  }
}
