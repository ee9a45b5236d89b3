// Summary builders, as torch/utils/tensorboard/summary.py makes them: each returns a tensorboard.Summary
// as a plain object with the .proto field names (proto.ts encodes it).
import { isTensor, type Tensor } from '../../tensor.js';
import { cat, viewAsReal } from '../../generated/functions.js';
import { tensor, zeros } from '../../creation.js';
import { bfloat16, float16, float32, float64, pySize, uint8 } from '../../dtype.js';
import { tidy } from '../../scope.js';
import { describe as describeKind } from '../../options.js';
import { encodeMessage } from './proto.js';
import { pyFloat } from '../../print.js';
import { cInt, segment, type Canvas, type Ink } from '../../vision/_pil_draw.js';
import { pilResize } from '../../vision/_pil_resample.js';

export type SummaryObject = { value: Record<string, unknown>[] };

/** make_np's tensor: detached, on the CPU, bfloat16 as float16 (numpy has no bfloat16). */
export function asNumpy(t: Tensor): Tensor {
  const host = t.detach().cpu();
  return host.dtype === bfloat16 ? host.to(float16) : host;
}

/** A number from a JS number, boolean or one-element Tensor (what PyTorch's make_np(x).squeeze() accepts). */
export function scalarValue(fn: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (isTensor(value)) {
    if (value.numel() !== 1) throw new RangeError(`${fn}: the tensor should contain one element, got shape [${value.shape.join(', ')}]`);
    return Number(tidy(() => asNumpy(value).to(float64).item()));
  }
  throw new TypeError(`${fn}: expected a number or a one-element Tensor, got ${describe(value)}`);
}

/** options.describe, with a tensor's shape and a primitive's value: what a logged value was. */
export function describe(v: unknown): string {
  if (isTensor(v)) return `a Tensor of shape [${v.shape.join(', ')}]`;
  return v === null || typeof v === 'object' ? describeKind(v) : `${typeof v} ${String(v)}`;
}

export interface ScalarOptions {
  /** The tensor field (float_val) with the scalars plugin's metadata instead of simple_value. */
  newStyle?: boolean;
  /** With newStyle: double_val (DT_DOUBLE) instead of float_val. */
  doublePrecision?: boolean;
}

export function scalar(tag: string, value: unknown, { newStyle = false, doublePrecision = false }: ScalarOptions = {}): SummaryObject {
  const v = scalarValue('SummaryWriter.addScalar', value);
  if (!newStyle) return { value: [{ tag, simple_value: v }] };
  const tensor = doublePrecision ? { dtype: 'DT_DOUBLE', double_val: [v] } : { dtype: 'DT_FLOAT', float_val: [v] };
  return { value: [{ tag, tensor, metadata: { plugin_data: { plugin_name: 'scalars' } } }] };
}

/** Every value of a Tensor or a (nested) number array, as float64, flattened. */
export function flatFloat64(fn: string, values: unknown): Float64Array {
  if (isTensor(values)) return tidy(() => asNumpy(values).to(float64).contiguous().reshape(-1).toTypedArray() as Float64Array);
  if (Array.isArray(values) || ArrayBuffer.isView(values)) {
    const flat = Array.isArray(values) ? (values as unknown[]).flat(Infinity) : Array.from(values as unknown as ArrayLike<number>);
    if (!flat.every((x) => typeof x === 'number')) throw new TypeError(`${fn}: values must be numbers or a Tensor`);
    return Float64Array.from(flat as number[]);
  }
  throw new TypeError(`${fn}: expected a Tensor or an array of numbers, got ${describe(values)}`);
}

// numpy.linspace(first, last, n + 1): i * step + first, the last edge exactly `last`.
function uniformEdges(first: number, last: number, n: number): Float64Array {
  const edges = new Float64Array(n + 1);
  const step = (last - first) / n;
  for (let i = 0; i < n; i++) edges[i] = i * step + first;
  edges[n] = last;
  return edges;
}

/**
 * numpy.histogram(values, bins, range, weights): counts (or the weights' float64 sums, added in input
 * order as bincount does) and edges; bins is a count (equal bins over `range`, default [min, max]) or the edges.
 */
export function numpyHistogram(fn: string, values: Float64Array, bins: number | ArrayLike<number>, range?: [number, number], weights?: Float64Array): { counts: number[]; edges: Float64Array } {
  const weightOf = (k: number): number => (weights === undefined ? 1 : weights[k]);
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${fn}: bins must be a positive integer, got ${bins}`);
    const [first, last] = outerEdges(fn, values, range);
    const edges = uniformEdges(first, last, bins);
    const counts = new Array<number>(bins).fill(0);
    const denom = last - first;
    values.forEach((x, k) => {
      if (!(x >= first && x <= last)) return;
      // numpy's fast path: index from the position, then corrected by comparison with the edges.
      let i = Math.trunc(((x - first) / denom) * bins);
      if (i === bins) i--;
      if (x < edges[i]) i--;
      else if (x >= edges[i + 1] && i !== bins - 1) i++;
      counts[i] += weightOf(k);
    });
    return { counts, edges };
  }
  const edges = Float64Array.from(bins);
  if (edges.length < 2) throw new RangeError(`${fn}: bins must have at least two edges`);
  for (let i = 1; i < edges.length; i++) if (!(edges[i] >= edges[i - 1])) throw new RangeError(`${fn}: bins must increase monotonically`);
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  for (const x of values) {
    // Bin i holds edges[i] <= x < edges[i + 1]; the last bin also holds x == edges[n].
    if (!(x >= edges[0] && x <= edges[n])) continue;
    let lo = 0, hi = n; // largest i with edges[i] <= x, by bisection
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= x) lo = mid;
      else hi = mid;
    }
    counts[x === edges[n] ? n - 1 : lo]++;
  }
  return { counts, edges };
}

/** TensorBoard's default histogram edges (SummaryWriter.default_bins): ±1e-12 * 1.1^k up to 1e20, and 0. */
export const DEFAULT_BINS: readonly number[] = (() => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
})();

/** numpy's bin-width estimators (numpy.histogram_bin_edges' string bins). */
export type BinEstimator = 'auto' | 'fd' | 'doane' | 'scott' | 'stone' | 'rice' | 'sturges' | 'sqrt';
export type Bins = 'tensorflow' | BinEstimator | number | ArrayLike<number>;

const sumOf = (x: Float64Array): number => x.reduce((a, b) => a + b, 0);
const meanOf = (x: Float64Array): number => sumOf(x) / x.length;
// np.std: the population standard deviation
function stdOf(x: Float64Array): number {
  const m = meanOf(x);
  return Math.sqrt(x.reduce((a, v) => a + (v - m) * (v - m), 0) / x.length);
}
// np.percentile's default (linear) on sorted values
function percentileOf(sorted: Float64Array, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const t = pos - lo;
  const a = sorted[lo]!, b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t; // numpy's _lerp
}
// min and max in one pass (no spread: a large array would overflow the call stack)
function minMax(x: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of x) {
    if (Number.isNaN(v)) return [NaN, NaN];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
// numpy's _get_outer_edges: the range (default [min, max]), widened by 0.5 each way when empty
function outerEdges(fn: string, values: Float64Array, range?: [number, number]): [number, number] {
  const [first, last] = range ?? minMax(values);
  if (!Number.isFinite(first) || !Number.isFinite(last)) throw new RangeError(`${fn}: autodetected range of [${first}, ${last}] is not finite`);
  return first === last ? [first - 0.5, last + 0.5] : [first, last];
}
const ptpOf = (x: Float64Array): number => {
  const [lo, hi] = minMax(x);
  return hi - lo;
};

// numpy/lib/_histograms_impl.py's _hist_bin_* selectors: the bin width each estimator picks (0: one bin).
const BIN_WIDTH: Record<BinEstimator, (x: Float64Array) => number> = {
  sqrt: (x) => ptpOf(x) / Math.sqrt(x.length),
  sturges: (x) => ptpOf(x) / (Math.log2(x.length) + 1),
  rice: (x) => ptpOf(x) / (2 * x.length ** (1 / 3)),
  scott: (x) => ((24 * Math.PI ** 0.5) / x.length) ** (1 / 3) * stdOf(x),
  stone: (x) => {
    const n = x.length;
    const ptp = ptpOf(x);
    if (n <= 1 || ptp === 0) return 0;
    // the bin count of least estimated L2 risk, 1 to max(100, sqrt(n)) (the first of equal ones)
    const jhat = (nbins: number): number => {
      const p = numpyHistogram('stone', x, nbins).counts.map((c) => c / n);
      return (2 - (n + 1) * p.reduce((a, v) => a + v * v, 0)) / (ptp / nbins);
    };
    const upper = Math.max(100, Math.trunc(Math.sqrt(n)));
    let best = 1;
    for (let k = 2, bestJ = jhat(1); k <= upper; k++) {
      const j = jhat(k);
      if (j < bestJ) [best, bestJ] = [k, j];
    }
    return ptp / best;
  },
  doane: (x) => {
    if (x.length <= 2) return 0;
    const sg1 = Math.sqrt((6 * (x.length - 2)) / ((x.length + 1) * (x.length + 3)));
    const sigma = stdOf(x);
    if (!(sigma > 0)) return 0;
    const m = meanOf(x);
    const g1 = meanOf(x.map((v) => ((v - m) / sigma) ** 3));
    return ptpOf(x) / (1 + Math.log2(x.length) + Math.log2(1 + Math.abs(g1) / sg1));
  },
  fd: (x) => {
    const sorted = Float64Array.from(x).sort();
    return 2 * (percentileOf(sorted, 75) - percentileOf(sorted, 25)) * x.length ** (-1 / 3);
  },
  // numpy 2.x: the FD width, but at least half the sqrt width (which caps the bin count near 2 sqrt(n)
  // when a few outliers stretch the range), and at most the Sturges width
  auto: (x) => Math.min(Math.max(BIN_WIDTH.fd(x), BIN_WIDTH.sqrt(x) / 2), BIN_WIDTH.sturges(x)),
};

/** numpy.histogram's bin count for an estimator: equal bins of its width over [min, max] (one when the width is 0). */
function estimatedBinCount(fn: string, values: Float64Array, estimator: string): number {
  if (!Object.hasOwn(BIN_WIDTH, estimator)) throw new RangeError(`${fn}: '${estimator}' is not a valid estimator for \`bins\``);
  const [first, last] = outerEdges(fn, values);
  const width = BIN_WIDTH[estimator as BinEstimator](values);
  return width ? Math.ceil((last - first) / width) : 1;
}

/** make_histogram: the histogram trimmed to the bins that hold values, with one empty bin on the left. */
export function histogram(tag: string, valuesIn: unknown, bins: Bins, maxBins: number | null = null): SummaryObject {
  const fn = 'SummaryWriter.addHistogram';
  const values = flatFloat64(fn, valuesIn);
  if (values.length === 0) throw new RangeError(`${fn}: the input has no element`);
  if (maxBins !== null && (!Number.isInteger(maxBins) || maxBins < 1)) throw new RangeError(`${fn}: max_bins must be a positive integer or null, got ${describe(maxBins)}`);
  const binsIn = bins === 'tensorflow' ? DEFAULT_BINS : typeof bins === 'string' ? estimatedBinCount(fn, values, bins) : bins;
  let { counts, edges } = numpyHistogram(fn, values, binsIn);
  let limits = Array.from(edges);
  if (maxBins !== null && counts.length > maxBins) {
    // Sum groups of `subsampling` neighbouring bins (zero-padding the last group), keeping their left edges.
    const subsampling = Math.floor(counts.length / maxBins);
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += subsampling) merged.push(counts.slice(i, i + subsampling).reduce((a, b) => a + b, 0));
    const newLimits: number[] = [];
    for (let i = 0; i < limits.length - 1; i += subsampling) newLimits.push(limits[i]);
    newLimits.push(limits[limits.length - 1]);
    counts = merged;
    limits = newLimits;
  }
  // The first and last bins that hold values; TensorBoard keeps right edges only, so one bin more on the left.
  let first = counts.findIndex((c) => c > 0);
  let last = counts.length - 1;
  while (last >= 0 && counts[last] === 0) last--;
  if (first < 0) throw new RangeError(`${fn}: the histogram is empty: no value lies within the bins`);
  const bucket = first > 0 ? counts.slice(first - 1, last + 1) : [0, ...counts.slice(0, last + 1)];
  const bucketLimit = limits.slice(first, last + 2);
  const [min, max] = minMax(values); // numpy's min and max: NaN if any value is
  let sum = 0, sumSquares = 0;
  for (const x of values) {
    sum += x;
    sumSquares += x * x;
  }
  const histo = { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit: bucketLimit, bucket };
  return { value: [{ tag, histo }] };
}

// summary.py's _TENSOR_TYPE_MAP: each dtype's DataType and the TensorProto field of its values.
const TENSOR_FIELDS: Record<string, readonly [string, string]> = {
  float16: ['DT_HALF', 'half_val'],
  bfloat16: ['DT_BFLOAT16', 'half_val'],
  float32: ['DT_FLOAT', 'float_val'],
  float64: ['DT_DOUBLE', 'double_val'],
  int8: ['DT_INT8', 'int_val'],
  uint8: ['DT_UINT8', 'uint32_val'],
  int16: ['DT_INT16', 'int_val'],
  int32: ['DT_INT32', 'int_val'],
  int64: ['DT_INT64', 'int64_val'],
  complex64: ['DT_COMPLEX64', 'scomplex_val'],
  complex128: ['DT_COMPLEX128', 'dcomplex_val'],
  bool: ['DT_BOOL', 'bool_val'],
};

/**
 * tensor_proto: the whole tensor in a TensorProto under the 'tensor' plugin. half_val holds each value's
 * float32 bits as an int32, as PyTorch's half_to_int packs it; complex values are (real, imag) pairs.
 */
export function tensorSummary(tag: string, tensor: unknown): SummaryObject {
  const fn = 'SummaryWriter.addTensor';
  if (!isTensor(tensor)) throw new TypeError(`${fn}: tensor must be a Tensor, got ${describe(tensor)}`);
  if (tensor.numel() * tensor.elementSize() >= 2 ** 31) throw new RangeError(`${fn}: tensor is bigger than protocol buffer's hard limit of 2GB in size`);
  const entry = TENSOR_FIELDS[tensor.dtype.name];
  if (entry === undefined) throw new TypeError(`${fn}: ${tag} has unsupported tensor dtype ${String(tensor.dtype)}`);
  const [dtype, field] = entry;
  const values = tidy((): unknown[] => {
    const flat = tensor.detach().cpu().contiguous().reshape(-1);
    if (field === 'half_val') return Array.from(new Int32Array(Float32Array.from(flat.to(float32).toTypedArray() as Float32Array).buffer));
    if (field === 'scomplex_val' || field === 'dcomplex_val') return Array.from(viewAsReal(flat).reshape(-1).toTypedArray() as Float32Array | Float64Array);
    if (field === 'int64_val') return Array.from(flat.toTypedArray() as BigInt64Array, String); // protobufjs takes int64 as decimal strings
    if (field === 'bool_val') return Array.from(flat.toTypedArray() as Uint8Array, Boolean);
    return Array.from(flat.toTypedArray() as ArrayLike<number>);
  });
  const proto = { dtype, tensor_shape: { dim: tensor.shape.map((size) => ({ size })) }, [field]: values };
  return { value: [{ tag, metadata: { plugin_data: { plugin_name: 'tensor' } }, tensor: proto }] };
}

/** What add_histogram_raw takes: the statistics and buckets of a histogram computed elsewhere. */
export interface RawHistogram { min: unknown; max: unknown; num: unknown; sum: unknown; sumSquares: unknown; bucketLimits: unknown; bucketCounts: unknown }

/** histogram_raw: a HistogramProto from given statistics; bucket limits and counts of one length. */
export function histogramRaw(tag: string, raw: RawHistogram): SummaryObject {
  const fn = 'SummaryWriter.addHistogramRaw';
  const stats = { min: raw.min, max: raw.max, num: raw.num, sum: raw.sum, sum_squares: raw.sumSquares };
  for (const [name, v] of Object.entries(stats)) if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${describe(v)}`);
  const bucketLimit = Array.from(flatFloat64(fn, raw.bucketLimits));
  const bucket = Array.from(flatFloat64(fn, raw.bucketCounts));
  if (bucketLimit.length !== bucket.length) throw new RangeError(`${fn}: len(bucket_limits) != len(bucket_counts), see the document. (${bucketLimit.length} and ${bucket.length})`);
  return { value: [{ tag, histo: { ...stats, bucket_limit: bucketLimit, bucket } }] };
}

export type DataFormats = 'CHW' | 'HWC' | 'HW' | 'WH' | string;

/**
 * The image as HWC uint8 pixels, as summary.image: float scaled by 255 (uint8 kept), clipped and
 * truncated; one channel becomes three; a batch (N in the format) becomes a grid of up to 8 columns.
 */
export function imageToHWC(fn: string, img: unknown, dataformats: DataFormats): HWCPixels {
  if (!isTensor(img)) throw new TypeError(`${fn}: img_tensor must be a Tensor, got ${describe(img)}`);
  const format = String(dataformats).toUpperCase();
  const letters = format.length === 4 ? 'NCHW' : 'CHW';
  if (new Set(format).size !== format.length || ![2, 3, 4].includes(format.length) || ![...format].every((c) => letters.includes(c)) || !format.includes('H') || !format.includes('W') || (format.length === 4 && !format.includes('C')))
    throw new RangeError(`${fn}: dataformats must be a permutation of NCHW, CHW or HW (NCHW, CHW, HWC, HW, ...), got '${dataformats}'`);
  if (img.dim() !== format.length) throw new RangeError(`${fn}: an image in ${format} format must have ${format.length} dimensions, got shape [${img.shape.join(', ')}]`);
  return tidy(() => {
    let t = img.detach().cpu();
    const scale = t.dtype === uint8 ? 1 : 255;
    t = t.to(float32).mul(scale).clamp(0, 255).to(uint8);
    if (format.length === 4) t = imageGrid(fn, t.permute(...[...'NCHW'].map((c) => format.indexOf(c))));
    else if (format.length === 2) t = t.permute(format.indexOf('H'), format.indexOf('W')).unsqueeze(2);
    else t = t.permute(format.indexOf('H'), format.indexOf('W'), format.indexOf('C'));
    const [height, width, c] = t.shape as [number, number, number];
    if (![1, 2, 3, 4].includes(c)) throw new RangeError(`${fn}: an image needs 1, 2, 3 or 4 channels (gray, gray and alpha, RGB, RGBA), got ${c}`);
    if (c === 1) t = t.expand(height, width, 3);
    const pixels = Buffer.from((t.contiguous().toTypedArray() as Uint8Array).buffer);
    return { pixels, height, width, channels: c === 1 ? 3 : c };
  });
}

// make_grid: N images (NCHW, 1 or 3 channels) side by side, min(N, ncols) per row, black where none; HWC out.
export function imageGrid(fn: string, nchw: Tensor, ncols = 8, what = 'a batch of images'): Tensor {
  let [n, c, h, w] = nchw.shape as [number, number, number, number];
  if (c === 1) nchw = nchw.expand(n, 3, h, w);
  else if (c !== 3) throw new RangeError(`${fn}: ${what} needs 1 or 3 channels, got ${c}`);
  const cols = Math.min(n, ncols);
  const rows = Math.ceil(n / cols);
  const padded = rows * cols > n ? cat([nchw, zeros([rows * cols - n, 3, h, w], { dtype: nchw.dtype })]) : nchw;
  return padded.reshape(rows, cols, 3, h, w).permute(0, 3, 1, 4, 2).reshape(rows * h, cols * w, 3);
}

/** summary.image: a Summary.Image with the PNG (encoded by sharp), colorspace = channels. */
export async function image(tag: string, hwc: HWCPixels): Promise<SummaryObject> {
  const { pixels, height, width, channels } = hwc;
  const { default: sharp } = await import('sharp'); // loaded on first use (it is slow to load)
  const raw = sharp(pixels, { raw: { width, height, channels: channels as 2 | 3 | 4 } });
  const png = await (channels === 2 ? raw.toColourspace('b-w') : raw).png().toBuffer(); // gray + alpha stays LA (PIL's mode), not RGBA
  return { value: [{ tag, image: { height, width, colorspace: channels, encoded_image_string: png } }] };
}

/** HWC uint8 pixels, what summary.image encodes. */
export interface HWCPixels { pixels: Buffer; height: number; width: number; channels: number }

// ImageColor.getcolor('Red', mode) for the modes Image.fromarray makes of 2, 3 and 4 channels (LA, RGB, RGBA)
const RED: Record<number, readonly number[]> = { 2: [76, 255], 3: [255, 0, 0], 4: [255, 0, 0, 255] };

/**
 * image_boxes: the image with each box (rows of xmin, ymin, xmax, ymax) outlined as _draw_single_box
 * does (PIL's draw.line through the corners, 2 pixels wide, 'Red'), then resized by `rescale` with PIL's
 * LANCZOS; the Summary.Image keeps the original height and width, as PyTorch's make_image does.
 */
export function imageBoxes(tag: string, hwc: HWCPixels, boxesIn: unknown, rescale: number, labels: readonly string[] | null): Promise<SummaryObject> {
  const fn = 'SummaryWriter.addImageWithBoxes';
  const { pixels, height, width, channels } = hwc;
  if (labels !== null && labels.some((label) => label))
    throw new Error(`${fn}: labels cannot be drawn: PyTorch draws them with PIL's default font, which torchnode does not have (boxes without labels are drawn as PyTorch draws them)`);
  if (!isTensor(boxesIn)) throw new TypeError(`${fn}: box_tensor must be a Tensor, got ${describe(boxesIn)}`);
  if (boxesIn.dim() !== 2 || boxesIn.shape[1]! < 4) throw new RangeError(`${fn}: box_tensor must be N x 4 (xmin, ymin, xmax, ymax), got shape [${boxesIn.shape.join(', ')}]`);
  const columns = boxesIn.shape[1]!;
  const boxes = flatFloat64(fn, boxesIn);
  const mask: Canvas = { px: new Uint8Array(height * width * 3), height, width };
  const ink: Ink = { rgb: [1, 1, 1], alpha: null };
  for (let i = 0; i < boxesIn.shape[0]!; i++) {
    const [left, top, right, bottom] = Array.from(boxes.subarray(i * columns, i * columns + 4), cInt);
    const corners = [[left, top], [left, bottom], [right, bottom], [right, top], [left, top]] as const;
    for (let k = 0; k < 4; k++) segment(mask, corners[k]![0]!, corners[k]![1]!, corners[k + 1]![0]!, corners[k + 1]![1]!, ink, 2);
  }
  const drawn = Buffer.from(pixels);
  const red = RED[channels]!;
  for (let p = 0; p < height * width; p++) if (mask.px[p * 3]) for (let k = 0; k < channels; k++) drawn[p * channels + k] = red[k]!;
  const scaledHeight = Math.trunc(height * rescale), scaledWidth = Math.trunc(width * rescale);
  let out: HWCPixels = { pixels: drawn, height, width, channels };
  if (scaledHeight !== height || scaledWidth !== width) {
    // PIL resizes an image with alpha premultiplied (RGBa), which torchnode's resize does not do
    if (channels !== 3) throw new RangeError(`${fn}: rescale ${rescale} of an image with an alpha channel is not supported`);
    const resized = pilResize({ data: drawn, height, width, channels }, scaledWidth, scaledHeight, 'lanczos');
    out = { pixels: Buffer.from(resized.buffer, resized.byteOffset, resized.byteLength), height: scaledHeight, width: scaledWidth, channels };
  }
  // drawn at the call (errors thrown, not rejected); only the PNG encoding waits
  return image(tag, out).then((summary) => {
    Object.assign(summary.value[0]!.image as object, { height, width });
    return summary;
  });
}

/** A video as summary.video lays it out: T frames of H x W x C uint8 pixels, the batch as a grid. */
export interface VideoFrames { pixels: Buffer; frames: number; height: number; width: number; channels: number }

/**
 * summary.video's frames (_prepare_video, then the scaling): uint8 divided by 255 in float32, all
 * times 255 in float32, clipped and truncated; the batch padded with black videos to a power of two
 * and laid out 2^floor((bits(N) - 1) / 2) rows high, the rest across.
 */
export function videoToTHWC(fn: string, vid: unknown): VideoFrames {
  if (!isTensor(vid)) throw new TypeError(`${fn}: vid_tensor must be a Tensor, got ${describe(vid)}`);
  if (vid.dim() !== 5) throw new RangeError(`${fn}: vid_tensor must be N x T x C x H x W (5 dimensions), got shape [${vid.shape.join(', ')}]`);
  const [n, frames, c, h, w] = vid.shape as [number, number, number, number, number];
  if (![1, 3, 4].includes(c)) throw new RangeError(`${fn}: a video needs 1, 3 or 4 channels (C, the third dimension), got ${c}`);
  if (vid.numel() === 0) throw new RangeError(`${fn}: vid_tensor is empty (shape [${vid.shape.join(', ')}])`);
  return tidy(() => {
    let v = vid.detach().cpu();
    v = v.dtype === uint8 ? v.to(float32).div(255) : v.to(float32);
    v = v.mul(255).clamp(0, 255).to(uint8);
    const bits = n.toString(2).length; // Python's n.bit_length()
    const padded = (n & (n - 1)) === 0 ? n : 2 ** bits;
    if (padded > n) v = cat([v, zeros([padded - n, frames, c, h, w], { dtype: uint8 })]);
    const rows = 2 ** Math.floor((bits - 1) / 2);
    const cols = padded / rows;
    const thwc = v.reshape(rows, cols, frames, c, h, w).permute(2, 0, 4, 1, 5, 3).reshape(frames, rows * h, cols * w, c);
    const pixels = Buffer.from((thwc.contiguous().toTypedArray() as Uint8Array).buffer);
    return { pixels, frames, height: rows * h, width: cols * w, channels: c };
  });
}

/**
 * summary.video: a Summary.Image holding an animated GIF (encoded by sharp where PyTorch uses
 * moviepy), 1/fps seconds a frame rounded to GIF's centiseconds, looping; colorspace = channels.
 * moviepy's GIF leaves out an alpha channel (it becomes the clip's mask), so this one does too.
 */
export async function video(tag: string, thwc: VideoFrames, fps: number): Promise<SummaryObject> {
  const { pixels, frames, height, width, channels } = thwc;
  const { default: sharp } = await import('sharp');
  const delay = new Array<number>(frames).fill(10 * Math.round(100 / fps));
  let input = sharp(pixels, { raw: { width, height: frames * height, channels: channels as 1 | 3 | 4, pageHeight: height } });
  if (channels === 4) input = input.removeAlpha();
  const gif = await input.gif({ delay, loop: 0 }).toBuffer();
  return { value: [{ tag, image: { height, width, colorspace: channels, encoded_image_string: gif } }] };
}

export function text(tag: string, textString: string): SummaryObject {
  if (typeof textString !== 'string') throw new TypeError(`SummaryWriter.addText: text_string must be a string, got ${describe(textString)}`);
  const content = encodeMessage('tensorboard.TextPluginData', { version: 0 });
  return {
    value: [{
      tag: `${tag}/text_summary`,
      metadata: { plugin_data: { plugin_name: 'text', content } },
      tensor: { dtype: 'DT_STRING', string_val: [Buffer.from(textString, 'utf8')], tensor_shape: { dim: [{ size: 1 }] } },
    }],
  };
}

const HPARAMS_PLUGIN = 'hparams';
const HPARAMS_VERSION = 0;
type HParamValue = number | string | boolean | null | undefined | { numel(): number };

function hparamsSummary(tag: string, data: Record<string, unknown>): SummaryObject {
  const content = encodeMessage('tensorboard.hparams.HParamsPluginData', { version: HPARAMS_VERSION, ...data });
  return { value: [{ tag, metadata: { plugin_data: { plugin_name: HPARAMS_PLUGIN, content } } }] };
}

/**
 * summary.hparams: the Experiment, SessionStartInfo and SessionEndInfo summaries of the hparams plugin.
 * As in PyTorch, booleans count as numbers (Python's bool is an int): number_value 1/0, DATA_TYPE_FLOAT64.
 */
export function hparams(
  hparamDict: Record<string, HParamValue>,
  metricDict: Record<string, unknown>,
  hparamDomainDiscrete: Record<string, unknown[]> = {},
): [experiment: SummaryObject, sessionStart: SummaryObject, sessionEnd: SummaryObject] {
  const fn = 'SummaryWriter.addHparams';
  const isDict = (d: unknown): boolean => typeof d === 'object' && d !== null && !Array.isArray(d) && !isTensor(d);
  if (!isDict(hparamDict) || !isDict(metricDict)) throw new TypeError(`${fn}: hparam_dict and metric_dict should be objects`);
  if (!isDict(hparamDomainDiscrete)) throw new TypeError(`${fn}: hparam_domain_discrete should be an object`);
  const kind = (v: unknown): string => (typeof v === 'boolean' ? 'number' : typeof v);
  for (const [k, domain] of Object.entries(hparamDomainDiscrete))
    if (!(k in hparamDict) || !Array.isArray(domain) || !domain.every((d) => kind(d) === kind(hparamDict[k])))
      throw new TypeError(`${fn}: hparam_domain_discrete[${k}] should be an array of the same type as hparam_dict[${k}]`);
  // google.protobuf.Value comes from protobufjs' bundled struct.proto, whose field names are camelCase.
  const asValue = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? { stringValue: v } : { numberValue: Number(v) });
  const hparamInfos: Record<string, unknown>[] = [];
  const sessionHparams: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(hparamDict)) {
    if (v === null || v === undefined) continue;
    let value: number | string;
    if (typeof v === 'number' || typeof v === 'string') value = v;
    else if (typeof v === 'boolean') value = v ? 1 : 0;
    else if (isTensor(v)) value = scalarValue(fn, v);
    else throw new TypeError(`${fn}: the value of '${name}' should be a number, string, boolean or Tensor, got ${describe(v)}`);
    sessionHparams[name] = asValue(value);
    const info: Record<string, unknown> = { name, type: typeof value === 'string' ? 'DATA_TYPE_STRING' : 'DATA_TYPE_FLOAT64' };
    // PyTorch ignores the domain of a Tensor-valued hparam.
    if (name in hparamDomainDiscrete && !isTensor(v)) info.domain_discrete = { values: hparamDomainDiscrete[name].map(asValue) };
    hparamInfos.push(info);
  }
  const metricInfos = Object.keys(metricDict).map((tag) => ({ name: { tag } }));
  return [
    hparamsSummary('_hparams_/experiment', { experiment: { hparam_infos: hparamInfos, metric_infos: metricInfos } }),
    hparamsSummary('_hparams_/session_start_info', { session_start_info: { hparams: sessionHparams } }),
    hparamsSummary('_hparams_/session_end_info', { session_end_info: { status: 'STATUS_SUCCESS' } }),
  ];
}

/** The PR-curve plugin's summary of a 6 x numThresholds table: TP, FP, TN, FN, precision, recall (as float32). */
function prCurveSummary(tag: string, rows: ArrayLike<number>[], numThresholds: number): SummaryObject {
  const content = encodeMessage('tensorboard.PrCurvePluginData', { version: 0, num_thresholds: numThresholds });
  const width = rows[0]!.length;
  const floatVal = rows.flatMap((r) => Array.from(r));
  return {
    value: [{
      tag,
      metadata: { plugin_data: { plugin_name: 'pr_curves', content } },
      tensor: { dtype: 'DT_FLOAT', float_val: floatVal, tensor_shape: { dim: [{ size: rows.length }, { size: width }] } },
    }],
  };
}

// Python's make_np for the PR-curve inputs: a Tensor's values (float32 unless it is float64), or a number array as float64.
function curveInput(fn: string, name: string, v: unknown): { values: Float64Array; float32: boolean } {
  if (isTensor(v)) return { values: flatFloat64(fn, v), float32: v.dtype !== float64 };
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return { values: flatFloat64(fn, v), float32: v instanceof Float32Array };
  throw new TypeError(`${fn}: ${name} must be a Tensor or an array of numbers, got ${describe(v)}`);
}

/**
 * summary.pr_curve: tensorboard's compute_curve. Predictions in [0, 1] fall in numThresholds buckets
 * (floor(p * (n - 1)), multiplied in the predictions' precision as numpy does); per bucket the weighted
 * positives and negatives are summed, then accumulated from the top threshold down.
 */
export function prCurve(tag: string, labels: unknown, predictions: unknown, numThresholds = 127, weights?: unknown): SummaryObject {
  const fn = 'SummaryWriter.addPrCurve';
  if (!Number.isInteger(numThresholds) || numThresholds < 1) throw new RangeError(`${fn}: num_thresholds must be a positive integer, got ${numThresholds}`);
  const n = Math.min(numThresholds, 127); // PyTorch's cap ("value > 127 breaks protobuf")
  const y = curveInput(fn, 'labels', labels).values;
  const p = curveInput(fn, 'predictions', predictions);
  if (y.length !== p.values.length) throw new RangeError(`${fn}: labels and predictions must have as many elements (${y.length} and ${p.values.length})`);
  let w: Float64Array | null = null;
  if (weights !== undefined && weights !== null) {
    w = typeof weights === 'number' ? new Float64Array(y.length).fill(weights) : curveInput(fn, 'weights', weights).values;
    if (w.length !== y.length) throw new RangeError(`${fn}: weights must have as many elements as labels (${w.length} and ${y.length})`);
  }
  const buckets = p.values.map((x) => Math.trunc(Math.floor(p.float32 ? Math.fround(x * (n - 1)) : x * (n - 1))));
  const positive = y.map((l, i) => l * (w ? w[i] : 1));
  const negative = y.map((l, i) => (1 - l) * (w ? w[i] : 1));
  const tpBuckets = numpyHistogram(fn, buckets, n, [0, n - 1], positive).counts;
  const fpBuckets = numpyHistogram(fn, buckets, n, [0, n - 1], negative).counts;
  const reverseCumsum = (b: number[]): Float64Array => {
    const out = new Float64Array(n);
    let acc = 0;
    for (let i = n - 1; i >= 0; i--) out[i] = acc += b[i]!;
    return out;
  };
  const tp = reverseCumsum(tpBuckets);
  const fp = reverseCumsum(fpBuckets);
  const tn = fp.map((v) => fp[0]! - v);
  const fnCounts = tp.map((v) => tp[0]! - v);
  const MINIMUM_COUNT = 1e-7;
  const precision = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fp[i]!));
  const recall = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fnCounts[i]!));
  return prCurveSummary(tag, [tp, fp, tn, fnCounts, precision, recall], n);
}

/** summary.pr_curve_raw: the six rows given (each numThresholds long), stacked as pr_curve stores them. */
export function prCurveRaw(tag: string, rows: unknown[], numThresholds = 127): SummaryObject {
  const fn = 'SummaryWriter.addPrCurveRaw';
  const names = ['true_positive_counts', 'false_positive_counts', 'true_negative_counts', 'false_negative_counts', 'precision', 'recall'];
  const values = rows.map((r, i) => curveInput(fn, names[i]!, r).values);
  if (values.some((v) => v.length !== values[0]!.length)) throw new RangeError(`${fn}: the six rows must have the same length, got ${values.map((v) => v.length).join(', ')}`);
  if (!Number.isInteger(numThresholds) || numThresholds < 1) throw new RangeError(`${fn}: num_thresholds must be a positive integer, got ${numThresholds}`);
  return prCurveSummary(tag, values, Math.min(numThresholds, 127));
}

/** A custom-scalars layout: { category: { chartTitle: ['Multiline', tags] | ['Margin', [value, lower, upper]] } }. */
export type CustomScalarsLayout = Record<string, Record<string, readonly [string, readonly string[]]>>;

/** summary.custom_scalars: the layout proto as the string tensor of the "custom_scalars__config__" summary. */
export function customScalars(layout: CustomScalarsLayout): SummaryObject {
  const fn = 'SummaryWriter.addCustomScalars';
  const isDict = (d: unknown): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d);
  if (!isDict(layout)) throw new TypeError(`${fn}: layout must be an object of categories, got ${describe(layout)}`);
  const category = Object.entries(layout).map(([title, charts]) => {
    if (!isDict(charts)) throw new TypeError(`${fn}: category '${title}' must be an object of charts, got ${describe(charts)}`);
    const chart = Object.entries(charts).map(([chartTitle, meta]) => {
      const tags = Array.isArray(meta) ? meta[1] : undefined;
      if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
        throw new TypeError(`${fn}: chart '${chartTitle}' must be ['Multiline' or 'Margin', tags], got ${describe(meta)}`);
      if (meta[0] !== 'Margin') return { title: chartTitle, multiline: { tag: tags } }; // as PyTorch: any other kind is a multiline chart
      if (tags.length !== 3) throw new RangeError(`${fn}: a Margin chart needs 3 tags (value, lower, upper), got ${tags.length}`);
      return { title: chartTitle, margin: { series: [{ value: tags[0], lower: tags[1], upper: tags[2] }] } };
    });
    return { title, chart };
  });
  const bytes = encodeMessage('tensorboard.Layout', { category });
  return {
    value: [{
      tag: 'custom_scalars__config__',
      tensor: { dtype: 'DT_STRING', string_val: [bytes], tensor_shape: {} },
      metadata: { plugin_data: { plugin_name: 'custom_scalars' } },
    }],
  };
}

/**
 * summary.audio: a mono clip (any shape that squeezes to 1-D) in [-1, 1], clipped if beyond, as a
 * 16-bit PCM WAV file written as Python's wave module writes it (x * 32767 in the clip's precision,
 * truncated).
 */
export function audio(tag: string, sndTensor: unknown, sampleRate = 44100): SummaryObject {
  const fn = 'SummaryWriter.addAudio';
  if (!isTensor(sndTensor)) throw new TypeError(`${fn}: snd_tensor must be a Tensor, got ${describe(sndTensor)}`);
  if (typeof sampleRate !== 'number' || !(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`${fn}: sample_rate must be a positive number, got ${describe(sampleRate)}`);
  const squeezed = sndTensor.shape.filter((d) => d !== 1);
  if (squeezed.length !== 1) throw new RangeError(`${fn}: input tensor should be 1 dimensional (after squeezing), got shape [${sndTensor.shape.join(', ')}]`);
  // numpy multiplies in the clip's precision: float64, float16 (bfloat16 becomes float16 first), else float32
  const precision = sndTensor.dtype === float64 ? 'double' : sndTensor.dtype === float16 || sndTensor.dtype === bfloat16 ? 'half' : 'single';
  const values = flatFloat64(fn, sndTensor);
  let peak = 0;
  for (const x of values) peak = Math.max(peak, Math.abs(x));
  if (peak > 1) process.emitWarning('audio amplitude out of range, auto clipped.', { code: 'TORCHNODE_TENSORBOARD' }); // PyTorch prints the same
  const frames = values.length;
  const wav = Buffer.alloc(44 + 2 * frames);
  const rate = Math.round(sampleRate); // wave stores int(round(framerate))
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + 2 * frames, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(2 * frames, 40);
  const scaled = values.map((x) => {
    const clipped = Math.min(1, Math.max(-1, x));
    return precision === 'double' ? clipped * 32767 : Math.fround(clipped * 32767);
  });
  // numpy's float16 product is the float32 one rounded to float16 (1.0 * 32767 becomes 32768)
  const samples = precision === 'half' ? tidy(() => tensor(Float32Array.from(scaled)).to(float16).to(float64).toTypedArray() as Float64Array) : scaled;
  // astype('<i2') keeps the low 16 bits of the truncated value, as C's cast does here (32768 becomes -32768)
  samples.forEach((x, i) => wav.writeInt16LE((Math.trunc(x) << 16) >> 16, 44 + 2 * i));
  return { value: [{ tag, audio: { sample_rate: sampleRate, num_channels: 1, length_frames: frames, encoded_audio_string: wav, content_type: 'audio/wav' } }] };
}

// Python's json.dumps(obj, sort_keys=True): ', ' and ': ' separators, non-ASCII as \uXXXX, whole numbers as ints.
function pyJsonDumps(v: unknown, fn: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map((e) => pyJsonDumps(e, fn)).join(', ')}]`;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return `{${Object.keys(v).sort().map((k) => `${pyJsonDumps(k, fn)}: ${pyJsonDumps((v as Record<string, unknown>)[k], fn)}`).join(', ')}}`;
  throw new TypeError(`${fn}: config_dict must hold only objects, arrays, strings, numbers, booleans and null, got ${describe(v)}`);
}

const MESH_PARTS = [['vertices', 'VERTEX', 1], ['faces', 'FACE', 2], ['colors', 'COLOR', 3]] as const;

/**
 * summary.mesh: one tensor summary per part given (vertices, faces, colors: each B x N x 3), tagged
 * <tag>_VERTEX/_FACE/_COLOR, with the mesh plugin's data (the parts present, the shape, the three.js config).
 */
export function mesh(tag: string, parts: { vertices: unknown; colors?: unknown; faces?: unknown }, configDict?: Record<string, unknown> | null): SummaryObject {
  const fn = 'SummaryWriter.addMesh';
  const jsonConfig = configDict === undefined || configDict === null ? '{}' : pyJsonDumps(configDict, fn);
  const present = MESH_PARTS.filter(([name]) => parts[name] !== undefined && parts[name] !== null);
  const components = present.reduce((mask, [, , code]) => mask | (1 << code), 0);
  const value = present.map(([name, kind]) => {
    const t = parts[name];
    if (!isTensor(t)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${describe(t)}`);
    if (t.dim() !== 3) throw new RangeError(`${fn}: Tensor shape should be of shape BxNx3, but got ${pySize(t.shape)} (${name}).`);
    const content = encodeMessage('tensorboard.mesh.MeshPluginData', { version: 0, name: tag, content_type: kind, components, shape: t.shape, json_config: jsonConfig });
    return {
      tag: `${tag}_${kind}`,
      tensor: { dtype: 'DT_FLOAT', float_val: Array.from(flatFloat64(fn, t)), tensor_shape: { dim: t.shape.map((size) => ({ size })) } },
      metadata: { plugin_data: { plugin_name: 'mesh', content } },
    };
  });
  return { value };
}
