// How a dataset (or a collate / init function) is rebuilt inside a worker thread: JS cannot pickle a
// dataset, so a worker imports a module and builds the object from it.
import { isTensor } from '../tensor.js';
import { decode, encode } from './codec.js';

const CLONEABLE = [Map, Set, Date, RegExp];

/**
 * Where a worker finds an object: `import(module)[export]`. For a dataset, a class is constructed with
 * `args`, a function is called with `args` (its result, maybe a Promise, is the dataset), anything else is
 * used as is; for collateFn / workerInitFn the export is the function itself.
 * `args` are structured-cloned (tensors copied into the worker; other WorkerSources are built first).
 */
export interface WorkerSource {
  module: string | URL;
  export?: string;
  args?: unknown[];
}

const SOURCE = '__torchnodeWorkerSource__';

/** A dataset that can describe how a worker rebuilds it (TensorDataset, Subset, ... and user classes). */
export interface WorkerBuildable {
  workerSource(): WorkerSource;
}

export function isWorkerSource(v: unknown): v is WorkerSource {
  return typeof v === 'object' && v !== null && 'module' in v && (typeof (v as WorkerSource).module === 'string' || (v as WorkerSource).module instanceof URL);
}

export function hasWorkerSource(v: unknown): v is WorkerBuildable {
  return typeof v === 'object' && v !== null && typeof (v as Partial<WorkerBuildable>).workerSource === 'function';
}

/** A WorkerSource as a structured-cloneable message (tensors as buffers, nested sources tagged). */
export function packSource(source: WorkerSource, transfer: ArrayBuffer[], what: string): unknown {
  if (!isWorkerSource(source)) throw new TypeError(`DataLoader: ${what} must be a WorkerSource { module, export?, args? }`);
  const packArg = (a: unknown): unknown => {
    if (hasWorkerSource(a)) return { [SOURCE]: packSource(a.workerSource(), transfer, what) };
    if (isWorkerSource(a)) return { [SOURCE]: packSource(a, transfer, what) };
    if (Array.isArray(a)) return a.map(packArg);
    if (typeof a === 'object' && a !== null && !isPlainObject(a) && !isTensor(a) && !ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer) && !CLONEABLE.some((C) => a instanceof C)) {
      throw new TypeError(`DataLoader: ${what}: a ${a.constructor?.name ?? 'object'} cannot be sent to a worker thread; give its class a workerSource() method or pass the loader a workerDataset`);
    }
    if (isPlainObject(a)) return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, packArg(v)]));
    return encode(a, transfer);
  };
  return { module: String(source.module), export: source.export ?? 'default', args: (source.args ?? []).map(packArg) };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

async function buildArg(a: unknown): Promise<unknown> {
  if (isPlainObject(a) && SOURCE in a) return buildSource(a[SOURCE]);
  if (Array.isArray(a)) return Promise.all(a.map(buildArg));
  if (isPlainObject(a) && !('__torchnodeTensor__' in a)) return Object.fromEntries(await Promise.all(Object.entries(a).map(async ([k, v]) => [k, await buildArg(v)])));
  return decode(a);
}

const isClass = (f: Function): boolean => /^class[\s{]/.test(Function.prototype.toString.call(f));

/** Builds the object a packed source names (in the worker); `asValue`: the export itself (a collate or init function). */
export async function buildSource(packed: unknown, asValue = false): Promise<unknown> {
  const { module, export: name, args } = packed as { module: string; export: string; args: unknown[] };
  const loaded = (await import(module)) as Record<string, unknown>;
  if (!(name in loaded)) throw new TypeError(`DataLoader worker: module ${module} has no export '${name}'`);
  const target = loaded[name];
  const built = (await buildArg(args)) as unknown[];
  if (typeof target !== 'function' || asValue) return target;
  return isClass(target) ? new (target as new (...a: unknown[]) => unknown)(...built) : await (target as (...a: unknown[]) => unknown)(...built);
}
