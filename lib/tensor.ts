// The Tensor class: a JS object owning one native handle (private, unforgeable), plus the generic
// call path that reaches any ATen operator through the native dispatcher entry point.
import { inspect } from 'node:util';

import { Device, toDevice, type DeviceLike } from './device.js';
import { bfloat16, bool as boolDType, DType, dtypeFromCode, scalarTypeName, layoutFromName, type Layout, type MemoryFormatLike, qschemeFromCode, float16, float32, float64, int16, int32, int64, int8, isDTypeName, uint8, type DTypeLike } from './dtype.js';
import './generated/methods.js';
import { edgeOrHandle, nodeOf, type GradientEdge, type Node } from './autograd_node.js';
import { RemovableHandle } from './hooks.js';
import { aten, callOp, opId } from './call.js';
import { native, type Handle } from './native.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { indexPutTensor, indexTensor } from './indexing.js';
import { formatTensor, pyFloat, SPARSE_PART_NAMES, type QuantizationView } from './print.js';
import { requireNamedTensors } from './runtime.js';
import { setTensorCheck, track } from './scope.js';
import { tracerWarn } from './jit_tracing.js';
import { dualLevelState } from './autograd_dual_level.js';

/** A JS number, boolean or BigInt where PyTorch takes a Python scalar. */
export type Scalar = number | boolean | bigint;
export type TensorOrScalar = Tensor | Scalar;
/** Nested arrays of numbers/booleans, as returned by `tolist()`. */
export type NestedArray<T> = T | NestedArray<T>[];
/**
 * One item of `x.index(...)`: int (number or BigInt), slice string, null (new axis), '...', a boolean, or an
 * index tensor / TypedArray / array (nested, of ints, booleans or one-element tensors; a lone array holding
 * items is read as those items, as Python 2.13 reads x[[0, None]]).
 */
export type IndexItem = number | bigint | boolean | string | null | Tensor | TypedArray | IndexItem[];
export type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array | Uint16Array | Uint32Array | BigUint64Array;

export { RemovableHandle };

export interface BackwardOptions {
  retainGraph?: boolean | null;
  createGraph?: boolean;
  /** Accumulate into these tensors' .grad only (leaves or not); every other leaf is left alone. A GradientEdge takes nothing. */
  inputs?: Tensor | GradientEdge | readonly (Tensor | GradientEdge)[] | null;
}

export interface ToOptions {
  dtype?: DTypeLike;
  device?: DeviceLike;
  nonBlocking?: boolean;
  copy?: boolean;
  memoryFormat?: MemoryFormatLike;
}
/** The options of Tensor.to after its positional arguments. */
export type ToFlags = Omit<ToOptions, 'dtype' | 'device'>;
/** The options of the conversions x.float(), x.cpu(), ...: Python's memory_format keyword. */
export interface ConvertOptions {
  memoryFormat?: MemoryFormatLike;
}
/** x.cuda's options: Python's keywords device, non_blocking and memory_format. */
export interface CudaOptions extends ConvertOptions {
  device?: number | DeviceLike | null;
  nonBlocking?: boolean;
}

/**
 * x.float({ memoryFormat }) and the other conversions given arguments (name: Python's method name):
 * only a trailing options object, as Python's methods take no positional argument.
 */
export function converted(t: Tensor, name: string, target: DType | 'cpu', args: ArrayLike<unknown>): Tensor {
  const n = args.length;
  if (n > 1 || (n === 1 && !isOptionsObject(args[0]) && args[0] !== undefined)) {
    const given = isOptionsObject(args[n - 1]) ? n - 1 : n;
    throw new TypeError(`${name}() takes 0 positional arguments but ${given} ${given === 1 ? 'was' : 'were'} given`);
  }
  if (args[0] === undefined) return t.to(target as DTypeLike);
  const { memoryFormat } = readOptions(name, args[0], ['memoryFormat']);
  return memoryFormat === undefined ? t.to(target as DTypeLike) : t.to(target as DTypeLike, { memoryFormat: memoryFormat as MemoryFormatLike });
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
  /** The index of the tensor's device: -1 on the CPU, N on cuda:N. */
  getDevice(): number {
    return native.getDevice(this.#h);
  }
  /** The offset of the first element in the storage, in elements. */
  storageOffset(): number {
    return native.storageOffset(this.#h);
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
  /** torch.layout of the tensor: torch.strided, torch.sparseCoo, ... */
  get layout(): Layout {
    return layoutFromName(native.layout(this.#h));
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

  /**
   * The single value as a JS number, or a boolean for a bool tensor (like Python's `x.item()`).
   * Typed `number` unless asked (`mask.any().item<boolean>()`): Python's bool is an int, so
   * `total += loss.item()` needs no cast there, and the dtype is not known to the type system here.
   */
  item(): number;
  item<T extends number | boolean>(): T;
  item(): number | boolean {
    tracerWarn('Converting a tensor to a Python number', 'dataflow');
    const v = native.item(this.#h);
    if (typeof v === 'bigint')
      throw new RangeError(`item(): the ${this.dtype.name} value ${v} is beyond 2^53 and cannot be a JS number; use toTypedArray()`);
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
    tracerWarn('Converting a tensor to a Python list', 'dataflow');
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
        if (v > TWO_53 || v < -TWO_53) // as item(): ±2^53 itself is exact, one more is not
          throw new RangeError(`tolist(): the ${dt.name} value ${v} is beyond 2^53; use toTypedArray()`);
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
    const device = native.device(this.#h);
    const layout = native.layout(this.#h);
    // Meta tensors have no data; sparse ones print their index and value tensors instead.
    const data = (t: Tensor): ArrayLike<number | bigint | boolean> | null => (device === 'meta' ? null : native.toTypedArray(t.#h));
    // COO reads its raw parts, as Python does: indices() and values() need a coalesced tensor.
    const sparseParts = SPARSE_PART_NAMES[layout]?.map((name) =>
      this.#readDerived(layout === 'sparse_coo' ? `_${name}` : name, (part) => ({ name, shape: native.shape(part.#h), dtype: part.dtype.name, values: data(part) })));
    // Quantized tensors print their dequantized values, mkldnn ones their dense copy.
    const quantized = this.isQuantized;
    const denseCopy = quantized ? 'dequantize' : layout === '_mkldnn' ? 'to_dense' : null;
    // float4_e2m1fn_x2 has no casts: Python prints its bytes (a uint8 view) as floats.
    const values = denseCopy !== null ? this.#readDerived(denseCopy, data)
      : layout !== 'strided' ? null
      : this.dtype.name === 'float4_e2m1fn_x2' && device !== 'meta' ? this.#readDerived('view', data, [uint8]) : data(this);
    return formatTensor({
      shape: native.shape(this.#h),
      dtype: this.dtype.name,
      values,
      device,
      layout,
      sparseParts,
      quantization: quantized ? this.#quantizationView() : null,
      requiresGrad: native.isLeaf(this.#h) && native.requiresGrad(this.#h),
      gradFn: this.#gradFnForPrint(),
      names: native.names(this.#h),
      tangent: this.#tangentForPrint(),
    });
  }
  // Python's _str_intern: a grad_fn that cannot be read (a no_grad view whose base changed in place) prints as Invalid.
  #gradFnForPrint(): string | null {
    try {
      return native.gradFn(this.#h);
    } catch {
      return 'Invalid';
    }
  }
  // The forward-mode tangent at the current dual level, printed as Python's tangent= suffix (null: none).
  #tangentForPrint(): string | null {
    const level = dualLevelState.current;
    if (level < 0) return null;
    const [primal, tangent] = aten('_unpack_dual', [this, level]) as [Tensor, Tensor | null];
    primal.dispose();
    if (tangent === null) return null;
    try {
      return tangent.toString();
    } finally {
      tangent.dispose();
    }
  }
  // The scheme and parameters as Python's str(q.q_scale()) etc. print them.
  #quantizationView(): QuantizationView {
    const scheme = qschemeFromCode(aten('qscheme', [this]) as number).name;
    if (scheme.startsWith('per_tensor'))
      return { scheme, scale: pyFloat(aten('q_scale', [this]) as number), zeroPoint: String(aten('q_zero_point', [this])) };
    const text = (op: string): string => this.#readDerived(op, (t) => t.toString());
    return { scheme, scale: text('q_per_channel_scales'), zeroPoint: text('q_per_channel_zero_points'), axis: aten('q_per_channel_axis', [this]) as number };
  }
  // Reads the tensor op(this) makes for printing, and frees it at once.
  #readDerived<R>(op: string, read: (t: Tensor) => R, args: unknown[] = []): R {
    const t = aten(op, [this, ...args]) as Tensor;
    try {
      return read(t);
    } finally {
      t.dispose();
    }
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
    const flag = isOptionsObject(requiresGrad) ? (readOptions('requiresGrad_', requiresGrad, ['requiresGrad']).requiresGrad ?? true) : requiresGrad;
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
  /** Python's `x._version`: how many in-place changes autograd has counted (backward checks it against what it saved). */
  get _version(): number {
    return native.version(this.#h);
  }
  /** The autograd graph node that made this tensor (null for leaves and tensors outside autograd). */
  get gradFn(): Node | null {
    return nodeOf(native.gradFnNode(this.#h));
  }
  retainGrad(): void {
    native.retainGrad(this.#h);
  }
  /**
   * Calls hook(grad) each time the gradient of this tensor is computed; a returned Tensor replaces
   * the gradient. CPU graphs only (the engine runs them on the calling JS thread). The tensor keeps
   * the hook from native code, out of the GC's sight: a hook that refers to its own tensor keeps it alive.
   */
  registerHook(hook: (grad: Tensor) => Tensor | void | null | undefined): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`registerHook: hook must be a function, got ${describe(hook)}`);
    const group = hookGroupOf(this.#h);
    flushDeadHooks(this.#h, group);
    const entry = { id: -1 };
    entry.id = native.registerHook(this.#h, hookCallback(hook, group, entry));
    group.live.push(entry.id);
    return removableTensorHook(this.#h, group, entry.id);
  }

  /** x.backward(gradient?, { retainGraph, createGraph, inputs }); Python's keyword form x.backward({ gradient, ... }) too. */
  backward(gradient?: Tensor | null | (BackwardOptions & { gradient?: Tensor | null }), options: BackwardOptions = {}): void {
    if (gradient !== undefined && gradient !== null && !isTensorObject(gradient)) {
      if (!isOptionsObject(gradient)) throw new TypeError(`backward: gradient must be a Tensor or null, got ${describe(gradient)}`);
      options = gradient;
      gradient = undefined;
    }
    const { gradient: gradientKeyword, retainGraph = null, createGraph = null, inputs = null } = readOptions('backward', options, ['gradient', 'retainGraph', 'createGraph', 'inputs']);
    if (gradientKeyword !== undefined && gradient !== undefined) throw new TypeError("backward: got multiple values for argument 'gradient'");
    const given = gradient ?? gradientKeyword ?? null;
    const g = given === null ? null : toHandle(given, 'gradient');
    native.backward(this.#h, g, retainGraph as boolean | null, createGraph as boolean | null, backwardInputs(inputs, 'backward'));
  }

  // ---- indexing -------------------------------------------------------------------------

  /**
   * PyTorch's `x[...]`: `x.index(0, ':', '1:3')` is `x[0, :, 1:3]`. Items: an int, a slice string
   * ('1:3', '::2', '-1:'), null (new axis), '...', or a long/bool Tensor or array (advanced indexing).
   */
  index(...indices: IndexItem[]): Tensor {
    return indexTensor(this, indices);
  }
  /**
   * PyTorch's `x[...] = values`: `x.indexPut_([mask], 0)` is `x[mask] = 0`, `x.indexPut_([0, '1:3'], t)`
   * is `x[0, 1:3] = t`. The same index items as index(); with accumulate, values are added. Returns x.
   */
  indexPut_(indices: IndexItem[], values: TensorOrScalar, accumulate: boolean | { accumulate?: boolean } = false): this {
    if (!Array.isArray(indices)) throw new TypeError(`indexPut_: indices must be an array of index items, got ${describe(indices)}`);
    const acc = isOptionsObject(accumulate) ? (readOptions('indexPut_', accumulate, ['accumulate']).accumulate ?? false) : accumulate;
    if (typeof acc !== 'boolean') throw new TypeError(`indexPut_: accumulate must be a boolean, got ${describe(acc)}`);
    indexPutTensor(this, indices, values, acc);
    return this;
  }

  // ---- Python properties over ATen ops ----------------------------------------------------

  // aten::numpy_T, mT, matrix_H and mH: Python's own ops, with its errors for 1-d (and H's for n-d), its
  // deprecation warnings and identity (or conj) for 0-d, and its grad_fn names.
  /** Dims reversed (Python's x.T); warns, as Python does, on tensors that are not 2-d. */
  get T(): Tensor {
    return aten('numpy_T', [this]) as Tensor;
  }
  /** The last two dims transposed (x.mT); a 1-d tensor raises. */
  get mT(): Tensor {
    return aten('mT', [this]) as Tensor;
  }
  /** Conjugate transpose of a matrix (x.H); other than 0-d or 2-d raises. */
  get H(): Tensor {
    return aten('matrix_H', [this]) as Tensor;
  }
  /** Conjugate transpose of the last two dims (x.mH); a 1-d tensor raises. */
  get mH(): Tensor {
    return aten('mH', [this]) as Tensor;
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
  /** Python's `x.data = y`: this tensor now uses y's storage, shape and dtype, keeping its identity and autograd flags. */
  set data(value: Tensor) {
    if (!isTensorObject(value)) throw new TypeError(`data: expected a Tensor, got ${describe(value)}`);
    aten('set_data', [this, value]);
  }
  get real(): Tensor {
    return aten('real', [this]) as Tensor;
  }
  get imag(): Tensor {
    return aten('imag', [this]) as Tensor;
  }
  /** Python's is_contiguous(memory_format=torch.contiguous_format): a MemoryFormat, its name, or `{ memoryFormat }`. */
  isContiguous(memoryFormat?: MemoryFormatLike | { memoryFormat?: MemoryFormatLike }): boolean {
    const fmt = isOptionsObject(memoryFormat) ? readOptions('isContiguous', memoryFormat, ['memoryFormat']).memoryFormat : memoryFormat;
    return native.isContiguous(this.#h, fmt ?? null);
  }

  // ---- conversions ------------------------------------------------------------------------

  /**
   * Python's three forms, each with optional positional nonBlocking and copy, then options:
   * x.to(dtype, nonBlocking?, copy?), x.to(device, dtype?, nonBlocking?, copy?), x.to(other, nonBlocking?, copy?),
   * or x.to({ dtype, device, nonBlocking, copy, memoryFormat }). Returns x itself when nothing changes (and
   * copy is not asked for), as in PyTorch.
   */
  to(dtype: DTypeLike, nonBlocking?: boolean | ToFlags, copy?: boolean | ToFlags, options?: ToFlags): Tensor;
  to(device: DeviceLike | null, dtype?: DTypeLike | null | ToFlags, nonBlocking?: boolean | ToFlags, copy?: boolean | ToFlags, options?: ToFlags): Tensor;
  to(other: Tensor, nonBlocking?: boolean | ToFlags, copy?: boolean | ToFlags, options?: ToFlags): Tensor;
  to(options: ToOptions): Tensor;
  to(...args: unknown[]): Tensor {
    const opts: Record<string, unknown> = {};
    let i = 0;
    const first = args[0];
    if (isTensorObject(first)) {
      opts.dtype = first.dtype;
      opts.device = first.device;
      i = 1;
    } else if (first instanceof DType || (typeof first === 'string' && isDTypeName(first))) {
      opts.dtype = first;
      i = 1;
    } else if (typeof first === 'string' || first instanceof Device || first === null) {
      if (first !== null) opts.device = toDevice(first, 'to');
      i = 1;
      const second = args[1];
      if (second instanceof DType || typeof second === 'string' || second === null) {
        if (second !== null) opts.dtype = second;
        i = 2;
      }
    }
    // Python's positional non_blocking, then copy.
    for (const key of ['nonBlocking', 'copy'] as const) {
      if (typeof args[i] !== 'boolean') break;
      opts[key] = args[i++];
    }
    if (i < args.length - 1 || (i === args.length - 1 && !isOptionsObject(args[i])))
      throw new TypeError(`to: expected (dtype), (device, dtype?), (tensor) or an options object, then nonBlocking?, copy?, options; got ${describe(args[i])} at argument ${i + 1}`);
    if (i < args.length) {
      for (const [key, value] of Object.entries(readOptions('to', args[i], ['dtype', 'device', 'nonBlocking', 'copy', 'memoryFormat']))) {
        if (key in opts) throw new TypeError(`to: got '${key}' both as an argument and as an option`);
        opts[key] = value;
      }
    }
    return callOp(opId('to.dtype_layout'), [this, opts]) as Tensor;
  }

  /**
   * Python's x.cuda(device=None, non_blocking=False, memory_format=torch.preserve_format): the device (a
   * CUDA device, its index, or null for the current one) then nonBlocking, positionally or as options,
   * or all as options: x.cuda({ device, nonBlocking, memoryFormat }).
   */
  cuda(device?: number | DeviceLike | null | CudaOptions, nonBlocking?: boolean | ConvertOptions & { nonBlocking?: boolean }, options?: ConvertOptions & { nonBlocking?: boolean }): Tensor {
    let dev: unknown = device;
    let flags: Record<string, unknown> = {};
    const args = [...arguments] as unknown[];
    if (isOptionsObject(args[args.length - 1])) flags = readOptions('cuda', args.pop(), args.length === 0 ? ['device', 'nonBlocking', 'memoryFormat'] : args.length === 1 ? ['nonBlocking', 'memoryFormat'] : ['memoryFormat']);
    if (args.length > 2) throw new TypeError(`cuda() takes from 0 to 2 positional arguments but ${args.length} were given`);
    if (args.length === 0) dev = flags.device;
    if (args.length === 2) {
      if (typeof args[1] !== 'boolean') throw new TypeError(`cuda: nonBlocking must be a boolean, got ${describe(args[1])}`);
      flags.nonBlocking = args[1];
    }
    delete flags.device;
    const target = dev == null ? 'cuda' : typeof dev === 'number' ? `cuda:${dev}` : (dev as DeviceLike);
    return this.to(target, flags as ToFlags);
  }
  // Python's conversions, each x.to(target) with an optional { memoryFormat } (installed from CONVERSIONS below).
  /** x.to('cpu'). */
  declare cpu: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.float32). */
  declare float: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.float64). */
  declare double: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.float16). */
  declare half: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.bfloat16). */
  declare bfloat16: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.int64). */
  declare long: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.int32). */
  declare int: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.int16). */
  declare short: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.int8). */
  declare char: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.uint8). */
  declare byte: (options?: ConvertOptions) => Tensor;
  /** x.to(torch.bool). */
  declare bool: (options?: ConvertOptions) => Tensor;

  // ---- hot arithmetic (direct native bindings) --------------------------------------------

  // The common forms (a.add(b), a.add(b, { alpha }), a.add(2)) take a few comparisons; anything else
  // (Python's keyword form a.add({ other: b }), wrong arguments) goes to keywordCall.
  add(other: TensorOrScalar | { other: TensorOrScalar; alpha?: number }, options?: { alpha?: number }): Tensor {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'add', arguments) as Tensor;
    return new Tensor(options === undefined ? native.add(this.#h, o) : native.add(this.#h, o, alphaOf(options, 'add')));
  }
  sub(other: TensorOrScalar | { other: TensorOrScalar; alpha?: number }, options?: { alpha?: number }): Tensor {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'sub', arguments) as Tensor;
    return new Tensor(options === undefined ? native.sub(this.#h, o) : native.sub(this.#h, o, alphaOf(options, 'sub')));
  }
  mul(other: TensorOrScalar | { other: TensorOrScalar }): Tensor {
    const o = operandOf(other);
    if (o === null || arguments.length > 1) return keywordCall(this, 'mul', arguments) as Tensor;
    return new Tensor(native.mul(this.#h, o));
  }
  div(other: TensorOrScalar | { other: TensorOrScalar; roundingMode?: 'trunc' | 'floor' | null }, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'div', arguments) as Tensor;
    const roundingMode = options === undefined ? null : roundingModeOf(options, 'div');
    if (roundingMode !== null) return callOp(opId('div'), [this, other, { roundingMode }]) as Tensor;
    return new Tensor(native.div(this.#h, o));
  }
  add_(other: TensorOrScalar | { other: TensorOrScalar; alpha?: number }, options?: { alpha?: number }): this {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'add_', arguments) as this;
    if (options === undefined) native.add_(this.#h, o);
    else native.add_(this.#h, o, alphaOf(options, 'add_'));
    return this;
  }
  sub_(other: TensorOrScalar | { other: TensorOrScalar; alpha?: number }, options?: { alpha?: number }): this {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'sub_', arguments) as this;
    if (options === undefined) native.sub_(this.#h, o);
    else native.sub_(this.#h, o, alphaOf(options, 'sub_'));
    return this;
  }
  mul_(other: TensorOrScalar | { other: TensorOrScalar }): this {
    const o = operandOf(other);
    if (o === null || arguments.length > 1) return keywordCall(this, 'mul_', arguments) as this;
    native.mul_(this.#h, o);
    return this;
  }
  div_(other: TensorOrScalar | { other: TensorOrScalar; roundingMode?: 'trunc' | 'floor' | null }, options?: { roundingMode?: 'trunc' | 'floor' | null }): this {
    const o = operandOf(other);
    if (o === null || arguments.length > 2) return keywordCall(this, 'div_', arguments) as this;
    const roundingMode = options === undefined ? null : roundingModeOf(options, 'div_');
    if (roundingMode !== null) callOp(opId('div_'), [this, other, { roundingMode }]);
    else native.div_(this.#h, o);
    return this;
  }
  matmul(other: Tensor | { other: Tensor }): Tensor {
    if (!isTensorObject(other) || arguments.length > 1) return keywordCall(this, 'matmul', arguments) as Tensor;
    return new Tensor(native.matmul(this.#h, handleOf(other)));
  }
  zero_(): this {
    native.zero_(this.#h);
    return this;
  }
}

// The conversion methods: the no-argument call (the hot one) is a single to(); options go through converted().
const CONVERSIONS: Record<string, DType | 'cpu'> = { cpu: 'cpu', float: float32, double: float64, half: float16, bfloat16, long: int64, int: int32, short: int16, char: int8, byte: uint8, bool: boolDType };
for (const [name, target] of Object.entries(CONVERSIONS)) {
  const method = function (this: Tensor): Tensor {
    return arguments.length === 0 ? this.to(target as DTypeLike) : converted(this, name, target, arguments);
  };
  Object.defineProperty(method, 'name', { value: name });
  Object.defineProperty(Tensor.prototype, name, { value: method, writable: true, configurable: true });
}

const TWO_53 = 2n ** 53n;

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

// The options each hot method takes after `other` (Python's keyword-only arguments).
const KEYWORDS: Record<string, readonly string[]> = {
  add: ['alpha'], sub: ['alpha'], add_: ['alpha'], sub_: ['alpha'],
  mul: [], mul_: [], div: ['roundingMode'], div_: ['roundingMode'], matmul: [],
};

// A hot method's call that is not one of its common forms: Python's keyword form, where `other` is an
// option too (x.add({ other: 1, alpha: 2 }) is x.add(other=1, alpha=2)), or wrong arguments, which
// raise as the common forms do. Reads the options and calls the method again in its common form.
function keywordCall(self: Tensor, fn: string, args: IArguments): unknown {
  const allowed = KEYWORDS[fn]!;
  // Python's wording where the method takes `other` only; add/sub/div also take their options (and alpha) second
  if (allowed.length === 0 && args.length > 1) throw new TypeError(`${fn}: takes 1 positional argument but ${args.length} were given`);
  arity(args.length, 2, fn);
  const first: unknown = args[0];
  if (args.length === 1 && isOptionsObject(first) && Object.keys(first).length > 0) {
    const { other, ...rest } = readOptions(fn, first, ['other', ...allowed]);
    if (other === undefined) throw new TypeError(`${fn}: missing 1 required positional arguments: "other"`);   // Python's wording
    if (!isOptionsObject(other)) {
      const method = (self as unknown as Record<string, (...a: unknown[]) => unknown>)[fn]!;
      return Object.keys(rest).length > 0 ? method.call(self, other, rest) : method.call(self, other);
    }
  }
  if (args.length === 0) throw new TypeError(`${fn}: missing 1 required positional arguments: "other"`);
  // as the op layer's message for the same mistake (native/src/ops.cc): Python's, in JS type names
  const kind = first === null ? 'null' : Array.isArray(first) ? 'array' : typeof first;
  throw new TypeError(`${fn}: argument 'other' (position 1) must be Tensor, not ${kind}`);
}

// The hot ops' options go through the same checks as every other op's (readOptions).
// alpha is keyword-only, as in Python: a.add(b, 2) raises Python's TypeError (read only when a second argument is given).
function alphaOf(alpha: unknown, fn: string): number | undefined {
  if (!isOptionsObject(alpha)) throw new TypeError(`${fn}: takes 1 positional argument but 2 were given`);
  const a = readOptions(fn, alpha, ['alpha']).alpha;
  if (a === undefined || typeof a === 'number') return a;
  // a Python bool or int64 scalar, as torch.add takes (bool tensors add with alpha=True); the native side reads any Scalar
  if (typeof a === 'boolean' || typeof a === 'bigint') return a as unknown as number;
  if (a instanceof Tensor && a.dim() === 0 && !a.requiresGrad) return a.item<number>(); // Python's arg parser takes a 0-dim tensor as a Scalar
  throw new TypeError(`${fn}: alpha must be a number, got ${describe(a)}`);
}

function roundingModeOf(options: unknown, fn: string): unknown {
  return readOptions(fn, options, ['roundingMode']).roundingMode ?? null;
}

// A hot method's `other`: a Tensor's handle, or a Python scalar (bool and int64 too) as the native side
// reads it; null for anything else (an options object: Python's keyword form; or a wrong value).
function operandOf(v: unknown): Handle | number | null {
  if (typeof v === 'number') return v;
  if (isTensorObject(v)) return handleOf(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return v as unknown as number;
  return null;
}

// The native side of a tensor hook. Built outside any Tensor method so that its closure holds the
// hook only: a closure holding the tensor would keep it (and its graph) alive from native code.
// A returned Tensor is checked here as Python's check_single_result / check_variable_result do, naming
// the hook function (Python's hook name; '<anonymous>' as Python's '<lambda>').
function hookCallback(hook: (grad: Tensor) => Tensor | void | null | undefined, group: HookGroup, entry: { id: number }): (grad: Handle) => Handle | null {
  return (grad: Handle): Handle | null => {
    if (!group.live.includes(entry.id)) return null;   // removed: libtorch drops it at the next registerHook or remove
    if (group.live[0] === entry.id) {   // libtorch runs the live hooks in order: the first one starts a dispatch
      group.snapshot = [...group.live];
      group.running = true;
    }
    const last = group.snapshot === null || group.snapshot.at(-1) === entry.id;
    group.cursor = group.snapshot?.indexOf(entry.id) ?? -1;
    let ended = true;
    const outer = group.current;
    group.current = entry.id;
    try {
      const original = new Tensor(grad);
      const result: unknown = hook(original);
      if (result === undefined || result === null) {
        ended = last;
        return null;
      }
      if (!isTensorObject(result)) throw new TypeError(`registerHook: a hook must return a Tensor or nothing, got ${describe(result)}`);
      if (result.isDisposed) throw new Error('registerHook: the hook returned a disposed Tensor');
      checkHookResult(original, result, hook.name || '<anonymous>');
      ended = last;
      return handleOf(result);
    } finally {
      if (ended) endHookDispatch(group);   // the last hook ran, or one threw: removals put off take effect
      group.current = outer;
    }
  };
}

// The tensor hooks of one tensor, in libtorch's order. Python runs a tensor's hooks from a snapshot taken
// when their dispatch starts: a hook removed by an earlier hook of the same dispatch still runs this time
// and is gone from the next backward on; removed at any other time, it is gone at once.
interface HookGroup {
  live: number[];              // ids registered natively, in order
  snapshot: number[] | null;   // the ids of the dispatch running
  cursor: number;              // the index in snapshot of the hook running
  running: boolean;
  pending: number[];           // removed while they were still to run in this dispatch
  current: number;             // the id of the hook running (libtorch must not drop it while it runs)
  dead: number[];              // removed, still registered natively (no handle here: holding it would keep the tensor)
}
const hookGroups = new WeakMap<Handle, HookGroup>();
function hookGroupOf(h: Handle): HookGroup {
  let group = hookGroups.get(h);
  if (group === undefined) hookGroups.set(h, (group = { live: [], snapshot: null, cursor: -1, running: false, pending: [], current: -1, dead: [] }));
  return group;
}
function removeTensorHook(h: Handle, group: HookGroup, id: number): void {
  const i = group.live.indexOf(id);
  if (i < 0) return;
  group.live.splice(i, 1);
  if (id === group.current) group.dead.push(id);
  else if (!native.isDisposed(h)) native.removeHook(h, id);
}
function flushDeadHooks(h: Handle, group: HookGroup): void {
  if (group.dead.length === 0 || native.isDisposed(h)) return;
  group.dead = group.dead.filter((id) => {
    if (id === group.current) return true;
    native.removeHook(h, id);
    return false;
  });
}
function endHookDispatch(group: HookGroup): void {
  group.running = false;
  group.snapshot = null;
  for (const id of group.pending.splice(0)) {
    const i = group.live.indexOf(id);
    if (i >= 0) group.dead.push(...group.live.splice(i, 1));
  }
}
function removableTensorHook(h: Handle, group: HookGroup, id: number): RemovableHandle {
  return new RemovableHandle(() => {
    flushDeadHooks(h, group);
    if (group.running && group.snapshot !== null && group.snapshot.indexOf(id) > group.cursor) {
      if (!group.pending.includes(id)) group.pending.push(id);
    } else {
      removeTensorHook(h, group, id);
    }
  });
}

const LEGACY_SCALARS = new Set(['Byte', 'Char', 'Short', 'Int', 'Long', 'Half', 'Float', 'Double']);
const LAYOUT_KEYS: Record<string, string> = { sparse_coo: 'Sparse', sparse_csr: 'SparseCsr', sparse_csc: 'SparseCsr', sparse_bsr: 'SparseCsr', sparse_bsc: 'SparseCsr' };
// The dispatch key part ('CPU', 'SparseCUDA', 'Meta', ...) and the printed type ('torch.FloatTensor', 'CPUBoolType', ...)
function hookTypeOf(t: Tensor): [string, string] {
  const scalar = scalarTypeName(t.dtype);
  const deviceType = t.device.type;
  const layout = String(t.layout).replace(/^torch\./, '');
  const deviceKey = deviceType === 'cpu' || deviceType === 'cuda' || deviceType === 'mps' || deviceType === 'xpu' ? deviceType.toUpperCase() : deviceType.replace(/^./, (c) => c.toUpperCase());
  const key = t.isQuantized ? `Quantized${deviceKey}` : `${LAYOUT_KEYS[layout] ?? ''}${deviceKey}`;
  if (LEGACY_SCALARS.has(scalar) && (key === 'CPU' || key === 'CUDA' || key === 'SparseCPU' || key === 'SparseCUDA'))
    return [key, `torch.${deviceType === 'cuda' ? 'cuda.' : ''}${key.startsWith('Sparse') ? 'sparse.' : ''}${scalar}Tensor`];
  return [key, `${key}${scalar}Type`];
}
/** @internal Python's check_variable_result: a hook's replacement keeps the type and size of the value it replaces (tensor and node hooks). */
export function checkHookResult(original: Tensor, result: Tensor, name: string): void {
  const [was, wasText] = hookTypeOf(original);
  const [got, gotText] = hookTypeOf(result);
  if (was !== got || original.dtype !== result.dtype) throw new Error(`hook '${name}' has changed the type of value (was ${wasText} got ${gotText})`);
  const a = original.shape, b = result.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) throw new Error(`hook '${name}' has changed the size of value`);
}

/** backward's `inputs` option as handles or [node, outputNr] edges (null when not given). */
export function backwardInputs(inputs: unknown, fn: string): Handle | (Handle | [Handle, number])[] | null {
  if (inputs === null || inputs === undefined) return null;
  if (!Array.isArray(inputs)) return isTensorObject(inputs) ? handleOf(inputs) : [edgeOrHandle(inputs, `${fn}: inputs`)];
  return inputs.map((t: unknown, i) => edgeOrHandle(t, `${fn}: inputs[${i}]`));
}

/** The native handle of a tensor argument; TypeError for anything else. */
export function toHandle(t: unknown, what: string): Handle {
  if (isTensorObject(t)) return handleOf(t);
  throw new TypeError(`${what} must be a Tensor, got ${describe(t)}`);
}

export function isTensor(v: unknown): v is Tensor {
  return isTensorObject(v);
}

/** @internal The native handle of a Tensor (for the generic call path). */
export function handleOfTensor(t: Tensor): Handle {
  return handleOf(t);
}

export { describe, isOptionsObject };
