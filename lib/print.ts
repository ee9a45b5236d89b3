// Port of PyTorch 2.13 torch/_tensor_str.py: tensors print exactly like Python's str(t) / repr(t).
// Covers real, integer, bool and complex dtypes, named, meta, quantized, mkldnn and sparse (COO, CSR,
// CSC, BSR, BSC) tensors. Out of scope: functorch-wrapped and forward-AD dual tensors (nested ones print
// in nested.ts).

import { getDefaultDtype } from './dtype.js';
import { readOptions } from './options.js';

type Scalar = number | bigint | boolean;

/** One component tensor of a sparse tensor (its indices or values), as Python prints it. */
export interface SparsePartView {
  name: string; // 'indices', 'values', 'crow_indices', ...
  shape: number[];
  dtype: string;
  values: ArrayLike<Scalar> | null; // null on the meta device
}

export interface TensorPrintView {
  shape: number[];
  dtype: string; // PyTorch name without prefix: 'float32', 'int64', 'bool', 'complex64', ...
  // Full data, flat, row-major. Complex dtypes: interleaved [re0, im0, re1, im1, ...] (2 * numel values),
  // each part float64-exact (complex32 parts already converted from half). null for meta and sparse tensors.
  values: ArrayLike<Scalar> | null;
  device: string; // 'cpu', 'cuda:0', 'meta'
  layout?: string; // torch.layout name without prefix: 'strided' (default), 'sparse_coo', 'sparse_csr', ...
  sparseParts?: SparsePartView[]; // sparse layouts: the parts in Python's order (COO: indices, values)
  requiresGrad: boolean;
  gradFn: string | null; // e.g. 'AddBackward0'
  tangent?: string | null; // str() of the forward-mode tangent at the current dual level
  names?: (string | null)[] | null; // dimension names of a named tensor (null for unnamed dims)
  // Quantized tensors: `values` are the dequantized float32 ones; the parameters as Python's str gives them.
  quantization?: QuantizationView | null;
}

/** A quantized tensor's scheme ('per_tensor_affine', ...) and parameters, as printed (per channel: tensors and an axis). */
export interface QuantizationView {
  scheme: string;
  scale: string;
  zeroPoint: string;
  axis?: number;
}

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const printOpts: PrintOptions = { ...PROFILES.default, sciMode: null };

const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16', 'float8_e5m2', 'float8_e4m3fn', 'float8_e5m2fnuz', 'float8_e4m3fnuz', 'float8_e8m0fnu']);
const INT_DTYPES = new Set(['int8', 'uint8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64']);
const COMPLEX_DTYPES = new Set(['complex32', 'complex64', 'complex128']);
// Python's has_default_dtype: the default dtype, its complex partner (complex128 for float64, else
// complex64), int64 and bool print no dtype.
function hasDefaultDtype(dtype: string, defaultName: string): boolean {
  return dtype === defaultName || dtype === (defaultName === 'float64' ? 'complex128' : 'complex64') || dtype === 'int64' || dtype === 'bool';
}

type PrintOptionsArg = { [K in keyof PrintOptions]?: PrintOptions[K] | null } & { profile?: 'default' | 'short' | 'full' | null };

/** torch.set_printoptions: null or a left-out option keeps its value (sciMode: back to automatic); an unknown profile is refused before anything changes. */
export function setPrintoptions(opts: PrintOptionsArg = {}): void {
  opts = readOptions('setPrintoptions', opts, ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode']) as typeof opts;
  const next = { ...printOpts }; // checked in full before any of it takes effect
  if (opts.profile != null) {
    const profile = PROFILES[opts.profile];
    if (profile === undefined) throw new Error(`unknown print profile '${String(opts.profile)}'`);
    Object.assign(next, profile);
  }
  if (opts.precision != null) next.precision = checkCount('precision', opts.precision);
  if (opts.threshold != null) next.threshold = checkNumber('threshold', opts.threshold);
  if (opts.edgeitems != null) next.edgeitems = checkCount('edgeitems', opts.edgeitems);
  if (opts.linewidth != null) next.linewidth = checkNumber('linewidth', opts.linewidth);
  // Like torch.set_printoptions, every call resets sciMode to automatic unless it is given.
  next.sciMode = opts.sciMode ?? null;
  Object.assign(printOpts, next);
}

export function getPrintoptions(): PrintOptions {
  return { ...printOpts };
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`setPrintoptions: ${name} must be a non-negative integer, got ${value}`);
  return value;
}

function checkNumber(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new RangeError(`setPrintoptions: ${name} must be a number, got ${String(value)}`);
  return value;
}

// ---------- Python float formatting ('{:.Nf}' and '{:.Ne}') ----------
// Python rounds the exact binary value half-to-even; toFixed/toExponential round it exactly too but
// break ties away from zero. Ties are rare and detectable, so they (and what toFixed cannot do) take
// the exact BigInt path.

const f64 = new DataView(new ArrayBuffer(8));

// Exact decimal expansion of a finite |x|: |x| = digits / 10^scale.
function exactDecimal(x: number): { digits: bigint; scale: number } {
  f64.setFloat64(0, x);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = -1074; // subnormal
  if (biased !== 0) {
    mant |= 1n << 52n;
    exp2 = biased - 1075;
  }
  if (exp2 >= 0) return { digits: mant << BigInt(exp2), scale: 0 };
  // m / 2^k == m * 5^k / 10^k
  return { digits: mant * 5n ** BigInt(-exp2), scale: -exp2 };
}

// n / d rounded to nearest, ties to even (Python rounds the exact binary value this way).
function divRoundHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) return q + 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

// Python prints non-finite values as 'nan' (never signed), 'inf' and '-inf'.
function nonFinite(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

// Python's exponent has a sign and at least two digits: e+00, e-05, e+100.
function exponentSuffix(exp10: number): string {
  return 'e' + (exp10 < 0 ? '-' : '+') + String(Math.abs(exp10)).padStart(2, '0');
}

// toFixed and toExponential take at most 100 digits.
const MAX_JS_DIGITS = 100;

// 2^0 .. 2^1023 (the tie checks run once per printed element; ** is slower than a lookup).
const POW2 = Float64Array.from({ length: 1024 }, (_, i) => 2 ** i);

// True when a finite a > 0 is odd / 2^bits exactly: its decimal expansion then has exactly `bits`
// fractional digits, the last one a 5. Scaling by a power of two is exact here (bits <= ~430).
function hasFractionBits(a: number, bits: number): boolean {
  const scaled = a * (POW2[bits] ?? 2 ** bits);
  return Number.isInteger(scaled) && !Number.isInteger(scaled / 2);
}

function formatFixedExact(x: number, precision: number): string {
  const { digits, scale } = exactDecimal(Math.abs(x));
  const q = scale > precision ? divRoundHalfEven(digits, 10n ** BigInt(scale - precision)) : digits * 10n ** BigInt(precision - scale);
  const s = q.toString().padStart(precision + 1, '0');
  const intPart = s.slice(0, s.length - precision);
  const body = precision > 0 ? `${intPart}.${s.slice(s.length - precision)}` : intPart;
  return (isNegative(x) ? '-' : '') + body;
}

function formatExpExact(x: number, precision: number): string {
  let q = 0n;
  let exp10 = 0;
  if (x !== 0) {
    const { digits, scale } = exactDecimal(Math.abs(x));
    const len = digits.toString().length;
    exp10 = len - 1 - scale;
    if (len > precision + 1) {
      q = divRoundHalfEven(digits, 10n ** BigInt(len - precision - 1));
      // Rounding up 9.99..→10.0 adds a digit: renormalise to one leading digit.
      if (q === 10n ** BigInt(precision + 1)) {
        q /= 10n;
        exp10 += 1;
      }
    } else {
      q = digits * 10n ** BigInt(precision + 1 - len);
    }
  }
  const s = q.toString().padStart(precision + 1, '0');
  const mantissa = precision > 0 ? `${s[0]}.${s.slice(1)}` : s;
  return `${isNegative(x) ? '-' : ''}${mantissa}${exponentSuffix(exp10)}`;
}

/** Python's '{:.<precision>f}'.format(x). */
export function formatFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const a = Math.abs(x);
  // A tie sits exactly halfway at digit precision+1; toFixed switches to exponent notation from 1e21.
  if (precision > MAX_JS_DIGITS || a >= 1e21 || hasFractionBits(a, precision + 1)) return formatFixedExact(x, precision);
  const body = a.toFixed(precision);
  return isNegative(x) ? '-' + body : body;
}

// Whether |x| = a could be a tie when rounded to precision+1 significant digits, given the decimal
// exponent e of toExponential's result (a's own exponent is e or, after rounding up, e - 1).
function mayTieExp(a: number, precision: number, e: number): boolean {
  if (Number.isInteger(a)) {
    if (a >= 2 ** 53) return true; // String() of such integers is not exact: take the exact path
    const digits = String(a).replace(/0+$/, '');
    return digits.length === precision + 2 && digits.endsWith('5');
  }
  const bits = precision + 1 - e; // fractional digits of a tie with exponent e
  return (bits >= 1 && hasFractionBits(a, bits)) || hasFractionBits(a, bits + 1);
}

/** Python's '{:.<precision>e}'.format(x). */
export function formatExp(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  if (precision > MAX_JS_DIGITS) return formatExpExact(x, precision);
  const a = Math.abs(x);
  const s = a.toExponential(precision);
  const ePos = s.indexOf('e');
  const exp10 = Number(s.slice(ePos + 1));
  if (mayTieExp(a, precision, exp10)) return formatExpExact(x, precision);
  return (isNegative(x) ? '-' : '') + s.slice(0, ePos) + exponentSuffix(exp10);
}

/** The BigInt reference formatters (exported for tests that check the fast paths against them). */
export const exactFormatters = { fixed: formatFixedExact, exp: formatExpExact };

// Python's '{}'.format of an int or bool element.
function formatInteger(v: Scalar, isBool: boolean): string {
  // Bool data may also arrive as 0/1 bytes.
  if (isBool) return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  const n = Number(v);
  // Integer-valued doubles beyond 2^53 would print as '1e+21' with String().
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

// ---------- _Formatter ----------

class Formatter {
  private readonly floating: boolean;
  private readonly isBool: boolean;
  private readonly precision: number;
  private intMode = true;
  private sciMode = false;
  width = 1; // Python's max_width
  // Unpadded strings of the measured values by index, kept when `values` is what will be printed.
  private readonly measured: (string | undefined)[] | null;

  // `values` are the elements Python's formatter sees: the whole tensor (keep: print them by index
  // with formatAt, reusing the strings measured for the width), or its summarized data.
  constructor(private readonly values: ArrayLike<Scalar>, dtype: string, opts: PrintOptions, keep: boolean) {
    this.floating = FLOAT_DTYPES.has(dtype);
    this.isBool = dtype === 'bool';
    this.precision = opts.precision;
    const n = values.length;
    const measured: (string | undefined)[] | null = keep ? new Array<string | undefined>(n) : null;
    this.measured = measured;
    let width = this.width;
    if (!this.floating) {
      for (let i = 0; i < n; i++) {
        const str = formatInteger(values[i]!, this.isBool);
        if (measured) measured[i] = str;
        if (str.length > width) width = str.length;
      }
      this.width = width;
      return;
    }
    const finite: number[] = []; // indices of the nonzero finite values
    // float8_e8m0fnu has no zero and no infinity: to Python's isfinite & ne(0), its NaN is finite and its
    // smallest value, 2^-127 (what 0 casts to), is zero, so an all-2^-127 tensor prints as 0.
    const e8m0 = dtype === 'float8_e8m0fnu';
    const zero = e8m0 ? 2 ** -127 : 0;
    let absMin = Infinity;
    let absMax = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(values[i]);
      if (v === zero || (e8m0 ? Math.abs(v) === Infinity : !Number.isFinite(v))) continue;
      finite.push(i);
      const a = Math.abs(v);
      if (Number.isNaN(a)) absMin = absMax = NaN; // torch's min/max propagate NaN
      if (a < absMin) absMin = a;
      if (a > absMax) absMax = a;
      if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
    }
    // Python returns early here, so a sciMode option does not apply to all-zero/non-finite tensors.
    if (finite.length === 0) return;
    this.sciMode = opts.sciMode ?? (absMax / absMin > 1000.0 || absMax > 1.0e8 || absMin < 1.0e-4);
    // Widths are measured in the notation that will be printed (int mode: with the '.' it appends).
    for (const i of finite) {
      const str = this.unpadded(Number(values[i]));
      if (measured) measured[i] = str;
      if (str.length > width) width = str.length;
    }
    this.width = width;
  }

  private unpadded(value: Scalar): string {
    if (!this.floating) return formatInteger(value, this.isBool);
    const x = Number(value);
    if (this.sciMode) return formatExp(x, this.precision);
    if (this.intMode) return Number.isFinite(x) ? formatFixed(x, 0) + '.' : nonFinite(x);
    return formatFixed(x, this.precision);
  }

  format(value: Scalar): string {
    const ret = this.unpadded(value);
    return ret.length < this.width ? ret.padStart(this.width) : ret;
  }

  // format(values[index]) for a formatter built with keep.
  formatAt(index: number): string {
    const ret = this.measured?.[index] ?? this.unpadded(this.values[index]!);
    return ret.length < this.width ? ret.padStart(this.width) : ret;
  }
}

// ---------- layout (_tensor_str and helpers) ----------

// A dense tensor's data as _tensor_str reads it.
interface DenseData {
  shape: number[];
  dtype: string;
  values: ArrayLike<Scalar>; // complex: interleaved real and imaginary parts
}

interface Layout {
  shape: number[];
  strides: number[];
  summarize: boolean;
  opts: PrintOptions;
}

// Formats the element at a flat offset; `width` is what _vector_str budgets per element, before ', '.
interface ElementPrinter {
  width: number;
  format(offset: number): string;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

// Indices a summarized dimension keeps (size > 2 * edgeitems): the first and last edgeitems.
function edgeIndices(size: number, edgeitems: number): number[] {
  return [...range(0, edgeitems), ...range(size - edgeitems, size)];
}

// get_summarized_data, flattened: the elements the formatter measures when summarizing.
function summarizedValues(layout: Layout, values: ArrayLike<Scalar>, offset: number, dim: number, out: Scalar[]): void {
  const { shape, strides, opts } = layout;
  const remaining = shape.length - dim;
  if (remaining === 0) {
    out.push(values[offset]!);
    return;
  }
  const size = shape[dim]!;
  const stride = strides[dim]!;
  if (remaining === 1) {
    // torch.cat((self[:e], self[-e:])): with edgeitems 0, self[-0:] is the whole vector.
    const indices = size > 2 * opts.edgeitems && opts.edgeitems > 0 ? edgeIndices(size, opts.edgeitems) : range(0, size);
    for (const i of indices) out.push(values[offset + i * stride]!);
    return;
  }
  // self.new_empty([0] * dim): nothing to measure.
  if (opts.edgeitems === 0) return;
  const indices = size > 2 * opts.edgeitems ? edgeIndices(size, opts.edgeitems) : range(0, size);
  for (const i of indices) summarizedValues(layout, values, offset + i * stride, dim + 1, out);
}

function vectorStr(layout: Layout, offset: number, indent: number, printer: ElementPrinter): string {
  const { shape, strides, summarize, opts } = layout;
  const dim = shape.length - 1;
  const size = shape[dim]!;
  const stride = strides[dim]!;
  // Each element takes its width plus ', '.
  const elementLength = printer.width + 2;
  const elementsPerLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));

  let data: string[];
  if (summarize && opts.edgeitems === 0) {
    data = ['...'];
  } else if (summarize && size > 2 * opts.edgeitems) {
    const fmt = (i: number): string => printer.format(offset + i * stride);
    data = [...range(0, opts.edgeitems).map(fmt), ' ...', ...range(size - opts.edgeitems, size).map(fmt)];
  } else {
    data = new Array<string>(size);
    for (let i = 0; i < size; i++) data[i] = printer.format(offset + i * stride);
  }
  if (data.length <= elementsPerLine) return '[' + data.join(', ') + ']';
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(layout: Layout, offset: number, dim: number, indent: number, printer: ElementPrinter): string {
  const { shape, strides, summarize, opts } = layout;
  const remaining = shape.length - dim;
  if (remaining === 0) return printer.format(offset);
  if (remaining === 1) return vectorStr(layout, offset, indent, printer);

  const size = shape[dim]!;
  const sub = (i: number): string => tensorStrWithFormatter(layout, offset + i * strides[dim]!, dim + 1, indent + 1, printer);
  let slices: string[];
  if (summarize && size > 2 * opts.edgeitems) {
    // With edgeitems 0 only the '...' is left.
    slices = [...range(0, opts.edgeitems).map(sub), '...', ...range(size - opts.edgeitems, size).map(sub)];
  } else {
    slices = range(0, size).map(sub);
  }
  // Sub-tensors of a k-dim tensor are separated by k-1 newlines (blank lines between matrices).
  return '[' + slices.join(',' + '\n'.repeat(remaining - 1) + ' '.repeat(indent + 1)) + ']';
}

// _Formatter over the whole tensor, or over get_summarized_data(...) when summarizing; it formats the
// element at a flat index of `values`.
function buildFormatter(layout: Layout, values: ArrayLike<Scalar>, dtype: string): { width: number; formatAt(index: number): string } {
  if (!layout.summarize) return new Formatter(values, dtype, layout.opts, true);
  const measured: Scalar[] = [];
  summarizedValues(layout, values, 0, 0, measured);
  const formatter = new Formatter(measured, dtype, layout.opts, false);
  return { width: formatter.width, formatAt: (index) => formatter.format(values[index]!) };
}

// _tensor_str: the bracketed data of a dense tensor, without prefix or suffixes.
function tensorStr(data: DenseData, indent: number, opts: PrintOptions): string {
  const { shape } = data;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return '[]';
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  const layout: Layout = { shape, strides, summarize: numel > opts.threshold, opts };

  if (!COMPLEX_DTYPES.has(data.dtype)) {
    const formatter = buildFormatter(layout, data.values, data.dtype);
    return tensorStrWithFormatter(layout, 0, 0, indent, { width: formatter.width, format: (i) => formatter.formatAt(i) });
  }

  // Complex (complex32 is printed via cfloat()): separate formatters for self.real and self.imag.
  const real = new Float64Array(numel);
  const imag = new Float64Array(numel);
  for (let i = 0; i < numel; i++) {
    real[i] = Number(data.values[2 * i]);
    imag[i] = Number(data.values[2 * i + 1]);
  }
  const realFormatter = buildFormatter(layout, real, 'float64');
  const imagFormatter = buildFormatter(layout, imag, 'float64');
  const format = (i: number): string => {
    const realStr = realFormatter.formatAt(i);
    // The imaginary part loses its padding; '+' is added unless it carries a sign (also for -0.0).
    const imagStr = (imagFormatter.formatAt(i) + 'j').trimStart();
    return imagStr[0] === '+' || imagStr[0] === '-' ? realStr + imagStr : realStr + '+' + imagStr;
  };
  // _vector_str budgets both widths plus the 'j', although the imaginary part is printed unpadded.
  return tensorStrWithFormatter(layout, 0, 0, indent, { width: realFormatter.width + imagFormatter.width + 1, format });
}

// Dimension names are ASCII identifiers (torch rejects anything else), so Python's repr is just '<name>'.
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// str(self.names) for a tensor with at least one name, else null (has_names() is false).
function namesSuffix(names: (string | null)[] | null | undefined, ndim: number): string | null {
  if (names === undefined || names === null) return null;
  if (names.length !== ndim) throw new Error(`tensor with ${ndim} dimensions needs ${ndim} names, got ${names.length}`);
  for (const n of names) {
    if (n !== null && !NAME_RE.test(n)) {
      throw new Error(`invalid dimension name '${n}': a valid identifier contains only digits, alphabetical characters and/or underscore and starts with a non-digit`);
    }
  }
  if (names.every((n) => n === null)) return null;
  const items = names.map((n) => (n === null ? 'None' : `'${n}'`));
  return `names=${pyTuple(items)}`;
}

// repr(float) without the '.0' Python adds to whole numbers (the form inside complex reprs).
export function floatDigits(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  // Python's repr switches to exponent form outside 1e-4 <= |x| < 1e16.
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return frac ? `${sign}${whole}.${frac}` : `${sign}${whole}`;
}

/** Python's repr(float): shortest round-trip digits, exponent form outside [1e-4, 1e16), '.0' on whole numbers. */
export function pyFloat(x: number): string {
  const s = floatDigits(x);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

// str(tuple(items)): (2, 3), (10,), (); a one-element tuple keeps its trailing comma.
export function pyTuple(items: readonly (number | bigint | string)[]): string {
  return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
}

function addSuffixes(tensorString: string, suffixes: string[], indent: number, linewidth: number, forceNewline: boolean): string {
  const parts = [tensorString];
  // Same arithmetic as Python, including rfind returning -1 when there is no newline.
  let lastLineLen = tensorString.length - tensorString.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (forceNewline || lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
      forceNewline = false;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

function checkDtype(dtype: string): void {
  if (!COMPLEX_DTYPES.has(dtype) && !FLOAT_DTYPES.has(dtype) && !INT_DTYPES.has(dtype) && dtype !== 'bool') {
    throw new Error(`cannot print tensor of unknown dtype '${dtype}'`);
  }
}

// Checks that flat data has one value per element (two for complex); null (no data) passes.
function checkValues(what: string, shape: number[], dtype: string, values: ArrayLike<Scalar> | null): number {
  const numel = shape.reduce((a, b) => a * b, 1);
  const complex = COMPLEX_DTYPES.has(dtype);
  const expected = complex ? 2 * numel : numel;
  if (values !== null && values.length !== expected) {
    const need = complex ? `${expected} values (interleaved real, imag)` : `${numel} values`;
    throw new Error(`${what} of shape [${shape.join(', ')}] needs ${need}, got ${values.length}`);
  }
  return numel;
}

/** The component tensors printed for each sparse layout, in order. */
export const SPARSE_PART_NAMES: Readonly<Record<string, readonly string[]>> = {
  sparse_coo: ['indices', 'values'],
  sparse_csr: ['crow_indices', 'col_indices', 'values'],
  sparse_csc: ['ccol_indices', 'row_indices', 'values'],
  sparse_bsr: ['crow_indices', 'col_indices', 'values'],
  sparse_bsc: ['ccol_indices', 'row_indices', 'values'],
};

// The `indices=tensor(...),\n values=tensor(...)` body of a sparse tensor (values null: meta, shown as '...').
function sparseBody(v: TensorPrintView, indent: number, opts: PrintOptions): string {
  const layout = v.layout ?? 'strided';
  const names = SPARSE_PART_NAMES[layout]!;
  const parts = v.sparseParts ?? [];
  if (parts.length !== names.length || parts.some((p, i) => p.name !== names[i])) {
    throw new Error(`a ${layout} tensor is printed from its parts ${names.join(', ')}, got ${parts.map((p) => p.name).join(', ') || 'none'}`);
  }
  return parts
    .map((part) => {
      checkDtype(part.dtype);
      const numel = checkValues(part.name, part.shape, part.dtype, part.values);
      const prefix = `${part.name}=tensor(`;
      let body = part.values === null ? '...' : tensorStr({ shape: part.shape, dtype: part.dtype, values: part.values }, indent + prefix.length, opts);
      if (part.values === null || numel === 0) body += `, size=${pyTuple(part.shape)}`;
      return prefix + body + ')';
    })
    .join(',\n' + ' '.repeat(indent));
}

/** _str_intern: `tensor(<data>, <suffixes>)` for strided, meta, quantized, mkldnn and sparse tensors. */
export function formatTensor(v: TensorPrintView): string {
  const quantization = v.quantization ?? null;
  // A quantized tensor prints its dequantized values; float4_e2m1fn_x2 its bytes, as floats (as Python).
  const valuesDtype = quantization !== null || v.dtype === 'float4_e2m1fn_x2' ? 'float32' : v.dtype;
  checkDtype(valuesDtype);
  const layout = v.layout ?? 'strided';
  // mkldnn tensors print as their dense copy, followed by their layout.
  const sparse = layout !== 'strided' && layout !== '_mkldnn';
  if (sparse && SPARSE_PART_NAMES[layout] === undefined) throw new Error(`cannot print tensor of layout '${layout}'`);
  const meta = v.device === 'meta';
  if (!meta && !sparse && v.values === null) throw new Error('formatTensor: only meta and sparse tensors come without values');
  const numel = sparse ? 0 : checkValues('tensor', v.shape, valuesDtype, v.values);
  const names = namesSuffix(v.names, v.shape.length);
  const opts = getPrintoptions();
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const defaultName = getDefaultDtype().name;

  // The default device is cpu; any other device type is shown.
  if (v.device.split(':')[0] !== 'cpu') suffixes.push(`device='${v.device}'`);

  let body: string;
  if (sparse) {
    suffixes.push(`size=${pyTuple(v.shape)}`);
    // nnz is the number of specified elements (COO) or blocks (BSR/BSC): the leading size of values.
    if (!meta) suffixes.push(`nnz=${v.sparseParts?.at(-1)?.shape[0] ?? 0}`);
    if (!hasDefaultDtype(v.dtype, defaultName)) suffixes.push(`dtype=torch.${v.dtype}`);
    body = sparseBody(v, indent, opts);
  } else if (quantization !== null) {
    suffixes.push(`size=${pyTuple(v.shape)}`);
    if (!hasDefaultDtype(v.dtype, defaultName)) suffixes.push(`dtype=torch.${v.dtype}`);
    suffixes.push(`quantization_scheme=torch.${quantization.scheme}`, `scale=${quantization.scale}`, `zero_point=${quantization.zeroPoint}`);
    if (quantization.axis !== undefined) suffixes.push(`axis=${quantization.axis}`);
    body = numel === 0 ? '[]' : tensorStr({ shape: v.shape, dtype: valuesDtype, values: v.values! }, indent, opts);
  } else if (meta) {
    suffixes.push(`size=${pyTuple(v.shape)}`);
    // Meta tensors compare with the default dtype only: int64 and bool are spelled out too.
    if (v.dtype !== defaultName) suffixes.push(`dtype=torch.${v.dtype}`);
    body = '...';
  } else if (numel === 0) {
    // Match NumPy: show the shape unless it is (0,).
    if (v.shape.length !== 1) suffixes.push(`size=${pyTuple(v.shape)}`);
    // With no elements to show, any dtype but the default is spelled out (complex64, int64 and bool too).
    if (v.dtype !== defaultName) suffixes.push(`dtype=torch.${v.dtype}`);
    body = '[]';
  } else {
    // With edgeitems 0 the data shows nothing but '...', so the shape is given.
    if (opts.edgeitems === 0) suffixes.push(`size=${pyTuple(v.shape)}`);
    if (!hasDefaultDtype(v.dtype, defaultName)) suffixes.push(`dtype=torch.${v.dtype}`);
    body = tensorStr({ shape: v.shape, dtype: valuesDtype, values: v.values! }, indent, opts);
  }
  if (layout !== 'strided') suffixes.push(`layout=torch.${layout}`);

  if (v.gradFn !== null) suffixes.push(`grad_fn=<${v.gradFn}>`);
  else if (v.requiresGrad) suffixes.push('requires_grad=True');
  if (v.tangent != null) suffixes.push(`tangent=${v.tangent}`);
  if (names !== null) suffixes.push(names);

  // Python forces the first suffix onto a new line for COO tensors (is_sparse) only.
  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth, layout === 'sparse_coo');
}
