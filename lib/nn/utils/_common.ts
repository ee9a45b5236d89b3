// Helpers shared by the nn.utils files (not exported from torch.nn.utils).
import { type Tensor, isTensor } from '../../tensor.js';
import { describe, readOptions } from '../../options.js';
import { Module } from '../module.js';
import { quietly } from '../_registration.js';
import { norm } from '../../functional/python_ops.js';
import * as ops from '../../generated/functions.js';
import { Buffer, isLazy, Parameter, UninitializedBuffer, UninitializedParameter } from '../parameter.js';
import { copyLazyHooks } from '../modules/_lazy.js';

/** The list of tensors Python makes of `parameters` (one tensor stays one). */
export function tensorList(fn: string, tensors: unknown): Tensor[] {
  if (isTensor(tensors)) return [tensors as Tensor];
  if (tensors === null || typeof tensors !== 'object' || typeof (tensors as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${fn}: expected a Tensor or an iterable of Tensors, got ${describe(tensors)}`);
  }
  const out: Tensor[] = [];
  for (const t of tensors as Iterable<unknown>) {
    if (!isTensor(t)) throw new TypeError(`${fn}: expected an iterable of Tensors, got an element of type ${describe(t)}`);
    out.push(t as Tensor);
  }
  return out;
}


/** Python's NotImplementedError: a parametrization's rightInverse throws it to say "no inverse" (the registration then skips it). */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
}
export function isNotImplemented(e: unknown): boolean {
  return e instanceof Error && e.name === 'NotImplementedError';
}

export function shapeEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

type ModuleInternals = Module & {
  _parameters(): [string, Parameter | null][];
  _buffers(): [string, Tensor | null][];
  _modules(): [string, Module | null][];
  _isPersistentBuffer(name: string): boolean;
};

/** A module class's own copy.deepcopy (Python's __deepcopy__), for state JS cannot copy field by field (native handles). */
export const deepcopySelf = Symbol('torchnode.deepcopySelf');

/**
 * copy.deepcopy of a module: the same class, its parameters, buffers (registered as such) and
 * submodules copied, tensors shared between places stay shared in the copy. Hooks are not copied.
 */
export function deepcopyModule<M extends Module>(module: M, memo = new Map<unknown, unknown>()): M {
  return quietly(() => copyModule(module, memo)); // Python's deepcopy registers nothing: no registration hooks
}

function copyModule<M extends Module>(module: M, memo: Map<unknown, unknown>): M {
  const seen = memo.get(module);
  if (seen) return seen as M;
  const own = (module as { [deepcopySelf]?: () => M })[deepcopySelf];
  if (typeof own === 'function') {
    const copy = own.call(module);
    memo.set(module, copy);
    return copy;
  }
  const m = module as unknown as ModuleInternals;
  // The base constructor alone: the copy gets Module's private state and module's prototype, and no subclass fields.
  const copy = Reflect.construct(Module, [], module.constructor) as ModuleInternals;
  memo.set(module, copy);
  const buffers = new Set(m._buffers().map(([n]) => n));
  const noneParams = new Set(m._parameters().filter(([, p]) => p === null).map(([n]) => n));
  const noneModules = new Set(m._modules().filter(([, c]) => c === null).map(([n]) => n));
  const rec = copy as unknown as Record<string, unknown>;
  for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(module))) {
    if (!('value' in d)) {
      Object.defineProperty(copy, name, d);
      continue;
    }
    const value = deepcopyValue(d.value, memo);
    if (buffers.has(name)) {
      delete rec[name];
      copy.registerBuffer(name, value as Tensor | null, { persistent: m._isPersistentBuffer(name) });
    } else if (noneParams.has(name)) {
      delete rec[name];
      copy.registerParameter(name, null);
    } else if (noneModules.has(name)) {
      delete rec[name];
      copy.registerModule(name, null);
    } else Object.defineProperty(copy, name, { ...d, value });
  }
  copyLazyHooks(module, copy);
  return copy as unknown as M;
}

// Python's Tensor.__deepcopy__ refuses a non-leaf tensor (an attribute computed from parameters, as weight norm's or pruning's).
const NON_LEAF_DEEPCOPY = 'Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  ' +
  'If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001';

function deepcopyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  let out: unknown;
  if (v instanceof Module) return deepcopyModule(v, memo);
  if (isTensor(v)) {
    const t = v as Tensor;
    if (!t.isLeaf) throw new Error(NON_LEAF_DEEPCOPY);
    if (isLazy(t)) {
      out = t instanceof UninitializedParameter
        ? new UninitializedParameter({ requiresGrad: t.requiresGrad, device: t.device, dtype: t.dtype })
        : new UninitializedBuffer({ requiresGrad: t.requiresGrad, device: t.device, dtype: t.dtype, persistent: (t as Buffer).persistent });
      memo.set(v, out);
      return out;
    }
    const data = t.detach().clone();
    if (t instanceof Parameter) {
      const p = new Parameter(data, t.requiresGrad);
      if (t.grad !== null) p.grad = t.grad.clone();
      out = p;
    } else if (t instanceof Buffer) out = new Buffer(data, { persistent: t.persistent });
    else out = t.requiresGrad ? data.requiresGrad_(true) : data;
  } else if (Array.isArray(v)) {
    const arr: unknown[] = [];
    memo.set(v, arr);
    for (const x of v) arr.push(deepcopyValue(x, memo));
    return arr;
  } else if (v instanceof Map) {
    const map = new Map();
    memo.set(v, map);
    for (const [k, x] of v) map.set(k, deepcopyValue(x, memo));
    return map;
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    const obj: Record<string, unknown> = {};
    memo.set(v, obj);
    for (const [k, x] of Object.entries(v)) obj[k] = deepcopyValue(x, memo);
    return obj;
  } else out = v; // class instances (dtypes, devices, ...) are immutable here: shared
  memo.set(v, out);
  return out;
}

/** F.normalize(input, p=2, dim, eps, out): input / max(‖input‖_p, eps) along dim, written as functional.py writes it. */
export function normalize(input: Tensor, dim: number, eps: number, out?: Tensor): Tensor {
  const n = norm(input, 2, dim, true);
  if (out === undefined) return input.div(n.clampMin(eps).expandAs(input));
  return ops.div(input, n.clampMin_(eps).expandAs(input), { out });
}

/** isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)), by class name along the prototype chain. */
export function isConvTranspose(module: object): boolean {
  for (let p = Object.getPrototypeOf(module); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (/^ConvTranspose[123]d$/.test((p.constructor as { name: string }).name)) return true;
  }
  return false;
}

/**
 * Forward pre-hooks that nn.utils installs (weight norm, spectral norm, pruning), per module and
 * tensor name, in registration order: Python finds them by type in module._forward_pre_hooks.
 */
export class HookRegistry<H> {
  readonly #byModule = new WeakMap<object, { hook: H; handle: { remove(): void } }[]>();
  entries(module: object): { hook: H; handle: { remove(): void } }[] {
    return this.#byModule.get(module) ?? [];
  }
  add(module: object, hook: H, handle: { remove(): void }): void {
    const list = this.#byModule.get(module);
    if (list) list.push({ hook, handle });
    else this.#byModule.set(module, [{ hook, handle }]);
  }
  /** Removes the hook from the module and from this registry. */
  remove(module: object, hook: H): void {
    const list = this.#byModule.get(module) ?? [];
    const i = list.findIndex((e) => e.hook === hook);
    if (i < 0) return;
    list[i]!.handle.remove();
    list.splice(i, 1);
  }
}

/** The options both spectral norms take (the parametrization and the older hook). */
export type SpectralNormOptions = { name?: string; nPowerIterations?: number; eps?: number; dim?: number | null };

/** Both spectral norms read their arguments alike: positional or one options object; dim 1 for ConvTranspose, else 0. */
export function spectralNormArgs(fn: string, module: object, name: string | SpectralNormOptions, nPowerIterations: number, eps: number,
  dim: number | null): { tensorName: string; nPowerIterations: number; eps: number; dim: number } {
  const o: SpectralNormOptions = typeof name === 'object' ? (readOptions(fn, name, ['name', 'nPowerIterations', 'eps', 'dim'] as const) as SpectralNormOptions)
    : { name, nPowerIterations, eps, dim };
  const d = o.dim ?? null;
  return { tensorName: o.name ?? 'weight', nPowerIterations: o.nPowerIterations ?? 1, eps: o.eps ?? 1e-12, dim: d === null ? (isConvTranspose(module) ? 1 : 0) : d };
}
