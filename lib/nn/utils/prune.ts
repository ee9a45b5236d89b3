// torch.nn.utils.prune: a pruned tensor `name` becomes `name_orig` (parameter) times `name_mask`
// (buffer), recomputed by a forward pre-hook; repeated pruning of one tensor goes through a
// PruningContainer. Written as PyTorch 2.13 writes it (same ops, same RNG draws, round half to even).
import { type Tensor, isTensor } from '../../tensor.js';
import { onesLike, rand, randLike, zerosLike } from '../../creation.js';
import * as ops from '../../generated/functions.js';
import { norm } from '../../functional/python_ops.js';
import { describe, isOptionsObject, readOptions } from '../../options.js';
import { keep } from '../../scope.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { parametersToVector } from './convert_parameters.js';
import { HookRegistry, shapeEqual } from './_common.js';
import { pyRound } from '../../libm.js';
import { pySize } from '../../dtype.js';

type Rec = Record<string, unknown>;
type IndexItem = Parameters<Tensor['index']>[number];

/** Pruning hooks per module (Python finds them by type in module._forward_pre_hooks). */
const pruningHooks = new HookRegistry<BasePruningMethod>();

/** The kind of pruning a method does, which decides how a PruningContainer combines it with earlier masks. */
export type PruningType = 'unstructured' | 'structured' | 'global';

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

  /** `t` pruned by this method's mask (without touching any module). */
  prune(t: Tensor, defaultMask: Tensor | null = null, importanceScores: Tensor | null = null): Tensor {
    if (importanceScores !== null) {
      if (!shapeEqual(importanceScores.shape, t.shape))
        throw new Error(`importance_scores should have the same shape as tensor t, got ${pySize(importanceScores.shape)} vs ${pySize(t.shape)}`);
    } else importanceScores = t;
    return t.mul(this.computeMask(importanceScores, defaultMask ?? onesLike(t)));
  }

  /** Makes the pruning permanent: `name` becomes a parameter holding the pruned values; name_orig and name_mask go. */
  remove(module: Module): void {
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

/** prune.Identity: a mask of ones (to get the name_orig / name_mask layout without pruning anything). */
export class Identity extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    return defaultMask;
  }
  static override apply(module: Module, name: string): Identity {
    return BasePruningMethod.applyMethod(module, name, () => new Identity()) as Identity;
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
  constructor(readonly amount: number) {
    super();
    validateAmountInit(amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return unstructuredMask(t, defaultMask, this.amount, (n) => ops.topk(randLike(t).view(-1), n));
  }
  static override apply(module: Module, name: string, amount: number): RandomUnstructured {
    return BasePruningMethod.applyMethod(module, name, () => new RandomUnstructured(amount)) as RandomUnstructured;
  }
}

/** prune.L1Unstructured: zeroes the `amount` entries of smallest absolute value. */
export class L1Unstructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'unstructured';
  constructor(readonly amount: number) {
    super();
    validateAmountInit(amount);
  }
  computeMask(t: Tensor, defaultMask: Tensor): Tensor {
    return unstructuredMask(t, defaultMask, this.amount, (n) => ops.topk(ops.abs(t).view(-1), n, { largest: false }));
  }
  static override apply(module: Module, name: string, amount: number, importanceScores: Tensor | null = null): L1Unstructured {
    return BasePruningMethod.applyMethod(module, name, () => new L1Unstructured(amount), importanceScores) as L1Unstructured;
  }
}

/** prune.RandomStructured: zeroes `amount` channels along `dim` chosen at random. */
export class RandomStructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'structured';
  constructor(readonly amount: number, readonly dim = -1) {
    super();
    validateAmountInit(amount);
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
  static override apply(module: Module, name: string, amount: number, dim = -1): RandomStructured {
    return BasePruningMethod.applyMethod(module, name, () => new RandomStructured(amount, dim)) as RandomStructured;
  }
}

/** prune.LnStructured: zeroes the `amount` channels along `dim` of smallest L`n` norm. */
export class LnStructured extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'structured';
  constructor(readonly amount: number, readonly n: number | string, readonly dim = -1) {
    super();
    validateAmountInit(amount);
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
  static override apply(module: Module, name: string, amount: number, n: number | string, dim: number, importanceScores: Tensor | null = null): LnStructured {
    return BasePruningMethod.applyMethod(module, name, () => new LnStructured(amount, n, dim), importanceScores) as LnStructured;
  }
}

/** prune.CustomFromMask: prunes with a given mask. */
export class CustomFromMask extends BasePruningMethod {
  readonly PRUNING_TYPE: PruningType = 'global';
  constructor(readonly mask: Tensor) {
    super();
  }
  computeMask(_t: Tensor, defaultMask: Tensor): Tensor {
    if (!shapeEqual(defaultMask.shape, this.mask.shape))
      throw new Error(`default_mask shape ${pySize(defaultMask.shape)} must match self.mask shape ${pySize(this.mask.shape)}`);
    return defaultMask.mul(this.mask.to({ dtype: defaultMask.dtype }));
  }
  static override apply(module: Module, name: string, mask: Tensor): CustomFromMask {
    return BasePruningMethod.applyMethod(module, name, () => new CustomFromMask(mask)) as CustomFromMask;
  }
}

/** Reads an optional trailing `{ importanceScores }`. */
function importanceOption(fn: string, options: unknown): Tensor | null {
  if (options === undefined || options === null) return null;
  if (isTensor(options)) return options;
  return (readOptions(fn, options, ['importanceScores'] as const).importanceScores ?? null) as Tensor | null;
}

/** prune.identity(module, name): reparametrizes `name` as name_orig * name_mask with a mask of ones. */
export function identity<M extends Module>(module: M, name: string): M {
  Identity.apply(module, name);
  return module;
}
/** prune.random_unstructured(module, name, amount): prunes `amount` random entries (a count if whole, else a fraction). */
export function randomUnstructured<M extends Module>(module: M, name: string, amount: number): M {
  RandomUnstructured.apply(module, name, amount);
  return module;
}
/** prune.l1_unstructured(module, name, amount, { importanceScores }): prunes the entries of smallest |value| (or score). */
export function l1Unstructured<M extends Module>(module: M, name: string, amount: number, importanceScores?: Tensor | null | { importanceScores?: Tensor | null }): M {
  L1Unstructured.apply(module, name, amount, importanceOption('l1Unstructured', importanceScores));
  return module;
}
/** prune.random_structured(module, name, amount, dim): prunes random channels along dim. */
export function randomStructured<M extends Module>(module: M, name: string, amount: number, dim: number): M {
  RandomStructured.apply(module, name, amount, dim);
  return module;
}
/** prune.ln_structured(module, name, amount, n, dim, { importanceScores }): prunes the channels of smallest Ln norm along dim. */
export function lnStructured<M extends Module>(module: M, name: string, amount: number, n: number | string, dim: number, importanceScores?: Tensor | null | { importanceScores?: Tensor | null }): M {
  LnStructured.apply(module, name, amount, n, dim, importanceOption('lnStructured', importanceScores));
  return module;
}
/** prune.custom_from_mask(module, name, mask). */
export function customFromMask<M extends Module>(module: M, name: string, mask: Tensor): M {
  CustomFromMask.apply(module, name, mask);
  return module;
}

type UnstructuredMethodClass = new (amount: number) => BasePruningMethod;

export interface GlobalUnstructuredOptions {
  /** Scores by (module, name), as a Map keyed by [module, name] arrays or an array of [[module, name], scores] pairs. */
  importanceScores?: Map<readonly [Module, string], Tensor> | readonly (readonly [readonly [Module, string], Tensor])[] | null;
  /** How much to prune over all the tensors together: a count if whole, else a fraction. */
  amount: number;
}

/**
 * prune.global_unstructured(parameters, pruningMethod, { importanceScores, amount }): prunes the
 * [module, name] tensors together, as one vector, with an unstructured method (L1Unstructured, RandomUnstructured).
 */
export function globalUnstructured(parameters: Iterable<readonly [Module, string]>, pruningMethod: UnstructuredMethodClass, options: GlobalUnstructuredOptions): void {
  const fn = 'globalUnstructured';
  if (parameters === null || typeof (parameters as Iterable<unknown>)?.[Symbol.iterator] !== 'function') throw new TypeError('global_unstructured(): parameters is not an Iterable');
  if (!isOptionsObject(options)) throw new TypeError(`${fn}: expected an options object with amount, got ${describe(options)}`);
  const { importanceScores, ...kwargs } = options;
  const scoreEntries: (readonly [readonly [Module, string], Tensor])[] =
    importanceScores === undefined || importanceScores === null ? [] : importanceScores instanceof Map ? [...importanceScores] : Array.isArray(importanceScores) ? [...importanceScores] : (() => {
      throw new TypeError('global_unstructured(): importance_scores must be of type dict');
    })();
  const scoreOf = (module: Module, name: string): Tensor | undefined => scoreEntries.find(([[m, n]]) => m === module && n === name)?.[1];
  const list = [...parameters];
  const get = (module: Module, name: string): Tensor => (module as unknown as Rec)[name] as Tensor;
  const relevantImportanceScores = parametersToVector(list.map(([m, n]) => scoreOf(m, n) ?? get(m, n)));
  const defaultMask = parametersToVector(list.map(([m, n]) => ((m as unknown as Rec)[`${n}_mask`] as Tensor | undefined) ?? onesLike(get(m, n))));
  const container = new PruningContainer();
  container._tensorName = 'temp';
  const method = new pruningMethod(...(Object.values(readOptions(fn, kwargs, ['amount'] as const)) as [number]));
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

/** prune.remove(module, name): makes the pruning of `name` permanent and removes the hook, name_orig and name_mask. */
export function remove<M extends Module>(module: M, name: string): M {
  const entry = pruningHooks.entries(module).find((e) => e.hook._tensorName === name);
  if (!entry) throw new Error(`Parameter '${name}' of module ${String(module)} has to be pruned before pruning can be removed`);
  entry.hook.remove(module);
  pruningHooks.remove(module, entry.hook);
  return module;
}

/** prune.is_pruned(module): whether `module` or any submodule has a pruning hook. */
export function isPruned(module: Module): boolean {
  for (const [, sub] of module.namedModules()) if (pruningHooks.entries(sub).length > 0) return true;
  return false;
}
