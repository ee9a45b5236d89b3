// nn.Module: the base class of every layer and model. Submodules and Parameters are the instance's
// own data properties, found in assignment order (class fields or `this.x = ...`; integer-like names
// registered by a method keep their place, where JS would list them first), so state_dict
// keys and their order are PyTorch's for the same model; buffers are registered by name. The
// bookkeeping (buffer names, hooks) lives in one #private record, invisible to that scan.
import { inspect } from 'node:util';

import { isGradEnabled, noGrad } from '../autograd.js';
import { checkCompileOptions, type CompileOptions, warnRunsEagerly } from '../compile_options.js';
import { emptyLike } from '../creation.js';
import { KeyError } from '../errors.js';
import { Device, toDevice, type DeviceLike } from '../device.js';
import { DType, isDTypeName, pySize, toDType } from '../dtype.js';
import { Function as AutogradFunction, type FunctionCtx } from '../function.js';
import { describe, isOptionsObject, pyTypeName, readOptions } from '../options.js';
import { keep } from '../scope.js';
import { RemovableHandle } from '../hooks.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import type { Node } from '../autograd_node.js';
import { Buffer, isLazy, ownedParameter, Parameter } from './parameter.js';
import { isQuiet, quietly } from './_registration.js';
import { moduleLayout, pyStrRepr } from './modules/_format.js';
import { bind, REQUIRED, signature, type Signature } from './functional/_signature.js';

// c10's has_compatible_shallow_copy_type, as far as it matters here: `tensor.data = other` keeps the
// parameter only between tensors of one kind (dense or sparse, meta or not).
const shallowCopyCompatible = (a: Tensor, b: Tensor): boolean =>
  a.layout === b.layout && (a.device.type === 'meta') === (b.device.type === 'meta');

/** `loadStateDict`'s result: the keys the model has that the state dict lacks, and the other way round. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type AnyArgs = any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
export type ForwardPreHook<M extends Module = Module> = (module: M, args: AnyArgs) => unknown;
export type ForwardHook<M extends Module = Module> = (module: M, args: AnyArgs, output: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
export type ForwardPreHookWithKwargs<M extends Module = Module> = (module: M, args: AnyArgs, kwargs: Record<string, unknown>) => unknown;
export type ForwardHookWithKwargs<M extends Module = Module> = (module: M, args: AnyArgs, kwargs: Record<string, unknown>, output: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
export type BackwardPreHook<M extends Module = Module> = (module: M, gradOutput: (Tensor | null)[]) => (Tensor | null)[] | Tensor | null | void;
export type BackwardHook<M extends Module = Module> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | Tensor | null | void;
export type StateDict = Record<string, Tensor>;
/** Python's `_register_load_state_dict_pre_hook` form: hook(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs). */
export type LoadStateDictPreHookNoModule = (stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
  missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]) => void;
/** registerLoadStateDictPreHook's hook: hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs). */
export type LoadStateDictPreHook<M extends Module = Module> = (module: M, ...args: Parameters<LoadStateDictPreHookNoModule>) => void;
/** Per-module data passed to _loadFromStateDict (Python's local_metadata). */
export interface LoadMetadata {
  version?: number;
  assignToParamsBuffers?: boolean;
}

interface HookEntry {
  fn: (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
  withKwargs: boolean;
  alwaysCall: boolean;
}

/** A module's bookkeeping: never an own enumerable property, so the discovery scan does not see it. */
class ModuleRecord {
  readonly buffers = new Map<string, boolean>(); // registered buffer name -> persistent
  /** nn.Buffer instances whose persistent flag is already in `buffers` (a new one assigned over a buffer brings its own). */
  readonly flagsTaken = new WeakSet<Buffer>();
  /** Integer-like names (which JS lists first, ascending) registered by a method -> the last other name then (null: none). */
  intAnchors: Map<string, string | null> | null = null;
  /** With intAnchors: the registration order #orderedKeys last gave, to re-anchor a name whose anchor was deleted. */
  lastOrder: string[] | null = null;
  readonly noneParameters = new Set<string>(); // registerParameter(name, null): listed as None, as in PyTorch
  readonly noneModules = new Set<string>();
  /** Parameters given to registerBuffer: buffers still (a Parameter assigned over a buffer is a parameter). */
  readonly parameterBuffers = new WeakSet<Parameter>();
  /** The parameter and submodule names of the last scan (null: none): null assigned over one later is a None entry. */
  seenParams: string[] | null = null;
  seenModules: string[] | null = null;
  readonly forwardPre: HookEntry[] = [];
  readonly forward: HookEntry[] = [];
  readonly backwardPre: HookEntry[] = [];
  readonly backward: HookEntry[] = [];
  /** Whether `backward` holds full (registerFullBackwardHook) or deprecated regular hooks; set by the first, for good (as PyTorch). */
  isFullBackward: boolean | null = null;
  readonly stateDictPre: HookEntry[] = [];
  readonly stateDictPost: HookEntry[] = [];
  readonly loadPre: HookEntry[] = [];
  readonly loadPost: HookEntry[] = [];
  disposed = false;
  /** No hooks and not disposed: call() goes straight to forward (the hot path). */
  plain = true;
  update(): void {
    this.plain = !this.disposed && globalHooks.forwardPre.length + globalHooks.forward.length + globalHooks.backward.length + globalHooks.backwardPre.length === 0
      && this.forwardPre.length + this.forward.length + this.backwardPre.length + this.backward.length === 0;
  }
}

// nn.modules.module.register_module_forward_hook and friends: hooks for every module.
const globalHooks = { forwardPre: [] as HookEntry[], forward: [] as HookEntry[], backwardPre: [] as HookEntry[], backward: [] as HookEntry[], isFullBackward: null as boolean | null };
let globalHookVersion = 0;

function addHook(list: HookEntry[], entry: HookEntry, prepend: boolean, onChange: () => void): RemovableHandle {
  if (prepend) list.unshift(entry);
  else list.push(entry);
  onChange();
  return new RemovableHandle(() => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    onChange();
  });
}

function checkHook(fn: unknown, what: string): asserts fn is (...args: unknown[]) => unknown {
  if (typeof fn !== 'function') throw new TypeError(`${what}: expected a function, got ${describe(fn)}`);
}

function checkName(name: unknown, what: string, owner: Module): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`${what} name should be a string. Got ${describe(name)}`);
  if (name === '') throw new KeyError(`${what} name can't be empty string ""`);
  if (name.includes('.')) throw new KeyError(`${what} name can't contain ".", got: ${name}`);
  if (name in Module.prototype || inheritedMember(owner, name)) throw new KeyError(`attribute '${name}' already exists`);
}

// Python's hasattr refusal in JS terms: a method or accessor (`length`, a getter alias) that the class defines.
// An own data property is an entry (or a field), which the callers look at themselves.
function inheritedMember(owner: object, name: string): boolean {
  for (let o = Object.getPrototypeOf(owner) as object | null; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d !== undefined) return !('value' in d) || typeof d.value === 'function';
  }
  return false;
}

// Python's __setattr__ removes a name from _buffers when a Parameter or Module is assigned to it; a
// Parameter given to registerBuffer is that buffer's value.
const takesOverBuffer = (v: unknown, parameterBuffers: WeakSet<Parameter>): boolean =>
  v instanceof Module || (v instanceof Parameter && !parameterBuffers.has(v));

// An array-index-like property name, which JS orders first and ascending among an object's keys.
const isIndexKey = (name: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(name) && Number(name) < 4294967295;


/** Python's `_addindent`: indents every line but the first. */
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

const FIRING_WITHOUT_INPUTS =
  'Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require gradients. ' +
  'See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.';

// PyTorch's BackwardHook: identity autograd Functions on a module's tensor inputs and outputs whose
// backward runs the module's full backward (pre-)hooks on the gradients that pass through them.
class BackwardHookState {
  gradOutputs: (Tensor | null)[] | null = null;
  inputsNeedGrad = false;
  /** Python's n_inputs/n_outputs and input/output_tensors_index: the hooks see one gradient per argument (output), null where it is no tensor. */
  readonly sizes = { input: 0, output: 0 };
  readonly tensorsAt: { input: number[]; output: number[] } = { input: [], output: [] };
  constructor(readonly module: Module, readonly pre: HookEntry[], readonly hooks: HookEntry[]) {}

  static replace(result: unknown, current: (Tensor | null)[], what: 'backward' | 'backward pre'): (Tensor | null)[] {
    if (result === undefined || result === null) return current;
    const list = Array.isArray(result) ? result : [result];
    if (list.length !== current.length) // Python's RuntimeError, word for word
      throw new Error(`${what === 'backward' ? 'Backward hook returned an invalid number of grad_input' : 'Backward pre hook returned an invalid number of grad_output'}, got ${list.length}, but expected ${current.length}`);
    list.forEach((g, i) => {
      if (g !== null && !isTensor(g)) throw new TypeError(`${what} hook returned ${describe(g)} at position ${i}, expected a Tensor or null`);
    });
    return list as (Tensor | null)[];
  }

  // Python's _pack_with_none / _unpack_none.
  pack(side: 'input' | 'output', grads: (Tensor | null)[]): (Tensor | null)[] {
    const out = new Array<Tensor | null>(this.sizes[side]).fill(null);
    this.tensorsAt[side].forEach((i, k) => (out[i] = grads[k] ?? null));
    return out;
  }
  unpack(side: 'input' | 'output', grads: (Tensor | null)[]): (Tensor | null)[] {
    return this.tensorsAt[side].map((i) => grads[i] ?? null);
  }

  // BackwardHook's output hook when no input requires grad: the hooks see None for each input and may not return gradients.
  runHooksWithoutInputs(): void {
    warn(FIRING_WITHOUT_INPUTS);
    const gradInputs = this.pack('input', []);
    for (const h of this.hooks) {
      const res: unknown = h.fn(this.module, gradInputs, this.gradOutputs ?? []);
      if (res !== undefined && res !== null && !(Array.isArray(res) && res.every((g) => g === null || g === undefined)))
        throw new Error('Backward hook for Modules where no input requires gradient should always return None or None for all gradients.');
    }
  }

  runHooks(gradInputs: (Tensor | null)[]): (Tensor | null)[] {
    const gradOutputs = this.gradOutputs;
    // As Python: no hook call when the gradient reached the inputs without passing through the outputs
    if (gradOutputs === null) return gradInputs;
    for (const h of this.hooks) gradInputs = BackwardHookState.replace(h.fn(this.module, gradInputs, gradOutputs), gradInputs, 'backward');
    this.gradOutputs = null; // as Python: a later backward that skips the outputs calls no hook
    return gradInputs;
  }
}

class BackwardHookFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, state: BackwardHookState, side: 'input' | 'output', ...tensors: Tensor[]): Tensor[] {
    ctx.state = state;
    ctx.side = side;
    // Python's output hooks are pre-hooks on this node: an unused output's gradient reaches them as None
    if (side === 'output') ctx.setMaterializeGrads(false);
    // as Python's BackwardHookFunction: a tensor that needs no gradient does not come out needing one
    const constant = tensors.filter((t) => !t.requiresGrad);
    if (constant.length) ctx.markNonDifferentiable(...constant);
    return tensors;
  }
  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const state = ctx.state as BackwardHookState;
    const side = ctx.side as 'input' | 'output';
    let packed = state.pack(side, grads);
    if (side === 'output') {
      for (const h of state.pre) packed = BackwardHookState.replace(h.fn(state.module, packed), packed, 'backward pre');
      state.gradOutputs = packed;
      // No input needs a gradient: the hooks run here, with None for every input gradient (as in PyTorch).
      if (!state.inputsNeedGrad) state.runHooksWithoutInputs();
    } else {
      packed = state.runHooks(packed);
    }
    return [null, null, ...state.unpack(side, packed)];
  }
}

/** Applies the identity hook Function to the tensors of `values` (a value or an array), keeping the rest in place. */
function throughHook(state: BackwardHookState, side: 'input' | 'output', values: unknown): unknown {
  const list = Array.isArray(values) ? values : [values];
  const at = list.map((v, i) => (isTensor(v) ? i : -1)).filter((i) => i >= 0);
  state.sizes[side] = list.length;
  state.tensorsAt[side] = at;
  if (at.length === 0) return values;
  const wrapped = BackwardHookFunction.apply(state, side, ...at.map((i) => list[i])) as unknown as Tensor | Tensor[];
  const out = list.slice();
  const ws = Array.isArray(wrapped) ? wrapped : [wrapped];
  at.forEach((i, k) => (out[i] = ws[k]));
  return Array.isArray(values) ? out : out[0];
}

// Python's register_module_{parameter,buffer,module}_registration_hook: hook(module, name, value) may return a replacement.
export type ParameterRegistrationHook = (module: Module, name: string, param: Parameter) => Parameter | null | undefined | void;
export type BufferRegistrationHook = (module: Module, name: string, buffer: Tensor | null) => Tensor | null | undefined | void;
export type ModuleRegistrationHook = (module: Module, name: string, submodule: Module | null) => Module | null | undefined | void;
const registrationHooks = { parameter: [] as HookEntry[], buffer: [] as HookEntry[], module: [] as HookEntry[] };
type RegistrationKind = keyof typeof registrationHooks;

function runRegistrationHooks<T>(kind: RegistrationKind, module: Module, name: string, value: T): T {
  if (isQuiet()) return value;
  for (const { fn } of [...registrationHooks[kind]]) {
    const output = fn(module, name, value) as T | null | undefined;
    if (output !== undefined && output !== null) value = output;
  }
  return value;
}

/** Which registration an assignment `module[name] = value` is (Module's bookkeeping decides; set in its static block). */
let registrationKindOf: (module: Module, name: string, value: unknown) => RegistrationKind | null;
/** Drops a deleted name's registration (a buffer, a None entry). */
let forgetName: (module: Module, name: string) => void;

// JS cannot intercept `this.fc = …` on an ordinary object, so a module made while a registration hook is
// registered is a Proxy whose defineProperty trap (where class fields and assignments both end) runs the
// hooks. It is a base class so that Module's #private fields are stamped on the Proxy itself.
class RegistrationWatch {
  constructor() {
    if (registrationHooks.parameter.length + registrationHooks.buffer.length + registrationHooks.module.length === 0) return;
    const proxy: this = new Proxy(this, {
      defineProperty(target, key, desc) {
        if (isQuiet() || typeof key !== 'string' || !('value' in desc)) return Reflect.defineProperty(target, key, desc);
        const module = proxy as unknown as Module;
        const kind = registrationKindOf(module, key, desc.value);
        return Reflect.defineProperty(target, key, kind === null ? desc : { ...desc, value: runRegistrationHooks(kind, module, key, desc.value) });
      },
      // Python's __delattr__: the name leaves _parameters, _buffers or _modules
      deleteProperty(target, key) {
        const done = Reflect.deleteProperty(target, key);
        if (done && typeof key === 'string') forgetName(proxy as unknown as Module, key);
        return done;
      },
    });
    return proxy;
  }
}

// A built-in layer's forward parameters: JS cannot read forward's arity (defaults, rest parameters, options objects).
const FORWARD_DECLARATION = Symbol('forward declaration');
interface ForwardDeclaration {
  /** The forward the declaration describes: a subclass with its own forward is not checked. */
  readonly forward: unknown;
  readonly required: number;
  readonly positional: number;
  /** Python's `qualname(self, ...)`, for bind's CPython TypeErrors (self counted, as Python does). */
  readonly signature: Signature;
}
type DeclaredClass = { readonly [FORWARD_DECLARATION]?: ForwardDeclaration };

/**
 * Declares the forward of each class as Python's `<owner>.forward(self, ...required, ...optional)`
 * (camelCase names, as the options keys), so call() raises Python's TypeError for too many or missing
 * positional arguments. `owner` is the Python class that defines that forward (each class's own name unless given).
 */
export function declareForward(classes: readonly { readonly prototype: Module; readonly name: string }[], required: readonly string[], optional: readonly string[] = [], owner?: string): void {
  const params: Record<string, unknown> = { self: REQUIRED };
  for (const name of required) params[name] = REQUIRED;
  for (const name of optional) params[name] = null; // only whether a parameter has a default matters to the arity
  for (const cls of classes) {
    const qualname = `${owner ?? cls.name}.forward`;
    const declaration: ForwardDeclaration = {
      forward: cls.prototype.forward, required: required.length, positional: required.length + optional.length,
      signature: signature(qualname, params, { def: qualname }),
    };
    Object.defineProperty(cls, FORWARD_DECLARATION, { value: declaration });
  }
}

// Python's binding of forward(self, *args) for a call whose positional count is out of range: throws its TypeError
// (a trailing options object may still make the call valid: it is the keyword arguments).
function bindForward(module: Module, declaration: ForwardDeclaration, args: readonly unknown[]): void {
  bind(declaration.signature, [module, ...args]);
}

/** Python's TypeError for a forward called with one of its required arguments left out (undefined) or missing. */
export function requireForwardArgs(module: Module, args: ArrayLike<unknown>): void {
  const declaration = (module.constructor as DeclaredClass)[FORWARD_DECLARATION];
  if (declaration === undefined) return;
  for (let i = 0; i < declaration.required; i++) if (args[i] === undefined) bindForward(module, declaration, Array.from(args));
}

export class Module extends RegistrationWatch {
  static {
    // Python's __setattr__: a Parameter registers a parameter, a Module (or None over a submodule) a
    // submodule, a Buffer (or anything over a registered buffer) a buffer; None over a parameter, nothing.
    registrationKindOf = (m, name, value) => {
      if (!(#record in m)) return null; // Module's own fields, before its record exists
      const record = m.#record;
      if (value instanceof Parameter) return 'parameter';
      if (value instanceof Module) return 'module';
      if (record.buffers.has(name) || value instanceof Buffer) return 'buffer';
      if (value !== null && value !== undefined) return null;
      const current: unknown = Object.getOwnPropertyDescriptor(m, name)?.value;
      if (current instanceof Parameter) record.noneParameters.add(name); // a None parameter, registered without the hooks (as Python)
      else if (current instanceof Module || m.#noneKind(name) === 'modules') {
        record.noneModules.add(name);
        return 'module';
      }
      return null;
    };
    forgetName = (m, name) => {
      if (!(#record in m)) return;
      const record = m.#record;
      record.buffers.delete(name);
      record.noneParameters.delete(name);
      record.noneModules.delete(name);
    };
  }

  /** Python's Module._version: the state-dict format a class writes (stateDict's _metadata); a class whose format changed raises it. */
  static _version = 1;

  /** Training mode (dropout active, batch statistics); set by train()/eval(). */
  training = true;
  readonly #record = new ModuleRecord();
  #globalVersion = -1; // not yet checked against the global hooks: the first call() does (they may predate this module)

  /** The computation of the module; subclasses define it. Call the module with call(), not forward(), so hooks run. */
  forward(..._args: any[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** Python's `module(x)`: forward pre-hooks, forward, forward hooks, and full backward hooks. */
  call<M extends Module>(this: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
    const record = this.#record;
    if (record.plain && this.#globalVersion === globalHookVersion) {
      const declaration = (this.constructor as DeclaredClass)[FORWARD_DECLARATION];
      // Out of range, or exactly `required` arguments the last of which may be keywords (`linear.call({ input })`).
      if (declaration !== undefined && (args.length < declaration.required || args.length > declaration.positional ||
          (args.length === declaration.required && isOptionsObject(args[args.length - 1]))))
        return this.forward(...this.#forwardArgs(args)) as ReturnType<M['forward']>;
      return this.forward(...args) as ReturnType<M['forward']>;
    }
    return this.#callWithHooks(args) as ReturnType<M['forward']>;
  }

  // The arguments the declared forward gets (after the pre-hooks): its required parameters given by
  // keyword in the trailing options object move to their positions; Python's TypeError when the count is off.
  #forwardArgs(args: AnyArgs): AnyArgs {
    const declaration = (this.constructor as DeclaredClass)[FORWARD_DECLARATION];
    if (declaration === undefined || declaration.forward !== this.forward) return args;
    const last = args[args.length - 1];
    if (args.length > 0 && args.length <= declaration.required && isOptionsObject(last)) {
      const names = declaration.signature.names.slice(1, 1 + declaration.required); // without self
      const given = args.length - 1;
      // An object without any of the missing names is an argument (Identity's input), not keywords.
      if (names.slice(given).some((name) => name in last)) {
        const moved: unknown[] = args.slice(0, given);
        const rest: Record<string, unknown> = { ...last };
        for (const name of names.slice(given)) {
          if (!(name in rest)) break;
          moved.push(rest[name]);
          delete rest[name];
        }
        args = Object.keys(rest).length > 0 ? [...moved, rest] : moved;
      }
    }
    if (args.length < declaration.required || args.length > declaration.positional) bindForward(this, declaration, args);
    return args;
  }

  #callWithHooks(args: AnyArgs): unknown {
    const record = this.#record;
    if (this.#globalVersion !== globalHookVersion) {
      this.#globalVersion = globalHookVersion;
      record.update();
      if (record.plain) return this.forward(...this.#forwardArgs(args));
    }
    if (record.disposed) throw new Error(`${this.constructor.name}: the module was disposed; it cannot be called`);
    // Python's kwargs: JS passes keyword arguments as one trailing options object; the hooks see it apart from args.
    const kwargsGiven = args.length > 0 && isOptionsObject(args[args.length - 1]);
    let kwargs: Record<string, unknown> = kwargsGiven ? { ...(args[args.length - 1] as Record<string, unknown>) } : {};
    if (kwargsGiven) args = args.slice(0, -1);
    // As Python's _call_impl: the backward hooks are read before the pre-hooks run, the forward hooks after forward.
    const backwardHooks = [...(globalHooks.isFullBackward ? globalHooks.backward : []), ...(record.isFullBackward ? record.backward : [])];
    const regularBackwardHooks = [...(globalHooks.isFullBackward === false ? globalHooks.backward : []), ...(record.isFullBackward === false ? record.backward : [])];
    const backwardPre = [...globalHooks.backwardPre, ...record.backwardPre];
    const forwardHooks = (): HookEntry[] => [...globalHooks.forward, ...record.forward];
    const called = new Set<HookEntry>(); // the alwaysCall forward hooks already called: Python's called_always_called_hooks
    const callForwardHook = (h: HookEntry, output: unknown): unknown => (h.withKwargs ? h.fn(this, args, kwargs, output) : h.fn(this, args, output));
    let result: unknown; // undefined (Python's None) until forward returns
    // As Python's _call_impl: pre-hooks, forward and forward hooks all in one try, so that an error in
    // any of them still runs the alwaysCall forward hooks not yet called.
    try {
      for (const h of [...globalHooks.forwardPre, ...record.forwardPre]) {
        const r = h.withKwargs ? h.fn(this, args, kwargs) : h.fn(this, args);
        if (r === undefined || r === null) continue;
        if (h.withKwargs) {
          if (!Array.isArray(r) || r.length !== 2 || !isOptionsObject(r[1]))
            throw new TypeError(`forward pre-hook must return null or an array of (newArgs, newKwargs), the kwargs an object; got ${describe(r)}`);
          args = Array.isArray(r[0]) ? r[0] : [r[0]];
          kwargs = r[1];
        } else args = Array.isArray(r) ? r : [r];
      }
      let state: BackwardHookState | null = null;
      if (backwardHooks.length + backwardPre.length > 0) {
        state = new BackwardHookState(this, backwardPre, backwardHooks);
        state.inputsNeedGrad = isGradEnabled() && args.some((a) => isTensor(a) && a.requiresGrad);
        state.sizes.input = args.length;
        if (state.inputsNeedGrad) args = throughHook(state, 'input', args) as AnyArgs;
      }
      // The hooks saw keyword-given required arguments in kwargs, as Python's do; forward takes them by position.
      result = this.forward(...this.#forwardArgs(kwargsGiven || Object.keys(kwargs).length > 0 ? [...args, kwargs] : args));
      for (const h of forwardHooks()) {
        if (h.alwaysCall) called.add(h);
        const r = callForwardHook(h, result);
        if (r !== undefined && r !== null) result = r;
      }
      if (state) {
        // Python's isinstance(result, (Tensor, tuple)), an array standing for the tuple; pyTypeName spells a plain object 'dict'
        if (!isTensor(result) && !Array.isArray(result))
          warn(`For backward hooks to be called, module output should be a Tensor or a tuple of Tensors but received <class '${pyTypeName(result)}'>`);
        result = throughHook(state, 'output', result);
      }
      if (regularBackwardHooks.length) this.#attachRegularBackwardHooks(regularBackwardHooks, args, result);
      return result;
    } catch (e) {
      const globals = new Set(globalHooks.forward);
      for (const h of forwardHooks()) {
        if (!h.alwaysCall || called.has(h)) continue;
        try {
          const r = callForwardHook(h, result);
          if (r !== undefined && r !== null) result = r;
        } catch (hookError) {
          // as Python: the hook's error is only a warning, the first error is the one thrown
          warn(`${globals.has(h) ? 'global ' : ''}module forward hook with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${hookError instanceof Error ? hookError.message : String(hookError)}`);
        }
      }
      throw e;
    }
  }

  // PyTorch's deprecated registerBackwardHook: the hooks go on the gradFn of the output's first tensor,
  // and see that one node's gradients, whatever else the forward computed.
  #attachRegularBackwardHooks(hooks: HookEntry[], args: AnyArgs, result: unknown): void {
    let first: unknown = result;
    while (!isTensor(first)) {
      if (Array.isArray(first)) first = first[0];
      else if (first instanceof Map) first = [...first.values()].find(isTensor);
      else if (typeof first === 'object' && first !== null) first = Object.values(first).find(isTensor);
      else return;
    }
    const gradFn = first.gradFn;
    if (gradFn === null) return;
    for (const h of hooks) gradFn.registerHook((gradInputs, gradOutputs) => h.fn(this, gradInputs, gradOutputs) as (Tensor | null)[] | undefined);
    warnRegularBackwardHook(args, result, gradFn);
  }

  // ---- registration -------------------------------------------------------------------------

  /** Adds a buffer: state that is not a parameter (BatchNorm's running_mean); in the state dict unless persistent is false. */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } | boolean = {}): void {
    const persistent = typeof options === 'boolean' ? options : (readOptions('registerBuffer', options, ['persistent']).persistent ?? true);
    if (typeof persistent !== 'boolean') throw new TypeError(`registerBuffer: persistent must be a boolean, got ${describe(persistent)}`);
    if (!this.#isBuffer(name)) {
      checkName(name, 'buffer', this);
      if (Object.hasOwn(this, name)) throw new KeyError(`attribute '${name}' already exists`);
    }
    if (tensor !== null && !isTensor(tensor))
      throw new TypeError(`cannot assign '${describe(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    const value = runRegistrationHooks('buffer', this, name, tensor);
    this.#anchor(name);
    this.#record.buffers.set(name, persistent);
    if (value instanceof Buffer) this.#record.flagsTaken.add(value); // registerBuffer's own persistent wins over the Buffer's
    else if (value instanceof Parameter) this.#record.parameterBuffers.add(value);
    quietly(() => ((this as unknown as Record<string, unknown>)[name] = value === null ? null : keep(value)));
  }

  /** Adds a parameter (or a None placeholder) under `name`, as assigning a Parameter does. */
  registerParameter(name: string, param: Parameter | null): void {
    if (!Object.hasOwn(this, name)) checkName(name, 'parameter', this);
    if (this.#heldByOther(name, 'parameter')) throw new KeyError(`attribute '${name}' already exists`); // a buffer's name too
    if (param === null) this.#record.noneParameters.add(name);
    else if (!(param instanceof Parameter))
      throw new TypeError(`cannot assign '${isTensor(param as unknown) ? (param as Tensor).type() : describe(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    else if (param.gradFn !== null)
      throw new Error(`Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`);
    const value = param === null ? null : runRegistrationHooks('parameter', this, name, param); // Python registers None without the hooks
    this.#anchor(name);
    quietly(() => ((this as unknown as Record<string, unknown>)[name] = value));
  }

  /** Adds a child module (or a None placeholder) under `name`. */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${describe(module)} is not a Module subclass`);
    if (!Object.hasOwn(this, name)) checkName(name, 'module', this);
    if (this.#heldByOther(name, 'module')) throw new KeyError(`attribute '${name}' already exists`);
    const value = runRegistrationHooks('module', this, name, module);
    this.#anchor(name);
    if (value === null) this.#record.noneModules.add(name);
    quietly(() => ((this as unknown as Record<string, unknown>)[name] = value));
  }

  /** Same as addModule. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  // Python's `hasattr(self, name) and name not in self._parameters` (or `_modules`): the name holds a member
  // of another kind, or a field with a value (a null or undefined field is a placeholder a subclass fills).
  #heldByOther(name: string, kind: 'parameter' | 'module'): boolean {
    if (this.#isBuffer(name)) return true;
    const own = Object.getOwnPropertyDescriptor(this, name);
    if (own === undefined || !('value' in own)) return own !== undefined; // an accessor: a parametrization's
    const v: unknown = own.value;
    if (v === null || v === undefined) return this.#noneKind(name) === (kind === 'module' ? 'params' : 'modules');
    return !(kind === 'module' ? v instanceof Module : v instanceof Parameter);
  }

  // Whether `name` is a registered buffer now: a buffer whose property was deleted, or that a Parameter or
  // Module was assigned over, is not (Python's __delattr__ and __setattr__ take it out of _buffers).
  #isBuffer(name: string): boolean {
    const record = this.#record;
    if (!record.buffers.has(name)) return false;
    const d = Object.getOwnPropertyDescriptor(this, name);
    if (d !== undefined && !('value' in d && takesOverBuffer(d.value, record.parameterBuffers))) return true;
    record.buffers.delete(name);
    return false;
  }

  // A null (undefined) property's None entry, if it is one: registered as None, or a parameter (submodule)
  // when last scanned. Plain JS cannot see `m.fc = null` happen, so a submodule set to null before any scan
  // (parameters(), toString(), ...) saw it is a plain null property.
  #noneKind(name: string): 'params' | 'modules' | null {
    const record = this.#record;
    if (record.noneParameters.has(name)) return 'params';
    if (record.noneModules.has(name)) return 'modules';
    if (record.seenModules?.includes(name)) {
      record.noneModules.add(name);
      return 'modules';
    }
    if (record.seenParams?.includes(name)) {
      record.noneParameters.add(name);
      return 'params';
    }
    return null;
  }

  // ---- discovery ----------------------------------------------------------------------------

  // A new integer-like name keeps its registration place: JS would list it before every other name.
  // It joins the group of the last other name (null: before all of them), which lists in registration order.
  #anchor(name: string): void {
    if (Object.hasOwn(this, name)) return;
    if (!isIndexKey(name)) {
      // a name deleted since and registered again comes last: the integer-like names after it stay where they were
      const anchors = this.#record.intAnchors;
      if (anchors !== null) for (const [n, group] of anchors) if (group === name) anchors.set(n, this.#predecessor(name));
      return;
    }
    const keys = Object.keys(this); // integer-like names first, then the others in assignment order
    const last = keys.length ? keys[keys.length - 1]! : null;
    const anchors = (this.#record.intAnchors ??= new Map());
    anchors.delete(name);
    anchors.set(name, last === null || isIndexKey(last) ? null : last);
  }

  // The own property names in registration order (Object.keys puts integer-like ones first).
  #orderedKeys(): string[] {
    const keys = Object.keys(this);
    const anchors = this.#record.intAnchors;
    if (anchors === null || keys.length === 0 || !isIndexKey(keys[0]!)) return keys;
    const groups = new Map<string | null, string[]>();
    for (const [name, anchor] of anchors) {
      if (!Object.hasOwn(this, name)) {
        anchors.delete(name);
        continue;
      }
      let group = anchor;
      if (group !== null && !Object.hasOwn(this, group)) anchors.set(name, (group = this.#predecessor(group))); // its anchor was deleted
      const list = groups.get(group);
      if (list) list.push(name);
      else groups.set(group, [name]);
    }
    const unanchored: string[] = []; // assigned, not registered, or after a name since deleted: where JS puts them
    const out: string[] = [];
    for (const k of keys) {
      if (isIndexKey(k)) {
        const group = anchors.get(k);
        if (group === undefined || (group !== null && !Object.hasOwn(this, group))) unanchored.push(k);
        continue;
      }
      out.push(k, ...(groups.get(k) ?? []));
    }
    return (this.#record.lastOrder = [...unanchored, ...(groups.get(null) ?? []), ...out]);
  }

  // The other name before `name` in the last registration order that is still there (null: none), for the
  // integer-like names anchored to `name`, which has gone.
  #predecessor(name: string): string | null {
    const last = this.#record.lastOrder;
    for (let i = last === null ? -1 : last.indexOf(name); i > 0;) {
      const n = last![--i]!;
      if (!isIndexKey(n) && n !== name && Object.hasOwn(this, n)) return n;
    }
    return null;
  }

  // One pass over the own data properties, in assignment order.
  #scan(): { params: [string, Parameter | null][]; buffers: [string, Tensor | null][]; modules: [string, Module | null][] } {
    const params: [string, Parameter | null][] = [];
    const buffers: [string, Tensor | null][] = [];
    const modules: [string, Module | null][] = [];
    const record = this.#record;
    let paramNames: string[] | null = null;
    let moduleNames: string[] | null = null;
    for (const name of this.#orderedKeys()) {
      const d = Object.getOwnPropertyDescriptor(this, name)!; // one at a time: getOwnPropertyDescriptors is ~10x slower
      if (!('value' in d)) continue; // accessors (a parametrized weight) are computed, not registered
      const v: unknown = d.value;
      this.#takeBufferFlag(name, v);
      if (record.buffers.has(name)) {
        if (!takesOverBuffer(v, record.parameterBuffers)) {
          buffers.push([name, isTensor(v) ? v : null]);
          continue;
        }
        record.buffers.delete(name); // a Parameter or Module assigned over a buffer: that, as Python's __setattr__
      }
      if (v instanceof Parameter) {
        params.push([name, v]);
        (paramNames ??= []).push(name);
      } else if (v instanceof Module) {
        modules.push([name, v]);
        (moduleNames ??= []).push(name);
      } else if (v === null || v === undefined) {
        const kind = this.#noneKind(name);
        if (kind === 'params') {
          params.push([name, null]);
          (paramNames ??= []).push(name);
        } else if (kind === 'modules') {
          modules.push([name, null]);
          (moduleNames ??= []).push(name);
        }
      }
    }
    record.seenParams = paramNames;
    record.seenModules = moduleNames;
    // names deleted since they were registered (Python's __delattr__): no longer buffers or None entries
    if (buffers.length !== record.buffers.size) for (const n of record.buffers.keys()) if (!Object.hasOwn(this, n)) record.buffers.delete(n);
    if (record.noneParameters.size !== 0) for (const n of record.noneParameters) if (!Object.hasOwn(this, n)) record.noneParameters.delete(n);
    if (record.noneModules.size !== 0) for (const n of record.noneModules) if (!Object.hasOwn(this, n)) record.noneModules.delete(n);
    return { params, buffers, modules };
  }

  // Python's __setattr__ with an nn.Buffer: registered with that Buffer's persistent flag, also over a buffer.
  #takeBufferFlag(name: string, v: unknown): void {
    const record = this.#record;
    if (!(v instanceof Buffer) || record.flagsTaken.has(v)) return;
    record.flagsTaken.add(v);
    record.buffers.set(name, v.persistent);
  }

  /** This module's own parameters, None placeholders included (Python's `_parameters`). */
  protected _parameters(): [string, Parameter | null][] {
    return this.#scan().params;
  }
  /** This module's own buffers (Python's `_buffers`). */
  protected _buffers(): [string, Tensor | null][] {
    return this.#scan().buffers;
  }
  /** This module's direct children (Python's `_modules`). */
  protected _modules(): [string, Module | null][] {
    return this.#scan().modules;
  }
  /** Whether buffer `name` is in the state dict. */
  protected _isPersistentBuffer(name: string): boolean {
    const d = Object.getOwnPropertyDescriptor(this, name);
    if (d && 'value' in d) this.#takeBufferFlag(name, d.value); // an nn.Buffer assigned since brings its own flag
    return this.#record.buffers.get(name) ?? false;
  }

  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this.#scan().modules) {
      if (m === null || seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
    }
    return out;
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  namedModules(options: { memo?: Set<Module>; prefix?: string; removeDuplicate?: boolean } = {}): [string, Module][] {
    const o = readOptions('namedModules', options, ['memo', 'prefix', 'removeDuplicate']);
    const memo = (o.memo as Set<Module> | undefined) ?? new Set<Module>();
    const removeDuplicate = (o.removeDuplicate as boolean | undefined) ?? true;
    const out: [string, Module][] = [];
    const visit = (m: Module, prefix: string): void => {
      if (memo.has(m)) return; // a module in a memo given is skipped either way, as in Python
      if (removeDuplicate) memo.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m.#scan().modules) if (child !== null) visit(child, prefix ? `${prefix}.${name}` : name);
    };
    visit(this, (o.prefix as string | undefined) ?? '');
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  #namedMembers<T>(kind: 'params' | 'buffers', options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean }, what: string): [string, T][] {
    const o = readOptions(what, options, ['prefix', 'recurse', 'removeDuplicate']);
    const prefix = (o.prefix as string | undefined) ?? '';
    const removeDuplicate = (o.removeDuplicate as boolean | undefined) ?? true;
    const mods: [string, Module][] = (o.recurse ?? true) ? this.namedModules({ prefix, removeDuplicate }) : [[prefix, this]];
    const seen = new Set<unknown>();
    const out: [string, T][] = [];
    for (const [modPrefix, m] of mods) {
      for (const [name, v] of m.#scan()[kind]) {
        if (v === null || (removeDuplicate && seen.has(v))) continue;
        seen.add(v);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, v as T]);
      }
    }
    return out;
  }

  /** [name, Parameter] pairs, this module's first, then each child's with a dotted prefix. */
  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.#namedMembers<Parameter>('params', options, 'namedParameters');
  }
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(readOptions('parameters', options, ['recurse']) as { recurse?: boolean }).map(([, p]) => p);
  }
  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Tensor][] {
    return this.#namedMembers<Tensor>('buffers', options, 'namedBuffers');
  }
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(readOptions('buffers', options, ['recurse']) as { recurse?: boolean }).map(([, b]) => b);
  }

  // Python's get_submodule: each name must be an attribute (hasattr), and a Module; its AttributeError texts.
  #resolve(target: string, what: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const item of target.split('.')) {
      const child: unknown = m.#attribute(item, what);
      if (!(child instanceof Module)) throw new Error(`${what}: \`${item}\` is not an nn.Module`);
      m = child;
    }
    return m;
  }
  #attribute(name: string, what: string): unknown {
    if (!(name in this)) throw new Error(`${what}: ${this.constructor.name} has no attribute \`${name}\``);
    return (this as unknown as Record<string, unknown>)[name];
  }
  /** The submodule at a dotted path ('layer1.0.conv1'). */
  getSubmodule(target: string): Module {
    return this.#resolve(target, 'getSubmodule');
  }
  /**
   * Puts `module` at a dotted path ('layer1.0.conv1'), as Python's set_submodule: the parent must exist; with
   * strict, so must the attribute; an attribute there that is not a module is not replaced.
   */
  setSubmodule(target: string, module: Module, strict: boolean | { strict?: boolean } = false): void {
    const isStrict = typeof strict === 'boolean' ? strict : readOptions('setSubmodule', strict, ['strict']).strict === true;
    if (target === '') throw new RangeError('setSubmodule: Cannot set the submodule without a target name!');
    if (!(module instanceof Module)) throw new TypeError(`setSubmodule: \`module\` is not an nn.Module, found ${describe(module)}`);
    const i = target.lastIndexOf('.');
    const parent = this.#resolve(target.slice(0, Math.max(i, 0)), 'setSubmodule');
    const name = target.slice(i + 1);
    const has = Object.hasOwn(parent, name) || name in parent;
    if (isStrict && !has) throw new Error(`setSubmodule: ${parent.constructor.name} has no attribute \`${name}\``);
    if (has && !((parent as unknown as Record<string, unknown>)[name] instanceof Module)) throw new Error(`setSubmodule: \`${name}\` is not an nn.Module`);
    parent.addModule(name, module);
  }
  /** The parameter at a dotted path ('layer1.0.conv1.weight'). */
  getParameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const m = this.#resolve(target.slice(0, Math.max(i, 0)), 'getParameter');
    const name = target.slice(i + 1);
    const p = m.#attribute(name, 'getParameter');
    if (!(p instanceof Parameter)) throw new Error(`getParameter: \`${name}\` is not an nn.Parameter`);
    return p;
  }
  /** The buffer at a dotted path ('bn1.running_mean'); null for a buffer registered as None. */
  getBuffer(target: string): Tensor | null {
    const i = target.lastIndexOf('.');
    const m = this.#resolve(target.slice(0, Math.max(i, 0)), 'getBuffer');
    const name = target.slice(i + 1);
    const b = m.#attribute(name, 'getBuffer');
    if (!m.#isBuffer(name)) throw new Error(`getBuffer: \`${name}\` is not a buffer`);
    return isTensor(b) ? b : null;
  }

  // ---- modes --------------------------------------------------------------------------------

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Sets requiresGrad on every parameter (false freezes the module). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }
  /** Resets the gradients of every parameter: to null (the default) or to zero. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = readOptions('zeroGrad', options, ['setToNone']).setToNone ?? true;
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) p.grad = null;
      else {
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        g.zero_();
      }
    }
  }
  /** Calls fn on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new TypeError(`apply: expected a function, got ${describe(fn)}`);
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // ---- conversion ---------------------------------------------------------------------------

  /**
   * Replaces every parameter's and buffer's data with fn(tensor): parameters keep their identity
   * (optimizers holding them stay valid), as PyTorch's `param.data = fn(param)`; buffers are replaced.
   */
  protected _apply(fn: (t: Tensor) => Tensor, recurse = true): this {
    if (recurse) for (const m of this.children()) m._apply(fn);
    const self = this as unknown as Record<string, unknown>;
    // Python writes the converted tensors into _parameters and _buffers directly: no registration hooks
    quietly(() => noGrad(() => {
      for (const [name, p] of this.#scan().params) {
        if (p === null) continue;
        // A lazy parameter's placeholder is converted too: it materializes on that device and dtype, as in PyTorch.
        const applied = fn(p);
        let out = p;
        if (applied !== p && shallowCopyCompatible(p, applied)) p.data = applied;
        else if (applied !== p) {
          // meta <-> a real device: a new Parameter, as Python's _apply makes when set_data cannot take the tensor
          out = ownedParameter(applied, p.requiresGrad, p.constructor as typeof Parameter);
          self[name] = out;
        }
        const g = p.grad;
        if (g !== null) {
          const ga = fn(g);
          if (ga === g) continue;
          if (out === p && shallowCopyCompatible(g, ga)) g.data = ga;
          else out.grad = ga.requiresGrad_(g.requiresGrad);
        }
      }
      for (const [name, b] of this.#scan().buffers) {
        if (b === null) continue;
        const applied = fn(b);
        if (applied === b) continue;
        // A lazy buffer stays lazy (Python's UninitializedBuffer keeps its class through fn), so it still materializes.
        if (isLazy(b) && shallowCopyCompatible(b, applied)) b.data = applied;
        else self[name] = keep(applied);
      }
    }));
    return this;
  }

  /**
   * Moves and/or casts parameters and buffers: to(device), to(dtype), to(tensor), to(device, dtype),
   * to({ device, dtype, nonBlocking }). A dtype applies only to floating-point and complex tensors.
   */
  to(...args: unknown[]): this {
    let device: DeviceLike | undefined;
    let dtype: DType | undefined;
    let nonBlocking = false;
    let memoryFormat: unknown;
    // Python's parser takes one device and one dtype (a tensor gives both): a second is its TypeError, not "last wins".
    const given = new Set<'device' | 'dtype'>();
    const claim = (...slots: ('device' | 'dtype')[]): void => {
      for (const slot of slots) {
        if (given.has(slot)) throw invalidToArguments(args);
        given.add(slot);
      }
    };
    for (const a of args) {
      if (a === undefined || a === null) continue;
      if (a instanceof DType || (typeof a === 'string' && isDTypeName(a))) {
        claim('dtype');
        dtype = toDType(a, 'Module.to');
      } else if (isTensor(a)) {
        claim('device', 'dtype');
        device = a.device;
        dtype = a.dtype;
      } else if (typeof a === 'boolean') nonBlocking = a;
      else if (isOptionsObject(a)) {
        const o = readOptions('Module.to', a, ['device', 'dtype', 'nonBlocking', 'memoryFormat']);
        if (o.device !== undefined && o.device !== null) {
          claim('device');
          device = o.device as DeviceLike;
        }
        if (o.dtype !== undefined && o.dtype !== null) {
          claim('dtype');
          dtype = toDType(o.dtype, 'Module.to');
        }
        if (o.nonBlocking !== undefined) nonBlocking = Boolean(o.nonBlocking);
        if (o.memoryFormat !== undefined && o.memoryFormat !== null) memoryFormat = o.memoryFormat;
      } else if (typeof a === 'string' || a instanceof Device) {
        claim('device');
        device = a;
      } else throw new TypeError(`Module.to: unexpected argument ${describe(a)}`);
    }
    if (dtype !== undefined && !(dtype.isFloatingPoint || dtype.isComplex))
      throw new TypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${String(dtype)}`);
    if (dtype?.isComplex)
      warn('Complex modules are a new feature under active development whose design may change, and some modules might not work as expected when using complex tensors as parameters or buffers. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a complex module does not work as expected.');
    if (device !== undefined) device = toDevice(device, 'Module.to'); // a bad device name throws here, before anything moved
    const target = device;
    return this._apply((t) => {
      const cast = dtype !== undefined && (t.isFloatingPoint() || t.isComplex());
      const format = memoryFormat !== undefined && (t.dim() === 4 || t.dim() === 5); // Python's convert_to_format: 4-d and 5-d tensors
      return cast || target !== undefined || format
        ? t.to({ ...(target ? { device: target } : {}), ...(cast ? { dtype } : {}), nonBlocking, ...(format ? { memoryFormat } : {}) } as never)
        : t;
    });
  }
  /**
   * Moves the parameters and buffers to `device` without copying their values (Python's to_empty): for a
   * module built on the meta device, whose tensors have no values; the caller initialises them.
   */
  toEmpty(options: { device: DeviceLike | null; recurse?: boolean }): this {
    const o = readOptions('toEmpty', options, ['device', 'recurse']);
    // device null keeps each tensor's device (Python's device=None); emptyLike refuses an explicit undefined
    const device = (o.device ?? undefined) as DeviceLike | undefined;
    return this._apply((t) => emptyLike(t, device === undefined ? {} : { device }), o.recurse !== false);
  }
  /** Moves every parameter's and buffer's storage to shared memory (Python's share_memory). */
  shareMemory(): this {
    return this._apply((t) => t.shareMemory_());
  }
  cuda(device?: number | DeviceLike): this {
    return this.to(typeof device === 'number' ? `cuda:${device}` : (device ?? 'cuda'));
  }
  cpu(): this {
    return this.to('cpu');
  }
  /** Casts every parameter and buffer (floating or not) as x.type(dstType) does: a dtype, a type string ('torch.DoubleTensor') or a tensor type. */
  type(dstType: Parameters<Tensor['type']>[0]): this {
    return this._apply((t) => t.type(dstType));
  }
  #castFloating(dtype: string): this {
    return this._apply((t) => (t.isFloatingPoint() ? t.to(dtype as never) : t));
  }
  float(): this {
    return this.#castFloating('float32');
  }
  double(): this {
    return this.#castFloating('float64');
  }
  half(): this {
    return this.#castFloating('float16');
  }
  bfloat16(): this {
    return this.#castFloating('bfloat16');
  }

  // ---- state dict ---------------------------------------------------------------------------

  /** Writes this module's own parameters and persistent buffers (not its children's) into destination. */
  protected _saveToStateDict(destination: StateDict, prefix: string, keepVars: boolean): void {
    const scan = this.#scan();
    // An uninitialized tensor is saved as itself (Python's LazyModuleMixin._save_to_state_dict), so a load keeps it uninitialized
    const saved = (t: Tensor): Tensor => (keepVars || isLazy(t) ? t : t.detach());
    for (const [name, p] of scan.params) if (p !== null) destination[prefix + name] = saved(p);
    for (const [name, b] of scan.buffers) if (b !== null && this.#record.buffers.get(name)) destination[prefix + name] = saved(b);
    const extra = (this as { getExtraState?: () => unknown }).getExtraState;
    if (typeof extra === 'function') (destination as Record<string, unknown>)[`${prefix}_extra_state`] = extra.call(this);
  }

  /**
   * The parameters and persistent buffers by dotted name, in PyTorch's order (this module's own,
   * then each child's). Values are detached tensors sharing the module's storage (keepVars, or an uninitialized placeholder: the tensors themselves).
   */
  stateDict(options: { destination?: StateDict; prefix?: string; keepVars?: boolean } = {}): StateDict {
    const o = readOptions('stateDict', options, ['destination', 'prefix', 'keepVars']);
    const destination = (o.destination as StateDict | undefined) ?? withMetadata({});
    const prefix = (o.prefix as string | undefined) ?? '';
    const keepVars = (o.keepVars as boolean | undefined) ?? false;
    // Python records each module's _version in destination._metadata under its prefix (a non-enumerable key
    // here, written by torch.save): modules with a versioned format (MNASNet's) refuse a state dict without it.
    const localMetadata: LoadMetadata = { version: (this.constructor as typeof Module)._version };
    const metadata = metadataOf(destination);
    if (metadata !== undefined) metadata[prefix.slice(0, -1)] = localMetadata;
    for (const h of this.#record.stateDictPre) h.fn(this, prefix, keepVars);
    this._saveToStateDict(destination, prefix, keepVars);
    for (const [name, m] of this.#scan().modules) if (m !== null) m.stateDict({ destination, prefix: `${prefix}${name}.`, keepVars });
    for (const h of this.#record.stateDictPost) {
      const r = h.fn(this, destination, prefix, localMetadata);
      if (r !== undefined && r !== null) throw new Error('state_dict post-hook must return None'); // Python's, for hooks of the public API
    }
    return destination;
  }

  /**
   * Checks this module's entries of stateDict (Python's _load_from_state_dict) and queues their copy
   * into pending; loadStateDict runs the queue only when nothing failed, so a failed load changes nothing.
   */
  protected _loadFromStateDict(stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, _strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[]): void {
    for (const h of this.#record.loadPre) h.fn(stateDict, prefix, localMetadata, true, missingKeys, unexpectedKeys, errorMsgs);
    const scan = this.#scan();
    const local = new Map<string, Tensor>();
    for (const [name, p] of scan.params) if (p !== null) local.set(name, p);
    for (const [name, b] of scan.buffers) if (b !== null && this.#record.buffers.get(name)) local.set(name, b);
    const pending = pendingCopies.get(localMetadata)!;
    const assign = localMetadata.assignToParamsBuffers ?? false;
    for (const [name, param] of local) {
      const key = prefix + name;
      if (!(key in stateDict)) {
        missingKeys.push(key);
        continue;
      }
      let input = stateDict[key];
      if (!isTensor(input)) {
        errorMsgs.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${describe(input)}`);
        continue;
      }
      const lazy = isLazy(param);
      if (input.isDisposed) {
        errorMsgs.push(`While copying the parameter named "${key}", the tensor in the checkpoint was disposed`);
        continue;
      }
      // Python reads an uninitialized tensor's shape only to compare it, which raises
      if (!lazy && isLazy(input)) throw new Error(UNINITIALIZED_SHAPE);
      if (!lazy && param.dim() === 0 && input.dim() === 1 && input.shape[0] === 1) input = input.index(0); // 0.3-era checkpoints
      const inShape = (input as Tensor).shape;
      if (!lazy && (inShape.length !== param.shape.length || inShape.some((s, i) => s !== param.shape[i]))) {
        errorMsgs.push(`size mismatch for ${key}: copying a param with shape ${pySize(inShape)} from checkpoint, the shape in current model is ${pySize(param.shape)}.`);
        continue;
      }
      const value = input as Tensor;
      const self = this as unknown as Record<string, unknown>;
      if (param.device.type === 'meta' && value.device.type !== 'meta' && !assign)
        warn(`for ${key}: copying from a non-meta parameter in the checkpoint to a meta parameter in the current model, which is a no-op. (Did you mean to pass \`assign=True\` to assign items in the state dictionary to their corresponding key in the module instead of copying them in place?)`);
      // What copy_ refuses (dense <-> sparse, out of a meta tensor) is found here, so that nothing is copied;
      // the error is copy_'s own, from a copy into a scratch tensor.
      if (!assign && !lazy && (value.layout !== param.layout || (value.device.type === 'meta' && param.device.type !== 'meta'))) {
        const failure = scratchCopyError(param, value);
        if (failure !== null) {
          errorMsgs.push(copyErrorMessage(key, param, value, failure));
          continue;
        }
      }
      const guarded = (copy: () => void) => (): void => {
        try {
          copy();
        } catch (e) {
          throw new CopyFailure(copyErrorMessage(key, param, value, e));
        }
      };
      if (assign) {
        pending.push(() => {
          if (param instanceof Parameter) self[name] = value instanceof Parameter ? value.requiresGrad_(param.requiresGrad) : new Parameter(value, param.requiresGrad);
          else self[name] = keep(value);
        });
      } else if (lazy && !isLazy(value)) {
        // Python's: the placeholder takes the loaded shape on its own dtype and device, then copies (an uninitialized one is copied as it is)
        pending.push(guarded(() => {
          param.materialize(value.shape);
          param.copy_(value);
        }));
      }
      else pending.push(guarded(() => param.copy_(value)));
    }
    const extraKey = `${prefix}_extra_state`;
    const setExtra = (this as { setExtraState?: (s: unknown) => void }).setExtraState;
    if (typeof setExtra === 'function' && typeof (this as { getExtraState?: unknown }).getExtraState === 'function') {
      if (extraKey in stateDict) pending.push(() => setExtra.call(this, stateDict[extraKey]));
      else missingKeys.push(extraKey);
    }
    const children = new Set(scan.modules.map(([n]) => n));
    for (const key of Object.keys(stateDict)) {
      if (!key.startsWith(prefix) || key === extraKey) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf('.');
      if (dot >= 0 ? !children.has(rest.slice(0, dot)) : !local.has(rest)) unexpectedKeys.push(key);
    }
  }

  /**
   * Copies parameters and buffers from a state dict (Python's load_state_dict). strict (default):
   * missing or unexpected keys are an error. assign: the module takes the given tensors instead of
   * copying into its own. Any error (also a shape mismatch) throws before anything is changed.
   */
  loadStateDict(stateDict: Record<string, unknown>, options: { strict?: boolean; assign?: boolean } | boolean = {}): IncompatibleKeys {
    const o = typeof options === 'boolean' ? { strict: options } : readOptions('loadStateDict', options, ['strict', 'assign']);
    const strict = (o.strict as boolean | undefined) ?? true;
    const assign = (o.assign as boolean | undefined) ?? false;
    if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict) || isTensor(stateDict))
      throw new TypeError(`Expected state_dict to be dict-like, got ${describe(stateDict)}.`);
    const sd: Record<string, unknown> = { ...stateDict }; // hooks may edit it; the caller's object stays as it was
    const metadata = metadataOf(stateDict); // the module versions it was saved with (Python's state_dict._metadata)
    if (metadata !== undefined) withMetadata(sd, metadata);
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errorMsgs: string[] = [];
    const pending: (() => void)[] = [];
    // Per module with load post-hooks, in the order its subtree finishes: how many missing and unexpected keys there were then.
    const posts: { m: Module; hooks: HookEntry[]; missing: number; unexpected: number }[] = [];
    const load = (m: Module, local: Record<string, unknown>, prefix: string): void => {
      const saved = metadata?.[prefix.slice(0, -1)];
      const localMetadata: LoadMetadata = { ...(isOptionsObject(saved) ? saved : {}), assignToParamsBuffers: assign };
      pendingCopies.set(localMetadata, pending);
      m._loadFromStateDict(local, prefix, localMetadata, true, missingKeys, unexpectedKeys, errorMsgs);
      for (const [name, child] of m.#scan().modules) {
        if (child === null) continue;
        const childPrefix = `${prefix}${name}.`;
        const childSd: Record<string, unknown> = {};
        for (const k of Object.keys(local)) if (k.startsWith(childPrefix)) childSd[k] = local[k];
        load(child, childSd, childPrefix);
      }
      if (m.#record.loadPost.length) posts.push({ m, hooks: [...m.#record.loadPost], missing: missingKeys.length, unexpected: unexpectedKeys.length });
    };
    load(this, sd, '');
    const result: IncompatibleKeys = { missingKeys, unexpectedKeys };
    // Python runs each module's post-hooks inside load(), right after its subtree and before the strict
    // check: a hook sees the keys found so far, and one that clears them lets a partial load through. The
    // lists are replayed so: each hook gets the keys up to its module's end, after what earlier hooks left.
    // A load that may still fail runs them before the copies (the module unchanged, so a failure changes
    // nothing); one that cannot, after them (as in Python).
    const runPosts = (): void => {
      const allMissing = missingKeys.splice(0);
      const allUnexpected = unexpectedKeys.splice(0);
      let missingDone = 0;
      let unexpectedDone = 0;
      for (const { m, hooks, missing, unexpected } of posts) {
        missingKeys.push(...allMissing.slice(missingDone, missing));
        unexpectedKeys.push(...allUnexpected.slice(unexpectedDone, unexpected));
        [missingDone, unexpectedDone] = [missing, unexpected];
        for (const h of hooks) {
          const r = h.fn(m, result);
          if (r !== undefined && r !== null)
            throw new Error('Hooks registered with ``register_load_state_dict_post_hook`` are not expected to return new values, if incompatible_keys need to be modified, it should be done inplace.');
        }
      }
      missingKeys.push(...allMissing.slice(missingDone));
      unexpectedKeys.push(...allUnexpected.slice(unexpectedDone));
    };
    const mayFail = (): boolean => errorMsgs.length > 0 || (strict && missingKeys.length + unexpectedKeys.length > 0);
    const copiedFirst = !mayFail();
    if (copiedFirst) this.#runCopies(pending, errorMsgs);
    runPosts();
    if (!copiedFirst && !mayFail()) this.#runCopies(pending, errorMsgs);
    if (strict) {
      if (unexpectedKeys.length) errorMsgs.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errorMsgs.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errorMsgs.length) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errorMsgs.join('\n\t')}`);
    return { missingKeys, unexpectedKeys };
  }

  // Runs the queued copies; one that throws (what the checks could not foresee) is reported in errorMsgs
  // in PyTorch's words, and the others still run, as in Python.
  #runCopies(pending: (() => void)[], errorMsgs: string[]): void {
    noGrad(() => {
      for (const copy of pending) {
        try {
          copy();
        } catch (e) {
          if (!(e instanceof CopyFailure)) throw e;
          errorMsgs.push(e.message);
        }
      }
    });
  }

  // ---- hooks --------------------------------------------------------------------------------

  #hook(list: HookEntry[], fn: unknown, what: string, options: Record<string, unknown>, allowed: readonly string[]): RemovableHandle {
    checkHook(fn, what);
    const o = readOptions(what, options, allowed);
    const record = this.#record;
    return addHook(list, { fn, withKwargs: Boolean(o.withKwargs), alwaysCall: Boolean(o.alwaysCall) }, Boolean(o.prepend), () => record.update());
  }
  /** hook(module, args) runs before forward; returning a value (or an array) replaces the arguments. */
  registerForwardPreHook(hook: ForwardPreHook<this>, options?: { prepend?: boolean; withKwargs?: false }): RemovableHandle;
  registerForwardPreHook(hook: ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; withKwargs: true }): RemovableHandle;
  registerForwardPreHook(hook: ForwardPreHook<this> | ForwardPreHookWithKwargs<this>, options: { prepend?: boolean; withKwargs?: boolean } = {}): RemovableHandle {
    return this.#hook(this.#record.forwardPre, hook, 'registerForwardPreHook', options, ['prepend', 'withKwargs']);
  }
  /** hook(module, args, output) runs after forward; returning a value replaces the output. */
  registerForwardHook(hook: ForwardHook<this>, options?: { prepend?: boolean; withKwargs?: false; alwaysCall?: boolean }): RemovableHandle;
  registerForwardHook(hook: ForwardHookWithKwargs<this>, options: { prepend?: boolean; withKwargs: true; alwaysCall?: boolean }): RemovableHandle;
  registerForwardHook(hook: ForwardHook<this> | ForwardHookWithKwargs<this>, options: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
    return this.#hook(this.#record.forward, hook, 'registerForwardHook', options, ['prepend', 'withKwargs', 'alwaysCall']);
  }
  /** hook(module, gradOutput) runs when the gradients of the outputs are computed; it may return replacements. */
  registerFullBackwardPreHook(hook: BackwardPreHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    return this.#hook(this.#record.backwardPre, hook, 'registerFullBackwardPreHook', options, ['prepend']);
  }
  /** hook(module, gradInput, gradOutput) runs when the gradients of the inputs are computed; it may return replacements for gradInput. */
  registerFullBackwardHook(hook: BackwardHook<this>, options: { prepend?: boolean } = {}): RemovableHandle {
    checkHook(hook, 'registerFullBackwardHook');
    if (this.#record.isFullBackward === false) throw new Error(MIXED_BACKWARD_HOOKS);
    this.#record.isFullBackward = true;
    return this.#hook(this.#record.backward, hook, 'registerFullBackwardHook', options, ['prepend']);
  }
  /**
   * Deprecated in PyTorch for registerFullBackwardHook: hook(module, gradInput, gradOutput) runs on the
   * gradients of the autograd node that made the output's first tensor only, so with more than one op
   * in forward it misses some gradients (a FutureWarning says when).
   */
  registerBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    checkHook(hook, 'registerBackwardHook');
    if (this.#record.isFullBackward === true) throw new Error(MIXED_BACKWARD_HOOKS);
    this.#record.isFullBackward = false;
    return this.#hook(this.#record.backward, hook, 'registerBackwardHook', {}, []);
  }
  /** hook(module, prefix, keepVars) runs before stateDict collects this module's entries. */
  registerStateDictPreHook(hook: (module: this, prefix: string, keepVars: boolean) => void): RemovableHandle {
    return this.#hook(this.#record.stateDictPre, hook, 'registerStateDictPreHook', {}, []);
  }
  /** hook(module, stateDict, prefix, localMetadata) runs after this module and its children wrote their entries. */
  registerStateDictPostHook(hook: (module: this, stateDict: StateDict, prefix: string, localMetadata: object) => void): RemovableHandle {
    return this.#hook(this.#record.stateDictPost, hook, 'registerStateDictPostHook', {}, []);
  }
  /**
   * hook(module, stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs) runs
   * before this module reads its entries; it may edit stateDict (rename or add keys) and the lists.
   */
  registerLoadStateDictPreHook(hook: LoadStateDictPreHook<this>): RemovableHandle {
    checkHook(hook, 'registerLoadStateDictPreHook');
    return this._registerLoadStateDictPreHook((...args) => hook(this, ...args));
  }
  /** Python's private `_register_load_state_dict_pre_hook(hook)`: the hook without the module argument (the library's own hooks). */
  _registerLoadStateDictPreHook(hook: LoadStateDictPreHookNoModule): RemovableHandle {
    return this.#hook(this.#record.loadPre, hook, 'registerLoadStateDictPreHook', {}, []);
  }
  /** hook(module, incompatibleKeys) runs after loadStateDict; it may edit the key lists. */
  registerLoadStateDictPostHook(hook: (module: this, incompatibleKeys: IncompatibleKeys) => void): RemovableHandle {
    return this.#hook(this.#record.loadPost, hook, 'registerLoadStateDictPostHook', {}, []);
  }

  // ---- printing and lifetime ----------------------------------------------------------------

  /** The text inside the parentheses of this module's repr (`in_features=784, out_features=128, bias=True`). */
  extraRepr(): string {
    return '';
  }
  /** Python's repr(module). */
  override toString(): string {
    const childLines = this.#scan().modules.map(([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    return moduleLayout(this.constructor.name, this.extraRepr(), childLines);
  }
  [inspect.custom](): string {
    return this.toString();
  }

  /** Frees every parameter and buffer of this module and its submodules now (and what each one's disposeExtras frees); calling it afterwards throws. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const [, p] of m.#scan().params) p?.dispose();
      for (const [, b] of m.#scan().buffers) b?.dispose();
      m.disposeExtras();
      m.#record.disposed = true;
      m.#record.update();
    }
  }
  /** Frees tensors this module keeps outside its parameters and buffers (plain fields); dispose() calls it on every module of the tree. */
  protected disposeExtras(): void {}
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.#record.disposed;
  }
  /**
   * nn.Module.compile: PyTorch compiles this module's calls in place (its state dict keys stay as they
   * are); torchnode checks the options as torch.compile does, warns, and keeps running it eagerly.
   */
  compile(options: CompileOptions = {}): void {
    if (!checkCompileOptions('Module.compile', options).disable) warnRunsEagerly('Module.compile');
  }
  /** Python's `len(m._forward_hooks) + len(m._forward_pre_hooks) > 0` (the Transformer fast paths check it). */
  _hasForwardHooks(): boolean {
    return this.#record.forward.length + this.#record.forwardPre.length > 0;
  }
}

// A state dict's _metadata (Python's OrderedDict attribute): module prefix -> { version }, not enumerated.
function metadataOf(stateDict: object): Record<string, unknown> | undefined {
  const m = (stateDict as { _metadata?: unknown })._metadata;
  return isOptionsObject(m) ? (m as Record<string, unknown>) : undefined;
}
function withMetadata<T extends object>(stateDict: T, metadata: Record<string, unknown> = {}): T {
  Object.defineProperty(stateDict, '_metadata', { value: metadata, enumerable: false, writable: true, configurable: true });
  return stateDict;
}

// The copies a loadStateDict has queued, keyed by the metadata object it hands each module.
const pendingCopies = new WeakMap<LoadMetadata, (() => void)[]>();

/** A queued loadStateDict copy that threw: its message is PyTorch's load error line. */
class CopyFailure extends Error {}

// _load_from_state_dict's text for an exception out of copy_ (`ex.args` is a one-element tuple).
function copyErrorMessage(key: string, param: Tensor, input: Tensor, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw.startsWith('copy_: ') ? raw.slice('copy_: '.length) : raw; // torchnode's op prefix, which Python's message lacks
  return `While copying the parameter named "${key}", whose dimensions in the model are ${pySize(param.shape)} and whose dimensions in the checkpoint are ${pySize(input.shape)}, an exception occurred : (${pyStrRepr(text)},).`;
}

// copy_'s error for param.copy_(input), from a copy into a scratch tensor like param; null when it copies.
function scratchCopyError(param: Tensor, input: Tensor): unknown {
  let scratch: Tensor | null = null;
  try {
    noGrad(() => {
      scratch = emptyLike(param);
      scratch.copy_(input);
    });
    return null;
  } catch (e) {
    return e;
  } finally {
    (scratch as Tensor | null)?.dispose();
  }
}

function globalHook(list: HookEntry[], fn: unknown, what: string, entry: Partial<HookEntry> = {}): RemovableHandle {
  checkHook(fn, what);
  return addHook(list, { fn, withKwargs: false, alwaysCall: false, ...entry }, false, () => globalHookVersion++);
}
/** nn.modules.module.register_module_forward_pre_hook: hook(module, args) before every module's forward. */
export function registerModuleForwardPreHook(hook: ForwardPreHook): RemovableHandle {
  return globalHook(globalHooks.forwardPre, hook, 'registerModuleForwardPreHook');
}
/** register_module_forward_hook: hook(module, args, output), or with withKwargs hook(module, args, kwargs, output), after every module's forward. */
export function registerModuleForwardHook(hook: ForwardHook, options?: { withKwargs?: false; alwaysCall?: boolean }): RemovableHandle;
export function registerModuleForwardHook(hook: ForwardHookWithKwargs, options: { withKwargs: true; alwaysCall?: boolean }): RemovableHandle;
export function registerModuleForwardHook(hook: ForwardHook | ForwardHookWithKwargs, options: { withKwargs?: boolean; alwaysCall?: boolean } = {}): RemovableHandle {
  const o = readOptions('registerModuleForwardHook', options, ['withKwargs', 'alwaysCall']);
  return globalHook(globalHooks.forward, hook, 'registerModuleForwardHook', { withKwargs: Boolean(o.withKwargs), alwaysCall: Boolean(o.alwaysCall) });
}
/** register_module_full_backward_pre_hook. */
export function registerModuleFullBackwardPreHook(hook: BackwardPreHook): RemovableHandle {
  return globalHook(globalHooks.backwardPre, hook, 'registerModuleFullBackwardPreHook');
}
/** register_module_full_backward_hook. */
export function registerModuleFullBackwardHook(hook: BackwardHook): RemovableHandle {
  checkHook(hook, 'registerModuleFullBackwardHook');
  if (globalHooks.isFullBackward === false) throw new Error(MIXED_GLOBAL_BACKWARD_HOOKS);
  globalHooks.isFullBackward = true;
  return globalHook(globalHooks.backward, hook, 'registerModuleFullBackwardHook');
}
/** register_module_backward_hook, deprecated as Module.registerBackwardHook is. */
export function registerModuleBackwardHook(hook: BackwardHook): RemovableHandle {
  checkHook(hook, 'registerModuleBackwardHook');
  if (globalHooks.isFullBackward === true) throw new Error(MIXED_GLOBAL_BACKWARD_HOOKS);
  globalHooks.isFullBackward = false;
  return globalHook(globalHooks.backward, hook, 'registerModuleBackwardHook');
}

function registrationHook(kind: RegistrationKind, hook: unknown, what: string): RemovableHandle {
  checkHook(hook, what);
  return addHook(registrationHooks[kind], { fn: hook, withKwargs: false, alwaysCall: false }, false, () => {}); // no call() state depends on them
}
/**
 * register_module_parameter_registration_hook: hook(module, name, param) runs when any module registers a
 * parameter (registerParameter, or assigning a Parameter: class fields included, in modules made while a
 * registration hook is registered); a returned Parameter is registered instead.
 */
export function registerModuleParameterRegistrationHook(hook: ParameterRegistrationHook): RemovableHandle {
  return registrationHook('parameter', hook, 'registerModuleParameterRegistrationHook');
}
/** register_module_buffer_registration_hook: hook(module, name, buffer) on registerBuffer and buffer assignments; may return a replacement. */
export function registerModuleBufferRegistrationHook(hook: BufferRegistrationHook): RemovableHandle {
  return registrationHook('buffer', hook, 'registerModuleBufferRegistrationHook');
}
/** register_module_module_registration_hook: hook(module, name, submodule) on addModule and submodule assignments; may return a replacement. */
export function registerModuleModuleRegistrationHook(hook: ModuleRegistrationHook): RemovableHandle {
  return registrationHook('module', hook, 'registerModuleModuleRegistrationHook');
}

// Python's UninitializedTensorMixin.shape error: loading an uninitialized tensor into an initialized one reads it.
const UNINITIALIZED_SHAPE = "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.";

// Python's argument parser signatures for Module.to (torch._C._nn._parse_to), as its TypeError lists them.
const TO_SIGNATURES = [
  '(torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
  '(torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
  '(Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
];
// The Python type name the parser prints for one argument of to().
function toArgTypeName(v: unknown): string {
  if (v instanceof DType || (typeof v === 'string' && isDTypeName(v))) return 'torch.dtype';
  if (v instanceof Device) return 'torch.device';
  return isTensor(v) ? 'Tensor' : pyTypeName(v);
}
// Python's TypeError for a to() call that gives the device or the dtype twice: "got (torch.dtype, torch.dtype)".
function invalidToArguments(args: unknown[]): TypeError {
  const pyKeys: Record<string, string> = { nonBlocking: 'non_blocking', memoryFormat: 'memory_format' };
  const got = args.filter((a) => a !== undefined).flatMap((a) => isOptionsObject(a)
    ? Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => `${pyKeys[k] ?? k}=${toArgTypeName(v)}`)
    : [toArgTypeName(a)]);
  return new TypeError(`to() received an invalid combination of arguments - got (${got.join(', ')}), but expected one of:\n${TO_SIGNATURES.map((sig) => ` * ${sig}\n`).join('')}`);
}

const MIXED_BACKWARD_HOOKS = 'Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them.';
const MIXED_GLOBAL_BACKWARD_HOOKS = 'Cannot use both regular backward hooks and full backward hooks as a global Module hook. Please use only one of them.';

// PyTorch's _maybe_warn_non_full_backward_hook: when a regular backward hook will miss gradients.
function warnRegularBackwardHook(args: AnyArgs, result: unknown, gradFn: Node): void {
  const outputs = isTensor(result) ? [result] : Array.isArray(result) && result.every(isTensor) ? result : null;
  if (outputs === null) {
    warn('Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. '
      + 'This hook will be missing some of the grad_output. Please use register_full_backward_hook to get the documented behavior.', 'FutureWarning');
    return;
  }
  if (!args.every(isTensor)) {
    warn('Using non-full backward hooks on a Module that does not take as input a single Tensor or a tuple of Tensors is deprecated and will be removed in future versions. '
      + 'This hook will be missing some of the grad_input. Please use register_full_backward_hook to get the documented behavior.', 'FutureWarning');
    return;
  }
  const outputNodes = new Set(outputs.map((t) => t.gradFn).filter((g) => g !== null));
  if (outputNodes.size === 0 || (outputNodes.size === 1 && !outputNodes.has(gradFn))) {
    warn('Using a non-full backward hook when outputs are nested in python data structure is deprecated and will be removed in future versions. This hook will be missing some grad_output.', 'FutureWarning');
  } else if (outputNodes.size > 1) {
    warn('Using a non-full backward hook when outputs are generated by different autograd Nodes is deprecated and will be removed in future versions. '
      + 'This hook will be missing some grad_output. Please use register_full_backward_hook to get the documented behavior.', 'FutureWarning');
  } else {
    const inputNodes = new Set<Node | null>(args.map((t) => t.gradFn).filter((g) => g !== null));
    const nextNodes = new Set(gradFn.nextFunctions.map(([n]) => n));
    if (inputNodes.size !== nextNodes.size || [...inputNodes].some((n) => !nextNodes.has(n))) {
      warn('Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated and will be removed in future versions. '
        + 'This hook will be missing some grad_input. Please use register_full_backward_hook to get the documented behavior.', 'FutureWarning');
    }
  }
}
