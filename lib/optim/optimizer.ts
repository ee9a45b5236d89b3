// torch.optim.Optimizer: parameter groups, per-parameter state, step hooks and state dicts in
// PyTorch's layout (torch/optim/optimizer.py). Built-in optimizers run their whole update in one
// native call per group (native/src/optim*.cc, through kernelStep); JS subclasses override step().
import { native, type Handle } from '../native.js';
import { aten } from '../call.js';
import { enableGrad } from '../autograd.js';
import { KeyError } from '../errors.js';
import { camelCase, describe, isOptionsObject } from '../options.js';
import { keep } from '../scope.js';
import { markIntKeys } from '../serialize.js';
import { RemovableHandle } from '../hooks.js';
import { handleOfTensor, isTensor, Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import { bindArgs } from '../functional/args.js';
import { tensor } from '../creation.js';
import { float32 } from '../dtype.js';
import { scalarDtype } from './_more.js';
import { pyStr } from '../nn/modules/_format.js';
import { pyTuple } from '../print.js';
import type { PyArgs } from '../nn/functional/_signature.js';

interface OptimNative {
  optimStep(kernel: string, params: Handle[], state: Record<string, (Handle | null)[]>, group: ParamGroup, gradScale: Handle | null, foundInf: Handle | null): Record<string, (Handle | undefined)[]>;
}
const optimNative = native as unknown as OptimNative;

/** One parameter group: its tensors and its options (camelCase keys: `lr`, `weightDecay`, …). */
export interface ParamGroup {
  params: Tensor[];
  /** Present when the group was given as `[name, tensor]` pairs (`model.namedParameters()`). */
  paramNames?: string[];
  /**
   * The learning rate: a number, or the Tensor given as lr (`{ lr: torch.tensor(0.01) }`, as Python allows). Typed any,
   * as Python's param_groups (dict[str, Any]), so that both `group.lr *= 0.5` and `group.lr as Tensor` type-check.
   */
  lr: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Set by the first lr scheduler attached (Python's initial_lr). */
  initialLr?: number | Tensor;
  weightDecay?: number | Tensor;
  maximize?: boolean;
  foreach?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
  fused?: boolean | null;
  [option: string]: unknown;
}

/** A group as given to a constructor or addParamGroup: `params` may be one tensor or `[name, tensor]` pairs. */
export interface ParamGroupInput {
  params: Tensor | Iterable<Tensor> | Iterable<readonly [string, Tensor]>;
  [option: string]: unknown;
}

/** What an optimizer takes: tensors, `[name, tensor]` pairs, or parameter groups. */
export type ParamsT = Iterable<Tensor> | Iterable<readonly [string, Tensor]> | Iterable<ParamGroupInput>;

/** Per-parameter state: PyTorch's keys (`step`, `exp_avg`, `momentum_buffer`) to tensors or values. */
export type ParamState = Record<string, unknown>;

/** optimizer.stateDict(): PyTorch's layout, with integer parameter ids and snake_case group keys. */
export interface OptimizerStateDict {
  state: Record<number | string, ParamState>;
  param_groups: Record<string, unknown>[];
}

/** The closure step() may take: re-evaluates the model and returns the loss. */
export type Closure<L = unknown> = () => L;
export type StepPreHook<O extends Optimizer = Optimizer> = (optimizer: O, args: unknown[], kwargs: Record<string, unknown>) => [unknown[], Record<string, unknown>] | void | null | undefined;
export type StepPostHook<O extends Optimizer = Optimizer> = (optimizer: O, args: unknown[], kwargs: Record<string, unknown>) => void;

/** Python's `torch.optim.optimizer.required`: a default that every group must set. */
export const required: unique symbol = Symbol('required');

// A hook list whose handles remove their entry (Python's OrderedDict of hooks + RemovableHandle).
function addHook<H>(list: H[], hook: H, prepend: boolean, what: string): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`${what}: expected a function, got ${describe(hook)}`);
  if (prepend) list.unshift(hook);
  else list.push(hook);
  return new RemovableHandle(() => {
    const i = list.indexOf(hook);
    if (i >= 0) list.splice(i, 1);
  });
}

const globalPreHooks: StepPreHook[] = [];
const globalPostHooks: StepPostHook[] = [];

/** torch.optim.optimizer.register_optimizer_step_pre_hook: runs before every optimizer's step. */
export function registerOptimizerStepPreHook(hook: StepPreHook): RemovableHandle {
  return addHook(globalPreHooks, hook, false, 'registerOptimizerStepPreHook');
}
/** torch.optim.optimizer.register_optimizer_step_post_hook: runs after every optimizer's step. */
export function registerOptimizerStepPostHook(hook: StepPostHook): RemovableHandle {
  return addHook(globalPostHooks, hook, false, 'registerOptimizerStepPostHook');
}

/** The Python spelling of a group key: weightDecay -> weight_decay, paramNames -> param_names. */
export function pythonKey(key: string): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return camelCase(snake) === key ? snake : key;
}

/** A value the way Python's f-string prints it in Optimizer.__repr__: a 0-dim Tensor formats as its item; inside a tuple, repr. */
function reprValue(v: unknown, top = true): string {
  if (Array.isArray(v)) return pyTuple(v.map((e) => reprValue(e, false)));
  if (isTensor(v)) return top && v.dim() === 0 && !v.isComplex() ? pyStr(v.item(), v.isFloatingPoint()) : String(v);
  return pyStr(v, false);
}

/** A group value as Python's deepcopy of param_groups copies it: Tensors cloned (requiresGrad kept), arrays and objects copied. */
function deepCopyValue(v: unknown): unknown {
  if (isTensor(v)) return keep(v.detach().clone().requiresGrad_(v.requiresGrad));
  if (Array.isArray(v)) return v.map(deepCopyValue);
  if (isOptionsObject(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, deepCopyValue(e)]));
  return v;
}

/**
 * What Python's __setstate__ of an optimizer does to the groups and state load_state_dict gives it:
 * group keys an older PyTorch did not save get their defaults (group.setdefault, in Python's order),
 * and state saved as numbers becomes 0-dim tensors of the scalar dtype.
 */
export interface LoadedStateUpgrade {
  /** group.setdefault(key, value) for each entry, in Python's order (camelCase keys). */
  readonly groupDefaults: Readonly<Record<string, unknown>>;
  /** group[key] = value whatever was loaded (AdamW's decoupled_weight_decay). */
  readonly groupValues?: Readonly<Record<string, unknown>>;
  /** State keys whose number becomes a tensor (`step`; NAdam's `mu_product`; ASGD's `eta` and `mu`). */
  readonly tensorKeys?: readonly string[];
  /** Whether such a tensor goes on the parameter's device (Python: where the group is capturable, for Adam also fused); else CPU. */
  readonly onDevice?: (group: ParamGroup) => boolean;
}

// Group keys torch.optim.lr_scheduler and swa_utils write into groups (Python's initial_lr, max_lr, ...): known keys, camelCased.
const SCHEDULER_GROUP_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum', 'swaLr'];

/**
 * The base class of every optimizer (torch.optim.Optimizer). Subclasses pass their defaults to
 * super() and implement step(closure?); state is kept per parameter in `state`.
 */
export class Optimizer {
  /** The defaults every group starts from (camelCase keys). */
  readonly defaults: Record<string, unknown>;
  /** The parameter groups: live objects; change `lr` etc. between steps (schedulers do). */
  paramGroups: ParamGroup[] = [];
  /** Set by amp.GradScaler.step around a fused step that unscales the grads itself (Python's `grad_scale`). */
  gradScale: Tensor | null = null;
  /** Set with gradScale: nonzero when a grad is inf/NaN, so the fused step changes nothing (Python's `found_inf`). */
  foundInf: Tensor | null = null;
  /** Whether step() takes gradScale/foundInf (fused SGD, Adam, AdamW, Adagrad), as Python's `_step_supports_amp_scaling`. */
  _stepSupportsAmpScaling = false;
  /** Per-parameter state (Python's defaultdict(dict) keyed by the parameter). */
  state = new Map<Tensor, ParamState>();
  readonly #preHooks: StepPreHook[] = [];
  readonly #postHooks: StepPostHook[] = [];
  readonly #stateDictPreHooks: ((o: Optimizer) => void)[] = [];
  readonly #stateDictPostHooks: ((o: Optimizer, sd: OptimizerStateDict) => OptimizerStateDict | void | null | undefined)[] = [];
  readonly #loadPreHooks: ((o: Optimizer, sd: OptimizerStateDict) => OptimizerStateDict | void | null | undefined)[] = [];
  readonly #loadPostHooks: ((o: Optimizer) => void)[] = [];
  /** State loaded under ids of no parameter: Python keeps it under its id and writes it again in state_dict(). */
  #unassignedState: Record<string, unknown> = {};
  /** Python's __setstate__ for state dicts of older PyTorch versions: each optimizer class sets its table. */
  protected static loadedStateUpgrade: LoadedStateUpgrade | null = null;

  constructor(params: ParamsT, defaults: Record<string, unknown>) {
    if (!isOptionsObject(defaults)) throw new TypeError(`${this.constructor.name}: defaults must be an object, got ${describe(defaults)}`);
    this.defaults = defaults;
    // The options first, as Python's constructors check them before Optimizer.__init__ looks at params.
    this.validateGroup({ ...defaults, params: [] as Tensor[] } as ParamGroup, true); // the defaults hold lr (validateGroup checks it)
    if (isTensor(params)) throw new TypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${describe(params)}`);
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function')
      throw new TypeError(`${this.constructor.name}: params must be an iterable of Tensors or parameter groups, got ${describe(params)}`);
    let groups = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new Error(`${this.constructor.name}: optimizer got an empty parameter list`);
    if (!isOptionsObject(groups[0])) groups = [{ params: groups }];
    // All groups are checked before any is kept: a bad group leaves no half-built optimizer behind.
    for (const g of groups) this.addParamGroup(g as ParamGroupInput);
    this.#patchStep();
  }

  // Python's profile_hook_step: step() runs the global and the optimizer's pre and post hooks. As there,
  // the hooks' args are step's own (self, *args): the optimizer, then the closure if given; a pre-hook
  // may return new (args, kwargs), and a closure among the kwargs is step's closure.
  #patchStep(): void {
    const inner = this.step;
    const hooked = (...stepArgs: unknown[]): unknown => {
      if (globalPreHooks.length + this.#preHooks.length + this.#postHooks.length + globalPostHooks.length === 0) return inner.apply(this, stepArgs as [Closure?]);
      let args: unknown[] = [this, ...stepArgs];
      let kwargs: Record<string, unknown> = {};
      for (const hook of [...globalPreHooks, ...this.#preHooks]) {
        const result = hook(this, args, kwargs);
        if (result === undefined || result === null) continue;
        // Python's RuntimeError (a plain Error here), its words
        if (!Array.isArray(result) || result.length !== 2) throw new Error(`<function ${hook.name || '<lambda>'}> must return None or a tuple of (new_args, new_kwargs), but got ${pyStr(result, false)}.`);
        [args, kwargs] = result as [unknown[], Record<string, unknown>];
        if (!Array.isArray(args) || args[0] !== this)
          throw new TypeError(`${this.constructor.name}.step: a step pre-hook's new args must start with the optimizer (Python's self), got ${describe(Array.isArray(args) ? args[0] : args)}`);
        if (!isOptionsObject(kwargs)) throw new TypeError(`${this.constructor.name}.step: a step pre-hook's new kwargs must be an object, got ${describe(kwargs)}`);
      }
      const unknown = Object.keys(kwargs).find((k) => k !== 'closure');
      if (unknown !== undefined) throw new TypeError(`${this.constructor.name}.step() got an unexpected keyword argument '${unknown}'`);
      if ('closure' in kwargs && args.length > 1) throw new TypeError(`${this.constructor.name}.step() got multiple values for argument 'closure'`);
      const out = inner.apply(this, ('closure' in kwargs ? [kwargs.closure] : args.slice(1)) as [Closure?]);
      for (const hook of [...this.#postHooks, ...globalPostHooks]) hook(this, args, kwargs);
      return out;
    };
    Object.defineProperty(this, 'step', { value: hooked, writable: true, configurable: true, enumerable: false });
  }

  /** Performs one optimization step; `closure` re-evaluates the model and returns the loss. */
  step(closure?: Closure): unknown {
    void closure;
    throw new Error(`${this.constructor.name} does not implement step()`);
  }

  /**
   * Checks options; subclasses throw for bad values. `isDefaults`: the constructor's options, checked
   * as Python's __init__ checks its keyword arguments (ranges, consistency); otherwise a group (after
   * defaults are filled in), of which Python checks nothing: only what the native step needs (types).
   */
  protected validateGroup(group: ParamGroup, isDefaults: boolean): void {
    void group;
    void isDefaults;
  }

  /** Adds a parameter group (e.g. layers unfrozen during fine-tuning), with its own options. */
  addParamGroup(paramGroup: ParamGroupInput): void {
    const cls = this.constructor.name;
    if (!isOptionsObject(paramGroup)) throw new TypeError(`${cls}.addParamGroup: param_group must be an object, got ${describe(paramGroup)}`);
    if (!('params' in paramGroup)) throw new TypeError(`${cls}.addParamGroup: the parameter group has no 'params'`);
    const given = paramGroup.params;
    if (given instanceof Set) throw new TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.');
    let list: unknown[];
    if (isTensor(given)) list = [given];
    else if (given !== null && typeof given === 'object' && typeof (given as Iterable<unknown>)[Symbol.iterator] === 'function') list = [...(given as Iterable<unknown>)];
    else throw new TypeError(`${cls}: params must be a Tensor or an iterable of Tensors, got ${describe(given)}`);
    const tensors: Tensor[] = [];
    const names: string[] = [];
    for (const p of list) {
      if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'string') {
        names.push(p[0]);
        tensors.push(p[1] as Tensor);
      } else tensors.push(p as Tensor);
    }
    if (names.length !== 0 && names.length !== tensors.length) throw new Error(`${cls}: all optimizer params should be with/without names. Some param names are missing`);
    for (const p of tensors) {
      if (!isTensor(p)) throw new TypeError(`${cls}: optimizer can only optimize Tensors, but one of the params is ${describe(p)}`);
      if (!this.defaults.differentiable && !(p.isLeaf || p.retainsGrad)) throw new Error(`${cls}: can't optimize a non-leaf Tensor`);
    }
    if (new Set(tensors).size !== tensors.length) throw new Error(`${cls}: a parameter group lists the same parameter twice`);
    for (const g of this.paramGroups) {
      if ((names.length > 0) !== ('paramNames' in g))
        throw new Error(`${cls}: all optimizer param groups should be with/without names. cannot add param group ${names.length > 0 ? 'with names' : 'without names'} to the optimizer`);
      if (g.params.some((p) => tensors.includes(p))) throw new Error(`${cls}: some parameters appear in more than one parameter group`);
    }
    const group = { params: tensors } as ParamGroup; // lr and the other options are copied in below
    if (names.length > 0) group.paramNames = names;
    for (const [key, value] of Object.entries(paramGroup)) {
      if (key === 'params') continue;
      if (value === undefined) throw new TypeError(`${cls}: option '${key}' of a parameter group is undefined`);
      // Python accepts any extra group key; a snake_case spelling of an option is a mistake, not data.
      const camel = camelCase(key);
      if (camel !== key && camel in this.defaults) throw new TypeError(`${cls}: unexpected group option '${key}' (did you mean '${camel}'? options are camelCase)`);
      group[key] = value;
    }
    for (const [key, value] of Object.entries(this.defaults)) {
      if (key in group) continue;
      if (value === required) throw new Error(`${cls}: parameter group didn't specify a value of required optimization parameter ${pythonKey(key)}`);
      group[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
    this.validateGroup(group, false);
    this.paramGroups.push(group);
  }

  /** Resets the gradients of all optimized tensors: to null (default) or to zeros. */
  zeroGrad(options: boolean | { setToNone?: boolean } = {}): void {
    const setToNone = typeof options === 'boolean' ? options : (options.setToNone ?? true);
    const foreach = Boolean(this.defaults.foreach) || Boolean(this.defaults.fused);
    if (setToNone) {
      // Python's `p.grad = None` where a grad is set; setting null where none is set changes nothing,
      // and skipping the read saves wrapping (and later freeing) a Tensor per parameter per step.
      for (const group of this.paramGroups) for (const p of group.params) p.grad = null;
      return;
    }
    const dense: Tensor[] = [];
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        if (foreach && !g.isSparse) dense.push(g);
        else g.zero_();
      }
    }
    if (dense.length > 0) aten('_foreach_zero_', [dense]);
  }

  /** The state of `param`, created empty on first use (Python's defaultdict). Tensors put here should be keep()-ed (torch.keep) so a torch.tidy around step() leaves them. */
  protected stateOf(param: Tensor): ParamState {
    let s = this.state.get(param);
    if (!s) this.state.set(param, (s = {}));
    return s;
  }

  /**
   * Runs the native kernel `kernel` over one group: the parameters that have a grad, their state
   * under `stateKeys` (created by the kernel where missing, as Python's _init_group) and the group's
   * options, in one native call.
   */
  protected kernelStep(kernel: string, group: ParamGroup, stateKeys: readonly string[], gradScale: Tensor | null = null, foundInf: Tensor | null = null): void {
    // Python's _multi_tensor_<name> raises this (SGD's has no such check: its foreach ops run under autograd).
    if (group.differentiable === true && group.foreach === true && kernel !== 'sgd') throw new Error("optimizer.step: _foreach ops don't support autograd");
    const params = group.params;
    const numberLr = NUMBER_LR_OPS[kernel];
    if (numberLr && isTensor(group.lr) && group.lr.requiresGrad && group.foreach !== true && group.fused !== true) {
      const withGrad = params.filter((p) => p.grad !== null);
      const message = withGrad.length > 0 ? numberLr(group, withGrad.some((p) => this.state.get(p)?.step === undefined)) : null;
      if (message) throw new TypeError(`optimizer.step: ${message}`);
    }
    const handles: Handle[] = new Array(params.length);
    for (let i = 0; i < params.length; i++) handles[i] = handleOfTensor(params[i]!);
    const state: Record<string, (Handle | null)[]> = {};
    for (const key of stateKeys) {
      const list: (Handle | null)[] = new Array(params.length);
      for (let i = 0; i < params.length; i++) {
        const v = this.state.get(params[i]!)?.[key];
        list[i] = isTensor(v) ? handleOfTensor(v) : null;
      }
      state[key] = list;
    }
    const created = optimNative.optimStep(kernel, handles, state, tensorOptionsAsHandles(group), gradScale && handleOfTensor(gradScale), foundInf && handleOfTensor(foundInf));
    for (const key in created) {
      const list = created[key]!;
      for (let i = 0; i < list.length; i++) {
        const h = list[i];
        if (h === undefined) continue;
        const s = this.stateOf(params[i]!);
        const old = s[key];
        s[key] = keep(new Tensor(h)); // optimizer state outlives the torch.tidy scope of the step
        if (isTensor(old)) old.dispose();
      }
    }
  }

  /** The id of each parameter in state dicts: its position across groups, first appearance. */
  #paramIds(): Map<Tensor, number> {
    const ids = new Map<Tensor, number>();
    for (const g of this.paramGroups) for (const p of g.params) if (!ids.has(p)) ids.set(p, ids.size);
    return ids;
  }

  /** The optimizer's state in PyTorch's layout: `{ state: {0: {...}}, param_groups: [{ lr, ..., params: [0, 1] }] }`. */
  stateDict(): OptimizerStateDict {
    for (const hook of this.#stateDictPreHooks) hook(this);
    const ids = this.#paramIds();
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[this.#pythonGroupKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      packed.params = g.params.map((p) => ids.get(p)!);
      return packed;
    });
    const state = markIntKeys({ ...this.#unassignedState } as Record<number, ParamState>);
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id !== undefined) state[id] = s; // the live state, as Python's: a dict held across steps sees them
    }
    let sd: OptimizerStateDict = { state, param_groups: paramGroups };
    for (const hook of this.#stateDictPostHooks) sd = hook(this, sd) ?? sd;
    return sd;
  }

  /**
   * Loads a state dict from stateDict() or from Python's torch.save(optimizer.state_dict()).
   * Everything is checked before anything changes: a dict from a different model leaves this
   * optimizer as it was.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const cls = this.constructor.name;
    if (!isOptionsObject(stateDict)) throw new TypeError(`${cls}.loadStateDict: expected a state dict object, got ${describe(stateDict)}`);
    let sd: OptimizerStateDict = { ...stateDict };
    for (const hook of this.#loadPreHooks) sd = hook(this, sd) ?? sd;
    const savedGroups = sd.param_groups;
    if (!Array.isArray(savedGroups) || !isOptionsObject(sd.state)) throw new TypeError(`${cls}.loadStateDict: a state dict has 'state' (an object) and 'param_groups' (an array)`);
    if (savedGroups.length !== this.paramGroups.length) throw new Error(`${cls}.loadStateDict: loaded state dict has a different number of parameter groups`);
    savedGroups.forEach((g, i) => {
      if (!isOptionsObject(g) || !Array.isArray(g.params)) throw new TypeError(`${cls}.loadStateDict: param_groups[${i}] has no 'params' list`);
      if (g.params.length !== this.paramGroups[i]!.params.length) throw new Error(`${cls}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group`);
    });
    const idMap = new Map<string, { param: Tensor; group: Record<string, unknown> }>();
    savedGroups.forEach((g, i) => {
      const params = g.params as unknown[];
      params.forEach((id, j) => idMap.set(String(id), { param: this.paramGroups[i]!.params[j]!, group: g }));
    });
    const newState = new Map<Tensor, ParamState>();
    const unassigned: Record<string, unknown> = {};
    const casts: Tensor[] = []; // new tensors made here: freed again if a later check fails
    const upgradeKeys = (this.constructor as typeof Optimizer).loadedStateUpgrade?.tensorKeys ?? [];
    try {
      for (const [id, value] of Object.entries(sd.state)) {
        const target = idMap.get(id);
        if (!target) {
          unassigned[id] = value; // state of no parameter of this optimizer: Python keeps it as saved, under its id
          continue;
        }
        if (!isOptionsObject(value)) throw new TypeError(`${cls}.loadStateDict: state[${id}] must be an object, got ${describe(value)}`);
        const { param, group } = target;
        const s: ParamState = {};
        // Python's __setstate__ reads these of every non-empty state (a KeyError for another optimizer's, as SGD's)
        const missing = Object.keys(value).length === 0 ? undefined : upgradeKeys.find((k) => !(k in value));
        if (missing !== undefined) throw new KeyError(`'${missing}' (${cls}.loadStateDict: the state of parameter ${id} has no '${missing}': is it another optimizer's?)`);
        for (const [key, v] of Object.entries(value)) {
          if (isTensor(v)) this.checkStateShape(param, key, v, id);
          s[key] = this.#castState(param, key, v, group, casts);
        }
        newState.set(param, s);
      }
    } catch (e) {
      for (const t of casts) t.dispose();
      throw e;
    }
    for (const s of newState.values()) keepState(s);
    this.paramGroups = this.paramGroups.map((g, i) => {
      const saved = savedGroups[i]!;
      const group = { params: g.params } as ParamGroup; // lr and the other options are copied in below
      // Python deepcopies the saved groups: a Tensor lr or betas is the loaded optimizer's own
      for (const [k, v] of Object.entries(saved)) if (k !== 'params') group[this.#jsGroupKey(k)] = deepCopyValue(v);
      if ('paramNames' in g && !('paramNames' in group)) group.paramNames = g.paramNames;
      return group;
    });
    this.state = newState;
    this.#unassignedState = unassigned;
    this.#upgradeLoadedState();
    for (const hook of this.#loadPostHooks) hook(this);
  }

  // The option keys of this optimizer (and those schedulers write): camelCase here, snake_case in state dicts.
  #isKnownKey(camel: string): boolean {
    const upgrade = (this.constructor as typeof Optimizer).loadedStateUpgrade;
    return camel in this.defaults || camel === 'paramNames' || SCHEDULER_GROUP_KEYS.includes(camel) || (upgrade !== null && camel in upgrade.groupDefaults);
  }
  /** A group key as Python spells it: known options snake_case (weightDecay -> weight_decay); any other key as given. */
  #pythonGroupKey(key: string): string {
    return this.#isKnownKey(key) ? pythonKey(key) : key;
  }
  /** A saved group key as the group here spells it: known options camelCase (weight_decay -> weightDecay); any other key as saved. */
  #jsGroupKey(key: string): string {
    const camel = camelCase(key);
    return camel !== key && this.#isKnownKey(camel) ? camel : key;
  }

  // Python's __setstate__ after load_state_dict, from the class's loadedStateUpgrade table.
  #upgradeLoadedState(): void {
    const upgrade = (this.constructor as typeof Optimizer).loadedStateUpgrade;
    if (upgrade === null) return;
    for (const group of this.paramGroups) {
      for (const [key, value] of Object.entries(upgrade.groupDefaults)) if (!(key in group)) group[key] = value;
      Object.assign(group, upgrade.groupValues);
      const onDevice = upgrade.onDevice?.(group) ?? false;
      for (const p of group.params) {
        const state = this.state.get(p);
        if (!state || Object.keys(state).length === 0) continue;
        for (const key of upgrade.tensorKeys ?? []) {
          const v = state[key];
          if (v === undefined || isTensor(v)) continue;
          state[key] = keep(tensor(Number(v), { dtype: key === 'step' && group.fused ? float32 : scalarDtype(), device: onDevice ? p.device : 'cpu' }));
        }
      }
    }
  }

  /**
   * Checks that a loaded state tensor fits its parameter: state tensors with dimensions have the
   * parameter's shape (momentum, moments); scalars (step) pass. Optimizers with other shapes override.
   */
  protected checkStateShape(param: Tensor, key: string, value: Tensor, id: string): void {
    if (value.dim() === 0 || value.isSparse) return;
    const want = param.shape, got = value.shape;
    if (want.length !== got.length || want.some((d, i) => d !== got[i]))
      throw new Error(`${this.constructor.name}.loadStateDict: state '${key}' of parameter ${id} has shape [${got.join(', ')}] but the parameter has shape [${want.join(', ')}]: is the state dict from a different model?`);
  }

  // Python's _cast: tensors by _process_value_according_to_param_policy (floating state follows the
  // param's dtype and device; 'step' stays as saved unless the group is fused or capturable), into
  // objects (with their keys) and arrays (elements with no key, so a nested 'step' is cast too).
  #castState(param: Tensor, key: string | null, value: unknown, group: Record<string, unknown>, casts: Tensor[]): unknown {
    if (Array.isArray(value)) return value.map((v) => this.#castState(param, null, v, group, casts));
    if (isOptionsObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.#castState(param, k, v, group, casts)]));
    if (!isTensor(value)) return value;
    let cast: Tensor;
    if (key === 'step') cast = group.fused || group.capturable ? value.to({ dtype: 'float32', device: param.device }) : value;
    else cast = param.isFloatingPoint() ? value.to({ dtype: param.dtype, device: param.device }) : value.to({ device: param.device });
    // Uncast, Python shares the loaded tensor itself; here a handle of this optimizer's own on the same
    // tensor (an alias), so that disposing this optimizer leaves the dict's (another optimizer's state).
    if (cast === value) cast = value.isSparse ? value.detach() : (aten('alias', [value]) as Tensor); // alias has no sparse kernel
    casts.push(cast);
    return cast;
  }

  registerStepPreHook(hook: StepPreHook<this>): RemovableHandle {
    return addHook(this.#preHooks as StepPreHook<this>[], hook, false, `${this.constructor.name}.registerStepPreHook`);
  }
  registerStepPostHook(hook: StepPostHook<this>): RemovableHandle {
    return addHook(this.#postHooks as StepPostHook<this>[], hook, false, `${this.constructor.name}.registerStepPostHook`);
  }
  registerStateDictPreHook(hook: (optimizer: this) => void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this.#stateDictPreHooks as ((o: this) => void)[], hook, options.prepend ?? false, `${this.constructor.name}.registerStateDictPreHook`);
  }
  registerStateDictPostHook(hook: (optimizer: this, stateDict: OptimizerStateDict) => OptimizerStateDict | void | null | undefined, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this.#stateDictPostHooks as typeof hook[], hook, options.prepend ?? false, `${this.constructor.name}.registerStateDictPostHook`);
  }
  registerLoadStateDictPreHook(hook: (optimizer: this, stateDict: OptimizerStateDict) => OptimizerStateDict | void | null | undefined, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this.#loadPreHooks as typeof hook[], hook, options.prepend ?? false, `${this.constructor.name}.registerLoadStateDictPreHook`);
  }
  registerLoadStateDictPostHook(hook: (optimizer: this) => void, options: { prepend?: boolean } = {}): RemovableHandle {
    return addHook(this.#loadPostHooks as ((o: this) => void)[], hook, options.prepend ?? false, `${this.constructor.name}.registerLoadStateDictPostHook`);
  }

  /** Python's repr: the class name and each group's options, sorted by key. */
  toString(): string {
    let s = `${this.constructor.name} (`;
    this.paramGroups.forEach((g, i) => {
      s += `\nParameter Group ${i}\n`;
      const keys = Object.keys(g).filter((k) => k !== 'params').map((k) => [this.#pythonGroupKey(k), k] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [py, k] of keys) s += `    ${py}: ${reprValue(g[k])}\n`;
    });
    return `${s})`;
  }

  /** Frees the optimizer's state tensors now (the parameters belong to the model). */
  dispose(): void {
    for (const s of this.state.values()) disposeState(s);
    this.state.clear();
    this.#unassignedState = {};
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

// The single-tensor updates that pass lr to an op's Number argument: Python's argument parser refuses an lr
// Tensor that requires grad there (differentiable or not), with these messages. (group, some state is new) -> message.
const NUMBER_ARG = (op: string, arg: string): string => `${op}(): argument '${arg}' must be Number, not Tensor`;
const NUMBER_LR_OPS: Record<string, (group: ParamGroup, newState: boolean) => string | null> = {
  adamax: () => NUMBER_ARG('addcdiv_', 'value'),
  adagrad: () => NUMBER_ARG('addcdiv_', 'value'),
  adadelta: () => NUMBER_ARG('add_', 'alpha'),
  rmsprop: (g) => ((g.momentum as number) > 0 ? NUMBER_ARG('add_', 'alpha') : NUMBER_ARG('addcdiv_', 'value')),
  // Rprop reads lr only where it creates a parameter's step_size state
  rprop: (_, newState) => (newState ? "full_like(): argument 'fill_value' (position 2) must be Number, not Tensor" : null),
};

/** The group as the native kernel reads it: options given as Tensors (lr, weightDecay, betas entries) go as their native handles. */
function tensorOptionsAsHandles(group: ParamGroup): ParamGroup {
  let out = group;
  for (const [key, value] of Object.entries(group)) {
    if (key === 'params') continue;
    const converted = isTensor(value) ? handleOfTensor(value) : Array.isArray(value) && value.some(isTensor) ? value.map((v) => (isTensor(v) ? handleOfTensor(v) : v)) : value;
    if (converted === value) continue;
    if (out === group) out = { ...group };
    out[key] = converted;
  }
  return out;
}

/** Frees every tensor of a state value, arrays and objects included. */
function disposeState(value: unknown): void {
  if (isTensor(value)) value.dispose();
  else if (Array.isArray(value)) for (const v of value) disposeState(v);
  else if (isOptionsObject(value)) for (const v of Object.values(value)) disposeState(v);
}

/** Keeps (torch.keep) every tensor of an optimizer's state value, arrays included, so that a torch.tidy around step() leaves them. */
export function keepState(value: unknown): void {
  if (isTensor(value)) keep(value);
  else if (Array.isArray(value)) for (const v of value) keepState(v);
  else if (isOptionsObject(value)) for (const v of Object.values(value)) keepState(v);
}

/** Checks that an option is a number (or a 1-element tensor) and, where `range` (the constructor's options), >= 0, with Python's message. */
export function checkNonNegative(cls: string, what: string, value: unknown, range = true): void {
  const v = isTensor(value) ? (value.numel() === 1 ? Number(value.item()) : NaN) : value;
  if (isTensor(value) && value.numel() !== 1) throw new Error(`${cls}: Tensor ${what === 'learning rate' ? 'lr' : what} must be 1-element`);   // Python's words
  if (typeof v !== 'number' || (range && Number.isNaN(v))) throw new TypeError(`${cls}: ${what} must be a number, got ${describe(value)}`);
  if (range && v < 0) throw new RangeError(`${cls}: Invalid ${what}: ${v}`);
}

/** Checks betas: two numbers (or 1-element tensors) and, where `range`, in [0, 1), with Python's message. */
export function checkBetas(cls: string, betas: unknown, range = true): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`${cls}: betas must be a pair of numbers, got ${describe(betas)}`);
  betas.forEach((b, i) => {
    const v = isTensor(b) ? Number(b.item()) : b;
    if (typeof v !== 'number') throw new TypeError(`${cls}: betas must be a pair of numbers, got ${describe(betas)}`);
    if (range && !(v >= 0 && v < 1)) throw new RangeError(`${cls}: Invalid beta parameter at index ${i}: ${String(v)}`);
  });
}

/** Checks a boolean option (foreach and fused may also be null: Python's None). */
export function checkFlag(cls: string, what: string, value: unknown, nullable = false): void {
  if (typeof value === 'boolean' || (nullable && value === null)) return;
  throw new TypeError(`${cls}: ${what} must be a boolean${nullable ? ' or null' : ''}, got ${describe(value)}`);
}

/**
 * Checks the types of foreach/fused/differentiable and, for the constructor's options (`isDefaults`),
 * refuses what Python's constructors refuse: fused with differentiable or with foreach.
 */
export function checkImplementation(cls: string, group: Record<string, unknown>, fusedSupported: boolean, isDefaults: boolean): void {
  checkFlag(cls, 'foreach', group.foreach, true);
  checkFlag(cls, 'fused', group.fused ?? null, true);
  if ('differentiable' in group) checkFlag(cls, 'differentiable', group.differentiable);
  if (!isDefaults) return;
  if (group.fused === true && !fusedSupported) throw new Error(`${cls}: \`fused\` is not supported on this optimizer`);
  if (group.fused === true && group.differentiable === true) throw new Error(`${cls}: \`fused\` does not support \`differentiable\``);
  if (group.fused === true && group.foreach === true) throw new Error(`${cls}: \`fused\` and \`foreach\` cannot be \`True\` together.`);
}

/** Warns once per call site kind: used for options accepted for compatibility but without effect here. */
export function noteIgnored(cls: string, what: string): void {
  warn(`${cls}: ${what}`);
}

/** An optimizer constructor's arguments after params: a prefix of PyTorch's positionals `K` (typed from `O`), then optionally the options object. */
export type OptimizerArgs<O, K extends readonly (keyof O)[]> = PyArgs<{ -readonly [I in keyof K]: Exclude<O[K[I]], undefined> }, O | undefined>;

/**
 * An optimizer's arguments after params merged over its defaults, bound as Python binds its constructor:
 * `positional` in PyTorch's order, then one options object (Python's keywords). TypeError for too many
 * positionals, an unknown key, or a value given both ways; a lone null or undefined is no options.
 */
export function withDefaults<D extends Record<string, unknown>>(cls: string, args: readonly unknown[], defaults: D, positional: readonly (keyof D & string)[]): D {
  // `Optimizer(params, null)` is Python's `defaults=None`
  const bound = args[0] === null && args.slice(1).every((a) => a === undefined) ? [] : args;
  const names = [...positional, ...Object.keys(defaults).filter((k) => !positional.includes(k))];
  return { ...defaults, ...bindArgs(cls, bound, names, { count: positional.length, after: 'params' }) } as D;
}

/** Runs step()'s closure with autograd on, as Python's `with torch.enable_grad(): loss = closure()`. */
export function evaluateClosure<L = undefined>(closure: Closure<L> | undefined): L {
  if (closure === undefined || closure === null) return undefined as L; // no closure: L is undefined (step's default)
  if (typeof closure !== 'function') throw new TypeError(`optimizer.step: closure must be a function, got ${describe(closure)}`);
  return enableGrad(closure);
}
