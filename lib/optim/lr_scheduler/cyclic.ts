// Cyclical schedules of torch/optim/lr_scheduler.py (2.13): CyclicLR and OneCycleLR. Both can cycle
// the momentum (SGD's `momentum`, or beta1 of Adam-like `betas`) against the learning rate.
import { describe, isOptionsObject } from '../../options.js';
import { checkFlag, type Optimizer, type ParamGroup } from '../optimizer.js';
import { cos, pow } from '../../libm.js';
import {
  badStateValue, BOOL_STATE, checkNumber, div, forEachZip, formatParam, groupValue, GROUP_LRS_STATE, INT_STATE, isAttrsOrNull, LRScheduler, num, NUMBER_STATE,
  oneOfState, REQUIRED, schedulerArgs, setGroupValue, stateReader, type LrValue, type SchedulerStateDict, type StateReader,
} from './scheduler.js';

// Python's check that the optimizer has a momentum to cycle; true when it is beta1 of `betas`.
function momentumIsBeta1(cls: string, optimizer: Optimizer): boolean {
  if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults))
    throw new Error(`${cls}: optimizer must support momentum or beta1 with \`cycleMomentum\` option enabled`);
  return 'betas' in optimizer.defaults;
}

// Writes the cycled momentum into a group: `momentum`, or the first of `betas`.
function setMomentum(group: ParamGroup, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as unknown[]).slice(1)];
  else group.momentum = momentum;
}

// Sets the starting momentum and records max/base momentum in every group (Python does it when lastEpoch == -1).
function initMomentum(optimizer: Optimizer, useBeta1: boolean, maxMomentums: LrValue[], baseMomentums: LrValue[]): void {
  optimizer.paramGroups.forEach((group, i) => {
    setMomentum(group, useBeta1, num(maxMomentums[i]));
    group.maxMomentum = maxMomentums[i];
    group.baseMomentum = baseMomentums[i];
  });
}

export type ScaleFn = (x: number) => number;
const CYCLIC_MODES = ['triangular', 'triangular2', 'exp_range'] as const;

export interface CyclicLROptions {
  baseLr?: number | number[];
  maxLr?: number | number[];
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scaleFn?: ScaleFn | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

const CYCLIC_ARGS = [
  ['baseLr', REQUIRED], ['maxLr', REQUIRED], ['stepSizeUp', 2000], ['stepSizeDown', null], ['mode', 'triangular'], ['gamma', 1.0],
  ['scaleFn', null], ['scaleMode', 'cycle'], ['cycleMomentum', true], ['baseMomentum', 0.8], ['maxMomentum', 0.9], ['lastEpoch', -1],
] as const;

/** CyclicLR(optimizer, baseLr, maxLr, stepSizeUp = 2000, stepSizeDown, mode = 'triangular', gamma = 1, scaleFn, scaleMode = 'cycle', cycleMomentum = true, baseMomentum = 0.8, maxMomentum = 0.9, lastEpoch = -1). */
export class CyclicLR extends LRScheduler {
  maxLrs!: LrValue[];
  totalSize!: number;
  stepRatio!: number;
  mode!: string;
  gamma!: number;
  scaleMode!: string;
  cycleMomentum!: boolean;
  useBeta1?: boolean;
  baseMomentums?: LrValue[];
  maxMomentums?: LrValue[];
  protected _scaleFnCustom: ScaleFn | null = null;
  protected _scaleFnRef: ScaleFn = () => 1.0;

  constructor(optimizer: Optimizer, options: CyclicLROptions);
  constructor(optimizer: Optimizer, baseLr: number | number[], maxLr: number | number[], options?: Omit<CyclicLROptions, 'baseLr' | 'maxLr'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'CyclicLR';
    const a = schedulerArgs(cls, args, CYCLIC_ARGS);
    const lastEpoch = checkNumber(cls, 'lastEpoch', a.lastEpoch, 'int');
    const baseLrs = formatParam(cls, 'baseLr', optimizer, a.baseLr);
    const maxLrs = formatParam(cls, 'maxLr', optimizer, a.maxLr);
    const up = checkNumber(cls, 'stepSizeUp', a.stepSizeUp);
    const down = a.stepSizeDown === null ? up : checkNumber(cls, 'stepSizeDown', a.stepSizeDown);
    const stepRatio = div(up, up + down); // Python's float(step_size_up) / total_size
    const scaleFn = a.scaleFn as ScaleFn | null;
    if (scaleFn !== null && typeof scaleFn !== 'function') throw new TypeError(`${cls}: scaleFn must be a function or null, got ${describe(scaleFn)}`);
    if (!(CYCLIC_MODES as readonly unknown[]).includes(a.mode) && scaleFn === null) throw new RangeError(`${cls}: mode is invalid and scaleFn is null (mode: ${String(a.mode)})`);
    if (a.scaleMode !== 'cycle' && a.scaleMode !== 'iterations') throw new RangeError(`${cls}: scaleMode must be 'cycle' or 'iterations', got ${String(a.scaleMode)}`);
    checkFlag(cls, 'cycleMomentum', a.cycleMomentum);
    const useBeta1 = a.cycleMomentum ? momentumIsBeta1(cls, optimizer) : undefined;
    const baseMomentums = a.cycleMomentum ? formatParam(cls, 'baseMomentum', optimizer, a.baseMomentum) : undefined;
    const maxMomentums = a.cycleMomentum ? formatParam(cls, 'maxMomentum', optimizer, a.maxMomentum) : undefined;
    // All checks are done: from here on the optimizer's groups change (as Python's constructor does).
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => setGroupValue(g, 'lr', baseLrs[i]!));
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = stepRatio;
    this.mode = a.mode as string;
    this.gamma = checkNumber(cls, 'gamma', a.gamma);
    this._scaleFnCustom = scaleFn;
    this.scaleMode = a.scaleMode;
    this.initScaleFn();
    this.cycleMomentum = a.cycleMomentum as boolean;
    const keys: Record<string, StateReader | null> = {
      max_lrs: GROUP_LRS_STATE, total_size: NUMBER_STATE, step_ratio: NUMBER_STATE, mode: null, gamma: NUMBER_STATE,
      scale_mode: oneOfState('cycle', 'iterations'), cycle_momentum: BOOL_STATE,
    };
    if (this.cycleMomentum) {
      this.useBeta1 = useBeta1;
      this.baseMomentums = baseMomentums;
      this.maxMomentums = maxMomentums;
      if (lastEpoch === -1) initMomentum(optimizer, useBeta1!, maxMomentums!, baseMomentums!);
      Object.assign(keys, { use_beta1: BOOL_STATE, base_momentums: GROUP_LRS_STATE, max_momentums: GROUP_LRS_STATE });
    }
    this.initialize(lastEpoch, keys);
    this.stateKeys = [...this.stateKeys, '_scale_fn_custom'];
    this.baseLrs = baseLrs;
  }

  // Python's _init_scale_fn: the built-in scale function of the mode (and its scale mode).
  protected initScaleFn(): void {
    if (this._scaleFnCustom !== null) return;
    if (this.mode === 'triangular') {
      this._scaleFnRef = () => 1.0;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this._scaleFnRef = (x) => 1 / pow(2.0, x - 1);
      this.scaleMode = 'cycle';
    } else if (this.mode === 'exp_range') {
      const gamma = this.gamma;
      this._scaleFnRef = (x) => pow(gamma, x);
      this.scaleMode = 'iterations';
    }
  }

  /** The scale of the cycle's amplitude at `x` (the cycle number or the iteration). */
  scaleFn(x: number): number {
    return this._scaleFnCustom !== null ? this._scaleFnCustom(x) : this._scaleFnRef(x);
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1.0 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? div(x, this.stepRatio) : div(x - 1, this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((b, i) => num(b) + (num(this.maxLrs[i]) - num(b)) * scaleFactor * scale);
    if (this.cycleMomentum) {
      const momentums = this.baseMomentums!.map((b, i) => num(this.maxMomentums![i]) - (num(this.maxMomentums![i]) - num(b)) * scaleFactor * scale);
      forEachZip(this.optimizer.paramGroups, momentums, (g, m) => setMomentum(g, this.useBeta1!, m));
    }
    return lrs;
  }

  protected override stateValue(key: string): unknown {
    if (key === '_scale_fn_custom') return this._scaleFnCustom !== null && Object.keys(this._scaleFnCustom).length > 0 ? { ...this._scaleFnCustom } : null;
    return super.stateValue(key);
  }

  protected override stateReaders(): Record<string, StateReader> {
    // mode: a built-in one unless a scaleFn was given, as the constructor checks
    const mode = this._scaleFnCustom === null ? oneOfState(...CYCLIC_MODES) : stateReader('a string', (v) => typeof v === 'string');
    return { ...super.stateReaders(), mode, _scale_fn_custom: stateReader('null or an attribute object', isAttrsOrNull) };
  }

  protected override loadStateValue(key: string, value: unknown): void {
    if (key !== '_scale_fn_custom') return super.loadStateValue(key, value);
    if (value !== null && value !== undefined && this._scaleFnCustom !== null) Object.assign(this._scaleFnCustom, value);
  }

  protected override prepareLoad(stateDict: SchedulerStateDict): () => void {
    const assign = super.prepareLoad(stateDict);
    return () => {
      assign();
      this.initScaleFn();
    };
  }
}

/** One phase of OneCycleLR: where it ends and the group keys (Python spelling) it anneals between. */
export interface SchedulePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

export interface OneCycleLROptions {
  maxLr?: number | number[];
  totalSteps?: number | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

const ONE_CYCLE_ARGS = [
  ['maxLr', REQUIRED], ['totalSteps', null], ['epochs', null], ['stepsPerEpoch', null], ['pctStart', 0.3], ['annealStrategy', 'cos'], ['cycleMomentum', true],
  ['baseMomentum', 0.85], ['maxMomentum', 0.95], ['divFactor', 25.0], ['finalDivFactor', 1e4], ['threePhase', false], ['lastEpoch', -1],
] as const;

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** OneCycleLR(optimizer, maxLr, totalSteps | epochs + stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', ...): the 1cycle policy. */
export class OneCycleLR extends LRScheduler {
  totalSteps!: number;
  cycleMomentum!: boolean;
  useBeta1?: boolean;
  protected _schedulePhases!: SchedulePhase[];
  protected _annealFuncType!: 'cos' | 'linear';

  constructor(optimizer: Optimizer, options: OneCycleLROptions);
  constructor(optimizer: Optimizer, maxLr: number | number[], totalSteps?: number | null | Omit<OneCycleLROptions, 'maxLr'>, options?: Omit<OneCycleLROptions, 'maxLr' | 'totalSteps'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'OneCycleLR';
    const a = schedulerArgs(cls, args, ONE_CYCLE_ARGS);
    const lastEpoch = checkNumber(cls, 'lastEpoch', a.lastEpoch, 'int');
    let totalSteps: number;
    if (a.totalSteps !== null) {
      if (!isPositiveInt(a.totalSteps)) throw new RangeError(`${cls}: Expected positive integer totalSteps, but got ${String(a.totalSteps)}`);
      totalSteps = a.totalSteps;
    } else if (a.epochs !== null && a.stepsPerEpoch !== null) {
      if (!isPositiveInt(a.epochs)) throw new RangeError(`${cls}: Expected positive integer epochs, but got ${String(a.epochs)}`);
      if (!isPositiveInt(a.stepsPerEpoch)) throw new RangeError(`${cls}: Expected positive integer stepsPerEpoch, but got ${String(a.stepsPerEpoch)}`);
      totalSteps = a.epochs * a.stepsPerEpoch;
    } else throw new TypeError(`${cls}: You must define either totalSteps OR (epochs AND stepsPerEpoch)`);
    const pct = a.pctStart;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 1)) throw new RangeError(`${cls}: Expected float between 0 and 1 pctStart, but got ${String(pct)}`);
    if (a.annealStrategy !== 'cos' && a.annealStrategy !== 'linear') throw new RangeError(`${cls}: annealStrategy must be one of 'cos' or 'linear', instead got ${String(a.annealStrategy)}`);
    const divFactor = checkNumber(cls, 'divFactor', a.divFactor);
    const finalDivFactor = checkNumber(cls, 'finalDivFactor', a.finalDivFactor);
    checkFlag(cls, 'threePhase', a.threePhase);
    checkFlag(cls, 'cycleMomentum', a.cycleMomentum);
    const maxLrs = formatParam(cls, 'maxLr', optimizer, a.maxLr);
    const useBeta1 = a.cycleMomentum ? momentumIsBeta1(cls, optimizer) : undefined;
    const maxMomentums = a.cycleMomentum ? formatParam(cls, 'maxMomentum', optimizer, a.maxMomentum) : undefined;
    const baseMomentums = a.cycleMomentum ? formatParam(cls, 'baseMomentum', optimizer, a.baseMomentum) : undefined;
    this.totalSteps = totalSteps;
    const phase = (end: number, startLr: string, endLr: string, startM: string, endM: string): SchedulePhase => ({ end_step: end, start_lr: startLr, end_lr: endLr, start_momentum: startM, end_momentum: endM });
    this._schedulePhases = a.threePhase
      ? [
          phase(pct * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
          phase(2 * pct * totalSteps - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
          phase(totalSteps - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum'),
        ]
      : [phase(pct * totalSteps - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'), phase(totalSteps - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum')];
    this._annealFuncType = a.annealStrategy;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = num(maxLrs[i]) / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    this.cycleMomentum = a.cycleMomentum as boolean;
    const keys: Record<string, StateReader> = { total_steps: INT_STATE, _schedule_phases: readPhases, _anneal_func_type: oneOfState('cos', 'linear'), cycle_momentum: BOOL_STATE };
    if (this.cycleMomentum) {
      this.useBeta1 = useBeta1;
      if (lastEpoch === -1) initMomentum(optimizer, useBeta1!, maxMomentums!, baseMomentums!);
      keys.use_beta1 = BOOL_STATE;
    }
    this.initialize(lastEpoch, keys);
  }

  // Python's _annealing_cos / _annealing_linear.
  protected anneal(start: number, end: number, pct: number): number {
    if (this._annealFuncType === 'cos') {
      const cosOut = cos(Math.PI * pct) + 1;
      return end + ((start - end) / 2.0) * cosOut;
    }
    return (end - start) * pct + start;
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new RangeError(`OneCycleLR: Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`);
    const phases = this._schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0.0;
      let lr = 0;
      for (let i = 0; i < phases.length; i++) {
        const p = phases[i]!;
        if (stepNum <= p.end_step || i === phases.length - 1) {
          const pct = div(stepNum - startStep, p.end_step - startStep);
          lr = this.anneal(num(groupValue(group, p.start_lr)), num(groupValue(group, p.end_lr)), pct);
          if (this.cycleMomentum) setMomentum(group, this.useBeta1!, this.anneal(num(groupValue(group, p.start_momentum)), num(groupValue(group, p.end_momentum)), pct));
          break;
        }
        startStep = p.end_step;
      }
      return lr;
    });
  }

  protected override stateValue(key: string): unknown {
    if (key === '_schedule_phases') return this._schedulePhases.map((p) => ({ ...p }));
    return super.stateValue(key);
  }
}

const PHASE_KEYS = ['start_lr', 'end_lr', 'start_momentum', 'end_momentum'] as const;
// A loaded _schedule_phases: phase objects with a numeric end_step and the group keys they anneal between.
const readPhases: StateReader = (value, key, scheduler) => {
  const isPhase = (p: unknown): boolean => isOptionsObject(p) && typeof p.end_step === 'number' && PHASE_KEYS.every((k) => typeof p[k] === 'string');
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPhase))
    throw badStateValue(scheduler, key, `a non-empty array of { end_step: number, ${PHASE_KEYS.map((k) => `${k}: string`).join(', ')} }`, value);
  return (value as SchedulePhase[]).map((p) => ({ ...p }));
};
