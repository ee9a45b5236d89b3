// torch.nn.utils.prune: a pruned tensor `name` becomes `name_orig` (parameter) times `name_mask`
// (buffer), recomputed by a forward pre-hook; repeated pruning of one tensor goes through a
// PruningContainer. Written as PyTorch 2.13 writes it (same ops, same RNG draws, round half to even).
import { type Tensor, isTensor } from '../../tensor.js';
import { onesLike, rand, randLike, zerosLike } from '../../creation.js';
import * as ops from '../../generated/functions.js';
import { norm } from '../../functional/python_ops.js';
import { describe, isOptionsObject } from '../../options.js';
import { keep } from '../../scope.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { parametersToVector } from './convert_parameters.js';
import { HookRegistry, shapeEqual } from './_common.js';
import { pyRound } from '../../libm.js';
import { pySize } from '../../dtype.js';
import { bind, pythonFunction, REQUIRED, signature, type PyArgs, type Signature } from '../functional/_signature.js';

type Rec = Record<string, unknown>;
type IndexItem = Parameters<Tensor['index']>[number];

/** Pruning hooks per module (Python finds them by type in module._forward_pre_hooks). */
const pruningHooks = new HookRegistry<BasePruningMethod>();

/** The kind of pruning a method does, which decides how a PruningContainer combines it with earlier masks. */
export type PruningType = 'unstructured' | 'structured' | 'global';

// Python's signatures, bound as Python binds a call (positionals, then one options object).
const PRUNE = signature('prune', { t: REQUIRED, defaultMask: null, importanceScores: null });
const METHOD_REMOVE = signature('remove', { module: REQUIRED });

/** prune.BasePruningMethod: subclasses define computeMask(t, defaultMask) and PRUNING_TYPE. */
export abstract class BasePruningMethod {
  abstract readonly PRUNING_TYPE: PruningType;
  _tensorName: string | null = null;

  /** The mask for `t`, starting from `defaultMask` (the mask of earlier pruning, or ones). */
  abstract computeMask(t: Tensor, defaultMask: Tensor): Tensor;

  /** The forward pre-hook: `module[name]` = name_mask * name_orig. */
  call(module: Module): void {
    (module as unknown as Rec)[this._tensorName!] = keep(this.applyMask(module)); // a module attribute, as in Python: outlives torch.tidy scopes
  }

  /** name_mask (cast to name_orig's dtype) times name_orig. */
  applyMask(module: Module): Tensor {
    if (this._tensorName === null) throw new Error(`Module ${String(module)} has to be pruned`);
    const m = module as unknown as Rec;
    const mask = m[`${this._tensorName}_mask`] as Tensor;
    const orig = m[`${this._tensorName}_orig`] as Tensor;
    return mask.to({ dtype: orig.dtype }).mul(orig);
  }

  /** `t` pruned by this method's mask (without touching any module): prune(t, defaultMask = null, importanceScores = null). */
  prune(...args: PyArgs<[t: Tensor, defaultMask: Tensor | null, importanceScores: Tensor | null], { t?: Tensor; defaultMask?: Tensor | null; importanceScores?: Tensor | null }>): Tensor {
    const [t, defaultMask, scores] = bind(PRUNE, args) as [Tensor, Tensor | null, Tensor | null];
    let importanceScores = scores;
    if (importanceScores !== null) {
      if (!shapeEqual(importanceScores.shape, t.shape))
        throw new Error(`importance_scores should have the same shape as tensor t, got ${pySize(importanceScores.shape)} vs ${pySize(t.shape)}`);
    } else importanceScores = t;
    return t.mul(this.computeMask(importanceScores, defaultMask ?? onesLike(t)));
  }

  /** Makes the pruning permanent: `name` becomes a parameter holding the pruned values; name_orig and name_mask go. */
  remove(...args: PyArgs<[module: Module], { module?: Module }>): void {
    const [module] = bind(METHOD_REMOVE, args) as [Module];
    if (this._tensorName === null) throw new Error(`Module ${String(module)} has to be pruned before pruning can be removed`);
    const weight = this.applyMask(module);
    const m = module as unknown as Rec;
    if (Object.hasOwn(m, this._tensorName)) delete m[this._tensorName];
    const orig = m[`${this._tensorName}_orig`] as Parameter;
    orig.data = weight.data;
    delete m[`${this._tensorName}_orig`];
    delete m[`${this._tensorName}_mask`];
    m[this._tensorName] = orig;
  }

  /**
   * BasePruningMethod.apply: prunes `module[name]` with the method `make()` builds (combined in a
   * PruningContainer with earlier pruning of the same tensor) and installs the forward pre-hook.
   */
  static applyMethod(module: Module, name: string, make: () => BasePruningMethod, importanceScores: Tensor | null = null): BasePruningMethod {
    if (!(module instanceof Module)) throw new TypeError(`prune: expected an nn.Module, got ${describe(module)}`);
    const m = module as unknown as Rec;
    const old = pruningHooks.entries(module).filter((e) => e.hook._tensorName === name);
    if (old.length > 1) throw new Error(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${String(module)}. Use a PruningContainer.`);
    const orig = m[name];
    if (!isTensor(orig)) throw new Error(`prune: module ${module.constructor.name} has no parameter or buffer named '${name}'`);
    let method = make();
    method._tensorName = name;
    const oldMethod = old[0]?.hook ?? null;
    if (oldMethod !== null) {
      if (oldMethod instanceof PruningContainer) {
        oldMethod.addPruningMethod(method);
        method = oldMethod;
      } else {
        const container = new PruningContainer(oldMethod);
        container.addPruningMethod(method);
        method = container;
      }
    }
    if (importanceScores !== null && importanceScores !== undefined) {
      if (!shapeEqual(importanceScores.shape, orig.shape))
        throw new Error(`importance_scores should have the same shape as parameter ${name} of ${String(module)}, got ${pySize(importanceScores.shape)} vs ${pySize(orig.shape)}`);
    } else importanceScores = orig;
    const first = !(method instanceof PruningContainer);
    let defaultMask: Tensor;
    if (first) {
      module.registerParameter(`${name}_orig`, orig as Parameter); // throws for a buffer before anything changed, as in Python
      delete m[name];
      defaultMask = onesLike(orig);
    } else defaultMask = (m[`${name}_mask`] as Tensor).detach().clone({ memoryFormat: 'contiguous_format' } as never);
    try {
      const mask = method.computeMask(importanceScores, defaultMask);
      module.registerBuffer(`${name}_mask`, mask);
      m[name] = keep(method.applyMask(module));
    } catch (e) {
      if (first) {
        const o = m[`${name}_orig`] as Parameter;
        delete m[`${name}_orig`];
        module.registerParameter(name, o);
      }
      throw e;
    }
    // Python deletes the old hook and registers the (possibly new) method: it runs last among the pre-hooks.
    if (oldMethod !== null) pruningHooks.remove(module, oldMethod);
    const hook = method;
    pruningHooks.add(module, hook, module.registerForwardPreHook((mod: Module) => hook.call(mod)));
    return method;
  }
}

/** prune.PruningContainer: the sequence of pruning methods applied to one tensor; each new mask acts on what is left. */
export class PruningContainer extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'global';
  _pruningMethods: BasePruningMethod[] = [];

  constructor(...methods: BasePruningMethod[]) {
    super();
    if (methods.length === 1) {
      this._tensorName = methods[0]!._tensorName;
      this.addPruningMethod(methods[0]!);
    } else for (const m of methods) this.addPruningMethod(m);
  }

  addPruningMethod(method: BasePruningMethod | null): void {
    if (method !== null && !(method instanceof BasePruningMethod)) throw new TypeError(`${describe(method)} is not a BasePruningMethod subclass`);
    if (method !== null && this._tensorName !== method._tensorName)
      throw new Error(`Can only add pruning methods acting on the parameter named '${this._tensorName}' to PruningContainer ${this.constructor.name}. Found '${method._tensorName}'`);
    this._pruningMethods.push(method as BasePruningMethod);
  }

  get length(): number {
    return this._pruningMethods.length;
  }
  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this._pruningMethods[Symbol.iterator]();
  }
  at(i: number): BasePruningMethod | undefined {
    return this._pruningMethods.at(i);
  }

  /** The last method's mask computed on the entries (unstructured) or channels (structured) that earlier masks kept. */
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    const method = this._pruningMethods[this._pruningMethods.length - 1]!;
    const newMask = defaultMask.to({ dtype: t.dtype });
    let slc: IndexItem[];
    if (method.PRUNING_TYPE === 'unstructured') slc = [defaultMask.eq(1)];
    else if (method.PRUNING_TYPE === 'structured') {
      const dimOf = (method as { dim?: number }).dim;
      if (dimOf === undefined) throw new Error('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.');
      const nDims = t.dim();
      let dim = dimOf;
      if (dim < 0) dim = nDims + dim;
      if (dim < 0) throw new RangeError(`Index is out of bounds for tensor with dimensions ${nDims}`);
      const others = Array.from({ length: nDims }, (_, i) => i).filter((i) => i !== dim);
      const keepChannel = defaultMask.sum(others).ne(0);
      slc = Array.from({ length: nDims }, (_, i): IndexItem => (i === dim ? keepChannel : ':'));
    } else if (method.PRUNING_TYPE === 'global') slc = Array.from({ length: t.dim() }, (): IndexItem => ':');
    else throw new Error(`Unrecognized PRUNING_TYPE ${String(method.PRUNING_TYPE)}`);
    const partialMask = method.computeMask(t.index(...slc), defaultMask.index(...slc));
    newMask.indexPut_(slc, partialMask.to({ dtype: newMask.dtype }));
    return newMask;
  }
}

function validateAmountInit(amount: unknown): asserts amount is number {
  if (typeof amount !== 'number' || Number.isNaN(amount)) throw new TypeError(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  // A whole number is a Python int (a count of entries), anything else a fraction in [0, 1].
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1.0 || amount < 0.0)))
    throw new Error(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
}

function validateAmount(amount: number, tensorSize: number): void {
  if (Number.isInteger(amount) && amount > tensorSize) throw new Error(`amount=${amount} should be smaller than the number of parameters to prune=${tensorSize}`);
}

function computeNparamsToprune(amount: number, tensorSize: number): number {
  return Number.isInteger(amount) ? amount : pyRound(amount * tensorSize);
}

function validateStructured(t: Tensor): void {
  if (t.dim() <= 1) throw new Error(`Structured pruning can only be applied to multidimensional tensors. Found tensor of shape ${pySize(t.shape)} with ${t.dim()} dims`);
}

function validateDim(t: Tensor, dim: number): void {
  if (dim >= t.dim()) throw new RangeError(`Invalid index ${dim} for tensor of size ${pySize(t.shape)}`);
}

/** A mask of zeros with ones on the channels `index` selects along `dim`. */
function channelMask(t: Tensor, dim: number, index: Tensor): Tensor {
  const mask = zerosLike(t);
  const slc = Array.from({ length: t.dim() }, (_, i): IndexItem => (i === dim || i === dim + t.dim() ? index : ':'));
  mask.indexPut_(slc, 1);
  return mask;
}

type Opt<T> = { [K in keyof T]?: T[K] };
interface AmountOption { amount: number }
interface ScoresOption { importanceScores: Tensor | null }
interface StructuredOptions extends AmountOption { dim: number }
interface LnOptions extends StructuredOptions { n: number | string }
interface TargetOptions { module: Module; name: string }

/** A pruning class's apply(module, name, ...): binds `args` to `sig` and prunes with the method `make` builds from the rest. */
function applyBound<T extends BasePruningMethod>(sig: Signature, args: readonly unknown[], make: (...values: any[]) => T): T {
  const [module, name, ...rest] = bind(sig, args);
  const scoresAt = sig.index.get('importanceScores');
  return BasePruningMethod.applyMethod(module as Module, name as string, () => make(...rest), scoresAt === undefined ? null : (rest[scoresAt - 2] as Tensor | null)) as T;
}

const IDENTITY_APPLY = signature('Identity.apply', { module: REQUIRED, name: REQUIRED });
const RANDOM_UNSTRUCTURED_INIT = signature('RandomUnstructured', { amount: REQUIRED });
const RANDOM_UNSTRUCTURED_APPLY = signature('RandomUnstructured.apply', { module: REQUIRED, name: REQUIRED, amount: REQUIRED });
const L1_UNSTRUCTURED_INIT = signature('L1Unstructured', { amount: REQUIRED });
const L1_UNSTRUCTURED_APPLY = signature('L1Unstructured.apply', { module: REQUIRED, name: REQUIRED, amount: REQUIRED, importanceScores: null });
const RANDOM_STRUCTURED_INIT = signature('RandomStructured', { amount: REQUIRED, dim: -1 });
const RANDOM_STRUCTURED_APPLY = signature('RandomStructured.apply', { module: REQUIRED, name: REQUIRED, amount: REQUIRED, dim: -1 });
const LN_STRUCTURED_INIT = signature('LnStructured', { amount: REQUIRED, n: REQUIRED, dim: -1 });
const LN_STRUCTURED_APPLY = signature('LnStructured.apply', { module: REQUIRED, name: REQUIRED, amount: REQUIRED, n: REQUIRED, dim: REQUIRED, importanceScores: null });
const CUSTOM_FROM_MASK_INIT = signature('CustomFromMask', { mask: REQUIRED });
const CUSTOM_FROM_MASK_APPLY = signature('CustomFromMask.apply', { module: REQUIRED, name: REQUIRED, mask: REQUIRED });

/** prune.Identity: a mask of ones (to get the name_orig / name_mask layout without pruning anything). */
export class Identity extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
  static override apply(...args: PyArgs<[module: Module, name: string], Opt<TargetOptions>>): Identity {
    return applyBound(IDENTITY_APPLY, args, () => new Identity());
  }
}

// The unstructured methods' mask: defaultMask with the n = amount entries that topN(n) picks zeroed.
function unstructuredMask(t: Tensor, defaultMask: Tensor, amount: number, topN: (n: number) => unknown): Tensor {
  const tensorSize = t.numel();
  const n = computeNparamsToprune(amount, tensorSize);
  validateAmount(n, tensorSize);
  const mask = defaultMask.clone({ memoryFormat: 'contiguous_format' } as never);
  if (n !== 0) mask.view(-1).indexPut_([(topN(n) as { indices: Tensor }).indices], 0);
  return mask;
}

/** prune.RandomUnstructured: zeroes `amount` entries chosen at random (torch.rand_like + topk, as PyTorch). */
export class RandomUnstructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  readonly amount: number;
  constructor(...args: PyArgs<[amount: number], Opt<AmountOption>>) {
    super();
    [this.amount] = bind(RANDOM_UNSTRUCTURED_INIT, args) as [number];
    validateAmountInit(this.amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return unstructuredMask(t, defaultMask, this.amount, (n) => ops.topk(randLike(t).view(-1), n));
  }
  static override apply(...args: PyArgs<[module: Module, name: string, amount: number], Opt<TargetOptions & AmountOption>>): RandomUnstructured {
    return applyBound(RANDOM_UNSTRUCTURED_APPLY, args, (amount: number) => new RandomUnstructured(amount));
  }
}

/** prune.L1Unstructured: zeroes the `amount` entries of smallest absolute value. */
export class L1Unstructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  readonly amount: number;
  constructor(...args: PyArgs<[amount: number], Opt<AmountOption>>) {
    super();
    [this.amount] = bind(L1_UNSTRUCTURED_INIT, args) as [number];
    validateAmountInit(this.amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return unstructuredMask(t, defaultMask, this.amount, (n) => ops.topk(ops.abs(t).view(-1), n, { largest: false }));
  }
  static override apply(...args: PyArgs<[module: Module, name: string, amount: number, importanceScores: Tensor | null], Opt<TargetOptions & AmountOption & ScoresOption>>): L1Unstructured {
    return applyBound(L1_UNSTRUCTURED_APPLY, args, (amount: number) => new L1Unstructured(amount));
  }
}

/** prune.RandomStructured: zeroes `amount` channels along `dim` chosen at random. */
export class RandomStructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'structured';
  readonly amount: number;
  readonly dim: number;
  constructor(...args: PyArgs<[amount: number, dim: number], Opt<StructuredOptions>>) {
    super();
    [this.amount, this.dim] = bind(RANDOM_STRUCTURED_INIT, args) as [number, number];
    validateAmountInit(this.amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t);
    validateDim(t, this.dim);
    const tensorSize = t.size(this.dim);
    const n = computeNparamsToprune(this.amount, tensorSize);
    validateAmount(n, tensorSize);
    if (n === 0) return defaultMask;
    const prob = rand(tensorSize);
    const threshold = (ops.kthvalue(prob, n) as unknown as { values: Tensor }).values;
    const mask = channelMask(t, this.dim, prob.gt(threshold));
    mask.mul_(defaultMask.to({ dtype: mask.dtype }));
    return mask;
  }
  static override apply(...args: PyArgs<[module: Module, name: string, amount: number, dim: number], Opt<TargetOptions & StructuredOptions>>): RandomStructured {
    return applyBound(RANDOM_STRUCTURED_APPLY, args, (amount: number, dim: number) => new RandomStructured(amount, dim));
  }
}

/** prune.LnStructured: zeroes the `amount` channels along `dim` of smallest L`n` norm. */
export class LnStructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'structured';
  readonly amount: number;
  readonly n: number | string;
  readonly dim: number;
  constructor(...args: PyArgs<[amount: number, n: number | string, dim: number], Opt<LnOptions>>) {
    super();
    [this.amount, this.n, this.dim] = bind(LN_STRUCTURED_INIT, args) as [number, number | string, number];
    validateAmountInit(this.amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    validateStructured(t);
    validateDim(t, this.dim);
    const tensorSize = t.size(this.dim);
    const nPrune = computeNparamsToprune(this.amount, tensorSize);
    const nKeep = tensorSize - nPrune;
    validateAmount(nPrune, tensorSize);
    // _compute_norm: the norm over every dim but `dim`
    const d = this.dim < 0 ? t.dim() + this.dim : this.dim;
    const dims = Array.from({ length: t.dim() }, (_, i) => i).filter((i) => i !== d);
    const channelNorms = norm(t, this.n as never, dims);
    const { indices } = ops.topk(channelNorms, nKeep, { largest: true }) as unknown as { indices: Tensor };
    if (nPrune === 0) return defaultMask;
    const mask = channelMask(t, this.dim, indices);
    mask.mul_(defaultMask.to({ dtype: mask.dtype }));
    return mask;
  }
  static override apply(...args: PyArgs<[module: Module, name: string, amount: number, n: number | string, dim: number, importanceScores: Tensor | null], Opt<TargetOptions & LnOptions & ScoresOption>>): LnStructured {
    return applyBound(LN_STRUCTURED_APPLY, args, (amount: number, n: number | string, dim: number) => new LnStructured(amount, n, dim));
  }
}

/** prune.CustomFromMask: prunes with a given mask. */
export class CustomFromMask extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'global';
  readonly mask: Tensor;
  constructor(...args: PyArgs<[mask: Tensor], { mask?: Tensor }>) {
    super();
    [this.mask] = bind(CUSTOM_FROM_MASK_INIT, args) as [Tensor];
  }
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (!shapeEqual(defaultMask.shape, this.mask.shape))
      throw new Error(`default_mask shape ${pySize(defaultMask.shape)} must match self.mask shape ${pySize(this.mask.shape)}`);
    return defaultMask.mul(this.mask.to({ dtype: defaultMask.dtype }));
  }
  static override apply(...args: PyArgs<[module: Module, name: string, mask: Tensor], Opt<TargetOptions> & { mask?: Tensor }>): CustomFromMask {
    return applyBound(CUSTOM_FROM_MASK_APPLY, args, (mask: Tensor) => new CustomFromMask(mask));
  }
}

/** A prune.* function: prunes `module` (returned) as Python binds (module, name, ...) — by position, in one trailing options object, or both. */
export interface PruneFunction<P extends readonly unknown[], O> {
  <M extends Module>(module: M, ...args: PyArgs<P, Opt<O>>): M;
  <M extends Module>(options: Opt<O> & { module: M }): M;
}

/** The prune.* function `fn(module, name, ...params)`, which prunes with `method.apply` and returns the module. */
function pruneFunction<P extends readonly unknown[], O>(fn: string, params: Record<string, unknown>, method: { apply(...values: unknown[]): BasePruningMethod }): PruneFunction<P, O> {
  const sig = signature(fn, { module: REQUIRED, name: REQUIRED, ...params });
  return pythonFunction(sig, (module: Module, ...rest: unknown[]) => {
    method.apply(module, ...rest);
    return module;
  }) as PruneFunction<P, O>;
}

/** prune.identity(module, name): reparametrizes `name` as name_orig * name_mask with a mask of ones. */
export const identity: PruneFunction<[name: string], { name: string }> = pruneFunction('identity', {}, Identity);
/** prune.random_unstructured(module, name, amount): prunes `amount` random entries (a count if whole, else a fraction). */
export const randomUnstructured: PruneFunction<[name: string, amount: number], { name: string } & AmountOption> = pruneFunction('randomUnstructured', { amount: REQUIRED }, RandomUnstructured);
/** prune.l1_unstructured(module, name, amount, importanceScores = null): prunes the entries of smallest |value| (or score). */
export const l1Unstructured: PruneFunction<[name: string, amount: number, importanceScores: Tensor | null], { name: string } & AmountOption & ScoresOption> = pruneFunction(
  'l1Unstructured',
  { amount: REQUIRED, importanceScores: null },
  L1Unstructured,
);
/** prune.random_structured(module, name, amount, dim): prunes random channels along dim. */
export const randomStructured: PruneFunction<[name: string, amount: number, dim: number], { name: string } & StructuredOptions> = pruneFunction('randomStructured', { amount: REQUIRED, dim: REQUIRED }, RandomStructured);
/** prune.ln_structured(module, name, amount, n, dim, importanceScores = null): prunes the channels of smallest Ln norm along dim. */
export const lnStructured: PruneFunction<[name: string, amount: number, n: number | string, dim: number, importanceScores: Tensor | null], { name: string } & LnOptions & ScoresOption> = pruneFunction(
  'lnStructured',
  { amount: REQUIRED, n: REQUIRED, dim: REQUIRED, importanceScores: null },
  LnStructured,
);
/** prune.custom_from_mask(module, name, mask). */
export const customFromMask: PruneFunction<[name: string, mask: Tensor], { name: string; mask: Tensor }> = pruneFunction('customFromMask', { mask: REQUIRED }, CustomFromMask);

/** An unstructured pruning method class; globalUnstructured constructs it with its extra options (Python's **kwargs), as `new pruningMethod(kwargs)`. */
type UnstructuredMethodClass = new (...args: any[]) => BasePruningMethod;

/** Scores by (module, name), as a Map keyed by [module, name] arrays or an array of [[module, name], scores] pairs. */
export type GlobalImportanceScores = Map<readonly [Module, string], Tensor> | readonly (readonly [readonly [Module, string], Tensor])[];

export interface GlobalUnstructuredOptions {
  parameters?: Iterable<readonly [Module, string]>;
  pruningMethod?: UnstructuredMethodClass;
  importanceScores?: GlobalImportanceScores | null;
  /** How much to prune over all the tensors together (a count if whole, else a fraction); passed to pruningMethod with any other options. */
  amount?: number;
  [kwarg: string]: unknown;
}

const GLOBAL_UNSTRUCTURED = signature('globalUnstructured', { parameters: REQUIRED, pruningMethod: REQUIRED, importanceScores: null });

/**
 * prune.global_unstructured(parameters, pruningMethod, importanceScores = null, { ...kwargs }): prunes the
 * [module, name] tensors together, as one vector, with an unstructured method (L1Unstructured, RandomUnstructured)
 * built as `new pruningMethod(kwargs)` (e.g. `{ amount: 0.2 }`).
 */
export function globalUnstructured(
  ...args: PyArgs<[parameters: Iterable<readonly [Module, string]>, pruningMethod: UnstructuredMethodClass, importanceScores: GlobalImportanceScores | null], GlobalUnstructuredOptions>
): void {
  // Python's **kwargs: the options global_unstructured does not name go to the pruning method.
  const kwargs: Rec = {};
  const bound: unknown[] = [...args];
  const last = bound[bound.length - 1];
  if (isOptionsObject(last)) {
    const own: Rec = {};
    for (const [key, value] of Object.entries(last)) (GLOBAL_UNSTRUCTURED.index.has(key) ? own : kwargs)[key] = value;
    bound[bound.length - 1] = own;
  }
  const [parameters, pruningMethod, importanceScores] = bind(GLOBAL_UNSTRUCTURED, bound) as [Iterable<readonly [Module, string]>, UnstructuredMethodClass, GlobalImportanceScores | null];
  if (parameters === null || typeof (parameters as Iterable<unknown>)?.[Symbol.iterator] !== 'function') throw new TypeError('global_unstructured(): parameters is not an Iterable');
  const scoreEntries: (readonly [readonly [Module, string], Tensor])[] =
    importanceScores === null ? [] : importanceScores instanceof Map ? [...importanceScores] : Array.isArray(importanceScores) ? [...importanceScores] : (() => {
      throw new TypeError('global_unstructured(): importance_scores must be of type dict');
    })();
  const scoreOf = (module: Module, name: string): Tensor | undefined => scoreEntries.find(([[m, n]]) => m === module && n === name)?.[1];
  const list = [...parameters];
  // Python's getattr(module, name) runs for every pair before anything is pruned: its AttributeError
  for (const [module, name] of list) if (!(name in module)) throw new Error(`'${module.constructor.name}' object has no attribute '${name}'`);
  const get = (module: Module, name: string): Tensor => (module as unknown as Rec)[name] as Tensor;
  const relevantImportanceScores = parametersToVector(list.map(([m, n]) => scoreOf(m, n) ?? get(m, n)));
  const defaultMask = parametersToVector(list.map(([m, n]) => ((m as unknown as Rec)[`${n}_mask`] as Tensor | undefined) ?? onesLike(get(m, n))));
  const container = new PruningContainer();
  container._tensorName = 'temp';
  if (typeof pruningMethod !== 'function') throw new TypeError(`globalUnstructured: pruningMethod must be a pruning method class, got ${describe(pruningMethod)}`);
  const method = Object.keys(kwargs).length > 0 ? new pruningMethod(kwargs) : new pruningMethod();
  method._tensorName = 'temp';
  if (method.PRUNING_TYPE !== 'unstructured')
    throw new TypeError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${method.PRUNING_TYPE}`);
  container.addPruningMethod(method);
  const finalMask = container.computeMask(relevantImportanceScores, defaultMask);
  let pointer = 0;
  for (const [module, name] of list) {
    const param = get(module, name);
    const numParam = param.numel();
    customFromMask(module, name, finalMask.index(`${pointer}:${pointer + numParam}`).viewAs(param));
    pointer += numParam;
  }
}

const REMOVE = signature('remove', { module: REQUIRED, name: REQUIRED });
const IS_PRUNED = signature('isPruned', { module: REQUIRED });

/** prune.remove(module, name): makes the pruning of `name` permanent and removes the hook, name_orig and name_mask. */
export function remove<M extends Module>(module: M, ...args: PyArgs<[name: string], { name?: string }>): M;
export function remove<M extends Module>(options: { module: M; name: string }): M;
export function remove(...args: unknown[]): Module {
  const [module, name] = bind(REMOVE, args) as [Module, string];
  const entry = pruningHooks.entries(module).find((e) => e.hook._tensorName === name);
  if (!entry) throw new Error(`Parameter '${name}' of module ${String(module)} has to be pruned before pruning can be removed`);
  entry.hook.remove(module);
  pruningHooks.remove(module, entry.hook);
  return module;
}

/** prune.is_pruned(module): whether `module` or any submodule has a pruning hook. */
export function isPruned(...args: [module: Module] | [options: { module: Module }]): boolean {
  const [module] = bind(IS_PRUNED, args) as [Module];
  for (const [, sub] of module.namedModules()) if (pruningHooks.entries(sub).length > 0) return true;
  return false;
}
