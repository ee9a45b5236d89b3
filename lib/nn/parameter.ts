// nn.Parameter and nn.Buffer: tensors that a Module registers when they are assigned to it.
import { inspect } from 'node:util';

import { opId } from '../call.js';
import { native, type Handle } from '../native.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { keep } from '../scope.js';
import { handleOfTensor, isTensor, Tensor } from '../tensor.js';
import { empty, type FactoryOptions } from '../creation.js';

function checkBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(v)}`);
  return v;
}

// A new TensorImpl over the same storage, without history: what Python's Tensor._make_subclass does.
function aliasHandle(data: Tensor | null | undefined, what: string): Handle {
  if (data === undefined || data === null) data = empty(0);
  else if (!isTensor(data)) throw new TypeError(`${what}: expected a Tensor, got ${describe(data)}`);
  return native.callOp(opId('detach'), undefined, handleOfTensor(data)) as Handle;
}

/**
 * A Tensor that is a module parameter: assigning one to a Module registers it. `new nn.Parameter(t)`
 * shares t's storage, is a leaf and requires grad unless told otherwise. Scopes (torch.tidy) never free it.
 */
export class Parameter extends Tensor {
  constructor(data?: Tensor | null, requiresGrad: boolean | { requiresGrad?: boolean } = true) {
    super(aliasHandle(data, 'Parameter'));
    const flag = isOptionsObject(requiresGrad) ? (readOptions('Parameter', requiresGrad, ['requiresGrad']).requiresGrad ?? true) : requiresGrad;
    this.requiresGrad_(checkBool(flag, 'Parameter: requiresGrad'));
    keep(this);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }

  override [inspect.custom](): string {
    return this.isDisposed ? 'Parameter(<disposed>)' : this.toString();
  }
}

/** A parameter whose shape is not known yet (lazy modules: nn.LazyLinear); it is materialized at the first forward. */
export class UninitializedParameter extends Parameter {
  /** Gives the parameter its shape (and dtype/device), uninitialized, as Python's materialize(). */
  materialize(shape: readonly number[], options: FactoryOptions = {}): void {
    this.data = empty([...shape], options);
  }

  override toString(): string {
    return '<UninitializedParameter>';
  }
}

/** nn.Buffer: assigning one to a Module registers a buffer (persistent unless told otherwise). */
export class Buffer extends Tensor {
  readonly persistent: boolean;

  constructor(data?: Tensor | null, options: { persistent?: boolean } = {}) {
    super(aliasHandle(data, 'Buffer'));
    this.persistent = checkBool(readOptions('Buffer', options, ['persistent']).persistent ?? true, 'Buffer: persistent');
    keep(this);
  }
}

/** True for an UninitializedParameter (or buffer) of a lazy module that has not run yet. */
export function isLazy(v: unknown): boolean {
  return v instanceof UninitializedParameter;
}

/**
 * A parameter over a tensor the caller made for it and drops (`empty(...)` in a layer's constructor):
 * the temporary is disposed, so the parameter alone holds the storage and dispose() frees it at once.
 */
export function ownedParameter<P extends Parameter>(data: Tensor, requiresGrad = true, kind: new (data: Tensor, requiresGrad: boolean) => P = Parameter as never): P {
  const p = new kind(data, requiresGrad);
  data.dispose();
  return p;
}
