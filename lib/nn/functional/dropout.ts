// torch.nn.functional dropouts, as torch/nn/functional.py (2.13) writes them over the _VF ops
// (dropout, feature_dropout, alpha_dropout, feature_alpha_dropout): same ATen calls, so the same
// seed gives PyTorch's mask. The `_impl` forms take parsed arguments for lib/nn/modules/dropout.ts.
import { isMainThread } from 'node:worker_threads';

import { aten, opFunction } from '../../call.js';
import { emptyLike } from '../../creation.js';
import { tidy } from '../../scope.js';
import { bindArgs, boolArg } from '../../functional/args.js';
import type { Tensor } from '../../tensor.js';
import { checkTensor, numArg, valueError, type Call } from './activation.js';
import { warn } from '../../warnings.js';

type Op = (...args: unknown[]) => Tensor;
type DropoutKind = 'dropout' | 'alpha_dropout' | 'feature_dropout' | 'feature_alpha_dropout';
const OPS = Object.fromEntries(
  (['dropout', 'alpha_dropout', 'feature_dropout', 'feature_alpha_dropout'] as const).map((k) => [k, [opFunction(k) as Op, opFunction(k + '_') as Op]]),
) as Record<DropoutKind, [Op, Op]>;

type DropoutFn = (input: Tensor, ...args: Call<[number, boolean, boolean], { p?: number; training?: boolean; inplace?: boolean }>) => Tensor;

/** Python's check of p, shared by every dropout. */
export function checkDropoutP(p: number): void {
  if (p < 0 || p > 1) throw valueError('dropout', `dropout probability has to be between 0 and 1, but got ${p}`);
}

/** The channel dropouts' Python prelude: dim checks and warnings; returns whether the input lacks its batch dim. */
function featurePrelude(name: 'dropout1d' | 'dropout2d' | 'dropout3d', input: Tensor): boolean {
  const d = input.dim();
  if (name === 'dropout1d') {
    if (d !== 2 && d !== 3)
      throw new Error(`dropout1d: Expected 2D or 3D input, but received a ${d}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`);
    return d === 2;
  }
  if (name === 'dropout2d') {
    if (d !== 3 && d !== 4)
      warn(`dropout2d: Received a ${d}-D input to dropout2d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).`, 'UserWarning');
    if (d === 3)
      warn('dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.', 'UserWarning');
    return false; // Python keeps 2d's historical no-unsqueeze behaviour
  }
  if (d !== 4 && d !== 5)
    warn(`dropout3d: Received a ${d}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).`, 'UserWarning');
  return d !== 5;
}

// The ATen dropouts draw from the process's default generator (their schemas take none), not a worker thread's
// own: there they run as ATen's CPU _dropout_impl writes them, whose bernoulli_ takes the thread's generator.
function runDropout(kind: DropoutKind, input: Tensor, p: number, training: boolean, inplace: boolean): Tensor {
  if (isMainThread || input.device.type !== 'cpu') return OPS[kind][inplace ? 1 : 0](input, p, training);
  checkDropoutP(p);
  if (p === 0 || !training || input.numel() === 0) return input;
  return tidy(() => {
    const apply = (noise: Tensor): Tensor => (inplace ? input.mul_(noise) : input.mul(noise));
    if (p === 1) return apply(aten('zeros', [[], { dtype: input.dtype, device: input.device }]) as Tensor);
    const feature = kind === 'feature_dropout' || kind === 'feature_alpha_dropout';
    if (feature && input.dim() < 2) throw new Error('Feature dropout requires at least 2 dimensions in the input');
    // make_feature_noise: one draw per (sample, channel)
    const noise = feature ? (aten('empty', [input.shape.map((d, i) => (i < 2 ? d : 1)), { dtype: input.dtype, device: input.device }]) as Tensor) : emptyLike(input);
    noise.bernoulli_(1 - p);
    if (kind === 'dropout' || kind === 'feature_dropout') return apply(noise.div_(1 - p));
    const alpha = 1.7580993408473766;
    const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
    const b = noise.add(-1).mul_(alpha * a).add_(alpha * a * p);
    noise.mul_(a);
    return apply(noise).add_(b);
  });
}

/** aten::dropout(input, p, training) as Python's _VF.dropout, drawing from a worker thread's own generator there. */
export const dropoutOp = (input: Tensor, p: number, training: boolean): Tensor => runDropout('dropout', input, p, training, false);

/** One dropout with parsed arguments (layers call this). */
export function dropoutImpl(kind: 'dropout' | 'alpha_dropout' | 'feature_alpha_dropout', input: Tensor, p: number, training: boolean, inplace: boolean): Tensor {
  return runDropout(kind, input, p, training, inplace);
}
/** dropout1d/2d/3d with parsed arguments. */
export function featureDropoutImpl(name: 'dropout1d' | 'dropout2d' | 'dropout3d', input: Tensor, p: number, training: boolean, inplace: boolean): Tensor {
  const unbatched = featurePrelude(name, input);
  const x = unbatched ? (inplace ? input.unsqueeze_(0) : input.unsqueeze(0)) : input;
  const result = runDropout('feature_dropout', x, p, training, inplace);
  return unbatched ? (inplace ? result.squeeze_(0) : result.squeeze(0)) : result;
}

function makeDropout(js: string, defaultTraining: boolean, run: (input: Tensor, p: number, training: boolean, inplace: boolean) => Tensor): DropoutFn {
  const fn = (input: Tensor, ...args: unknown[]): Tensor => {
    checkTensor(js, input);
    const a = bindArgs(js, args, ['p', 'training', 'inplace']);
    const p = numArg(js, 'p', a.p, 0.5);
    checkDropoutP(p);
    return run(input, p, boolArg(js, 'training', a.training, defaultTraining), boolArg(js, 'inplace', a.inplace, false));
  };
  Object.defineProperty(fn, 'name', { value: js });
  return fn as DropoutFn;
}

/** F.dropout(input, p=0.5, training=True, inplace=False) */
export const dropout = makeDropout('dropout', true, (x, p, t, i) => dropoutImpl('dropout', x, p, t, i));
/** F.alpha_dropout(input, p=0.5, training=False, inplace=False) */
export const alphaDropout = makeDropout('alphaDropout', false, (x, p, t, i) => dropoutImpl('alpha_dropout', x, p, t, i));
/** F.feature_alpha_dropout(input, p=0.5, training=False, inplace=False) */
export const featureAlphaDropout = makeDropout('featureAlphaDropout', false, (x, p, t, i) => dropoutImpl('feature_alpha_dropout', x, p, t, i));
/** F.dropout1d(input, p=0.5, training=True, inplace=False) */
export const dropout1d = makeDropout('dropout1d', true, (x, p, t, i) => featureDropoutImpl('dropout1d', x, p, t, i));
/** F.dropout2d(input, p=0.5, training=True, inplace=False) */
export const dropout2d = makeDropout('dropout2d', true, (x, p, t, i) => featureDropoutImpl('dropout2d', x, p, t, i));
/** F.dropout3d(input, p=0.5, training=True, inplace=False) */
export const dropout3d = makeDropout('dropout3d', true, (x, p, t, i) => featureDropoutImpl('dropout3d', x, p, t, i));
