// A torch.autograd.Function from two plain functions, as scripts/custom_function.py builds them for the
// gradcheck fixtures (test/autograd-gradcheck.test.ts, test/autograd-gradgradcheck.test.ts).
import * as torch from '../dist/index.js';

type T = torch.Tensor;

/** A torch.autograd.Function from forward(x) and backward(x, gradOutput). */
export function custom(forward: (x: T) => T, backward: (x: T, g: T) => T): (x: T) => T {
  class F extends torch.autograd.Function {
    static override forward(ctx: torch.FunctionCtx, x: T) {
      ctx.saveForBackward(x);
      return forward(x);
    }
    static override backward(ctx: torch.FunctionCtx, g: T) {
      return backward(ctx.savedTensors[0]!, g);
    }
  }
  return (x) => F.apply(x) as T;
}
