// torch.stft as torch/functional.py implements it: center padding through F.pad on a 3-D view, then
// the ATen stft without centering. (torch.istft is ATen's own, the generated function.)
import { aten, callOp, opId } from '../call.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../options.js';
import { bindArgs, boolArg, installMethods, intOrNull } from './args.js';

export interface StftOptions {
  hopLength?: number | null;
  winLength?: number | null;
  window?: Tensor | null;
  center?: boolean;
  padMode?: 'reflect' | 'constant' | 'replicate' | 'circular';
  normalized?: boolean;
  onesided?: boolean | null;
  /** Required for real input (PyTorch 2.x); true gives a complex tensor. */
  returnComplex?: boolean | null;
  alignToWindow?: boolean | null;
}
/** A positional argument of stft after nFft, or the trailing options. */
export type StftArg = number | boolean | string | Tensor | null | StftOptions | undefined;
const STFT_ARGS = ['hopLength', 'winLength', 'window', 'center', 'padMode', 'normalized', 'onesided', 'returnComplex', 'alignToWindow'] as const;

/**
 * torch.stft(input, nFft, hopLength?, winLength?, window?, center=true, padMode='reflect',
 * normalized=false, onesided?, { returnComplex, alignToWindow }).
 */
export function stft(input: Tensor, nFft: number, ...args: StftArg[]): Tensor;
export function stft(input: Tensor, options: StftOptions & { nFft: number }): Tensor;
export function stft(input: Tensor, ...args: unknown[]): Tensor {
  const o = bindArgs('stft', args, ['nFft', ...STFT_ARGS]);
  const nFft = o.nFft;
  if (typeof nFft !== 'number' || !Number.isInteger(nFft)) throw new TypeError(`stft: nFft must be an integer, got ${describe(nFft)}`);
  const center = boolArg('stft', 'center', o.center, true);
  const alignToWindow = o.alignToWindow ?? null;
  if (center && alignToWindow !== null) throw new Error('stft align_to_window should only be set when center = false');
  let signal = input;
  if (center) {
    const signalDim = input.dim();
    const extended = [...new Array<number>(Math.max(0, 3 - signalDim)).fill(1), ...input.shape];
    const pad = Math.floor(nFft / 2);
    const view = aten('view', [input, extended]) as Tensor;
    let padded: Tensor;
    try {
      padded = aten('pad', [view, [pad, pad], o.padMode ?? 'reflect']) as Tensor;
    } finally {
      view.dispose();
    }
    try {
      signal = aten('view', [padded, padded.shape.slice(-signalDim)]) as Tensor;
    } finally {
      padded.dispose();
    }
  }
  try {
    // The overload without center, named: the resolver would pick stft.center for these positionals.
    return callOp(opId('stft.default'), [signal, nFft, intOrNull('stft', 'hopLength', o.hopLength), intOrNull('stft', 'winLength', o.winLength), o.window ?? null,
      boolArg('stft', 'normalized', o.normalized, false), o.onesided ?? null, o.returnComplex ?? null, alignToWindow]) as Tensor;
  } finally {
    if (signal !== input) signal.dispose();
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /** x.stft(nFft, ...) is torch.stft(x, nFft, ...). */
    stft(nFft: number, ...args: StftArg[]): Tensor;
    stft(options: StftOptions & { nFft: number }): Tensor;
  }
}

installMethods({
  stft(this: Tensor, ...args: unknown[]): Tensor {
    return stft(this, ...(args as [number]));
  },
});
