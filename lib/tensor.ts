// The Tensor class: a JS object owning one native handle (private, unforgeable), plus the generic
// call path that reaches any ATen operator through the native dispatcher entry point.
import { inspect } from 'node:util';

import { Device, toDevice, type DeviceLike } from './device.js';
import { bfloat16, bool as boolDType, DType, dtypeFromCode, float16, float32, float64, int16, int32, int64, int8, isDTypeName, uint8, type DTypeLike } from './dtype.js';
import './generated/methods.js';
import { Generator, generatorHandle } from './generator.js';
import { native, type Handle } from './native.js';
import { formatTensor } from './print.js';
import { requireNamedTensors } from './runtime.js';
import { setTensorCheck, track } from './scope.js';

/** A JS number, boolean or BigInt where PyTorch takes a Python scalar. */
export type Scalar = number | boolean | bigint;
export type TensorOrScalar = Tensor | Scalar;
/** Nested arrays of numbers/booleans, as returned by `tolist()`. */
export type NestedArray<T> = T | NestedArray<T>[];
/** One item of `x.index(...)`: int, slice string, null (new axis), '...', or an index tensor / array. */
export type IndexItem = number | string | null | Tensor | number[] | boolean[];
export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;

/** `x.gradFn`: the autograd node that produced a tensor. */
export class GradFn {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  name(): string {
    return this.#name;
  }
  toString(): string {
    return `<${this.#name} object>`;
  }
}

/** What registerHook returns: `remove()` takes the hook off again. */
export interface RemovableHandle {
  remove(): void;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

export interface ToOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  nonBlocking?: boolean;
  copy?: boolean;
  memoryFormat?: string;
}

let handleOf: (t: Tensor) => Handle;
let isTensorObject: (v: unknown) => v is Tensor;

export class Tensor {
  #h: Handle;

  /** @internal Tensors are made by torch functions; the handle comes from the native layer. */
  constructor(handle: Handle) {
    this.#h = handle;
    track(this);
  }

  static {
    handleOf = (t: Tensor): Handle => t.#h;
    isTensorObject = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && #h in v;
    setTensorCheck(isTensorObject);
  }

  // ---- lifetime ---------------------------------------------------------------------------

  /** Frees the tensor's memory now; any later use throws. Calling it twice is harmless. */
  dispose(): void {
    native.dispose(this.#h);
  }
  [Symbol.dispose](): void {
    native.dispose(this.#h);
  }
  get isDisposed(): boolean {
    return native.isDisposed(this.#h);
  }

  // ---- metadata ---------------------------------------------------------------------------

  get shape(): number[] {
    return native.shape(this.#h);
  }
  /** `x.size()` is the shape; `x.size(d)` one dimension (negative d counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    const shape = native.shape(this.#h);
    if (dim === undefined) return shape;
    return shape[normalizeDim(dim, shape.length, 'size')]!;
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    const strides = native.stride(this.#h);
    if (dim === undefined) return strides;
    return strides[normalizeDim(dim, strides.length, 'stride')]!;
  }
  dim(): number {
    return native.dim(this.#h);
  }
  get ndim(): number {
    return native.dim(this.#h);
  }
  numel(): number {
    return native.numel(this.#h);
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.#h));
  }
  get device(): Device {
    return new Device(native.device(this.#h));
  }
  get isCuda(): boolean {
    return native.device(this.#h).startsWith('cuda');
  }
  isFloatingPoint(): boolean {
    return this.dtype.isFloatingPoint;
  }

  // ---- reading values ---------------------------------------------------------------------

  /** The single value as a JS number or boolean (like Python's `x.item()`). */
  item(): number | boolean {
    const v = native.item(this.#h);
    if (typeof v === 'bigint')
      throw new RangeError(`item(): the int64 value ${v} is beyond 2^53 and cannot be a JS number; use toTypedArray()`);
    return v;
  }
  /**
   * A copy of the values in the matching TypedArray (BigInt64Array for int64, Uint8Array for bool).
   * `{ share: true }` returns the tensor's own memory instead (CPU, contiguous, a dtype with the same
   * element type, no grad): the array keeps the memory alive, and the storage cannot be resized
   * while an array shares it.
   */
  toTypedArray(options: { share?: boolean } = {}): TypedArray {
    const share = options.share ?? false;
    if (typeof share !== 'boolean') throw new TypeError(`toTypedArray: share must be a boolean, got ${typeof share}`);
    return native.toTypedArray(this.#h, share);
  }
  /** Nested arrays of numbers (booleans for bool tensors), like Python's `tolist()`. */
  tolist(): NestedArray<number | boolean | [number, number]> {
    if (native.isDisposed(this.#h)) throw new Error('tolist: Tensor was disposed');
    const shape = native.shape(this.#h);
    const dt = this.dtype;
    const raw = native.toTypedArray(this.#h);
    if (dt.isComplex) {
      // JS has no complex numbers: each element is [real, imaginary].
      const pairs: [number, number][] = [];
      for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i] as number, raw[i + 1] as number]);
      return nest(pairs, shape, 0, 0)[0];
    }
    const flat: (number | boolean)[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i]!;
      if (typeof v === 'bigint') {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
          throw new RangeError(`tolist(): the int64 value ${v} is beyond 2^53; use toTypedArray()`);
        flat[i] = Number(v);
      } else {
        flat[i] = dt === boolDType ? v !== 0 : v;
      }
    }
    return nest(flat, shape, 0, 0)[0];
  }

  // ---- printing ---------------------------------------------------------------------------

  toString(): string {
    if (native.isDisposed(this.#h)) throw new Error('toString: Tensor was disposed');
    const dt = this.dtype;
    const leaf = native.isLeaf(this.#h);
    return formatTensor({
      shape: native.shape(this.#h),
      dtype: dt.name,
      values: native.toTypedArray(this.#h),
      device: native.device(this.#h),
      requiresGrad: leaf && native.requiresGrad(this.#h),
      gradFn: native.gradFn(this.#h),
      names: native.names(this.#h),
    });
  }
  [inspect.custom](): string {
    return native.isDisposed(this.#h) ? 'tensor(<disposed>)' : this.toString();
  }

  // ---- autograd ---------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return native.requiresGrad(this.#h);
  }
  set requiresGrad(flag: boolean) {
    native.setRequiresGrad(this.#h, checkBool(flag, 'requiresGrad'));
  }
  requiresGrad_(requiresGrad: boolean | { requiresGrad?: boolean } = true): this {
    const flag = typeof requiresGrad === 'object' ? (requiresGrad.requiresGrad ?? true) : requiresGrad;
    native.setRequiresGrad(this.#h, checkBool(flag, 'requiresGrad_'));
    return this;
  }
  /** The accumulated gradient, or null. Each read gives a new wrapper of the same gradient tensor. */
  get grad(): Tensor | null {
    const g = native.grad(this.#h);
    return g === null ? null : new Tensor(g);
  }
  set grad(g: Tensor | null) {
    native.setGrad(this.#h, g === null ? null : toHandle(g, 'grad'));
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.#h);
  }
  get gradFn(): GradFn | null {
    const name = native.gradFn(this.#h);
    return name === null ? null : new GradFn(name);
  }
  retainGrad(): void {
    native.retainGrad(this.#h);
  }
  /**
   * Calls hook(grad) each time the gradient of this tensor is computed; a returned Tensor replaces
   * the gradient. CPU graphs only (the engine runs them on the JS thread).
   */
  registerHook(hook: (grad: Tensor) => Tensor | void | null | undefined): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`registerHook: hook must be a function, got ${describe(hook)}`);
    const id = native.registerHook(this.#h, (grad: Handle): Handle | null => {
      const result: unknown = hook(new Tensor(grad));
      if (result === undefined || result === null) return null;
      if (!isTensorObject(result)) throw new TypeError(`registerHook: a hook must return a Tensor or nothing, got ${describe(result)}`);
      return handleOf(result);
    });
    let removed = false;
    return {
      remove: (): void => {
        if (!removed && !native.isDisposed(this.#h)) native.removeHook(this.#h, id);
        removed = true;
      },
    };
  }

  backward(gradient?: Tensor | null | BackwardOptions, options: BackwardOptions = {}): void {
    if (gradient !== undefined && gradient !== null && !isTensorObject(gradient)) {
      if (!isOptionsObject(gradient)) throw new TypeError(`backward: gradient must be a Tensor or null, got ${describe(gradient)}`);
      options = gradient;
      gradient = null;
    }
    const g = gradient ? toHandle(gradient, 'gradient') : null;
    native.backward(this.#h, g, options.retainGraph ?? null, options.createGraph ?? null);
  }

  // ---- indexing -------------------------------------------------------------------------

  /**
   * PyTorch's `x[...]`: `x.index(0, ':', '1:3')` is `x[0, :, 1:3]`. Items: an int, a slice string
   * ('1:3', '::2', '-1:'), null (new axis), '...', or a long/bool Tensor or array (advanced indexing).
   */
  index(...indices: IndexItem[]): Tensor {
    return applyIndex(this, indices, 'index', (view, advanced) => readIndex(this, view, advanced));
  }
  /**
   * PyTorch's `x[...] = values`: `x.indexPut_([mask], 0)` is `x[mask] = 0`, `x.indexPut_([0, '1:3'], t)`
   * is `x[0, 1:3] = t`. The same index items as index(); with accumulate, values are added. Returns x.
   */
  indexPut_(indices: IndexItem[], values: TensorOrScalar, accumulate: boolean | { accumulate?: boolean } = false): this {
    if (!Array.isArray(indices)) throw new TypeError(`indexPut_: indices must be an array of index items, got ${describe(indices)}`);
    const acc = typeof accumulate === 'object' && accumulate !== null ? (accumulate.accumulate ?? false) : accumulate;
    applyIndex(this, indices, 'indexPut_', (view, advanced) => writeIndex(this, view, advanced, values, acc));
    return this;
  }

  // ---- Python properties over ATen ops ----------------------------------------------------

  /** Dims reversed (Python's x.T). */
  get T(): Tensor {
    return aten('permute', [this, Array.from({ length: this.dim() }, (_, i) => this.dim() - 1 - i)]) as Tensor;
  }
  /** The last two dims transposed (x.mT). */
  get mT(): Tensor {
    return aten('transpose', [this, -2, -1]) as Tensor;
  }
  /** Conjugate transpose of a matrix (x.H). */
  get H(): Tensor {
    if (this.dim() !== 2) throw new RangeError(`H: tensor.H is only supported on matrices (2-D tensors). Got ${this.dim()}-D tensor.`);
    return aten('adjoint', [this]) as Tensor;
  }
  /** Conjugate transpose of the last two dims (x.mH). */
  get mH(): Tensor {
    return aten('adjoint', [this]) as Tensor;
  }
  /** Dimension names (null for unnamed dims), as Python's x.names. */
  get names(): (string | null)[] {
    requireNamedTensors('names');
    return native.names(this.#h) ?? new Array<null>(native.dim(this.#h)).fill(null);
  }
  /** The same data without autograd history (Python's x.data). */
  get data(): Tensor {
    return aten('data', [this]) as Tensor;
  }
  get real(): Tensor {
    return aten('real', [this]) as Tensor;
  }
  get imag(): Tensor {
    return aten('imag', [this]) as Tensor;
  }
  isContiguous(memoryFormat?: 'contiguous_format' | 'channels_last' | 'channels_last_3d' | 'preserve_format'): boolean {
    return native.isContiguous(this.#h, memoryFormat ?? null);
  }

  // ---- conversions ------------------------------------------------------------------------

  /**
   * x.to(dtype), x.to(device, dtype?), x.to(otherTensor), x.to({ dtype, device, copy, nonBlocking }):
   * returns x itself when nothing changes (and copy is not asked for), as in PyTorch.
   */
  to(dtype: DTypeLike, options?: Omit<ToOptions, 'dtype' | 'device'>): Tensor;
  to(device: DeviceLike, dtype?: DTypeLike, options?: Omit<ToOptions, 'dtype' | 'device'>): Tensor;
  to(other: Tensor, options?: Omit<ToOptions, 'dtype' | 'device'>): Tensor;
  to(options: ToOptions): Tensor;
  to(...args: unknown[]): Tensor {
    const opts: Record<string, unknown> = {};
    let rest = args;
    const first = rest[0];
    if (isTensorObject(first)) {
      opts.dtype = first.dtype;
      opts.device = first.device;
      rest = rest.slice(1);
    } else if (first instanceof DType || (typeof first === 'string' && isDTypeName(first))) {
      opts.dtype = first;
      rest = rest.slice(1);
    } else if (typeof first === 'string' || first instanceof Device) {
      opts.device = toDevice(first, 'to');
      rest = rest.slice(1);
      if (rest[0] instanceof DType || typeof rest[0] === 'string') {
        opts.dtype = rest[0];
        rest = rest.slice(1);
      }
    }
    if (rest.length > 1 || (rest.length === 1 && (typeof rest[0] !== 'object' || rest[0] === null)))
      throw new TypeError('to: expected (dtype), (device, dtype?), (tensor) or an options object, then options');
    Object.assign(opts, rest[0]);
    return callOp(opId('to.dtype_layout'), [this, opts]) as Tensor;
  }

  cuda(device: number | DeviceLike = 'cuda'): Tensor {
    return this.to(typeof device === 'number' ? `cuda:${device}` : device);
  }
  cpu(): Tensor {
    return this.to('cpu');
  }
  float(): Tensor {
    return this.to(float32);
  }
  double(): Tensor {
    return this.to(float64);
  }
  half(): Tensor {
    return this.to(float16);
  }
  bfloat16(): Tensor {
    return this.to(bfloat16);
  }
  long(): Tensor {
    return this.to(int64);
  }
  int(): Tensor {
    return this.to(int32);
  }
  short(): Tensor {
    return this.to(int16);
  }
  char(): Tensor {
    return this.to(int8);
  }
  byte(): Tensor {
    return this.to(uint8);
  }
  bool(): Tensor {
    return this.to(boolDType);
  }

  // ---- hot arithmetic (direct native bindings) --------------------------------------------

  add(other: TensorOrScalar, alpha?: number | { alpha?: number }): Tensor {
    arity(arguments.length, 2, 'add');
    return new Tensor(alpha === undefined ? native.add(this.#h, operand(other, 'add')) : native.add(this.#h, operand(other, 'add'), alphaOf(alpha, 'add')));
  }
  sub(other: TensorOrScalar, alpha?: number | { alpha?: number }): Tensor {
    arity(arguments.length, 2, 'sub');
    return new Tensor(alpha === undefined ? native.sub(this.#h, operand(other, 'sub')) : native.sub(this.#h, operand(other, 'sub'), alphaOf(alpha, 'sub')));
  }
  mul(other: TensorOrScalar): Tensor {
    arity(arguments.length, 1, 'mul');
    return new Tensor(native.mul(this.#h, operand(other, 'mul')));
  }
  div(other: TensorOrScalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    arity(arguments.length, 2, 'div');
    if (options?.roundingMode) return callOp(opId('div'), [this, other, options]) as Tensor;
    return new Tensor(native.div(this.#h, operand(other, 'div')));
  }
  add_(other: TensorOrScalar, alpha?: number | { alpha?: number }): this {
    arity(arguments.length, 2, 'add_');
    if (alpha === undefined) native.add_(this.#h, operand(other, 'add_'));
    else native.add_(this.#h, operand(other, 'add_'), alphaOf(alpha, 'add_'));
    return this;
  }
  sub_(other: TensorOrScalar, alpha?: number | { alpha?: number }): this {
    arity(arguments.length, 2, 'sub_');
    if (alpha === undefined) native.sub_(this.#h, operand(other, 'sub_'));
    else native.sub_(this.#h, operand(other, 'sub_'), alphaOf(alpha, 'sub_'));
    return this;
  }
  mul_(other: TensorOrScalar): this {
    arity(arguments.length, 1, 'mul_');
    native.mul_(this.#h, operand(other, 'mul_'));
    return this;
  }
  div_(other: TensorOrScalar, options?: { roundingMode?: 'trunc' | 'floor' | null }): this {
    arity(arguments.length, 2, 'div_');
    if (options?.roundingMode) callOp(opId('div_'), [this, other, options]);
    else native.div_(this.#h, operand(other, 'div_'));
    return this;
  }
  matmul(other: Tensor): Tensor {
    arity(arguments.length, 1, 'matmul');
    return new Tensor(native.matmul(this.#h, toHandle(other, 'matmul: other')));
  }
  zero_(): this {
    native.zero_(this.#h);
    return this;
  }
}


function nest<T>(flat: T[], shape: number[], d: number, offset: number): [NestedArray<T>, number] {
  if (d === shape.length) return [flat[offset]!, offset + 1];
  const out: NestedArray<T>[] = [];
  for (let i = 0; i < shape[d]!; i++) {
    const [v, next] = nest(flat, shape, d + 1, offset);
    out.push(v);
    offset = next;
  }
  return [out, offset];
}

function normalizeDim(dim: number, ndim: number, fn: string): number {
  if (!Number.isInteger(dim)) throw new TypeError(`${fn}: dim must be an integer, got ${dim}`);
  const n = Math.max(ndim, 1);
  if (dim < -n || dim >= n) throw new RangeError(`${fn}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
}

function checkBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${typeof v}`);
  return v;
}

// The fast-path methods take a fixed number of arguments, as PyTorch's do.
function arity(given: number, most: number, fn: string): void {
  if (given > most) throw new TypeError(`${fn}: takes at most ${most} argument${most > 1 ? 's' : ''} (${given} given)`);
}

function alphaOf(alpha: unknown, fn: string): number | undefined {
  const a = typeof alpha === 'object' && alpha !== null ? (alpha as { alpha?: unknown }).alpha : alpha;
  if (a === undefined || typeof a === 'number') return a;
  throw new TypeError(`${fn}: alpha must be a number, got ${describe(a)}`);
}

function operand(v: TensorOrScalar, fn: string): Handle | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return v as unknown as number;
  return toHandle(v, `${fn}: other`);
}

/** The native handle of a tensor argument; TypeError for anything else. */
export function toHandle(t: unknown, what: string): Handle {
  if (isTensorObject(t)) return handleOf(t);
  throw new TypeError(`${what} must be a Tensor, got ${describe(t)}`);
}

export function isTensor(v: unknown): v is Tensor {
  return isTensorObject(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

// ---- the generic call path ----------------------------------------------------------------

/** A trailing options object: a plain `{ ... }` (not a Tensor, array, dtype or device). */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function toNative(v: unknown, inputs: Tensor[]): unknown {
  if (isTensorObject(v)) {
    inputs.push(v);
    return handleOf(v);
  }
  if (v instanceof Generator) return generatorHandle(v);
  if (Array.isArray(v)) return v.map((e) => toNative(e, inputs));
  return v;
}

function fromNative(v: unknown, inputs: Tensor[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const raw = v.slice();
    const out: unknown[] = raw.map((e) => fromNative(e, inputs));
    for (const key of Object.keys(v)) {
      if (/^\d+$/.test(key)) continue;
      // Named results (values, indices): the same objects as the positional ones.
      (out as unknown as Record<string, unknown>)[key] = out[raw.indexOf((v as unknown as Record<string, unknown>)[key])];
    }
    return out;
  }
  // An External: a result tensor. In-place and out= ops hand back an input's handle: reuse its Tensor.
  for (let i = 0; i < inputs.length; i++) if (handleOf(inputs[i]!) === v) return inputs[i];
  return new Tensor(v as Handle);
}

/**
 * Calls an operator family (from `opId`) with PyTorch-style arguments: positional values,
 * optionally followed by one plain options object holding keyword arguments (camelCase keys).
 */
export function callOp(id: number, args: readonly unknown[]): unknown {
  let n = args.length;
  let options: Record<string, unknown> | undefined;
  if (n > 0 && isOptionsObject(args[n - 1])) {
    options = {};
    n--;
  }
  const inputs: Tensor[] = [];
  const nativeArgs: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) nativeArgs[i] = toNative(args[i], inputs);
  if (options) for (const [k, v] of Object.entries(args[n] as Record<string, unknown>)) options[k] = toNative(v, inputs);
  return fromNative(native.callOp(id, options, ...nativeArgs), inputs);
}

const ids = new Map<string, number>();
/** The family id of an ATen operator ('add', 'add.Tensor', 'aten::add'); throws if none. */
export function opId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = native.opId(name);
    if (id < 0) throw new TypeError(`no operator named '${name}' in this libtorch`);
    ids.set(name, id);
  }
  return id;
}

/** Calls the ATen operator `name` (resolved once) with PyTorch-style arguments. */
export function aten(name: string, args: readonly unknown[]): unknown {
  return callOp(opId(name), args);
}

const camelCase = (s: string): string => s.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** How a result comes back: as it is, or (for ops that return a ScalarType code) as a DType. */
export type ResultKind = 'dtype' | undefined;
const finishResult = (r: unknown, kind: ResultKind): unknown => (kind === 'dtype' ? dtypeFromCode(r as number) : r);

/** A torch.* function for the ATen operator `name` (the id is resolved on first call). */
export function opFunction(name: string, kind?: ResultKind): (...args: unknown[]) => unknown {
  let id = -1;
  const fn = (...args: unknown[]): unknown => finishResult(callOp(id >= 0 ? id : (id = opId(name)), args), kind);
  Object.defineProperty(fn, 'name', { value: camelCase(name) });
  return fn;
}

/** Installs Tensor methods that call ATen operators with the tensor as `self`. */
export function installMethods(entries: readonly (readonly [string, string, ResultKind?])[]): void {
  for (const [js, name, kind] of entries) {
    let id = -1;
    Object.defineProperty(Tensor.prototype, js, {
      value: function (this: Tensor, ...args: unknown[]): unknown {
        return finishResult(callOp(id >= 0 ? id : (id = opId(name)), [this, ...args]), kind);
      },
      writable: true,
      configurable: true,
    });
  }
}

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

// Python's applySlicing: basic items become select/slice/unsqueeze views in order; tensor items are
// collected per dim. `finish` then applies them: aten::index to read, index_put_/copy_ to write.
function applyIndex(self: Tensor, items: IndexItem[], fn: string, finish: (view: Tensor, advanced: (Tensor | null)[]) => Tensor): Tensor {
  const consumes = (it: IndexItem): number => (it === null || it === '...' ? 0 : isTensorObject(it) && it.dtype === boolDType ? it.dim() : 1);
  const specified = items.reduce((n: number, it) => n + consumes(it), 0);
  if (items.filter((it) => it === '...').length > 1) throw new RangeError(`${fn}: an index can only have a single ellipsis ('...')`);
  if (specified > self.dim()) throw new RangeError(`${fn}: too many indices for tensor of dimension ${self.dim()}`);
  let result = self;
  let dim = 0;
  const advanced: (Tensor | null)[] = [];
  const made: Tensor[] = []; // intermediate views and index tensors, disposed at the end
  const step = (t: Tensor): Tensor => {
    if (result !== self) made.push(result);
    return (result = t);
  };
  try {
    for (const it of items) {
      if (typeof it === 'number') {
        step(aten('select', [result, dim, it]) as Tensor);
      } else if (it === null) {
        step(aten('unsqueeze', [result, dim]) as Tensor);
        dim++;
      } else if (it === '...') {
        dim += self.dim() - specified;
      } else if (typeof it === 'string') {
        const m = SLICE.exec(it);
        if (!m) throw new TypeError(`${fn}: '${it}' is not a slice like '1:3', '::2' or ':'`);
        const stepSize = m[3] === undefined ? 1 : Number(m[3]);
        if (stepSize <= 0) throw new RangeError(`${fn}: step must be greater than zero`);
        step(aten('slice', [result, dim, m[1] === undefined ? null : Number(m[1]), m[2] === undefined ? null : Number(m[2]), stepSize]) as Tensor);
        dim++;
      } else {
        let t: Tensor;
        if (isTensorObject(it)) t = it;
        else if (Array.isArray(it)) {
          const bools = it.length > 0 && it.every((v) => typeof v === 'boolean');
          if (!bools && !it.every((v) => Number.isInteger(v)))
            throw new TypeError(`${fn}: only integers, slices, null, ..., and integer or boolean arrays/tensors are valid indices`);
          t = new Tensor(native.fromTypedArray(Float64Array.from(it as (number | boolean)[], Number), [it.length], bools ? 11 : 4));
          made.push(t);
        } else throw new TypeError(`${fn}: unsupported index item ${describe(it)}`);
        while (advanced.length < dim) advanced.push(null);
        advanced[dim] = t;
        dim += t.dtype === boolDType ? t.dim() : 1;
      }
    }
    const out = finish(result, advanced);
    if (result !== out) made.push(result);
    result = out;
    return out;
  } finally {
    for (const t of made) if (t !== result && t !== self) t.dispose();
  }
}

function readIndex(self: Tensor, view: Tensor, advanced: (Tensor | null)[]): Tensor {
  if (advanced.length) return aten('index', [view, advanced]) as Tensor;
  return view === self ? (aten('alias', [self]) as Tensor) : view; // x[...] is a new view, as in Python
}

// Python's setitem: index_put_ on the sliced view when there are tensor indices, else copy_/fill_.
function writeIndex(self: Tensor, view: Tensor, advanced: (Tensor | null)[], values: TensorOrScalar, accumulate: boolean): Tensor {
  if (isTensorObject(values)) {
    if (advanced.length) aten('index_put_', [view, advanced, values, accumulate]);
    else if (accumulate) view.add_(values);
    else aten('copy_', [view, values]);
    return self;
  }
  if (typeof values !== 'number' && typeof values !== 'boolean' && typeof values !== 'bigint')
    throw new TypeError(`indexPut_: values must be a Tensor or a number, got ${describe(values)}`);
  if (!advanced.length) {
    if (accumulate) view.add_(values);
    else aten('fill_', [view, values]);
    return self;
  }
  const scalar = aten('full', [[], values, { dtype: self.dtype, device: self.device }]) as Tensor;
  try {
    aten('index_put_', [view, advanced, scalar, accumulate]);
  } finally {
    scalar.dispose();
  }
  return self;
}
