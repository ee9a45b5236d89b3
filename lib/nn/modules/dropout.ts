// torch.nn dropout layers (torch/nn/modules/dropout.py, 2.13): p and inplace read once; forward is
// the functional dropout with the layer's training flag, drawing from the default generator as PyTorch does.
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, type Call } from '../functional/activation.js';
import { checkDropoutP, dropoutImpl, featureDropoutImpl } from '../functional/dropout.js';
import { declareForward, Module } from '../module.js';
import { pyBool, pyFloat } from './_format.js';

type DropoutArgs = Call<[number, boolean], { p?: number; inplace?: boolean }>;

/** Python's _DropoutNd: p in [0, 1] and inplace. */
export abstract class _DropoutNd extends Module {
  p: number;
  inplace: boolean;
  constructor(args: unknown[]) {
    super();
    const name = new.target.name;
    const a = bindArgs(name, args, ['p', 'inplace']);
    const p = numArg(name, 'p', a.p, 0.5);
    checkDropoutP(p);
    this.p = p;
    this.inplace = boolArg(name, 'inplace', a.inplace, false);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** nn.Dropout(p=0.5, inplace=False) */
export class Dropout extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('Dropout', input);
    return dropoutImpl('dropout', input, this.p, this.training, this.inplace);
  }
}
/** nn.Dropout1d(p=0.5, inplace=False): zeroes whole channels of (N, C, L) or (C, L) inputs. */
export class Dropout1d extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('Dropout1d', input);
    return featureDropoutImpl('dropout1d', input, this.p, this.training, this.inplace);
  }
}
/** nn.Dropout2d(p=0.5, inplace=False): zeroes whole channels of (N, C, H, W) inputs. */
export class Dropout2d extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('Dropout2d', input);
    return featureDropoutImpl('dropout2d', input, this.p, this.training, this.inplace);
  }
}
/** nn.Dropout3d(p=0.5, inplace=False): zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs. */
export class Dropout3d extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('Dropout3d', input);
    return featureDropoutImpl('dropout3d', input, this.p, this.training, this.inplace);
  }
}
/** nn.AlphaDropout(p=0.5, inplace=False): keeps SELU's mean and variance (Python ignores inplace here too). */
export class AlphaDropout extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('AlphaDropout', input);
    return dropoutImpl('alpha_dropout', input, this.p, this.training, false);
  }
}
/** nn.FeatureAlphaDropout(p=0.5, inplace=False): alpha dropout of whole channels. */
export class FeatureAlphaDropout extends _DropoutNd {
  constructor(...args: DropoutArgs) { super(args); }
  override forward(input: Tensor): Tensor {
    checkTensor('FeatureAlphaDropout', input);
    return dropoutImpl('feature_alpha_dropout', input, this.p, this.training, false);
  }
}

declareForward([Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout], ['input']);
