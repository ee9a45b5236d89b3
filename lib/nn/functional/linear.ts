// nn.functional.linear and bilinear: one ATen op each, as torch._C._nn.linear / torch.bilinear.
import { aten } from '../../call.js';
import type { Tensor } from '../../tensor.js';
import { pythonFunction, REQUIRED, signature, type PyArgs } from './_signature.js';

/** `F.linear(input, weight, bias=None)`: y = x Wᵀ + b. */
export const linear: (input: Tensor, ...args: PyArgs<[weight: Tensor, bias: Tensor | null], { weight?: Tensor; bias?: Tensor | null }>) => Tensor = pythonFunction(
  signature('linear', { input: REQUIRED, weight: REQUIRED, bias: null }),
  (input, weight, bias) => aten('linear', [input, weight, bias]) as Tensor,
);

/** `F.bilinear(input1, input2, weight, bias=None)`: y = x1ᵀ A x2 + b. */
export const bilinear: (input1: Tensor, ...args: PyArgs<[input2: Tensor, weight: Tensor, bias: Tensor | null], { input2?: Tensor; weight?: Tensor; bias?: Tensor | null }>) => Tensor = pythonFunction(
  signature('bilinear', { input1: REQUIRED, input2: REQUIRED, weight: REQUIRED, bias: null }),
  (input1, input2, weight, bias) => aten('bilinear', [input1, input2, weight, bias]) as Tensor,
);
