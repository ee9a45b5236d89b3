// torch.nn.functional normalizations, as torch/nn/functional.py (2.13) writes them: the Python checks,
// then one ATen op (batch_norm, instance_norm, layer_norm, group_norm, rms_norm). The `_impl` forms
// take parsed arguments for the layers (lib/nn/modules/{batchnorm,instancenorm,normalization}.ts).
import { aten, opFunction } from '../../call.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { native } from '../../native.js';
import type { Tensor } from '../../tensor.js';
import { pySize, Size } from '../../dtype.js';
import { checkTensor, numArg, valueError, type Call } from './activation.js';

type Op = (...args: unknown[]) => Tensor;
const batchNormOp = opFunction('batch_norm') as Op;
const instanceNormOp = opFunction('instance_norm') as Op;
const layerNormOp = opFunction('layer_norm') as Op;
const groupNormOp = opFunction('group_norm') as Op;
const rmsNormOp = opFunction('rms_norm') as Op;
const cudnnEnabled = (): boolean => native.contextFlag('cudnnEnabled') as boolean;
const optTensor = (fn: string, name: string, v: unknown): Tensor | null => {
  if (v === undefined || v === null) return null;
  checkTensor(fn, v, name);
  return v;
};
// Python passes input.size() (a torch.Size) from batch_norm and instance_norm, a plain list from group_norm.
const showSize = (size: readonly number[]): string => (size instanceof Size ? pySize(size) : `[${size.join(', ')}]`);

/** Python's _verify_batch_size. */
export function verifyBatchSize(fn: string, size: readonly number[]): void {
  let prod = size[0]!;
  for (let i = 2; i < size.length; i++) prod *= size[i]!;
  if (prod === 1) throw valueError(fn, `Expected more than 1 value per channel when training, got input size ${showSize(size)}`);
}
/** Python's _verify_spatial_size. */
export function verifySpatialSize(fn: string, size: readonly number[]): void {
  let prod = 1;
  for (let i = 2; i < size.length; i++) prod *= size[i]!;
  if (prod === 1) throw valueError(fn, `Expected more than 1 spatial element when training, got input size ${showSize(size)}`);
}

export interface BatchNormOptions { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number }
/** F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5) */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  ...args: Call<[Tensor | null, Tensor | null, boolean, number, number], BatchNormOptions>
): Tensor {
  const fn = 'batchNorm';
  checkTensor(fn, input);
  const a = bindArgs(fn, args, ['weight', 'bias', 'training', 'momentum', 'eps']);
  return batchNormImpl(
    input, optTensor(fn, 'running_mean', runningMean), optTensor(fn, 'running_var', runningVar),
    optTensor(fn, 'weight', a.weight), optTensor(fn, 'bias', a.bias),
    boolArg(fn, 'training', a.training, false), numArg(fn, 'momentum', a.momentum, 0.1), numArg(fn, 'eps', a.eps, 1e-5),
  );
}
export function batchNormImpl(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number): Tensor {
  if (training) {
    verifyBatchSize('batch_norm', new Size(input.shape));
    if (eps <= 0) throw valueError('batch_norm', `batch_norm eps must be positive during training, but got ${eps}`);
  } else if (eps < 0) throw valueError('batch_norm', `batch_norm eps must be non-negative, but got ${eps}`);
  return batchNormOp(input, weight, bias, runningMean, runningVar, training, momentum, eps, cudnnEnabled());
}

export interface InstanceNormOptions { runningMean?: Tensor | null; runningVar?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null; useInputStats?: boolean; momentum?: number; eps?: number }
/** F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5) */
export function instanceNorm(input: Tensor, ...args: Call<[Tensor | null, Tensor | null, Tensor | null, Tensor | null, boolean, number, number], InstanceNormOptions>): Tensor {
  const fn = 'instanceNorm';
  checkTensor(fn, input);
  const a = bindArgs(fn, args, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps']);
  return instanceNormImpl(
    input, optTensor(fn, 'running_mean', a.runningMean), optTensor(fn, 'running_var', a.runningVar),
    optTensor(fn, 'weight', a.weight), optTensor(fn, 'bias', a.bias),
    boolArg(fn, 'useInputStats', a.useInputStats, true), numArg(fn, 'momentum', a.momentum, 0.1), numArg(fn, 'eps', a.eps, 1e-5),
  );
}
export function instanceNormImpl(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number): Tensor {
  if (useInputStats) verifySpatialSize('instance_norm', new Size(input.shape));
  return instanceNormOp(input, weight, bias, runningMean, runningVar, useInputStats, momentum, eps, cudnnEnabled());
}

const shapeArg = (fn: string, v: unknown): number[] => {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((d) => Number.isInteger(d))) return v as number[];
  throw new TypeError(`${fn}: normalized_shape must be an int or a list of ints, got ${String(v)}`);
};

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5) */
export function layerNorm(input: Tensor, normalizedShape: number | number[], ...args: Call<[Tensor | null, Tensor | null, number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor {
  const fn = 'layerNorm';
  checkTensor(fn, input);
  const a = bindArgs(fn, args, ['weight', 'bias', 'eps']);
  return layerNormImpl(input, shapeArg(fn, normalizedShape), optTensor(fn, 'weight', a.weight), optTensor(fn, 'bias', a.bias), numArg(fn, 'eps', a.eps, 1e-5));
}
export function layerNormImpl(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  return layerNormOp(input, normalizedShape, weight, bias, eps, cudnnEnabled());
}

/** F.rms_norm(input, normalized_shape, weight=None, eps=None) */
export function rmsNorm(input: Tensor, normalizedShape: number | number[], ...args: Call<[Tensor | null, number | null], { weight?: Tensor | null; eps?: number | null }>): Tensor {
  const fn = 'rmsNorm';
  checkTensor(fn, input);
  const a = bindArgs(fn, args, ['weight', 'eps']);
  const eps = a.eps === undefined || a.eps === null ? null : numArg(fn, 'eps', a.eps);
  return rmsNormImpl(input, shapeArg(fn, normalizedShape), optTensor(fn, 'weight', a.weight), eps);
}
export function rmsNormImpl(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, eps: number | null): Tensor {
  return rmsNormOp(input, normalizedShape, weight, eps);
}

/** F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5) */
export function groupNorm(input: Tensor, numGroups: number, ...args: Call<[Tensor | null, Tensor | null, number], { weight?: Tensor | null; bias?: Tensor | null; eps?: number }>): Tensor {
  const fn = 'groupNorm';
  checkTensor(fn, input);
  if (!Number.isInteger(numGroups)) throw new TypeError(`${fn}: num_groups must be an int, got ${String(numGroups)}`);
  const a = bindArgs(fn, args, ['weight', 'bias', 'eps']);
  return groupNormImpl(input, numGroups, optTensor(fn, 'weight', a.weight), optTensor(fn, 'bias', a.bias), numArg(fn, 'eps', a.eps, 1e-5));
}
export function groupNormImpl(input: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const size = input.shape;
  if (size.length < 2) throw new Error(`group_norm: Expected at least 2 dimensions for input tensor but received ${size.length}`);
  verifyBatchSize('group_norm', [Math.floor((size[0]! * size[1]!) / numGroups), numGroups, ...size.slice(2)]);
  return groupNormOp(input, numGroups, weight, bias, eps, cudnnEnabled());
}

/** F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0): Python's composite of pad and avg_pool. */
export function localResponseNorm(input: Tensor, size: number, ...args: Call<[number, number, number], { alpha?: number; beta?: number; k?: number }>): Tensor {
  const fn = 'localResponseNorm';
  checkTensor(fn, input);
  if (!Number.isInteger(size)) throw new TypeError(`${fn}: size must be an int, got ${String(size)}`);
  const a = bindArgs(fn, args, ['alpha', 'beta', 'k']);
  return localResponseNormImpl(input, size, numArg(fn, 'alpha', a.alpha, 1e-4), numArg(fn, 'beta', a.beta, 0.75), numArg(fn, 'k', a.k, 1));
}
export function localResponseNormImpl(input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  const dim = input.dim();
  if (dim < 3) throw valueError('local_response_norm', `Expected 3D or higher dimensionality                          input (got ${dim} dimensions)`);
  if (input.numel() === 0) return input;
  let div = input.mul(input);
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  if (dim === 3) {
    div = aten('constant_pad_nd', [div.unsqueeze(1), [0, 0, before, after], 0]) as Tensor;
    div = (aten('avg_pool2d', [div, [size, 1], 1]) as Tensor).squeeze(1);
  } else {
    const sizes = input.shape;
    div = div.view(sizes[0]!, 1, sizes[1]!, sizes[2]!, -1);
    div = aten('constant_pad_nd', [div, [0, 0, 0, 0, before, after], 0]) as Tensor;
    div = (aten('avg_pool3d', [div, [size, 1, 1], 1]) as Tensor).squeeze(1);
    div = div.view(sizes);
  }
  div = div.mul(alpha).add(k).pow(beta);
  return input.div(div);
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12, out=None) */
export function normalize(input: Tensor, ...args: Call<[number | 'fro' | 'nuc', number | number[] | null, number, Tensor | null], { p?: number | 'fro' | 'nuc'; dim?: number | number[] | null; eps?: number; out?: Tensor | null }>): Tensor {
  const fn = 'normalize';
  checkTensor(fn, input);
  const a = bindArgs(fn, args, ['p', 'dim', 'eps', 'out']);
  const eps = numArg(fn, 'eps', a.eps, 1e-12);
  const out = optTensor(fn, 'out', a.out);
  // input.norm(p, dim, keepdim=True) as Python: linalg_vector_norm for a number p over one dim, Tensor.norm's rules otherwise
  const simple = (a.p === undefined || typeof a.p === 'number') && (a.dim === undefined || typeof a.dim === 'number');
  const norm = simple
    ? (aten('linalg_vector_norm', [input, numArg(fn, 'p', a.p, 2), [numArg(fn, 'dim', a.dim, 1)], true]) as Tensor)
    : input.norm(a.p === undefined ? 2 : (a.p as number | 'fro' | 'nuc'), a.dim === undefined ? 1 : (a.dim as number | number[] | null), true);
  if (out === null) return input.div(norm.clampMin(eps).expandAs(input));
  return aten('div', [input, norm.clampMin_(eps).expandAs(input), { out }]) as Tensor;
}

