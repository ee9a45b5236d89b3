// torch.nn.init: the initialisers of torch/nn/init.py, making the same calls in the same order, so
// the same seed (or generator) gives bit-identical weights. All run without grad and return the tensor.
import { noGrad } from '../autograd.js';
import { warn as emitWarning } from '../warnings.js';
import { eye as eyeMatrix, randperm, tensor as makeTensor } from '../creation.js';
import { where } from '../generated/functions.js';
import { Generator } from '../generator.js';
import { qr } from '../generated/linalg.js';
import { describe, readOptions } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { float64 } from '../dtype.js';

type GeneratorOption = { generator?: Generator | null };
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

function checkTensor(t: unknown, fn: string): asserts t is Tensor {
  if (!isTensor(t)) throw new TypeError(`nn.init.${fn}: expected a Tensor, got ${describe(t)}`);
}

function checkNumber(v: unknown, fn: string, what: string): number {
  if (typeof v !== 'number') throw new TypeError(`nn.init.${fn}: ${what} must be a number, got ${describe(v)}`);
  return v;
}

// Reads `{ generator }` (or the named options of fn) from a trailing options object.
function generatorOf(options: GeneratorOption | Generator | null | undefined, fn: string): Generator | null {
  if (options === undefined || options === null) return null;
  if (options instanceof Generator) return options;
  const g = readOptions(`nn.init.${fn}`, options, ['generator']).generator ?? null;
  if (g !== null && !(g instanceof Generator)) throw new TypeError(`nn.init.${fn}: generator must be a torch.Generator, got ${describe(g)}`);
  return g as Generator | null;
}

// Each initialiser takes its Python arguments positionally or in one trailing options object.
function args<K extends string>(fn: string, names: readonly K[], given: unknown[]): Partial<Record<K | 'generator', unknown>> {
  given = given.slice(0, given.reduce<number>((n, v, i) => (v === undefined ? n : i + 1), 0)); // drop trailing undefined
  const last = given[given.length - 1];
  const out: Partial<Record<K | 'generator', unknown>> = {};
  let positional = given;
  if (typeof last === 'object' && last !== null && !(last instanceof Generator) && !isTensor(last)) {
    Object.assign(out, readOptions(`nn.init.${fn}`, last, [...names, 'generator']));
    positional = given.slice(0, -1);
  }
  if (positional.length > names.length + 1) throw new TypeError(`nn.init.${fn}: expected at most ${names.length + 1} positional arguments after the tensor, got ${positional.length}`);
  positional.forEach((v, i) => {
    if (v === undefined) return;
    if (i === names.length) out.generator = v;
    else out[names[i]!] = v;
  });
  if (out.generator !== undefined && out.generator !== null) out.generator = generatorOf(out.generator as Generator, fn);
  return out;
}

const gen = (o: { generator?: unknown }): { generator: Generator | null } => ({ generator: (o.generator as Generator | null | undefined) ?? null });

/** The recommended gain for a nonlinearity (`'relu'` → √2, `'leaky_relu'` with its negative slope, ...). */
export function calculateGain(nonlinearity: Nonlinearity, param: number | null = null): number {
  const linear = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];
  if (linear.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope = 0.01;
    if (param !== null && param !== undefined) {
      // Python's ValueError (a RangeError here), its True/False spelling included
      if (typeof param !== 'number') throw new RangeError(`negative_slope ${typeof param === 'boolean' ? (param ? 'True' : 'False') : String(param)} not a valid number`);
      slope = param;
    }
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new RangeError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** [fanIn, fanOut] of a weight: size(1) and size(0) times the receptive field (dims 2...). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  checkTensor(tensor, 'calculateFanInAndFanOut');
  const shape = tensor.shape;
  if (shape.length < 2) throw new RangeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

function correctFan(tensor: Tensor, mode: unknown): number {
  const m = typeof mode === 'string' ? mode.toLowerCase() : mode;
  if (m !== 'fan_in' && m !== 'fan_out') throw new RangeError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return m === 'fan_in' ? fanIn : fanOut;
}

/** Fills with values from U(a, b). */
export function uniform_(tensor: Tensor, a?: number | { a?: number; b?: number; generator?: Generator | null }, b?: number, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'uniform_');
  const o = args('uniform_', ['a', 'b'] as const, [a, b, generator]);
  return noGrad(() => tensor.uniform_(checkNumber(o.a ?? 0, 'uniform_', 'a'), checkNumber(o.b ?? 1, 'uniform_', 'b'), gen(o)));
}

/** Fills with values from N(mean, std²). */
export function normal_(tensor: Tensor, mean?: number | { mean?: number; std?: number; generator?: Generator | null }, std?: number, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'normal_');
  const o = args('normal_', ['mean', 'std'] as const, [mean, std, generator]);
  return noGrad(() => tensor.normal_(checkNumber(o.mean ?? 0, 'normal_', 'mean'), checkNumber(o.std ?? 1, 'normal_', 'std'), gen(o)));
}

// Python's math.erf chooses trunc_normal_'s sampler (p > 0.3): libm's erf in double precision (libtorch's float64
// erf calls it), so a p near 0.3 picks the sampler Python picks.
const erf = (x: number): number => makeTensor(x, { dtype: float64 }).erf().item();

/** Fills with values from N(mean, std²) truncated to [a, b], by rejection as PyTorch 2.13 samples them. */
export function truncNormal_(tensor: Tensor, mean?: number | { mean?: number; std?: number; a?: number; b?: number; generator?: Generator | null },
  std?: number, a?: number, b?: number, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'truncNormal_');
  const o = args('truncNormal_', ['mean', 'std', 'a', 'b'] as const, [mean, std, a, b, generator]);
  const mu = checkNumber(o.mean ?? 0, 'truncNormal_', 'mean');
  const sd = checkNumber(o.std ?? 1, 'truncNormal_', 'std');
  const lo = checkNumber(o.a ?? -2, 'truncNormal_', 'a');
  const hi = checkNumber(o.b ?? 2, 'truncNormal_', 'b');
  const g = gen(o);
  if (tensor.device.type === 'meta') return tensor;
  if (sd === 0) throw new RangeError('nn.init.truncNormal_: float division by zero (std is 0)'); // Python's ZeroDivisionError
  const cdf = (x: number): number => (1 + erf(x / Math.sqrt(2))) / 2;
  if (mu < lo - 2 * sd || mu > hi + 2 * sd)
    emitWarning('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  return noGrad(() => {
    const p = cdf((hi - mu) / sd) - cdf((lo - mu) / sd);
    if (p > 0.3) {
      // The bounds as the tensor's dtype holds them, as Python's tensor.new_tensor(a).item().
      const loT = makeTensor(lo, { dtype: tensor.dtype }).item();
      const hiT = makeTensor(hi, { dtype: tensor.dtype }).item();
      let result = tensor.normal_(mu, sd, g);
      for (;;) {
        const mask = result.lt(loT).logicalOr(result.gt(hiT));
        if (!mask.any().item()) break;
        result = where(mask, result.newEmpty(result.shape).normal_(mu, sd, g), result);
      }
      if (result !== tensor) tensor.copy_(result);
      return tensor;
    }
    const mode = Math.max(lo, Math.min(mu, hi));
    const logPeak = -0.5 * ((mode - mu) / sd) ** 2;
    const candidates = tensor.newEmpty(tensor.shape);
    const acceptBuf = tensor.newEmpty(tensor.shape);
    tensor.uniform_(lo, hi, g);
    candidates.copy_(tensor);
    candidates.sub_(mu).div_(sd).pow_(2).mul_(-0.5).sub_(logPeak);
    let pending = acceptBuf.uniform_(g).log_().gt(candidates);
    if (pending.any().item()) {
      let result = tensor;
      for (;;) {
        candidates.uniform_(lo, hi, g);
        result = where(pending, candidates, result);
        candidates.sub_(mu).div_(sd).pow_(2).mul_(-0.5).sub_(logPeak);
        pending = where(pending, acceptBuf.uniform_(g).log_().gt(candidates), pending);
        if (!pending.any().item()) break;
      }
      tensor.copy_(result);
    }
    return tensor;
  });
}

/** Fills with `val`. */
export function constant_(tensor: Tensor, val: number | boolean | Tensor | { val: number | boolean | Tensor }): Tensor {
  checkTensor(tensor, 'constant_');
  const v = typeof val === 'object' && val !== null && !isTensor(val) ? readOptions('nn.init.constant_', val, ['val']).val : val;
  // Python's tensor.fill_(val): a number, a bool or a 0-d tensor
  if (typeof v !== 'number' && typeof v !== 'boolean' && !isTensor(v)) throw new TypeError(`nn.init.constant_: val must be a number, a boolean or a 0-d tensor, got ${describe(v)}`);
  return noGrad(() => tensor.fill_(v as number));
}
/** Fills with 1. */
export function ones_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'ones_');
  return noGrad(() => tensor.fill_(1));
}
/** Fills with 0. */
export function zeros_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'zeros_');
  return noGrad(() => tensor.zero_());
}

/** Fills a 2-D tensor with the identity matrix. */
export function eye_(tensor: Tensor): Tensor {
  checkTensor(tensor, 'eye_');
  if (tensor.dim() !== 2) throw new RangeError('Only tensors with 2 dimensions are supported');
  noGrad(() => eyeMatrix(tensor.shape[0]!, tensor.shape[1]!, { out: tensor } as never));
  return tensor;
}

/** Fills a 3/4/5-D conv weight with the Dirac delta (identity convolution), per group. */
export function dirac_(tensor: Tensor, groups: number | { groups?: number } = 1): Tensor {
  checkTensor(tensor, 'dirac_');
  const g = typeof groups === 'number' ? groups : ((readOptions('nn.init.dirac_', groups, ['groups']).groups as number | undefined) ?? 1);
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new RangeError('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = tensor.shape;
  if (sizes[0]! % g !== 0) throw new RangeError('dim 0 must be divisible by groups');
  if (tensor.device.type === 'meta') return tensor;
  const perGroup = Math.floor(sizes[0]! / g);
  const minDim = Math.min(perGroup, sizes[1]!);
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  noGrad(() => {
    tensor.zero_();
    for (let k = 0; k < g; k++) for (let d = 0; d < minDim; d++) tensor.index(k * perGroup + d, d, ...centre).fill_(1);
  });
  return tensor;
}

/** Glorot uniform: U(-a, a) with a = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_(tensor: Tensor, gain?: number | { gain?: number; generator?: Generator | null }, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'xavierUniform_');
  const o = args('xavierUniform_', ['gain'] as const, [gain, generator]);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = checkNumber(o.gain ?? 1, 'xavierUniform_', 'gain') * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return noGrad(() => tensor.uniform_(-a, a, gen(o)));
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain?: number | { gain?: number; generator?: Generator | null }, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'xavierNormal_');
  const o = args('xavierNormal_', ['gain'] as const, [gain, generator]);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = checkNumber(o.gain ?? 1, 'xavierNormal_', 'gain') * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => tensor.normal_(0, std, gen(o)));
}

type KaimingOptions = { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity; generator?: Generator | null };

function kaimingStd(tensor: Tensor, fn: string, given: unknown[]): { std: number; generator: Generator | null } | null {
  const o = args(fn, ['a', 'mode', 'nonlinearity'] as const, given);
  if (tensor.shape.includes(0)) {
    emitWarning('Initializing zero-element tensors is a no-op');
    return null;
  }
  const fan = correctFan(tensor, o.mode ?? 'fan_in');
  // a: 0 when not given; null is Python's None, which calculate_gain reads as its default slope 0.01
  const gain = calculateGain((o.nonlinearity ?? 'leaky_relu') as Nonlinearity, o.a === undefined ? 0 : o.a === null ? null : checkNumber(o.a, fn, 'a'));
  return { std: gain / Math.sqrt(fan), ...gen(o) };
}

/** He uniform: U(-bound, bound) with bound = gain·√(3 / fan). */
export function kaimingUniform_(tensor: Tensor, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'kaimingUniform_');
  const k = kaimingStd(tensor, 'kaimingUniform_', [a, mode, nonlinearity, generator]);
  if (k === null) return tensor;
  const bound = Math.sqrt(3.0) * k.std;
  return noGrad(() => tensor.uniform_(-bound, bound, { generator: k.generator }));
}

/** He normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(tensor: Tensor, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'kaimingNormal_');
  const k = kaimingStd(tensor, 'kaimingNormal_', [a, mode, nonlinearity, generator]);
  if (k === null) return tensor;
  return noGrad(() => tensor.normal_(0, k.std, { generator: k.generator }));
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal sample, times gain. */
export function orthogonal_(tensor: Tensor, gain?: number | { gain?: number; generator?: Generator | null }, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'orthogonal_');
  const o = args('orthogonal_', ['gain'] as const, [gain, generator]);
  const scale = checkNumber(o.gain ?? 1, 'orthogonal_', 'gain');
  if (tensor.dim() < 2) throw new RangeError('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0 || tensor.device.type === 'meta') return tensor;
  const rows = tensor.shape[0]!;
  const cols = Math.floor(tensor.numel() / rows);
  let flattened = tensor.newEmpty([rows, cols]).normal_(0, 1, gen(o));
  if (rows < cols) flattened = flattened.t_();
  let [q, r] = qr(flattened) as unknown as [Tensor, Tensor];
  const ph = r!.diag(0).sign();
  q = q!.mul_(ph);
  if (rows < cols) q = q.t_();
  noGrad(() => {
    tensor.viewAs(q).copy_(q);
    tensor.mul_(scale);
  });
  return tensor;
}

/** A sparse 2-D matrix: N(0, std²) with a fraction `sparsity` of each column set to zero. */
export function sparse_(tensor: Tensor, sparsity: number | { sparsity: number; std?: number; generator?: Generator | null },
  std?: number | { std?: number; generator?: Generator | null }, generator?: Generator | null): Tensor {
  checkTensor(tensor, 'sparse_');
  const o = args('sparse_', ['sparsity', 'std'] as const, [sparsity, std, generator]);
  const frac = checkNumber(o.sparsity, 'sparse_', 'sparsity');
  const sd = checkNumber(o.std ?? 0.01, 'sparse_', 'std');
  if (tensor.dim() !== 2) throw new RangeError('Only tensors with 2 dimensions are supported');
  if (tensor.device.type === 'meta') return tensor;
  const [rows, cols] = tensor.shape as [number, number];
  const numZeros = Math.ceil(frac * rows);
  noGrad(() => {
    tensor.normal_(0, sd, { generator: generatorOf(o.generator as Generator | null | undefined, 'sparse_') });
    for (let col = 0; col < cols; col++) {
      const zeroRows = randperm(rows).index(`:${numZeros}`);
      tensor.indexPut_([zeroRows, makeTensor(col)], makeTensor(0, { dtype: tensor.dtype }));
    }
  });
  return tensor;
}

// Python's deprecated names without the trailing underscore (nn.init.xavier_uniform): each warns once
// per call, as torch.nn.init._make_deprecate does, and runs the in-place initialiser.
function deprecatedInit<F extends (tensor: Tensor, ...rest: never[]) => Tensor>(oldName: string, newName: string, init: F): F {
  return ((...args: unknown[]) => {
    emitWarning(`\`nn.init.${oldName}\` is now deprecated in favor of \`nn.init.${newName}\`.`, 'FutureWarning');
    return (init as unknown as (...a: unknown[]) => Tensor)(...args);
  }) as unknown as F;
}
/** @deprecated Python's old name: use uniform_. */
export const uniform = deprecatedInit('uniform', 'uniform_', uniform_);
/** @deprecated Python's old name: use normal_. */
export const normal = deprecatedInit('normal', 'normal_', normal_);
/** @deprecated Python's old name: use constant_. */
export const constant = deprecatedInit('constant', 'constant_', constant_);
/** @deprecated Python's old name: use eye_. */
export const eye = deprecatedInit('eye', 'eye_', eye_);
/** @deprecated Python's old name: use dirac_. */
export const dirac = deprecatedInit('dirac', 'dirac_', dirac_);
/** @deprecated Python's old name: use xavierUniform_. */
export const xavierUniform = deprecatedInit('xavier_uniform', 'xavier_uniform_', xavierUniform_);
/** @deprecated Python's old name: use xavierNormal_. */
export const xavierNormal = deprecatedInit('xavier_normal', 'xavier_normal_', xavierNormal_);
/** @deprecated Python's old name: use kaimingUniform_. */
export const kaimingUniform = deprecatedInit('kaiming_uniform', 'kaiming_uniform_', kaimingUniform_);
/** @deprecated Python's old name: use kaimingNormal_. */
export const kaimingNormal = deprecatedInit('kaiming_normal', 'kaiming_normal_', kaimingNormal_);
/** @deprecated Python's old name: use orthogonal_. */
export const orthogonal = deprecatedInit('orthogonal', 'orthogonal_', orthogonal_);
/** @deprecated Python's old name: use sparse_. */
export const sparse = deprecatedInit('sparse', 'sparse_', sparse_);
