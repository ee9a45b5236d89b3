// torch.func.functionalize, as functorch runs it: fn runs one transform level down, on
// FunctionalTensorWrappers around its tensor arguments, so every in-place op and out= call inside becomes
// its out-of-place twin (and with remove: 'mutations_and_views', every view op its *_copy twin). The
// outputs come back as plain tensors; an argument that fn mutated gets the new contents copied back.
import { checkSynchronous, withMode } from './autograd.js';
import { native } from './native.js';
import { readOptions } from './options.js';
import { mapTree, treeLeaves, withLeaves } from './pytree.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

export type FunctionalizeRemove = 'mutations' | 'mutations_and_views';

export interface FunctionalizeOptions {
  /** 'mutations' (default) removes in-place and out= ops; 'mutations_and_views' also replaces views by copies */
  remove?: FunctionalizeRemove;
}

const invalidRemove = (remove: unknown): Error =>
  new Error(
    `functionalize(f, remove='mutations'): received invalid argument for remove=${String(remove)}. Valid options are:\n` +
      "     remove='mutations': all inplace and out= operators will be removed from the program, and replaced with their out-of-place equivalents.\n" +
      "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be replaced with their non-aliasing counterparts, {view}_copy.\n",
  );

/**
 * torch.func.functionalize(func, { remove }): a function that runs `func` with its mutations (and views)
 * removed, with the same results. Arguments may be tensors or arrays/objects holding them.
 */
export function functionalize<Args extends unknown[], R>(func: (...args: Args) => R, options: FunctionalizeOptions = {}): (...args: Args) => R {
  if (typeof func !== 'function') throw new TypeError(`functionalize: expected func to be a function, got ${func === null ? 'null' : typeof func}`);
  const { remove = 'mutations' } = readOptions('functionalize', options, ['remove']);
  if (remove !== 'mutations' && remove !== 'mutations_and_views') throw invalidRemove(remove);
  const reapplyViews = remove === 'mutations';
  checkSynchronous('functionalize', func);
  // withMode only for its refusal of a promise returned: the level itself is native, popped when fn returns or throws.
  return (...args: Args): R =>
    withMode('functionalize', () => {}, () => {}, () =>
      native.functionalizeRun(reapplyViews, (level) => {
        const inputs = treeLeaves(args);
        const wrapped = inputs.map((v) => (isTensor(v) ? new Tensor(native.functionalWrap(handleOfTensor(v), level)) : v));
        const outputs = func(...(withLeaves(args, wrapped) as Args));
        const unwrapped = mapTree(outputs, (v) => {
          if (!isTensor(v)) return v;
          const inner = native.functionalUnwrap(handleOfTensor(v), reapplyViews);
          return inner === undefined ? v : new Tensor(inner); // undefined: a tensor from outside fn (a global), as it is
        });
        inputs.forEach((v, i) => {
          if (isTensor(v)) native.functionalPropagateMutation(handleOfTensor(v), handleOfTensor(wrapped[i] as Tensor));
        });
        return unwrapped as R;
      }),
    );
}

/**
 * grad, vjp, jvp and the transforms built on them run on autograd here (not as functorch levels), and autograd
 * does not record inside a functionalize level: they would return zeros, so they refuse to run there.
 */
export function refuseInsideFunctionalize(api: string): void {
  if (native.areTransformsActive())
    throw new Error(`${api} called inside torch.func.functionalize: not supported here, as ${api} is built on autograd, which functionalize hides. Functionalize inside it instead: ${api}(functionalize(f))`);
}

/** torch._is_functional_tensor: whether t is a FunctionalTensorWrapper (an argument inside a functionalize'd function). */
export function _isFunctionalTensor(t: Tensor): boolean {
  return native.isFunctionalTensor(handleOfTensor(t));
}
