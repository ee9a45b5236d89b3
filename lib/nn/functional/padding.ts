// nn.functional.pad: every mode ('constant', 'reflect', 'replicate', 'circular') through aten::pad,
// as torch/nn/functional.py calls torch._C._nn.pad.
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature } from './_signature.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** `F.pad(input, pad, mode='constant', value=None)`: `pad` lists (left, right) pairs from the last dimension back. */
export const pad: (input: Tensor, pad: readonly number[], ...rest: unknown[]) => Tensor = pythonFunction(
  signature('pad', { input: REQUIRED, pad: REQUIRED, mode: 'constant', value: null }),
  (input, padding, mode, value) => aten('pad', [input, padding, mode, value]) as Tensor,
);
