// torchvision.ops.roi_align (torchvision 0.28 roi_align.py): RoI Align (Mask R-CNN) as torchvision's
// pure-PyTorch `_roi_align`, the path it takes without its native kernels, op for op (the same ops in the
// same order and dtypes, its maybe_cast and its masked adaptive sampling), so outputs and the gradients
// autograd gives (for the input and the RoI coordinates) agree with torchvision's eager `_roi_align` bit
// for bit. Its adaptive path (samplingRatio <= 0) samples [K, C, PH, PW, H, W] points and masks most out;
// here only the [K, C, PH, PW, G, G'] that the largest RoI's grid can use (the same values, summed with
// the same zeros left out).
// Also the RoI helpers of torchvision/ops/_utils.py that every RoI operator shares.
import * as torch from '../../index.js';
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
// _roi_align

/** torchvision's maybe_cast: under CUDA autocast, non-double CUDA tensors go to float32. */
function maybeCast(t: Tensor): Tensor {
  return torch.isAutocastEnabled() && t.device.type === 'cuda' && t.dtype !== torch.float64 ? t.float() : t;
}

/** _bilinear_interpolate: the [K, C, PH, PW, IY, IX] bilinear samples at y [K, PH, IY] and x [K, PW, IX]. */
function bilinearInterpolate(input: Tensor, roiBatchInd: Tensor, y0: Tensor, x0: Tensor, ymask: Tensor | null, xmask: Tensor | null): Tensor {
  const [, , height, width] = input.shape as [number, number, number, number];
  // deal with inverse element out of feature map boundary
  let y = y0.clamp({ min: 0 });
  let x = x0.clamp({ min: 0 });
  let yLow = y.int();
  let xLow = x.int();
  const yHigh = torch.where(yLow.ge(height - 1), height - 1, yLow.add(1));
  yLow = torch.where(yLow.ge(height - 1), height - 1, yLow);
  y = torch.where(yLow.ge(height - 1), y.to(input.dtype), y);

  const xHigh = torch.where(xLow.ge(width - 1), width - 1, xLow.add(1));
  xLow = torch.where(xLow.ge(width - 1), width - 1, xLow);
  x = torch.where(xLow.ge(width - 1), x.to(input.dtype), x);

  const ly = y.sub(yLow);
  const lx = x.sub(xLow);
  const hy = torch.rsub(ly, 1.0);
  const hx = torch.rsub(lx, 1.0);

  // _roi_align gathers [K, C, PH, PW, IY, IX] with a channel index; gathering whole pixels of the
  // channels-last map ([K, PH, PW, IY, IX, C]) needs C times fewer indices and reads each pixel's
  // channels together: the same products and sums, element for element
  const channelsLast = input.permute(0, 2, 3, 1); // [N, H, W, C]
  const batchIdx = roiBatchInd.index(':', null, null, null, null);
  const maskedIndex = (yi: Tensor, xi: Tensor): Tensor => {
    if (ymask !== null && xmask !== null) {
      yi = torch.where(ymask.index(':', null, ':'), yi, 0);
      xi = torch.where(xmask.index(':', null, ':'), xi, 0);
    }
    return channelsLast.index(batchIdx, yi.index(':', ':', null, ':', null), xi.index(':', null, ':', null, ':')); // [K, PH, PW, IY, IX, C]
  };
  const v1 = maskedIndex(yLow, xLow);
  const v2 = maskedIndex(yLow, xHigh);
  const v3 = maskedIndex(yHigh, xLow);
  const v4 = maskedIndex(yHigh, xHigh);

  // all ws preemptively [K, PH, PW, IY, IX, 1]
  const outerProd = (a: Tensor, b: Tensor): Tensor => a.index(':', ':', null, ':', null, null).mul(b.index(':', null, ':', null, ':', null));
  const w1 = outerProd(hy, hx);
  const w2 = outerProd(hy, lx);
  const w3 = outerProd(ly, hx);
  const w4 = outerProd(ly, lx);
  const val = w1.mul(v1).add(w2.mul(v2)).add(w3.mul(v3)).add(w4.mul(v4));
  return val.permute(0, 5, 1, 2, 3, 4).contiguous(); // [K, C, PH, PW, IY, IX], laid out as _roi_align's
}

/** The largest adaptive grid side over the RoIs, at least 1; NaN boxes (which give NaN, as in _roi_align) do not count. */
function largestGrid(grid: Tensor): number {
  if (grid.numel() === 0) return 1;
  const largest = Number(torch.where(grid.isnan(), 0, grid).max().item());
  return Math.max(1, largest);
}

/** torchvision's _roi_align (eager), op for op. */
function roiAlignImpl(input0: Tensor, rois0: Tensor, spatialScale: number, pooledHeight: number, pooledWidth: number, samplingRatio: number, aligned: boolean): Tensor {
  const origDtype = input0.dtype;
  const input = maybeCast(input0);
  const rois = maybeCast(rois0);
  const [, , height, width] = input.shape as [number, number, number, number];
  const device = input.device;
  const ph = torch.arange(pooledHeight, { device }); // [PH]
  const pw = torch.arange(pooledWidth, { device }); // [PW]

  const roiBatchInd = rois.index(':', 0).int(); // [K]
  const offset = aligned ? 0.5 : 0.0;
  const roiStartW = rois.index(':', 1).mul(spatialScale).sub(offset);
  const roiStartH = rois.index(':', 2).mul(spatialScale).sub(offset);
  const roiEndW = rois.index(':', 3).mul(spatialScale).sub(offset);
  const roiEndH = rois.index(':', 4).mul(spatialScale).sub(offset);

  let roiWidth = roiEndW.sub(roiStartW);
  let roiHeight = roiEndH.sub(roiStartH);
  if (!aligned) {
    roiWidth = torch.clamp(roiWidth, { min: 1.0 });
    roiHeight = torch.clamp(roiHeight, { min: 1.0 });
  }
  const binSizeH = roiHeight.div(pooledHeight);
  const binSizeW = roiWidth.div(pooledWidth);

  const exactSampling = samplingRatio > 0;
  let iy: Tensor, ix: Tensor, ymask: Tensor | null, xmask: Tensor | null, stepH: Tensor, stepW: Tensor, count: number | Tensor;
  if (exactSampling) {
    count = Math.max(samplingRatio * samplingRatio, 1);
    iy = torch.arange(samplingRatio, { device });
    ix = torch.arange(samplingRatio, { device });
    ymask = null;
    xmask = null;
    stepH = binSizeH.div(samplingRatio);
    stepW = binSizeW.div(samplingRatio);
  } else {
    const roiBinGridH = torch.ceil(roiHeight.div(pooledHeight));
    const roiBinGridW = torch.ceil(roiWidth.div(pooledWidth));
    count = torch.clamp(roiBinGridH.mul(roiBinGridW), { min: 1 });
    // _roi_align samples every row and column of the map, then masks out what each RoI's grid does not
    // need; only the first min(map size, largest grid) can be unmasked, so the rest is not materialized
    const rows = Math.min(height, largestGrid(roiBinGridH));
    const cols = Math.min(width, largestGrid(roiBinGridW));
    iy = torch.arange(rows, { device });
    ix = torch.arange(cols, { device });
    ymask = iy.index(null, ':').lt(roiBinGridH.index(':', null));
    xmask = ix.index(null, ':').lt(roiBinGridW.index(':', null));
    stepH = binSizeH.div(roiBinGridH);
    stepW = binSizeW.div(roiBinGridW);
  }
  const fromK = (t: Tensor): Tensor => t.index(':', null, null);
  const y = fromK(roiStartH)
    .add(ph.index(null, ':', null).mul(fromK(binSizeH)))
    .add(iy.index(null, null, ':').add(0.5).to(input.dtype).mul(fromK(stepH))); // [K, PH, IY]
  const x = fromK(roiStartW)
    .add(pw.index(null, ':', null).mul(fromK(binSizeW)))
    .add(ix.index(null, null, ':').add(0.5).to(input.dtype).mul(fromK(stepW))); // [K, PW, IX]
  let val = bilinearInterpolate(input, roiBatchInd, y, x, ymask, xmask); // [K, C, PH, PW, IY, IX]

  // mask out samples that weren't actually adaptively needed
  if (ymask !== null && xmask !== null) {
    val = torch.where(ymask.index(':', null, null, null, ':', null), val, 0);
    val = torch.where(xmask.index(':', null, null, null, null, ':'), val, 0);
  }
  const output = val.sum([-1, -2]); // [K, C, PH, PW]
  if (typeof count === 'number') output.div_(count);
  else output.div_(count.index(':', null, null, null));
  return output.to(origDtype);
}

/**
 * torchvision's roi_align: RoI Align with average pooling (Mask R-CNN). `input` (N, C, H, W); `boxes` a
 * Tensor[K, 5] of (batch index, x1, y1, x2, y2) or a list of Tensor[L, 4] per image; `outputSize` an int or
 * [height, width]; `spatialScale` maps box coordinates to the map's; `samplingRatio` > 0 samples that many
 * points per bin side, otherwise ceil(roi size / output size); `aligned` shifts boxes by -0.5 pixel
 * (Detectron2). Returns (K, C, outputSize[0], outputSize[1]), differentiable in the input and the boxes.
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
  return torch.tidy(() => roiAlignImpl(input, roisOf(fn, boxes, input.size(0)), spatialScale, ph, pw, samplingRatio, aligned));
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
