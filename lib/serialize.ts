// torch.save / torch.load in PyTorch's zip format, synchronous as in Python.
//
// The zip container is libtorch's own (caffe2::serialize::PyTorchStreamReader/Writer, native/src/
// serialize.cc): the classes Python's torch.save and torch.load use. The pickle inside (data.pkl) is
// read by a port of PyTorch's torch/_weights_only_unpickler.py (same opcodes, same allowlist, same
// refusals) and written the way Python's pickler writes protocol 2. libtorch's C++ Unpickler cannot
// serve here: it turns collections.OrderedDict into None (so no state_dict loads) and refuses
// torch.Size and dtypes; its Pickler cannot write _rebuild_tensor_v3 (uint16/32/64, float8),
// dtypes, torch.Size or OrderedDict, and torch::pickle_save tags containers with
// torch.jit._pickle.restore_type_tag, which Python's weights_only load refuses.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { native, type Handle } from './native.js';
import { Tensor, isTensor, handleOfTensor } from './tensor.js';
import { DType, isDTypeName, sparseCoo, toDType, uint8 } from './dtype.js';
import { aten } from './call.js';
import { frombuffer } from './creation.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { warn } from './warnings.js';
import { load as jitLoad } from './jit.js';
import { Parameter } from './nn/parameter.js';

interface SerializeNative {
  zipWrite(records: [string, Uint8Array | Handle][], path?: string): Buffer | undefined;
  tensorStorage(h: Handle): [key: string, nbytes: number, offset: number, device: string, conj: boolean, neg: boolean];
  zipOpen(source: string | Uint8Array): object;
  zipClose(reader: object): void;
  zipRecords(reader: object): string[];
  zipRecord(reader: object, name: string): Buffer | null;
  zipStorage(reader: object, name: string, nbytes: number): Handle;
  storageView(bytes: Handle, dtype: number, offset: number, size: number[], stride: number[], conj: boolean, neg: boolean): Handle;
  storageTo(bytes: Handle, device: string): Handle;
}
const zip = native as unknown as SerializeNative;

/** Where torch.load puts storages: a device for all, a {saved: target} mapping, or a function as in Python. */
export type MapLocation =
  | string
  | Device
  | Record<string, string | Device>
  | ((storage: Tensor, location: string) => Tensor | string | Device | null | undefined);

export interface LoadOptions {
  mapLocation?: MapLocation | null;
  /** As PyTorch 2.x: true (the default) refuses anything but tensors, containers and PyTorch's own allowlisted types. */
  weightsOnly?: boolean;
  /**
   * Accepted as Python's `mmap`; torchnode reads the file into memory either way (no memory
   * mapping), so the result is the same.
   */
  mmap?: boolean;
  /** Python's `encoding`: how Python 2 str (legacy files) are decoded: 'utf-8' (the default), 'latin1', 'ascii' or 'bytes' (a Buffer). */
  encoding?: string;
}

/** A Python object that torch.load({ weightsOnly: false }) met but cannot (and never will) build: an inert description. */
export class PickledObject {
  constructor(
    /** The class or function, as module.name. */
    readonly className: string,
    /** The arguments it was called with (REDUCE/NEWOBJ). */
    public args: unknown[] = [],
    /** The state BUILD gave it (what __setstate__ would receive). */
    public state: unknown = undefined,
    /** Items appended (list subclasses) or set (dict subclasses). */
    public listItems: unknown[] = [],
    public dictItems: [unknown, unknown][] = [],
  ) {}
}

// Objects loaded from Python dicts with int keys: torch.save writes their integer-like keys back as ints.
const intKeyedObjects = new WeakSet<object>();
// Objects loaded from collections.OrderedDict: torch.save writes them back as OrderedDicts.
const orderedDicts = new WeakSet<object>();
// Maps and objects loaded from collections.Counter (or marked with markCounter): torch.save writes them back as Counters.
const counters = new WeakSet<object>();
// Python complex numbers ({ real, imag }, frozen) loaded from builtins.complex: torch.save writes them back as complex.
const complexValues = new WeakSet<object>();

/** Marks a plain object so that torch.save writes its integer-like keys as Python ints (optimizer `state`). */
export function markIntKeys<T extends object>(obj: T): T {
  intKeyedObjects.add(obj);
  return obj;
}

/** Marks a Map (or plain object) so that torch.save writes it as Python's collections.Counter (MultiStepLR's milestones). */
export function markCounter<T extends object>(obj: T): T {
  counters.add(obj);
  return obj;
}

// ---------------------------------------------------------------------------------------------
// Pickle opcodes (Python's Lib/pickle.py names).
const OP = {
  MARK: 0x28, STOP: 0x2e, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d,
  NONE: 0x4e, BINPERSID: 0x51, REDUCE: 0x52, SHORT_BINSTRING: 0x55, BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62,
  GLOBAL: 0x63, DICT: 0x64, APPENDS: 0x65, BINGET: 0x68, LONG_BINGET: 0x6a, LIST: 0x6c, EMPTY_LIST: 0x5d,
  BINPUT: 0x71, LONG_BINPUT: 0x72, SETITEM: 0x73, TUPLE: 0x74, EMPTY_TUPLE: 0x29, SETITEMS: 0x75, BINFLOAT: 0x47,
  EMPTY_DICT: 0x7d, PROTO: 0x80, NEWOBJ: 0x81, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, NEWTRUE: 0x88,
  NEWFALSE: 0x89, LONG1: 0x8a, LONG4: 0x8b, BINBYTES: 0x42, SHORT_BINBYTES: 0x43, SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d, BINBYTES8: 0x8e, EMPTY_SET: 0x8f, ADDITEMS: 0x90, FROZENSET: 0x91, STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94, FRAME: 0x95, BYTEARRAY8: 0x96, BINSTRING: 0x54,
} as const;

// The opcodes torch/_weights_only_unpickler.py accepts; weightsOnly: false adds the other binary
// opcodes of protocols 2-5 (torch.save(obj, f, pickle_protocol=4) files).
const WEIGHTS_ONLY_OPS = new Set<number>([
  OP.GLOBAL, OP.NEWOBJ, OP.REDUCE, OP.BUILD, OP.APPEND, OP.APPENDS, OP.SETITEM, OP.SETITEMS, OP.MARK, OP.TUPLE,
  OP.TUPLE1, OP.TUPLE2, OP.TUPLE3, OP.NONE, OP.NEWFALSE, OP.NEWTRUE, OP.EMPTY_TUPLE, OP.EMPTY_LIST, OP.EMPTY_DICT,
  OP.EMPTY_SET, OP.BININT, OP.BININT1, OP.BININT2, OP.BINFLOAT, OP.BINUNICODE, OP.SHORT_BINSTRING, OP.BINPERSID,
  OP.BINGET, OP.LONG_BINGET, OP.BINPUT, OP.LONG_BINPUT, OP.LONG1, OP.PROTO, OP.STOP,
]);

class UnpicklingError extends Error {}

// Python values that have no JS twin while unpickling; converted at the end (toJs).
class PyTuple {
  constructor(readonly items: unknown[]) {}
}
class PySize extends PyTuple {}
class PyDict {
  readonly entries = new Map<unknown, [unknown, unknown]>();
  attrs: Record<string, unknown> | null = null;
  constructor(readonly kind: 'dict' | 'OrderedDict' | 'Counter') {}
  // As Python: an equal key already there keeps its first spelling (1 stays 1 after True).
  set(k: unknown, v: unknown): void {
    const h = hashKey(k);
    const old = this.entries.get(h);
    this.entries.set(h, [old ? old[0] : k, v]);
  }
}
class PySet {
  readonly items = new Map<unknown, unknown>();
  add(v: unknown): void {
    this.items.set(hashKey(v), v);
  }
}
class StorageType {
  constructor(readonly dtype: DType, readonly untyped: boolean) {}
}
class LoadedStorage {
  /** byteOffset/byteLength: where a storage view (legacy files' view_metadata) lies in its root's bytes. */
  constructor(readonly bytes: Tensor, readonly dtype: DType, readonly byteOffset = 0, readonly byteLength = -1) {}
}
// numpy's pickles (weightsOnly: false only, as PyTorch): a dtype and an ndarray, completed by BUILD.
class NumpyDtype {
  byteorder = '=';
  /** Structured or subarray dtypes (fields, shapes): no tensor dtype. */
  structured = false;
  state: unknown = undefined;
  constructor(readonly descr: string, readonly args: unknown[]) {}
}
class NumpyArray {
  tensor: Tensor | null = null;
  /** An array no tensor can hold (strings, objects, dates, structured): kept as an inert description. */
  inert: PickledObject | null = null;
}
// An allowlisted global (or, with weightsOnly: false, any global): what REDUCE/NEWOBJ call.
class PyGlobal {
  constructor(
    readonly path: string,
    readonly call: ((args: unknown[]) => unknown) | null,
    readonly value: unknown = undefined,
  ) {}
}

// Python dict keys: equal numbers are one key (1 == 1.0 == True), tuples by value.
function hashKey(k: unknown): unknown {
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (typeof k === 'bigint') return Number.isSafeInteger(Number(k)) && BigInt(Number(k)) === k ? Number(k) : `bigint:${k}`;
  if (k instanceof PyTuple) return `tuple:${JSON.stringify(k.items.map(hashKey), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  if (k instanceof DType || k instanceof Device) return `global:${String(k)}`;
  return k;
}

// ---- the unpickler: torch/_weights_only_unpickler.py, op for op --------------------------------

const LEGACY_STORAGES: Record<string, string> = {
  ByteStorage: 'uint8', CharStorage: 'int8', ShortStorage: 'int16', IntStorage: 'int32', LongStorage: 'int64',
  HalfStorage: 'float16', FloatStorage: 'float32', DoubleStorage: 'float64', ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128', BoolStorage: 'bool', BFloat16Storage: 'bfloat16', QUInt8Storage: 'quint8',
  QInt8Storage: 'qint8', QInt32Storage: 'qint32', QUInt4x2Storage: 'quint4x2', QUInt2x4Storage: 'quint2x4',
};
// Python 2 names that pickle maps to Python 3 ones (the few a torch file can hold).
const IMPORT_MAPPING: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };
const BLOCKED_MODULES = new Set(['sys', 'os', 'posix', 'nt']);
// Allowlisted by PyTorch but with no torchnode equivalent: refused with the reason.
const UNSUPPORTED: Record<string, string> = {
  'torch._utils._rebuild_qtensor': 'quantized tensors',
  'torch._utils._rebuild_sparse_tensor': 'sparse tensors',
  'torch._utils._rebuild_nested_tensor': 'nested tensors',
  'torch._utils._rebuild_wrapper_subclass': 'tensor wrapper subclasses',
  'torch._utils._rebuild_device_tensor_from_numpy': 'numpy-backed device tensors',
  'torch.Tensor': 'legacy (pre-1.0) tensor pickles',
};

interface LoadContext {
  weightsOnly: boolean;
  /** How Python 2 str decode: 'latin1' (undefined: the default), 'utf8', 'ascii', or 'bytes' (Buffers). */
  encoding?: 'latin1' | 'utf8' | 'ascii' | 'bytes';
  storage(pid: unknown): LoadedStorage;
}

function asItems(v: unknown, what: string): unknown[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  throw new UnpicklingError(`${what}: expected a tuple, got ${pyType(v)}`);
}
function asInt(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new UnpicklingError(`${what}: expected an int, got ${pyType(v)}`);
}
function asIntList(v: unknown, what: string): number[] {
  return asItems(v, what).map((x) => asInt(x, what));
}
function pyType(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyGlobal) return v.path;
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.kind;
  if (Array.isArray(v)) return 'list';
  if (isTensor(v)) return 'Tensor';
  if (v instanceof PickledObject) return v.className;
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}

// _rebuild_sparse_tensor: COO tensors (indices, values, size[, is_coalesced]), unchecked as in Python.
function rebuildSparse(a: unknown[]): Tensor {
  if (a[0] !== 'torch.sparse_coo') throw new UnpicklingError(`_rebuild_sparse_tensor: only sparse COO tensors can be loaded, got layout ${String(a[0])}`);
  const [indices, values, size, coalesced] = asItems(a[1], '_rebuild_sparse_tensor');
  if (!isTensor(indices) || !isTensor(values)) throw new UnpicklingError('_rebuild_sparse_tensor: expected indices and values tensors');
  const shape = size instanceof PyTuple ? size.items.map((d) => asInt(d, 'torch.Size')) : asItems(size, 'torch.Size').map((d) => asInt(d, 'torch.Size'));
  return aten('_sparse_coo_tensor_unsafe', [indices, values, shape, { isCoalesced: coalesced === true }]) as Tensor;
}

// The tensors the load in progress has rebuilt (torch.load is synchronous and never nested): freed
// at once when the load fails, instead of waiting for the GC with their storages.
let rebuilt: Tensor[] | null = null;

/** Runs `load` recording the tensors it rebuilds; if it throws, they are freed and the error rethrown. */
function freeingRebuiltOnError<T>(load: (rebuiltSoFar: Tensor[]) => T): T {
  const outer = rebuilt;
  const mine: Tensor[] = [];
  rebuilt = mine;
  try {
    return load(mine);
  } catch (e) {
    for (const t of mine) t.dispose();
    throw e;
  } finally {
    rebuilt = outer;
  }
}

// _rebuild_tensor_v2 / v3: a view of a loaded storage (shared by all views of one storage key).
function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, requiresGrad: unknown, dtype: DType | null, metadata: unknown): Tensor {
  if (!(storage instanceof LoadedStorage)) throw new UnpicklingError(`tensor rebuild: expected a storage, got ${pyType(storage)}`);
  const dt = dtype ?? storage.dtype;
  if (dt.code < 0) throw new UnpicklingError(`dtype torch.${dt.name} does not exist in this libtorch`);
  if (storage.byteOffset % dt.itemsize !== 0) throw new UnpicklingError('tensor rebuild: a storage view that does not start at an element');
  const flags = metadata instanceof PyDict ? new Map([...metadata.entries.values()].map(([k, v]) => [k, v === true])) : new Map();
  const t = new Tensor(
    zip.storageView(handleOfTensor(storage.bytes), dt.code, asInt(offset, 'storage offset') + storage.byteOffset / dt.itemsize, asIntList(size, 'size'), asIntList(stride, 'stride'),
      flags.get('conj') === true, flags.get('neg') === true),
  );
  if (requiresGrad === true) t.requiresGrad = true;
  rebuilt?.push(t);
  return t;
}

// An nn.Parameter, sharing the rebuilt tensor's storage (whose own handle goes at once).
function rebuildParameter(args: unknown[]): Tensor {
  const [data, requiresGrad] = args;
  if (!isTensor(data)) throw new UnpicklingError(`Parameter: expected a Tensor, got ${pyType(data)}`);
  const param = new Parameter(data, requiresGrad !== false);
  const i = rebuilt?.indexOf(data) ?? -1;
  if (i >= 0) {
    rebuilt!.splice(i, 1);
    data.dispose();
  }
  rebuilt?.push(param);
  return param;
}

// _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad): an empty meta tensor.
function rebuildMeta(a: unknown[]): Tensor {
  const [dtype, size, stride, requiresGrad] = a;
  if (!(dtype instanceof DType)) throw new UnpicklingError(`_rebuild_meta_tensor_no_storage: expected a dtype, got ${pyType(dtype)}`);
  const t = aten('empty_strided', [asIntList(size, 'size'), asIntList(stride, 'stride'), { dtype, device: 'meta' }]) as Tensor;
  if (requiresGrad === true) t.requiresGrad = true;
  rebuilt?.push(t);
  return t;
}

function dictFrom(kind: PyDict['kind'], args: unknown[]): PyDict {
  const d = new PyDict(kind);
  const src = args[0];
  if (src instanceof PyDict) for (const [k, v] of src.entries.values()) d.set(k, v);
  else if (src !== undefined) for (const pair of asItems(src, kind)) {
    const [k, v] = asItems(pair, kind);
    d.set(k, v);
  }
  return d;
}

// The allowlist of _get_allowed_globals(): path -> what calling it (REDUCE/NEWOBJ) builds.
function allowedGlobal(path: string): PyGlobal | null {
  const simple: Record<string, (args: unknown[]) => unknown> = {
    'collections.OrderedDict': (a) => dictFrom('OrderedDict', a),
    'collections.Counter': (a) => dictFrom('Counter', a),
    'torch.nn.parameter.Parameter': rebuildParameter,
    'torch.serialization._get_layout': (a) => String(a[0]),
    'torch.Size': (a) => new PySize(a[0] === undefined ? [] : asItems(a[0], 'torch.Size')),
    'torch.device': (a) => (a.length > 1 && a[1] !== null ? new Device(String(a[0]), asInt(a[1], 'torch.device')) : new Device(String(a[0]))),
    '_codecs.encode': (a) => Buffer.from(String(a[0]), a[1] === 'latin1' || a[1] === 'latin-1' ? 'latin1' : 'utf8'),
    'builtins.bytearray': (a) => (a[0] === undefined ? Buffer.alloc(0) : Buffer.from(a[0] as Uint8Array)),
    'builtins.set': (a) => {
      const s = new PySet();
      for (const v of a[0] === undefined ? [] : asItems(a[0], 'set')) s.add(v);
      return s;
    },
    'builtins.complex': (a) => {
      const z = Object.freeze({ real: Number(a[0] ?? 0), imag: Number(a[1] ?? 0) });
      complexValues.add(z);
      return z;
    },
    'torch._utils._rebuild_meta_tensor_no_storage': rebuildMeta,
    'torch._utils._rebuild_tensor': (a) => rebuildTensor(a[0], a[1], a[2], a[3], false, null, null),
    'torch._utils._rebuild_tensor_v2': (a) => rebuildTensor(a[0], a[1], a[2], a[3], a[4], null, a[6]),
    'torch._utils._rebuild_tensor_v3': (a) => {
      if (!(a[6] instanceof DType)) throw new UnpicklingError(`_rebuild_tensor_v3: expected a dtype, got ${pyType(a[6])}`);
      return rebuildTensor(a[0], a[1], a[2], a[3], a[4], a[6], a[7]);
    },
    'torch._utils._rebuild_parameter': rebuildParameter,
    'torch._utils._rebuild_sparse_tensor': rebuildSparse,
    'torch._utils._rebuild_parameter_with_state': rebuildParameter,
    'torch._utils._rebuild_device_tensor_from_cpu_tensor': (a) => {
      const [data, dtype, device, requiresGrad] = a;
      if (!isTensor(data) || !(dtype instanceof DType)) throw new UnpicklingError('_rebuild_device_tensor_from_cpu_tensor: bad arguments');
      const t = data.to(toDevice(device instanceof Device ? device : String(device), 'torch.load'), dtype);
      if (requiresGrad === true) t.requiresGrad = true;
      return t;
    },
    // Tensors with Python attributes or subclasses: torchnode keeps the tensor, not the class or attributes.
    'torch._tensor._rebuild_from_type_v2': (a) => {
      const [func, , args] = a;
      if (!(func instanceof PyGlobal) || !func.call) throw new UnpicklingError(`_rebuild_from_type_v2: cannot call ${pyType(func)}`);
      return func.call(asItems(args, '_rebuild_from_type_v2'));
    },
  };
  if (path in simple) return new PyGlobal(path, simple[path]!);
  if (path in UNSUPPORTED)
    return new PyGlobal(path, () => {
      throw new UnpicklingError(`${path} (${UNSUPPORTED[path]}) is allowed by PyTorch but not supported by torchnode`);
    });
  if (path.startsWith('torch.')) {
    const name = path.slice(6);
    const storage = /^(?:cuda\.)?(\w+Storage)$/.exec(name);
    if (storage && LEGACY_STORAGES[storage[1]!]) return new PyGlobal(path, null, new StorageType(toDType(LEGACY_STORAGES[storage[1]!]!), false));
    if (name === 'storage.UntypedStorage' || name === 'UntypedStorage') return new PyGlobal(path, null, new StorageType(uint8, true));
    // dtypes, under their canonical names as str(torch.float32) spells them.
    if (isDTypeName(name) && toDType(name).name === name) return new PyGlobal(path, null, toDType(name));
    if (/^per_(tensor|channel)_(affine|symmetric|affine_float_qparams)$/.test(name)) return new PyGlobal(path, null, path);
  }
  return null;
}

// ---- numpy arrays (weightsOnly: false): ndarrays become CPU tensors, numpy scalars numbers -----

// numpy's type codes ('<f4' without the byte order) -> torch dtypes.
const NUMPY_DTYPES: Record<string, string> = {
  b1: 'bool', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64',
  f2: 'float16', f4: 'float32', f8: 'float64', c8: 'complex64', c16: 'complex128',
};

function numpyToTorch(dt: unknown, what: string): DType {
  if (!(dt instanceof NumpyDtype)) throw new UnpicklingError(`${what}: expected a numpy dtype, got ${pyType(dt)}`);
  const name = NUMPY_DTYPES[dt.descr];
  if (name === undefined) throw new UnpicklingError(`${what}: numpy dtype '${dt.descr}' has no torch dtype (only bool, integer, float and complex arrays load)`);
  return toDType(name);
}

// Raw array bytes: Python 3 bytes, or a Python 2 str read as latin1 (numpy's own encoding='latin1' rule).
function rawBytes(v: unknown, what: string): Uint8Array {
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return v;  // Buffer.isBuffer: Buffers of another realm too
  if (typeof v === 'string') return Buffer.from(v, 'latin1');
  throw new UnpicklingError(`${what}: expected the array's bytes, got ${pyType(v)}`);
}

// A CPU tensor of `shape` over a copy of `bytes` (numpy's layout: C or Fortran order, either byte order).
function numpyTensor(bytes: Uint8Array, dt: NumpyDtype, shape: number[], fortran: boolean, what: string): Tensor {
  const dtype = numpyToTorch(dt, what);
  if (dtype.code < 0) throw new UnpicklingError(`${what}: dtype torch.${dtype.name} does not exist in this libtorch`);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== numel * dtype.itemsize) throw new UnpicklingError(`${what}: ${bytes.length} bytes for an array of shape (${shape.join(', ')}) of ${dt.descr}`);
  const copy = new Uint8Array(Math.max(bytes.length, dtype.itemsize));  // frombuffer needs one element's room
  copy.set(bytes);
  if (dt.byteorder === '>' && dtype.itemsize > 1) {
    const unit = dtype.isComplex ? dtype.itemsize / 2 : dtype.itemsize;
    for (let i = 0; i < bytes.length; i += unit) copy.subarray(i, i + unit).reverse();
  }
  const flat = frombuffer(copy, { dtype, count: numel === 0 ? 1 : numel });
  const steps: Tensor[] = [flat];  // every handle but the result is freed at once
  const step = (t: Tensor): Tensor => (steps.push(t), t);
  let result: Tensor | null = null;
  try {
    if (numel === 0) result = step(flat.narrow(0, 0, 0)).reshape(shape);
    else result = fortran ? step(flat.view([...shape].reverse())).permute([...shape.keys()].reverse()) : flat.view(shape);
    return result;
  } finally {
    for (const t of steps) if (t !== result) t.dispose();
  }
}

function numpyScalar(bytes: Uint8Array, dt: unknown, what: string): unknown {
  const dtype = numpyToTorch(dt, what);
  if (bytes.length !== dtype.itemsize) throw new UnpicklingError(`${what}: ${bytes.length} bytes for a numpy ${(dt as NumpyDtype).descr} scalar`);
  const little = (dt as NumpyDtype).byteorder !== '>';
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const half = dtype.itemsize / 2;
  switch ((dt as NumpyDtype).descr) {
    case 'b1': return v.getUint8(0) !== 0;
    case 'i1': return v.getInt8(0);
    case 'u1': return v.getUint8(0);
    case 'i2': return v.getInt16(0, little);
    case 'u2': return v.getUint16(0, little);
    case 'i4': return v.getInt32(0, little);
    case 'u4': return v.getUint32(0, little);
    case 'i8': case 'u8': {
      const n = (dt as NumpyDtype).descr === 'i8' ? v.getBigInt64(0, little) : v.getBigUint64(0, little);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }
    case 'f4': return v.getFloat32(0, little);
    case 'f8': return v.getFloat64(0, little);
    case 'c8': return Object.freeze({ real: v.getFloat32(0, little), imag: v.getFloat32(half, little) });
    case 'c16': return Object.freeze({ real: v.getFloat64(0, little), imag: v.getFloat64(half, little) });
    default: {  // f2: libtorch converts
      const t = numpyTensor(bytes, dt as NumpyDtype, [], false, what);
      try {
        return t.item();
      } finally {
        t.dispose();
      }
    }
  }
}

// numpy's globals, and bytes() (protocol 2's b''), which only weightsOnly: false reaches.
function numpyGlobal(path: string): PyGlobal | null {
  const m = /^numpy\.(?:_?core\.)?(?:multiarray\.|numeric\.)?(\w+)$/.exec(path);
  switch (path === 'builtins.bytes' ? path : m?.[1]) {
    case 'dtype':
      return new PyGlobal(path, (a) => new NumpyDtype(String(a[0]), a));
    case 'ndarray':
      return new PyGlobal(path, null, 'numpy.ndarray');
    case '_reconstruct':  // ndarray.__reduce__: an empty array that BUILD fills
      return new PyGlobal(path, (a) => {
        const arr = new NumpyArray();
        arr.inert = new PickledObject(path, a);  // until BUILD shows a dtype a tensor can hold
        return arr;
      });
    case '_frombuffer': {  // protocol 5: (buffer, dtype, shape, order)
      return new PyGlobal(path, (a) => {
        const arr = new NumpyArray();
        if (!tensorDtypeOf(a[1]) || !isBytes(a[0])) arr.inert = new PickledObject(path, a);
        else rebuilt?.push((arr.tensor = numpyTensor(rawBytes(a[0], path), a[1] as NumpyDtype, asIntList(a[2], 'shape'), a[3] === 'F', path)));
        return arr;
      });
    }
    case 'builtins.bytes':  // protocol 2's b'' (the bytes of an empty array): bytes()
      return new PyGlobal(path, (a) => Buffer.from(a[0] === undefined ? [] : rawBytes(a[0], path)));
    case 'scalar':  // numpy scalars (np.float64(1.5) in a checkpoint): a number (a bigint beyond 2^53), a boolean, {real, imag}
      return new PyGlobal(path, (a) => (tensorDtypeOf(a[0]) && isBytes(a[1]) ? numpyScalar(rawBytes(a[1], path), a[0], path) : new PickledObject(path, a)));
    default:
      return null;
  }
}

// BUILD of a numpy dtype: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]).
function buildNumpyDtype(dt: NumpyDtype, state: unknown): void {
  const items = asItems(state, 'numpy.dtype state');
  dt.state = state;
  if (typeof items[1] === 'string') dt.byteorder = items[1];
  dt.structured = items[2] !== null || items[3] !== null;
}

/** The torch dtype a numpy dtype maps to, or null (strings, objects, dates, structured dtypes). */
function tensorDtypeOf(dt: unknown): string | null {
  return dt instanceof NumpyDtype && !dt.structured ? NUMPY_DTYPES[dt.descr] ?? null : null;
}

const isBytes = (v: unknown): boolean => Buffer.isBuffer(v) || v instanceof Uint8Array || typeof v === 'string';

// BUILD of an ndarray: (version, shape, dtype, is_fortran, raw bytes). Arrays no tensor can hold stay inert descriptions.
function buildNumpyArray(arr: NumpyArray, state: unknown): void {
  const items = asItems(state, 'numpy.ndarray state');
  const [shape, dt, fortran, raw] = items.length === 5 ? items.slice(1) : items;
  if (!tensorDtypeOf(dt) || !isBytes(raw)) {
    arr.inert!.state = state;
    return;
  }
  arr.tensor = numpyTensor(rawBytes(raw, 'numpy.ndarray'), dt as NumpyDtype, asIntList(shape, 'numpy.ndarray shape'), fortran === true, 'numpy.ndarray');
  arr.inert = null;
  rebuilt?.push(arr.tensor);
}

function weightsOnlyRefusal(path: string): string {
  return (
    `Weights only load failed: Unsupported global: GLOBAL ${path} was not an allowed global by default. ` +
    'torchnode never runs pickled code; with { weightsOnly: false } it returns such objects as inert PickledObject descriptions.'
  );
}

class Unpickler {
  private pos = 0;
  private stack: unknown[] = [];
  private readonly metastack: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(
    private readonly data: Uint8Array,
    private readonly ctx: LoadContext,
  ) {}

  /** The bytes read so far: after load(), where the next pickle of a stream starts. */
  get position(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.data.length) throw new UnpicklingError('pickle data was truncated');
  }
  private byte(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  private bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private view(n: number): DataView {
    const b = this.bytes(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }
  private u32(): number {
    return this.view(4).getUint32(0, true);
  }
  private u64(): number {
    const v = this.view(8).getBigUint64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new UnpicklingError('length too large');
    return Number(v);
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) throw new UnpicklingError('pickle data was truncated');
    const s = Buffer.from(this.data.subarray(this.pos, end)).toString('utf8');
    this.pos = end + 1;
    return s;
  }
  private pop(): unknown {
    if (this.stack.length === 0) throw new UnpicklingError('unpickling stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) throw new UnpicklingError('unpickling stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (!outer) throw new UnpicklingError('could not find MARK');
    this.stack = outer;
    return items;
  }
  private str(n: number): string {
    return decodeStr(this.bytes(n));
  }
  // Python 2 str (SHORT_BINSTRING, BINSTRING), decoded as torch.load's `encoding` says.
  private pyStr(b: Uint8Array): string | Buffer {
    const encoding = this.ctx.encoding;
    if (encoding === 'bytes') return Buffer.from(b);
    if (encoding === 'utf8' || encoding === 'ascii') {
      if (encoding === 'ascii' ? b.some((x) => x > 0x7f) : !isUtf8(b)) throw new UnpicklingError(`'${encoding === 'utf8' ? 'utf-8' : encoding}' codec can't decode a Python 2 str`);
      return Buffer.from(b).toString('utf8');
    }
    return Buffer.from(b).toString('latin1');
  }

  private global(module: string, name: string): unknown {
    module = IMPORT_MAPPING[module] ?? module;
    const path = `${module}.${name}`;
    if (BLOCKED_MODULES.has(module) && this.ctx.weightsOnly)
      throw new UnpicklingError(`Trying to load unsupported GLOBAL ${path} whose module ${module} is blocked.`);
    const g = allowedGlobal(path);
    // Constants (dtypes, storage types) go on the stack as values; callables as PyGlobal.
    if (g) return g.call ? g : g.value;
    if (this.ctx.weightsOnly) throw new UnpicklingError(weightsOnlyRefusal(path));
    const numpy = numpyGlobal(path);
    if (numpy) return numpy.call ? numpy : numpy.value;
    return new PyGlobal(path, (args) => new PickledObject(path, args));
  }

  private callGlobal(fn: unknown, args: unknown, op: string): unknown {
    if (!(fn instanceof PyGlobal) || !fn.call) {
      if (fn instanceof PyGlobal) throw new UnpicklingError(`Trying to call ${op} for unrecognized function ${fn.path}`);
      throw new UnpicklingError(`Trying to call ${op} for unrecognized function ${pyType(fn)}`);
    }
    return fn.call(asItems(args, fn.path));
  }

  private setItems(target: unknown, items: unknown[], op: string): void {
    if (target instanceof PyDict) for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
    else if (target instanceof PickledObject && !this.ctx.weightsOnly) for (let i = 0; i + 1 < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
    else throw new UnpicklingError(`Can only ${op} for dict, collections.OrderedDict, collections.Counter, but got ${pyType(target)}`);
  }

  private extend(target: unknown, items: unknown[], op: string): void {
    if (Array.isArray(target)) target.push(...items);
    else if (target instanceof PickledObject && !this.ctx.weightsOnly) target.listItems.push(...items);
    else throw new UnpicklingError(`Can only ${op} to lists, but got ${pyType(target)}`);
  }

  load(): unknown {
    for (;;) {
      const at = this.pos;
      const op = this.byte();
      if (this.ctx.weightsOnly && !WEIGHTS_ONLY_OPS.has(op)) throw new UnpicklingError(`Unsupported operand ${op} at byte ${at}`);
      switch (op) {
        case OP.PROTO: {
          const proto = this.byte();
          if (proto > 5) throw new UnpicklingError(`unsupported pickle protocol: ${proto}`);
          break;
        }
        case OP.FRAME: this.bytes(8); break;
        case OP.STOP: return this.pop();
        case OP.GLOBAL: this.stack.push(this.global(this.line(), this.line())); break;
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof name !== 'string' || typeof module !== 'string') throw new UnpicklingError('STACK_GLOBAL requires str');
          this.stack.push(this.global(module, name));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          this.stack.push(this.callGlobal(cls, args, 'NEWOBJ'));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop();
          const fn = this.pop();
          this.stack.push(this.callGlobal(fn, args, 'reduce'));
          break;
        }
        case OP.BUILD: {
          const state = this.pop();
          const inst = this.top();
          if (inst instanceof PyDict && inst.kind !== 'dict' && state instanceof PyDict) {
            inst.attrs ??= {};
            for (const [k, v] of state.entries.values()) inst.attrs[String(k)] = v;
          } else if (isTensor(inst) && (state instanceof PyDict || state === null)) {
            // Parameter.__setstate__ / _rebuild_parameter_with_state: Python attributes on a tensor, not kept.
          } else if (inst instanceof NumpyDtype) {
            buildNumpyDtype(inst, state);
          } else if (inst instanceof NumpyArray && inst.tensor === null && inst.inert !== null && inst.inert.state === undefined) {
            buildNumpyArray(inst, state);
          } else if (inst instanceof PickledObject && !this.ctx.weightsOnly) {
            inst.state = state;
          } else {
            throw new UnpicklingError(`Can only build Tensor, Parameter, OrderedDict or types allowlisted via \`add_safe_globals\`, but got ${pyType(inst)}`);
          }
          break;
        }
        case OP.APPEND: {
          const item = this.pop();
          this.extend(this.top(), [item], 'append');
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark();
          this.extend(this.top(), items, 'extend');
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v], 'SETITEM');
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.top(), items, 'SETITEMS');
          break;
        }
        case OP.ADDITEMS: {
          const items = this.popMark();
          const set = this.top();
          if (!(set instanceof PySet)) throw new UnpicklingError(`Can only add items to sets, but got ${pyType(set)}`);
          for (const v of items) set.add(v);
          break;
        }
        case OP.FROZENSET: {
          const s = new PySet();
          const items = this.popMark();
          for (const v of items) s.add(v);
          this.stack.push(s);
          break;
        }
        case OP.MARK:
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case OP.POP_MARK: this.popMark(); break;
        case OP.POP: this.pop(); break;
        case OP.DUP: this.stack.push(this.top()); break;
        case OP.TUPLE: { const items = this.popMark(); this.stack.push(new PyTuple(items)); break; }  // popMark swaps this.stack: call it first
        case OP.TUPLE1: this.stack.push(new PyTuple([this.pop()])); break;
        case OP.TUPLE2: { const b = this.pop(); const a = this.pop(); this.stack.push(new PyTuple([a, b])); break; }
        case OP.TUPLE3: { const c = this.pop(); const b = this.pop(); const a = this.pop(); this.stack.push(new PyTuple([a, b, c])); break; }
        case OP.LIST: { const items = this.popMark(); this.stack.push(items); break; }
        case OP.DICT: {
          const items = this.popMark();
          const d = new PyDict('dict');
          this.setItems(d, items, 'DICT');
          this.stack.push(d);
          break;
        }
        case OP.NONE: this.stack.push(null); break;
        case OP.NEWFALSE: this.stack.push(false); break;
        case OP.NEWTRUE: this.stack.push(true); break;
        case OP.EMPTY_TUPLE: this.stack.push(new PyTuple([])); break;
        case OP.EMPTY_LIST: this.stack.push([]); break;
        case OP.EMPTY_DICT: this.stack.push(new PyDict('dict')); break;
        case OP.EMPTY_SET: this.stack.push(new PySet()); break;
        case OP.BININT: this.stack.push(this.view(4).getInt32(0, true)); break;
        case OP.BININT1: this.stack.push(this.byte()); break;
        case OP.BININT2: this.stack.push(this.view(2).getUint16(0, true)); break;
        case OP.BINFLOAT: this.stack.push(this.view(8).getFloat64(0, false)); break;
        case OP.LONG1: this.stack.push(decodeLong(this.bytes(this.byte()))); break;
        case OP.LONG4: {
          const n = this.view(4).getInt32(0, true);
          if (n < 0) throw new UnpicklingError('LONG pickle has negative byte count');
          this.stack.push(decodeLong(this.bytes(n)));
          break;
        }
        case OP.BINUNICODE: this.stack.push(this.str(this.u32())); break;
        case OP.SHORT_BINUNICODE: this.stack.push(this.str(this.byte())); break;
        case OP.BINUNICODE8: this.stack.push(this.str(this.u64())); break;
        // Python 2 str (torch.load's default encoding reads it as text).
        case OP.SHORT_BINSTRING: this.stack.push(this.pyStr(this.bytes(this.byte()))); break;
        case OP.BINSTRING: {
          const n = this.view(4).getInt32(0, true);
          if (n < 0) throw new UnpicklingError('BINSTRING pickle has negative byte count');
          this.stack.push(this.pyStr(this.bytes(n)));
          break;
        }
        case OP.SHORT_BINBYTES: this.stack.push(Buffer.from(this.bytes(this.byte()))); break;
        case OP.BINBYTES: this.stack.push(Buffer.from(this.bytes(this.u32()))); break;
        case OP.BINBYTES8: case OP.BYTEARRAY8: this.stack.push(Buffer.from(this.bytes(this.u64()))); break;
        case OP.BINPERSID: {
          const pid = this.pop();
          if (!(pid instanceof PyTuple)) throw new UnpicklingError(`persistent_load id must be tuple, but got ${pyType(pid)}`);
          if (pid.items[0] !== 'storage') throw new UnpicklingError(`Only persistent_load of storage is allowed, but got ${pyType(pid.items[0])}`);
          this.stack.push(this.ctx.storage(pid));
          break;
        }
        case OP.BINGET: case OP.LONG_BINGET: {
          const idx = op === OP.BINGET ? this.byte() : this.u32();
          if (!this.memo.has(idx)) throw new UnpicklingError(`Memo value not found at index ${idx}`);
          this.stack.push(this.memo.get(idx));
          break;
        }
        case OP.BINPUT: case OP.LONG_BINPUT: {
          const idx = op === OP.BINPUT ? this.byte() : this.u32();
          this.memo.set(idx, this.top());
          break;
        }
        case OP.MEMOIZE: this.memo.set(this.memo.size, this.top()); break;
        default:
          throw new UnpicklingError(`Unsupported operand ${op} at byte ${at}`);
      }
    }
  }
}

// Python's str.encode('utf-8', 'surrogatepass') (WTF-8): lone surrogates as their 3-byte sequences.
function encodeStr(s: string): Buffer {
  if ((s as { isWellFormed?: () => boolean }).isWellFormed?.() !== false && !/[\ud800-\udfff]/.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; ++i) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      ++i;  // a pair: plain UTF-8
      continue;
    }
    parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]));
    start = i + 1;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

// Python's bytes.decode('utf-8', 'surrogatepass'): encoded surrogates (ED A0-BF xx) become lone UTF-16 surrogates.
function decodeStr(b: Uint8Array): string {
  let i = b.indexOf(0xed);
  while (i >= 0 && !(i + 2 < b.length && b[i + 1]! >= 0xa0 && b[i + 1]! <= 0xbf)) i = b.indexOf(0xed, i + 1);
  if (i < 0) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  let out = '';
  let start = 0;
  for (; i >= 0; i = b.indexOf(0xed, i + 1)) {
    if (!(i + 2 < b.length && b[i + 1]! >= 0xa0 && b[i + 1]! <= 0xbf && (b[i + 2]! & 0xc0) === 0x80)) continue;
    out += Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('utf8');
    out += String.fromCharCode(0xd000 | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
    start = i + 3;
    i += 2;
  }
  return out + Buffer.from(b.buffer, b.byteOffset + start, b.length - start).toString('utf8');
}

// Python's decode_long: little-endian two's complement; a JS number when exact, else a BigInt.
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; --i) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

// Unpickled Python values -> JS (API.md): dicts -> objects (Maps for keys that are not str/int),
// tuples and torch.Size -> arrays, sets -> Set. Shared objects stay shared.
function toJs(v: unknown, seen: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object' || isTensor(v) || v instanceof DType || v instanceof Device || Buffer.isBuffer(v)) return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof PyTuple || Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v instanceof PyTuple ? v.items : v) out.push(toJs(x, seen));
    return out;
  }
  if (v instanceof PyDict) {
    const keys = [...v.entries.values()].map(([k]) => k);
    // A plain object when every key is a str, or every key an int; a Map when the keys are of other
    // types or mixed (an object would merge 1 and '1', and could not keep each key's type).
    const strKeys = keys.every((k) => typeof k === 'string');
    const intKeys = keys.every((k) => (typeof k === 'number' && Number.isInteger(k)) || typeof k === 'bigint');
    if (!strKeys && !intKeys) {
      const m = new Map<unknown, unknown>();
      seen.set(v, m);
      if (v.kind === 'OrderedDict') orderedDicts.add(m);
      if (v.kind === 'Counter') counters.add(m);
      for (const [k, x] of v.entries.values()) m.set(toJs(k, seen), toJs(x, seen));
      return m;
    }
    const o: Record<string, unknown> = {};
    seen.set(v, o);
    if (!strKeys) intKeyedObjects.add(o);
    if (v.kind === 'OrderedDict') orderedDicts.add(o);
    if (v.kind === 'Counter') counters.add(o);
    for (const [k, x] of v.entries.values())
      Object.defineProperty(o, String(k), { value: toJs(x, seen), enumerable: true, writable: true, configurable: true });
    // A state_dict's `_metadata` (module versions): kept, not enumerated, written back by torch.save.
    if (v.attrs && '_metadata' in v.attrs)
      Object.defineProperty(o, '_metadata', { value: toJs(v.attrs['_metadata'], seen), enumerable: false, writable: true, configurable: true });
    return o;
  }
  if (v instanceof PySet) {
    const s = new Set<unknown>();
    seen.set(v, s);
    for (const x of v.items.values()) s.add(toJs(x, seen));
    return s;
  }
  if (v instanceof PickledObject) {
    seen.set(v, v);
    v.args = toJs(v.args, seen) as unknown[];
    v.state = toJs(v.state, seen);
    v.listItems = toJs(v.listItems, seen) as unknown[];
    v.dictItems = v.dictItems.map(([k, x]) => [toJs(k, seen), toJs(x, seen)]);
    return v;
  }
  if (v instanceof NumpyArray) {
    if (v.tensor !== null) return v.tensor;
    return toJs(v.inert, seen);
  }
  if (v instanceof NumpyDtype) {
    const name = tensorDtypeOf(v);
    if (name) return toDType(name);
    const inert = new PickledObject('numpy.dtype', v.args, v.state);
    seen.set(v, inert);  // one dtype pickled once stays one object
    return toJs(inert, seen);
  }
  if (v instanceof PyGlobal) return v.value !== undefined && !(v.value instanceof StorageType) ? v.value : new PickledObject(v.path);
  if (v instanceof LoadedStorage) {
    seen.set(v.bytes, v.bytes); // returned as it is: torch.load must not free it
    return v.byteLength < 0 ? v.bytes : v.bytes.narrow(0, v.byteOffset, v.byteLength);
  }
  return v;
}

// ---- load -------------------------------------------------------------------------------------

// The first bytes of a pre-1.6 (legacy, non-zip) torch.save file: PROTO 2, LONG1 of MAGIC_NUMBER.
const LEGACY_MAGIC = Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

function targetFor(mapLocation: MapLocation | null | undefined, location: string, bytes: Tensor): string | Tensor {
  if (mapLocation === null || mapLocation === undefined) return location;
  if (typeof mapLocation === 'string' || mapLocation instanceof Device) return String(toDevice(mapLocation, 'torch.load'));
  if (typeof mapLocation === 'function') {
    const r = mapLocation(bytes, location);
    if (r === null || r === undefined) return location;
    if (isTensor(r)) return r;
    return String(toDevice(r, 'torch.load'));
  }
  if (typeof mapLocation === 'object') {
    const m = Object.prototype.hasOwnProperty.call(mapLocation, location) ? mapLocation[location] : undefined;
    return m === undefined ? location : String(toDevice(m, 'torch.load'));
  }
  throw new TypeError(`torch.load: mapLocation must be a device, a mapping or a function, got ${typeof mapLocation}`);
}

function moveStorage(bytes: Tensor, target: string | Tensor): Tensor {
  if (isTensor(target)) {
    if (target.dtype !== uint8) throw new TypeError('torch.load: a mapLocation function must return the storage tensor it was given (moved), a device or null');
    return target;
  }
  const device = toDevice(target, 'torch.load');
  if (device.type === 'cpu') return bytes;
  if (device.type === 'cuda' && !native.cudaIsAvailable())
    throw new Error(
      `Attempting to deserialize object on a CUDA device (${target}) but CUDA is not available (torch.cuda.isAvailable() is false). ` +
        "If you are running on a CPU-only machine, please use torch.load with { mapLocation: 'cpu' } to map your storages to the CPU.",
    );
  return new Tensor(zip.storageTo(handleOfTensor(bytes), String(device)));
}

/**
 * torch.load(f, { mapLocation, weightsOnly }): reads what torch.save wrote (Python's or ours) from
 * a path or a Buffer/Uint8Array. Python dicts become plain objects (int keys as strings), tuples and
 * torch.Size arrays. weightsOnly (default true) refuses every global outside PyTorch's allowlist.
 * The result is typed T = any, as Python's Any (so `net.loadStateDict(torch.load(path))` type-checks); name T to narrow it.
 */
export function load<T = any>(f: string | Uint8Array, options?: LoadOptions): T; // eslint-disable-line @typescript-eslint/no-explicit-any
export function load(f: string | Uint8Array, options: LoadOptions = {}): unknown {
  if (typeof options !== 'object' || options === null) throw new TypeError('torch.load: options must be an object');
  for (const k of Object.keys(options))
    if (!['mapLocation', 'weightsOnly', 'mmap', 'encoding'].includes(k)) throw new TypeError(`torch.load: unexpected option '${k}'; expected one of { mapLocation, weightsOnly, mmap, encoding }`);
  const weightsOnly = options.weightsOnly ?? true;
  if (typeof weightsOnly !== 'boolean') throw new TypeError('torch.load: weightsOnly must be a boolean');
  const mmap = options.mmap ?? false;
  if (typeof mmap !== 'boolean') throw new TypeError('torch.load: mmap must be a boolean');
  if (mmap && typeof f !== 'string') throw new Error('torch.load: f must be a file path in order to use the mmap argument');
  const encoding = loadEncoding(options.encoding);
  let file: string;
  if (typeof f === 'string') file = f;
  else if (f instanceof Uint8Array) file = '<buffer>';
  else throw new TypeError(`torch.load: f must be a file path or a Buffer/Uint8Array, got ${f === null ? 'null' : typeof f}`);
  const fail = (e: unknown): never => {
    const msg = e instanceof Error ? e.message.replace(/^torch\.load: /, '') : String(e);
    const err = e instanceof TypeError ? new TypeError(`torch.load: ${file}: ${msg}`) : new Error(`torch.load: ${file}: ${msg}`);
    throw err;
  };
  let reader: object;
  try {
    reader = zip.zipOpen(f);
  } catch (e) {
    // not a zip: the legacy format is checked for only then, so a zip file is opened once
    const head = typeof f === 'string' ? readHead(f) : f.subarray(0, LEGACY_MAGIC.length);
    if (head && Buffer.from(head).equals(LEGACY_MAGIC)) {
      if (mmap)
        throw new Error(
          `torch.load: mmap can only be used with files saved with \`torch.save(${typeof f === 'string' ? `${f}, ` : ''}_use_new_zipfile_serialization=True), ` +
            'please torch.save your checkpoint with this option in order to use mmap.',
        );
      try {
        return loadLegacy(typeof f === 'string' ? readFileSync(f) : f, options.mapLocation ?? null, weightsOnly, encoding);
      } catch (legacyError) {
        return fail(legacyError);
      }
    }
    const why = (e as Error).message.replace(/^torch\.load: /, '').replace(/^\[enforce fail at [^\]]*\] \. /, '');
    if (/open file failed|errno/.test(why)) return fail(new Error(why));
    if (/Attempted to read a PyTorch file with version/.test(why)) return fail(new Error(`unsupported file format version: ${why}`));
    return fail(new Error(`not a PyTorch zip archive, or a damaged one (${why})`));
  }
  try {
    if (zip.zipRecord(reader, 'constants.pkl')) {
      // Python's _is_torchscript_zip: a TorchScript archive goes to torch.jit.load, with its warning
      warn("'torch.load' received a zip file that looks like a TorchScript archive dispatching to 'torch.jit.load' (call 'torch.jit.load' directly to silence this warning)");
      if (weightsOnly) throw new Error('Cannot use ``weights_only=True`` with TorchScript archives passed to ``torch.load``. Load it with { weightsOnly: false } (only from a source you trust: it runs its code), or with torch.jit.load.');
      const mapLocation = options.mapLocation ?? null;
      if (mapLocation !== null && typeof mapLocation !== 'string' && !(mapLocation instanceof Device)) throw new TypeError('a TorchScript archive takes a device as mapLocation (torch.jit.load\'s map_location), not a function or a dict');
      return jitLoad(f, mapLocation as DeviceLike | null);
    }
    const byteorder = zip.zipRecord(reader, 'byteorder');
    if (byteorder && byteorder.toString() !== 'little') throw new Error(`byteorder '${byteorder.toString()}' is not supported (little-endian files only)`);
    const pickle = zip.zipRecord(reader, 'data.pkl');
    if (!pickle) throw new Error('the archive has no data.pkl record: not a torch.save file (a TorchScript module? use torch.jit.load)');
    const storages = new Map<string, Tensor>();
    const ctx: LoadContext = {
      weightsOnly,
      encoding,
      storage: (pid: unknown): LoadedStorage => {
        const [, type, key, location, numel] = (pid as PyTuple).items;
        if (!(type instanceof StorageType)) throw new UnpicklingError(`persistent id: expected a storage type, got ${pyType(type)}`);
        if (typeof key !== 'string' || typeof location !== 'string') throw new UnpicklingError('persistent id: bad storage key or location');
        let bytes = storages.get(key);
        if (!bytes) {
          if (type.dtype.code < 0) throw new UnpicklingError(`dtype torch.${type.dtype.name} does not exist in this libtorch`);
          const raw = new Tensor(zip.zipStorage(reader, `data/${key}`, asInt(numel, 'storage size') * type.dtype.itemsize));
          const target = targetFor(options.mapLocation, location, raw);
          bytes = moveStorage(raw, target);
          if (bytes !== raw) raw.dispose(); // moved (by us or a mapLocation function): the CPU copy is garbage
          storages.set(key, bytes);
        }
        return new LoadedStorage(bytes, type.dtype);
      },
    };
    const seen = new Map<unknown, unknown>();
    try {
      return freeingRebuiltOnError(() => toJs(new Unpickler(pickle, ctx).load(), seen));
    } finally {
      // The tensors are views that hold their storage; the storages' own handles go now, not at GC,
      // except a storage that is itself part of the result.
      for (const bytes of storages.values()) if (!seen.has(bytes)) bytes.dispose();
    }
  } catch (e) {
    return fail(e);
  } finally {
    zip.zipClose(reader);
  }
}

// torch.save's legacy format (before PyTorch 1.6, `_use_new_zipfile_serialization=False`): pickles one
// after another (the magic number, the protocol version, sys_info, the object, the storage keys), then
// each storage's bytes in the keys' order, each after its element count as an int64.
const LEGACY_MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;

// torch.load's `encoding` (Python's codec names for the ones that matter to Python 2 str).
function loadEncoding(encoding: unknown): LoadContext['encoding'] {
  if (encoding === undefined) return undefined;
  if (typeof encoding !== 'string') throw new TypeError('torch.load: encoding must be a string');
  const name = encoding.toLowerCase().replace(/_/g, '-');
  if (name === 'bytes') return 'bytes';
  if (['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(name)) return 'latin1';
  if (['utf-8', 'utf8'].includes(name)) return 'utf8';
  if (['ascii', 'us-ascii'].includes(name)) return 'ascii';
  throw new TypeError(`torch.load: encoding '${encoding}' is not supported (expected 'utf-8', 'latin1', 'ascii' or 'bytes')`);
}

function loadLegacy(data: Uint8Array, mapLocation: MapLocation | null, weightsOnly: boolean, encoding: LoadContext['encoding']): unknown {
  let pos = 0;
  const plain: LoadContext = { weightsOnly: true, storage: () => { throw new UnpicklingError('a persistent id outside the object pickle'); } };
  const next = (ctx: LoadContext): unknown => {
    const u = new Unpickler(data.subarray(pos), ctx);
    const value = u.load();
    pos += u.position;
    return value;
  };
  const magic = next(plain);
  if (BigInt(magic as bigint) !== LEGACY_MAGIC_NUMBER) throw new UnpicklingError('Invalid magic number; corrupt file?');
  const protocol = next(plain);
  if (protocol !== LEGACY_PROTOCOL_VERSION) throw new UnpicklingError(`Invalid protocol version: ${String(protocol)}`);
  const sysInfo = next(plain);
  const littleEndian = sysInfo instanceof PyDict ? [...sysInfo.entries.values()].find(([k]) => k === 'little_endian')?.[1] : undefined;
  if (littleEndian === false) throw new Error("byteorder 'big' is not supported (little-endian files only)");
  const objectStart = pos;
  // Storages are allocated as the object pickle names them, filled from the data that follows it.
  const roots = new Map<string, { bytes: Tensor; dtype: DType; location: string }>();
  const views = new Map<string, LoadedStorage>();
  const storageOf = (resolve: (key: string) => Tensor) => (pid: unknown): LoadedStorage => {
    const items = asItems(pid, 'persistent id');
    if (items[0] === 'module') throw new UnpicklingError('a pickled nn.Module class (torch.save(model)) cannot be loaded: save model.state_dict() instead');
    if (items[0] !== 'storage') throw new UnpicklingError(`Unknown saved id type: ${String(items[0])}`);
    const [, type, rootKey, location, numel, viewMetadata] = items;
    if (!(type instanceof StorageType)) throw new UnpicklingError(`persistent id: expected a storage type, got ${pyType(type)}`);
    if (typeof rootKey !== 'string' || typeof location !== 'string') throw new UnpicklingError('persistent id: bad storage key or location');
    if (type.dtype.code < 0) throw new UnpicklingError(`dtype torch.${type.dtype.name} does not exist in this libtorch`);
    if (!roots.has(rootKey)) {
      const nbytes = asInt(numel, 'storage size') * type.dtype.itemsize;
      if (nbytes < 0 || nbytes > data.length) throw new UnpicklingError(`storage ${rootKey}: ${String(numel)} elements, more than the file holds`);
      roots.set(rootKey, { bytes: aten('empty', [[nbytes], { dtype: uint8 }]) as Tensor, dtype: type.dtype, location });
    }
    const bytes = resolve(rootKey);
    if (viewMetadata === null || viewMetadata === undefined) return new LoadedStorage(bytes, type.dtype);
    const [viewKey, offset, size] = asItems(viewMetadata, 'storage view');
    if (typeof viewKey !== 'string') throw new UnpicklingError('persistent id: bad storage view key');
    let view = views.get(viewKey);
    if (!view) {
      const byteOffset = asInt(offset, 'storage view offset') * type.dtype.itemsize, byteLength = asInt(size, 'storage view size') * type.dtype.itemsize;
      if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > bytes.numel()) throw new UnpicklingError('a storage view outside its storage');
      view = new LoadedStorage(bytes, type.dtype, byteOffset, byteLength);
      views.set(viewKey, view);
    }
    return view;
  };
  const cpu = (key: string): Tensor => roots.get(key)!.bytes;
  const moved = new Map<string, Tensor>();
  const seen = new Map<unknown, unknown>();
  try {
    return freeingRebuiltOnError((firstPass) => {
      let result = next({ weightsOnly, encoding, storage: storageOf(cpu) });
      const keys = next(plain);
      if (!Array.isArray(keys)) throw new UnpicklingError(`the storage keys: expected a list, got ${pyType(keys)}`);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (const key of keys) {
        const root = typeof key === 'string' ? roots.get(key) : undefined;
        if (root === undefined) throw new UnpicklingError(`storage ${String(key)} is not used by the object`);
        if (pos + 8 > data.length) throw new UnpicklingError('the storage data was truncated');
        const count = view.getBigInt64(pos, true);
        const nbytes = root.bytes.numel();
        if (count * BigInt(root.dtype.itemsize) !== BigInt(nbytes)) throw new UnpicklingError(`storage ${key}: ${count} elements in the data, ${nbytes / root.dtype.itemsize} in the object`);
        pos += 8;
        if (pos + nbytes > data.length) throw new UnpicklingError('the storage data was truncated');
        if (nbytes > 0) {
          const src = frombuffer(data.buffer as ArrayBuffer, { dtype: uint8, count: nbytes, offset: data.byteOffset + pos });
          root.bytes.copy_(src);
          src.dispose();
        }
        pos += nbytes;
      }
      // mapLocation to another device: the storages move, and the object is built again over them.
      for (const [key, root] of roots) {
        const bytes = moveStorage(root.bytes, targetFor(mapLocation, root.location, root.bytes));
        if (bytes !== root.bytes) moved.set(key, bytes);
      }
      if (moved.size > 0) {
        for (const t of firstPass.splice(0)) t.dispose();
        views.clear();
        pos = objectStart;
        result = next({ weightsOnly, encoding, storage: storageOf((key) => moved.get(key) ?? cpu(key)) });
      }
      return toJs(result, seen);
    });
  } finally {
    // the storages' own handles: the result's tensors hold their storages (a bare storage in the result stays)
    for (const [key, root] of roots) {
      if (!seen.has(root.bytes)) root.bytes.dispose();
      const m = moved.get(key);
      if (m !== undefined && !seen.has(m)) m.dispose();
    }
  }
}

/**
 * A plain pickle (Python's `pickle.load(f, encoding='latin1')` of a file without tensors, as
 * torchvision reads CIFAR's batches): any global is described, never run; numpy arrays become
 * tensors. Internal: the datasets use it.
 */
export function unpickle(data: Uint8Array): unknown {
  const ctx: LoadContext = { weightsOnly: false, storage: () => { throw new UnpicklingError('a persistent id in a plain pickle'); } };
  return freeingRebuiltOnError(() => toJs(new Unpickler(data, ctx).load(), new Map()));
}

function readHead(path: string): Uint8Array | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(LEGACY_MAGIC.length);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// ---- save -------------------------------------------------------------------------------------

// Python's pickler, protocol 2, for the values torch.save takes from JS (see save()).
class Pickler {
  private buf = Buffer.alloc(1 << 12);
  private len = 0;
  private readonly memo = new Map<unknown, number>();
  readonly storages = new Map<string, { name: string; tensor: Tensor; dtype: DType }>();

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  op(...bytes: number[]): void {
    this.ensure(bytes.length);
    for (const b of bytes) this.buf[this.len++] = b;
  }
  private raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  private u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  put(key: unknown): void {
    // two objects under one number would make every later back-reference point at the wrong one
    if (this.memo.has(key)) throw new Error('torch.save: internal error: an object was memoized twice');
    const idx = this.memo.size;
    this.memo.set(key, idx);
    if (idx < 256) this.op(OP.BINPUT, idx);
    else {
      this.op(OP.LONG_BINPUT);
      this.u32(idx);
    }
  }
  get(key: unknown): boolean {
    const idx = this.memo.get(key);
    if (idx === undefined) return false;
    if (idx < 256) this.op(OP.BINGET, idx);
    else {
      this.op(OP.LONG_BINGET);
      this.u32(idx);
    }
    return true;
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= 0xff) this.op(OP.BININT1, v);
    else if (typeof v === 'number' && v >= 0 && v <= 0xffff) this.op(OP.BININT2, v & 0xff, v >> 8);
    else if (v >= -0x80000000 && v <= 0x7fffffff) {
      this.op(OP.BININT);
      this.ensure(4);
      this.buf.writeInt32LE(Number(v), this.len);
      this.len += 4;
    } else {
      // encode_long: minimal little-endian two's complement.
      let n = BigInt(v);
      const out: number[] = [];
      for (;;) {
        out.push(Number(n & 0xffn));
        n >>= 8n;
        const sign = out[out.length - 1]! & 0x80;
        if ((n === 0n && !sign) || (n === -1n && sign)) break;
      }
      // LONG4 is what Python writes beyond 255 bytes, and its weights_only loader refuses it: no file Python reads
      if (out.length > 255) throw new RangeError(`torch.save: an integer of ${out.length} bytes cannot be saved (Python's weights_only torch.load reads integers up to 255 bytes)`);
      this.op(OP.LONG1, out.length, ...out);
    }
  }
  float(v: number): void {
    this.op(OP.BINFLOAT);
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
  }
  str(s: string): void {
    const key = `str:${s}`;
    if (this.get(key)) return;
    const b = encodeStr(s);
    this.op(OP.BINUNICODE);
    this.u32(b.length);
    this.raw(b);
    this.put(key);
  }
  global(module: string, name: string): void {
    const key = `global:${module}.${name}`;
    if (this.get(key)) return;
    this.op(OP.GLOBAL);
    this.raw(Buffer.from(`${module}\n${name}\n`, 'utf8'));
    this.put(key);
  }
  // A tuple as Python writes one: TUPLE1-3 or MARK ... TUPLE, then memoized.
  tuple(items: (() => void)[]): void {
    if (items.length === 0) return this.op(OP.EMPTY_TUPLE);
    if (items.length > 3) this.op(OP.MARK);
    for (const write of items) write();
    this.op(items.length > 3 ? OP.TUPLE : [0, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length]!);
    this.put({});
  }
  reduce(module: string, name: string, args: (() => void)[], memoKey: unknown): void {
    this.global(module, name);
    this.tuple(args);
    this.op(OP.REDUCE);
    this.put(memoKey);
  }
  // _batch_setitems / _batch_appends: batches of 1000, SETITEM/APPEND for a batch of one.
  items<T>(list: T[], writeItem: (x: T) => void, one: number, many: number): void {
    for (let i = 0; i < list.length; i += 1000) {
      const batch = list.slice(i, i + 1000);
      if (batch.length > 1) this.op(OP.MARK);
      for (const x of batch) writeItem(x);
      this.op(batch.length > 1 ? many : one);
    }
  }
}

const V3_DTYPES = new Set(['uint16', 'uint32', 'uint64', 'complex32', 'float8_e5m2', 'float8_e4m3fn', 'float8_e5m2fnuz', 'float8_e4m3fnuz',
  'float8_e8m0fnu', 'float4_e2m1fn_x2', 'bits8', 'bits16', 'bits1x8', 'bits2x4', 'bits4x2']);
const STORAGE_NAME: Record<string, string> = Object.fromEntries(Object.entries(LEGACY_STORAGES).map(([k, v]) => [v, k]));

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function saveValue(p: Pickler, v: unknown, where: string): void {
  if (v === null || v === undefined) return p.op(OP.NONE);
  switch (typeof v) {
    case 'boolean': return p.op(v ? OP.NEWTRUE : OP.NEWFALSE);
    case 'number':
      // API.md: a whole number is a Python int (2 ** 53 and beyond too, exactly), any other number a float.
      if (!Number.isInteger(v) || Object.is(v, -0)) return p.float(v);
      return Number.isSafeInteger(v) ? p.int(v) : p.int(BigInt(v));
    case 'bigint': return p.int(v);
    case 'string': return p.str(v);
    case 'object': break;
    default: throw new TypeError(`torch.save: cannot save a ${typeof v} (at ${where})`);
  }
  const obj = v as object;
  if (p.get(obj)) return;
  if (isTensor(obj)) return saveTensor(p, obj, where);
  if (obj instanceof DType) {
    p.global('torch', obj.name);
    return;
  }
  if (obj instanceof Device) {
    const args = obj.index === null ? [() => p.str(obj.type)] : [() => p.str(obj.type), () => p.int(obj.index!)];
    return p.reduce('torch', 'device', args, obj);
  }
  if (Array.isArray(obj)) {
    p.op(OP.EMPTY_LIST);
    p.put(obj);
    p.items(obj, (x) => saveValue(p, x, `${where}[]`), OP.APPEND, OP.APPENDS);
    return;
  }
  // Counter.__reduce__: Counter(dict(self)); the dict is a copy without the mark
  if (counters.has(obj)) return p.reduce('collections', 'Counter', [() => saveValue(p, obj instanceof Map ? new Map(obj) : (intKeyedObjects.has(obj) ? markIntKeys({ ...obj }) : { ...obj }), where)], obj);
  if (obj instanceof Map) {
    if (orderedDicts.has(obj)) {
      p.global('collections', 'OrderedDict');
      p.op(OP.EMPTY_TUPLE, OP.REDUCE);
    } else {
      p.op(OP.EMPTY_DICT);
    }
    p.put(obj);
    p.items([...obj], ([k, x]) => {
      saveKey(p, k, `${where} key`);
      saveValue(p, x, `${where}.${String(k)}`);
    }, OP.SETITEM, OP.SETITEMS);
    return;
  }
  if (complexValues.has(obj)) {
    const z = obj as { real: number; imag: number };
    return p.reduce('__builtin__', 'complex', [() => p.float(z.real), () => p.float(z.imag)], obj);
  }
  if (obj instanceof Set) {
    // a set's items are hashable in Python, as dict keys: arrays become tuples (a list is unhashable)
    return p.reduce('builtins', 'set', [() => {
      p.op(OP.EMPTY_LIST);
      p.put({});
      p.items([...obj], (x) => saveKey(p, x, `${where} item`), OP.APPEND, OP.APPENDS);
    }], obj);
  }
  if (obj instanceof Uint8Array) {
    // Python 3 bytes in protocol 2: _codecs.encode(latin-1 text, 'latin1').
    return p.reduce('_codecs', 'encode', [() => p.str(Buffer.from(obj).toString('latin1')), () => p.str('latin1')], obj);
  }
  if (ArrayBuffer.isView(obj)) throw new TypeError(`torch.save: cannot save a ${obj.constructor.name} (at ${where}); make it a tensor with torch.tensor()`);
  if (!isPlainObject(obj)) throw new TypeError(`torch.save: cannot save an instance of ${obj.constructor?.name ?? 'object'} (at ${where}); only tensors, arrays, plain objects, Maps, Sets, numbers, bigints, strings, booleans, null, dtypes and devices`);
  const intKeys = intKeyedObjects.has(obj);
  // an int-keyed dict (Python's, loaded) gets int keys again, big ones too (loaded as their digits)
  const intKey = (k: string): number | bigint => (Number.isSafeInteger(Number(k)) ? Number(k) : BigInt(k));
  const entries = Object.keys(obj).map((k): [string | number | bigint, unknown] => [intKeys && /^(0|-?[1-9]\d*)$/.test(k) ? intKey(k) : k, obj[k]]);
  const descriptor = Object.getOwnPropertyDescriptor(obj, '_metadata');
  const metadata = descriptor !== undefined && !descriptor.enumerable ? descriptor : undefined;
  const ordered = metadata !== undefined || orderedDicts.has(obj);
  if (ordered) {
    // Python's state_dict: OrderedDict() REDUCE, items, then BUILD {'_metadata': ...}.
    p.global('collections', 'OrderedDict');
    p.op(OP.EMPTY_TUPLE, OP.REDUCE);
  } else {
    p.op(OP.EMPTY_DICT);
  }
  p.put(obj);
  p.items(entries, ([k, x]) => {
    saveValue(p, k, where);
    saveValue(p, x, `${where}.${k}`);
  }, OP.SETITEM, OP.SETITEMS);
  if (metadata) {
    p.op(OP.EMPTY_DICT);
    p.put({});
    saveValue(p, '_metadata', where);
    saveValue(p, metadata.value, `${where}._metadata`);
    p.op(OP.SETITEM, OP.BUILD);
  }
}

// A dict key or set item, hashable as Python needs it: arrays (tuples that torch.load made arrays) are
// written as tuples; an object, a Map or a Set (a dict, a set: unhashable in Python) is refused.
function saveKey(p: Pickler, k: unknown, where: string): void {
  if (Array.isArray(k)) return p.tuple(k.map((x) => () => saveKey(p, x, where)));
  if (k instanceof Map || k instanceof Set || (typeof k === 'object' && k !== null && isPlainObject(k) && !complexValues.has(k)))
    throw new TypeError(`torch.save: a ${k instanceof Set ? 'Set' : k instanceof Map ? 'Map' : 'plain object'} cannot be a Map key or a Set item (at ${where}): Python's dict and set are unhashable`);
  saveValue(p, k, where);
}

// A sparse COO tensor as Python's Tensor._reduce_ex_internal writes it:
// _rebuild_sparse_tensor(_get_layout('torch.sparse_coo'), (indices, values, torch.Size(size), is_coalesced)).
function saveSparse(p: Pickler, t: Tensor, where: string, memoKey: unknown): void {
  if (t.layout !== sparseCoo) throw new TypeError(`torch.save: only strided and sparse COO tensors can be saved, got ${String(t.layout)} (at ${where})`);
  const intTuple = (xs: number[]) => (): void => p.tuple(xs.map((x) => () => p.int(x)));
  p.reduce('torch._utils', '_rebuild_sparse_tensor', [
    () => p.reduce('torch.serialization', '_get_layout', [() => p.str('torch.sparse_coo')], {}),
    () => p.tuple([
      () => saveTensor(p, aten('_indices', [t]) as Tensor, `${where}._indices`),
      () => saveTensor(p, aten('_values', [t]) as Tensor, `${where}._values`),
      () => p.reduce('torch', 'Size', [intTuple(t.shape)], {}),
      () => p.op(t.isCoalesced() ? OP.NEWTRUE : OP.NEWFALSE),
    ]),
  ], memoKey);
}

// nn.Parameter.__reduce_ex__: _rebuild_parameter(the tensor's reduce, requires_grad, OrderedDict() of hooks).
function saveParameter(p: Pickler, t: Parameter, where: string): void {
  p.reduce('torch._utils', '_rebuild_parameter', [
    () => saveTensor(p, t, where, {}, false),  // Parameter.data: a tensor that does not require grad
    () => p.op(t.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE),
    () => {
      p.global('collections', 'OrderedDict');
      p.op(OP.EMPTY_TUPLE, OP.REDUCE);
      p.put({});
    },
  ], t);
}

// A meta tensor as Tensor._reduce_ex_internal writes it: _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad).
function saveMeta(p: Pickler, t: Tensor, memoKey: unknown): void {
  const intTuple = (xs: number[]) => (): void => p.tuple(xs.map((x) => () => p.int(x)));
  p.reduce('torch._utils', '_rebuild_meta_tensor_no_storage', [
    () => p.global('torch', t.dtype.name), intTuple(t.shape), intTuple(t.stride()), () => p.op(t.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE),
  ], memoKey);
}

function saveTensor(p: Pickler, t: Tensor, where: string, memoKey: unknown = t, requiresGrad = t.requiresGrad): void {
  if (t instanceof Parameter && memoKey === t) return saveParameter(p, t, where);
  if (t.device.type === 'meta') return saveMeta(p, t, memoKey);
  if (t.isSparse) return saveSparse(p, t, where, memoKey);
  // Python pickles them through _rebuild_nested_tensor (not ported); the shape read below would fail obscurely
  if (t.isNested) throw new TypeError(`torch.save: nested tensors cannot be saved by torchnode (at ${where})`);
  const [storageKey, nbytes, offset, location, conj, neg] = zip.tensorStorage(handleOfTensor(t));
  const dtype = t.dtype;
  const v3 = V3_DTYPES.has(dtype.name);
  let entry = p.storages.get(storageKey);
  if (!entry) {
    entry = { name: String(p.storages.size), tensor: t, dtype };
    p.storages.set(storageKey, entry);
  } else if (entry.dtype !== dtype && nbytes > 0) {
    // Python's _save: one storage written under two dtypes would load back as only one of them.
    throw new Error('torch.save: Cannot save multiple tensors or storages that view the same data as different types');
  }
  const name = entry.name;
  const storageArg = (): void => {
    p.tuple([
      () => p.str('storage'),
      () => (v3 ? p.global('torch.storage', 'UntypedStorage') : p.global('torch', storageTypeName(dtype))),
      () => p.str(name),
      () => p.str(location),
      () => p.int(v3 ? nbytes : nbytes / dtype.itemsize),
    ]);
    p.op(OP.BINPERSID);
  };
  const intTuple = (xs: number[]) => (): void => p.tuple(xs.map((x) => () => p.int(x)));
  const args = [
    storageArg,
    () => p.int(offset),
    intTuple(t.shape),
    intTuple(t.stride()),
    () => p.op(requiresGrad ? OP.NEWTRUE : OP.NEWFALSE),
    () => {
      p.global('collections', 'OrderedDict');
      p.op(OP.EMPTY_TUPLE, OP.REDUCE);
      p.put({});
    },
  ];
  if (v3) args.push(() => p.global('torch', dtype.name));
  if (conj || neg) {
    const flags = new Map<string, boolean>();
    if (conj) flags.set('conj', true);
    if (neg) flags.set('neg', true);
    args.push(() => saveValue(p, flags, where));
  }
  p.reduce('torch._utils', v3 ? '_rebuild_tensor_v3' : '_rebuild_tensor_v2', args, memoKey);
}

function storageTypeName(dtype: DType): string {
  const name = STORAGE_NAME[dtype.name];
  if (!name) throw new TypeError(`torch.save: tensors of dtype torch.${dtype.name} cannot be saved`);
  return name;
}

/**
 * torch.save(obj, f): writes obj in PyTorch's zip format, which Python's torch.load reads (also
 * with weights_only=True). Without f, returns the bytes as a Buffer. Plain objects are dicts (str
 * keys; objects torch.load made from int-keyed dicts, or marked with markIntKeys, get int keys back),
 * Maps are dicts with any keys, arrays are lists, whole numbers ints, other numbers floats.
 */
export function save(obj: unknown, f?: string): Buffer | undefined {
  if (f !== undefined && typeof f !== 'string') throw new TypeError(`torch.save: f must be a file path, got ${f === null ? 'null' : typeof f}`);
  const p = new Pickler();
  p.op(OP.PROTO, 2);
  saveValue(p, obj, 'obj');
  p.op(OP.STOP);
  const records: [string, Uint8Array | Handle][] = [
    ['data.pkl', p.result()],
    ['.format_version', Buffer.from('1')],
    ['.storage_alignment', Buffer.from('64')],
    ['byteorder', Buffer.from('little')],
  ];
  for (const { name, tensor } of p.storages.values()) records.push([`data/${name}`, handleOfTensor(tensor)]);
  if (f === undefined) return zip.zipWrite(records);
  try {
    return zip.zipWrite(records, f);
  } catch (e) {
    throw new Error(`torch.save: ${f}: ${(e as Error).message.replace(/^torch\.save: /, '')}`);
  }
}

