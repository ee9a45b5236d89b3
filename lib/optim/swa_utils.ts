// torch.optim.swa_utils (2.13): AveragedModel (SWA and EMA weight averaging), SWALR and update_bn.
import { noGrad } from '../autograd.js';
import { aten } from '../call.js';
import { tensor } from '../creation.js';
import { toDevice, type Device } from '../device.js';
import { int64 } from '../dtype.js';
import { Module } from '../nn/module.js';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, SyncBatchNorm } from '../nn/modules/batchnorm.js';
import { deepcopyModule } from '../nn/utils/_common.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { groupTensorsByDeviceAndDtype } from '../utils/_foreach_utils.js';
import type { Optimizer } from './optimizer.js';
import { cos } from '../libm.js';
import { checkNumber, formatParam, groupValue, LRScheduler, num, oneOfState, REQUIRED, schedulerArgs, stateReader, type LrValue } from './lr_scheduler/scheduler.js';

/** avgFn(averaged, current, numAveraged): the new average of one parameter. */
export type AvgFn = (averagedParam: Tensor, currentParam: Tensor, numAveraged: Tensor | number) => Tensor;
/** multiAvgFn(averagedList, currentList, numAveraged): updates the averages in place. */
export type MultiAvgFn = (averagedParams: Tensor[], currentParams: Tensor[], numAveraged: Tensor | number) => void;

function checkDecay(fn: string, decay: unknown): number {
  if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) throw new RangeError(`${fn}: Invalid decay value ${String(decay)} provided. Please provide a value in [0,1] range.`);
  return decay;
}

const isFloatOrComplex = (t: Tensor): boolean => t.isFloatingPoint() || t.isComplex();

/** Python's `1 / (num_averaged + 1)` with a long tensor: float32 reciprocal (exact as a double round of the quotient). */
function swaWeight(numAveraged: Tensor | number): number {
  return isTensor(numAveraged) ? Math.fround(1 / (Number(numAveraged.item()) + 1)) : 1 / (numAveraged + 1);
}

/** get_ema_multi_avg_fn(decay = 0.999): EMA of whole parameter lists (one _foreach_lerp_), for multiAvgFn. */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  checkDecay('getEmaMultiAvgFn', decay);
  return (emaParams, currentParams) =>
    noGrad(() => {
      if (isFloatOrComplex(emaParams[0]!)) aten('_foreach_lerp_', [emaParams, currentParams, 1 - decay]);
      else emaParams.forEach((e, i) => e.copy_(e.mul(decay).add(currentParams[i]!.mul(1 - decay))));
    });
}

/** get_swa_multi_avg_fn(): the running mean of whole parameter lists, for multiAvgFn. */
export function getSwaMultiAvgFn(): MultiAvgFn {
  return (averaged, current, numAveraged) =>
    noGrad(() => {
      if (isFloatOrComplex(averaged[0]!)) {
        aten('_foreach_lerp_', [averaged, current, swaWeight(numAveraged)]);
        return;
      }
      const diffs = aten('_foreach_sub', [current, averaged]) as Tensor[];
      if (isTensor(numAveraged)) {
        const denom = numAveraged.add(1);
        aten('_foreach_addcdiv_', [averaged, diffs, averaged.map(() => denom)]);
      } else aten('_foreach_add_', [averaged, diffs, { alpha: 1.0 / (numAveraged + 1) }]);
    });
}

/** get_ema_avg_fn(decay = 0.999): decay * ema + (1 - decay) * current, for avgFn. */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  checkDecay('getEmaAvgFn', decay);
  return (ema, current) => noGrad(() => ema.mul(decay).add(current.mul(1 - decay)));
}

/** get_swa_avg_fn(): averaged + (current - averaged) / (n + 1), for avgFn. */
export function getSwaAvgFn(): AvgFn {
  return (averaged, current, numAveraged) => noGrad(() => averaged.add(current.sub(averaged).div(isTensor(numAveraged) ? numAveraged.add(1) : numAveraged + 1)));
}

export interface AveragedModelOptions {
  device?: string | Device | number | null;
  avgFn?: AvgFn | null;
  multiAvgFn?: MultiAvgFn | null;
  useBuffers?: boolean;
}

// The devices whose foreach kernels Python's AveragedModel uses (torch.utils._foreach_utils): not the CPU.
const FOREACH_DEVICES = new Set(['cuda', 'xpu']);

/**
 * AveragedModel(model, { device, avgFn, multiAvgFn, useBuffers }): a deep copy of `model` whose
 * parameters (and buffers with useBuffers) are the running average (SWA, the default) or an EMA
 * (multiAvgFn: getEmaMultiAvgFn(decay)) of the model's, updated by updateParameters(model).
 */
export class AveragedModel<M extends Module = Module> extends Module {
  module: M;
  declare n_averaged: Tensor;
  avgFn: AvgFn | null;
  multiAvgFn: MultiAvgFn | null;
  useBuffers: boolean;

  constructor(model: M, options?: AveragedModelOptions);
  constructor(model: M, device?: string | Device | number | null, avgFn?: AvgFn | null, multiAvgFn?: MultiAvgFn | null, useBuffers?: boolean);
  constructor(model: M, ...args: unknown[]) {
    super();
    const cls = 'AveragedModel';
    if (!(model instanceof Module)) throw new TypeError(`${cls}: model must be an nn.Module, got ${describe(model)}`);
    const a = schedulerArgs(cls, args, [['device', null], ['avgFn', null], ['multiAvgFn', null], ['useBuffers', false]]);
    if (a.avgFn !== null && typeof a.avgFn !== 'function') throw new TypeError(`${cls}: avgFn must be a function or null, got ${describe(a.avgFn)}`);
    if (a.multiAvgFn !== null && typeof a.multiAvgFn !== 'function') throw new TypeError(`${cls}: multiAvgFn must be a function or null, got ${describe(a.multiAvgFn)}`);
    if (a.avgFn !== null && a.multiAvgFn !== null) throw new Error(`${cls}: Only one of avgFn and multiAvgFn should be provided`);
    if (typeof a.useBuffers !== 'boolean') throw new TypeError(`${cls}: useBuffers must be a boolean, got ${describe(a.useBuffers)}`);
    const device = a.device === null ? null : toDevice(a.device as string, cls);
    let copy = deepcopyModule(model);
    if (device !== null) copy = copy.to(device);
    this.module = copy;
    this.registerBuffer('n_averaged', tensor(0, { dtype: int64, ...(device !== null ? { device } : {}) }));
    this.avgFn = a.avgFn as AvgFn | null;
    this.multiAvgFn = a.multiAvgFn as MultiAvgFn | null;
    this.useBuffers = a.useBuffers;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module.call as (...a: unknown[]) => unknown).apply(this.module, args);
  }

  /** Folds `model`'s current parameters into the average (the first call copies them). */
  updateParameters(model: Module): void {
    if (!(model instanceof Module)) throw new TypeError(`AveragedModel.updateParameters: model must be an nn.Module, got ${describe(model)}`);
    const selfParams: Tensor[] = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const modelParams: Tensor[] = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    const n = Math.min(selfParams.length, modelParams.length); // Python's zip(strict=False)
    const averaged: Tensor[] = [];
    const current: Tensor[] = [];
    const copyParam = Number(this.n_averaged.item()) === 0;
    for (let i = 0; i < n; i++) {
      const pAveraged = selfParams[i]!.detach();
      const pModel = modelParams[i]!.detach().to(pAveraged.device);
      averaged.push(pAveraged);
      current.push(pModel);
      if (copyParam) pAveraged.copy_(pModel);
    }
    if (Number(this.n_averaged.item()) > 0) {
      if (this.multiAvgFn !== null || this.avgFn === null) {
        for (const { device, lists: [selfList, modelList] } of groupTensorsByDeviceAndDtype(averaged, current)) {
          const count = this.n_averaged.to(device);
          if (this.multiAvgFn !== null) this.multiAvgFn(selfList, modelList, count);
          else if (FOREACH_DEVICES.has(device.type)) getSwaMultiAvgFn()(selfList, modelList, count);
          else {
            const avg = getSwaAvgFn();
            selfList.forEach((p, i) => p.copy_(avg(p, modelList[i]!, count)));
          }
        }
      } else {
        averaged.forEach((p, i) => p.copy_(this.avgFn!(p, current[i]!, this.n_averaged.to(p.device))));
      }
    }
    if (!this.useBuffers) {
      const mine = this.module.buffers();
      const theirs = model.buffers();
      if (mine.length !== theirs.length) throw new Error(`AveragedModel.updateParameters: the model has ${theirs.length} buffers, the averaged copy ${mine.length}`);
      mine.forEach((b, i) => b.detach().copy_(theirs[i]!.detach().to(b.device)));
    }
    this.n_averaged.add_(1);
  }
}

const isBatchNorm = (m: Module): m is BatchNorm1d => m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof BatchNorm3d || m instanceof SyncBatchNorm;

/**
 * update_bn(loader, model, device?): recomputes the BatchNorm running statistics of `model` with one
 * pass over `loader` (any iterable of batches; an array batch uses its first element as the input).
 */
export function updateBn(loader: Iterable<unknown>, model: Module, device: string | Device | number | null = null): void {
  if (loader === null || typeof loader !== 'object' || typeof (loader as Iterable<unknown>)[Symbol.iterator] !== 'function')
    throw new TypeError(`updateBn: loader must be an iterable of batches, got ${describe(loader)}`);
  if (!(model instanceof Module)) throw new TypeError(`updateBn: model must be an nn.Module, got ${describe(model)}`);
  const target = device === null ? null : toDevice(device as string, 'updateBn');
  noGrad(() => {
    const momenta = new Map<BatchNorm1d, number | null>();
    for (const m of model.modules()) {
      if (!isBatchNorm(m)) continue;
      m.resetRunningStats();
      momenta.set(m, m.momentum);
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const m of momenta.keys()) m.momentum = null;
    try {
      for (let input of loader) {
        if (Array.isArray(input)) input = input[0];
        if (target !== null && isTensor(input)) input = input.to(target);
        (model.call as (...a: unknown[]) => unknown).call(model, input);
      }
    } finally {
      for (const [m, momentum] of momenta) m.momentum = momentum;
      model.train(wasTraining);
    }
  });
}

export type AnnealStrategy = 'cos' | 'linear';

export interface SWALROptions {
  swaLr?: number | number[];
  annealEpochs?: number;
  annealStrategy?: AnnealStrategy;
  lastEpoch?: number;
}

// anneal_epochs as the constructor accepts it: an integer >= 0.
const ANNEAL_EPOCHS_STATE = stateReader('an integer >= 0', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0);

/** SWALR(optimizer, swaLr, annealEpochs = 10, annealStrategy = 'cos', lastEpoch = -1): anneals each group's lr to its swaLr. */
export class SWALR extends LRScheduler {
  annealEpochs!: number;
  protected _annealStrategy!: AnnealStrategy;

  constructor(optimizer: Optimizer, options: SWALROptions);
  constructor(optimizer: Optimizer, swaLr: number | number[], annealEpochs?: number | Omit<SWALROptions, 'swaLr'>, annealStrategy?: AnnealStrategy | Pick<SWALROptions, 'annealStrategy' | 'lastEpoch'>, lastEpoch?: number | Pick<SWALROptions, 'lastEpoch'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    super(optimizer);
    const cls = 'SWALR';
    const a = schedulerArgs(cls, args, [['swaLr', REQUIRED], ['annealEpochs', 10], ['annealStrategy', 'cos'], ['lastEpoch', -1]]);
    const swaLrs = formatParam(cls, 'swaLr', optimizer, a.swaLr);
    if (a.annealStrategy !== 'cos' && a.annealStrategy !== 'linear') throw new RangeError(`${cls}: anneal_strategy must be one of 'cos' or 'linear', instead got ${String(a.annealStrategy)}`);
    if (typeof a.annealEpochs !== 'number' || !Number.isInteger(a.annealEpochs) || a.annealEpochs < 0) throw new RangeError(`${cls}: annealEpochs must be equal or greater than 0, got ${String(a.annealEpochs)}`);
    checkNumber(cls, 'lastEpoch', a.lastEpoch, 'int');
    optimizer.paramGroups.forEach((g, i) => (g.swaLr = swaLrs[i]));
    this._annealStrategy = a.annealStrategy;
    this.annealEpochs = a.annealEpochs;
    this.initialize(a.lastEpoch as number, { _anneal_strategy: oneOfState('cos', 'linear'), anneal_epochs: ANNEAL_EPOCHS_STATE });
  }

  /** The annealing curve at t in [0, 1]: (1 - cos(pi t)) / 2, or t. */
  annealFunc(t: number): number {
    return this._annealStrategy === 'cos' ? (1 - cos(Math.PI * t)) / 2 : t;
  }

  override getLr(): LrValue[] {
    this.warnGetLrOutsideStep();
    let step = this._stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const clamp = (x: number): number => Math.max(0, Math.min(1, x));
    const groups = this.optimizer.paramGroups;
    const prevAlpha = this.annealFunc(clamp((step - 1) / Math.max(1, this.annealEpochs)));
    // group['swa_lr']: a group added after the scheduler was made has none (Python's KeyError)
    const prevLrs = groups.map((g) => {
      const swaLr = num(groupValue(g, 'swa_lr'));
      return prevAlpha === 1 ? swaLr : (num(g.lr) - prevAlpha * swaLr) / (1 - prevAlpha);
    });
    const alpha = this.annealFunc(clamp(step / Math.max(1, this.annealEpochs)));
    return groups.map((g, i) => num(g.swaLr) * alpha + prevLrs[i]! * (1 - alpha));
  }
}
