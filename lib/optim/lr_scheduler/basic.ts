// The multiplicative schedules of torch/optim/lr_scheduler.py (2.13): LambdaLR, MultiplicativeLR,
// StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR. The chainable forms
// (get_lr) scale the group's current lr, so several of them can drive one optimizer at once.
import { describe, isOptionsObject } from '../../options.js';
import type { Optimizer } from '../optimizer.js';
import { pow } from '../../libm.js';
import { markCounter } from '../../serialize.js';
import { badStateValue, checkNumber, checkZip, div, groupValues, isAttrsOrNull, LRScheduler, lrTimes, NUMBER_STATE, pyMod, REQUIRED, schedulerArgs, stateReader, ZeroDivisionError, type LrValue, type StateReader } from './scheduler.js';

/** Python's float floor division `a // b` (CPython float_floor_div). */
function floorDiv(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError(Number.isInteger(a) ? 'integer division or modulo by zero' : 'float floor division by zero');
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

export type LrLambda = (epoch: number) => number;

// LambdaLR and MultiplicativeLR: one function per group (one given = the same for all).
function lambdasFor(cls: string, optimizer: Optimizer, lrLambda: unknown): LrLambda[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(lrLambda) ? lrLambda : Array.from({ length: n }, () => lrLambda);
  if (list.length !== n) throw new RangeError(`${cls}: Expected ${n} lr_lambdas, but got ${list.length}`);
  for (const f of list) if (typeof f !== 'function') throw new TypeError(`${cls}: lr_lambda should be a function, but got ${describe(f)}`);
  return list as LrLambda[];
}

/** The shared state dict of the lambda schedulers: functions are skipped (null), as Python skips plain functions. */
abstract class LambdaScheduler extends LRScheduler {
  lrLambdas!: LrLambda[];

  protected override stateValue(key: string): unknown {
    // A function with own properties keeps them (Python keeps a callable object's __dict__).
    if (key === 'lr_lambdas') return this.lrLambdas.map((f) => (Object.keys(f).length > 0 ? { ...f } : null));
    return super.stateValue(key);
  }

  protected override stateReaders(): Record<string, StateReader> {
    return { ...super.stateReaders(), lr_lambdas: stateReader('an array of null or attribute objects', (v) => Array.isArray(v) && v.every(isAttrsOrNull)) };
  }

  protected override loadStateValue(key: string, value: unknown): void {
    if (key !== 'lr_lambdas') return super.loadStateValue(key, value);
    (value as (Record<string, unknown> | null | undefined)[]).forEach((attrs, i) => {
      if (attrs !== null && attrs !== undefined && this.lrLambdas[i]) Object.assign(this.lrLambdas[i]!, attrs);
    });
  }
}

export interface LambdaLROptions {
  lrLambda?: LrLambda | LrLambda[];
  lastEpoch?: number;
}

/** LambdaLR(optimizer, lrLambda, lastEpoch = -1): lr = initialLr * lrLambda(epoch). */
export class LambdaLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, options: LambdaLROptions);
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], lastEpoch?: number | Omit<LambdaLROptions, 'lrLambda'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('LambdaLR', args, [['lrLambda', REQUIRED], ['lastEpoch', -1]]);
    this.lrLambdas = lambdasFor('LambdaLR', optimizer, a.lrLambda);
    this.initialize(a.lastEpoch as number);
    this.stateKeys = [...this.stateKeys, 'lr_lambdas'];
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    return this.lrLambdas.map((f, i) => lrTimes(this.baseLrs[i]!, f(this.lastEpoch)));
  }
}

/** MultiplicativeLR(optimizer, lrLambda, lastEpoch = -1): lr *= lrLambda(epoch) at every step. */
export class MultiplicativeLR extends LambdaScheduler {
  constructor(optimizer: Optimizer, options: LambdaLROptions);
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], lastEpoch?: number | Omit<LambdaLROptions, 'lrLambda'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('MultiplicativeLR', args, [['lrLambda', REQUIRED], ['lastEpoch', -1]]);
    this.lrLambdas = lambdasFor('MultiplicativeLR', optimizer, a.lrLambda);
    this.initialize(a.lastEpoch as number);
    this.stateKeys = [...this.stateKeys, 'lr_lambdas'];
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    checkZip(this.lrLambdas.length, this.optimizer.paramGroups.length);
    return this.optimizer.paramGroups.map((g, i) => lrTimes(g.lr as LrValue, this.lrLambdas[i]!(this.lastEpoch)));
  }
}

export interface StepLROptions {
  stepSize?: number;
  gamma?: number;
  lastEpoch?: number;
}

/** StepLR(optimizer, stepSize, gamma = 0.1, lastEpoch = -1): lr *= gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize!: number;
  gamma!: number;

  constructor(optimizer: Optimizer, options: StepLROptions);
  constructor(optimizer: Optimizer, stepSize: number, gamma?: number | Omit<StepLROptions, 'stepSize'>, lastEpoch?: number | Pick<StepLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('StepLR', args, [['stepSize', REQUIRED], ['gamma', 0.1], ['lastEpoch', -1]]);
    this.stepSize = checkNumber('StepLR', 'stepSize', a.stepSize);
    this.gamma = checkNumber('StepLR', 'gamma', a.gamma);
    this.initialize(a.lastEpoch as number, { step_size: NUMBER_STATE, gamma: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return groupValues(this.optimizer, 'lr');
    return this.optimizer.paramGroups.map((g) => lrTimes(g.lr as LrValue, this.gamma));
  }

  protected override closedFormLr(): LrValue[] {
    return this.baseLrs.map((b) => lrTimes(b, pow(this.gamma, floorDiv(this.lastEpoch, this.stepSize))));
  }
}

export interface MultiStepLROptions {
  milestones?: Iterable<number>;
  gamma?: number;
  lastEpoch?: number;
}

/** MultiStepLR(optimizer, milestones, gamma = 0.1, lastEpoch = -1): lr *= gamma at each milestone. */
export class MultiStepLR extends LRScheduler {
  /** Python's Counter: epoch -> how many times it was listed. */
  milestones!: Map<number, number>;
  gamma!: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions);
  constructor(optimizer: Optimizer, milestones: Iterable<number>, gamma?: number | Omit<MultiStepLROptions, 'milestones'>, lastEpoch?: number | Pick<MultiStepLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('MultiStepLR', args, [['milestones', REQUIRED], ['gamma', 0.1], ['lastEpoch', -1]]);
    this.milestones = counterOf('MultiStepLR', a.milestones);
    this.gamma = checkNumber('MultiStepLR', 'gamma', a.gamma);
    this.initialize(a.lastEpoch as number, { milestones: readCounter, gamma: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return groupValues(this.optimizer, 'lr');
    return this.optimizer.paramGroups.map((g) => lrTimes(g.lr as LrValue, pow(this.gamma, count)));
  }

  protected override closedFormLr(): LrValue[] {
    let passed = 0; // bisect_right over the sorted milestone list
    for (const [m, count] of this.milestones) if (m <= this.lastEpoch) passed += count;
    return this.baseLrs.map((b) => lrTimes(b, pow(this.gamma, passed)));
  }

  protected override stateValue(key: string): unknown {
    return key === 'milestones' ? markCounter(new Map(this.milestones)) : super.stateValue(key);
  }
}

// A loaded milestones Counter: Python's loads as an object with int-like keys; ours is a Map, saved as a Counter.
const readCounter: StateReader = (value, key, scheduler) => {
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : isOptionsObject(value) ? Object.entries(value) : null;
  const counter = entries?.map(([k, v]) => [typeof k === 'string' && k.trim() !== '' ? Number(k) : k, v] as const);
  if (!counter || counter.some(([k, v]) => !Number.isInteger(k) || !Number.isInteger(v)))
    throw badStateValue(scheduler, key, 'a Counter (a Map or an object) of integer epochs to integer counts', value);
  return new Map(counter as (readonly [number, number])[]);
};

// MultiStepLR's milestones as Python's Counter: in any order, an epoch listed twice decays twice.
function counterOf(cls: string, milestones: unknown): Map<number, number> {
  if (milestones === null || typeof milestones !== 'object' || typeof (milestones as Iterable<unknown>)[Symbol.iterator] !== 'function')
    throw new TypeError(`${cls}: milestones must be an iterable of epoch numbers, got ${describe(milestones)}`);
  const list = [...(milestones as Iterable<unknown>)];
  const counter = new Map<number, number>();
  list.forEach((m) => {
    checkNumber(cls, 'milestones', m, 'int');
    counter.set(m as number, (counter.get(m as number) ?? 0) + 1);
  });
  return counter;
}

export interface ConstantLROptions {
  factor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

/** ConstantLR(optimizer, factor = 1/3, totalIters = 5, lastEpoch = -1): lr * factor until totalIters. */
export class ConstantLR extends LRScheduler {
  factor!: number;
  totalIters!: number;

  constructor(optimizer: Optimizer, options?: ConstantLROptions);
  constructor(optimizer: Optimizer, factor?: number, totalIters?: number | Omit<ConstantLROptions, 'factor'>, lastEpoch?: number | Pick<ConstantLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('ConstantLR', args, [['factor', 1.0 / 3], ['totalIters', 5], ['lastEpoch', -1]]);
    const factor = checkNumber('ConstantLR', 'factor', a.factor);
    if (factor > 1.0 || factor < 0) throw new RangeError('ConstantLR: Constant multiplicative factor expected to be between 0 and 1.');
    this.factor = factor;
    this.totalIters = checkNumber('ConstantLR', 'totalIters', a.totalIters);
    this.initialize(a.lastEpoch as number, { factor: NUMBER_STATE, total_iters: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => lrTimes(g.lr as LrValue, this.factor));
    if (this.lastEpoch !== this.totalIters) return groupValues(this.optimizer, 'lr');
    const inverse = div(1.0, this.factor);
    return groups.map((g) => lrTimes(g.lr as LrValue, inverse));
  }

  protected override closedFormLr(): LrValue[] {
    return this.baseLrs.map((b) => lrTimes(b, this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

/** LinearLR(optimizer, startFactor = 1/3, endFactor = 1, totalIters = 5, lastEpoch = -1): a linear ramp of the factor. */
export class LinearLR extends LRScheduler {
  startFactor!: number;
  endFactor!: number;
  totalIters!: number;

  constructor(optimizer: Optimizer, options?: LinearLROptions);
  constructor(optimizer: Optimizer, startFactor?: number, endFactor?: number | Omit<LinearLROptions, 'startFactor'>, totalIters?: number | Pick<LinearLROptions, 'totalIters' | 'lastEpoch'>, lastEpoch?: number | Pick<LinearLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('LinearLR', args, [['startFactor', 1.0 / 3], ['endFactor', 1.0], ['totalIters', 5], ['lastEpoch', -1]]);
    const start = checkNumber('LinearLR', 'startFactor', a.startFactor);
    const end = checkNumber('LinearLR', 'endFactor', a.endFactor);
    if (start > 1.0 || start <= 0) throw new RangeError('LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (end > 1.0 || end < 0) throw new RangeError('LinearLR: Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = start;
    this.endFactor = end;
    this.totalIters = checkNumber('LinearLR', 'totalIters', a.totalIters);
    this.initialize(a.lastEpoch as number, { start_factor: NUMBER_STATE, end_factor: NUMBER_STATE, total_iters: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => lrTimes(g.lr as LrValue, this.startFactor));
    if (this._isInitial || this.lastEpoch > this.totalIters) return groupValues(this.optimizer, 'lr');
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    const factor = 1.0 + div(e - s, n * s + (this.lastEpoch - 1) * (e - s));
    return groups.map((g) => lrTimes(g.lr as LrValue, factor));
  }

  protected override closedFormLr(): LrValue[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    // Python's float division: totalIters 0 is a ZeroDivisionError here (the chainable form never divides by it)
    return this.baseLrs.map((b) => lrTimes(b, s + div((e - s) * Math.min(n, this.lastEpoch), n)));
  }
}

export interface ExponentialLROptions {
  gamma?: number;
  lastEpoch?: number;
}

/** ExponentialLR(optimizer, gamma, lastEpoch = -1): lr *= gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma!: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions);
  constructor(optimizer: Optimizer, gamma: number, lastEpoch?: number | Pick<ExponentialLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('ExponentialLR', args, [['gamma', REQUIRED], ['lastEpoch', -1]]);
    this.gamma = checkNumber('ExponentialLR', 'gamma', a.gamma);
    this.initialize(a.lastEpoch as number, { gamma: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    return this.optimizer.paramGroups.map((g) => lrTimes(g.lr as LrValue, this.gamma));
  }

  protected override closedFormLr(): LrValue[] {
    return this.baseLrs.map((b) => lrTimes(b, pow(this.gamma, this.lastEpoch)));
  }
}

export interface PolynomialLROptions {
  totalIters?: number;
  power?: number;
  lastEpoch?: number;
}

/** PolynomialLR(optimizer, totalIters = 5, power = 1, lastEpoch = -1): polynomial decay to 0 over totalIters. */
export class PolynomialLR extends LRScheduler {
  totalIters!: number;
  power!: number;

  constructor(optimizer: Optimizer, options?: PolynomialLROptions);
  constructor(optimizer: Optimizer, totalIters?: number, power?: number | Omit<PolynomialLROptions, 'totalIters'>, lastEpoch?: number | Pick<PolynomialLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('PolynomialLR', args, [['totalIters', 5], ['power', 1.0], ['lastEpoch', -1]]);
    this.totalIters = checkNumber('PolynomialLR', 'totalIters', a.totalIters);
    this.power = checkNumber('PolynomialLR', 'power', a.power);
    this.initialize(a.lastEpoch as number, { total_iters: NUMBER_STATE, power: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    if (this._isInitial || this.lastEpoch > this.totalIters) return groupValues(this.optimizer, 'lr');
    const n = this.totalIters;
    const decay = pow(div(1.0 - this.lastEpoch / n, 1.0 - (this.lastEpoch - 1) / n), this.power);
    return this.optimizer.paramGroups.map((g) => lrTimes(g.lr as LrValue, decay));
  }

  protected override closedFormLr(): LrValue[] {
    const n = this.totalIters;
    // min(total_iters, last_epoch) / total_iters: two Python ints, so totalIters 0 is 'division by zero'
    return this.baseLrs.map((b) => lrTimes(b, pow(1.0 - div(Math.min(n, this.lastEpoch), n, true), this.power)));
  }
}

