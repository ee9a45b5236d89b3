// torch.nn.modules.lazy.LazyModuleMixin for the lazy layers: parameters start as
// UninitializedParameter, the first call infers their shapes from the input (a forward pre-hook),
// materializes and resets them, and the layer becomes its eager class (cls_to_become), as in PyTorch.
import type { Module } from '../module.js';
import { isLazy, ownedParameter, UninitializedParameter } from '../parameter.js';
import { empty, type FactoryOptions } from '../../creation.js';
import { isTensor, type Tensor } from '../../tensor.js';

/** A lazy layer: infers its parameters' shapes from the first input. */
export interface LazyLayer extends Module {
  initializeParameters(input: Tensor, ...rest: unknown[]): void;
}

/** A lazy parameter on the device and dtype the layer was given (PyTorch's UninitializedParameter(device=, dtype=)). */
export function uninitializedParameter(factory: FactoryOptions): UninitializedParameter {
  return ownedParameter(empty([0], factory), true, UninitializedParameter);
}

/** Whether any parameter of `m` (its own, as PyTorch's has_uninitialized_params) is still uninitialized. */
export function hasUninitializedParams(m: Module): boolean {
  return m.parameters({ recurse: false }).some((p) => p instanceof UninitializedParameter);
}

// The lazy layers not yet initialized -> the class each becomes: a deep copy of one gets hooks of its own (copyLazyHooks).
const pendingLazy = new WeakMap<Module, abstract new (...args: any[]) => Module>(); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Gives `copy`, a deep copy of `original`, the lazy-initialization hooks `original` still has (Python's deepcopy copies them, bound to the copy). */
export function copyLazyHooks(original: Module, copy: Module): void {
  const becomes = pendingLazy.get(original);
  if (becomes) installLazyHooks(copy as LazyLayer, becomes);
}

/**
 * Installs the lazy-initialization hooks on `m` (LazyModuleMixin.__init__): the forward pre-hook that
 * infers the parameters and turns `m` into an instance of `becomes`, and the load_state_dict pre-hook
 * that materializes uninitialized parameters and buffers to the shapes of the loaded tensors.
 */
export function installLazyHooks(m: LazyLayer, becomes: abstract new (...args: any[]) => Module): void {
  pendingLazy.set(m, becomes);
  const loadHook = m._registerLoadStateDictPreHook((stateDict: Record<string, unknown>, prefix: string) => {
    // Python's _lazy_load_hook: parameters and buffers; an uninitialized loaded tensor leaves the placeholder as it is
    for (const [name, placeholder] of [...m.namedParameters({ recurse: false }), ...m.namedBuffers({ recurse: false })]) {
      const loaded = stateDict[prefix + name];
      if (isLazy(placeholder) && isTensor(loaded) && !isLazy(loaded)) placeholder.materialize(loaded.shape);
    }
  });
  const initHook = m.registerForwardPreHook((_module: Module, args: unknown[]) => {
    m.initializeParameters(...(args as [Tensor, ...unknown[]]));
    if (hasUninitializedParams(m)) throw new Error(`module ${m.constructor.name} has not been fully initialized`);
    initHook.remove();
    loadHook.remove();
    pendingLazy.delete(m);
    Object.setPrototypeOf(m, becomes.prototype);
  });
}
