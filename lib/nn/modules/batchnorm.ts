// torch.nn batch norm layers (torch/nn/modules/batchnorm.py, 2.13): _NormBase's parameters and
// running-stat buffers under PyTorch's names, _BatchNorm's forward (momentum null: cumulative
// average), the lazy variants (num_features from the first input, then the class they become) and
// SyncBatchNorm, which in one process is batch norm (no process group to synchronise with).
import { bindArgs } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, type Call } from '../functional/activation.js';
import { batchNormImpl } from '../functional/normalization.js';
import { declareForward, type Module } from '../module.js';
import { lazyOptions, makeLazy, NormBase, parseNormArgs, type LazyNormArgs, type NormArgs, type NormOptions } from './_normbase.js';

/** Python's _BatchNorm.forward: counts batches, picks the momentum, uses the buffers where PyTorch does. */
export abstract class _BatchNorm extends NormBase {
  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      this.num_batches_tracked.add_(1);
      if (this.momentum === null) factor = 1 / Number(this.num_batches_tracked.item());
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useBuffers = !this.training || this.trackRunningStats;
    return batchNormImpl(input, useBuffers ? this.running_mean : null, useBuffers ? this.running_var : null, this.weight, this.bias, bnTraining, factor, this.eps);
  }
}

const dimError = (name: string, want: string, got: number): RangeError => new RangeError(`${name}: expected ${want} input (got ${got}D input)`);

/** nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *, bias=True): (N, C) or (N, C, L). */
export class BatchNorm1d extends _BatchNorm {
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, true)); }
  protected checkInputDim(input: Tensor): void {
    checkTensor('BatchNorm1d', input);
    if (input.dim() !== 2 && input.dim() !== 3) throw dimError('BatchNorm1d', '2D or 3D', input.dim());
  }
}
/** nn.BatchNorm2d(num_features, ...): (N, C, H, W). */
export class BatchNorm2d extends _BatchNorm {
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, true)); }
  protected checkInputDim(input: Tensor): void {
    checkTensor('BatchNorm2d', input);
    if (input.dim() !== 4) throw dimError('BatchNorm2d', '4D', input.dim());
  }
}
/** nn.BatchNorm3d(num_features, ...): (N, C, D, H, W). */
export class BatchNorm3d extends _BatchNorm {
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, true)); }
  protected checkInputDim(input: Tensor): void {
    checkTensor('BatchNorm3d', input);
    if (input.dim() !== 5) throw dimError('BatchNorm3d', '5D', input.dim());
  }
}

// The lazy variants build as Python's _LazyNormBase does, then turn into their clsToBecome on the first input.
/** nn.LazyBatchNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, ...): num_features from the first input. */
export class LazyBatchNorm1d extends BatchNorm1d {
  static clsToBecome = BatchNorm1d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyBatchNorm1d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}
/** nn.LazyBatchNorm2d(...): num_features from the first input. */
export class LazyBatchNorm2d extends BatchNorm2d {
  static clsToBecome = BatchNorm2d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyBatchNorm2d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}
/** nn.LazyBatchNorm3d(...): num_features from the first input. */
export class LazyBatchNorm3d extends BatchNorm3d {
  static clsToBecome = BatchNorm3d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyBatchNorm3d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}

/**
 * nn.SyncBatchNorm(num_features, eps, momentum, affine, track_running_stats, process_group=None, ...):
 * torchnode runs one process, where PyTorch's SyncBatchNorm needs no synchronisation and is batch norm.
 */
export class SyncBatchNorm extends _BatchNorm {
  processGroup: unknown;
  constructor(...args: Call<[number, number, number | null, boolean, boolean, unknown], NormOptions & { processGroup?: unknown }>) {
    const a = bindArgs('SyncBatchNorm', args, ['numFeatures', 'eps', 'momentum', 'affine', 'trackRunningStats', 'processGroup', 'device', 'dtype', 'bias']) as Record<string, unknown>;
    const { processGroup, ...rest } = a;
    super(parseNormArgs('SyncBatchNorm', [rest], false, true));
    this.processGroup = processGroup ?? null;
  }
  protected checkInputDim(input: Tensor): void {
    checkTensor('SyncBatchNorm', input);
    if (input.dim() < 2) throw dimError('SyncBatchNorm', 'at least 2D', input.dim());
    if (input.size(1) === 0) throw new RangeError('SyncBatchNorm: SyncBatchNorm number of input channels should be non-zero');
  }

  /** SyncBatchNorm.convert_sync_batchnorm(module, process_group=None): every BatchNorm*d in `module` becomes a SyncBatchNorm sharing its tensors. */
  static convertSyncBatchnorm(module: Module, processGroup: unknown = null): Module {
    let out = module;
    if (module instanceof _BatchNorm) {
      const sync = new SyncBatchNorm(module.numFeatures, module.eps, module.momentum, module.affine, module.trackRunningStats, processGroup, { bias: module.bias !== null });
      if (module.affine) {
        sync.weight = module.weight;
        sync.bias = module.bias;
      }
      sync.registerBuffer('running_mean', module.running_mean);
      sync.registerBuffer('running_var', module.running_var);
      sync.registerBuffer('num_batches_tracked', module.num_batches_tracked);
      sync.training = module.training;
      out = sync;
    }
    for (const [name, child] of module.namedChildren()) out.addModule(name, SyncBatchNorm.convertSyncBatchnorm(child, processGroup));
    return out;
  }
}

declareForward([_BatchNorm, SyncBatchNorm], ['input']);
