// torch.nn.utils.clip_grad: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_,
// written as PyTorch 2.13 writes them (grouped by device and dtype, _foreach_* kernels) so the numbers match bit for bit.
import { type Tensor, isTensor } from '../../tensor.js';
import type { Device } from '../../device.js';
import { aten } from '../../call.js';
import { noGrad } from '../../autograd.js';
import * as ops from '../../generated/functions.js';
import { zeros } from '../../creation.js';
import { readOptions, describe } from '../../options.js';
import { tensorList } from './_common.js';
import { warn } from '../../warnings.js';
import { pyFloat } from '../modules/_format.js';
import { groupTensorsByDeviceAndDtype } from '../../utils/_foreach_utils.js';

/** A Tensor or an iterable of Tensors (Python's `_tensor_or_tensors`). */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

export interface ClipGradNormOptions {
  /** Order of the p-norm; `Infinity` or `'inf'` for the infinity norm. Default 2. */
  normType?: number | 'inf' | '-inf';
  /** Throw when the total norm is nan or ±inf. Default false. */
  errorIfNonfinite?: boolean;
  /** Use the _foreach_ kernels (null: where the device supports them). */
  foreach?: boolean | null;
}

const FOREACH_DEVICES = new Set(['cpu', 'cuda', 'xpu', 'mtia', 'privateuseone']);

/** Python's float(norm_type): numbers, and the strings 'inf' / '-inf'. */
function normOrder(fn: string, normType: unknown): number {
  if (typeof normType === 'number') return normType;
  if (normType === 'inf') return Infinity;
  if (normType === '-inf') return -Infinity;
  throw new TypeError(`${fn}: normType must be a number or 'inf', got ${describe(normType)}`);
}

/** Whether to take the foreach path for one group, as _has_foreach_support / _device_has_foreach_support decide. */
function useForeach(fn: string, foreach: boolean | null | undefined, device: Device): boolean {
  const deviceType = device.type;
  const supported = FOREACH_DEVICES.has(deviceType);
  // Python's _has_foreach_support also wants plain torch.Tensor (not Parameter) objects; the kernels compute the same numbers.
  if ((foreach === null || foreach === undefined) && supported) return true;
  if (foreach && supported) return true;
  if (foreach) throw new Error(`${fn}: foreach=True was passed, but can't use the foreach API on ${deviceType} tensors`);
  return false;
}

function readClipOptions(fn: string, options: unknown): { normType: number; errorIfNonfinite: boolean; foreach: boolean | null } {
  const o = options === undefined ? {} : readOptions(fn, options, ['normType', 'errorIfNonfinite', 'foreach'] as const);
  return {
    normType: o.normType === undefined ? 2 : normOrder(fn, o.normType),
    errorIfNonfinite: Boolean(o.errorIfNonfinite ?? false),
    foreach: (o.foreach ?? null) as boolean | null,
  };
}

function totalNorm(fn: string, tensors: Tensor[], normType: number, errorIfNonfinite: boolean, foreach: boolean | null): Tensor {
  if (tensors.length === 0) return zeros([]); // torch.tensor(0.0): the default dtype
  const firstDevice = tensors[0]!.device;
  const norms: Tensor[] = [];
  for (const { device, lists: [group] } of groupTensorsByDeviceAndDtype(tensors)) {
    if (useForeach(fn, foreach, device)) norms.push(...(aten('_foreach_norm', [group, normType]) as Tensor[]));
    else for (const g of group) norms.push(aten('linalg_vector_norm', [g, normType]) as Tensor);
  }
  const total = aten('linalg_vector_norm', [ops.stack(norms.map((n) => n.to(firstDevice))), normType]) as Tensor;
  if (errorIfNonfinite && (total.isnan().item() || total.isinf().item())) {
    throw new Error(
      `${fn}: The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
    );
  }
  return total;
}

/**
 * torch.nn.utils.get_total_norm: the p-norm of the norms of `tensors`, as if they were concatenated
 * into one vector (computed without autograd).
 */
export function getTotalNorm(tensors: TensorOrTensors, normType?: number | 'inf' | '-inf' | ClipGradNormOptions, options?: ClipGradNormOptions): Tensor {
  const fn = 'getTotalNorm';
  const o = typeof normType === 'object' ? readClipOptions(fn, normType) : readClipOptions(fn, { ...(normType === undefined ? {} : { normType }), ...(options ?? {}) });
  const list = tensorList(fn, tensors);
  return noGrad(() => totalNorm(fn, list, o.normType, o.errorIfNonfinite, o.foreach));
}

function clipWithNorm(fn: string, parameters: Tensor[], maxNorm: number, total: Tensor, foreach: boolean | null): void {
  const grads = parameters.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return;
  // Python's `max_norm / (total_norm + 1e-6)` is Tensor.__rtruediv__: reciprocal() * max_norm.
  const clipCoef = total.add(1e-6).reciprocal().mul(maxNorm);
  const clamped = clipCoef.clamp({ max: 1.0 });
  for (const { device, lists: [group] } of groupTensorsByDeviceAndDtype(grads)) {
    const coef = clamped.to(device);
    if (useForeach(fn, foreach, device)) aten('_foreach_mul_', [group, coef]);
    else for (const g of group) g.mul_(coef);
  }
}

/**
 * torch.nn.utils.clip_grads_with_norm_: scales the gradients of `parameters` in place by
 * min(maxNorm / (totalNorm + 1e-6), 1) for a total norm computed beforehand.
 */
export function clipGradsWithNorm_(parameters: TensorOrTensors, maxNorm: number, totalNorm: Tensor, options?: { foreach?: boolean | null }): void {
  const fn = 'clipGradsWithNorm_';
  const o = options === undefined ? {} : readOptions(fn, options, ['foreach'] as const);
  if (typeof maxNorm !== 'number') throw new TypeError(`${fn}: maxNorm must be a number, got ${describe(maxNorm)}`);
  if (!isTensor(totalNorm)) throw new TypeError(`${fn}: totalNorm must be a Tensor, got ${describe(totalNorm)}`);
  const list = tensorList(fn, parameters);
  noGrad(() => clipWithNorm(fn, list, maxNorm, totalNorm, (o.foreach ?? null) as boolean | null));
}

/**
 * torch.nn.utils.clip_grad_norm_: clips the gradient norm of `parameters` in place (the norm of all
 * gradients as one vector) and returns that total norm as a Tensor.
 * `clipGradNorm_(params, maxNorm, normType?, { errorIfNonfinite, foreach })` or with everything in the options.
 */
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number | (ClipGradNormOptions & { maxNorm: number }),
  normType?: number | 'inf' | '-inf' | ClipGradNormOptions, options?: ClipGradNormOptions): Tensor {
  const fn = 'clipGradNorm_';
  if (typeof maxNorm === 'object' && maxNorm !== null && normType === undefined && options === undefined) {
    // Every argument by keyword: clip_grad_norm_(params, max_norm=1.0, norm_type=2)
    const { maxNorm: max, ...rest } = maxNorm;
    return clipGradNorm_(parameters, max, rest);
  }
  if (typeof maxNorm !== 'number') throw new TypeError(`${fn}: maxNorm must be a number, got ${describe(maxNorm)}`);
  const o =
    typeof normType === 'object' && normType !== null
      ? readClipOptions(fn, normType)
      : readClipOptions(fn, { ...(normType === undefined ? {} : { normType }), ...(options === undefined ? {} : readOptions(fn, options, ['errorIfNonfinite', 'foreach'] as const)) });
  const list = tensorList(fn, parameters);
  if (list.length === 0 && Object.prototype.toString.call(parameters) === '[object Generator]')
    warn('`parameters` is an empty generator, no gradient clipping will occur.', 'UserWarning');
  return noGrad(() => {
    const grads = list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    const total = totalNorm(fn, grads, o.normType, o.errorIfNonfinite, o.foreach);
    clipWithNorm(fn, list, maxNorm, total, o.foreach);
    return total;
  });
}

/** torch.nn.utils.clip_grad_norm: deprecated (FutureWarning) in favor of clipGradNorm_, which it calls. */
export function clipGradNorm(parameters: TensorOrTensors, maxNorm: number | (ClipGradNormOptions & { maxNorm: number }), normType?: number | 'inf' | '-inf' | ClipGradNormOptions, options?: ClipGradNormOptions): Tensor {
  warn('`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.', 'FutureWarning');
  return clipGradNorm_(parameters, maxNorm, normType, options);
}

/** torch.nn.utils.clip_grad_value_: clamps every gradient of `parameters` into [-clipValue, clipValue] in place. */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number, options?: { foreach?: boolean | null }): void {
  const fn = 'clipGradValue_';
  const o = options === undefined ? {} : readOptions(fn, options, ['foreach'] as const);
  if (typeof clipValue !== 'number') throw new TypeError(`${fn}: clipValue must be a number, got ${describe(clipValue)}`);
  const grads = tensorList(fn, parameters)
    .map((p) => p.grad)
    .filter((g): g is Tensor => g !== null);
  noGrad(() => {
    for (const { device, lists: [group] } of groupTensorsByDeviceAndDtype(grads)) {
      if (useForeach(fn, (o.foreach ?? null) as boolean | null, device)) {
        aten('_foreach_clamp_min_', [group, -clipValue]);
        aten('_foreach_clamp_max_', [group, clipValue]);
      } else for (const g of group) g.clamp_({ min: -clipValue, max: clipValue });
    }
  });
}
