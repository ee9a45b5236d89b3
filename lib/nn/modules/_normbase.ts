// Python's _NormBase and _LazyNormBase (torch/nn/modules/batchnorm.py, 2.13), shared by the batch
// norm and instance norm layers (not exported from torch.nn).
import { empty, ones, tensor, zeros, type FactoryOptions } from '../../creation.js';
import { int64 } from '../../dtype.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, type Call } from '../functional/activation.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { factoryOptions, pyBool, pyFloat, pyOptFloat } from './_layer_util.js';

// torch.tensor(0, dtype=torch.long) on the layer's device.
const longOptions = (opts: FactoryOptions): FactoryOptions => (opts.device === undefined ? { dtype: int64 } : { dtype: int64, device: opts.device });

export type Factory = { device?: unknown; dtype?: unknown };
/** The options of BatchNorm*d / InstanceNorm*d after num_features. */
export interface NormOptions extends Factory { eps?: number; momentum?: number | null; affine?: boolean; trackRunningStats?: boolean; bias?: boolean }
export type NormArgs = Call<[number, number, number | null, boolean, boolean], NormOptions>;
export type LazyNormArgs = Call<[number, number | null, boolean, boolean], NormOptions>;
const NORM_NAMES = ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats', 'device', 'dtype', 'bias'] as const;
const LAZY_NAMES = ['eps', 'momentum', 'affine', 'trackRunningStats', 'device', 'dtype', 'bias'] as const;

interface ParsedNorm { numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean; bias: boolean; factory: Factory }

/** Reads a norm layer's arguments with its class's defaults (affine/trackRunningStats: true for batch norm, false for instance norm). */
export function parseNormArgs(name: string, args: readonly unknown[], lazy: boolean, defaultStats: boolean): ParsedNorm {
  const a = bindArgs(name, args, lazy ? LAZY_NAMES : NORM_NAMES) as Record<string, unknown>;
  const numFeatures = lazy ? 0 : numArg(name, 'numFeatures', a.numFeatures);
  if (!Number.isInteger(numFeatures)) throw new TypeError(`${name}: num_features must be an int, got ${numFeatures}`);
  const momentum = a.momentum === null ? null : numArg(name, 'momentum', a.momentum, 0.1);
  return {
    numFeatures, eps: numArg(name, 'eps', a.eps, 1e-5), momentum,
    affine: boolArg(name, 'affine', a.affine, defaultStats), trackRunningStats: boolArg(name, 'trackRunningStats', a.trackRunningStats, defaultStats),
    bias: boolArg(name, 'bias', a.bias, true), factory: { device: a.device, dtype: a.dtype },
  };
}

/** Python's _NormBase: weight/bias (affine), running_mean/running_var/num_batches_tracked (trackRunningStats). */
export abstract class NormBase extends Module {
  static _version = 2;
  numFeatures: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  /** For the lazy variants: the parameters are placeholders until the first input. */
  protected lazyPending = false;

  constructor(o: ParsedNorm) {
    super();
    this.numFeatures = o.numFeatures;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.trackRunningStats = o.trackRunningStats;
    const opts = factoryOptions(o.factory);
    if (this.affine) {
      this.weight = new Parameter(empty([o.numFeatures], opts));
      if (o.bias) this.bias = new Parameter(empty([o.numFeatures], opts));
      else this.registerParameter('bias', null);
    } else {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([o.numFeatures], opts));
      this.registerBuffer('running_var', ones([o.numFeatures], opts));
      this.registerBuffer('num_batches_tracked', tensor(0, longOptions(opts)));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  resetRunningStats(): void {
    if (this.trackRunningStats && !this.lazyPending) {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    }
  }

  resetParameters(): void {
    if (this.lazyPending) return;
    this.resetRunningStats();
    if (this.affine) {
      init.ones_(this.weight!);
      if (this.bias !== null) init.zeros_(this.bias);
    }
  }

  protected abstract checkInputDim(input: Tensor): void;

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyOptFloat(this.momentum)}, affine=${pyBool(this.affine)}, bias=${pyBool(this.bias !== null)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }

  // Checkpoints from before num_batches_tracked existed (version < 2) load, as PyTorch's version check allows.
  protected override _loadFromStateDict(
    stateDict: Record<string, Tensor>, prefix: string, localMetadata: Record<string, unknown>, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
  ): void {
    const version = localMetadata?.version as number | undefined | null;
    if ((version === undefined || version === null || version < 2) && this.trackRunningStats) {
      const key = prefix + 'num_batches_tracked';
      if (!(key in stateDict)) stateDict[key] = this.num_batches_tracked ?? tensor(0, { dtype: int64 });
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }

  /**
   * The lazy variants' first input: num_features from input.shape[1], the placeholders materialised
   * (their dtype and device, as UninitializedParameter.materialize), reset_parameters, then the layer
   * becomes its class's clsToBecome as Python's LazyModuleMixin swaps __class__.
   */
  protected materializeFrom(input: Tensor): void {
    checkTensor(this.constructor.name, input);
    const n = input.shape[1]!;
    const like = (t: Tensor): { dtype: Tensor['dtype']; device: Tensor['device'] } => ({ dtype: t.dtype, device: t.device });
    this.numFeatures = n;
    if (this.affine) {
      this.weight = new Parameter(empty([n], like(this.weight!)));
      if (this.bias !== null) this.bias = new Parameter(empty([n], like(this.bias)));
    }
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', empty([n], like(this.running_mean!)));
      this.registerBuffer('running_var', empty([n], like(this.running_var!)));
    }
    this.lazyPending = false;
    this.resetParameters();
    const target = (this.constructor as unknown as { clsToBecome?: { prototype: object } }).clsToBecome;
    if (target) Object.setPrototypeOf(this, target.prototype);
  }
}

/** Python's _LazyNormBase setup on a NormBase built with num_features=0, affine=false, track_running_stats=false. */
export function makeLazy(m: NormBase, o: ParsedNorm): void {
  m.affine = o.affine;
  m.trackRunningStats = o.trackRunningStats;
  const opts = factoryOptions(o.factory);
  if (m.affine) {
    m.weight = new Parameter(empty([0], opts));
    if (o.bias) m.bias = new Parameter(empty([0], opts));
  }
  if (m.trackRunningStats) {
    m.registerBuffer('running_mean', empty([0], opts));
    m.registerBuffer('running_var', empty([0], opts));
    m.registerBuffer('num_batches_tracked', tensor(0, longOptions(opts)));
  }
  (m as unknown as { lazyPending: boolean }).lazyPending = true;
}


/** A lazy layer's arguments: those its base constructor takes (num_features 0, no affine, no stats), and the real ones. */
export function lazyOptions(name: string, args: readonly unknown[], defaultStats: boolean): [number, NormOptions, ParsedNorm] {
  const o = parseNormArgs(name, args, true, defaultStats);
  const base: NormOptions = { eps: o.eps, momentum: o.momentum, affine: false, trackRunningStats: false };
  if (o.factory.device !== undefined && o.factory.device !== null) base.device = o.factory.device;
  if (o.factory.dtype !== undefined && o.factory.dtype !== null) base.dtype = o.factory.dtype;
  return [0, base, o];
}
