// torchvision.ops.roi_align (torchvision 0.28): RoI Align (Mask R-CNN) as torchvision's CPU kernel
// (csrc/ops/cpu/roi_align_kernel.cpp, the path Python takes: the pure-PyTorch `_roi_align` is only its
// fallback without native ops), as vectorized tensor code: samples at (start + ph * bin) + ((iy + 0.5) *
// bin) / grid, a per-RoI grid (samplingRatio, or ceil(roi size / output size)), a sample outside
// [-1, H] x [-1, W] weighted 0 at pixel 0, each bin summed in the kernel's order (iy, then ix) and divided
// by the sample count; the gradient is its backward kernel's, (grad * w) / count added at each in-map
// sample's four corners in its order (RoI, channel, bin, iy, ix, corner), none for the RoIs. Results and
// gradients agree with the kernel bit for bit (float32 and float64).
// Also the RoI helpers of torchvision/ops/_utils.py that every RoI operator shares.
import * as torch from '../../index.js';
import { onceDifferentiable, type FunctionCtx } from '../../function.js';
import { bind, REQUIRED, signature, type PyArgs } from '../../nn/functional/_signature.js';
import { pyBool, pyFloat } from '../../nn/modules/_format.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';

/** An RoI operator's output size: one int for a square, or [height, width]. */
export type RoiOutputSize = number | readonly [number, number] | readonly number[];
/** RoIs: a Tensor[K, 5] of (batch index, x1, y1, x2, y2), or one Tensor[L, 4] of xyxy boxes per image. */
export type RoiBoxes = Tensor | readonly Tensor[];

const ROI_ALIGN = signature('roiAlign', { outputSize: REQUIRED, spatialScale: 1.0, samplingRatio: -1, aligned: false });
const ROI_ALIGN_MODULE = signature('RoIAlign', { outputSize: REQUIRED, spatialScale: REQUIRED, samplingRatio: REQUIRED, aligned: false });

// ---------------------------------------------------------------------------------------------
// torchvision/ops/_utils.py

/** torchvision's check_roi_boxes_shape: a Tensor[K, 5] or a list of Tensor[L, 4] (its AssertionError messages). */
export function checkRoiBoxesShape(fn: string, boxes: unknown): void {
  if (Array.isArray(boxes)) {
    for (const t of boxes as unknown[]) {
      if (!isTensor(t)) throw new TypeError(`${fn}: boxes must be a list of Tensors, got ${describe(t)} in it`);
      if (t.dim() !== 2 || t.size(1) !== 4) throw new RangeError(`${fn}: The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]`);
    }
  } else if (isTensor(boxes)) {
    if (boxes.dim() !== 2 || boxes.size(1) !== 5) throw new RangeError(`${fn}: The boxes tensor shape is not correct as Tensor[K, 5]`);
  } else {
    throw new TypeError(`${fn}: boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]`);
  }
}

/** torchvision's convert_boxes_to_roi_format: per-image boxes to one Tensor[K, 5] with the image index first. */
export function convertBoxesToRoiFormat(boxes: readonly Tensor[]): Tensor {
  return torch.tidy(() => {
    const cat = (ts: Tensor[]): Tensor => (ts.length === 1 ? ts[0]! : torch.cat(ts, 0)); // _cat
    const concatBoxes = cat([...boxes]);
    const ids = cat(boxes.map((b, i) => torch.fullLike(b.index(':', ':1'), i)));
    return torch.cat([ids, concatBoxes], 1);
  });
}

/** torch's _pair for an RoI output size, checked: [height, width]. */
export function roiOutputSize(fn: string, outputSize: unknown): [number, number] {
  const size = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0))
    throw new TypeError(`${fn}: outputSize must be an int or [height, width] of ints, got ${Array.isArray(outputSize) ? `[${outputSize.map(String).join(', ')}]` : describe(outputSize)}`);
  return size as [number, number];
}

/**
 * The checked RoIs (a Tensor[K, 5]) from either form of boxes, for a batch of `batchSize` maps; a new
 * tensor for a list (the caller's scope owns it). A batch index (truncated, as the kernels read it)
 * outside the batch is an error here, where the kernels would read another image's memory.
 */
export function roisOf(fn: string, boxes: unknown, batchSize: number): Tensor {
  checkRoiBoxesShape(fn, boxes);
  const rois = isTensor(boxes) ? boxes : convertBoxesToRoiFormat(boxes as Tensor[]);
  if (rois.size(0) > 0) {
    const [lo, hi] = torch.tidy(() => {
      const ids = rois.select(1, 0).to(torch.int64);
      return [Number(ids.min().item()), Number(ids.max().item())];
    });
    if (lo < 0 || hi >= batchSize) throw new RangeError(`${fn}: the RoIs' batch indices must be in [0, ${batchSize - 1}] (the input's batch), got ${lo < 0 ? lo : hi}`);
  }
  return rois;
}

export function checkFeatureMap(fn: string, input: unknown): asserts input is Tensor {
  if (!isTensor(input)) throw new TypeError(`${fn}: input must be a Tensor, got ${describe(input)}`);
  if (input.dim() !== 4) throw new RangeError(`${fn}: input must be (N, C, H, W), got shape [${input.shape.join(', ')}]`);
}

export function checkNumberArg(fn: string, name: string, v: unknown, int = false): asserts v is number {
  if (typeof v !== 'number' || (int && !Number.isInteger(v))) throw new TypeError(`${fn}: ${name} must be ${int ? 'an int' : 'a number'}, got ${typeof v === 'number' ? v : describe(v)}`);
}

/** Python's repr of an output size as the user gave it: 7 or (7, 7). */
export function reprOutputSize(size: RoiOutputSize): string {
  return typeof size === 'number' ? String(size) : `(${size.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// roi_align_kernel.cpp

/** The most elements of one piece of the backward's contributions: RoIs are taken that many at a time. */
const BACKWARD_CHUNK = 1 << 24;
/** 2^31: C's int range. */
const INT_LIMIT = 2 ** 31;

/** The kernel's pre_calc for every RoI: sample j of a bin (row-major over the RoI's grid), its corners and weights. */
interface BinSamples {
  /** [K, PH, PW, S, 4] int64: each corner's y * W + x (pixel 0 for a sample outside the map). */
  corners: Tensor;
  /** [K, PH, PW, S, 4]: the bilinear weights w1..w4 (0 outside the map). */
  weights: Tensor;
  /** [K, PH, PW, S] bool: the sample lies in [-1, H] x [-1, W] (the backward kernel skips the others). */
  inMap: Tensor;
  /** [K, S] bool: j is one of the RoI's grid_h * grid_w samples. */
  onGrid: Tensor;
  /** [K] in the input's dtype: the sample count, at least 1. */
  count: Tensor;
  /** S: the most samples of any RoI. */
  size: number;
  /** [K] int64: the kernel's grid sides (negative for a reversed RoI, which has no samples). */
  gridH: Tensor;
  gridW: Tensor;
}

/** One side's sample coordinates [K, P, S]: (start + p * bin) + ((i + 0.5) * bin) / grid, rounded step by step as the kernels (ps_roi_align's too). */
export function sampleCoords(start: Tensor, bin: Tensor, grid: Tensor, i: Tensor, pooled: number): Tensor {
  const p = torch.arange(pooled, { device: start.device }).to(start.dtype);
  const binStart = start.index(':', null).add(p.index(null, ':').mul(bin.index(':', null))); // [K, P]
  const offset = i.to(start.dtype).add(0.5).mul(bin.index(':', null)).div(grid.to(start.dtype).index(':', null)); // [K, S]
  return binStart.index(':', ':', null).add(offset.index(':', null, ':'));
}

/** The kernels' bilinear_interpolate along one side (ps_roi_align's too): the low and high pixels (int64, inside the map), the weights toward them, and which coordinates are in [-1, size]. */
export function bilinearSide(c0: Tensor, size: number): { low: Tensor; high: Tensor; towardHigh: Tensor; towardLow: Tensor; inMap: Tensor } {
  const inMap = c0.ge(-1.0).logicalAnd(c0.le(size)); // NaN too is outside
  let c = torch.where(c0.le(0), 0, c0);
  const truncated = torch.where(inMap, c, 0).long(); // only in-map coordinates reach the kernel's (int) cast
  const last = truncated.ge(size - 1);
  const low = torch.where(last, size - 1, truncated);
  const high = torch.where(last, size - 1, truncated.add(1));
  c = torch.where(last, low.to(c.dtype), c);
  const towardHigh = c.sub(low.to(c.dtype));
  return { low, high, towardHigh, towardLow: torch.rsub(towardHigh, 1.0), inMap };
}

/** The kernel's int grid side per RoI: samplingRatio, or (int)ceil(bin), which is INT_MIN for NaN and beyond int (x86's cvttss2si). */
function kernelGrid(bin: Tensor, samplingRatio: number): Tensor {
  if (samplingRatio > 0) return torch.full([bin.size(0)], samplingRatio, { dtype: torch.int64, device: bin.device });
  const side = torch.ceil(bin);
  return torch.where(side.isnan().logicalOr(side.abs().ge(INT_LIMIT)), -INT_LIMIT, side).long();
}

/** The kernel's pre_calc vector has grid_h * grid_w * PH * PW entries, in int: a negative count (a reversed RoI's grid) makes std::vector throw. */
function checkPreCalcSize(fn: string, gridH: Tensor, gridW: Tensor, ph: number, pw: number): void {
  const rows = gridH.tolist() as number[], cols = gridW.tolist() as number[];
  if (rows.some((h, k) => Math.imul(Math.imul(Math.imul(h, cols[k]!), ph), pw) < 0)) throw new RangeError(`${fn}: cannot create std::vector larger than max_size()`);
}

function binSamples(rois: Tensor, spatialScale: number, height: number, width: number, ph: number, pw: number, samplingRatio: number, aligned: boolean): BinSamples {
  const device = rois.device;
  const offset = aligned ? 0.5 : 0.0;
  const coord = (k: number): Tensor => rois.index(':', k).mul(spatialScale).sub(offset); // no rounding
  const [startW, startH, endW, endH] = [coord(1), coord(2), coord(3), coord(4)];
  let roiWidth = endW.sub(startW), roiHeight = endH.sub(startH);
  if (!aligned) [roiWidth, roiHeight] = [roiWidth.clamp({ min: 1.0 }), roiHeight.clamp({ min: 1.0 })]; // malformed RoIs forced to 1 x 1
  const binH = roiHeight.div(ph), binW = roiWidth.div(pw);
  const K = rois.size(0);
  const gridH = kernelGrid(binH, samplingRatio), gridW = kernelGrid(binW, samplingRatio);
  const rows = gridH.clamp({ min: 0 }), cols = gridW.clamp({ min: 0 });
  const perRoi = rows.mul(cols);
  const size = K === 0 ? 0 : (perRoi.max().item());
  const j = torch.arange(size, { device }).index(null, ':'); // [1, S]
  const stride = cols.clamp({ min: 1 }).index(':', null);
  const iy = torch.div(j, stride, { roundingMode: 'floor' }), ix = j.remainder(stride); // [K, S]
  const Y = bilinearSide(sampleCoords(startH, binH, gridH, iy, ph), height); // [K, PH, S]
  const X = bilinearSide(sampleCoords(startW, binW, gridW, ix, pw), width); // [K, PW, S]
  const alongY = (t: Tensor): Tensor => t.index(':', ':', null, ':'); // [K, PH, 1, S]
  const alongX = (t: Tensor): Tensor => t.index(':', null, ':', ':'); // [K, 1, PW, S]
  const inMap = alongY(Y.inMap).logicalAnd(alongX(X.inMap));
  const weight = (wy: Tensor, wx: Tensor): Tensor => alongY(wy).mul(alongX(wx));
  const pixel = (y: Tensor, x: Tensor): Tensor => alongY(y).mul(width).add(alongX(x));
  const outside = inMap.logicalNot().index('...', null);
  return {
    corners: torch.where(outside, 0, torch.stack([pixel(Y.low, X.low), pixel(Y.low, X.high), pixel(Y.high, X.low), pixel(Y.high, X.high)], -1)),
    weights: torch.where(outside, 0, torch.stack([weight(Y.towardLow, X.towardLow), weight(Y.towardLow, X.towardHigh), weight(Y.towardHigh, X.towardLow), weight(Y.towardHigh, X.towardHigh)], -1)),
    inMap,
    onGrid: j.lt(perRoi.index(':', null)),
    count: gridH.mul(gridW).clamp({ min: 1 }).to(rois.dtype),
    size,
    gridH,
    gridW,
  };
}

class RoIAlignFunction extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor, rois: Tensor, spatialScale: number, ph: number, pw: number, samplingRatio: number, aligned: boolean): Tensor {
    const [n, channels, height, width] = input.shape as [number, number, number, number];
    Object.assign(ctx, { inputShape: [n, channels, height, width], spatialScale, ph, pw, samplingRatio, aligned });
    ctx.saveForBackward(rois);
    return torch.tidy(() => {
      const K = rois.size(0);
      const sum = torch.zeros([K, ph, pw, channels], { dtype: input.dtype, device: input.device });
      // a map without pixels: the kernel would read outside it; nothing to sample
      if (sum.numel() === 0 || height * width === 0) return sum.permute(0, 3, 1, 2).contiguous();
      const s = binSamples(rois, spatialScale, height, width, ph, pw, samplingRatio, aligned);
      checkPreCalcSize(ROI_ALIGN.fn, s.gridH, s.gridW, ph, pw);
      const pixels = input.permute(0, 2, 3, 1).reshape([n, height * width, channels]); // a corner's channels in one gather
      const batch = rois.index(':', 0).long().index(':', null, null, null);
      for (let j = 0; j < s.size; j++) {
        torch.tidy(() => {
          const v = pixels.index(batch, s.corners.select(3, j)); // [K, PH, PW, 4, C]
          const w = s.weights.select(3, j).unsqueeze(-1);
          const term = (i: number): Tensor => w.select(3, i).mul(v.select(3, i));
          const value = term(0).add(term(1)).add(term(2)).add(term(3));
          // the kernel's order: the bin's samples one after another (iy, then ix)
          sum.add_(torch.where(s.onGrid.index(':', j).index(':', null, null, null), value, 0));
        });
      }
      return sum.div(s.count.index(':', null, null, null)).permute(0, 3, 1, 2).contiguous();
    });
  }

  static override backward = onceDifferentiable((ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] => {
    const [rois] = ctx.savedTensors as [Tensor];
    const [n, channels, height, width] = ctx.inputShape as [number, number, number, number];
    const { spatialScale, ph, pw, samplingRatio, aligned } = ctx as unknown as { spatialScale: number; ph: number; pw: number; samplingRatio: number; aligned: boolean };
    const gradInput = torch.zeros([n * channels * height * width], { dtype: grad.dtype, device: grad.device });
    torch.tidy(() => {
      if (grad.numel() === 0 || gradInput.numel() === 0) return;
      const s = binSamples(rois, spatialScale, height, width, ph, pw, samplingRatio, aligned);
      const plane = rois.index(':', 0).long().mul(channels).index(':', null).add(torch.arange(channels, { device: grad.device })).mul(height * width); // [K, C]
      const K = rois.size(0);
      const roisPerChunk = Math.max(1, Math.floor(BACKWARD_CHUNK / Math.max(1, ph * pw * s.size * 4 * channels)));
      // RoI by RoI keeps the kernel's order of additions: RoI, channel, bin, sample, corner
      for (let k0 = 0; k0 < K; k0 += roisPerChunk) {
        torch.tidy(() => {
          const part = (t: Tensor): Tensor => t.narrow(0, k0, Math.min(roisPerChunk, K - k0));
          const binGrad = part(grad).permute(0, 2, 3, 1).index(':', ':', ':', null, null, ':'); // [k, PH, PW, 1, 1, C]
          const contributions = binGrad.mul(part(s.weights).unsqueeze(-1)).div(part(s.count).index(':', null, null, null, null, null)); // (grad * w) / count
          const index = part(plane).index(':', null, null, null, null, ':').add(part(s.corners).unsqueeze(-1)); // [k, PH, PW, S, 4, C]
          const taken = part(s.inMap).logicalAnd(part(s.onGrid).index(':', null, null, ':')).index('...', null, null).expand(index.shape);
          gradInput.indexAdd_(0, index.index(taken), contributions.index(taken));
        });
      }
    });
    return [gradInput.reshape([n, channels, height, width]), null, null, null, null, null, null];
  });
}

/** torchvision's CUDA autocast for roi_align: non-double CUDA tensors go to float32, the result back to the input's dtype. */
function autocastFloat(t: Tensor): Tensor {
  return torch.isAutocastEnabled() && t.device.type === 'cuda' && t.dtype !== torch.float64 ? t.float() : t;
}

/** The kernel's argument checks (at::checkAllSameType and its dispatch): Python's messages. */
function checkKernelTypes(fn: string, input: Tensor, rois: Tensor): void {
  if (input.dtype !== rois.dtype)
    throw new TypeError(`${fn}: Expected tensor for argument #1 'input' to have the same type as tensor for argument #2 'rois'; but type ${String(input.type())} does not equal ${String(rois.type())} (while checking arguments for roi_align_forward_kernel)`);
  if (input.dtype !== torch.float32 && input.dtype !== torch.float64 && input.dtype !== torch.float16)
    throw new TypeError(`${fn}: "roi_align_forward_kernel" not implemented for '${input.type().toString().replace(/^torch\.(\w+\.)?|Tensor$/g, '')}'`);
}

function roiAlignImpl(fn: string, input0: Tensor, rois0: Tensor, spatialScale: number, ph: number, pw: number, samplingRatio: number, aligned: boolean): Tensor {
  const input = autocastFloat(input0), rois = autocastFloat(rois0);
  checkKernelTypes(fn, input, rois);
  return (RoIAlignFunction.apply(input, rois, spatialScale, ph, pw, samplingRatio, aligned) as Tensor).to(input0.dtype);
}

/**
 * torchvision's roi_align: RoI Align with average pooling (Mask R-CNN). `input` (N, C, H, W); `boxes` a
 * Tensor[K, 5] of (batch index, x1, y1, x2, y2) or a list of Tensor[L, 4] per image; `outputSize` an int or
 * [height, width]; `spatialScale` maps box coordinates to the map's; `samplingRatio` > 0 samples that many
 * points per bin side, otherwise ceil(roi size / output size); `aligned` shifts boxes by -0.5 pixel
 * (Detectron2). Returns (K, C, outputSize[0], outputSize[1]), differentiable in the input (the boxes get no gradient, as torchvision's).
 */
export function roiAlign(input: Tensor, boxes: RoiBoxes, outputSize: RoiOutputSize,
  ...args: PyArgs<[spatialScale: number, samplingRatio: number, aligned: boolean], { spatialScale?: number; samplingRatio?: number; aligned?: boolean }>): Tensor;
export function roiAlign(input: Tensor, boxes: RoiBoxes, outputSize: { outputSize: RoiOutputSize; spatialScale?: number; samplingRatio?: number; aligned?: boolean }): Tensor;
export function roiAlign(input: Tensor, boxes: RoiBoxes, ...args: unknown[]): Tensor {
  const fn = ROI_ALIGN.fn;
  const [outputSize, spatialScale, samplingRatio, aligned] = bind(ROI_ALIGN, args) as [unknown, unknown, unknown, unknown];
  checkFeatureMap(fn, input);
  checkRoiBoxesShape(fn, boxes);
  const [ph, pw] = roiOutputSize(fn, outputSize);
  checkNumberArg(fn, 'spatialScale', spatialScale);
  checkNumberArg(fn, 'samplingRatio', samplingRatio, true);
  if (typeof aligned !== 'boolean') throw new TypeError(`${fn}: aligned must be a boolean, got ${describe(aligned)}`);
  return torch.tidy(() => roiAlignImpl(fn, input, roisOf(fn, boxes, input.size(0)), spatialScale, ph, pw, samplingRatio, aligned));
}

/** torchvision.ops.RoIAlign: roiAlign as a module (see roiAlign). */
export class RoIAlign extends torch.nn.Module {
  outputSize: RoiOutputSize;
  spatialScale: number;
  samplingRatio: number;
  aligned: boolean;
  constructor(outputSize: RoiOutputSize, spatialScale: number, samplingRatio: number, ...args: PyArgs<[aligned: boolean], { aligned?: boolean }>);
  constructor(options: { outputSize: RoiOutputSize; spatialScale: number; samplingRatio: number; aligned?: boolean });
  constructor(...args: unknown[]) {
    super();
    const fn = ROI_ALIGN_MODULE.fn;
    const [outputSize, spatialScale, samplingRatio, aligned] = bind(ROI_ALIGN_MODULE, args) as [RoiOutputSize, number, number, boolean];
    roiOutputSize(fn, outputSize);
    checkNumberArg(fn, 'spatialScale', spatialScale);
    checkNumberArg(fn, 'samplingRatio', samplingRatio, true);
    if (typeof aligned !== 'boolean') throw new TypeError(`${fn}: aligned must be a boolean, got ${describe(aligned)}`);
    this.outputSize = outputSize;
    this.spatialScale = spatialScale;
    this.samplingRatio = samplingRatio;
    this.aligned = aligned;
  }
  override forward(input: Tensor, rois: RoiBoxes): Tensor {
    return roiAlign(input, rois, this.outputSize, this.spatialScale, this.samplingRatio, this.aligned);
  }
  override toString(): string {
    return `RoIAlign(output_size=${reprOutputSize(this.outputSize)}, spatial_scale=${pyFloat(this.spatialScale)}, sampling_ratio=${this.samplingRatio}, aligned=${pyBool(this.aligned)})`;
  }
}
