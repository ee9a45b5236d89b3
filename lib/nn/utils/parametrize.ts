// torch.nn.utils.parametrize: a tensor of a module computed on access from an `original` through
// parametrization modules. As in PyTorch, the module's class is swapped for a subclass
// (`ParametrizedLinear`) whose prototype holds an accessor for the tensor, and the parametrizations
// live in a ModuleDict `parametrizations`, so state_dict keys are PyTorch's
// (`parametrizations.weight.original`, `parametrizations.weight.original0`, ...).
import { type Tensor, isTensor } from '../../tensor.js';
import { noGrad } from '../../autograd.js';
import { KeyError } from '../../errors.js';
import { keep } from '../../scope.js';
import { describe, readOptions, whileRunning } from '../../options.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { ModuleDict, ModuleList } from '../modules/container.js';
import { isNotImplemented, shapeEqual } from './_common.js';
import { pySize } from '../../dtype.js';

type Rec = Record<string, unknown>;

/** A parametrization: a Module whose forward maps the original tensor(s) to the parametrized tensor, optionally with rightInverse. */
export interface Parametrization extends Module {
  rightInverse?(value: Tensor): Tensor | Tensor[];
}

let cacheEnabled = 0;
let cache = new Map<Module, Map<string, Tensor>>();

/**
 * parametrize.cached(): inside `fn`, each parametrized tensor is computed once and reused (Python's
 * `with parametrize.cached():`). Returns fn's result; an async fn keeps the cache until it settles.
 */
export function cached<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`cached: expected a function, got ${describe(fn)}`);
  cacheEnabled++;
  return whileRunning(fn, () => {
    cacheEnabled--;
    if (!cacheEnabled) cache = new Map();
  });
}

function registerParameterOrBuffer(module: Module, name: string, x: Tensor): void {
  if (x instanceof Parameter) module.registerParameter(name, x);
  else module.registerBuffer(name, x);
}

/** _maybe_set: `dest.set_(src)` without autograd, so `dest` keeps its identity (optimizers holding it stay valid). */
function maybeSet(dest: Tensor, src: Tensor): void {
  noGrad(() => dest.set_(src));
}

function isSequenceOfTensors(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** ParametrizationList: the parametrizations of one tensor, holding `original` (or original0, original1, ...). */
// Its modules, in order (a plain function: deep copies have no #private brand).
const stepsOf = (list: ParametrizationList): Module[] => [...(list as unknown as Iterable<Module>)];

export class ParametrizationList extends ModuleList {
  declare original: Tensor;
  unsafe: boolean;
  isTensor: boolean;
  ntensors: number;

  constructor(modules: Module[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new Error('ParametrizationList requires one or more modules.');
    super(modules);
    this.unsafe = unsafe;
    const originalShape = original.shape;
    const originalDtype = original.dtype;
    const next: Tensor | unknown[] = noGrad(() => {
      let n: Tensor | unknown[] = original;
      for (const m of [...modules].reverse()) {
        const ri = (m as Parametrization).rightInverse;
        if (typeof ri !== 'function') continue;
        try {
          n = ri.call(m, n as Tensor);
        } catch (e) {
          if (!isNotImplemented(e)) throw e;
        }
      }
      return n;
    });
    if (!isTensor(next) && !isSequenceOfTensors(next)) {
      throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${describe(next)}`);
    }
    this.isTensor = isTensor(next);
    this.ntensors = this.isTensor ? 1 : (next as unknown[]).length;
    if (this.isTensor) {
      const n = next as Tensor;
      if (original.dtype !== n.dtype)
        throw new Error(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: ${String(original.dtype)}\nright_inverse(original).dtype: ${String(n.dtype)}`);
      if (String(original.device) !== String(n.device))
        throw new Error(`When \`right_inverse\` outputs one tensor, it may not change the device.\noriginal.device: ${String(original.device)}\nright_inverse(original).device: ${String(n.device)}`);
      maybeSet(original, n);
      registerParameterOrBuffer(this, 'original', original);
    } else {
      (next as unknown[]).forEach((t, i) => {
        if (!isTensor(t)) throw new Error(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${describe(t)}.`);
        let originali: Tensor = t;
        if (original instanceof Parameter) originali = new Parameter(originali, original.requiresGrad);
        originali.requiresGrad_(original.requiresGrad);
        registerParameterOrBuffer(this, `original${i}`, originali);
      });
    }
    if (!this.unsafe) {
      const z: unknown = (this as Module).call();
      if (!isTensor(z)) throw new Error(`A parametrization must return a tensor. Got ${describe(z)}.`);
      if (z.dtype !== originalDtype)
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: ${String(originalDtype)}\nparametrized dtype: ${String(z.dtype)}`);
      if (!shapeEqual(z.shape, originalShape))
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${pySize(originalShape)}\nparametrized shape: ${pySize(z.shape)}`);
    }
  }

  /** Sets the original(s) so that the parametrized tensor becomes `value` (each parametrization's rightInverse, last to first). */
  rightInverse(value: Tensor): void {
    noGrad(() => {
      let v: Tensor | unknown[] = value;
      for (const m of [...stepsOf(this)].reverse()) {
        const ri = (m as Parametrization).rightInverse;
        if (typeof ri !== 'function') throw new Error(`parametrization ${m.constructor.name} does not implement right_inverse.`);
        v = ri.call(m, v as Tensor);
      }
      if (this.isTensor) {
        if (!isTensor(v)) throw new Error(`\`right_inverse\` should return a tensor. Got ${describe(v)}`);
        if (v.dtype !== this.original.dtype)
          throw new Error(`The tensor returned by \`right_inverse\` has dtype ${String(v.dtype)} while \`original\` has dtype ${String(this.original.dtype)}`);
        maybeSet(this.original, v);
      } else {
        if (!isSequenceOfTensors(v)) throw new Error(`'right_inverse' must return a sequence of tensors. Got ${describe(v)}.`);
        if (v.length !== this.ntensors)
          throw new Error(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of length ${v.length}.`);
        v.forEach((t, i) => {
          const originali = (this as unknown as Rec)[`original${i}`] as Tensor;
          if (!isTensor(t)) throw new Error(`'right_inverse' must return a sequence of tensors or reference-type opaques. Got element ${i} of type ${describe(t)}.`);
          if (originali.dtype !== t.dtype) throw new Error(`Tensor ${i} returned by \`right_inverse\` has dtype ${String(t.dtype)} while \`original${i}\` has dtype ${String(originali.dtype)}`);
          maybeSet(originali, t);
        });
      }
    });
  }

  override forward(): Tensor {
    const [first, ...rest] = stepsOf(this);
    const rec = this as unknown as Rec;
    let x: Tensor = this.isTensor
      ? (first!.call(this.original) as Tensor)
      : (first!.call(...Array.from({ length: this.ntensors }, (_, i) => rec[`original${i}`])) as Tensor);
    for (const m of rest) x = m.call(x) as Tensor;
    return x;
  }
}

/** The class a parametrized module was before registerParametrization swapped it (type_before_parametrizations). */
export function typeBeforeParametrizations(module: Module): abstract new (...args: never[]) => Module {
  if (isParametrized(module)) return Object.getPrototypeOf(Object.getPrototypeOf(module)).constructor;
  return module.constructor as abstract new (...args: never[]) => Module;
}

/** _inject_new_class: `module`'s class becomes `Parametrized<Class>`, a subclass made for this module alone. */
function injectNewClass(module: Module): void {
  const cls = module.constructor as new (...args: never[]) => Module;
  const paramCls = { [`Parametrized${cls.name}`]: class extends cls {} }[`Parametrized${cls.name}`]!;
  Object.setPrototypeOf(module, paramCls.prototype);
}

function parametrizationsOf(module: Module): ModuleDict {
  return (module as unknown as { parametrizations: ModuleDict }).parametrizations;
}

/** _inject_property: `module[tensorName]` computes the parametrized tensor; assigning to it calls rightInverse. */
function injectProperty(module: Module, tensorName: string): void {
  if (tensorName in module) throw new Error(`Module already has an attribute named '${tensorName}'`);
  Object.defineProperty(Object.getPrototypeOf(module), tensorName, {
    configurable: true,
    enumerable: false,
    get(this: Module): Tensor {
      const parametrization = parametrizationsOf(this)[tensorName] as ParametrizationList; // the ModuleDict's own property: no scan per access
      if (!cacheEnabled) return parametrization.call() as Tensor;
      let perModule = cache.get(this);
      if (!perModule) cache.set(this, (perModule = new Map()));
      let t = perModule.get(tensorName);
      if (t === undefined) {
        // kept: the cache outlives any tidy() the first access runs in (an RNN step per tidy inside cached())
        t = keep(parametrization.call() as Tensor);
        perModule.set(tensorName, t);
      }
      return t;
    },
    set(this: Module, value: Tensor) {
      // Python's Module.__setattr__ registers a Parameter before the property is reached, and the name is taken
      if (value instanceof Parameter) throw new KeyError(`attribute '${tensorName}' already exists`);
      (parametrizationsOf(this)[tensorName] as ParametrizationList).rightInverse(value);
    },
  });
}

/** Python's `name in module._parameters or name in module._buffers`. */
function isParameterOrBuffer(module: Module, name: string): boolean {
  if (!Object.hasOwn(module, name)) return false;
  const m = module as unknown as { _parameters(): [string, unknown][]; _buffers(): [string, unknown][] };
  return m._parameters().some(([n]) => n === name) || m._buffers().some(([n]) => n === name);
}

export interface RegisterParametrizationOptions {
  /** Allow the parametrization to change the shape or dtype of the tensor (no consistency checks). */
  unsafe?: boolean;
}

/**
 * parametrize.register_parametrization: from now on `module[tensorName]` is `parametrization(original)`.
 * A second registration on the same tensor chains after the first. Returns the module.
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Module, options: RegisterParametrizationOptions = {}): M {
  const fn = 'registerParametrization';
  const unsafe = Boolean(readOptions(fn, options, ['unsafe'] as const).unsafe ?? false);
  if (!(module instanceof Module)) throw new TypeError(`${fn}: expected an nn.Module, got ${describe(module)}`);
  if (!(parametrization instanceof Module)) throw new TypeError(`${fn}: the parametrization must be an nn.Module, got ${describe(parametrization)}`);
  parametrization.train(module.training);
  if (isParametrized(module, tensorName)) {
    if (!unsafe) {
      const y = (module as unknown as Rec)[tensorName] as Tensor;
      const x: unknown = parametrization.call(y);
      if (!isTensor(x)) throw new Error(`A parametrization must return a tensor. Got ${describe(x)}.`);
      if (x.dtype !== y.dtype)
        throw new Error(`Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: ${String(y.dtype)}\nparametrization(module.${tensorName}).dtype: ${String(x.dtype)}`);
      if (!shapeEqual(x.shape, y.shape))
        throw new Error(`Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${pySize(y.shape)}\nparametrization(module.${tensorName}).shape: ${pySize(x.shape)}`);
      const ri = (parametrization as Parametrization).rightInverse;
      if (typeof ri === 'function') {
        let z: unknown;
        let implemented = true;
        try {
          z = ri.call(parametrization, x);
        } catch (e) {
          if (!isNotImplemented(e)) throw e;
          implemented = false;
        }
        if (implemented) {
          if (!isTensor(z)) throw new Error(`parametrization.right_inverse must return a tensor. Got: ${describe(z)}`);
          if (z.dtype !== y.dtype)
            throw new Error(`The tensor returned by parametrization.right_inverse must have the same dtype as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.dtype: ${String(y.dtype)}\nreturned dtype: ${String(z.dtype)}`);
          if (!shapeEqual(z.shape, y.shape))
            throw new Error(`The tensor returned by parametrization.right_inverse must have the same shape as module.${tensorName}, unless the \`unsafe\` flag is enabled.\nmodule.${tensorName}.shape: ${pySize(y.shape)}\nreturned shape: ${pySize(z.shape)}`);
        }
      }
    }
    const list = parametrizationsOf(module).get(tensorName) as ParametrizationList;
    list.append(parametrization);
    list.unsafe ||= unsafe;
  } else if (isParameterOrBuffer(module, tensorName)) {
    const original = (module as unknown as Rec)[tensorName] as Tensor;
    const parametrizations = new ParametrizationList([parametrization], original, unsafe);
    delete (module as unknown as Rec)[tensorName];
    if (!isParametrized(module)) {
      injectNewClass(module);
      (module as unknown as Rec).parametrizations = new ModuleDict();
    }
    injectProperty(module, tensorName);
    parametrizationsOf(module).set(tensorName, parametrizations);
  } else {
    throw new Error(`Module '${String(module)}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  return module;
}

/** parametrize.is_parametrized: whether `module` has any parametrization (or one on `tensorName`). */
export function isParametrized(module: Module, tensorName?: string | null): boolean {
  const parametrizations = (module as unknown as Rec).parametrizations;
  if (!(parametrizations instanceof ModuleDict)) return false;
  if (tensorName === undefined || tensorName === null) return parametrizations.length > 0;
  return parametrizations.has(tensorName);
}

/**
 * parametrize.remove_parametrizations: `module[tensorName]` becomes a plain parameter (or buffer) again,
 * holding the parametrized value (leaveParametrized, the default) or the original.
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, options: { leaveParametrized?: boolean } = {}): M {
  const leaveParametrized = Boolean(readOptions('removeParametrizations', options, ['leaveParametrized'] as const).leaveParametrized ?? true);
  if (!isParametrized(module, tensorName)) throw new Error(`Module ${String(module)} does not have a parametrization on ${tensorName}`);
  const dict = parametrizationsOf(module);
  const parametrizations = dict.get(tensorName) as ParametrizationList;
  let original: Tensor;
  if (parametrizations.isTensor) {
    original = parametrizations.original;
    if (leaveParametrized) {
      const t = noGrad(() => (module as unknown as Rec)[tensorName] as Tensor);
      maybeSet(original, t);
    }
  } else if (leaveParametrized) {
    const t = (module as unknown as Rec)[tensorName] as Tensor;
    original = t.requiresGrad ? new Parameter(t) : t;
  } else {
    throw new Error('Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.');
  }
  delete Object.getPrototypeOf(module)[tensorName];
  dict.pop(tensorName);
  registerParameterOrBuffer(module, tensorName, original);
  if (!isParametrized(module)) {
    delete (module as unknown as Rec).parametrizations;
    Object.setPrototypeOf(module, Object.getPrototypeOf(Object.getPrototypeOf(module)));
  }
  return module;
}

/**
 * parametrize.transfer_parametrizations_and_params: registers `fromModule`'s parametrizations (all, or
 * those of `tensorName`) on `toModule`, sharing the originals.
 */
export function transferParametrizationsAndParams<M extends Module>(fromModule: Module, toModule: M, tensorName?: string | null): M {
  if (!isParametrized(fromModule)) return toModule;
  const from = parametrizationsOf(fromModule);
  const names = tensorName === undefined || tensorName === null ? [...from.keys()] : [tensorName];
  for (const name of names) {
    const to = toModule as unknown as Rec;
    if (!(name in toModule)) to[name] = new Parameter((fromModule as unknown as Rec)[name] as Tensor);
    const fromList = from.get(name) as ParametrizationList;
    for (const p of fromList as unknown as Iterable<Module>) registerParametrization(toModule, name, p);
    const toList = parametrizationsOf(toModule).get(name) as ParametrizationList;
    const fromRec = fromList as unknown as Rec;
    const toRec = toList as unknown as Rec;
    if ('original' in fromRec) toRec.original = fromRec.original;
    else for (let i = 0; `original${i}` in fromRec; i++) toRec[`original${i}`] = fromRec[`original${i}`];
  }
  return toModule;
}
