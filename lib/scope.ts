// torch.tidy scopes: every tensor created while a scope is open is recorded in the innermost
// one and disposed when it closes, except what the scope returns or keeps. The scope stack lives
// in an AsyncLocalStorage, so async callbacks keep their scope across awaits and nest.
import { AsyncLocalStorage } from 'node:async_hooks';

import { describe, isPromiseLike } from './options.js';

export interface Disposable {
  dispose(): void;
}

class Scope {
  readonly tracked: Disposable[] = [];
}

const stacks = new AsyncLocalStorage<readonly Scope[]>();
let openScopes = 0; // fast path: no AsyncLocalStorage lookup while no scope exists anywhere
const kept = new WeakSet<Disposable>();

/** Records a new tensor in the innermost open scope (called by the Tensor constructor). */
export function track(t: Disposable): void {
  if (openScopes === 0) return;
  const stack = stacks.getStore();
  if (stack) stack[stack.length - 1]!.tracked.push(t);
}

/**
 * torch.keep: no scope will dispose this tensor. Returns it. Anything but a Tensor is a TypeError:
 * keep is a lifetime promise about one tensor, so keep(x.item()) or keep(promise) is a bug to report,
 * not a no-op that leaves the tensor the caller meant to keep to be freed.
 */
export function keep<T extends Disposable>(t: T): T {
  if (!isTensor(t)) throw new TypeError(`keep: expected a Tensor, got ${describe(t)}`);
  kept.add(t);
  return t;
}

// Every tensor reachable from a scope's result: array items, own data properties of any object
// (class instances included, getters not run), Map keys and values, Set members; each object once,
// so cycles end, and iteratively, so deep chains do not overflow the stack. Not reachable: tensors
// held only in closures or #private fields; keep() those.
function collect(root: unknown, isTracked: (v: unknown) => v is Disposable): Set<Disposable> {
  const found = new Set<Disposable>();
  const seen = new Set<object>();
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (isTracked(value)) {
      found.add(value);
      continue;
    }
    if (seen.has(value) || ArrayBuffer.isView(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const v of value) pending.push(v);
      continue;
    }
    if (value instanceof Map) for (const [k, v] of value) pending.push(k, v);
    else if (value instanceof Set) for (const v of value) pending.push(v);
    const props = Object.getOwnPropertyDescriptors(value);
    for (const key of Reflect.ownKeys(props)) {
      const d = props[key as keyof typeof props]!;
      if ('value' in d) pending.push(d.value);
    }
  }
  return found;
}

let isTensor: (v: unknown) => v is Disposable = (v: unknown): v is Disposable => false;
/** Set by the Tensor module: tells scope results apart from other values. */
export function setTensorCheck(check: (v: unknown) => v is Disposable): void {
  isTensor = check;
}

function close(scope: Scope, parent: Scope | undefined, result: unknown): void {
  const survivors = collect(result, isTensor);
  for (const t of scope.tracked) {
    if (survivors.has(t)) parent?.tracked.push(t); // results belong to the enclosing scope
    else if (!kept.has(t)) t.dispose();
  }
  scope.tracked.length = 0;
}

/**
 * torch.tidy(fn): runs fn and disposes every tensor it created, except the tensors reachable from
 * its result (see collect: arrays, objects, class instances, Maps, Sets, cycles) and those passed
 * to torch.keep.
 * An async fn keeps its scope across awaits; the returned promise resolves after cleanup.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function');
  const outer = stacks.getStore() ?? [];
  const scope = new Scope();
  const parent = outer[outer.length - 1];
  openScopes++;
  let result: T;
  try {
    result = stacks.run([...outer, scope], fn);
  } catch (e) {
    openScopes--;
    close(scope, parent, undefined);
    throw e;
  }
  if (!isPromiseLike(result)) {
    openScopes--;
    close(scope, parent, result);
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      openScopes--;
      close(scope, parent, value);
      return value;
    },
    (err: unknown) => {
      openScopes--;
      close(scope, parent, undefined);
      throw err;
    },
  ) as T;
}

/**
 * Runs fn and returns its result with the set of tensors it created (none disposed): a transform that replaces
 * fn's outputs by detached ones frees the originals only when fn made them, never a tensor fn returned from elsewhere.
 * The tensors stay recorded in the enclosing tidy scope, if any.
 */
export function recordCreated<T>(fn: () => T): [T, ReadonlySet<Disposable>] {
  const outer = stacks.getStore() ?? [];
  const scope = new Scope();
  openScopes++;
  try {
    return [stacks.run([...outer, scope], fn), new Set(scope.tracked)];
  } finally {
    openScopes--;
    const parent = outer[outer.length - 1];
    if (parent) for (const t of scope.tracked) parent.tracked.push(t);
  }
}

/**
 * Runs fn outside every tidy scope: the tensors it makes belong to whoever keeps them (the autograd graph,
 * for saved-tensors hooks), or to the GC.
 */
export function untracked<T>(fn: () => T): T {
  return openScopes === 0 ? fn() : stacks.exit(fn);
}
