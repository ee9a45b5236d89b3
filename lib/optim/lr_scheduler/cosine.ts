// Cosine schedules of torch/optim/lr_scheduler.py (2.13): CosineAnnealingLR (Python's recursive
// form, term for term, so the floats match) and CosineAnnealingWarmRestarts (SGDR).
import type { Optimizer } from '../optimizer.js';
import { cos, log } from '../../libm.js';
import { checkNumber, checkZip, div, forEachZip, groupValues, INT_STATE, LRScheduler, lrMinus, lrOver, lrPlus, lrTimes, NUMBER_STATE, pyMod, REQUIRED, schedulerArgs, setGroupValue, type LrValue } from './scheduler.js';

// Python's `eta_min + (base_lr - eta_min) * factor / 2`, term for term (a Tensor base_lr computes in its dtype).
const annealed = (etaMin: number, baseLr: LrValue, factor: number): LrValue => lrPlus(etaMin, lrOver(lrTimes(lrMinus(baseLr, etaMin), factor), 2));

export interface CosineAnnealingLROptions {
  tMax?: number;
  etaMin?: number;
  lastEpoch?: number;
}

/** CosineAnnealingLR(optimizer, tMax, etaMin = 0, lastEpoch = -1). */
export class CosineAnnealingLR extends LRScheduler {
  tMax!: number;
  etaMin!: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions);
  constructor(optimizer: Optimizer, tMax: number, etaMin?: number | Omit<CosineAnnealingLROptions, 'tMax'>, lastEpoch?: number | Pick<CosineAnnealingLROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const a = schedulerArgs('CosineAnnealingLR', args, [['tMax', REQUIRED], ['etaMin', 0.0], ['lastEpoch', -1]]);
    this.tMax = checkNumber('CosineAnnealingLR', 'tMax', a.tMax);
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', a.etaMin);
    this.initialize(a.lastEpoch as number, { T_max: NUMBER_STATE, eta_min: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    const { tMax, etaMin, lastEpoch } = this;
    const groups = this.optimizer.paramGroups;
    if (this._isInitial) return groupValues(this.optimizer, 'lr');
    // Python zips base_lrs with the groups (strict) in these two branches: a group added later raises.
    if (this._stepCount === 1 && lastEpoch > 0) {
      checkZip(this.baseLrs.length, groups.length);
      return this.baseLrs.map((b) => annealed(etaMin, b, 1 + cos(div(lastEpoch * Math.PI, tMax))));
    }
    if (pyMod(lastEpoch - 1 - tMax, 2 * tMax) === 0) {
      checkZip(this.baseLrs.length, groups.length);
      return groups.map((g, i) => lrPlus(g.lr as LrValue, lrOver(lrTimes(lrMinus(this.baseLrs[i]!, etaMin), 1 - cos(Math.PI / tMax)), 2)));
    }
    const ratio = (1 + cos((Math.PI * lastEpoch) / tMax)) / (1 + cos((Math.PI * (lastEpoch - 1)) / tMax));
    return groups.map((g) => lrPlus(lrTimes(ratio, lrMinus(g.lr as LrValue, etaMin)), etaMin));
  }

  protected override closedFormLr(): LrValue[] {
    return this.baseLrs.map((b) => annealed(this.etaMin, b, 1 + cos(div(Math.PI * this.lastEpoch, this.tMax))));
  }
}

export interface CosineAnnealingWarmRestartsOptions {
  t0?: number;
  tMult?: number;
  etaMin?: number;
  lastEpoch?: number;
}

/** CosineAnnealingWarmRestarts(optimizer, t0, tMult = 1, etaMin = 0, lastEpoch = -1); step(epoch) takes fractional epochs. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0!: number;
  tI!: number;
  tMult!: number;
  etaMin!: number;
  tCur!: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions);
  constructor(optimizer: Optimizer, t0: number, tMult?: number | Omit<CosineAnnealingWarmRestartsOptions, 't0'>, etaMin?: number | Pick<CosineAnnealingWarmRestartsOptions, 'etaMin' | 'lastEpoch'>, lastEpoch?: number | Pick<CosineAnnealingWarmRestartsOptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'CosineAnnealingWarmRestarts';
    const a = schedulerArgs(cls, args, [['t0', REQUIRED], ['tMult', 1], ['etaMin', 0.0], ['lastEpoch', -1]]);
    if (typeof a.t0 !== 'number' || !Number.isInteger(a.t0) || a.t0 <= 0) throw new RangeError(`${cls}: Expected positive integer t0, but got ${String(a.t0)}`);
    if (typeof a.tMult !== 'number' || !Number.isInteger(a.tMult) || a.tMult < 1) throw new RangeError(`${cls}: Expected integer tMult >= 1, but got ${String(a.tMult)}`);
    if (typeof a.etaMin !== 'number') throw new TypeError(`${cls}: Expected float or int etaMin, but got ${String(a.etaMin)} of type ${typeof a.etaMin}`);
    this.t0 = a.t0;
    this.tI = a.t0;
    this.tMult = a.tMult;
    this.etaMin = a.etaMin;
    this.tCur = checkNumber(cls, 'lastEpoch', a.lastEpoch, 'int');
    this.initialize(a.lastEpoch as number, { T_0: INT_STATE, T_i: INT_STATE, T_mult: INT_STATE, eta_min: NUMBER_STATE, T_cur: NUMBER_STATE });
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    return this.baseLrs.map((b) => annealed(this.etaMin, b, 1 + cos((Math.PI * this.tCur) / this.tI)));
  }

  /** One step, or (as Python) a jump to `epoch`, which may be fractional (e.g. epoch + i / iters). */
  override step(epoch?: number | null): void {
    if ((epoch === undefined || epoch === null) && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined || epoch === null) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur % this.tI;
        this.tI = this.tI * this.tMult;
      }
    } else {
      checkNumber('CosineAnnealingWarmRestarts.step', 'epoch', epoch);
      if (epoch < 0) throw new RangeError(`CosineAnnealingWarmRestarts.step: Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) this.tCur = epoch % this.t0;
        else {
          const n = Math.trunc(log((epoch / this.t0) * (this.tMult - 1) + 1, this.tMult));
          const multN = this.tMult ** n; // Python int ** int: exact
          this.tCur = epoch - (this.t0 * (multN - 1)) / (this.tMult - 1);
          this.tI = this.t0 * multN;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._getLrCalledWithinStep = true;
    let values: LrValue[];
    try {
      values = this.getLr();
    } finally {
      this._getLrCalledWithinStep = false;
    }
    forEachZip(this.optimizer.paramGroups, values, (g, v) => setGroupValue(g, 'lr', v));
    this._lastLr = groupValues(this.optimizer, 'lr');
  }
}
