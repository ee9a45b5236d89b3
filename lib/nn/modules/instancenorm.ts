// torch.nn instance norm layers (torch/nn/modules/instancenorm.py, 2.13): _NormBase with
// affine=False and track_running_stats=False by default, inputs with or without the batch dim, and
// the lazy variants.
import type { Tensor } from '../../tensor.js';
import { checkTensor } from '../functional/activation.js';
import { instanceNormImpl } from '../functional/normalization.js';
import { declareForward, type LoadMetadata } from '../module.js';
import { lazyOptions, makeLazy, NormBase, parseNormArgs, type LazyNormArgs, type NormArgs } from './_normbase.js';
import { warn } from '../../warnings.js';

/** Python's _InstanceNorm: the forward and the state-dict check shared by InstanceNorm1d/2d/3d. */
export abstract class _InstanceNorm extends NormBase {
  /** The input's dim count without a batch dim. */
  protected abstract readonly noBatchDim: number;

  protected checkInputDim(input: Tensor): void {
    checkTensor(this.constructor.name, input);
    const d = this.noBatchDim;
    if (input.dim() !== d && input.dim() !== d + 1) throw new RangeError(`${this.constructor.name}: expected ${d}D or ${d + 1}D input (got ${input.dim()}D input)`);
  }

  protected applyInstanceNorm(input: Tensor): Tensor {
    return instanceNormImpl(input, this.running_mean, this.running_var, this.weight, this.bias, this.training || !this.trackRunningStats, this.momentum ?? 0, this.eps);
  }

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    const featureDim = input.dim() - this.noBatchDim;
    const size = input.size(featureDim);
    if (size !== this.numFeatures) {
      if (this.affine) throw new RangeError(`${this.constructor.name}: expected input's size at dim=${featureDim} to match num_features (${this.numFeatures}), but got: ${size}.`);
      warn(`input's size at dim=${featureDim} does not match num_features. You can silence this warning by not passing in num_features, which is not used because affine=False`, 'UserWarning');
    }
    if (input.dim() === this.noBatchDim) return this.applyInstanceNorm(input.unsqueeze(0)).squeeze(0);
    return this.applyInstanceNorm(input);
  }

  // Checkpoints from before 0.4.0 carry running stats a track_running_stats=False layer does not have: Python reports them.
  protected override _loadFromStateDict(
    stateDict: Record<string, unknown>, prefix: string, localMetadata: LoadMetadata, strict: boolean,
    missingKeys: string[], unexpectedKeys: string[], errorMsgs: string[],
  ): void {
    if (localMetadata.version === undefined && !this.trackRunningStats) {
      const found = ['running_mean', 'running_var'].map((n) => prefix + n).filter((k) => k in stateDict);
      if (found.length > 0) {
        const klass = this.constructor.name;
        errorMsgs.push(
          `Unexpected running stats buffer(s) ${found.map((k) => `"${k}"`).join(' and ')} for ${klass} with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this may be expected because ${klass} does not track running stats by default since 0.4.0. Please remove these keys from state_dict. If the running stats are actually needed, instead set track_running_stats=True in ${klass} to enable them. See the documentation of ${klass} for details.`,
        );
        for (const k of found) delete stateDict[k];
      }
    }
    super._loadFromStateDict(stateDict, prefix, localMetadata, strict, missingKeys, unexpectedKeys, errorMsgs);
  }
}

/** nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, ...): (N, C, L) or (C, L). */
export class InstanceNorm1d extends _InstanceNorm {
  protected readonly noBatchDim = 2;
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, false)); }
}
/** nn.InstanceNorm2d(num_features, ...): (N, C, H, W) or (C, H, W). */
export class InstanceNorm2d extends _InstanceNorm {
  protected readonly noBatchDim = 3;
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, false)); }
}
/** nn.InstanceNorm3d(num_features, ...): (N, C, D, H, W) or (C, D, H, W). */
export class InstanceNorm3d extends _InstanceNorm {
  protected readonly noBatchDim = 4;
  constructor(...args: NormArgs) { super(parseNormArgs(new.target.name, args, false, false)); }
}

/** nn.LazyInstanceNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, ...): num_features from the first input (Python's lazy defaults differ from InstanceNorm1d's). */
export class LazyInstanceNorm1d extends InstanceNorm1d {
  static clsToBecome = InstanceNorm1d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyInstanceNorm1d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}
/** nn.LazyInstanceNorm2d(...): num_features from the first input. */
export class LazyInstanceNorm2d extends InstanceNorm2d {
  static clsToBecome = InstanceNorm2d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyInstanceNorm2d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}
/** nn.LazyInstanceNorm3d(...): num_features from the first input. */
export class LazyInstanceNorm3d extends InstanceNorm3d {
  static clsToBecome = InstanceNorm3d;
  constructor(...args: LazyNormArgs) {
    const [numFeatures, base, o] = lazyOptions('LazyInstanceNorm3d', args, true);
    super(numFeatures, base);
    makeLazy(this, o);
  }
}

declareForward([_InstanceNorm], ['input']);
