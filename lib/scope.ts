// torch.tidy scopes: every tensor created while a scope is open is recorded in the innermost
// one and disposed when it closes, except what the scope returns or keeps. The scope stack lives
// in an AsyncLocalStorage, so async callbacks keep their scope across awaits and nest.
import { AsyncLocalStorage } from 'node:async_hooks';

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

/** torch.keep: no scope will dispose this tensor. Returns it. */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  return t;
}

function collect(value: unknown, into: Set<Disposable>, isTracked: (v: unknown) => v is Disposable): void {
  if (isTracked(value)) {
    into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, into, isTracked);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, into, isTracked);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, isTracked);
  }
}

let isTensor: (v: unknown) => v is Disposable = (v: unknown): v is Disposable => false;
/** Set by the Tensor module: tells scope results apart from other values. */
export function setTensorCheck(check: (v: unknown) => v is Disposable): void {
  isTensor = check;
}

function close(scope: Scope, parent: Scope | undefined, result: unknown): void {
  const survivors = new Set<Disposable>();
  collect(result, survivors, isTensor);
  for (const t of scope.tracked) {
    if (survivors.has(t)) parent?.tracked.push(t); // results belong to the enclosing scope
    else if (!kept.has(t)) t.dispose();
  }
  scope.tracked.length = 0;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * torch.tidy(fn): runs fn and disposes every tensor it created, except the tensors in its result
 * (a tensor, or arrays / plain objects / Maps of them) and those passed to torch.keep.
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
