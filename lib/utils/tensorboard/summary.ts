// Summary builders, as torch/utils/tensorboard/summary.py makes them: each returns a tensorboard.Summary
// as a plain object with the .proto field names (proto.ts encodes it).
import { isTensor, type Tensor } from '../../tensor.js';
import { cat } from '../../generated/functions.js';
import { zeros } from '../../creation.js';
import { float32, float64, uint8 } from '../../dtype.js';
import { tidy } from '../../scope.js';
import { describe as describeKind } from '../../options.js';
import { encodeMessage } from './proto.js';

export type SummaryObject = { value: Record<string, unknown>[] };

/** A number from a JS number, boolean or one-element Tensor (what PyTorch's make_np(x).squeeze() accepts). */
export function scalarValue(fn: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (isTensor(value)) {
    if (value.numel() !== 1) throw new RangeError(`${fn}: the tensor should contain one element, got shape [${value.shape.join(', ')}]`);
    return Number(tidy(() => value.detach().cpu().to(float64).item()));
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
  if (isTensor(values)) return tidy(() => values.detach().cpu().to(float64).contiguous().reshape(-1).toTypedArray() as Float64Array);
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

/** numpy.histogram(values, bins): counts and edges; bins is a count (equal bins over [min, max]) or the edges. */
export function numpyHistogram(fn: string, values: Float64Array, bins: number | ArrayLike<number>): { counts: number[]; edges: Float64Array } {
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${fn}: bins must be a positive integer, got ${bins}`);
    let first = Infinity, last = -Infinity;
    for (const x of values) {
      if (Number.isNaN(x)) { first = last = NaN; break; }
      if (x < first) first = x;
      if (x > last) last = x;
    }
    if (!Number.isFinite(first) || !Number.isFinite(last)) throw new RangeError(`${fn}: autodetected range of [${first}, ${last}] is not finite`);
    if (first === last) { first -= 0.5; last += 0.5; }
    const edges = uniformEdges(first, last, bins);
    const counts = new Array<number>(bins).fill(0);
    const denom = last - first;
    for (const x of values) {
      if (!(x >= first && x <= last)) continue;
      // numpy's fast path: index from the position, then corrected by comparison with the edges.
      let i = Math.trunc(((x - first) / denom) * bins);
      if (i === bins) i--;
      if (x < edges[i]) i--;
      else if (x >= edges[i + 1] && i !== bins - 1) i++;
      counts[i]++;
    }
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

export type Bins = 'tensorflow' | number | ArrayLike<number>;

/** make_histogram: the histogram trimmed to the bins that hold values, with one empty bin on the left. */
export function histogram(tag: string, valuesIn: unknown, bins: Bins, maxBins: number | null = null): SummaryObject {
  const fn = 'SummaryWriter.addHistogram';
  const values = flatFloat64(fn, valuesIn);
  if (values.length === 0) throw new RangeError(`${fn}: the input has no element`);
  if (typeof bins === 'string' && bins !== 'tensorflow') throw new RangeError(`${fn}: bins must be 'tensorflow', a count or the bin edges; numpy's estimator '${bins}' is not supported`);
  let { counts, edges } = numpyHistogram(fn, values, bins === 'tensorflow' ? DEFAULT_BINS : bins);
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
  let min = Infinity, max = -Infinity, sum = 0, sumSquares = 0;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sumSquares += x * x;
  }
  const histo = { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit: bucketLimit, bucket };
  return { value: [{ tag, histo }] };
}

export type DataFormats = 'CHW' | 'HWC' | 'HW' | 'WH' | string;

/**
 * The image as HWC uint8 pixels, as summary.image: float scaled by 255 (uint8 kept), clipped and
 * truncated; one channel becomes three; a batch (N in the format) becomes a grid of up to 8 columns.
 */
export function imageToHWC(fn: string, img: unknown, dataformats: DataFormats): { pixels: Buffer; height: number; width: number; channels: number } {
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
    if (![1, 3, 4].includes(c)) throw new RangeError(`${fn}: an image needs 1, 3 or 4 channels, got ${c}`);
    if (c === 1) t = t.expand(height, width, 3);
    const pixels = Buffer.from((t.contiguous().toTypedArray() as Uint8Array).buffer);
    return { pixels, height, width, channels: c === 1 ? 3 : c };
  });
}

// make_grid: N images (NCHW, 1 or 3 channels) side by side, min(N, 8) per row, black where none; HWC out.
function imageGrid(fn: string, nchw: Tensor): Tensor {
  let [n, c, h, w] = nchw.shape as [number, number, number, number];
  if (c === 1) nchw = nchw.expand(n, 3, h, w);
  else if (c !== 3) throw new RangeError(`${fn}: a batch of images needs 1 or 3 channels, got ${c}`);
  const cols = Math.min(n, 8);
  const rows = Math.ceil(n / cols);
  const padded = rows * cols > n ? cat([nchw, zeros([rows * cols - n, 3, h, w], { dtype: uint8 })]) : nchw;
  return padded.reshape(rows, cols, 3, h, w).permute(0, 3, 1, 4, 2).reshape(rows * h, cols * w, 3);
}

/** summary.image: a Summary.Image with the PNG (encoded by sharp), colorspace = channels. */
export async function image(tag: string, hwc: { pixels: Buffer; height: number; width: number; channels: number }): Promise<SummaryObject> {
  const { pixels, height, width, channels } = hwc;
  const { default: sharp } = await import('sharp'); // loaded on first use (it is slow to load)
  const png = await sharp(pixels, { raw: { width, height, channels: channels as 3 | 4 } }).png().toBuffer();
  return { value: [{ tag, image: { height, width, colorspace: channels, encoded_image_string: png } }] };
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
