// The generic call path: any ATen operator by name through the native dispatcher entry point,
// with PyTorch-style arguments (positional values, then one camelCase options object).
import { toDevice, type DeviceLike } from './device.js';
import { dtypeFromCode, layoutCode, qschemeFromCode, scalarTypeName, toDType, type DTypeLike } from './dtype.js';
import { Generator, generatorHandle } from './generator.js';
import { native, type Handle } from './native.js';
import { camelCase, isOptionsObject } from './options.js';
import { handleOfTensor as handleOf, isTensor as isTensorObject, Tensor } from './tensor.js';


function toNative(v: unknown): unknown {
  if (isTensorObject(v)) return handleOf(v);
  if (v instanceof Generator) return generatorHandle(v);
  if (Array.isArray(v)) return v.map(toNative);
  return v;
}

// The Tensor among the call's top-level arguments and option values whose handle is h: in-place
// and out= ops hand back an input's handle (the native side aliases top-level tensors only).
function inputWithHandle(h: unknown, args: readonly unknown[], n: number, options: Record<string, unknown> | undefined): Tensor | undefined {
  for (let i = 0; i < n; i++) {
    const a = args[i];
    if (isTensorObject(a) && handleOf(a) === h) return a;
  }
  if (options) for (const k in options) {
    const a = (args[n] as Record<string, unknown>)[k];
    if (isTensorObject(a) && handleOf(a) === h) return a;
    if (Array.isArray(a)) for (const e of a) if (isTensorObject(e) && handleOf(e) === h) return e;   // out: [values, indices]
  }
  return undefined;
}

function fromNative(v: unknown, args: readonly unknown[], n: number, options: Record<string, unknown> | undefined): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const raw = v.slice();
    const out: unknown[] = raw.map((e) => fromNative(e, args, n, options));
    for (const key of Object.keys(v)) {
      if (/^\d+$/.test(key)) continue;
      // Named results (values, indices): the same objects as the positional ones.
      (out as unknown as Record<string, unknown>)[key] = out[raw.indexOf((v as unknown as Record<string, unknown>)[key])];
    }
    return out;
  }
  // An External: a result tensor, or an input's own handle given back.
  return inputWithHandle(v, args, n, options) ?? new Tensor(v as Handle);
}

/**
 * Calls an operator family (from `opId`) with PyTorch-style arguments: positional values,
 * optionally followed by one plain options object holding keyword arguments (camelCase keys).
 */
export function callOp(id: number, args: readonly unknown[], method = false): unknown {
  let n = args.length;
  let options: Record<string, unknown> | undefined;
  if (n > 0 && !isTensorObject(args[n - 1]) && isOptionsObject(args[n - 1])) {
    n--;
    options = {};
    for (const [k, v] of Object.entries(args[n] as Record<string, unknown>)) options[k] = toNative(v);
  }
  // callMethod differs only in error messages, which leave out `self` as x.sum(...) does.
  const call = method ? native.callMethod : native.callOp;
  let r: unknown;
  // Fixed arities call without building a spread array (most calls take one to three values).
  let h0: unknown, h1: unknown, h2: unknown;
  switch (n) {
    case 1: r = call(id, options, (h0 = toNative(args[0]))); break;
    case 2: r = call(id, options, (h0 = toNative(args[0])), (h1 = toNative(args[1]))); break;
    case 3: r = call(id, options, (h0 = toNative(args[0])), (h1 = toNative(args[1])), (h2 = toNative(args[2]))); break;
    // Four values: a method's self and three more, as x.narrow(dim, start, length).
    case 4: {
      const h3 = toNative(args[3]);
      r = call(id, options, (h0 = toNative(args[0])), (h1 = toNative(args[1])), (h2 = toNative(args[2])), h3);
      if (r === h3) return args[3];
      break;
    }
    default: {
      const nativeArgs: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) nativeArgs[i] = toNative(args[i]);
      r = call(id, options, ...nativeArgs);
      return fromNative(r, args, n, options);
    }
  }
  // An op that gives an input's handle back (in place, out=, type_as) returns that input.
  if (r === h0) return args[0];
  if (n > 1 && r === h1) return args[1];
  if (n > 2 && r === h2) return args[2];
  // A single new tensor, when no option could have been given back (the common case, checked once).
  if (options === undefined && typeof r === 'object' && r !== null && !Array.isArray(r)) return new Tensor(r as Handle);
  return fromNative(r, args, n, options);
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

/** How a result comes back: as it is, or (for ops that return a ScalarType or QScheme code) as a DType or QScheme. */
export type ResultKind = 'dtype' | 'qscheme' | undefined;
const finishResult = (r: unknown, kind: ResultKind): unknown =>
  kind === 'dtype' ? dtypeFromCode(r as number) : kind === 'qscheme' ? qschemeFromCode(r as number) : r;

/** Where a Python binding's arguments differ from its operator schema, as Python's arg parser reads them. */
export interface PythonForm {
  /** A factory (dtype/layout/device/pin_memory in the schema): Python adds the requiresGrad option, set on the result. */
  readonly factory?: boolean;
  /** [positional index, option key, value]: a schema default Python reads otherwise (`int reduction=Mean` is 0 there). */
  readonly defaults?: readonly (readonly [number, string, unknown])[];
}

// Which of Python's factory defaults an operator takes in every overload but its out= ones: pin_memory,
// and the device where no overload has a tensor argument (not a *_like or new_* function).
const factoryDefaults = new Map<number, { device: boolean; pinMemory: boolean }>();
function factoryDefaultsOf(id: number): { device: boolean; pinMemory: boolean } {
  let d = factoryDefaults.get(id);
  if (!d) {
    const args = native.opSchemas(id).filter((s) => !/\(a!\) out\b/.test(s)).map((s) => s.slice(s.indexOf('('), s.lastIndexOf(' -> ')));
    d = {
      device: args.length > 0 && args.every((a) => a.includes('Device? device') && !/\bTensor\b/.test(a)),
      pinMemory: args.length > 0 && args.every((a) => a.includes('bool? pin_memory')),
    };
    factoryDefaults.set(id, d);
  }
  return d;
}

/**
 * Calls a factory as Python's binding does: with the default device (the CPU here) and pin_memory=False
 * where the caller gave none, so the dispatcher (and the dispatch modes a checkpoint runs) see Python's
 * arguments. An argument error is reported for the caller's own arguments.
 */
const c10LayoutName = (name: string): string => (name === 'sparse_coo' ? 'Sparse' : name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''));

// Python's check_out_type_matches: a factory's dtype, layout and device type must be out's own, and then go
// (the out= overloads take none of them); pin_memory is dropped unchecked, memory_format refused, as in Python.
function checkOutMatches(options: Record<string, unknown> & { out: Tensor }): void {
  const { out, dtype, layout, device, memoryFormat } = options;
  if (dtype !== undefined && dtype !== null) {
    const given = toDType(dtype as DTypeLike, 'dtype');
    if (given !== out.dtype) throw new Error(`dtype ${scalarTypeName(given)} does not match dtype of out parameter (${scalarTypeName(out.dtype)})`);
  }
  if (layout !== undefined && layout !== null && layoutCode(layout, 'layout') !== out.layout.code)
    throw new Error(`layout ${c10LayoutName(String(layout).replace(/^torch\./, ''))} does not match layout of out parameter (${c10LayoutName(out.layout.name)})`);
  if (device !== undefined && device !== null) {
    const type = toDevice(device as DeviceLike, 'device').type;
    if (type !== out.device.type) throw new Error(`device type ${type} does not match device type of out parameter (${out.device.type})`);
  }
  if (memoryFormat !== undefined && memoryFormat !== null) throw new Error("'memory_format' argument is incompatible with 'out' tensor argument");
  for (const key of ['dtype', 'layout', 'device', 'pinMemory', 'memoryFormat']) delete options[key];
}

export function callFactory(id: number, args: readonly unknown[], method = false): unknown {
  const last = args[args.length - 1];
  const given = args.length > 0 && isOptionsObject(last) ? (last as Record<string, unknown>) : undefined;
  const { device, pinMemory } = factoryDefaultsOf(id);
  const addDevice = device && (given?.device === undefined || given.device === null);
  const addPin = pinMemory && (given?.pinMemory === undefined || given.pinMemory === null);
  if (given?.out !== undefined && given.out !== null) {
    if (!isTensorObject(given.out)) return callOp(id, args, method); // its own error names the bad out
    const options = { ...given, out: given.out };
    checkOutMatches(options);
    return callOp(id, [...args.slice(0, -1), options], method);
  }
  if (!addDevice && !addPin) return callOp(id, args, method);
  const options = { ...given };
  if (addDevice) options.device = 'cpu';
  if (addPin) options.pinMemory = false;
  try {
    return callOp(id, given ? [...args.slice(0, -1), options] : [...args, options], method);
  } catch (e) {
    if (e instanceof TypeError) return callOp(id, args, method);   // its own error names what the caller passed
    throw e;
  }
}

// The arguments as the operator takes them, and the requiresGrad Python sets on a factory's result.
function pythonArgs(jsName: string, args: readonly unknown[], form: PythonForm): [unknown[], boolean | undefined] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && isOptionsObject(last);
  const nPositional = hasOptions ? args.length - 1 : args.length;
  let options = hasOptions ? { ...(last as Record<string, unknown>) } : undefined;
  let requiresGrad: boolean | undefined;
  if (form.factory && options && Object.hasOwn(options, 'requiresGrad')) {
    const { requiresGrad: value, ...rest } = options;
    if (typeof value !== 'boolean') throw new TypeError(`${jsName}: option 'requiresGrad' must be a boolean, got ${String(value)}`);
    requiresGrad = value;
    options = rest;
  }
  for (const [position, key, value] of form.defaults ?? []) {
    if (nPositional <= position && !(options && Object.hasOwn(options, key))) (options ??= {})[key] = value;
  }
  return [options ? [...args.slice(0, nPositional), options] : (args as unknown[]), requiresGrad];
}

// Calls `call` with the arguments Python's binding would pass; the plain `call` where the form changes nothing.
function withForm(jsName: string, form: PythonForm | undefined, call: (args: readonly unknown[]) => unknown): (args: readonly unknown[]) => unknown {
  if (!form || (!form.factory && !form.defaults?.length)) return call;
  return (args) => {
    const [opArgs, requiresGrad] = pythonArgs(jsName, args, form);
    const result = call(opArgs);
    return requiresGrad === undefined ? result : (result as Tensor).requiresGrad_(requiresGrad);
  };
}

/** A torch.* function for the ATen operator `name` (the id is resolved on first call), read as Python's binding (`form`). */
export function opFunction(name: string, kind?: ResultKind, form?: PythonForm, jsName = camelCase(name)): (...args: unknown[]) => unknown {
  let id = -1;
  const invoke = form?.factory ? callFactory : callOp;
  const call = withForm(jsName, form, (args) => finishResult(invoke(id >= 0 ? id : (id = opId(name)), args), kind));
  const fn = (...args: unknown[]): unknown => call(args);
  Object.defineProperty(fn, 'name', { value: jsName });
  return fn;
}

/** Installs Tensor methods that call ATen operators with the tensor as `self`: [JS name, operator, result kind, Python form]. */
export function installMethods(entries: readonly (readonly [string, string, ResultKind?, PythonForm?])[]): void {
  for (const [js, name, kind, form] of entries) {
    let id = -1;
    const plain = !form || (!form.factory && !form.defaults?.length);
    const invoke = form?.factory ? callFactory : callOp;
    Object.defineProperty(Tensor.prototype, js, {
      value: plain
        ? function (this: Tensor, ...args: unknown[]): unknown {
          return finishResult(callOp(id >= 0 ? id : (id = opId(name)), [this, ...args], true), kind);
        }
        : function (this: Tensor, ...args: unknown[]): unknown {
          return withForm(js, form, (opArgs) => finishResult(invoke(id >= 0 ? id : (id = opId(name)), [this, ...opArgs], true), kind))(args);
        },
      writable: true,
      configurable: true,
    });
  }
}
