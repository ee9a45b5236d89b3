// torch.nn.functional normalizations, as torch/nn/functional.py (2.13) writes them: the Python checks,
// then one ATen op (batch_norm, instance_norm, layer_norm, group_norm, rms_norm). The `_impl` forms
// take parsed arguments for the layers (lib/nn/modules/{batchnorm,instancenorm,normalization}.ts).
import { aten, opFunction } from '../../call.js';
import { boolArg } from '../../functional/args.js';
import { native } from '../../native.js';
import type { Tensor } from '../../tensor.js';
import { pySize, Size } from '../../dtype.js';
import { checkTensor, numArg, valueError, type Call } from './activation.js';
import { bind, REQUIRED, signature, type KeywordForms } from './_signature.js';

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

// Each function's Python signature (2.13): every parameter by position or by keyword (the JS name in option errors).
const normSignature = (js: string, def: string, params: Record<string, unknown>) => signature(js, params, { def });
const AFFINE = { weight: null, bias: null };
const BATCH_NORM = normSignature('batchNorm', 'batch_norm', { input: REQUIRED, runningMean: REQUIRED, runningVar: REQUIRED, ...AFFINE, training: false, momentum: 0.1, eps: 1e-5 });
const INSTANCE_NORM = normSignature('instanceNorm', 'instance_norm', { input: REQUIRED, runningMean: null, runningVar: null, ...AFFINE, useInputStats: true, momentum: 0.1, eps: 1e-5 });
const LAYER_NORM = normSignature('layerNorm', 'layer_norm', { input: REQUIRED, normalizedShape: REQUIRED, ...AFFINE, eps: 1e-5 });
const RMS_NORM = normSignature('rmsNorm', 'rms_norm', { input: REQUIRED, normalizedShape: REQUIRED, weight: null, eps: null });
const GROUP_NORM = normSignature('groupNorm', 'group_norm', { input: REQUIRED, numGroups: REQUIRED, ...AFFINE, eps: 1e-5 });
const LOCAL_RESPONSE_NORM = normSignature('localResponseNorm', 'local_response_norm', { input: REQUIRED, size: REQUIRED, alpha: 1e-4, beta: 0.75, k: 1.0 });
const NORMALIZE = normSignature('normalize', 'normalize', { input: REQUIRED, p: 2.0, dim: 1, eps: 1e-12, out: null });
export interface LayerNormOptions { weight?: Tensor | null; bias?: Tensor | null; eps?: number }
export interface RmsNormOptions { weight?: Tensor | null; eps?: number | null }
export type GroupNormOptions = LayerNormOptions;
export interface LocalResponseNormOptions { alpha?: number; beta?: number; k?: number }
export interface NormalizeOptions { p?: number | 'fro' | 'nuc'; dim?: number | number[] | null; eps?: number; out?: Tensor | null }

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
): Tensor;
export function batchNorm(
  ...args: KeywordForms<[input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null], ['input', 'runningMean', 'runningVar'], BatchNormOptions>
): Tensor;
export function batchNorm(...args: unknown[]): Tensor {
  const fn = 'batchNorm';
  const [input, runningMean, runningVar, weight, bias, training, momentum, eps] = bind(BATCH_NORM, args);
  checkTensor(fn, input);
  return batchNormImpl(
    input, optTensor(fn, 'running_mean', runningMean), optTensor(fn, 'running_var', runningVar),
    optTensor(fn, 'weight', weight), optTensor(fn, 'bias', bias),
    boolArg(fn, 'training', training, false), numArg(fn, 'momentum', momentum, 0.1), numArg(fn, 'eps', eps, 1e-5),
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
export function instanceNorm(input: Tensor, ...args: Call<[Tensor | null, Tensor | null, Tensor | null, Tensor | null, boolean, number, number], InstanceNormOptions>): Tensor;
export function instanceNorm(options: InstanceNormOptions & { input: Tensor }): Tensor;
export function instanceNorm(...args: unknown[]): Tensor {
  const fn = 'instanceNorm';
  const [input, runningMean, runningVar, weight, bias, useInputStats, momentum, eps] = bind(INSTANCE_NORM, args);
  checkTensor(fn, input);
  return instanceNormImpl(
    input, optTensor(fn, 'running_mean', runningMean), optTensor(fn, 'running_var', runningVar),
    optTensor(fn, 'weight', weight), optTensor(fn, 'bias', bias),
    boolArg(fn, 'useInputStats', useInputStats, true), numArg(fn, 'momentum', momentum, 0.1), numArg(fn, 'eps', eps, 1e-5),
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
export function layerNorm(input: Tensor, normalizedShape: number | number[], ...args: Call<[Tensor | null, Tensor | null, number], LayerNormOptions>): Tensor;
export function layerNorm(...args: KeywordForms<[input: Tensor, normalizedShape: number | number[]], ['input', 'normalizedShape'], LayerNormOptions>): Tensor;
export function layerNorm(...args: unknown[]): Tensor {
  const fn = 'layerNorm';
  const [input, normalizedShape, weight, bias, eps] = bind(LAYER_NORM, args);
  checkTensor(fn, input);
  return layerNormImpl(input, shapeArg(fn, normalizedShape), optTensor(fn, 'weight', weight), optTensor(fn, 'bias', bias), numArg(fn, 'eps', eps, 1e-5));
}
export function layerNormImpl(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  return layerNormOp(input, normalizedShape, weight, bias, eps, cudnnEnabled());
}

/** F.rms_norm(input, normalized_shape, weight=None, eps=None) */
export function rmsNorm(input: Tensor, normalizedShape: number | number[], ...args: Call<[Tensor | null, number | null], RmsNormOptions>): Tensor;
export function rmsNorm(...args: KeywordForms<[input: Tensor, normalizedShape: number | number[]], ['input', 'normalizedShape'], RmsNormOptions>): Tensor;
export function rmsNorm(...args: unknown[]): Tensor {
  const fn = 'rmsNorm';
  const [input, normalizedShape, weight, eps] = bind(RMS_NORM, args);
  checkTensor(fn, input);
  return rmsNormImpl(input, shapeArg(fn, normalizedShape), optTensor(fn, 'weight', weight), eps === null ? null : numArg(fn, 'eps', eps));
}
export function rmsNormImpl(input: Tensor, normalizedShape: readonly number[], weight: Tensor | null, eps: number | null): Tensor {
  return rmsNormOp(input, normalizedShape, weight, eps);
}

/** F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5) */
export function groupNorm(input: Tensor, numGroups: number, ...args: Call<[Tensor | null, Tensor | null, number], GroupNormOptions>): Tensor;
export function groupNorm(...args: KeywordForms<[input: Tensor, numGroups: number], ['input', 'numGroups'], GroupNormOptions>): Tensor;
export function groupNorm(...args: unknown[]): Tensor {
  const fn = 'groupNorm';
  const [input, numGroups, weight, bias, eps] = bind(GROUP_NORM, args);
  checkTensor(fn, input);
  if (!Number.isInteger(numGroups)) throw new TypeError(`${fn}: num_groups must be an int, got ${String(numGroups)}`);
  return groupNormImpl(input, numGroups as number, optTensor(fn, 'weight', weight), optTensor(fn, 'bias', bias), numArg(fn, 'eps', eps, 1e-5));
}
export function groupNormImpl(input: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const size = input.shape;
  if (size.length < 2) throw new Error(`group_norm: Expected at least 2 dimensions for input tensor but received ${size.length}`);
  verifyBatchSize('group_norm', [Math.floor((size[0]! * size[1]!) / numGroups), numGroups, ...size.slice(2)]);
  return groupNormOp(input, numGroups, weight, bias, eps, cudnnEnabled());
}

/** F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0): Python's composite of pad and avg_pool. */
export function localResponseNorm(input: Tensor, size: number, ...args: Call<[number, number, number], LocalResponseNormOptions>): Tensor;
export function localResponseNorm(...args: KeywordForms<[input: Tensor, size: number], ['input', 'size'], LocalResponseNormOptions>): Tensor;
export function localResponseNorm(...args: unknown[]): Tensor {
  const fn = 'localResponseNorm';
  const [input, size, alpha, beta, k] = bind(LOCAL_RESPONSE_NORM, args);
  checkTensor(fn, input);
  if (!Number.isInteger(size)) throw new TypeError(`${fn}: size must be an int, got ${String(size)}`);
  return localResponseNormImpl(input, size as number, numArg(fn, 'alpha', alpha, 1e-4), numArg(fn, 'beta', beta, 0.75), numArg(fn, 'k', k, 1));
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
export function normalize(input: Tensor, ...args: Call<[NormalizeOptions['p'], NormalizeOptions['dim'], number, Tensor | null], NormalizeOptions>): Tensor;
export function normalize(options: NormalizeOptions & { input: Tensor }): Tensor;
export function normalize(...args: unknown[]): Tensor {
  const fn = 'normalize';
  const [input, p, dim, epsArg, outArg] = bind(NORMALIZE, args);
  checkTensor(fn, input);
  const eps = numArg(fn, 'eps', epsArg);
  const out = optTensor(fn, 'out', outArg);
  // input.norm(p, dim, keepdim=True) as Python: linalg_vector_norm for a number p over one dim, Tensor.norm's rules otherwise
  const norm = typeof p === 'number' && typeof dim === 'number'
    ? (aten('linalg_vector_norm', [input, p, [dim], true]) as Tensor)
    : input.norm(p as number | 'fro' | 'nuc', dim as number | number[] | null, true);
  if (out === null) return input.div(norm.clampMin(eps).expandAs(input));
  return aten('div', [input, norm.clampMin_(eps).expandAs(input), { out }]) as Tensor;
}

