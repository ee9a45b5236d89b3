// Tensor methods and properties that PyTorch implements in Python or its binding layer (torch/_tensor.py,
// python_variable.cpp): type(), newTensor, elementSize, layout, ..., and the dunders spelled the JS
// way: x.length is len(x), `for (const row of x)` iterates dim 0, Number(x) is float(x).
import { aten } from '../call.js';
import { toDevice } from '../device.js';
import { DType, dtypeFromCode, dtypeFromScalarTypeName, getDefaultDtype, scalarTypeName, toDType, type DTypeLike } from '../dtype.js';
import { tensor, type TensorData, type TensorOptions } from '../creation.js';
import { describe, isOptionsObject, readOptions } from '../options.js';
import { complex128, complex64, MemoryFormat, strided } from '../dtype.js';
import { legacyNew, Tensor as LegacyTensor, type LegacyArgs, type TensorType } from '../legacy.js';
import { native, type Handle } from '../native.js';
import { TypedStorage, UntypedStorage } from '../storage.js';
import { nativeStream, type Stream } from '../stream.js';
import { RemovableHandle } from '../hooks.js';
import { converted, handleOfTensor, Tensor } from '../tensor.js';
import { installMethods } from './args.js';
import { tracerWarn } from '../jit_tracing.js';

const TYPE_STRING = /^torch\.(?:(cuda|meta|mps|xpu)\.)?(?:(sparse)\.)?(\w+)Tensor$/;

/** Python's x.type(): 'torch.FloatTensor', 'torch.cuda.LongTensor', 'torch.sparse.DoubleTensor', ... */
function typeString(t: Tensor): string {
  const device = t.device.type;
  const sparse = t.layout.name === 'sparse_coo' ? 'sparse.' : '';
  return `torch.${device === 'cpu' ? '' : `${device}.`}${sparse}${scalarTypeName(t.dtype)}Tensor`;
}

// x.type(dtype): a dtype (or its name), a type string, which may name a device too, or a legacy tensor
// type (torch.FloatTensor, ...; torch.Tensor and 'torch.Tensor' are the default one, as in Python).
function typeTarget(type: unknown): { dtype: DType; device: string | null } {
  if (type === LegacyTensor || type === 'torch.Tensor') return { dtype: getDefaultDtype(), device: 'cpu' };
  if (typeof type === 'function' && (type as { dtype?: unknown }).dtype instanceof DType) return { dtype: (type as unknown as TensorType).dtype, device: 'cpu' };
  if (typeof type === 'string') {
    const m = TYPE_STRING.exec(type);
    if (m) {
      const dtype = dtypeFromScalarTypeName(m[3]!);
      // a 'sparse.' type converts the dtype only, as Python's Tensor.type does (the layout stays)
      if (!dtype) throw new TypeError(`type: invalid type: '${type}'`);
      return { dtype, device: m[1] ?? 'cpu' };
    }
  }
  return { dtype: toDType(type, 'type'), device: null };
}

declare module '../tensor.js' {
  interface Tensor {
    /** Python's x.type(): the legacy type string, e.g. 'torch.FloatTensor'. */
    type(): string;
    /** Python's keyword form x.type(dtype=..., non_blocking=...); without dtype (or with null), the type string. */
    type(options: { dtype: DTypeLike | TensorType | typeof LegacyTensor; nonBlocking?: boolean }): Tensor;
    type(options: { dtype?: null; nonBlocking?: boolean }): string;
    // Last: Parameters<Tensor['type']> (Module.type) reads the last overload.
    /** x.type(dtype) converts (x itself if it already is that type); a type string may name the device: 'torch.cuda.FloatTensor'. */
    type(dtype: DTypeLike | TensorType | typeof LegacyTensor, nonBlocking?: boolean | { nonBlocking?: boolean }): Tensor;
    /** A new tensor from data with this tensor's dtype and device unless the options say otherwise. */
    newTensor(data: TensorData, options?: TensorOptions): Tensor;
    /** Bytes per element. */
    elementSize(): number;
    /** The number of elements (numel). */
    nelement(): number;
    /** The number of dims (dim). */
    ndimension(): number;
    readonly isCpu: boolean;
    readonly isQuantized: boolean;
    readonly isMeta: boolean;
    /** Whether retainGrad() was called on this non-leaf tensor. */
    readonly retainsGrad: boolean;
    /** Which output of its gradFn this tensor is. */
    readonly outputNr: number;
    /** Python's x.apply_(fn): replaces every element v by fn(v), in place (CPU tensors only). */
    apply_(fn: (v: number | boolean | bigint) => number | boolean | bigint): Tensor;
    /** x.map_(other, fn): every element a of x becomes fn(a, b), b the element of other (broadcast to x) at the same place. */
    map_(other: Tensor, fn: (a: number | boolean | bigint, b: number | boolean | bigint) => number | boolean | bigint): Tensor;
    /** x.map2_(a, b, fn): every element v of x becomes fn(v, a_i, b_i). */
    map2_(a: Tensor, b: Tensor, fn: (v: number | boolean | bigint, a: number | boolean | bigint, b: number | boolean | bigint) => number | boolean | bigint): Tensor;
    /** x.to(torch.complex64); `{ memoryFormat }` as Python's memory_format. */
    cfloat(options?: ConvertOptions): Tensor;
    /** x.to(torch.complex128); `{ memoryFormat }` as Python's memory_format. */
    cdouble(options?: ConvertOptions): Tensor;
    /** The address of the first element as a BigInt (0n for a tensor without memory). */
    dataPtr(): bigint;
    /** The same as dataPtr(). */
    constDataPtr(): bigint;
    /** The dims from outermost to innermost in memory; ambiguityCheck: true or a list of memory formats raises when not unique. */
    dimOrder(options?: { ambiguityCheck?: boolean | MemoryFormat[] }): number[];
    /** Python's x.ipu(): this build has no IPU support, so it raises as Python does. */
    ipu(): Tensor;
    /** Python's x.xpu(): raises (not compiled with XPU). */
    xpu(): Tensor;
    /** Python's x.mtia(): raises (not compiled with MTIA). */
    mtia(): Tensor;
    /** Whether the storage lives in shared memory (see shareMemory_). */
    isShared(): boolean;
    /** Moves the storage to POSIX shared memory (Python's file_descriptor strategy). Returns this. */
    shareMemory_(): Tensor;
    /** Python's x.new(...): x.new(2, 3) uninitialised, x.new([1, 2]) data; x's dtype and device. */
    'new'(...args: LegacyArgs): Tensor;
    /** x.toSparse(): a sparse COO tensor. */
    toSparseCoo(): Tensor;
    /** The caching allocator keeps this CUDA tensor's memory until the work queued on stream so far is done; CPU tensors raise, as aten::record_stream has no CPU kernel. */
    recordStream(stream: Stream): void;
    /** Runs fn(x) after the gradient was accumulated into the leaf x's .grad; remove() takes it off. fn returning another Tensor is an error (as Python); other return values are ignored. */
    registerPostAccumulateGradHook(fn: (tensor: Tensor) => void): RemovableHandle;
    /** The storage (memory) under the tensor. */
    untypedStorage(): UntypedStorage;
    /** Python's deprecated x.storage(): the storage read as elements of x's dtype (warns once, as Python). */
    storage(): TypedStorage;
    /** x.set_(storage, storageOffset = 0, size?, stride?): x now views that storage (a TypedStorage of x's dtype, or an UntypedStorage). */
    set_(source: UntypedStorage | TypedStorage, storageOffset?: number, size?: number[] | number, stride?: number[] | number): this;
    /** The dtype autograd casts a leaf's grad to (null: any); settable. Leaf tensors only. */
    gradDtype: DType | null;
    readonly isIpu: boolean;
    readonly isMaia: boolean;
    readonly isMkldnn: boolean;
    readonly isMps: boolean;
    readonly isMtia: boolean;
    readonly isVulkan: boolean;
    readonly isXla: boolean;
    readonly isXpu: boolean;
    /** Bytes per element. */
    readonly itemsize: number;
    /** numel * itemsize. */
    readonly nbytes: number;
    /** Python's Tensor.name: always null (torch.fx/dynamo set it on Python objects). */
    readonly name: null;
    /** Removed in PyTorch 0.4: always false, with Python's warning. */
    readonly volatile: boolean;
    /** len(x): the size of dim 0; TypeError for a 0-d tensor. */
    readonly length: number;
    /** iter(x): the sub-tensors along dim 0 (x.unbind(0)); undefined for a 0-d tensor, which is not iterable (TypeError). */
    readonly [Symbol.iterator]: () => Iterator<Tensor>;
  }
}

// The generated set_ (tensor sources), which the storage-aware set_ below calls.
const setFromTensor = Tensor.prototype.set_ as (this: Tensor, ...args: unknown[]) => Tensor;

installMethods({
  type(this: Tensor, dtype?: unknown, nonBlocking?: unknown): string | Tensor {
    // Python's type(dtype=None, non_blocking=False): both may come as options, x.type({ dtype, nonBlocking }).
    if (isOptionsObject(dtype)) {
      if (nonBlocking !== undefined) throw new TypeError(`type: expected no argument after the options object, got ${describe(nonBlocking)}`);
      ({ dtype, nonBlocking } = readOptions('type', dtype, ['dtype', 'nonBlocking']));
      if (dtype === null) dtype = undefined;
    }
    if (dtype === undefined) return typeString(this);
    const nb = isOptionsObject(nonBlocking) ? (readOptions('type', nonBlocking, ['nonBlocking']).nonBlocking ?? false) : (nonBlocking ?? false);
    if (typeof nb !== 'boolean') throw new TypeError(`type: nonBlocking must be a boolean, got ${describe(nb)}`);
    const target = typeTarget(dtype);
    const device = target.device === null ? this.device : toDevice(target.device === 'cuda' && this.isCuda ? this.device : target.device, 'type');
    if (target.dtype === this.dtype && device.type === this.device.type) return this;
    return aten('to', [this, { dtype: target.dtype, device, nonBlocking: nb }]) as Tensor;
  },
  newTensor(this: Tensor, data: TensorData, options: TensorOptions = {}): Tensor {
    const o = readOptions('newTensor', options, ['dtype', 'device', 'requiresGrad']) as TensorOptions;
    return tensor(data, { dtype: o.dtype ?? this.dtype, device: o.device ?? this.device, ...(o.requiresGrad === undefined ? {} : { requiresGrad: o.requiresGrad }) });
  },
  elementSize(this: Tensor): number {
    return this.dtype.itemsize;
  },
  nelement(this: Tensor): number {
    return this.numel();
  },
  ndimension(this: Tensor): number {
    return this.dim();
  },
  // float(x) for Number(x) / +x; printing for `${x}` and string concatenation.
  [Symbol.toPrimitive](this: Tensor, hint: 'number' | 'string' | 'default'): number | string {
    if (hint !== 'number') return this.toString();
    if (this.numel() !== 1) throw new RangeError('only one element tensors can be converted to Python scalars');
    tracerWarn('Converting a tensor to a Python float', 'dataflow');
    return Number(native.item(handleOfTensor(this))); // Python's float(): a 64-bit integer beyond 2^53 rounds, as there
  },
} as unknown as Record<string | symbol, (this: Tensor, ...args: never[]) => unknown>);

const getters: Record<string, (this: Tensor) => unknown> = {
  isCpu(this: Tensor): boolean {
    return this.device.type === 'cpu';
  },
  isQuantized(this: Tensor): boolean {
    return this.dtype.kind === 'quantized';
  },
  isMeta(this: Tensor): boolean {
    return this.device.type === 'meta';
  },
  retainsGrad(this: Tensor): boolean {
    return aten('retains_grad', [this]) as boolean;
  },
  outputNr(this: Tensor): number {
    return aten('output_nr', [this]) as number;
  },
  length(this: Tensor): number {
    if (this.dim() === 0) throw new TypeError('len() of a 0-d tensor');
    return this.size(0);
  },
};
for (const [name, get] of Object.entries(getters)) Object.defineProperty(Tensor.prototype, name, { get, configurable: true });

function* rows(this: Tensor): Generator<Tensor> {
  yield* aten('unbind', [this, 0]) as Tensor[];
}
// iter(x): a 0-d (or disposed) tensor has no iterator, so `for...of` and spreading raise a TypeError as
// Python's iteration does, and deep-equality helpers (vitest, jest) that probe for one do not iterate it.
Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  get(this: Tensor) {
    return this.isDisposed || this.dim() === 0 ? undefined : rows;
  },
  configurable: true,
});

// ---- Python-level members of torch/_tensor.py and the binding layer (apply_, storage, devices, ...) ----

type Element = number | boolean | bigint;

// apply_/map_/map2_: Python calls fn once per element (flat order) on the CPU and writes the results
// back cast to x's dtype; the inputs are broadcast to x's shape and must have x's dtype.
function mapElements(self: Tensor, inputs: Tensor[], fn: unknown, name: string): Tensor {
  if (typeof fn !== 'function') throw new TypeError(`${name}: fn must be a function, got ${describe(fn)}`);
  if (self.device.type !== 'cpu') throw new TypeError(`${name} is only implemented on CPU tensors`);
  if (self.requiresGrad) throw new Error(`Can't call ${name}() on Variable that requires grad. Use var.detach().${name}() instead.`);
  if (self.dtype.kind === 'complex' || self.dtype.kind === 'quantized') throw new TypeError(`${name}: ${self.dtype.name} tensors are not supported`);
  for (const [i, t] of inputs.entries()) {
    if (!(t instanceof Tensor)) throw new TypeError(`${name}: argument ${i + 1} must be a Tensor, got ${describe(t)}`);
    if (t.dtype !== self.dtype) throw new TypeError(`${name}: expected ${typeString(self)} for argument ${i + 1} (got ${typeString(t)})`);
  }
  const flat = (t: Tensor): Element[] => (aten('reshape', [t, [-1]]) as Tensor).tolist() as Element[];
  const values = flat(self);
  const others = inputs.map((t) => flat(aten('expand', [t, self.shape]) as Tensor));
  const out = values.map((v, i) => {
    const r: unknown = (fn as (...a: Element[]) => unknown)(v, ...others.map((o) => o[i]!));
    if (typeof r !== 'number' && typeof r !== 'boolean' && typeof r !== 'bigint') throw new TypeError(`${name}: fn must return a number, boolean or BigInt, got ${describe(r)}`);
    return r;
  });
  if (out.length) self.copy_(tensor(out as number[], { dtype: self.dtype }).reshape(self.shape));
  return self;
}

// Python's compute_elementwise_output_logical_to_physical_perm (torch/_prims_common) for one tensor.
function logicalToPhysicalPerm(t: Tensor, ambiguityCheck: boolean): { perm: number[]; ambiguous: boolean } {
  const ndim = t.dim();
  if (ndim === 0) return { perm: [], ambiguous: false };
  if (ndim === 1) return { perm: [0], ambiguous: false };
  const contiguous = t.isContiguous();
  const channelsLastOk = ndim === 4 && t.isContiguous({ memoryFormat: 'channels_last' });
  if (contiguous && !channelsLastOk) return { perm: [...Array(ndim).keys()], ambiguous: false };
  if (channelsLastOk && !contiguous) return { perm: [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2), 1], ambiguous: false };
  const shape = t.shape;
  const strides = t.stride();
  const ge = (a: number, b: number): boolean => (b === 0 ? true : a === 0 ? false : a >= b || a % b === 0);
  const shouldSwap = (a: number, b: number): number => {
    const sa = strides[a]!;
    const sb = strides[b]!;
    if (sa === 0 || sb === 0) return 0;
    if (sa === sb) return ge(shape[b]!, shape[a]!) ? 0 : 1;
    if (ge(sb, sa)) return -1;
    if (ge(sa, sb)) return 1;
    return 0;
  };
  const perm = [...Array(ndim).keys()].reverse();
  for (let i = 1; i < ndim; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = shouldSwap(perm[dim0]!, perm[dim1]!);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1]!, perm[dim0]!];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  let ambiguous = false;
  if (ambiguityCheck) for (let i = 0; i + 1 < ndim && !ambiguous; i++) ambiguous = shouldSwap(perm[i]!, perm[i + 1]!) !== -1;
  return { perm: perm.reverse(), ambiguous };
}

const AMBIGUITY_TYPE_ERROR = 'dimOrder: The ambiguity_check argument must be a bool or a list of memory formats.';

function dimOrder(self: Tensor, options: unknown = {}): number[] {
  const { ambiguityCheck = false } = readOptions('dimOrder', options, ['ambiguityCheck']) as { ambiguityCheck?: unknown };
  if (self.layout !== strided) throw new Error(`dimOrder: Can't get dim order on sparse type: ${typeString(self)} Use Tensor.to_dense() to convert to a dense tensor first.`);
  if (typeof ambiguityCheck !== 'boolean' && !(Array.isArray(ambiguityCheck) && ambiguityCheck.every((f) => f instanceof MemoryFormat))) throw new TypeError(AMBIGUITY_TYPE_ERROR);
  const formats = Array.isArray(ambiguityCheck) ? (ambiguityCheck as MemoryFormat[]) : [];
  const checkMultiple = typeof ambiguityCheck === 'boolean' ? ambiguityCheck : true;
  const strides = self.stride();
  const multiple = strides.some((s, i) => i > 0 && strides[i - 1] === s) || self.shape.some((n) => n === 1);
  const notUnique = formats.filter((f) => self.isContiguous({ memoryFormat: f })).length !== 1;
  if (checkMultiple && multiple && notUnique) throw new Error('dimOrder: The tensor does not have unique dim order, or cannot map to exact one of the given memory formats.');
  const { perm, ambiguous } = logicalToPhysicalPerm(self, Array.isArray(ambiguityCheck) ? ambiguityCheck.length > 0 : ambiguityCheck);
  if (ambiguous) throw new Error('dimOrder: The tensor does not have unique dim order.');
  return perm;
}

// The native side of a post-accumulate-grad hook, built outside any Tensor method so that its closure
// holds the hook and a weak reference only (a closure holding the tensor would keep it alive from native
// code). The hook gets the tensor it was registered on, as Python's (a Parameter stays one: optimizer-in-
// backward keys its optimizers by parameter); a new wrapper only when that one was collected or disposed.
function postAccumulateGradCallback(hook: (tensor: Tensor) => void, owner: WeakRef<Tensor>): (h: Handle) => void {
  return (h: Handle): void => {
    const registered = owner.deref();
    const alive = registered !== undefined && !registered.isDisposed;
    if (alive) native.dispose(h); // the registered wrapper's own handle reaches the same tensor
    const tensor = alive ? registered : new Tensor(h);
    const result: unknown = hook(tensor);
    // Python accepts None or the argument itself; another Tensor is a grad hook's answer given to the
    // wrong hook, so it raises, with Python's error. Other values are ignored, unlike Python's TypeError
    // "expected Variable, but hook returned 'int'": a JS arrow like (p) => seen.push(...) returns one.
    if (result instanceof Tensor && result !== tensor) throw new Error('Tensor post accumulate grad hooks should return None.');
  };
}

const UNSUPPORTED_DEVICES: Record<string, string> = {
  ipu: 'PyTorch is not linked with support for ipu devices',
  xpu: 'Torch not compiled with XPU enabled',
  mtia: 'Torch not compiled with MTIA enabled',
};

let volatileWarned = false;

installMethods({
  apply_(this: Tensor, fn: unknown): Tensor {
    return mapElements(this, [], fn, 'apply_');
  },
  map_(this: Tensor, other: Tensor, fn: unknown): Tensor {
    return mapElements(this, [other], fn, 'map_');
  },
  map2_(this: Tensor, a: Tensor, b: Tensor, fn: unknown): Tensor {
    return mapElements(this, [a, b], fn, 'map2_');
  },
  cfloat(this: Tensor): Tensor {
    return arguments.length === 0 ? (aten('to', [this, { dtype: complex64 }]) as Tensor) : converted(this, 'cfloat', complex64, arguments);
  },
  cdouble(this: Tensor): Tensor {
    return arguments.length === 0 ? (aten('to', [this, { dtype: complex128 }]) as Tensor) : converted(this, 'cdouble', complex128, arguments);
  },
  dataPtr(this: Tensor): bigint {
    return native.dataPtr(handleOfTensor(this));
  },
  constDataPtr(this: Tensor): bigint {
    return native.dataPtr(handleOfTensor(this));
  },
  dimOrder(this: Tensor, options?: unknown): number[] {
    return dimOrder(this, options);
  },
  ...Object.fromEntries(Object.entries(UNSUPPORTED_DEVICES).map(([device, message]) => [device, (): never => {
    throw new Error(`${device}: ${message}`);
  }])),
  isShared(this: Tensor): boolean {
    return native.isShared(handleOfTensor(this));
  },
  shareMemory_(this: Tensor): Tensor {
    native.shareMemory(handleOfTensor(this));
    return this;
  },
  new(this: Tensor, ...args: unknown[]): Tensor {
    return legacyNew(this.dtype, this.device, args, 'new');
  },
  toSparseCoo(this: Tensor): Tensor {
    return aten('to_sparse', [this]) as Tensor;
  },
  recordStream(this: Tensor, stream: Stream): void {
    native.tensorRecordStream(handleOfTensor(this), nativeStream(stream, 'recordStream'));
  },
  registerPostAccumulateGradHook(this: Tensor, hook: unknown): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`registerPostAccumulateGradHook: hook must be a function, got ${describe(hook)}`);
    const h = handleOfTensor(this);
    const id = native.registerPostAccGradHook(h, postAccumulateGradCallback(hook as (t: Tensor) => void, new WeakRef(this)));
    return new RemovableHandle(() => {
      if (!native.isDisposed(h)) native.removePostAccGradHook(h, id);
    });
  },
  untypedStorage(this: Tensor): UntypedStorage {
    return UntypedStorage.of(this);
  },
  storage(this: Tensor): TypedStorage {
    return TypedStorage.of(this);
  },
  set_(this: Tensor, ...args: unknown[]): Tensor {
    const [source, ...rest] = args;
    if (!(source instanceof UntypedStorage || source instanceof TypedStorage)) return setFromTensor.apply(this, args);
    // Python's set_(Storage, offset=0, size=None, stride=None): the storage's bytes as a source tensor, read in x's dtype
    if (source instanceof TypedStorage && source.dtype !== this.dtype)
      throw new Error(`set_: Expected a Storage of type ${this.dtype.toString()} or an UntypedStorage, but got type ${source.dtype.toString()} for argument 1 'storage'`);
    const untyped = source.untyped();
    const [offset = 0, size = [Math.floor(untyped.nbytes() / this.dtype.itemsize)], stride] = rest;
    return setFromTensor.call(this, untyped.bytes, offset, size, ...(stride === undefined ? [] : [stride]));
  },
} as unknown as Record<string | symbol, (this: Tensor, ...args: never[]) => unknown>);

const pythonGetters: Record<string, (this: Tensor) => unknown> = {
  ...Object.fromEntries(['ipu', 'maia', 'mkldnn', 'mps', 'mtia', 'vulkan', 'xla', 'xpu'].map((d) => [`is${d[0]!.toUpperCase()}${d.slice(1)}`, function (this: Tensor): boolean {
    return d === 'mkldnn' ? this.layout.name === '_mkldnn' : this.device.type === d;
  }])),
  itemsize(this: Tensor): number {
    return this.dtype.itemsize;
  },
  nbytes(this: Tensor): number {
    return this.numel() * this.dtype.itemsize;
  },
  name(): null {
    return null;
  },
  volatile(): boolean {
    if (!volatileWarned) {
      volatileWarned = true;
      process.emitWarning('volatile was removed (Variable.volatile is always False)', 'UserWarning');
    }
    return false;
  },
};
for (const [name, get] of Object.entries(pythonGetters)) Object.defineProperty(Tensor.prototype, name, { get, configurable: true });

Object.defineProperty(Tensor.prototype, 'gradDtype', {
  get(this: Tensor): DType | null {
    const code = native.gradDtype(handleOfTensor(this));
    return code === null ? null : dtypeFromCode(code);
  },
  set(this: Tensor, d: DTypeLike | null) {
    native.gradDtype(handleOfTensor(this), d === null ? null : toDType(d, 'gradDtype').code);
  },
  configurable: true,
});
