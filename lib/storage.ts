// torch.UntypedStorage, torch.TypedStorage and torch.StorageBase: the memory under a tensor. A storage
// object holds a private uint8 tensor over all of the storage's bytes (offset 0): that tensor's handle
// keeps the c10 storage alive and is freed by the ordinary tensor finalizer, so storages add no native
// lifetime code. Element access reads and writes through that byte tensor (or a dtype view of it).
import { aten } from './call.js';
import { tensor } from './creation.js';
import { toDevice, type Device, type DeviceLike } from './device.js';
import { toDType, uint8, type DType, type DTypeLike } from './dtype.js';
import { native } from './native.js';
import { describe, readOptions } from './options.js';
import { keep } from './scope.js';
import { handleOfTensor, Tensor } from './tensor.js';

let wrapping = false; // set while the module itself builds a storage around an existing byte tensor

// A storage class's constructor run over an existing tensor (its bytes or elements) instead of new memory.
function wrap<S>(Storage: new (data: number) => S, t: Tensor): S {
  wrapping = true;
  try {
    return new Storage(t as unknown as number);
  } finally {
    wrapping = false;
  }
}

function checkIndex(i: unknown, size: number, fn: string): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new TypeError(`${fn}: index must be an integer, got ${describe(i)}`);
  const j = i < 0 ? i + size : i;
  if (j < 0 || j >= size) throw new RangeError(`${fn}: index ${i} out of range for storage of size ${size}`);
  return j;
}

// An integer's low byte, as Python stores it in a byte storage (300 -> 44, -1 -> 255).
const lowByte = (v: number): number => ((v % 256) + 256) % 256;

// The byte an UntypedStorage stores for v: Python takes ints (and bools) and keeps their low byte; anything else is refused.
function toByte(v: unknown, message: (what: string) => string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(BigInt.asUintN(8, v));
  if (typeof v === 'number' && Number.isInteger(v)) return lowByte(v);
  throw new Error(message(typeof v === 'number' ? 'float' : describe(v)));
}

// A tensor over all of t's storage as elements of dtype (trailing bytes that make no whole element left out).
function storageElements(t: Tensor, dtype: DType): Tensor {
  const bytes = new Tensor(native.storageBytes(handleOfTensor(t)));
  if (dtype === uint8) return keep(bytes);
  const whole = bytes.narrow(0, 0, bytes.numel() - (bytes.numel() % dtype.itemsize));
  const elements = keep(whole.view(dtype));
  whole.dispose();
  bytes.dispose();
  return elements;
}

// A storage object's tensor over its memory, re-made when the storage has grown or shrunk since (a
// tensor on it ran resize_ or set_): Python's storage objects read their size live.
class LiveView {
  #view: Tensor;
  constructor(view: Tensor) {
    this.#view = view;
  }
  get(): Tensor {
    const view = this.#view;
    if (Math.floor(native.storageNbytes(handleOfTensor(view)) / view.dtype.itemsize) === view.numel()) return view;
    this.#view = storageElements(view, view.dtype);
    view.dispose();
    return this.#view;
  }
}

/** torch.StorageBase: the base class of torch.UntypedStorage (Python's torch._C.StorageBase). */
export class StorageBase {}

export interface StorageOptions {
  device?: DeviceLike;
}

/** torch.UntypedStorage: a tensor's memory as bytes. `new torch.UntypedStorage(n)` makes n bytes, `new torch.UntypedStorage([1, 2])` those bytes. */
export class UntypedStorage extends StorageBase {
  readonly #bytes: LiveView;

  constructor(sizeOrData: number | number[] = 0, options: StorageOptions = {}) {
    super();
    if (wrapping) {
      this.#bytes = new LiveView(sizeOrData as unknown as Tensor);
      return;
    }
    const o = readOptions('UntypedStorage', options, ['device']);
    const device = o.device === undefined ? 'cpu' : toDevice(o.device as DeviceLike, 'UntypedStorage');
    if (typeof sizeOrData === 'number') {
      if (!Number.isInteger(sizeOrData) || sizeOrData < 0) throw new RangeError(`UntypedStorage: size must be a non-negative integer, got ${sizeOrData}`);
      this.#bytes = new LiveView(keep(aten('empty', [[sizeOrData], { dtype: uint8, device }]) as Tensor));
    } else if (Array.isArray(sizeOrData)) {
      for (const v of sizeOrData) if (!Number.isInteger(v)) throw new TypeError(`UntypedStorage: bytes must be integers, got ${describe(v)}`);
      this.#bytes = new LiveView(keep(tensor(sizeOrData.map(lowByte), { dtype: uint8, device })));
    } else {
      throw new TypeError(`UntypedStorage: expected a size or a list of bytes, got ${describe(sizeOrData)}`);
    }
  }

  /** @internal The storage of tensor t. */
  static of(t: Tensor): UntypedStorage {
    return wrap(UntypedStorage, storageElements(t, uint8));
  }

  /** @internal The uint8 tensor over all the bytes. */
  get bytes(): Tensor {
    return this.#bytes.get();
  }
  nbytes(): number {
    return this.#bytes.get().numel();
  }
  /** For an untyped storage, the number of bytes. */
  size(): number {
    return this.#bytes.get().numel();
  }
  get length(): number {
    return this.#bytes.get().numel();
  }
  elementSize(): number {
    return 1;
  }
  get device(): Device {
    return this.#bytes.get().device;
  }
  get isCuda(): boolean {
    return this.#bytes.get().isCuda;
  }
  /** The address of the first byte, a BigInt (0n for an empty storage). */
  dataPtr(): bigint {
    return native.storageDataPtr(handleOfTensor(this.#bytes.get()));
  }
  /** Whether the bytes live in shared memory (always true for CUDA storages, as Python). */
  isShared(): boolean {
    return native.isShared(handleOfTensor(this.#bytes.get()));
  }
  /** Moves the bytes to POSIX shared memory (Python's file_descriptor strategy); every tensor on this storage follows. */
  shareMemory_(): this {
    native.shareMemory(handleOfTensor(this.#bytes.get()));
    return this;
  }
  /** storage[i]: one byte as a number. */
  get(i: number): number {
    return this.#bytes.get().index(checkIndex(i, this.size(), 'UntypedStorage.get')).item();
  }
  /** storage[i] = v: an integer (or boolean), kept modulo 256 as Python (300 -> 44, -1 -> 255). */
  set(i: number, v: number | boolean): void {
    const byte = toByte(v, (what) => `can only set storage content with a int types, but got ${what} instead`);
    this.#bytes.get().index(checkIndex(i, this.size(), 'UntypedStorage.set')).fill_(byte);
  }
  tolist(): number[] {
    return this.#bytes.get().tolist() as number[];
  }
  /** Every byte = v: an integer (or boolean), kept modulo 256 as Python. */
  fill_(v: number | boolean | bigint): this {
    this.#bytes.get().fill_(toByte(v, (what) => `fill_ expects int, but got ${what}`));
    return this;
  }
  /** Copies the bytes of another storage of the same size. */
  copy_(src: UntypedStorage | TypedStorage): this {
    const from = src instanceof TypedStorage ? src.untyped() : src;
    if (!(from instanceof UntypedStorage)) throw new TypeError(`UntypedStorage.copy_: src must be a storage, got ${describe(src)}`);
    if (from.size() !== this.size()) throw new RangeError(`UntypedStorage.copy_: size mismatch (${this.size()} vs ${from.size()})`);
    this.#bytes.get().copy_(from.#bytes.get());
    return this;
  }
  clone(): UntypedStorage {
    return UntypedStorage.of(this.#bytes.get().clone());
  }
  /** This storage itself (Python's s.untyped()). */
  untyped(): this {
    return this;
  }
  /** This storage when it is on the CPU, else a CPU copy of its bytes. */
  cpu(): UntypedStorage {
    return this.device.type === 'cpu' ? this : UntypedStorage.of(this.#bytes.get().cpu());
  }
  override toString(): string {
    return `[torch.storage.UntypedStorage(device=${this.device.toString()}) of size ${this.size()}]`;
  }
}

export interface TypedStorageOptions extends StorageOptions {
  dtype?: DTypeLike;
}

let typedStorageWarned = false;
function warnTypedStorage(): void {
  if (typedStorageWarned) return;
  typedStorageWarned = true;
  process.emitWarning('TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only storage class. This should only matter to you if you are using storages directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()', 'UserWarning');
}

/** torch.TypedStorage (deprecated in Python in favour of UntypedStorage): a storage read as elements of one dtype. */
export class TypedStorage {
  readonly #elements: LiveView;

  constructor(sizeOrData: number | number[] = 0, options: TypedStorageOptions = {}) {
    warnTypedStorage();
    if (wrapping) {
      this.#elements = new LiveView(sizeOrData as unknown as Tensor);
      return;
    }
    const o = readOptions('TypedStorage', options, ['dtype', 'device']);
    const dtype = o.dtype === undefined ? toDType('float32', 'TypedStorage') : toDType(o.dtype as DTypeLike, 'TypedStorage');
    const device = o.device === undefined ? 'cpu' : toDevice(o.device as DeviceLike, 'TypedStorage');
    if (typeof sizeOrData === 'number') {
      if (!Number.isInteger(sizeOrData) || sizeOrData < 0) throw new RangeError(`TypedStorage: size must be a non-negative integer, got ${sizeOrData}`);
      this.#elements = new LiveView(keep(aten('empty', [[sizeOrData], { dtype, device }]) as Tensor));
    } else if (Array.isArray(sizeOrData)) {
      this.#elements = new LiveView(keep(tensor(sizeOrData, { dtype, device })));
    } else {
      throw new TypeError(`TypedStorage: expected a size or a list of values, got ${describe(sizeOrData)}`);
    }
  }
  /** @internal x.storage(): t's whole storage read as elements of t's dtype (Python's deprecated TypedStorage). */
  static of(t: Tensor): TypedStorage {
    return wrap(TypedStorage, storageElements(t, t.dtype));
  }
  get dtype(): DType {
    return this.#elements.get().dtype;
  }
  get device(): Device {
    return this.#elements.get().device;
  }
  size(): number {
    return this.#elements.get().numel();
  }
  get length(): number {
    return this.#elements.get().numel();
  }
  elementSize(): number {
    return this.#elements.get().dtype.itemsize;
  }
  nbytes(): number {
    return this.#elements.get().numel() * this.#elements.get().dtype.itemsize;
  }
  dataPtr(): bigint {
    return native.storageDataPtr(handleOfTensor(this.#elements.get()));
  }
  isShared(): boolean {
    return native.isShared(handleOfTensor(this.#elements.get()));
  }
  shareMemory_(): this {
    native.shareMemory(handleOfTensor(this.#elements.get()));
    return this;
  }
  /** The same memory as an UntypedStorage. */
  untyped(): UntypedStorage {
    return UntypedStorage.of(this.#elements.get());
  }
  get(i: number): number | boolean | bigint {
    return this.#elements.get().index(checkIndex(i, this.size(), 'TypedStorage.get')).item();
  }
  set(i: number, v: number | boolean): void {
    this.#elements.get().index(checkIndex(i, this.size(), 'TypedStorage.set')).fill_(v);
  }
  tolist(): unknown[] {
    return this.#elements.get().tolist() as unknown[];
  }
  fill_(v: number | boolean): this {
    this.#elements.get().fill_(v);
    return this;
  }
  toString(): string {
    return `[torch.storage.TypedStorage(dtype=${this.dtype.toString()}, device=${this.device.toString()}) of size ${this.size()}]`;
  }
}

/** torch.is_storage(obj): whether obj is an UntypedStorage or a TypedStorage. */
export function isStorage(obj: unknown): boolean {
  return obj instanceof UntypedStorage || obj instanceof TypedStorage;
}

