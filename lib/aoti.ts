// AOTInductor packages: a model exported with torch.export and compiled by Python's
// torch._inductor.aoti_compile_and_package into a .pt2 runs here through libtorch's own
// AOTIModelPackageLoader (native/src/aoti.cc). `torch.aoti.loadPackage(path)` mirrors Python's
// torch._inductor.aoti_load_package: a callable whose inputs and outputs keep the exported program's
// structure, read from the package's pytree call spec (a single tensor, a tuple as an array, a dict as an object).
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { native, type Handle } from './native.js';
import { Tensor, isTensor, handleOfTensor } from './tensor.js';
import { readOptions, describe } from './options.js';
import { __version__ } from './runtime.js';
import { ZipIndexError, entryDataOffset, readIndexed, readZipIndex } from './zip_index.js';

interface AotiNative {
  aotiLoad(path: string, modelName: string, runSingleThreaded: boolean, deviceIndex: number): object;
  aotiRun(pkg: object, inputs: Handle[]): (Handle | null)[];
  aotiLoadConstants(pkg: object, names: string[], tensors: Handle[], checkFullUpdate: boolean): void;
  aotiMetadata(pkg: object): Record<string, string>;
  aotiCallSpec(pkg: object): [inSpec: string, outSpec: string];
  aotiConstantFqns(pkg: object): string[];
  aotiDispose(pkg: object): void;
}
const aotiNative = native as unknown as AotiNative;

export interface LoadPackageOptions {
  /** The model inside the package (Python's default: 'model'). */
  modelName?: string;
  /** Run without the runner's locking, for callers that never run the model from two threads at once. */
  runSingleThreaded?: boolean;
  /** CUDA packages: the device to load the model onto (-1: the current device). */
  deviceIndex?: number;
}

/** A pytree spec node as torch.utils._pytree.treespec_dumps writes it (protocol 1). */
interface SpecNode {
  type: string | null;
  context: string | null;
  children_spec: SpecNode[];
}

const SEQUENCE_TYPES = new Set(['builtins.tuple', 'builtins.list', 'torch.fx.immutable_collections.immutable_list', 'collections.namedtuple']);
const MAPPING_TYPES = new Set(['builtins.dict', 'collections.OrderedDict', 'collections.defaultdict', 'torch.fx.immutable_collections.immutable_dict']);
const NONE_TYPE = 'builtins.NoneType';

function parseSpec(fn: string, text: string): SpecNode {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed) || parsed[0] !== 1 || typeof parsed[1] !== 'object') throw new Error(`${fn}: unsupported pytree spec ${text.slice(0, 80)}`);
  return parsed[1] as SpecNode;
}

const leafCount = (s: SpecNode): number => (s.type === null ? 1 : s.children_spec.reduce((n, c) => n + leafCount(c), 0));

/** The keys of a dict node: its context is the JSON list of keys. */
const mappingKeys = (s: SpecNode): string[] => (JSON.parse(s.context ?? '[]') as unknown[]).map(String);

/** The tensors of `value`, in the order of the spec's leaves; a TypeError names the path that does not fit. */
function flatten(fn: string, value: unknown, spec: SpecNode, path: string, out: Tensor[]): void {
  if (spec.type === null) {
    // Python's AOTICompiledModel passes the tensor leaves only: a Python scalar or None that export
    // specialised is a leaf of the spec, but the compiled model takes no input for it
    if (isTensor(value)) out.push(value);
    else if (!isScalarLeaf(value)) throw new TypeError(`${fn}: ${path} must be a Tensor (or a number, boolean, string or null the export specialised), got ${describe(value)}`);
  } else if (spec.type === NONE_TYPE) {
    if (value !== null && value !== undefined) throw new TypeError(`${fn}: ${path} must be null, got ${describe(value)}`);
  } else if (SEQUENCE_TYPES.has(spec.type)) {
    const n = spec.children_spec.length;
    if (!Array.isArray(value) || value.length !== n) throw new TypeError(`${fn}: ${path} must be an array of ${n}, got ${Array.isArray(value) ? `an array of ${value.length}` : describe(value)}`);
    spec.children_spec.forEach((c, i) => flatten(fn, value[i], c, `${path}[${i}]`, out));
  } else if (MAPPING_TYPES.has(spec.type)) {
    const keys = mappingKeys(spec);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || isTensor(value)) throw new TypeError(`${fn}: ${path} must be an object with keys ${keys.join(', ')}, got ${describe(value)}`);
    const record = value as Record<string, unknown>;
    const extra = Object.keys(record).filter((k) => !keys.includes(k));
    if (extra.length) throw new TypeError(`${fn}: ${path} has unexpected keys ${extra.join(', ')} (expected ${keys.join(', ') || 'none'})`);
    spec.children_spec.forEach((c, i) => flatten(fn, record[keys[i]!], c, `${path}.${keys[i]}`, out));
  } else {
    throw new TypeError(`${fn}: inputs of pytree type ${spec.type} are not supported: pass the flat tensors to run()`);
  }
}

const isScalarLeaf = (v: unknown): boolean => v === null || v === undefined || ['number', 'boolean', 'bigint', 'string'].includes(typeof v);

/** The outputs rebuilt in the exported program's structure (Python's tree_unflatten). */
function unflatten(spec: SpecNode, flat: (Tensor | null)[], at: { i: number }): unknown {
  if (spec.type === null) return flat[at.i++];
  if (spec.type === NONE_TYPE) return null;
  const items = spec.children_spec.map((c) => unflatten(c, flat, at));
  if (!MAPPING_TYPES.has(spec.type)) return items; // tuples, lists and anything sequence-like: an array
  const keys = mappingKeys(spec);
  return Object.fromEntries(keys.map((k, i) => [k, items[i]]));
}

// Packages still loaded at exit: libtorch deletes a package's extracted files (a temporary directory)
// when its loader is destroyed, and exiting does not run GC finalizers. Weak: GC may still free them.
const loaded = new Set<WeakRef<object>>();
const forget = new FinalizationRegistry<WeakRef<object>>((ref) => loaded.delete(ref));
let exitHook = false;
function track(pkg: object): WeakRef<object> {
  const ref = new WeakRef(pkg);
  loaded.add(ref);
  forget.register(pkg, ref, ref);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const r of loaded) {
        const p = r.deref();
        if (p) aotiNative.aotiDispose(p);
      }
    });
  }
  return ref;
}

/** A loaded AOTInductor package (Python's AOTICompiledModel): call it, read its metadata, dispose it. */
export class AOTICompiledModel {
  #pkg: object | null;
  readonly #ref: WeakRef<object>;
  readonly #path: string;
  readonly #inSpec: SpecNode;
  readonly #outSpec: SpecNode;
  /**
   * The leaves of the exported program's inputs: how many tensors run() takes, unless the program took
   * Python scalars or None (export specialises them: leaves of the spec, but no input of the compiled model).
   */
  readonly numInputs: number;
  /** How many values run() returns (a None output is null). */
  readonly numOutputs: number;

  /** @internal use torch.aoti.loadPackage */
  constructor(pkg: object, path: string) {
    this.#pkg = pkg;
    this.#ref = track(pkg);
    this.#path = path;
    const [inText, outText] = aotiNative.aotiCallSpec(pkg);
    this.#inSpec = parseSpec('torch.aoti.loadPackage', inText);
    this.#outSpec = parseSpec('torch.aoti.loadPackage', outText);
    this.numInputs = leafCount(this.#inSpec);
    this.numOutputs = leafCount(this.#outSpec);
  }

  #live(fn: string): object {
    if (this.#pkg === null) throw new Error(`${fn}: the package ${this.#path} was disposed`);
    return this.#pkg;
  }

  /** Runs the model on inputs as the exported program took them; returns outputs as it returned them. */
  call(...args: unknown[]): unknown {
    const fn = 'AOTICompiledModel.call';
    this.#live(fn);
    // The spec is (args tuple, kwargs dict); keyword arguments have no JS spelling here.
    const [argsSpec, kwargsSpec] = this.#inSpec.children_spec;
    if (this.#inSpec.type !== 'builtins.tuple' || !argsSpec || !kwargsSpec) throw new TypeError(`${fn}: unexpected input spec: use run() with the flat tensors`);
    if (kwargsSpec.children_spec.length) throw new TypeError(`${fn}: the program takes keyword arguments (${mappingKeys(kwargsSpec).join(', ')}): pass all ${this.numInputs} flat tensors to run()`);
    if (args.length !== argsSpec.children_spec.length) throw new TypeError(`${fn}: the exported program takes ${argsSpec.children_spec.length} argument(s), got ${args.length}`);
    const flat: Tensor[] = [];
    argsSpec.children_spec.forEach((c, i) => flatten(fn, args[i], c, `argument ${i}`, flat));
    return unflatten(this.#outSpec, this.#run(fn, flat), { i: 0 });
  }

  /**
   * The flat form (Python's loader.run): every input tensor in order in, every output out (null for a
   * None). The compiled model checks the count (a package whose program took scalars takes fewer than numInputs).
   */
  run(inputs: readonly Tensor[]): (Tensor | null)[] {
    const fn = 'AOTICompiledModel.run';
    this.#live(fn);
    if (!Array.isArray(inputs)) throw new TypeError(`${fn}: expected an array of tensors, got ${describe(inputs)}`);
    inputs.forEach((t, i) => {
      if (!isTensor(t)) throw new TypeError(`${fn}: input ${i} must be a Tensor, got ${describe(t)}`);
    });
    return this.#run(fn, inputs);
  }

  #run(fn: string, inputs: readonly Tensor[]): (Tensor | null)[] {
    try {
      return aotiNative.aotiRun(this.#live(fn), inputs.map(handleOfTensor)).map((h) => (h === null ? null : new Tensor(h)));
    } catch (e) {
      throw rename(e, fn);
    }
  }

  /**
   * load_constants(constants_map, check_full_update): new values for the model's constants by fully
   * qualified name (getConstantFqns()), copied into the model. Each must have the constant's shape, dtype
   * and device (libtorch copies without checking; Python accepts any and reads out of bounds). With
   * checkFullUpdate every constant must be given. Python's user_managed is refused: libtorch 2.13 never
   * frees the handle it makes for each user-managed constant (with the tensor's whole storage).
   */
  loadConstants(constants: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, options: { checkFullUpdate: boolean; userManaged?: false }): void {
    const fn = 'AOTICompiledModel.loadConstants';
    const pkg = this.#live(fn);
    const entries = constants instanceof Map ? [...constants.entries()] : typeof constants === 'object' && constants !== null && !isTensor(constants) ? Object.entries(constants) : null;
    if (entries === null) throw new TypeError(`${fn}: expected an object or a Map of constant names to tensors, got ${describe(constants)}`);
    for (const [name, t] of entries) if (!isTensor(t)) throw new TypeError(`${fn}: the value of ${name} must be a Tensor, got ${describe(t)}`);
    const o = readOptions(fn, options, ['checkFullUpdate', 'userManaged']) as { checkFullUpdate?: unknown; userManaged?: unknown };
    if (o.checkFullUpdate === undefined) throw new TypeError(`${fn}: missing 1 required keyword-only argument: 'checkFullUpdate'`);
    for (const key of ['checkFullUpdate', 'userManaged'] as const)
      if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new TypeError(`${fn}: ${key} must be a boolean, got ${describe(o[key])}`);
    if (o.userManaged === true)
      throw new Error(`${fn}: userManaged is not supported: libtorch ${__version__} never frees the handle it makes for a user-managed constant (nor the tensor's memory), so every call would leak; the constants are copied instead when userManaged is false`);
    try {
      aotiNative.aotiLoadConstants(pkg, entries.map(([k]) => k), entries.map(([, t]) => handleOfTensor(t)), o.checkFullUpdate as boolean);
    } catch (e) {
      throw rename(e, fn);
    }
  }

  /** The package's metadata (AOTI_DEVICE_KEY, AOTI_CPU_ISA, ... and the compile's aot_inductor.metadata). */
  getMetadata(): Record<string, string> {
    return { ...aotiNative.aotiMetadata(this.#live('AOTICompiledModel.getMetadata')) };
  }

  /** The fully qualified names of the model's constants (parameters and buffers), as Python's get_constant_fqns. */
  getConstantFqns(): string[] {
    return aotiNative.aotiConstantFqns(this.#live('AOTICompiledModel.getConstantFqns'));
  }

  /** Alias of getMetadata(). */
  metadata(): Record<string, string> {
    return this.getMetadata();
  }

  /** Alias of getConstantFqns(). */
  constantFqns(): string[] {
    return this.getConstantFqns();
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.#pkg === null;
  }

  /** Unloads the model now (its .so and constants); idempotent. Later calls throw. */
  dispose(): void {
    if (this.#pkg !== null) {
      aotiNative.aotiDispose(this.#pkg);
      loaded.delete(this.#ref);
      forget.unregister(this.#ref);
    }
    this.#pkg = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    return `AOTICompiledModel(${this.#path})`;
  }
}

/** Keeps the error's class; replaces the native prefix with the public function's name. */
function rename(e: unknown, fn: string): unknown {
  if (e instanceof Error) e.message = `${fn}: ${e.message.replace(/^torch\.aoti[^:]*: /, '').trimEnd()}`;
  return e;
}

/**
 * Checks a .pt2 (a zip) before libtorch opens it: the CRC-32 of every shared object (libtorch's zip
 * reader skips CRC checks, and the dynamic loader aborts the process on a damaged ELF file) and that
 * the model is there (libtorch leaves an empty temporary directory behind when it is not). Returns a
 * description of the first problem, or null. Reads only the zip index and the .so entries.
 */
function packageProblem(path: string, modelName: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const models = new Set<string>();
    for (const entry of readZipIndex(fd)) {
      // libtorch matches the stored bytes, so they read as UTF-8 whatever the entry's flags say
      const name = entry.nameBytes.toString('utf8');
      const model = /^[^/]+\/data\/aotinductor\/([^/]+)\//.exec(name)?.[1];
      if (model !== undefined) models.add(model);
      if (!name.endsWith('.so')) continue;
      if (entry.method !== 0) return `${name} is compressed (method ${entry.method}); packages store their files`;
      let pos = entryDataOffset(fd, entry);
      if (pos === null) return `${name}: damaged local header`;
      let value = 0;
      for (let left = entry.compressedSize; left > 0; ) {
        const n = Math.min(left, 1 << 22);
        value = crc32(readIndexed(fd, pos, n, size), value);
        pos += n;
        left -= n;
      }
      if (value !== entry.crc) return `${name} is damaged (CRC-32 ${value.toString(16)}, the archive says ${entry.crc.toString(16)})`;
    }
    if (!models.has(modelName)) return `the package has no model '${modelName}' (it has: ${[...models].join(', ') || 'none'})`;
    return null;
  } catch (e) {
    return e instanceof RangeError || e instanceof ZipIndexError ? e.message : `unreadable: ${String(e)}`;
  } finally {
    closeSync(fd);
  }
}

/** Loads a .pt2 AOTInductor package (Python: torch._inductor.aoti_load_package). */
export function loadPackage(path: string, options: LoadPackageOptions = {}): AOTICompiledModel {
  const fn = 'torch.aoti.loadPackage';
  if (typeof path !== 'string') throw new TypeError(`${fn}: path must be a string, got ${describe(path)}`);
  const o = readOptions(fn, options, ['modelName', 'runSingleThreaded', 'deviceIndex']);
  const modelName = o.modelName ?? 'model';
  if (typeof modelName !== 'string' || modelName === '') throw new TypeError(`${fn}: modelName must be a non-empty string, got ${describe(modelName)}`);
  const singleThreaded = o.runSingleThreaded ?? false;
  if (typeof singleThreaded !== 'boolean') throw new TypeError(`${fn}: runSingleThreaded must be a boolean, got ${describe(singleThreaded)}`);
  const deviceIndex = o.deviceIndex ?? -1;
  if (!Number.isInteger(deviceIndex)) throw new TypeError(`${fn}: deviceIndex must be an integer, got ${String(deviceIndex)}`);
  // libtorch's own message for a missing file is "file open failed": name the path instead.
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${fn}: no such file '${path}'`);
  if (!stat.isFile() && !stat.isDirectory()) throw new Error(`${fn}: '${path}' is not a file`);
  const damage = stat.isFile() ? packageProblem(path, modelName) : null;
  if (damage) throw new Error(`${fn}: cannot load '${path}': ${damage}`);
  let pkg: object;
  try {
    pkg = aotiNative.aotiLoad(path, modelName, singleThreaded, deviceIndex as number);
  } catch (e) {
    if (e instanceof Error) e.message = `${fn}: cannot load '${path}': ${e.message.replace(/^torch\.aoti\.loadPackage: /, '')}`;
    throw e;
  }
  return new AOTICompiledModel(pkg, path);
}

/** torch.aoti: AOTInductor packages. */
export const aoti = { loadPackage, AOTICompiledModel };

/** torch._inductor: Python's spelling of the loader, `torch._inductor.aotiLoadPackage(path)`. */
export const _inductor = { aotiLoadPackage: loadPackage };
