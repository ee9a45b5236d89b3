// torch.jit: TorchScript in Node. Loads, runs, inspects and saves modules that Python scripted or
// traced; traces JS modules and functions into TorchScript (libtorch's tracer, native/src/jit.cc),
// which Python's torch.jit.load runs; compiles TorchScript source (CompilationUnit).
import { inspect } from 'node:util';

import { noGrad } from './autograd.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { DType, toDType, type DTypeLike } from './dtype.js';
import { JITException } from './errors.js';
import { native, type Handle } from './native.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { keep } from './scope.js';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

type AttributeKind = 'parameter' | 'buffer' | 'module' | 'attribute' | 'constant';
interface ModuleInfo { key: string; typeName: string; methods: string[]; attributes: [string, AttributeKind][] }
interface MethodInfo { schema: string; code: string; graph: string }
interface ModuleSpec { typeName: string; training: boolean; parameters: [string, Handle][]; buffers: [string, Handle][]; children: [string, ModuleSpec][] }

/** The native half (native/src/jit.cc). */
interface JitNative {
  jitLoad(source: string | Uint8Array, device: string | null): Handle;
  jitSave(m: Handle, path: string | null): Buffer | undefined;
  jitDispose(m: Handle): void;
  jitIsScript(v: unknown): boolean;
  jitIsDisposed(m: Handle): boolean;
  jitInfo(m: Handle): ModuleInfo;
  jitMethodInfo(m: Handle, name: string): MethodInfo;
  jitRun(m: Handle, name: string, args: unknown[]): unknown;
  jitGetAttr(m: Handle, name: string): unknown;
  jitHasAttr(m: Handle, name: string): boolean;
  jitSetAttr(m: Handle, name: string, value: unknown): void;
  jitNamed(m: Handle, what: 'parameters' | 'buffers' | 'children', recurse: boolean): [string, Handle, string][];
  jitTrain(m: Handle, mode: boolean): void;
  jitTraining(m: Handle): boolean;
  jitSetTraining(m: Handle, mode: boolean): void;
  jitTo(m: Handle, device: string | null, dtype: number | null, nonBlocking: boolean): void;
  jitCreate(spec: ModuleSpec): Handle;
  jitTrace(m: Handle, methodName: string, fn: (args: unknown[]) => unknown, inputs: unknown[], strict: boolean, argumentNames: string[]): void;
  jitCompile(source: string): Handle;
  jitUnitFunctions(cu: Handle): [string, string, string, string][];
  jitUnitRun(cu: Handle, name: string, args: unknown[]): unknown;
}
const jit = native as unknown as JitNative;

// ---- values between JS and TorchScript -----------------------------------------------------------

// One JS wrapper per native tensor / module object, so that parameters() returns the same objects
// each time (optimizers key their state by them); keyed by the native object's address, which
// cannot be reused while a live wrapper holds the object.
const wrappers = new Map<string, WeakRef<Tensor | ScriptModule>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (wrappers.get(key)?.deref() === undefined) wrappers.delete(key);
});
function remember<T extends Tensor | ScriptModule>(key: string, wrapper: T): T {
  wrappers.set(key, new WeakRef(wrapper));
  forget.register(wrapper, key);
  return wrapper;
}

/** The module's own tensor (same TensorImpl) as a Tensor that no torch.tidy scope frees. */
function moduleTensor(handle: Handle, key: string): Tensor {
  const known = wrappers.get('t' + key)?.deref();
  if (known instanceof Tensor && !known.isDisposed) {
    native.dispose(handle);
    return known;
  }
  return remember('t' + key, keep(new Tensor(handle)));
}

function wrapModule(handle: Handle): ScriptModule {
  const info = jit.jitInfo(handle);
  const known = wrappers.get('m' + info.key)?.deref();
  if (known instanceof ScriptModule && !known.isDisposed) {
    jit.jitDispose(handle);
    return known;
  }
  return remember('m' + info.key, new ScriptModule(handle, info));
}

let moduleHandle: (m: ScriptModule) => Handle;

function toNative(v: unknown): unknown {
  if (isTensor(v)) return handleOfTensor(v);
  if (v instanceof ScriptModule) return moduleHandle(v);
  if (Array.isArray(v)) return v.map(toNative);
  if (isOptionsObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNative(x)]));
  return v;
}

function fromNative(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromNative);
  if (Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromNative(x)]));
  return jit.jitIsScript(v) ? wrapModule(v as Handle) : new Tensor(v as Handle);
}

/** A JS error from TorchScript's `raise` is a JITException (Python's torch.jit.Error). */
function rethrow(e: unknown): never {
  if (e instanceof Error && e.name === 'JITException' && !(e instanceof JITException)) {
    const err = new JITException(e.message);
    err.stack = e.stack;
    throw err;
  }
  throw e;
}

// Python's repr of a nested module: children indented by two spaces.
const indent = (s: string): string => s.split('\n').join('\n  ');

export interface NamedOptions { prefix?: string; recurse?: boolean }
export interface StateDictOptions { prefix?: string; keepVars?: boolean }
export interface LoadStateDictResult { missingKeys: string[]; unexpectedKeys: string[] }
export interface ScriptModuleToOptions { device?: DeviceLike; dtype?: DTypeLike; nonBlocking?: boolean }

/** A TorchScript method as a JS function, with its TorchScript `code`, `graph` and `schema`. */
export interface ScriptMethod {
  (...args: unknown[]): unknown;
  readonly code: string;
  readonly graph: string;
  readonly schema: string;
}

/**
 * torch.jit.ScriptModule: a TorchScript module (loaded, or made by torch.jit.trace). `m.call(x)` /
 * `m.forward(x)` run forward; other methods run with `m.runMethod(name, ...args)` and, where the
 * name is free, as `m.name(...args)`; attributes with `m.attr(name)` (and `m.name` where free).
 * Parameters and buffers are the module's own tensors: changing them changes the module.
 */
export class ScriptModule {
  #h: Handle;
  #info: ModuleInfo;

  /** @internal ScriptModules come from torch.jit.load and torch.jit.trace. */
  constructor(handle: Handle, info: ModuleInfo) {
    this.#h = handle;
    this.#info = info;
    for (const name of info.methods)
      if (name !== 'forward' && !(name in this)) Object.defineProperty(this, name, { value: this.#method(name), configurable: true, writable: true });
    for (const [name, kind] of info.attributes) {
      if (name in this) continue;
      Object.defineProperty(this, name, {
        get: () => this.attr(name),
        set: kind === 'constant' ? undefined : (value: unknown) => this.setAttr(name, value),
        configurable: true,
      });
    }
  }

  static {
    moduleHandle = (m: ScriptModule): Handle => m.#live();
  }

  #live(): Handle {
    if (this.isDisposed) throw new Error('ScriptModule: the module was disposed');
    return this.#h;
  }

  #method(name: string): ScriptMethod {
    const run = (...args: unknown[]): unknown => this.runMethod(name, ...args);
    const info = (): MethodInfo => jit.jitMethodInfo(this.#live(), name);
    Object.defineProperties(run, {
      code: { get: () => info().code },
      graph: { get: () => info().graph },
      schema: { get: () => info().schema },
    });
    return run as ScriptMethod;
  }

  get isDisposed(): boolean {
    return jit.jitIsDisposed(this.#h);
  }
  /** Releases this wrapper's reference to the module (its tensors live on where still used). */
  dispose(): void {
    jit.jitDispose(this.#h);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- running -------------------------------------------------------------------------------

  /** Python's `m(x)`. */
  call(...args: unknown[]): unknown {
    return this.forward(...args);
  }
  forward(...args: unknown[]): unknown {
    return this.runMethod('forward', ...args);
  }
  /**
   * Runs a TorchScript method. Arguments convert by the method's schema: Tensor, number (whole
   * numbers are ints), boolean, string, null, arrays (List/Tuple), plain objects (Dict); a trailing
   * plain object where the schema expects no dict holds keyword arguments.
   */
  runMethod(name: string, ...args: unknown[]): unknown {
    if (typeof name !== 'string') throw new TypeError(`ScriptModule.runMethod: name must be a string, got ${describe(name)}`);
    try {
      return fromNative(jit.jitRun(this.#live(), name, args.map(toNative)));
    } catch (e) {
      rethrow(e);
    }
  }
  /** The names of the module's TorchScript methods. */
  methodNames(): string[] {
    this.#live();
    return [...this.#info.methods];
  }
  /** The TorchScript of forward, as Python's `m.code` prints it. */
  get code(): string {
    return jit.jitMethodInfo(this.#live(), 'forward').code;
  }
  /** forward's TorchScript graph, as Python's `m.graph` prints it. */
  get graph(): string {
    return jit.jitMethodInfo(this.#live(), 'forward').graph;
  }
  /** The module's TorchScript class name (`__torch__.MyModule`). */
  get typeName(): string {
    return this.#info.typeName;
  }
  /** Python's `original_name`: the class name without its TorchScript prefix. */
  get originalName(): string {
    return this.#info.typeName.slice(this.#info.typeName.lastIndexOf('.') + 1);
  }

  // ---- attributes ----------------------------------------------------------------------------

  /** An attribute, parameter, buffer, submodule or constant (Python's getattr). */
  attr(name: string): unknown {
    const kind = this.#info.attributes.find(([n]) => n === name)?.[1];
    if (kind === 'parameter' || kind === 'buffer') {
      const entry = jit.jitNamed(this.#live(), kind === 'parameter' ? 'parameters' : 'buffers', false).find(([n]) => n === name);
      if (entry) return moduleTensor(entry[1], entry[2]);
    }
    return fromNative(jit.jitGetAttr(this.#live(), name));
  }
  /** Sets an attribute; the value converts to the attribute's TorchScript type. */
  setAttr(name: string, value: unknown): void {
    jit.jitSetAttr(this.#live(), name, toNative(value));
  }
  hasattr(name: string): boolean {
    return jit.jitHasAttr(this.#live(), name);
  }

  // ---- parameters, buffers, submodules (nn.Module's names and order) -------------------------

  namedChildren(): [string, ScriptModule][] {
    return jit.jitNamed(this.#live(), 'children', false).map(([name, h]) => [name, wrapModule(h)]);
  }
  children(): ScriptModule[] {
    return this.namedChildren().map(([, m]) => m);
  }
  namedModules({ prefix = '' }: { prefix?: string } = {}): [string, ScriptModule][] {
    const out: [string, ScriptModule][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules({ prefix: prefix ? `${prefix}.${name}` : name }));
    return out;
  }
  modules(): ScriptModule[] {
    return this.namedModules().map(([, m]) => m);
  }
  #named(what: 'parameters' | 'buffers', options: NamedOptions): [string, Tensor][] {
    const { prefix = '', recurse = true } = readOptions(`ScriptModule.named${what === 'parameters' ? 'Parameters' : 'Buffers'}`, options, ['prefix', 'recurse', 'removeDuplicate']) as NamedOptions;
    const owners: [string, ScriptModule][] = recurse ? this.namedModules({ prefix }) : [[prefix, this]];
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [path, m] of owners)
      for (const [name, h, key] of jit.jitNamed(m.#live(), what, false)) {
        const t = moduleTensor(h, key);
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${name}` : name, t]);
      }
    return out;
  }
  namedParameters(options: NamedOptions = {}): [string, Tensor][] {
    return this.#named('parameters', options);
  }
  parameters(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedParameters(options).map(([, t]) => t);
  }
  namedBuffers(options: NamedOptions = {}): [string, Tensor][] {
    return this.#named('buffers', options);
  }
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, t]) => t);
  }
  /** Parameters then buffers of each module in turn, as nn.Module.state_dict orders them; detached unless keepVars. */
  stateDict({ prefix = '', keepVars = false }: StateDictOptions = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [path, m] of this.namedModules())
      for (const [name, t] of [...m.namedParameters({ recurse: false }), ...m.namedBuffers({ recurse: false })])
        out[prefix + (path ? `${path}.${name}` : name)] = keepVars ? t : t.detach();
    return out;
  }
  /** Copies values into the module's own tensors (in place, as nn.Module does); strict: keys must match. */
  loadStateDict(stateDict: Record<string, Tensor>, { strict = true }: { strict?: boolean } = {}): LoadStateDictResult {
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in own));
    const errors: string[] = [];
    if (strict && unexpectedKeys.length) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missingKeys.length) errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    for (const [key, value] of Object.entries(stateDict)) {
      const target = own[key];
      if (!target) continue;
      if (!isTensor(value)) errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(value)}`);
      else if (value.shape.join() !== target.shape.join())
        errors.push(`size mismatch for ${key}: copying a param with shape [${value.shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}].`);
    }
    if (errors.length) throw new Error(`Error(s) in loading state_dict for RecursiveScriptModule:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [key, value] of Object.entries(stateDict)) own[key]?.copy_(value);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- modes, devices, dtypes ----------------------------------------------------------------

  get training(): boolean {
    return jit.jitTraining(this.#live());
  }
  set training(mode: boolean) {
    jit.jitSetTraining(this.#live(), mode);
  }
  /** Sets training mode on this module and every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`ScriptModule.train: mode must be a boolean, got ${describe(mode)}`);
    jit.jitTrain(this.#live(), mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Moves/casts parameters and buffers in place (the same Tensor objects see the new data): `to('cuda')`, `to(torch.float64)`, `to({ device, dtype })`. */
  to(...args: unknown[]): this {
    let device: Device | null = null;
    let dtype: DType | null = null;
    let nonBlocking = false;
    for (const arg of args) {
      if (arg instanceof DType || (typeof arg === 'string' && isDTypeName(arg))) dtype = toDType(arg, 'ScriptModule.to');
      else if (isTensor(arg)) [device, dtype] = [arg.device, arg.dtype];
      else if (isOptionsObject(arg)) {
        const o = readOptions('ScriptModule.to', arg, ['device', 'dtype', 'nonBlocking']);
        if (o.device != null) device = toDevice(o.device, 'ScriptModule.to');
        if (o.dtype != null) dtype = toDType(o.dtype, 'ScriptModule.to');
        nonBlocking = Boolean(o.nonBlocking);
      } else if (typeof arg === 'boolean') nonBlocking = arg;
      else device = toDevice(arg, 'ScriptModule.to');
    }
    jit.jitTo(this.#live(), device ? String(device) : null, dtype ? dtype.code : null, nonBlocking);
    return this;
  }
  cpu(): this {
    return this.to('cpu');
  }
  cuda(device: number | null = null): this {
    return this.to(device === null ? 'cuda' : `cuda:${device}`);
  }
  float(): this {
    return this.to(toDType('float32'));
  }
  double(): this {
    return this.to(toDType('float64'));
  }
  half(): this {
    return this.to(toDType('float16'));
  }
  bfloat16(): this {
    return this.to(toDType('bfloat16'));
  }

  // ---- saving, printing ----------------------------------------------------------------------

  /** Writes the module in TorchScript's format (Python's torch.jit.load reads it). */
  save(path: string): void {
    if (typeof path !== 'string') throw new TypeError(`ScriptModule.save: path must be a string, got ${describe(path)}`);
    jit.jitSave(this.#live(), path);
  }
  /** The saved module's bytes (Python: torch.jit.save(m, io.BytesIO())). */
  saveToBuffer(): Buffer {
    return jit.jitSave(this.#live(), null)!;
  }
  extraRepr(): string {
    return `original_name=${this.originalName}`;
  }
  /** Python's repr of a loaded module: `RecursiveScriptModule(original_name=Net ...)`. */
  toString(): string {
    if (this.isDisposed) return 'RecursiveScriptModule(<disposed>)';
    const children = this.namedChildren();
    if (children.length === 0) return `RecursiveScriptModule(${this.extraRepr()})`;
    const lines = [this.extraRepr(), ...children.map(([name, c]) => `(${name}): ${indent(String(c))}`)];
    return `RecursiveScriptModule(\n  ${lines.join('\n  ')}\n)`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

function isDTypeName(s: string): boolean {
  try {
    toDType(s);
    return true;
  } catch {
    return false;
  }
}

// ---- torch.jit.load / save -----------------------------------------------------------------------

export type MapLocation = DeviceLike;
export interface JitLoadOptions { mapLocation?: MapLocation | null }

/** torch.jit.load(path | bytes, { mapLocation }): a module saved by Python's torch.jit.save (or ours). */
export function load(source: string | Uint8Array, options: JitLoadOptions | MapLocation | null = {}): ScriptModule {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw new TypeError(`torch.jit.load: expected a file path or a Uint8Array, got ${describe(source)}`);
  const mapLocation = isOptionsObject(options) ? readOptions('torch.jit.load', options, ['mapLocation']).mapLocation : options;
  const device = mapLocation == null ? null : String(toDevice(mapLocation, 'torch.jit.load: mapLocation'));
  return wrapModule(jit.jitLoad(source, device));
}

/** torch.jit.save(m, path); without a path, the bytes. */
export function save(m: ScriptModule | ScriptFunction, path?: string): Buffer | undefined {
  const module = m instanceof ScriptModule ? m : functionModules.get(m as ScriptFunction);
  if (!module) throw new TypeError(`torch.jit.save: expected a ScriptModule or ScriptFunction, got ${describe(m)}`);
  if (path === undefined) return module.saveToBuffer();
  module.save(path);
  return undefined;
}

// ---- torch.jit.trace -----------------------------------------------------------------------------

/** A traced JS function (Python's ScriptFunction): call it like the original. */
export interface ScriptFunction {
  (...args: unknown[]): unknown;
  readonly code: string;
  readonly graph: string;
  readonly schema: string;
  /** Saves it as a module whose forward is the function (what Python's ScriptFunction.save writes). */
  save(path: string): void;
}
const functionModules = new WeakMap<ScriptFunction, ScriptModule>();

export interface TraceOptions {
  /** Python's strict: false allows mutable outputs (dicts, lists). */
  strict?: boolean;
}

/** What trace needs of a JS module: forward, and optionally nn.Module's named* methods and call(). */
export interface Traceable {
  forward(...args: never[]): unknown;
}

let tracing = 0;
/** torch.jit.is_tracing(): whether a torch.jit.trace is running (the traced JS code can ask). */
export function isTracing(): boolean {
  return tracing > 0;
}
/** torch.jit.is_scripting(): JS code is never compiled by TorchScript. */
export function isScripting(): boolean {
  return false;
}

// A JS module's parameters, buffers and submodules: nn.Module's named* methods where it has them,
// else its own properties (tensors requiring grad are parameters, other tensors buffers,
// objects with forward submodules).
function moduleSpec(m: Traceable): ModuleSpec {
  const o = m as unknown as Record<string, unknown> & {
    namedParameters?: (o: object) => [string, Tensor][];
    namedBuffers?: (o: object) => [string, Tensor][];
    namedChildren?: () => [string, Traceable][];
  };
  let parameters: [string, Tensor][], buffers: [string, Tensor][], children: [string, Traceable][];
  if (typeof o.namedParameters === 'function' && typeof o.namedChildren === 'function') {
    parameters = o.namedParameters({ recurse: false });
    buffers = typeof o.namedBuffers === 'function' ? o.namedBuffers({ recurse: false }) : [];
    children = o.namedChildren();
  } else {
    const own = Object.entries(o);
    parameters = own.filter((e): e is [string, Tensor] => isTensor(e[1]) && e[1].requiresGrad);
    buffers = own.filter((e): e is [string, Tensor] => isTensor(e[1]) && !e[1].requiresGrad);
    children = own.filter((e): e is [string, Traceable] => typeof e[1] === 'object' && e[1] !== null && typeof (e[1] as Traceable).forward === 'function');
  }
  const scripted = children.find(([, c]) => c instanceof ScriptModule);
  if (scripted) throw new TypeError(`torch.jit.trace: submodule '${scripted[0]}' is a ScriptModule; tracing JS modules that contain ScriptModules is not supported`);
  const name = (m as object).constructor?.name;
  return {
    typeName: name && /^[A-Za-z_]\w*$/.test(name) ? name : 'Module',
    training: typeof o.training === 'boolean' ? o.training : true,
    parameters: parameters.map(([n, t]) => [n, handleOfTensor(t)]),
    buffers: buffers.filter(([, t]) => t != null).map(([n, t]) => [n, handleOfTensor(t)]),
    children: children.map(([n, c]) => [n, moduleSpec(c)]),
  };
}

// The parameter names of a JS function, when they are plain identifiers (they name the graph's inputs).
function argumentNames(fn: Function, count: number): string[] {
  const src = Function.prototype.toString.call(fn);
  const list = /^[^(=]*\(([^)]*)\)/.exec(src)?.[1] ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src)?.[1] ?? '';
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return names.length === count && names.every((n) => /^[A-Za-z_$][\w$]*$/.test(n)) ? names : [];
}

function runTrace(module: ScriptModule, fn: (...args: unknown[]) => unknown, named: Function, inputs: unknown[], options: TraceOptions): void {
  const { strict = true } = readOptions('torch.jit.trace', options, ['strict']) as TraceOptions;
  const bridge = (args: unknown[]): unknown => toNative(fn(...args.map(fromNative)));
  tracing++;
  try {
    jit.jitTrace(moduleHandle(module), 'forward', bridge, inputs.map(toNative), strict, argumentNames(named, inputs.length));
  } finally {
    tracing--;
  }
}

/**
 * torch.jit.trace(moduleOrFunction, exampleInputs, { strict }): runs it once on the example inputs
 * (a Tensor or an array of arguments: Tensors, arrays, objects of Tensors) and records the ops into
 * TorchScript. A module's parameters and buffers become the ScriptModule's (shared, same names),
 * its submodules nested ScriptModules. Python's torch.jit.load runs the saved result.
 */
export function trace(module: Traceable, exampleInputs: unknown, options?: TraceOptions): ScriptModule;
export function trace(fn: (...args: never[]) => unknown, exampleInputs: unknown, options?: TraceOptions): ScriptFunction;
export function trace(target: unknown, exampleInputs: unknown, options: TraceOptions = {}): ScriptModule | ScriptFunction {
  const inputs = Array.isArray(exampleInputs) ? exampleInputs : [exampleInputs];
  if (target instanceof ScriptModule) return target; // as Python: tracing a ScriptModule is a no-op
  const maybeModule = target as Partial<Traceable> & { call?: (...a: unknown[]) => unknown };
  if (typeof target === 'object' && target !== null && typeof maybeModule.forward === 'function') {
    const spec = moduleSpec(target as Traceable);
    const module = wrapModule(jit.jitCreate(spec));
    // nn.Module's call runs its hooks, as Python's trace calls module(*inputs).
    const run = typeof maybeModule.call === 'function' ? maybeModule.call.bind(target) : maybeModule.forward.bind(target);
    runTrace(module, run as (...a: unknown[]) => unknown, maybeModule.forward, inputs, options);
    return module;
  }
  if (typeof target !== 'function') throw new TypeError(`torch.jit.trace: expected a module (an object with forward) or a function, got ${describe(target)}`);
  const module = wrapModule(jit.jitCreate({ typeName: 'PlaceholderModule', training: true, parameters: [], buffers: [], children: [] }));
  runTrace(module, target as (...a: unknown[]) => unknown, target, inputs, options);
  const forward = module.forward.bind(module) as ScriptFunction;
  Object.defineProperties(forward, {
    code: { get: () => module.code },
    graph: { get: () => module.graph },
    schema: { get: () => jit.jitMethodInfo(moduleHandle(module), 'forward').schema },
    save: { value: (path: string) => module.save(path) },
  });
  functionModules.set(forward, module);
  return forward;
}

// ---- CompilationUnit -----------------------------------------------------------------------------

/**
 * torch.jit.CompilationUnit(source): TorchScript functions compiled from source. Run them with
 * `cu.runFunction(name, ...args)` or as `cu.name(...args)`.
 */
export class CompilationUnit {
  #h: Handle;
  constructor(source: string) {
    if (typeof source !== 'string') throw new TypeError(`CompilationUnit: source must be a string, got ${describe(source)}`);
    this.#h = jit.jitCompile(source);
    for (const [name] of jit.jitUnitFunctions(this.#h))
      if (!(name in this)) Object.defineProperty(this, name, { value: (...args: unknown[]) => this.runFunction(name, ...args), configurable: true, writable: true });
  }
  runFunction(name: string, ...args: unknown[]): unknown {
    try {
      return fromNative(jit.jitUnitRun(this.#h, name, args.map(toNative)));
    } catch (e) {
      rethrow(e);
    }
  }
  /** The functions with their schema, TorchScript code and graph. */
  functions(): { name: string; schema: string; code: string; graph: string }[] {
    return jit.jitUnitFunctions(this.#h).map(([name, schema, code, graph]) => ({ name, schema, code, graph }));
  }
  dispose(): void {
    jit.jitDispose(this.#h);
  }
}

/** torch.jit.Error: what TorchScript's `raise` throws. */
export { JITException as Error };
