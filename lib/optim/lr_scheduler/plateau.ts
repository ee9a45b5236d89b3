// torch.optim.lr_scheduler.ReduceLROnPlateau (2.13): lowers the lr when a metric stops improving.
import { describe } from '../../options.js';
import { isTensor } from '../../tensor.js';
import { warn } from '../../warnings.js';
import type { Optimizer } from '../optimizer.js';
import { checkNumber, EPOCH_DEPRECATION_WARNING, groupValues, LRScheduler, num, NUMBER_STATE, schedulerArgs, setGroupValue, stateReader, type StateReader } from './scheduler.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

const PLATEAU_ARGS = [['mode', 'min'], ['factor', 0.1], ['patience', 10], ['threshold', 1e-4], ['thresholdMode', 'rel'], ['cooldown', 0], ['minLr', 0], ['eps', 1e-8]] as const;
const PLATEAU_KEYS = ['factor', 'default_min_lr', 'min_lrs', 'patience', 'cooldown', 'eps', 'last_epoch', '_last_lr', 'mode_worse', 'mode', 'threshold', 'threshold_mode', 'best', 'cooldown_counter', 'num_bad_epochs'];

// Python's _init_is_better checks (ValueError), run by the constructor and by loadStateDict.
function checkMode(mode: unknown): asserts mode is 'min' | 'max' {
  if (mode !== 'min' && mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${String(mode)} is unknown!`);
}

function checkThresholdMode(thresholdMode: unknown): asserts thresholdMode is 'rel' | 'abs' {
  if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: threshold mode ${String(thresholdMode)} is unknown!`);
}

/** ReduceLROnPlateau(optimizer, { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps }); step(metric). */
export class ReduceLROnPlateau extends LRScheduler {
  factor: number;
  defaultMinLr: number | null;
  minLrs: number[];
  patience: number;
  cooldown: number;
  eps: number;
  modeWorse!: number;
  mode!: 'min' | 'max';
  threshold!: number;
  thresholdMode!: 'rel' | 'abs';
  best!: number;
  cooldownCounter = 0;
  numBadEpochs = 0;

  constructor(optimizer: Optimizer, options?: ReduceLROnPlateauOptions);
  constructor(optimizer: Optimizer, mode?: 'min' | 'max', factor?: number | Omit<ReduceLROnPlateauOptions, 'mode'>, ...rest: unknown[]);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'ReduceLROnPlateau';
    const a = schedulerArgs(cls, args, PLATEAU_ARGS);
    const factor = checkNumber(cls, 'factor', a.factor);
    if (factor >= 1.0) throw new RangeError(`${cls}: Factor should be < 1.0.`);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(a.minLr)) {
      if (a.minLr.length !== n) throw new RangeError(`${cls}: expected ${n} min_lrs, got ${a.minLr.length}`);
      a.minLr.forEach((m) => checkNumber(cls, 'minLr', m));
      this.defaultMinLr = null;
      this.minLrs = [...(a.minLr as number[])];
    } else {
      const m = checkNumber(cls, 'minLr', a.minLr);
      this.defaultMinLr = m;
      this.minLrs = Array.from({ length: n }, () => m);
    }
    this.factor = factor;
    this.patience = checkNumber(cls, 'patience', a.patience);
    this.cooldown = checkNumber(cls, 'cooldown', a.cooldown);
    this.eps = checkNumber(cls, 'eps', a.eps);
    this.initIsBetter(a.mode, checkNumber(cls, 'threshold', a.threshold), a.thresholdMode);
    this.lastEpoch = 0;
    this._lastLr = groupValues(optimizer, 'lr');
    this.stateKeys = PLATEAU_KEYS;
    this.reset();
  }

  // Python's _reset.
  protected reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Takes the epoch's metric (a number or a one-element tensor); lowers the lr after `patience` bad epochs. */
  override step(metrics?: number | unknown, epoch?: number | null): void {
    const value = isTensor(metrics) ? (metrics.numel() === 1 ? num(metrics) : NaN) : metrics;
    if (typeof value !== 'number' || (isTensor(metrics) && metrics.numel() !== 1)) throw new TypeError(`ReduceLROnPlateau.step: metrics must be a number or a one-element tensor, got ${describe(metrics)}`);
    const current = value;
    if (epoch === undefined || epoch === null) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = groupValues(this.optimizer, 'lr');
  }

  protected reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null)
        throw new Error(
          `ReduceLROnPlateau: The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`minLrs\` field to match the length of the \`optimizer\` param groups.`,
        );
      this.minLrs = groups.map(() => this.defaultMinLr!);
    }
    groups.forEach((group, i) => {
      const oldLr = num(group.lr);
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) setGroupValue(group, 'lr', newLr);
    });
  }

  /** True while the scheduler waits out its cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  protected isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  protected initIsBetter(mode: unknown, threshold: number, thresholdMode: unknown): void {
    checkMode(mode);
    checkThresholdMode(thresholdMode);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
  }

  protected override stateReaders(): Record<string, StateReader> {
    return {
      ...super.stateReaders(),
      ...Object.fromEntries(['factor', 'patience', 'cooldown', 'eps', 'mode_worse', 'threshold', 'best', 'cooldown_counter', 'num_bad_epochs'].map((k) => [k, NUMBER_STATE])),
      default_min_lr: stateReader('a number or null', (v) => v === null || typeof v === 'number'),
      min_lrs: stateReader('an array of numbers', (v) => Array.isArray(v) && v.every((m) => typeof m === 'number')),
      // Python's load_state_dict calls _init_is_better, which raises these
      mode: (v) => (checkMode(v), v),
      threshold_mode: (v) => (checkThresholdMode(v), v),
    };
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    super.loadStateDict(stateDict);
    this.initIsBetter(this.mode, this.threshold, this.thresholdMode);
  }
}
