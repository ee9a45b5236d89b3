// nn.functional.pad: every mode ('constant', 'reflect', 'replicate', 'circular') through aten::pad,
// as torch/nn/functional.py calls torch._C._nn.pad.
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs } from './_signature.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** `F.pad(input, pad, mode='constant', value=None)`: `pad` lists (left, right) pairs from the last dimension back. */
export const pad: (input: Tensor, ...args: PyArgs<[pad: readonly number[], mode: PadMode, value: number | null], { pad?: readonly number[]; mode?: PadMode; value?: number | null }>) => Tensor = pythonFunction(
  signature('pad', { input: REQUIRED, pad: REQUIRED, mode: 'constant', value: null }),
  (input, padding, mode, value) => aten('pad', [input, padding, mode, value]) as Tensor,
);
