// torch.nn.functional activations, as torch/nn/functional.py (2.13) writes them: each a thin call of
// one ATen op (its in-place twin for `inplace`). The `_impl` forms take parsed arguments: the layers
// of lib/nn/modules/activation.ts call them with options read once in their constructors.
import { opFunction } from '../../call.js';
import { contiguousFormat, type DTypeLike } from '../../dtype.js';
import { bindArgs, boolArg, onlyTensorArg } from '../../functional/args.js';
import { describe } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { emptyLike, zerosLike } from '../../creation.js';
import { warn } from '../../warnings.js';

/** The positional forms of a Python signature: every prefix of `P`, each optionally followed by the options object `O`. */
export type Call<P extends unknown[], O> = P extends [...infer H, unknown] ? P | [...P, O] | Call<H, O> : [] | [O];
type Op = (...args: unknown[]) => Tensor;
const op = (name: string): Op => opFunction(name) as Op;

/** Python's ValueError for a bad argument value, as a RangeError naming the function. */
export function valueError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}

export function checkTensor(fn: string, input: unknown, name = 'input'): asserts input is Tensor {
  if (!isTensor(input)) throw new TypeError(`${fn}: argument '${name}' must be Tensor, not ${describe(input)}`);
}

/** A number argument (Python float/int). */
export function numArg(fn: string, name: string, v: unknown, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${fn}: argument '${name}' must be a number, got ${describe(v)}`);
  return v;
}

// One row per activation whose Python form is `op_(input, *scalars) if inplace else op(input, *scalars)`:
// [JS name, ATen op, scalar parameters with their Python defaults].
const SCALAR_ACTIVATIONS = [
  ['relu', 'relu', []],
  ['relu6', 'relu6', []],
  ['elu', 'elu', [['alpha', 1]]],
  ['selu', 'selu', []],
  ['celu', 'celu', [['alpha', 1]]],
  ['leakyRelu', 'leaky_relu', [['negativeSlope', 0.01]]],
  ['hardsigmoid', 'hardsigmoid', []],
  ['hardswish', 'hardswish', []],
  ['silu', 'silu', []],
  ['mish', 'mish', []],
] as const;

type ScalarActivation = (typeof SCALAR_ACTIVATIONS)[number][0];
const ACTIVATION_OPS = Object.fromEntries(
  SCALAR_ACTIVATIONS.map(([js, name]) => [js, [op(name), op(name + '_')] as const]),
) as Record<ScalarActivation, readonly [Op, Op]>;

/** The activation `name` with parsed scalars: one ATen call (layers use this). */
export function activationImpl(name: ScalarActivation, input: Tensor, scalars: readonly number[], inplace: boolean): Tensor {
  return ACTIVATION_OPS[name][inplace ? 1 : 0](input, ...scalars);
}

function scalarActivation(row: (typeof SCALAR_ACTIVATIONS)[number]): (input: Tensor, ...args: unknown[]) => Tensor {
  const [js, , params] = row;
  const names = [...params.map(([n]) => n), 'inplace'] as string[];
  const [outOfPlace, inPlace] = ACTIVATION_OPS[js];
  const fn = (input: Tensor, ...args: unknown[]): Tensor => {
    checkTensor(js, input);
    if (args.length === 0) return outOfPlace(input, ...params.map(([, d]) => d));
    const a = bindArgs(js, args, names);
    const scalars = params.map(([n, d]) => numArg(js, n, a[n], d));
    return (boolArg(js, 'inplace', a.inplace, false) ? inPlace : outOfPlace)(input, ...scalars);
  };
  Object.defineProperty(fn, 'name', { value: js });
  return fn;
}

type InplaceOnly = (input: Tensor, ...args: Call<[boolean], { inplace?: boolean }>) => Tensor;
type AlphaInplace = (input: Tensor, ...args: Call<[number, boolean], { alpha?: number; inplace?: boolean }>) => Tensor;
const made = Object.fromEntries(SCALAR_ACTIVATIONS.map((row) => [row[0], scalarActivation(row)])) as Record<ScalarActivation, unknown>;

/** F.relu(input, inplace=False) */
export const relu = made.relu as InplaceOnly;
/** F.relu6(input, inplace=False) */
export const relu6 = made.relu6 as InplaceOnly;
/** F.elu(input, alpha=1.0, inplace=False) */
export const elu = made.elu as AlphaInplace;
/** F.selu(input, inplace=False) */
export const selu = made.selu as InplaceOnly;
/** F.celu(input, alpha=1.0, inplace=False) */
export const celu = made.celu as AlphaInplace;
/** F.leaky_relu(input, negative_slope=0.01, inplace=False) */
export const leakyRelu = made.leakyRelu as (input: Tensor, ...args: Call<[number, boolean], { negativeSlope?: number; inplace?: boolean }>) => Tensor;
/** F.hardsigmoid(input, inplace=False) */
export const hardsigmoid = made.hardsigmoid as InplaceOnly;
/** F.hardswish(input, inplace=False) */
export const hardswish = made.hardswish as InplaceOnly;
/** F.silu(input, inplace=False) */
export const silu = made.silu as InplaceOnly;
/** F.mish(input, inplace=False) */
export const mish = made.mish as InplaceOnly;

// The in-place forms F exposes directly (torch.relu_, torch._C._nn.elu_, ...).
export const relu_ = op('relu_') as (input: Tensor) => Tensor;
export const elu_ = op('elu_') as (input: Tensor, alpha?: number) => Tensor;
export const selu_ = op('selu_') as (input: Tensor) => Tensor;
export const celu_ = op('celu_') as (input: Tensor, alpha?: number) => Tensor;
export const leakyRelu_ = op('leaky_relu_') as (input: Tensor, negativeSlope?: number) => Tensor;
export const hardtanh_ = op('hardtanh_') as (input: Tensor, minVal?: number, maxVal?: number) => Tensor;
export const threshold_ = op('threshold_') as (input: Tensor, threshold: number, value: number) => Tensor;
export const rrelu_ = op('rrelu_') as (input: Tensor, lower?: number, upper?: number, training?: boolean, options?: { generator?: unknown }) => Tensor;

const thresholdOps = [op('threshold'), op('threshold_')] as const;
/** F.threshold(input, threshold, value, inplace=False) */
export function threshold(input: Tensor, ...args: Call<[number, number, boolean], { threshold?: number; value?: number; inplace?: boolean }>): Tensor {
  checkTensor('threshold', input);
  const a = bindArgs('threshold', args, ['threshold', 'value', 'inplace']);
  if (a.threshold === undefined || a.value === undefined) throw new TypeError(`threshold: missing required argument '${a.threshold === undefined ? 'threshold' : 'value'}'`);
  return thresholdImpl(input, numArg('threshold', 'threshold', a.threshold), numArg('threshold', 'value', a.value), boolArg('threshold', 'inplace', a.inplace, false));
}
export function thresholdImpl(input: Tensor, threshold: number, value: number, inplace: boolean): Tensor {
  return thresholdOps[inplace ? 1 : 0](input, threshold, value);
}

const hardtanhOps = [op('hardtanh'), op('hardtanh_')] as const;
/** F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False) */
export function hardtanh(input: Tensor, ...args: Call<[number, number, boolean], { minVal?: number; maxVal?: number; inplace?: boolean }>): Tensor {
  checkTensor('hardtanh', input);
  const a = bindArgs('hardtanh', args, ['minVal', 'maxVal', 'inplace']);
  const minVal = numArg('hardtanh', 'minVal', a.minVal, -1);
  const maxVal = numArg('hardtanh', 'maxVal', a.maxVal, 1);
  if (minVal > maxVal) throw valueError('hardtanh', 'min_val cannot be greater than max_val');
  return hardtanhImpl(input, minVal, maxVal, boolArg('hardtanh', 'inplace', a.inplace, false));
}
export function hardtanhImpl(input: Tensor, minVal: number, maxVal: number, inplace: boolean): Tensor {
  return hardtanhOps[inplace ? 1 : 0](input, minVal, maxVal);
}

const rreluOps = [op('rrelu'), op('rrelu_')] as const;
/** F.rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False) */
export function rrelu(input: Tensor, ...args: Call<[number, number, boolean, boolean], { lower?: number; upper?: number; training?: boolean; inplace?: boolean }>): Tensor {
  checkTensor('rrelu', input);
  const a = bindArgs('rrelu', args, ['lower', 'upper', 'training', 'inplace']);
  return rreluImpl(input, numArg('rrelu', 'lower', a.lower, 1 / 8), numArg('rrelu', 'upper', a.upper, 1 / 3), boolArg('rrelu', 'training', a.training, false), boolArg('rrelu', 'inplace', a.inplace, false));
}
export function rreluImpl(input: Tensor, lower: number, upper: number, training: boolean, inplace: boolean): Tensor {
  return rreluOps[inplace ? 1 : 0](input, lower, upper, training);
}

/** F.prelu(input, weight) = torch.prelu */
export const prelu = op('prelu') as (input: Tensor, weight: Tensor) => Tensor;

const gluOp = op('glu');
/** F.glu(input, dim=-1) */
export function glu(input: Tensor, ...args: Call<[number], { dim?: number }>): Tensor {
  checkTensor('glu', input);
  const dim = args.length === 0 ? -1 : (numArg('glu', 'dim', bindArgs('glu', args, ['dim']).dim, -1));
  return gluImpl(input, dim);
}
export function gluImpl(input: Tensor, dim: number): Tensor {
  if (input.dim() === 0) throw new Error('glu does not support scalars because halving size must be even');
  return gluOp(input, dim);
}

/** F.logsigmoid(input) = torch._C._nn.log_sigmoid */
export const logsigmoid = op('log_sigmoid') as (input: Tensor) => Tensor;

const geluOp = op('gelu');
/** F.gelu(input, approximate='none') */
export function gelu(input: Tensor, ...args: Call<['none' | 'tanh'], { approximate?: 'none' | 'tanh' }>): Tensor {
  if (args.length === 0) return geluOp(input);
  const a = bindArgs('gelu', args, ['approximate']);
  return geluOp(input, { approximate: a.approximate ?? 'none' });
}
export function geluImpl(input: Tensor, approximate: string): Tensor {
  return approximate === 'none' ? geluOp(input) : geluOp(input, { approximate });
}

/** F.hardshrink(input, lambd=0.5) = torch.hardshrink */
export const hardshrink = op('hardshrink') as (input: Tensor, ...args: Call<[number], { lambd?: number }>) => Tensor;
/** F.softshrink(input, lambd=0.5) = torch._C._nn.softshrink */
export const softshrink = op('softshrink') as (input: Tensor, ...args: Call<[number], { lambd?: number }>) => Tensor;
/** F.softplus(input, beta=1, threshold=20) = torch._C._nn.softplus */
export const softplus = op('softplus') as (input: Tensor, ...args: Call<[number, number], { beta?: number; threshold?: number }>) => Tensor;

/** F.tanhshrink(input) = input - input.tanh() */
export function tanhshrink(input: Tensor): Tensor {
  onlyTensorArg('tanhshrink', arguments);
  return input.sub(input.tanh());
}
/** F.softsign(input) = input / (input.abs() + 1) */
export function softsign(input: Tensor): Tensor {
  onlyTensorArg('softsign', arguments);
  return input.div(input.abs().add(1));
}
/** F.tanh(input) = input.tanh() */
export function tanh(input: Tensor): Tensor {
  onlyTensorArg('tanh', arguments);
  return input.tanh();
}
/** F.sigmoid(input) = input.sigmoid() */
export function sigmoid(input: Tensor): Tensor {
  onlyTensorArg('sigmoid', arguments);
  return input.sigmoid();
}

/** Python's _get_softmax_dim: the deprecated implicit dim, with its warning. */
export function implicitSoftmaxDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`, 'UserWarning');
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

type SoftmaxOptions = { dim?: number | null; _stacklevel?: number; dtype?: DTypeLike | null };
type SoftmaxFn = (input: Tensor, ...args: Call<[number | null, number, DTypeLike | null], SoftmaxOptions>) => Tensor;
const SOFTMAX_NAMES = ['dim', '_stacklevel', 'dtype'] as const;
// softmax, softmin and log_softmax: [JS name, Python name, method, negate the input]
function softmaxFamily(js: string, py: string, method: 'softmax' | 'logSoftmax', negate: boolean): SoftmaxFn {
  const fn = (input: Tensor, ...args: unknown[]): Tensor => {
    checkTensor(js, input);
    const a = args.length === 1 && typeof args[0] === 'number' ? { dim: args[0] } : bindArgs(js, args, SOFTMAX_NAMES);
    const dim = a.dim === undefined || a.dim === null ? implicitSoftmaxDim(py, input.dim()) : (a.dim as number);
    const x = negate ? input.neg() : input;
    const dtype = (a as SoftmaxOptions).dtype;
    return dtype === undefined || dtype === null ? x[method](dim) : x[method](dim, { dtype });
  };
  Object.defineProperty(fn, 'name', { value: js });
  return fn as SoftmaxFn;
}
/** F.softmax(input, dim=None, _stacklevel=3, dtype=None) */
export const softmax = softmaxFamily('softmax', 'softmax', 'softmax', false);
/** F.softmin(input, dim=None, _stacklevel=3, dtype=None) = (-input).softmax(dim) */
export const softmin = softmaxFamily('softmin', 'softmin', 'softmax', true);
/** F.log_softmax(input, dim=None, _stacklevel=3, dtype=None) */
export const logSoftmax = softmaxFamily('logSoftmax', 'log_softmax', 'logSoftmax', false);

/**
 * F.gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1): samples as Python does
 * (`-empty_like(logits).exponential_().log()` from the default generator), so a seed gives Python's draw.
 */
export function gumbelSoftmax(logits: Tensor, ...args: Call<[number, boolean, number, number], { tau?: number; hard?: boolean; eps?: number; dim?: number }>): Tensor {
  checkTensor('gumbelSoftmax', logits, 'logits');
  const a = bindArgs('gumbelSoftmax', args, ['tau', 'hard', 'eps', 'dim']);
  const tau = numArg('gumbelSoftmax', 'tau', a.tau, 1);
  const hard = boolArg('gumbelSoftmax', 'hard', a.hard, false);
  const eps = numArg('gumbelSoftmax', 'eps', a.eps, 1e-10);
  const dim = numArg('gumbelSoftmax', 'dim', a.dim, -1);
  if (eps !== 1e-10) warn('`eps` parameter is deprecated and has no effect.', 'UserWarning');
  const gumbels = emptyLike(logits, { memoryFormat: contiguousFormat }).exponential_().log().neg();
  const ySoft = logits.add(gumbels).div(tau).softmax(dim);
  if (!hard) return ySoft;
  const index = ySoft.max(dim, true)[1]!;
  const yHard = zerosLike(logits, { memoryFormat: contiguousFormat }).scatter_(dim, index, 1);
  return yHard.sub(ySoft.detach()).add(ySoft);
}
