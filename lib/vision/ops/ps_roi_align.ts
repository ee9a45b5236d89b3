// torchvision.ops.ps_roi_align (torchvision 0.28): position-sensitive RoI Align (Light-Head R-CNN).
// torchvision has only native kernels for it; this computes what its CPU kernel
// (csrc/ops/cpu/ps_roi_align_kernel.cpp) computes, as vectorized tensor code: bin (ph, pw) of output
// channel c reads input channel (c * PH + ph) * PW + pw; boxes shifted by -0.5 pixel and not clamped (a
// reversed or empty box has no samples: 0 / 0); samples at hstart + (iy + 0.5) * bin / grid, bilinear as
// the kernel (0 outside [-1, H] x [-1, W]), summed in its order (iy, then ix) and divided by the sample
// count. The gradient is torchvision's backward kernel: (grad * w) / count added at the four corners of
// each sample in the kernel's order (RoI, bin, iy, ix, corner), so results and gradients agree with the
// kernels bit for bit. Samples gathered as [K, C/(PH*PW), PH, PW, IY, IX] (IY x IX: the largest grid).
import * as torch from '../../index.js';
import { onceDifferentiable, type FunctionCtx } from '../../function.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { pyFloat } from '../../nn/modules/_format.js';
import type { Tensor } from '../../tensor.js';
import { bilinearSide, checkFeatureMap, checkNumberArg, checkRoiBoxesShape, reprOutputSize, roiOutputSize, roisOf, sampleCoords, type RoiBoxes, type RoiOutputSize } from './roi_align.js';
import { channelMapping, checkChannels } from './ps_roi_pool.js';

const PS_ROI_ALIGN = signature('psRoiAlign', { outputSize: REQUIRED, spatialScale: 1.0, samplingRatio: -1 });
const PS_ROI_ALIGN_MODULE = signature('PSRoIAlign', { outputSize: REQUIRED, spatialScale: REQUIRED, samplingRatio: REQUIRED });

/** One side's sample coordinates [K, P, G], whether each sample is on the grid, and the grid sizes [K] (int64). */
function sampleAxis(start: Tensor, binSize: Tensor, roiSize: Tensor, pooled: number, samplingRatio: number): [Tensor, Tensor, Tensor, number] {
  const device = start.device;
  const grid = samplingRatio > 0 ? torch.full([start.size(0)], samplingRatio, { dtype: torch.int64, device }) : torch.ceil(roiSize.div(pooled)).long();
  const g = samplingRatio > 0 ? samplingRatio : grid.numel() === 0 ? 0 : Math.max(0, grid.max().item());
  const i = torch.arange(g, { device }).index(null, ':'); // [1, G]
  return [sampleCoords(start, binSize, grid, i, pooled), i.lt(grid.index(':', null)), grid, g];
}

interface Samples { index: Tensor; weights: Tensor; ok: Tensor; count: Tensor; positions: number }

/** Every sample's four corners: flat input indices and weights [K, Cout|1, PH, PW, IY, IX, 4], which samples count, and the counts [K, 1, 1, 1]. */
function samples(rois: Tensor, spatialScale: number, ph: number, pw: number, samplingRatio: number, channels: number, height: number, width: number): Samples {
  const device = rois.device;
  const channelsOut = channels / (ph * pw);
  const batch = rois.index(':', 0).long();
  // no rounding, a half-pixel shift
  const coord = (k: number): Tensor => rois.index(':', k).mul(spatialScale).sub(0.5);
  const [startW, startH, endW, endH] = [coord(1), coord(2), coord(3), coord(4)];
  const roiWidth = endW.sub(startW), roiHeight = endH.sub(startH);
  const [y, yGrid, gridH, gy] = sampleAxis(startH, roiHeight.div(ph), roiHeight, ph, samplingRatio);
  const [x, xGrid, gridW, gx] = sampleAxis(startW, roiWidth.div(pw), roiWidth, pw, samplingRatio);
  const count = gridH.mul(gridW).to(rois.dtype).index(':', null, null, null);
  const { low: yLow, high: yHigh, towardHigh: ly, towardLow: hy, inMap: yIn } = bilinearSide(y, height); // [K, PH, IY]
  const { low: xLow, high: xHigh, towardHigh: lx, towardLow: hx, inMap: xIn } = bilinearSide(x, width); // [K, PW, IX]
  const Y = (t: Tensor): Tensor => t.index(':', null, ':', null, ':', null); // [K, 1, PH, 1, IY, 1]
  const X = (t: Tensor): Tensor => t.index(':', null, null, ':', null, ':'); // [K, 1, 1, PW, 1, IX]
  const weights = torch.stack([Y(hy).mul(X(hx)), Y(hy).mul(X(lx)), Y(ly).mul(X(hx)), Y(ly).mul(X(lx))], -1);
  const plane = batch.index(':', null, null, null).mul(channels).add(channelMapping(channelsOut, ph, pw, device)).mul(height).index('...', null, null); // [K, Cout, PH, PW, 1, 1]
  const at = (yi: Tensor, xi: Tensor): Tensor => plane.add(Y(yi)).mul(width).add(X(xi));
  const index = torch.stack([at(yLow, xLow), at(yLow, xHigh), at(yHigh, xLow), at(yHigh, xHigh)], -1);
  const ok = Y(yIn.bitwiseAnd(yGrid.index(':', null, ':'))).bitwiseAnd(X(xIn.bitwiseAnd(xGrid.index(':', null, ':'))));
  return { index, weights, ok, count, positions: gy * gx };
}

class PSRoIAlignFunction extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor, rois: Tensor, spatialScale: number, ph: number, pw: number, samplingRatio: number): Tensor {
    const [n, channels, height, width] = input.shape as [number, number, number, number];
    const channelsOut = channels / (ph * pw);
    Object.assign(ctx, { inputShape: [n, channels, height, width], spatialScale, ph, pw, samplingRatio });
    ctx.saveForBackward(rois);
    return torch.tidy(() => {
      const K = rois.size(0);
      const shape = [K, channelsOut, ph, pw];
      // an empty map: every sample falls outside it (0 for the kernel), and there is nothing to gather
      if (K === 0 || channelsOut === 0 || height * width === 0) return torch.zeros(shape, { dtype: input.dtype, device: input.device });
      const s = samples(rois, spatialScale, ph, pw, samplingRatio, channels, height, width);
      let sum = torch.zeros(shape, { dtype: input.dtype, device: input.device });
      if (s.positions > 0) {
        const v = input.reshape(-1).index(s.index); // [K, Cout, PH, PW, IY, IX, 4]
        const [w1, w2, w3, w4] = s.weights.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
        const [v1, v2, v3, v4] = v.unbind(-1) as [Tensor, Tensor, Tensor, Tensor];
        const val = w1.mul(v1).add(w2.mul(v2)).add(w3.mul(v3)).add(w4.mul(v4));
        const taken = torch.where(s.ok, val, 0).reshape([...shape, s.positions]);
        for (const t of taken.unbind(-1)) sum = sum.add(t); // the kernel's order: iy, then ix
      }
      return sum.div(s.count);
    });
  }

  static override backward = onceDifferentiable((ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] => {
    const [rois] = ctx.savedTensors as [Tensor];
    const [n, channels, height, width] = ctx.inputShape as [number, number, number, number];
    const { spatialScale, ph, pw, samplingRatio } = ctx as unknown as { spatialScale: number; ph: number; pw: number; samplingRatio: number };
    const gradInput = torch.tidy(() => {
      const g = torch.zeros([n * channels * height * width], { dtype: grad.dtype, device: grad.device });
      if (grad.numel() === 0 || g.numel() === 0) return g.reshape([n, channels, height, width]);
      const s = samples(rois, spatialScale, ph, pw, samplingRatio, channels, height, width);
      if (s.positions === 0) return g.reshape([n, channels, height, width]);
      // g_k = grad * w_k / count, in that order
      const contributions = grad.index('...', null, null, null).mul(s.weights).div(s.count.index('...', null, null, null));
      const ok = s.ok.index('...', null).expand(s.index.shape);
      return g.indexAdd_(0, s.index.index(ok), contributions.expand(s.index.shape).index(ok)).reshape([n, channels, height, width]);
    });
    return [gradInput, null, null, null, null, null];
  });
}

/**
 * torchvision's ps_roi_align: position-sensitive RoI Align (Light-Head R-CNN). `input` (N, C, H, W) with C a
 * multiple of outputSize[0] * outputSize[1]; `boxes` a Tensor[K, 5] of (batch index, x1, y1, x2, y2) or a
 * list of Tensor[L, 4] per image; `spatialScale` maps box coordinates to the map's; `samplingRatio` > 0
 * samples that many points per bin side, otherwise ceil(roi size / output size). Returns
 * (K, C / (PH * PW), PH, PW); differentiable in the input (torchvision's backward).
 */
export function psRoiAlign(input: Tensor, boxes: RoiBoxes, outputSize: RoiOutputSize,
  ...args: PyArgs<[spatialScale: number, samplingRatio: number], { spatialScale?: number; samplingRatio?: number }>): Tensor;
export function psRoiAlign(input: Tensor, boxes: RoiBoxes, outputSize: { outputSize: RoiOutputSize; spatialScale?: number; samplingRatio?: number }): Tensor;
export function psRoiAlign(input: Tensor, boxes: RoiBoxes, ...args: unknown[]): Tensor {
  const fn = PS_ROI_ALIGN.fn;
  const [outputSize, spatialScale, samplingRatio] = bind(PS_ROI_ALIGN, args) as [unknown, unknown, unknown];
  checkFeatureMap(fn, input);
  checkRoiBoxesShape(fn, boxes);
  const [ph, pw] = roiOutputSize(fn, outputSize);
  checkNumberArg(fn, 'spatialScale', spatialScale);
  checkNumberArg(fn, 'samplingRatio', samplingRatio, true);
  return torch.tidy(() => {
    const rois = roisOf(fn, boxes, input.size(0));
    if (input.dtype !== rois.dtype) throw new TypeError(`${fn}: input should have the same type as rois`);
    checkChannels(fn, input, ph, pw);
    if (input.dtype !== torch.float32 && input.dtype !== torch.float64 && input.dtype !== torch.float16)
      throw new TypeError(`${fn}: "ps_roi_align_forward_kernel" not implemented for '${input.dtype.name}' (float16, float32 and float64 only)`);
    return PSRoIAlignFunction.apply(input, rois, spatialScale, ph, pw, samplingRatio) as Tensor;
  });
}

/** torchvision.ops.PSRoIAlign: psRoiAlign as a module. */
export class PSRoIAlign extends torch.nn.Module {
  outputSize: RoiOutputSize;
  spatialScale: number;
  samplingRatio: number;
  constructor(outputSize: RoiOutputSize, spatialScale: number, samplingRatio: number);
  constructor(options: { outputSize: RoiOutputSize; spatialScale: number; samplingRatio: number });
  constructor(...args: unknown[]) {
    super();
    const fn = PS_ROI_ALIGN_MODULE.fn;
    const [outputSize, spatialScale, samplingRatio] = bind(PS_ROI_ALIGN_MODULE, args) as [RoiOutputSize, number, number];
    roiOutputSize(fn, outputSize);
    checkNumberArg(fn, 'spatialScale', spatialScale);
    checkNumberArg(fn, 'samplingRatio', samplingRatio, true);
    this.outputSize = outputSize;
    this.spatialScale = spatialScale;
    this.samplingRatio = samplingRatio;
  }
  override forward(input: Tensor, rois: RoiBoxes): Tensor {
    return psRoiAlign(input, rois, this.outputSize, this.spatialScale, this.samplingRatio);
  }
  override toString(): string {
    return `PSRoIAlign(output_size=${reprOutputSize(this.outputSize)}, spatial_scale=${pyFloat(this.spatialScale)}, sampling_ratio=${this.samplingRatio})`;
  }
}
