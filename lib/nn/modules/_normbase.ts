// Python's _NormBase and _LazyNormBase (torch/nn/modules/batchnorm.py, 2.13), shared by the batch
// norm and instance norm layers (not exported from torch.nn).
import { empty, ones, tensor, zeros, type FactoryOptions } from '../../creation.js';
import { int64 } from '../../dtype.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import { isTensor, type Tensor } from '../../tensor.js';
import { checkTensor, numArg, type Call } from '../functional/activation.js';
import * as init from '../init.js';
import { Module, type LoadMetadata } from '../module.js';
import { isLazy, ownedParameter, Parameter, UninitializedBuffer, UninitializedParameter } from '../parameter.js';
import { factoryOptions, pyBool, pyFloat, pyOptFloat } from './_format.js';

/** A norm layer's `weight` and `bias` Parameters, or None placeholders, registered in PyTorch's order (resetParameters fills them). */
export function registerAffine(m: Module, shape: readonly number[], weight: boolean, bias: boolean, opts: FactoryOptions): void {
  m.registerParameter('weight', weight ? ownedParameter(empty([...shape], opts)) : null);
  m.registerParameter('bias', bias ? ownedParameter(empty([...shape], opts)) : null);
}

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
  static override _version = 2;
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

  constructor(o: ParsedNorm) {
    super();
    this.numFeatures = o.numFeatures;
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine;
    this.trackRunningStats = o.trackRunningStats;
    const opts = factoryOptions(o.factory);
    registerAffine(this, [o.numFeatures], this.affine, this.affine && o.bias, opts);
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
    if (this.trackRunningStats && !hasUninitialized(this)) {
      this.running_mean!.zero_();
      this.running_var!.fill_(1);
      this.num_batches_tracked!.zero_();
    }
  }

  resetParameters(): void {
    if (hasUninitialized(this) || this.numFeatures === 0) return; // Python's _LazyNormBase.reset_parameters
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
    stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
  ): void {
    const version = localMetadata.version;
    if ((version === undefined || version < 2) && this.trackRunningStats) {
      const key = prefix + 'num_batches_tracked';
      if (!(key in stateDict)) stateDict[key] = this.num_batches_tracked ?? tensor(0, { dtype: int64 });
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }
}

// torch.nn.modules.lazy.LazyModuleMixin for the lazy norm layers: UninitializedParameter and
// UninitializedBuffer placeholders of shape [0] until a first input or a loaded state dict gives the shape.
type LazyNorm = NormBase & Record<'weight' | 'bias' | 'running_mean' | 'running_var', Tensor | null>;

function materialize(t: Tensor | null, shape: readonly number[]): void {
  if (isLazy(t)) t.materialize(shape);
}
/** Python's has_uninitialized_params, buffers included. */
export function hasUninitialized(m: NormBase): boolean {
  const l = m as LazyNorm;
  return [l.weight, l.bias, l.running_mean, l.running_var].some(isLazy);
}

/**
 * Python's _LazyNormBase setup on a NormBase built with num_features=0, affine=false,
 * track_running_stats=false, and LazyModuleMixin's hooks: a load_state_dict pre-hook that gives the
 * placeholders the loaded shapes, and a forward pre-hook that infers num_features from input.shape[1],
 * materializes, resets (initialize_parameters) and turns the layer into its class's clsToBecome.
 */
export function makeLazy(m: NormBase, o: ParsedNorm): void {
  const lazy = m as LazyNorm;
  m.affine = o.affine;
  m.trackRunningStats = o.trackRunningStats;
  const opts = factoryOptions(o.factory);
  if (m.affine) {
    m.weight = new UninitializedParameter(empty([0], opts));
    if (o.bias) m.bias = new UninitializedParameter(empty([0], opts));
  }
  if (m.trackRunningStats) {
    for (const name of ['running_mean', 'running_var'] as const) m.registerBuffer(name, new UninitializedBuffer(opts));
    m.registerBuffer('num_batches_tracked', tensor(0, longOptions(opts)));
  }
  const loadHook = m._registerLoadStateDictPreHook((stateDict: Record<string, unknown>, prefix: string) => {
    // an uninitialized loaded tensor leaves the placeholder uninitialized (Python's _lazy_load_hook)
    const shapeOf = (name: string): number[] | null => (isTensor(stateDict[prefix + name]) && !isLazy(stateDict[prefix + name]) ? (stateDict[prefix + name] as Tensor).shape : null);
    for (const name of ['weight', 'bias', 'running_mean', 'running_var'] as const) {
      const shape = shapeOf(name);
      if (shape) materialize(lazy[name], shape);
    }
  });
  const initHook = m.registerForwardPreHook((_module: Module, args: unknown[]) => {
    const input = args[0];
    checkTensor(m.constructor.name, input);
    if (hasUninitialized(m)) {
      // Python's _LazyNormBase.initialize_parameters
      const n = input.shape[1]!;
      m.numFeatures = n;
      for (const name of ['weight', 'bias', 'running_mean', 'running_var'] as const) materialize(lazy[name], [n]);
      m.resetParameters();
    }
    initHook.remove();
    loadHook.remove();
    const target = (m.constructor as unknown as { clsToBecome?: { prototype: object } }).clsToBecome;
    if (target) Object.setPrototypeOf(m, target.prototype);
  });
}

/** A lazy layer's arguments: those its base constructor takes (num_features 0, no affine, no stats), and the real ones. */
export function lazyOptions(name: string, args: readonly unknown[], defaultStats: boolean): [number, NormOptions, ParsedNorm] {
  const o = parseNormArgs(name, args, true, defaultStats);
  const base: NormOptions = { eps: o.eps, momentum: o.momentum, affine: false, trackRunningStats: false };
  if (o.factory.device !== undefined && o.factory.device !== null) base.device = o.factory.device;
  if (o.factory.dtype !== undefined && o.factory.dtype !== null) base.dtype = o.factory.dtype;
  return [0, base, o];
}
