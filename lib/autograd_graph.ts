// torch.autograd.graph: the graph's nodes (autograd_node.ts) and the saved-tensors default hooks
// (savedTensorsHooks, saveOnCpu, disableSavedTensorsHooks).
import { withMode } from './autograd.js';
import { Node } from './autograd_node.js';
import { native, type Handle } from './native.js';
import { describe, readOptions } from './options.js';
import { untracked } from './scope.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

export { Node, type NodeHook, type NodePreHook } from './autograd_node.js';

/**
 * torch.autograd.graph.saved_tensors_hooks: while fn runs, every tensor the graph saves for backward
 * goes through pack(tensor) -> anything, and backward gets it back through unpack(packed) -> Tensor.
 * Both run outside any tidy scope (what pack returns belongs to the graph) and only on this thread;
 * the innermost hooks win. A pack result that holds the saved tensor itself lives until the graph is
 * freed (backward without retainGraph, or disposing the graph's outputs).
 */
export function savedTensorsHooks<P, T>(pack: (tensor: Tensor) => P, unpack: (packed: P) => Tensor, fn: () => T): T {
  if (typeof pack !== 'function') throw new TypeError(`savedTensorsHooks: pack must be a function, got ${describe(pack)}`);
  if (typeof unpack !== 'function') throw new TypeError(`savedTensorsHooks: unpack must be a function, got ${describe(unpack)}`);
  const packHandle = (h: Handle): P => untracked(() => pack(new Tensor(h)));
  const unpackHandle = (packed: P): Handle => {
    const t = untracked(() => unpack(packed));
    if (!isTensor(t)) throw new TypeError(`Output of saved tensor unpack_hook expected to be a Tensor but got result of type ${describe(t)}`);
    return handleOfTensor(t);
  };
  return withMode('savedTensorsHooks', () => native.pushSavedTensorsHooks(packHandle, unpackHandle), () => native.popSavedTensorsHooks(), fn);
}

/**
 * torch.autograd.graph.save_on_cpu: while fn runs, saved tensors are kept on the CPU and copied back
 * to their device for backward (CPU tensors are kept as they are).
 */
export function saveOnCpu<T>(fn: () => T): T;
export function saveOnCpu<T>(options: { pinMemory?: boolean }, fn: () => T): T;
export function saveOnCpu<T>(optionsOrFn: { pinMemory?: boolean } | (() => T), maybeFn?: () => T): T {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
  const pin = typeof optionsOrFn === 'function' ? false : (readOptions('saveOnCpu', optionsOrFn, ['pinMemory']).pinMemory ?? false);
  if (typeof pin !== 'boolean') throw new TypeError(`saveOnCpu: pinMemory must be a boolean, got ${describe(pin)}`);
  return savedTensorsHooks(
    (t) => {
      if (t.device.type === 'cpu') return [t.device, t] as const;
      if (!pin || t.isSparse) return [t.device, t.cpu()] as const;
      return [t.device, t.newEmpty(t.shape, { device: 'cpu', pinMemory: true }).copy_(t, true)] as const; // asynchronous from pinned memory
    },
    ([device, t]) => (t.device.type === device.type ? t : t.to(device, { nonBlocking: pin })),
    fn,
  );
}

/** torch.autograd.graph.disable_saved_tensors_hooks: while fn runs, using savedTensorsHooks throws Error(message). */
export function disableSavedTensorsHooks<T>(message: string, fn: () => T): T {
  if (typeof message !== 'string') throw new TypeError(`disableSavedTensorsHooks: message must be a string, got ${describe(message)}`);
  let previous: string | null = null;
  return withMode('disableSavedTensorsHooks', () => (previous = native.setSavedTensorsHooksDisabled(message)), () => native.setSavedTensorsHooksDisabled(previous), fn);
}

/** torch.autograd.graph. */
export const graph = { Node, savedTensorsHooks, saveOnCpu, disableSavedTensorsHooks };
