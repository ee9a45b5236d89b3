// nn.Parameter and nn.Buffer: tensors that a Module registers when they are assigned to it.
import { inspect } from 'node:util';

import { opId } from '../call.js';
import { native, type Handle } from '../native.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { keep } from '../scope.js';
import { handleOfTensor, isTensor, Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import type { DeviceLike } from '../device.js';
import type { DTypeLike } from '../dtype.js';

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

/** Python's UninitializedParameter / UninitializedBuffer keyword arguments. */
export interface UninitializedOptions {
  requiresGrad?: boolean;
  device?: DeviceLike | null;
  dtype?: DTypeLike | null;
}

/** materialize()'s options: the device and dtype to give the tensor (its own when left out). */
export type MaterializeOptions = Omit<UninitializedOptions, 'requiresGrad'>;

// The [0]-element placeholder an uninitialized tensor starts as, on the device and dtype it was given.
function placeholder(what: string, options: UninitializedOptions, requiresGradDefault: boolean): [Tensor, boolean] {
  const o = readOptions(what, options, ['requiresGrad', 'device', 'dtype']) as UninitializedOptions;
  return [empty([0], { ...(o.device != null && { device: o.device }), ...(o.dtype != null && { dtype: o.dtype }) }), checkBool(o.requiresGrad ?? requiresGradDefault, `${what}: requiresGrad`)];
}

// Python's UninitializedTensorMixin.materialize: the shape given, the device and dtype kept unless given.
function materializeInto(t: Tensor, shape: number | readonly number[], options: MaterializeOptions, becomes: object): void {
  const o = readOptions('materialize', options, ['device', 'dtype']) as MaterializeOptions;
  t.data = empty(typeof shape === 'number' ? [shape] : [...shape], { device: o.device ?? t.device, dtype: o.dtype ?? t.dtype });
  Object.setPrototypeOf(t, becomes);
}

/**
 * A parameter whose shape is not known yet (lazy modules: nn.LazyLinear); it is materialized at the first
 * forward. `new nn.UninitializedParameter({ requiresGrad, device, dtype })` as in Python.
 */
export class UninitializedParameter extends Parameter {
  constructor(data?: Tensor | null | UninitializedOptions, requiresGrad: boolean | { requiresGrad?: boolean } = true) {
    if (isOptionsObject(data)) super(...placeholder('UninitializedParameter', data, true));
    else super(data as Tensor | null | undefined, requiresGrad);
  }

  /** Gives the parameter its shape (on its device and dtype unless given), uninitialized; it is a plain Parameter from then on, as Python's materialize(). */
  materialize(shape: number | readonly number[], options: MaterializeOptions = {}): void {
    materializeInto(this, shape, options, Parameter.prototype);
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

/**
 * nn.UninitializedBuffer: a buffer whose shape is not known yet (lazy norm layers' running stats).
 * `materialize(shape)` gives it one; it is a plain Tensor from then on, as in Python.
 */
export class UninitializedBuffer extends Buffer {
  constructor(options: UninitializedOptions & { persistent?: boolean } = {}) {
    const { persistent, ...rest } = readOptions('UninitializedBuffer', options, ['requiresGrad', 'device', 'dtype', 'persistent']) as UninitializedOptions & { persistent?: boolean };
    const [data, requiresGrad] = placeholder('UninitializedBuffer', rest, false);
    super(data, persistent === undefined ? {} : { persistent });
    data.dispose();
    this.requiresGrad_(requiresGrad);
  }

  /** Gives the buffer its shape (on its device and dtype unless given), uninitialized, as Python's materialize(). */
  materialize(shape: number | readonly number[], options: MaterializeOptions = {}): void {
    materializeInto(this, shape, options, Tensor.prototype);
  }

  override toString(): string {
    return '<UninitializedBuffer>';
  }

  override [inspect.custom](): string {
    return this.isDisposed ? 'UninitializedBuffer(<disposed>)' : this.toString();
  }
}

/** True for an UninitializedParameter or UninitializedBuffer (Python's torch.nn.parameter.is_lazy). */
export function isLazy(v: unknown): v is UninitializedParameter | UninitializedBuffer {
  return v instanceof UninitializedParameter || v instanceof UninitializedBuffer;
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
