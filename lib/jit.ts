// torch.jit: TorchScript in Node. Loads, runs, inspects and saves modules that Python scripted or
// traced; traces JS modules and functions into TorchScript (libtorch's tracer, native/src/jit.cc),
// which Python's torch.jit.load runs; compiles TorchScript source (CompilationUnit).
import { inspect } from 'node:util';

import { noGrad } from './autograd.js';
import { Device, toDevice, type DeviceLike } from './device.js';
import { JITException } from './errors.js';
import { native, type Handle } from './native.js';
import { WeakValues } from './weak_values.js';
import { Module, type IncompatibleKeys } from './nn/module.js';
import { Parameter } from './nn/parameter.js';
import { deepcopySelf } from './nn/utils/_common.js';
import { describe, isOptionsObject, readOptions } from './options.js';
import { keep, tidy } from './scope.js';
import { whileTracing } from './jit_tracing.js';
import { assertClose, defaultTolerances } from './testing.js';
import { warn } from './warnings.js';
import { AssertionError } from 'node:assert';
import { handleOfTensor, isTensor, Tensor } from './tensor.js';

type AttributeKind = 'parameter' | 'buffer' | 'module' | 'attribute' | 'constant';
interface ModuleInfo { key: string; typeName: string; methods: string[]; attributes: [string, AttributeKind][] }
interface MethodInfo { schema: string; code: string; graph: string }
interface ModuleSpec { typeName: string; training: boolean; parameters: [string, Handle][]; buffers: [string, Handle][]; children: [string, ModuleSpec | ScriptChild][] }
/** A ScriptModule inside a traced JS module: registered as it is; its method calls are recorded as calls. */
interface ScriptChild { script: Handle }

/** The native half (native/src/jit.cc). */
interface JitNative {
  jitLoad(source: string | Uint8Array, device: string | null, extraFiles: ExtraFiles | null): Handle;
  jitSave(m: Handle, path: string | null, extraFiles: ExtraFiles | null): Buffer | undefined;
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
  jitCreate(spec: ModuleSpec): Handle;
  jitTrace(m: Handle, methodName: string, fn: (args: unknown[]) => unknown, inputs: unknown[], strict: boolean, argumentNames: string[]): void;
  jitCheckGraph(m: Handle, name: string): { text: string; nodes: [text: string, kind: string, constant: Handle | null][]; nondeterministic: string[] };
  jitCompile(source: string): Handle;
  jitUnitFunctions(cu: Handle): [string, string, string, string][];
  jitUnitRun(cu: Handle, name: string, args: unknown[]): unknown;
  jitFreeze(m: Handle, preservedAttrs: string[]): Handle;
  jitDeepcopy(m: Handle): Handle;
  jitOptimizeFrozen(m: Handle, methods: string[], optimizeNumerics: boolean): void;
  jitOptimizeForInference(m: Handle, otherMethods: string[]): void;
}
const jit = native as unknown as JitNative;

// ---- values between JS and TorchScript -----------------------------------------------------------

// One JS wrapper per native tensor / module object, so that parameters() returns the same objects
// each time (optimizers key their state by them); keyed by the native object's address, which
// cannot be reused while a live wrapper holds the object.
const wrappers = new WeakValues<Tensor | ScriptModule>();
const remember = <T extends Tensor | ScriptModule>(key: string, wrapper: T): T => wrappers.set(key, wrapper) as T;

// A Parameter made for a loaded module's tensor: its own TensorImpl's key, and the tensor it replaced.
const madeFrom = new WeakMap<Parameter, { key: string; original: Tensor }>();

/** The module's own tensor (same TensorImpl) as a Tensor that no torch.tidy scope frees. */
function moduleTensor(handle: Handle, key: string): Tensor {
  const known = wrappers.get('t' + key);
  if (known instanceof Tensor && !known.isDisposed) {
    native.dispose(handle);
    return known;
  }
  return remember('t' + key, keep(new Tensor(handle)));
}

function wrapModule(handle: Handle): ScriptModule {
  const info = jit.jitInfo(handle);
  const known = wrappers.get('m' + info.key);
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
  // a TorchScript Device (native/src/jit.cc FromScript): a torch.device, as Python returns it
  if (Object.getPrototypeOf(v) === null && typeof (v as { torchDevice?: unknown }).torchDevice === 'string') return new Device((v as { torchDevice: string }).torchDevice);
  if (Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromNative(x)]));
  return jit.jitIsScript(v) ? wrapModule(v as Handle) : new Tensor(v as Handle);
}

// Python's repr of a nested module: children indented by two spaces.
const indent = (s: string): string => s.split('\n').join('\n  ');

/** A TorchScript method as a JS function, with its TorchScript `code`, `graph` and `schema`. */
export interface ScriptMethod {
  (...args: unknown[]): unknown;
  readonly code: string;
  readonly graph: string;
  readonly schema: string;
}

/**
 * torch.jit.ScriptModule: a TorchScript module (loaded, or made by torch.jit.trace), and an nn.Module:
 * it can sit inside a JS model and its parameters() go to optimizers. `m.call(x)` (hooks, then
 * forward) / `m.forward(x)` run forward; other methods run with `m.runMethod(name, ...args)` and,
 * where the name is free, as `m.name(...args)`; attributes with `m.attr(name)` (and `m.name`).
 * Parameters and buffers are the module's own tensors: changing them changes the module.
 */
export class ScriptModule extends Module {
  #h: Handle;
  #info: ModuleInfo;

  /** @internal ScriptModules come from torch.jit.load and torch.jit.trace. */
  constructor(handle: Handle, info: ModuleInfo) {
    super();
    this.#h = handle;
    this.#info = info;
    // training is the TorchScript attribute (Module's field would be a copy of it). A frozen module
    // has none; there it is a JS field (Python's eval() sets a Python attribute), false as freezing needs.
    const scripted = info.attributes.some(([name]) => name === 'training');
    let plainTraining = false;
    Object.defineProperty(this, 'training', {
      get: () => (scripted ? jit.jitTraining(this.#live()) : plainTraining),
      set: (mode: boolean) => {
        if (scripted) jit.jitSetTraining(this.#live(), mode);
        else plainTraining = mode;
      },
      configurable: true,
    });
    // Parameters, buffers and submodules as nn.Module registers them, in TorchScript's slot order.
    const parameters = new Map(jit.jitNamed(handle, 'parameters', false).map(([n, h, key]) => [n, [h, key] as const]));
    const buffers = new Map(jit.jitNamed(handle, 'buffers', false).map(([n, h, key]) => [n, [h, key] as const]));
    const children = new Map(jit.jitNamed(handle, 'children', false).map(([n, h]) => [n, h]));
    const registered = new Set<string>();
    for (const [name, kind] of info.attributes) {
      try {
        if (kind === 'parameter' && parameters.has(name)) this.registerParameter(name, this.#parameter(name, ...parameters.get(name)!));
        else if (kind === 'buffer' && buffers.has(name)) this.registerBuffer(name, moduleTensor(...buffers.get(name)!));
        else if (kind === 'module' && children.has(name)) this.addModule(name, wrapModule(children.get(name)!));
        else continue;
        registered.add(name);
      } catch (e) {
        // a name nn.Module reserves (a method's name; its KeyError): reachable through attr() only
        if (!(e instanceof Error && e.name === 'KeyError')) throw e;
      }
    }
    for (const name of info.methods)
      if (name !== 'forward' && !(name in this)) Object.defineProperty(this, name, { value: this.#method(name), configurable: true, writable: true });
    for (const [name, kind] of info.attributes) {
      if (registered.has(name) || name in this) continue;
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

  /** @internal copy.deepcopy (AveragedModel, getClones): TorchScript's Module::deepcopy, a new module with its own tensors. */
  [deepcopySelf](): ScriptModule {
    const copy = wrapModule(jit.jitDeepcopy(this.#live()));
    copy.training = this.training;
    return copy;
  }

  // The module's parameter as an nn.Parameter with the same TensorImpl: a known Parameter (one a
  // traced JS module registered, or made earlier), else a new one that replaces the module's slot.
  // A tensor several slots hold (tied weights: l2.weight = l1.weight) becomes one Parameter that every
  // one of those slots then holds, so that it is one parameter as in Python (deduplicated by
  // namedParameters, one gradient, still tied when saved).
  #parameter(name: string, handle: Handle, key: string): Parameter {
    const t = moduleTensor(handle, key);
    if (t instanceof Parameter) {
      const made = madeFrom.get(t);
      if (made !== undefined && made.key !== key) jit.jitSetAttr(this.#h, name, handleOfTensor(t)); // a slot still holding the original tensor
      return t;
    }
    const p = new Parameter(t, t.requiresGrad);
    jit.jitSetAttr(this.#h, name, handleOfTensor(p));
    const info = jit.jitNamed(this.#h, 'parameters', false).find(([n]) => n === name)!;
    native.dispose(info[1]);
    // The original tensor's other slots find p by the original's key: p keeps the original alive, so that
    // the key (an address) is not reused while it maps to p.
    madeFrom.set(p, { key: info[2], original: t });
    remember('t' + key, p);
    return remember('t' + info[2], p);
  }

  #live(): Handle {
    if (jit.jitIsDisposed(this.#h)) throw new Error('ScriptModule: the module was disposed');
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

  override get isDisposed(): boolean {
    return jit.jitIsDisposed(this.#h);
  }
  /** Releases the TorchScript module of this wrapper and its submodules' and frees their tensors (nn.Module.dispose). */
  override dispose(): void {
    if (this.isDisposed) return;
    const modules = this.modules();
    const parameters = this.parameters();
    super.dispose();
    for (const m of modules) if (m instanceof ScriptModule) jit.jitDispose(m.#h);
    // the tensors the Parameters replaced, kept only to reserve their keys: freed with them
    for (const p of parameters) {
      madeFrom.get(p)?.original.dispose();
      madeFrom.delete(p);
    }
  }

  // ---- running -------------------------------------------------------------------------------

  override forward(...args: unknown[]): unknown {
    return this.runMethod('forward', ...args);
  }
  /**
   * Runs a TorchScript method. Arguments convert by the method's schema: Tensor, number (whole
   * numbers are ints; torch.float32 and the other dtype, layout and memory-format constants are ints
   * too, as in Python), boolean, string, null, torch.device or a device string (Device), arrays
   * (List/Tuple), plain objects (Dict); a trailing plain object holds keyword arguments, unless the
   * schema takes a dict there (Dict, Optional[Dict], Any) and it is one.
   */
  runMethod(name: string, ...args: unknown[]): unknown {
    if (typeof name !== 'string') throw new TypeError(`ScriptModule.runMethod: name must be a string, got ${describe(name)}`);
    // TorchScript's `raise` comes as an Error named JITException: `instanceof torch.JITException` holds.
    return fromNative(jit.jitRun(this.#live(), name, args.map(toNative)));
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
    const own = Object.getOwnPropertyDescriptor(this, name);
    if ((kind === 'parameter' || kind === 'buffer' || kind === 'module') && own && 'value' in own) {
      this.#live();
      return own.value;
    }
    return fromNative(jit.jitGetAttr(this.#live(), name));
  }
  /** Sets an attribute; the value converts to the attribute's TorchScript type. */
  setAttr(name: string, value: unknown): void {
    const kind = this.#info.attributes.find(([n]) => n === name)?.[1];
    if (kind === 'parameter' || kind === 'buffer' || kind === 'module')
      throw new TypeError(`ScriptModule.setAttr: '${name}' is a ${kind}; change its values in place (copy_, loadStateDict)`);
    jit.jitSetAttr(this.#live(), name, toNative(value));
  }
  hasattr(name: string): boolean {
    return jit.jitHasAttr(this.#live(), name);
  }

  // ---- nn.Module's machinery, kept on the TorchScript tensors --------------------------------

  override namedChildren(): [string, Module][] {
    this.#live();
    return super.namedChildren();
  }
  /** Casts/moves with set_data, so the TorchScript module keeps the same tensors (buffers too, unlike nn.Module). */
  protected override _apply(fn: (t: Tensor) => Tensor): this {
    this.#live();
    for (const m of this.children()) (m as ScriptModule)._apply(fn);
    noGrad(() => {
      for (const t of [...this.parameters({ recurse: false }), ...this.buffers({ recurse: false })]) {
        const applied = fn(t);
        if (applied !== t) t.data = applied;
        const g = t.grad;
        if (g !== null) {
          const ga = fn(g);
          if (ga !== g) g.data = ga;
        }
      }
    });
    return this;
  }
  /** nn.Module.loadStateDict, copying into the module's own tensors (assign: true would detach them from TorchScript). */
  override loadStateDict(stateDict: Record<string, unknown>, options: { strict?: boolean; assign?: boolean } | boolean = {}): IncompatibleKeys {
    if (typeof options === 'object' && options !== null && options.assign) throw new TypeError('ScriptModule.loadStateDict: assign: true is not supported (the TorchScript module keeps its own tensors)');
    this.#live();
    return super.loadStateDict(stateDict, options);
  }

  // ---- saving, printing ----------------------------------------------------------------------

  /** Writes the module in TorchScript's format (Python's torch.jit.load reads it), with `extraFiles` as Python's _extra_files. */
  save(path: string, options: JitSaveOptions = {}): void {
    if (typeof path !== 'string') throw new TypeError(`ScriptModule.save: path must be a string, got ${describe(path)}`);
    jit.jitSave(this.#live(), path, extraFilesOption('ScriptModule.save', options));
  }
  /** The saved module's bytes (Python: torch.jit.save(m, io.BytesIO())). */
  saveToBuffer(options: JitSaveOptions = {}): Buffer {
    return jit.jitSave(this.#live(), null, extraFilesOption('ScriptModule.saveToBuffer', options))!;
  }
  override extraRepr(): string {
    return `original_name=${this.originalName}`;
  }
  /** Python's repr of a loaded module: `RecursiveScriptModule(original_name=Net ...)`. */
  override toString(): string {
    if (this.isDisposed) return 'RecursiveScriptModule(<disposed>)';
    const children = this.namedChildren();
    if (children.length === 0) return `RecursiveScriptModule(${this.extraRepr()})`;
    const lines = [this.extraRepr(), ...children.map(([name, c]) => `(${name}): ${indent(String(c))}`)];
    return `RecursiveScriptModule(\n  ${lines.join('\n  ')}\n)`;
  }
  override [inspect.custom](): string {
    return this.toString();
  }
}

// ---- torch.jit.load / save -----------------------------------------------------------------------

export type MapLocation = DeviceLike;
/**
 * Python's _extra_files: archive file names to their contents. Saving writes each (a string or bytes);
 * loading replaces each value of the object given with that file's bytes (a Buffer; a name the
 * archive lacks keeps an empty one), as Python fills the dict it is given.
 */
export type ExtraFiles = Record<string, string | Uint8Array>;
export interface JitLoadOptions { mapLocation?: MapLocation | null; extraFiles?: ExtraFiles | null }
export interface JitSaveOptions { extraFiles?: ExtraFiles | null }

function extraFilesOption(fn: string, options: unknown): ExtraFiles | null {
  const { extraFiles = null } = readOptions(fn, options ?? {}, ['extraFiles']) as JitSaveOptions;
  if (extraFiles !== null && !isOptionsObject(extraFiles)) throw new TypeError(`${fn}: extraFiles must be an object of file names and contents, got ${describe(extraFiles)}`);
  return extraFiles;
}

/** torch.jit.load(path | bytes, mapLocation?, extraFiles?), or with { mapLocation, extraFiles }: a module saved by Python's torch.jit.save (or ours). */
export function load(source: string | Uint8Array, options?: JitLoadOptions | MapLocation | null, extraFiles?: ExtraFiles | null): ScriptModule {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) throw new TypeError(`torch.jit.load: expected a file path or a Uint8Array, got ${describe(source)}`);
  const given: JitLoadOptions = isOptionsObject(options) ? readOptions('torch.jit.load', options, ['mapLocation', 'extraFiles']) as JitLoadOptions : { mapLocation: (options ?? null) as MapLocation | null };
  if (extraFiles !== undefined && given.extraFiles !== undefined) throw new TypeError("torch.jit.load: got multiple values for argument 'extraFiles'");
  const files = extraFiles ?? given.extraFiles ?? null;
  if (files !== null && !isOptionsObject(files)) throw new TypeError(`torch.jit.load: extraFiles must be an object of file names, got ${describe(files)}`);
  const device = given.mapLocation == null ? null : String(toDevice(given.mapLocation, 'torch.jit.load: mapLocation'));
  return wrapModule(jit.jitLoad(source, device, files));
}

/** torch.jit.save(m, path?, { extraFiles }); without a path (undefined or null), the bytes. */
export function save(m: ScriptModule | ScriptFunction, path?: string | null | JitSaveOptions, options?: JitSaveOptions): Buffer | undefined {
  const module = m instanceof ScriptModule ? m : functionModules.get(m as ScriptFunction);
  if (!module) throw new TypeError(`torch.jit.save: expected a ScriptModule or ScriptFunction, got ${describe(m)}`);
  const [file, opts] = isOptionsObject(path) ? [null, path as JitSaveOptions] : [path as string | null | undefined, options];
  if (file === undefined || file === null) return module.saveToBuffer(opts);
  module.save(file, opts);
  return undefined;
}

// ---- freezing ------------------------------------------------------------------------------------

function checkScriptModule(fn: string, mod: unknown): asserts mod is ScriptModule {
  if (!(mod instanceof ScriptModule))
    throw new TypeError(`${fn} expects a ScriptModule as input. Please use torch.jit.trace to script your 'nn.Module' (or torch.jit.load a scripted one), got ${describe(mod)}`);
}
function checkNames(fn: string, what: string, names: unknown): string[] {
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new TypeError(`${fn}: ${what} must be an array of names, got ${describe(names)}`);
  return [...names];
}

/**
 * torch.jit.freeze(mod, preserved_attrs=None, optimize_numerics=True): a clone of an eval-mode
 * ScriptModule whose parameters, attributes and submodules are constants of its graph (but forward,
 * the preserved attributes and methods, and what those methods modify), optimized as
 * runFrozenOptimizations does (conv/linear-batchnorm folding with optimizeNumerics, dropout removed, ...).
 */
export function freeze(mod: ScriptModule, preservedAttrs: readonly string[] | null = null, optimizeNumerics = true): ScriptModule {
  const fn = 'torch.jit.freeze';
  checkScriptModule('Freezing', mod);
  const preserved = checkNames(fn, 'preserved_attrs', preservedAttrs ?? []);
  if (typeof optimizeNumerics !== 'boolean') throw new TypeError(`${fn}: optimize_numerics must be a boolean, got ${describe(optimizeNumerics)}`);
  if (mod.hasattr('training') && mod.training)
    throw new Error('Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.');
  const methods = mod.methodNames();
  const frozen = wrapModule(jit.jitFreeze(moduleHandle(mod), preserved));
  runFrozenOptimizations(frozen, optimizeNumerics, preserved.filter((name) => methods.includes(name)));
  return frozen;
}

/**
 * torch.jit.run_frozen_optimizations(mod, optimize_numerics=True, preserved_methods=None): the
 * frozen-graph passes on forward and the given methods, in place (freeze runs them already).
 */
export function runFrozenOptimizations(mod: ScriptModule, optimizeNumerics = true, preservedMethods: readonly string[] | null = null): void {
  const fn = 'torch.jit.run_frozen_optimizations';
  checkScriptModule(fn, mod);
  const methods = checkNames(fn, 'preserved_methods', preservedMethods ?? []);
  if (typeof optimizeNumerics !== 'boolean') throw new TypeError(`${fn}: optimize_numerics must be a boolean, got ${describe(optimizeNumerics)}`);
  jit.jitOptimizeFrozen(moduleHandle(mod), [...(mod.methodNames().includes('forward') ? ['forward'] : []), ...methods], optimizeNumerics);
}

/**
 * torch.jit.optimize_for_inference(mod, other_methods=None): freezes mod (after mod.eval(), keeping
 * otherMethods) unless it is frozen already, then rewrites forward and otherMethods for CPU
 * inference (MKLDNN convolutions, conv-add-relu fusion, pre-transposed linear weights).
 */
export function optimizeForInference(mod: ScriptModule, otherMethods: readonly string[] | null = null): ScriptModule {
  const fn = 'torch.jit.optimize_for_inference';
  checkScriptModule('optimize_for_inference', mod);
  const methods = checkNames(fn, 'other_methods', otherMethods ?? []);
  const frozen = mod.hasattr('training') ? freeze(mod.eval(), methods) : mod;
  jit.jitOptimizeForInference(moduleHandle(frozen), methods);
  return frozen;
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
  /**
   * Python's check_trace (default true): after tracing, traces again and runs the trace, the JS code
   * and the second trace on each check input (without grad); a different graph throws a
   * TracingCheckError, different outputs warn (TracerWarning). The module's forward runs again,
   * as in Python (BatchNorm's running statistics in training mode move with each run).
   */
  checkTrace?: boolean;
  /** Python's check_inputs: argument lists (a Tensor for one argument) to check with instead of the example inputs. */
  checkInputs?: readonly unknown[] | null;
  /** Python's check_tolerance: the relative tolerance of the output comparison (default 1e-5). */
  checkTolerance?: number;
  /**
   * Python's example_kwarg_inputs: the example inputs by parameter name, with exampleInputs null
   * (`trace(fn, null, { exampleKwargInputs: { x, y } })`). As Python binds them by name, each value
   * goes to the parameter of that name in the function's (or forward's) source, a parameter left out
   * gets undefined (its default); the traced result takes the given ones positionally, in the order
   * of the parameters (Python's order too). checkInputs are then objects with the same keys.
   */
  exampleKwargInputs?: Record<string, unknown> | null;
}

/** What trace needs of a JS module: forward, and optionally nn.Module's named* methods and call(). */
export interface Traceable {
  forward(...args: never[]): unknown;
}

/** torch.jit.is_tracing(): whether a torch.jit.trace is running (the traced JS code can ask). */
export { isTracing } from './jit_tracing.js';
/**
 * torch.jit.script(obj): TorchScript compiles Python source, and JS code has none, so this throws,
 * saying what to do instead: torch.jit.trace (a module or function run on example inputs), or
 * torch.jit.script in Python, saved, and loaded here with torch.jit.load. As in Python, a ScriptModule
 * (or traced function) comes back as it is.
 */
export function script<T>(obj: T, ..._rest: unknown[]): T {
  if (obj instanceof ScriptModule || functionModules.has(obj as unknown as ScriptFunction)) return obj;
  throw new Error('torch.jit.script: TorchScript compiles Python source, which JS code does not have, so it cannot script '
    + `${describe(obj)}. Trace it instead (torch.jit.trace(model, exampleInputs), which records the ops one run makes: data-dependent `
    + "control flow is fixed to that run's branch), or script it in Python (torch.jit.script(model).save('model.pt')) and load it here "
    + "with torch.jit.load('model.pt').");
}

/** torch.jit.is_scripting(): JS code is never compiled by TorchScript. */
export function isScripting(): boolean {
  return false;
}

// A JS module's parameters, buffers and submodules: nn.Module's named* methods where it has them,
// else its own properties (tensors requiring grad are parameters, other tensors buffers,
// objects with forward submodules).
interface Members { parameters: [string, Tensor][]; buffers: [string, Tensor][] }
function moduleSpec(m: Traceable, members: Map<ModuleSpec, Members>): ModuleSpec {
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
  const name = (m as object).constructor?.name;
  buffers = buffers.filter(([, t]) => t != null);
  const spec: ModuleSpec = {
    typeName: name && /^[A-Za-z_]\w*$/.test(name) ? name : 'Module',
    training: typeof o.training === 'boolean' ? o.training : true,
    parameters: parameters.map(([n, t]) => [n, handleOfTensor(t)]),
    buffers: buffers.map(([n, t]) => [n, handleOfTensor(t)]),
    children: children.map(([n, c]) => [n, c instanceof ScriptModule ? { script: moduleHandle(c) } : moduleSpec(c, members)]),
  };
  members.set(spec, { parameters, buffers });
  return spec;
}

// The traced module's tensors are the JS module's (same TensorImpl): its Parameter and buffer
// objects become the ScriptModule's, as Python's traced module shares the original's parameters.
function adoptMembers(handle: Handle, spec: ModuleSpec, members: Map<ModuleSpec, Members>): void {
  const own = members.get(spec)!;
  for (const what of ['parameters', 'buffers'] as const)
    for (const [name, h, key] of jit.jitNamed(handle, what, false)) {
      native.dispose(h);
      const t = own[what].find(([n]) => n === name)?.[1];
      if (t && (what === 'buffers' || t instanceof Parameter) && wrappers.get('t' + key) !== t) remember('t' + key, t);
    }
  for (const [name, h] of jit.jitNamed(handle, 'children', false)) {
    const child = spec.children.find(([n]) => n === name)?.[1];
    if (child && !('script' in child)) adoptMembers(h, child, members);
    jit.jitDispose(h);
  }
}

// The parameter names of a JS function (a simple default, `y = 2`, cut off), when they are plain identifiers; else null.
function parameterNames(fn: Function): string[] | null {
  const src = Function.prototype.toString.call(fn);
  const list = /^[^(=]*\(([^)]*)\)/.exec(src)?.[1] ?? /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src)?.[1] ?? '';
  const names = list.split(',').map((s) => s.replace(/=.*$/s, '').trim()).filter((s) => s !== '');
  return names.every((n) => /^[A-Za-z_$][\w$]*$/.test(n)) ? names : null;
}

// The parameter names of a JS function, when they are plain identifiers (they name the graph's inputs).
function argumentNames(fn: Function, count: number): string[] {
  const names = parameterNames(fn);
  return names !== null && names.length === count ? names : [];
}

// Python's example_kwarg_inputs, bound by name: the parameters given (in the function's order), and
// `run` taking their values in that order and calling fn with each at its parameter's place.
interface KwargBinding { names: string[]; values: (given: unknown) => unknown[]; run: (...a: unknown[]) => unknown }
function bindKwargs(fn: (...a: unknown[]) => unknown, named: Function, kwargs: Record<string, unknown>, isModule: boolean): KwargBinding {
  const params = parameterNames(named);
  const label = named.name || 'function';
  if (params === null) throw new TypeError(`torch.jit.trace: exampleKwargInputs binds by parameter name, and the parameters of ${label} are not plain names`);
  for (const key of Object.keys(kwargs))
    if (!params.includes(key)) {
      // Python: a NameError for a module's forward, a TypeError from calling a function with the key
      if (isModule) throw Object.assign(new Error(`'${key}' is not in forward() method's arguments,\n                         valid arguments name are [${params.join(',')}]`), { name: 'NameError' });
      throw new TypeError(`${label}() got an unexpected keyword argument '${key}'`);
    }
  const names = params.filter((n) => Object.hasOwn(kwargs, n));
  const places = names.map((n) => params.indexOf(n));
  const values = (given: unknown): unknown[] => {
    if (!isOptionsObject(given) || Object.keys(given).length !== names.length || !names.every((n) => Object.hasOwn(given, n)))
      throw new TypeError(`torch.jit.trace: with exampleKwargInputs, each check input is an object with its keys (${names.join(', ')}), got ${describe(given)}`);
    return names.map((n) => given[n]);
  };
  const run = (...a: unknown[]): unknown => {
    const args = new Array<unknown>(places.length === 0 ? 0 : Math.max(...places) + 1).fill(undefined);
    places.forEach((p, i) => (args[p] = a[i]));
    return fn(...args);
  };
  return { names, values, run };
}

// Traces fn into the module `handle` as its forward (before any wrapper exists, so that the
// module's tensors are still the ones fn uses).
function runTrace(handle: Handle, fn: (...args: unknown[]) => unknown, names: string[], inputs: unknown[], strict: boolean): void {
  const bridge = (args: unknown[]): unknown => toNative(fn(...args.map(fromNative)));
  whileTracing(() => jit.jitTrace(handle, 'forward', bridge, inputs.map(toNative), strict, names));
}

// ---- check_trace ---------------------------------------------------------------------------------

// Python's _clone_inputs: each tensor detached and cloned (preserving its format and requires_grad).
function cloneInputs(v: unknown): unknown {
  if (isTensor(v)) return v.detach().clone({ memoryFormat: 'preserve_format' }).requiresGrad_(v.requiresGrad);
  if (Array.isArray(v)) return v.map(cloneInputs);
  if (isOptionsObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneInputs(x)]));
  return v;
}

// Python's indent in torch/jit/_trace.py: a tab before each line.
const tabIndent = (s: string): string => s.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== '').map((l) => '\t' + l).join('\n');

// A line diff in difflib.ndiff's notation ('- ', '+ ', '  '; without its '?' guide lines), through the longest common subsequence.
function lineDiff(a: string[], b: string[]): string {
  const lcs = Array.from({ length: a.length + 1 }, () => new Int32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push('  ' + a[i]!);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push('- ' + a[i++]!);
    else out.push('+ ' + b[j++]!);
  }
  return out.join('\n') + '\n';
}

/** torch.jit.TracingCheckError: a trace that check_trace found not to hold (its graph changed between two traces, or running it failed). */
export class TracingCheckError extends Error {
  constructor(graphDiff: string | null, tensorCompare: string | null, extra?: string, options?: ErrorOptions) {
    let message = 'Tracing failed sanity checks!\n';
    if (extra !== undefined) message += extra + '\n';
    if (graphDiff !== null) message += 'ERROR: Graphs differed across invocations!\n' + tabIndent(graphDiff) + '\n';
    if (tensorCompare !== null)
      message += 'ERROR: Tensor-valued Constant nodes differed in value across invocations. This often indicates that the tracer has encountered untraceable code.\n' + tabIndent(tensorCompare) + '\n';
    super(message, options);
    this.name = 'TracingCheckError';
  }
}

interface TraceCheck { inputs: readonly unknown[]; rtol: number; strict: boolean; names: (inputs: unknown[]) => string[] }

// Python's _check_trace, for each check input: trace again (checkHandle), run the trace, the JS code
// and (when those agree) the second trace on clones of the inputs, without grad. Outputs that differ
// warn; graphs (canonical, inlined, without shapes) or tensor constants that differ throw.
function checkTraced(traced: ScriptModule, run: (...a: unknown[]) => unknown, create: () => Handle, check: TraceCheck): void {
  const mangled = /___torch_mangle_[0-9]+\./g;
  for (const given of check.inputs) {
    const inputs = isTensor(given) ? [given] : Array.isArray(given) ? given : [given];
    noGrad(() => {
      // Not wrapped: a ScriptModule's dispose would free the shared parameters. No tidy() either: the JS
      // code runs here and may keep what it makes (a module caching an intermediate); the GC frees those.
      const checkHandle = create();
      try {
        runTrace(checkHandle, run, check.names(inputs), cloneInputs(inputs) as unknown[], check.strict);
        checkOnce(moduleHandle(traced), checkHandle, run, inputs, check.rtol, mangled);
      } finally {
        jit.jitDispose(checkHandle);
      }
    });
  }
}

function checkOnce(traced: Handle, again: Handle, run: (...a: unknown[]) => unknown, inputs: unknown[], rtol: number, mangled: RegExp): void {
  const diagnostics = (): [string | null, string | null] => {
    const mod = jit.jitCheckGraph(traced, 'forward');
    const chk = jit.jitCheckGraph(again, 'forward');
    try {
      const [modText, chkText] = [mod.text.replace(mangled, ''), chk.text.replace(mangled, '')];
      const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n'); // Python's splitlines
      let graphDiff: string | null = null;
      if (modText !== chkText) {
        graphDiff = 'Graph diff:\n' + tabIndent(lineDiff(lines(modText), lines(chkText))) + '\n';
        const first = mod.nodes.findIndex(([text], k) => k < chk.nodes.length && text !== chk.nodes[k]![0]);
        if (first >= 0) graphDiff += 'First diverging operator:\n' + 'Node diff:\n' + tabIndent(lineDiff(lines(mod.nodes[first]![0]), lines(chk.nodes[first]![0]))) + '\n';
      }
      let tensorCompare: string | null = null;
      for (let k = 0; k < Math.min(mod.nodes.length, chk.nodes.length); k++) {
        const [[text, kind, a], [, kindB, b]] = [mod.nodes[k]!, chk.nodes[k]!];
        if (kind !== kindB) break; // the graphs have diverged already
        if (a === null || b === null) continue;
        try {
          assertClose(new Tensor(a), new Tensor(b), { equalNan: true });
        } catch (err) {
          tensorCompare = 'Node:\n' + tabIndent(text) + '\n' + 'Comparison exception: ' + tabIndent((err as Error).message);
          break;
        }
      }
      return [graphDiff, tensorCompare];
    } finally {
      for (const g of [mod, chk]) for (const [, , h] of g.nodes) if (h !== null && !native.isDisposed(h)) native.dispose(h);
    }
  };
  const ours: Tensor[] = []; // what the graph runs made and nothing else holds: freed at the end
  const tensorOutputs = (f: (...a: unknown[]) => unknown, what: string, graph: boolean): Tensor[] => {
    let out: unknown;
    try {
      const args = cloneInputs(inputs) as unknown[];
      out = f(...args);
      if (graph) ours.push(...(args.flat(Infinity) as unknown[]).filter(isTensor));
    } catch (err) {
      const [graphDiff, tensorCompare] = diagnostics();
      throw new TracingCheckError(graphDiff, tensorCompare, `encountered an exception while running the ${what} with test inputs.\nException:\n${tabIndent(String((err as Error)?.message ?? err))}`, { cause: err });
    }
    const tensors = (Array.isArray(out) ? out : [out]).filter(isTensor); // Python's wrap_retval: a tuple's items, else the one value
    if (graph) ours.push(...tensors);
    return tensors;
  };
  let warnedNondeterministic = false;
  const compare = (original: Tensor[], reference: Tensor[], what: string): boolean => {
    let ok = true;
    for (let i = 0; i < Math.min(original.length, reference.length); i++) {
      let [o, r] = [original[i]!, reference[i]!];
      if (o.isQuantized) o = o.dequantize();
      if (r.isQuantized) r = r.dequantize();
      const atol = defaultTolerances(o.dtype, r.dtype)[1];
      const wide = o.isComplex() || r.isComplex() ? 'complex128' : 'float64';
      try {
        tidy(() => assertClose(o.to(wide), r.to(wide), { rtol, atol, equalNan: true }));
      } catch (err) {
        if (!(err instanceof AssertionError)) throw err;
        if (!warnedNondeterministic) {
          warnedNondeterministic = true;
          const nodes = jit.jitCheckGraph(traced, 'forward');
          for (const [, , h] of nodes.nodes) if (h !== null) native.dispose(h);
          if (nodes.nondeterministic.length > 0)
            warn('Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n' + nodes.nondeterministic.slice(0, 20).map(tabIndent).join('\n') +
              '\nThis may cause errors in trace checking. To disable trace checking, pass checkTrace: false to torch.jit.trace()', 'TracerWarning');
        }
        warn(`Output nr ${i + 1}. of the traced function does not match the corresponding output of the ${what}. Detailed error:\n${err.message}`, 'TracerWarning');
        ok = false;
      }
    }
    return ok;
  };
  const forward = (m: Handle) => (...a: unknown[]): unknown => fromNative(jit.jitRun(m, 'forward', a.map(toNative)));
  try {
    const tracedOuts = tensorOutputs(forward(traced), 'trace', true);
    const fnOuts = tensorOutputs(run, 'JS function', false);
    if (compare(tracedOuts, fnOuts, 'JS function')) compare(tracedOuts, tensorOutputs(forward(again), 'repeated trace', true), 'repeated trace');
    const [graphDiff, tensorCompare] = diagnostics();
    if (graphDiff !== null || tensorCompare !== null) throw new TracingCheckError(graphDiff, tensorCompare);
  } finally {
    for (const t of ours) t.dispose(); // handles only: a graph output that is a parameter keeps its memory
  }
}

/**
 * torch.jit.trace(moduleOrFunction, exampleInputs, { strict, checkTrace, checkInputs, checkTolerance }): runs it once on the example inputs
 * (a Tensor or an array of arguments: Tensors, arrays, objects of Tensors) and records the ops into
 * TorchScript. A module's parameters and buffers become the ScriptModule's (shared, same names),
 * its submodules nested ScriptModules. Python's torch.jit.load runs the saved result. Then checks the
 * trace as Python's check_trace does (TraceOptions.checkTrace).
 */
export function trace(module: Traceable, exampleInputs: unknown, options?: TraceOptions): ScriptModule;
export function trace(fn: (...args: never[]) => unknown, exampleInputs: unknown, options?: TraceOptions): ScriptFunction;
export function trace(target: unknown, exampleInputs: unknown, options: TraceOptions = {}): ScriptModule | ScriptFunction {
  const fn = 'torch.jit.trace';
  if (target instanceof ScriptModule) return target; // as Python: tracing a ScriptModule is a no-op
  const { strict = true, checkTrace = true, checkInputs = null, checkTolerance = 1e-5, exampleKwargInputs = null } =
    readOptions(fn, options, ['strict', 'checkTrace', 'checkInputs', 'checkTolerance', 'exampleKwargInputs']) as TraceOptions;
  for (const [name, value] of [['strict', strict], ['checkTrace', checkTrace]] as const)
    if (typeof value !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${describe(value)}`);
  if (checkInputs !== null && !Array.isArray(checkInputs)) throw new TypeError(`${fn}: checkInputs must be an array of argument lists, got ${describe(checkInputs)}`);
  if (typeof checkTolerance !== 'number' || !(checkTolerance >= 0)) throw new TypeError(`${fn}: checkTolerance must be a non-negative number, got ${describe(checkTolerance)}`);
  if (exampleKwargInputs !== null) {
    // Python's message; and where Python takes both (a module traces with example_inputs, a function with the kwargs), one of them here
    if (!isOptionsObject(exampleKwargInputs)) throw new Error('example_kwarg_inputs should be a dict');
    if (exampleInputs !== null && exampleInputs !== undefined) throw new TypeError(`${fn}: give exampleInputs or exampleKwargInputs, not both`);
  }
  const maybeModule = target as Partial<Traceable> & { call?: (...a: unknown[]) => unknown };
  const isModule = typeof target === 'object' && target !== null && typeof maybeModule.forward === 'function';
  if (!isModule && typeof target !== 'function') throw new TypeError(`${fn}: expected a module (an object with forward) or a function, got ${describe(target)}`);
  // nn.Module's call runs its hooks, as Python's trace calls module(*inputs).
  const plainRun = (isModule ? (typeof maybeModule.call === 'function' ? maybeModule.call.bind(target) : maybeModule.forward!.bind(target)) : target) as (...a: unknown[]) => unknown;
  const named = (isModule ? maybeModule.forward : target) as Function;
  // With exampleKwargInputs, Python's check_trace of a function fails on its own retrace (a TracingCheckError
  // whatever the function); here the check traces, runs and compares as it does for positional inputs.
  const kw = exampleKwargInputs === null ? null : bindKwargs(plainRun, named, exampleKwargInputs, isModule);
  const run = kw?.run ?? plainRun;
  const inputs = kw ? kw.values(exampleKwargInputs) : Array.isArray(exampleInputs) ? exampleInputs : [exampleInputs];
  const names = (given: unknown[]): string[] => kw?.names ?? argumentNames(named, given.length);
  const toArgs = (given: unknown): unknown => (kw ? kw.values(given) : given);
  const check = checkTrace ? { inputs: checkInputs === null ? [inputs] : checkInputs.map(toArgs), rtol: checkTolerance, strict, names } : null;
  if (isModule) {
    const members = new Map<ModuleSpec, Members>();
    const spec = moduleSpec(target as Traceable, members);
    const handle = jit.jitCreate(spec);
    adoptMembers(handle, spec, members);
    runTrace(handle, run, names(inputs), inputs, strict);
    const module = wrapModule(handle);
    if (check) checkTraced(module, run, () => jit.jitCreate(moduleSpec(target as Traceable, new Map())), check);
    return module;
  }
  const placeholder = (): Handle => jit.jitCreate({ typeName: 'PlaceholderModule', training: true, parameters: [], buffers: [], children: [] });
  const handle = placeholder();
  runTrace(handle, run, names(inputs), inputs, strict);
  const module = wrapModule(handle);
  if (check) checkTraced(module, run, placeholder, check);
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
    return fromNative(jit.jitUnitRun(this.#h, name, args.map(toNative)));
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
