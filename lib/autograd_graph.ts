// torch.autograd.graph: the graph's nodes (autograd_node.ts) and the saved-tensors default hooks
// (savedTensorsHooks, saveOnCpu, disableSavedTensorsHooks).
import { withMode } from './autograd.js';
import { getGradientEdge, gradFnOrAccumulator, GradientEdge, Node, nodeHandleOf } from './autograd_node.js';
import { native, type Handle } from './native.js';
import { describe, pyTypeName, readOptions } from './options.js';
import { untracked } from './scope.js';
import { RemovableHandle } from './hooks.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

export { getGradientEdge, GradientEdge, Node, type NodeHook, type NodePreHook } from './autograd_node.js';

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

export interface SaveOnCpuOptions {
  /** copy to and from pinned CPU memory, asynchronously (default false) */
  pinMemory?: boolean;
  /** the device module whose availability lets pinMemory pin (default 'cuda', as Python's device_type) */
  deviceType?: string;
}

// Python's getattr(torch, device_type, torch.cuda).is_available(): whether save_on_cpu may pin memory
function deviceModuleAvailable(deviceType: string): boolean {
  if (deviceType === 'cpu') return true;
  if (deviceType === 'mps') return native.contextFlag('mpsAvailable');
  if (deviceType === 'xpu' || deviceType === 'mtia') return false;
  return native.cudaIsAvailable();
}

/**
 * torch.autograd.graph.save_on_cpu: while fn runs, saved tensors are kept on the CPU and copied back
 * to their device for backward (without pinMemory, CPU tensors are kept as they are).
 */
export function saveOnCpu<T>(fn: () => T): T;
export function saveOnCpu<T>(options: SaveOnCpuOptions, fn: () => T): T;
export function saveOnCpu<T>(optionsOrFn: SaveOnCpuOptions | (() => T), maybeFn?: () => T): T {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
  const { pinMemory: pin = false, deviceType = 'cuda' } = typeof optionsOrFn === 'function' ? {} : readOptions('saveOnCpu', optionsOrFn, ['pinMemory', 'deviceType']) as SaveOnCpuOptions;
  if (typeof pin !== 'boolean') throw new TypeError(`saveOnCpu: pinMemory must be a boolean, got ${describe(pin)}`);
  if (typeof deviceType !== 'string') throw new TypeError(`attribute name must be string, not '${pyTypeName(deviceType)}'`);   // Python's getattr(torch, device_type)
  const pinnable = pin && deviceModuleAvailable(deviceType);   // once, not per saved tensor
  return savedTensorsHooks(
    (t) => {
      if (!pin || t.isSparse) return [t.device, t.cpu()] as const;   // Python copies a sparse one into unpinned memory: the same values
      return [t.device, t.newEmpty(t.shape, { device: 'cpu', pinMemory: pinnable }).copy_(t, pinnable)] as const; // asynchronous into pinned memory
    },
    ([device, t]) => t.to(device, { nonBlocking: pin }),
    fn,
  );
}

/** torch.autograd.graph.disable_saved_tensors_hooks: while fn runs, using savedTensorsHooks throws Error(message). */
export function disableSavedTensorsHooks<T>(message: string, fn: () => T): T {
  if (typeof message !== 'string') throw new TypeError(`disableSavedTensorsHooks: message must be a string, got ${describe(message)}`);
  let previous: string | null = null;
  return withMode('disableSavedTensorsHooks', () => (previous = native.setSavedTensorsHooksDisabled(message)), () => native.setSavedTensorsHooksDisabled(previous), fn);
}

/**
 * torch.autograd.graph.allow_mutation_on_saved_tensors: while fn runs, an in-place op on a tensor the
 * graph saved for backward first copies it, and backward (run inside fn too) reads the copy instead of
 * failing. A tensor is recognised by its data pointer and version, as in PyTorch (a view written in
 * place at another offset is not). Not nested; per thread.
 */
export function allowMutationOnSavedTensors<T>(fn: () => T): T {
  return withMode('allowMutationOnSavedTensors', () => native.enterMutationContext(), () => native.leaveMutationContext(), fn);
}

function currentTask(): number {
  const id = native.currentGraphTaskId();
  if (id === -1) throw new Error('expected this hook to be called inside a backward call');
  return id;
}

/**
 * torch.autograd.graph.register_multi_grad_hook(tensors, fn, { mode }): with mode 'all' (the default),
 * fn(grads) runs once per backward after the gradients of all those tensors that this backward computes
 * (null for the others); with 'any', fn(grad) runs on the first of them. The hooks hold the tensors'
 * graph nodes (as PyTorch's do): remove() the handle when done with them.
 */
export function registerMultiGradHook(tensors: readonly Tensor[], fn: (grads: (Tensor | null)[]) => void, options?: { mode?: 'all' }): RemovableHandle;
export function registerMultiGradHook(tensors: readonly Tensor[], fn: (grad: Tensor) => void, options: { mode: 'any' }): RemovableHandle;
export function registerMultiGradHook(tensors: readonly Tensor[], fn: ((grads: (Tensor | null)[]) => void) | ((grad: Tensor) => void), options: { mode?: 'all' | 'any' } = {}): RemovableHandle {
  const { mode = 'all' } = readOptions('registerMultiGradHook', options, ['mode']);
  if (mode !== 'all' && mode !== 'any') throw new RangeError(`Expects mode to be one of ('all', 'any') but got ${String(mode)}`);
  if (!Array.isArray(tensors) || !tensors.every(isTensor)) throw new TypeError(`registerMultiGradHook: tensors must be an array of Tensors, got ${describe(tensors)}`);
  if (typeof fn !== 'function') throw new TypeError(`registerMultiGradHook: fn must be a function, got ${describe(fn)}`);
  let handles: RemovableHandle[];
  if (mode === 'all') {
    const nodes = tensors.map(gradFnOrAccumulator);
    const count = tensors.length;
    const pending = new Map<number, { seen: number; expected: number; grads: (Tensor | null)[] }>();
    handles = tensors.map((t, i) => t.registerHook((grad) => {
      const id = currentTask();
      let task = pending.get(id);
      if (task === undefined) {
        // On the first gradient, how many of the tensors this backward reaches.
        task = { seen: 0, expected: nodes.filter((n) => native.willEngineExecuteNode(nodeHandleOf(n))).length, grads: new Array<Tensor | null>(count).fill(null) };
        pending.set(id, task);
      }
      task.grads[i] = grad;
      if (++task.seen === task.expected) {
        pending.delete(id);
        (fn as (grads: (Tensor | null)[]) => void)(task.grads);
      }
    }));
  } else {
    const ran = new Set<number>();
    handles = tensors.filter((t) => t.requiresGrad).map((t) => t.registerHook((grad) => {
      const id = currentTask();
      if (ran.has(id)) return;
      ran.add(id);
      (fn as (grad: Tensor) => void)(grad);
    }));
  }
  return new RemovableHandle(() => handles.forEach((h) => h.remove()));
}

/**
 * torch.autograd.graph.increment_version(tensor | tensors): marks them modified in place, as an in-place
 * op does, for writes autograd cannot see (a buffer written through `dataPtr`): backward then refuses
 * the graphs that saved their old values.
 */
export function incrementVersion(tensor: Tensor | readonly Tensor[]): void {
  const list = Array.isArray(tensor) ? tensor : [tensor];
  native.incrementVersion(list.map((t: unknown, i) => {
    if (!isTensor(t)) throw new TypeError(`incrementVersion: expected a Tensor or an array of Tensors, got ${describe(t)} at ${i}`);
    return handleOfTensor(t);
  }));
}

/** torch.autograd.graph. */
export const graph = { Node, GradientEdge, getGradientEdge, savedTensorsHooks, saveOnCpu, disableSavedTensorsHooks, allowMutationOnSavedTensors, registerMultiGradHook, incrementVersion };
