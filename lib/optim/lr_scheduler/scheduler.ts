// torch.optim.lr_scheduler.LRScheduler: the base class of every scheduler (torch/optim/lr_scheduler.py
// of 2.13), with Python's step bookkeeping, warnings and state dicts in Python's layout.
import { describe, isOptionsObject, readOptions } from '../../options.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import { Optimizer, type ParamGroup } from '../optimizer.js';
import { KeyError } from '../../errors.js';

/** A learning rate (or momentum) as a group holds it: a number, or a Tensor for capturable/compiled setups. */
export type LrValue = number | Tensor;

/** A scheduler's state in Python's layout: `__dict__` minus the optimizer, snake_case keys. */
export type SchedulerStateDict = Record<string, unknown>;

export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

// Python's `_wrapped_by_lr_sched` marker on optimizer.step and `optimizer._opt_called`.
const wrappedSteps = new WeakSet<object>();
const steppedOptimizers = new WeakSet<Optimizer>();

// Python's wrap_step: optimizer.step records that it ran, so scheduler.step() can warn when called first.
function patchTrackStepCalled(optimizer: Optimizer): void {
  const inner = optimizer.step;
  if (wrappedSteps.has(inner)) return;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    steppedOptimizers.add(optimizer);
    return (inner as (...a: unknown[]) => unknown).apply(optimizer, args);
  };
  wrappedSteps.add(wrapper);
  Object.defineProperty(optimizer, 'step', { value: wrapper, writable: true, configurable: true, enumerable: false });
}

/** The JS property that holds Python attribute `key`: last_epoch -> lastEpoch, _step_count -> _stepCount, T_max -> tMax. */
export function jsAttr(key: string): string {
  const lead = /^_*/.exec(key)![0];
  const body = key.slice(lead.length);
  return lead + (body.charAt(0).toLowerCase() + body.slice(1)).replace(/_([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Python's snake_case name of a JS field or group key: initialLr -> initial_lr, _stepCount -> _step_count. */
export function pyAttr(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Python's ZeroDivisionError ('float division by zero', or 'division by zero' for two ints). */
export class ZeroDivisionError extends RangeError {
  override name = 'ZeroDivisionError';
}

/** Python's `a / b`: a ZeroDivisionError when b is 0 ('division by zero' where Python divides two ints). */
export function div(a: number, b: number, ints = false): number {
  if (b === 0) throw new ZeroDivisionError(ints ? 'division by zero' : 'float division by zero');
  return a / b;
}

/** Python's `a % b` (the sign of b): a ZeroDivisionError when b is 0 ('integer modulo by zero', as the int attributes there are). */
export function pyMod(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError(Number.isInteger(a) ? 'integer modulo by zero' : 'float modulo');
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Python's `group[key]` for a Python key (`'initial_lr'` reads `group.initialLr`): a KeyError when missing. */
export function groupValue(group: ParamGroup, pyKey: string): LrValue {
  const key = jsAttr(pyKey);
  if (!(key in group)) throw new KeyError(`'${pyKey}'`);
  return group[key] as LrValue;
}

/** The ValueError of Python's `zip(a, b, strict=True)` when the lengths differ. */
export function checkZip(n1: number, n2: number): void {
  if (n1 < n2) throw new RangeError('zip() argument 2 is longer than argument 1');
  if (n1 > n2) throw new RangeError('zip() argument 2 is shorter than argument 1');
}

/** Python's `for x, y in zip(a, b, strict=True): fn(x, y)`: the pairs run, then the length check raises. */
export function forEachZip<A, B>(a: readonly A[], b: readonly B[], fn: (x: A, y: B) => void): void {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) fn(a[i]!, b[i]!);
  checkZip(a.length, b.length);
}

/** The number an lr-like value holds (Tensor lrs are read as float64). */
export function num(v: unknown): number {
  return isTensor(v) ? Number(v.item()) : (v as number);
}

/** Python's `a + b` on lr values: with a Tensor operand the sum is a Tensor of its dtype (a float32 lr stays float32 arithmetic). */
export function lrPlus(a: LrValue, b: LrValue): LrValue {
  if (isTensor(a)) return a.add(b);
  return isTensor(b) ? b.add(a) : a + b;
}

/** Python's `a * b` on lr values (a Tensor operand keeps its dtype, as lrPlus). */
export function lrTimes(a: LrValue, b: LrValue): LrValue {
  if (isTensor(a)) return a.mul(b);
  return isTensor(b) ? b.mul(a) : a * b;
}

/** Python's `a - b` on an lr value and a number. */
export const lrMinus = (a: LrValue, b: number): LrValue => (isTensor(a) ? a.sub(b) : a - b);

/** Python's `a / b` on an lr value and a nonzero number. */
export const lrOver = (a: LrValue, b: number): LrValue => (isTensor(a) ? a.div(b) : a / b);

/** Python's _param_groups_val_list: each group's `key`, tensors cloned (a KeyError where a group lacks it). */
export function groupValues(optimizer: Optimizer, key: string): LrValue[] {
  return optimizer.paramGroups.map((g) => {
    const v = groupValue(g, pyAttr(key));
    return isTensor(v) ? v.clone() : v;
  });
}

/** Python's _update_param_group_val: a Tensor option is filled in place, a number replaced. */
export function setGroupValue(group: ParamGroup, key: string, value: LrValue): void {
  const old = group[key];
  if (isTensor(old)) old.fill_(num(value));
  else group[key] = value;
}

/** Python's _format_param: one value per param group (a list must match their number). */
export function formatParam(cls: string, name: string, optimizer: Optimizer, value: unknown): LrValue[] {
  let list: unknown[];
  if (Array.isArray(value)) {
    if (value.length !== optimizer.paramGroups.length)
      throw new RangeError(`${cls}: ${name} must have the same length as optimizer.paramGroups. ${name} has ${value.length} values, paramGroups has ${optimizer.paramGroups.length}.`);
    list = value;
  } else list = optimizer.paramGroups.map(() => value);
  return list.map((v) => {
    if (typeof v !== 'number' && !isTensor(v)) throw new TypeError(`${cls}: ${name} must be a number or a list of numbers, got ${describe(v)}`);
    return isTensor(v) ? v.clone() : v;
  });
}

/** The marker of a constructor argument without a default. */
export const REQUIRED: unique symbol = Symbol('required');
export type ArgSpec = readonly (readonly [name: string, fallback: unknown])[];

/**
 * A scheduler's arguments given Python's way: positional in Python's order, and/or a trailing
 * options object with camelCase names (`new StepLR(opt, 30, 0.1)`, `new StepLR(opt, { stepSize: 30 })`).
 */
export function schedulerArgs(cls: string, args: readonly unknown[], spec: ArgSpec): Record<string, unknown> {
  const names = spec.map(([n]) => n);
  let positional = [...args];
  let options: Record<string, unknown> = {};
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
  if (positional.length > 0 && isOptionsObject(positional[positional.length - 1])) {
    options = readOptions(cls, positional.pop(), names) as Record<string, unknown>;
  }
  if (positional.length > spec.length) throw new TypeError(`${cls}: takes at most ${spec.length} arguments after the optimizer (${names.join(', ')}), got ${positional.length}`);
  const out: Record<string, unknown> = {};
  spec.forEach(([name, fallback], i) => {
    const given = i < positional.length && positional[i] !== undefined;
    if (given && name in options) throw new TypeError(`${cls}: got multiple values for argument '${name}'`);
    const value = given ? positional[i] : name in options ? options[name] : fallback;
    if (value === REQUIRED) throw new TypeError(`${cls}: missing required argument '${name}'`);
    out[name] = value;
  });
  return out;
}

/** Checks a number argument (Python leaves most unchecked; these catch a misplaced argument early). */
export function checkNumber(cls: string, name: string, value: unknown, rule: 'any' | 'int' | 'positiveInt' | 'nonNegativeInt' = 'any'): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${cls}: ${name} must be a number, got ${describe(value)}`);
  if (rule !== 'any' && !Number.isInteger(value)) throw new TypeError(`${cls}: ${name} must be an integer, got ${value}`);
  if (rule === 'positiveInt' && value <= 0) throw new RangeError(`${cls}: ${name} must be a positive integer, got ${value}`);
  if (rule === 'nonNegativeInt' && value < 0) throw new RangeError(`${cls}: ${name} must be >= 0, got ${value}`);
  return value;
}

export function checkOptimizer(cls: string, optimizer: unknown): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${cls}: ${describe(optimizer)} is not an Optimizer`);
}

const BASE_STATE_KEYS = ['base_lrs', 'last_epoch', '_step_count', '_is_initial', '_get_lr_called_within_step', '_last_lr'] as const;
// The JS fields of LRScheduler itself: never a subclass's own state.
const BASE_FIELDS = new Set<string>(['optimizer', 'stateKeys', ...BASE_STATE_KEYS.map(jsAttr)]);

const copyArray = (v: unknown): unknown => (Array.isArray(v) ? [...(v as unknown[])] : v);

/** Checks one value of a loaded state dict and returns what the field will hold; throws (naming the key) and changes nothing when it is wrong. */
export type StateReader = (value: unknown, key: string, scheduler: LRScheduler) => unknown;

// A loaded value in an error message: primitives as written, objects by their kind.
function shown(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return describe(v);
}

/** The TypeError of a state dict value of the wrong type. */
export function badStateValue(scheduler: LRScheduler, key: string, what: string, value: unknown): TypeError {
  return new TypeError(`${scheduler.constructor.name}.loadStateDict: ${key} must be ${what}, got ${shown(value)}`);
}

/** A StateReader that accepts the values `ok` allows (`what` says which in the error), copied as the field holds them. */
export function stateReader(what: string, ok: (value: unknown, scheduler: LRScheduler) => boolean): StateReader {
  return (value, key, scheduler) => {
    if (!ok(value, scheduler)) throw badStateValue(scheduler, key, what, value);
    return copyArray(value);
  };
}

/** A callable's saved attributes (Python's __dict__ of a callable object) or null: lambdas and scale functions in state dicts. */
export const isAttrsOrNull = (v: unknown): boolean => v === null || v === undefined || isOptionsObject(v);
const isLrValue = (v: unknown): boolean => typeof v === 'number' || isTensor(v);
export const NUMBER_STATE = stateReader('a number', (v) => typeof v === 'number');
export const INT_STATE = stateReader('an integer number', (v) => typeof v === 'number' && Number.isInteger(v));
export const BOOL_STATE = stateReader('a boolean', (v) => typeof v === 'boolean');
/** A list of lr-like values (Python's floats, or Tensors where the groups hold Tensor lrs). */
export const LR_VALUES_STATE = stateReader('an array of numbers or Tensors', (v) => Array.isArray(v) && v.every(isLrValue));
/** One lr-like value per param group (base_lrs, CyclicLR's max_lrs and momentums). */
export const GROUP_LRS_STATE = stateReader('an array of numbers or Tensors, one per param group', (v, s) => Array.isArray(v) && v.length === s.optimizer.paramGroups.length && v.every(isLrValue));
/** A StateReader for a string that must be one of `options`. */
export const oneOfState = (...options: string[]): StateReader => stateReader(`one of ${options.map((o) => `'${o}'`).join(', ')}`, (v) => options.includes(v as string));

// LRScheduler's prepareLoad, reached from outside the class (set by its static block).
let prepareLoadOf: (scheduler: LRScheduler, stateDict: SchedulerStateDict) => () => void;

/**
 * Checks a state dict for `scheduler` without changing it and returns the function that loads it: how a
 * composite scheduler checks every child before loading any. A JS subclass that overrides loadStateDict
 * itself can only be loaded, not checked, in advance.
 */
export function prepareSchedulerLoad(scheduler: LRScheduler, stateDict: SchedulerStateDict): () => void {
  if (scheduler.loadStateDict !== LRScheduler.prototype.loadStateDict) return () => scheduler.loadStateDict(stateDict);
  return prepareLoadOf(scheduler, stateDict);
}

/**
 * torch.optim.lr_scheduler.LRScheduler. Built-in schedulers set their fields after super(optimizer)
 * and then call initialize(lastEpoch) (Python's LRScheduler.__init__: initialLr in every group,
 * baseLrs, the initial step). A JS subclass either does the same or passes lastEpoch to super()
 * when its getLr() needs no fields of its own.
 */
export class LRScheduler {
  optimizer: Optimizer;
  baseLrs: LrValue[] = [];
  lastEpoch = -1;
  protected _stepCount = 0;
  protected _isInitial = false;
  protected _getLrCalledWithinStep = false;
  protected _lastLr: LrValue[] = [];
  /** The Python attributes of this class, in Python's __dict__ order (state dict keys). */
  protected stateKeys: readonly string[] = BASE_STATE_KEYS;
  // Keys of a loaded state dict that this class has no field for (Python keeps them in __dict__).
  #extraState: Record<string, unknown> = {};
  // The StateReaders of the keys initialize() was given.
  #ownReaders: Record<string, StateReader> = {};
  // The fields a JS subclass set before initialize() (Python: before super().__init__).
  #fieldsBeforeInit: Set<string> | null = null;

  static {
    prepareLoadOf = (scheduler, stateDict) => scheduler.prepareLoad(stateDict);
  }

  constructor(optimizer: Optimizer, lastEpoch?: number) {
    checkOptimizer(this.constructor.name, optimizer);
    this.optimizer = optimizer;
    if (lastEpoch !== undefined) this.initialize(lastEpoch);
  }

  /** Python's LRScheduler.__init__ after the subclass has set its fields; `ownKeys` are its state dict keys (with the StateReader that checks each on load). */
  protected initialize(lastEpoch = -1, ownKeys: readonly string[] | Readonly<Record<string, StateReader | null>> = []): void {
    const cls = this.constructor.name;
    checkNumber(cls, 'lastEpoch', lastEpoch, 'int');
    const readers = Array.isArray(ownKeys) ? {} : (ownKeys as Readonly<Record<string, StateReader | null>>);
    this.#ownReaders = Object.fromEntries(Object.entries(readers).filter((e): e is [string, StateReader] => e[1] !== null));
    this.stateKeys = [...(Array.isArray(ownKeys) ? (ownKeys as readonly string[]) : Object.keys(readers)), ...BASE_STATE_KEYS];
    this.#fieldsBeforeInit = new Set(Object.keys(this));
    const groups = this.optimizer.paramGroups;
    if (lastEpoch === -1) {
      for (const group of groups) if (!('initialLr' in group)) group.initialLr = isTensor(group.lr) ? group.lr.clone() : group.lr;
    } else {
      groups.forEach((group, i) => {
        if (!('initialLr' in group))
          throw new KeyError(
            `${cls}: param 'initialLr' is not specified in paramGroups[${i}] when resuming scheduler with lastEpoch >= 0.\nThis typically happens when:\n1. You're trying to resume training from a checkpoint but haven't properly loaded the optimizer state\n2. You're using lastEpoch >= 0 for a fresh training run (not recommended)`,
          );
      });
    }
    this.baseLrs = groupValues(this.optimizer, 'initialLr');
    this.lastEpoch = lastEpoch;
    patchTrackStepCalled(this.optimizer);
    this.initialStep();
  }

  /** Python's _initial_step: the step that sets the first learning rate. */
  initialStep(): void {
    this._stepCount = 0;
    this._isInitial = true;
    try {
      this.step();
    } finally {
      this._isInitial = false;
    }
  }

  /** The learning rates of the last step, one per parameter group. */
  getLastLr(): LrValue[] {
    return this._lastLr;
  }

  /** The learning rates of the current step (called by step(); call getLastLr() to read them). */
  getLr(): LrValue[] {
    throw new Error(`${this.constructor.name} does not implement getLr()`);
  }

  /** Python's _warn_get_lr_called_within_step. */
  protected warnGetLrOutsideStep(): void {
    if (!this._getLrCalledWithinStep) warn('To get the last learning rate computed by the scheduler, please use `getLastLr()`.');
  }

  /** Advances the schedule by one (or, deprecated, to `epoch`) and sets every group's lr. */
  step(epoch?: number | null): void {
    // Python's super().__init__(optimizer) sets a scheduler up at once; a JS subclass's fields come after super(), so it calls initialize()
    if (this.#fieldsBeforeInit === null)
      throw new Error(`${this.constructor.name}.step: the scheduler was never initialized; a JS subclass calls this.initialize(lastEpoch) at the end of its constructor (after its own fields), or passes lastEpoch to super(optimizer, lastEpoch) when it has none`);
    if (this._stepCount === 1) {
      if (!wrappedSteps.has(this.optimizer.step))
        warn('Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate');
      else if (!steppedOptimizers.has(this.optimizer))
        warn('Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate');
    }
    this._stepCount += 1;
    if (epoch !== undefined && epoch !== null) {
      checkNumber(`${this.constructor.name}.step`, 'epoch', epoch);
      warn(EPOCH_DEPRECATION_WARNING);
    }
    this.updateLr(epoch ?? undefined);
  }

  /** The closed form of the schedule at lastEpoch (used by step(epoch)); null where there is none. */
  protected closedFormLr(): LrValue[] | null {
    return null;
  }

  /** Python's _update_lr. */
  updateLr(epoch?: number): void {
    let values: LrValue[];
    this._getLrCalledWithinStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch += 1;
        values = this.getLr();
      } else {
        this.lastEpoch = epoch;
        values = this.closedFormLr() ?? this.getLr();
      }
    } finally {
      this._getLrCalledWithinStep = false;
    }
    this.applyLrs(values);
  }

  protected applyLrs(values: LrValue[]): void {
    if (!Array.isArray(values)) throw new TypeError(`${this.constructor.name}: getLr() must return an array, got ${describe(values)}`);
    // Python's zip(param_groups, values, strict=True): the groups before a length mismatch get their lr.
    forEachZip(this.optimizer.paramGroups, values, (g, v) => setGroupValue(g, 'lr', v));
    this._lastLr = groupValues(this.optimizer, 'lr');
  }

  /** The value stored in the state dict for Python attribute `key` (arrays copied). */
  protected stateValue(key: string): unknown {
    return copyArray((this as unknown as Record<string, unknown>)[jsAttr(key)]);
  }

  /** The checks of the state dict keys this class knows (Python key -> reader); keys without one load as they are. */
  protected stateReaders(): Record<string, StateReader> {
    // last_epoch may be fractional: the deprecated step(epoch) stores the epoch given, as Python's does
    return { ...this.#ownReaders, base_lrs: GROUP_LRS_STATE, last_epoch: NUMBER_STATE, _step_count: INT_STATE, _is_initial: BOOL_STATE, _get_lr_called_within_step: BOOL_STATE, _last_lr: LR_VALUES_STATE };
  }

  /** Sets the field of Python attribute `key` to a loaded value its StateReader has checked (must not throw). */
  protected loadStateValue(key: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[jsAttr(key)] = value;
  }

  /**
   * A JS subclass that names no state keys of its own: its own fields (Python's __dict__ entries of a
   * subclass), as [JS field, Python key], those set before initialize() first (they come before the base
   * keys in Python's __dict__). null for the built-in schedulers, which list their keys.
   */
  #ownFields(): { before: [string, string][]; after: [string, string][] } | null {
    const keys = this.stateKeys;
    if (keys.length !== BASE_STATE_KEYS.length || keys.some((k, i) => k !== BASE_STATE_KEYS[i])) return null;
    const self = this as unknown as Record<string, unknown>;
    const before: [string, string][] = [];
    const after: [string, string][] = [];
    for (const field of Object.keys(this)) {
      if (BASE_FIELDS.has(field) || typeof self[field] === 'function' || self[field] === undefined) continue;
      (this.#fieldsBeforeInit?.has(field) ? before : after).push([field, pyAttr(field)]);
    }
    return { before, after };
  }

  /** The scheduler's state in Python's layout (snake_case keys: `last_epoch`, `base_lrs`, `_step_count`, ...). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    const own = this.#ownFields();
    const self = this as unknown as Record<string, unknown>;
    for (const [field, key] of own?.before ?? []) out[key] = copyArray(self[field]);
    for (const key of this.stateKeys) out[key] = this.stateValue(key);
    for (const [field, key] of own?.after ?? []) out[key] = copyArray(self[field]);
    for (const [key, value] of Object.entries(this.#extraState)) if (!(key in out)) out[key] = value;
    return out;
  }

  /**
   * Loads a state dict from stateDict() or from Python's `torch.save(scheduler.state_dict())`. All or
   * nothing: a value of the wrong type is a TypeError naming its key, and the scheduler is left as it was.
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this.prepareLoad(stateDict)();
  }

  /** Checks and converts every key of a state dict, changing nothing; the function returned assigns them all. */
  protected prepareLoad(stateDict: SchedulerStateDict): () => void {
    const cls = this.constructor.name;
    if (!isOptionsObject(stateDict)) throw new TypeError(`${cls}.loadStateDict: expected a state dict object, got ${describe(stateDict)}`);
    const own = this.#ownFields();
    const fieldOf = new Map(own ? [...own.before, ...own.after].map(([field, key]) => [key, field]) : []);
    const readers = this.stateReaders();
    const self = this as unknown as Record<string, unknown>;
    const assignments = Object.entries(stateDict).map(([key, value]): (() => void) => {
      const field = fieldOf.get(key);
      const read = (this.stateKeys.includes(key) || field !== undefined) && Object.hasOwn(readers, key) ? readers[key] : undefined;
      const loaded = read ? read(value, key, this) : copyArray(value);
      if (this.stateKeys.includes(key)) return () => this.loadStateValue(key, loaded);
      if (field !== undefined) return () => (self[field] = loaded);
      return () => (this.#extraState[key] = value);
    });
    return () => assignments.forEach((assign) => assign());
  }
}

/** Python's `_LRScheduler` alias. */
export { LRScheduler as _LRScheduler };
