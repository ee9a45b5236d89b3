// Port of PyTorch 1.13 torch/_tensor_str.py: tensors print exactly like Python's str(t) / repr(t).
// Covers real, integer, bool and complex dtypes and named tensors.
// Out of scope: sparse, quantized, nested, meta and forward-AD dual tensors, and a default dtype other than float32.
import { readOptions } from './options.js';

export interface TensorPrintView {
  shape: number[];
  dtype: string; // PyTorch name without prefix: 'float32', 'int64', 'bool', 'complex64', ...
  // Full data, flat, row-major. Complex dtypes: interleaved [re0, im0, re1, im1, ...] (2 * numel values),
  // each part float64-exact (complex32 parts already converted from half).
  values: ArrayLike<number | bigint | boolean>;
  device: string; // 'cpu', 'cuda:0'
  requiresGrad: boolean;
  gradFn: string | null; // e.g. 'AddBackward0'
  names?: (string | null)[] | null; // dimension names of a named tensor (null for unnamed dims)
}

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

type Scalar = number | bigint | boolean;

const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const printOpts: PrintOptions = { ...PROFILES.default, sciMode: null };

const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);
const INT_DTYPES = new Set(['int8', 'uint8', 'int16', 'int32', 'int64']);
const COMPLEX_DTYPES = new Set(['complex32', 'complex64', 'complex128']);
// Python's has_default_dtype with the default dtype float32: float32, complex64, int64 and bool print no dtype.
const DEFAULT_DTYPES = new Set(['float32', 'complex64', 'int64', 'bool']);

export function setPrintoptions(opts: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  opts = readOptions('setPrintoptions', opts, ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode']) as typeof opts;
  if (opts.profile !== undefined) {
    const profile = PROFILES[opts.profile];
    if (profile === undefined) throw new Error(`unknown print profile '${String(opts.profile)}'`);
    Object.assign(printOpts, profile);
  }
  if (opts.precision !== undefined) printOpts.precision = checkCount('precision', opts.precision);
  if (opts.threshold !== undefined) printOpts.threshold = checkNumber('threshold', opts.threshold);
  if (opts.edgeitems !== undefined) printOpts.edgeitems = checkCount('edgeitems', opts.edgeitems);
  if (opts.linewidth !== undefined) printOpts.linewidth = checkNumber('linewidth', opts.linewidth);
  // Like torch.set_printoptions, every call resets sciMode to automatic unless it is given.
  printOpts.sciMode = opts.sciMode ?? null;
}

export function getPrintoptions(): PrintOptions {
  return { ...printOpts };
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function checkNumber(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new RangeError(`${name} must be a number, got ${String(value)}`);
  return value;
}

// ---------- Python float formatting ('{:.Nf}' and '{:.Ne}'), bit-exact via BigInt ----------

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

function formatFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const { digits, scale } = exactDecimal(Math.abs(x));
  const q = scale > precision ? divRoundHalfEven(digits, 10n ** BigInt(scale - precision)) : digits * 10n ** BigInt(precision - scale);
  const s = q.toString().padStart(precision + 1, '0');
  const intPart = s.slice(0, s.length - precision);
  const body = precision > 0 ? `${intPart}.${s.slice(s.length - precision)}` : intPart;
  return (isNegative(x) ? '-' : '') + body;
}

function formatExp(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
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
  // Python's exponent has a sign and at least two digits: e+00, e-05, e+100.
  const exponent = (exp10 < 0 ? '-' : '+') + String(Math.abs(exp10)).padStart(2, '0');
  return `${isNegative(x) ? '-' : ''}${mantissa}e${exponent}`;
}

// Python's '{}'.format of an int or bool element.
function formatInteger(v: Scalar, isBool: boolean): string {
  // Bool data may also arrive as 0/1 bytes.
  if (isBool) return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  // Integer-valued doubles beyond 2^53 would print as '1e+21' with String().
  return BigInt(Number(v)).toString();
}

// ---------- _Formatter ----------

class Formatter {
  private readonly floating: boolean;
  private readonly isBool: boolean;
  private readonly precision: number;
  private intMode = true;
  private sciMode = false;
  maxWidth = 1;

  // `values` are the elements Python's formatter sees: the whole tensor, or its summarized data.
  constructor(values: Scalar[], dtype: string, opts: PrintOptions) {
    this.floating = FLOAT_DTYPES.has(dtype);
    this.isBool = dtype === 'bool';
    this.precision = opts.precision;
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, formatInteger(v, this.isBool).length);
      return;
    }
    const finite = values.map(Number).filter((v) => Number.isFinite(v) && v !== 0);
    // Python returns early here, so a sciMode option does not apply to all-zero/non-finite tensors.
    if (finite.length === 0) return;
    let absMin = Infinity;
    let absMax = 0;
    for (const v of finite) {
      absMin = Math.min(absMin, Math.abs(v));
      absMax = Math.max(absMax, Math.abs(v));
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    const wide = absMax / absMin > 1000.0 || absMax > 1.0e8;
    if (this.intMode) {
      if (wide) {
        this.sciMode = true;
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, this.precision).length);
      } else {
        // +1 for the '.' appended to show the tensor is floating point.
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
      }
    } else if (wide || absMin < 1.0e-4) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, this.precision).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, this.precision).length);
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  format(value: Scalar): string {
    let ret: string;
    if (this.floating) {
      const x = Number(value);
      if (this.sciMode) {
        ret = formatExp(x, this.precision);
      } else if (this.intMode) {
        ret = formatFixed(x, 0);
        if (Number.isFinite(x)) ret += '.';
      } else {
        ret = formatFixed(x, this.precision);
      }
    } else {
      ret = formatInteger(value, this.isBool);
    }
    return ret.padStart(this.maxWidth);
  }
}

// ---------- layout (_tensor_str and helpers) ----------

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

// Indices kept along one dimension when summarizing; the last dimension uses Python slicing
// (self[-edgeitems:]), which takes everything when edgeitems is 0, outer ones use range().
function edgeIndices(size: number, edgeitems: number, lastDim: boolean): { head: number[]; tail: number[] } {
  const tailStart = lastDim && edgeitems === 0 ? 0 : size - edgeitems;
  return { head: range(0, edgeitems), tail: range(tailStart, size) };
}

// get_summarized_data, flattened: the elements the formatter measures when summarizing.
function summarizedValues(layout: Layout, values: ArrayLike<Scalar>, offset: number, dim: number, out: Scalar[]): void {
  const { shape, strides, opts } = layout;
  if (dim === shape.length) {
    out.push(values[offset]);
    return;
  }
  const size = shape[dim];
  let indices = range(0, size);
  if (size > 2 * opts.edgeitems) {
    const { head, tail } = edgeIndices(size, opts.edgeitems, dim === shape.length - 1);
    indices = [...head, ...tail];
    // torch.stack([]) in get_summarized_data fails the same way when edgeitems is 0.
    if (indices.length === 0) throw new Error('stack expects a non-empty TensorList');
  }
  for (const i of indices) summarizedValues(layout, values, offset + i * strides[dim], dim + 1, out);
}

function vectorStr(layout: Layout, offset: number, indent: number, printer: ElementPrinter): string {
  const { shape, strides, summarize, opts } = layout;
  const dim = shape.length - 1;
  const size = shape[dim];
  // Each element takes its width plus ', '.
  const elementLength = printer.width + 2;
  const elementsPerLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  const fmt = (i: number): string => printer.format(offset + i * strides[dim]);

  let data: string[];
  if (summarize && size > 2 * opts.edgeitems) {
    const { head, tail } = edgeIndices(size, opts.edgeitems, true);
    data = [...head.map(fmt), ' ...', ...tail.map(fmt)];
  } else {
    data = range(0, size).map(fmt);
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(layout: Layout, offset: number, dim: number, indent: number, printer: ElementPrinter): string {
  const { shape, strides, summarize, opts } = layout;
  const remaining = shape.length - dim;
  if (remaining === 0) return printer.format(offset);
  if (remaining === 1) return vectorStr(layout, offset, indent, printer);

  const size = shape[dim];
  const sub = (i: number): string => tensorStrWithFormatter(layout, offset + i * strides[dim], dim + 1, indent + 1, printer);
  let slices: string[];
  if (summarize && size > 2 * opts.edgeitems) {
    const { head, tail } = edgeIndices(size, opts.edgeitems, false);
    slices = [...head.map(sub), '...', ...tail.map(sub)];
  } else {
    slices = range(0, size).map(sub);
  }
  // Sub-tensors of a k-dim tensor are separated by k-1 newlines (blank lines between matrices).
  return '[' + slices.join(',' + '\n'.repeat(remaining - 1) + ' '.repeat(indent + 1)) + ']';
}

// _Formatter over the whole tensor, or over get_summarized_data(...) when summarizing.
function buildFormatter(layout: Layout, values: ArrayLike<Scalar>, dtype: string): Formatter {
  let measured: Scalar[];
  if (layout.summarize) {
    measured = [];
    summarizedValues(layout, values, 0, 0, measured);
  } else {
    measured = Array.from(values);
  }
  return new Formatter(measured, dtype, layout.opts);
}

function tensorStr(view: TensorPrintView, numel: number, indent: number, opts: PrintOptions): string {
  const { shape } = view;
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  const layout: Layout = { shape, strides, summarize: numel > opts.threshold, opts };

  if (!COMPLEX_DTYPES.has(view.dtype)) {
    const formatter = buildFormatter(layout, view.values, view.dtype);
    const values = view.values;
    return tensorStrWithFormatter(layout, 0, 0, indent, { width: formatter.maxWidth, format: (i) => formatter.format(values[i]) });
  }

  // Complex (complex32 is printed via cfloat()): separate formatters for self.real and self.imag.
  const real = new Float64Array(numel);
  const imag = new Float64Array(numel);
  for (let i = 0; i < numel; i++) {
    real[i] = Number(view.values[2 * i]);
    imag[i] = Number(view.values[2 * i + 1]);
  }
  const realFormatter = buildFormatter(layout, real, 'float64');
  const imagFormatter = buildFormatter(layout, imag, 'float64');
  const format = (i: number): string => {
    const realStr = realFormatter.format(real[i]);
    // The imaginary part loses its padding; '+' is added unless it carries a sign (also for -0.0).
    const imagStr = (imagFormatter.format(imag[i]) + 'j').replace(/^\s+/, '');
    return imagStr[0] === '+' || imagStr[0] === '-' ? realStr + imagStr : realStr + '+' + imagStr;
  };
  // _vector_str budgets both widths plus the 'j', although the imaginary part is printed unpadded.
  return tensorStrWithFormatter(layout, 0, 0, indent, { width: realFormatter.maxWidth + imagFormatter.maxWidth + 1, format });
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
  // A one-element Python tuple keeps its trailing comma: ('N',).
  return `names=(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
}

function addSuffixes(tensorString: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [tensorString];
  // Same arithmetic as Python, including rfind returning -1 when there is no newline.
  let lastLineLen = tensorString.length - tensorString.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

// _str_intern for a plain strided tensor: `tensor(<data>, <suffixes>)`.
export function formatTensor(v: TensorPrintView): string {
  const complex = COMPLEX_DTYPES.has(v.dtype);
  if (!complex && !FLOAT_DTYPES.has(v.dtype) && !INT_DTYPES.has(v.dtype) && v.dtype !== 'bool') {
    throw new Error(`cannot print tensor of unknown dtype '${v.dtype}'`);
  }
  const numel = v.shape.reduce((a, b) => a * b, 1);
  const expectedValues = complex ? 2 * numel : numel;
  if (v.values.length !== expectedValues) {
    const what = complex ? `${expectedValues} values (interleaved real, imag)` : `${numel} values`;
    throw new Error(`tensor of shape [${v.shape.join(', ')}] needs ${what}, got ${v.values.length}`);
  }
  const names = namesSuffix(v.names, v.shape.length);
  const opts = getPrintoptions();
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];

  // The default device is cpu; any other device type is shown.
  if (v.device.split(':')[0] !== 'cpu') suffixes.push(`device='${v.device}'`);

  let body: string;
  if (numel === 0) {
    // Match NumPy: show the shape unless it is (0,).
    if (v.shape.length !== 1) suffixes.push(`size=(${v.shape.join(', ')})`);
    // With no elements to show, any dtype but the default float32 is spelled out (complex64, int64 and bool too).
    if (v.dtype !== 'float32') suffixes.push(`dtype=torch.${v.dtype}`);
    body = '[]';
  } else {
    if (!DEFAULT_DTYPES.has(v.dtype)) suffixes.push(`dtype=torch.${v.dtype}`);
    body = tensorStr(v, numel, indent, opts);
  }

  if (v.gradFn !== null) suffixes.push(`grad_fn=<${v.gradFn}>`);
  else if (v.requiresGrad) suffixes.push('requires_grad=True');
  if (names !== null) suffixes.push(names);

  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}
