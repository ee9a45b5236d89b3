// Python's non-inplace x.resize(*sizes) and x.resize_as(other) (torch/_tensor.py): deprecated, they run
// autograd's Resize Function, which only reshapes (same element count) and has a gradient, not
// aten::resize, which copies into a new size. The in-place resize_/resizeAs_ stay ATen's.
import { Function, type FunctionCtx } from '../function.js';
import { describe } from '../options.js';
import { isTensor, type Tensor } from '../tensor.js';
import { warn } from '../warnings.js';
import { installMethods } from './args.js';

declare module '../tensor.js' {
  interface Tensor {
    /** Deprecated (as in Python): this tensor's elements in the given shape, a view when contiguous; the element count must stay the same. */
    resize(...sizes: number[]): Tensor;
    resize(sizes: number[]): Tensor;
    /** Deprecated (as in Python): x.resize(...other.shape). */
    resizeAs(other: Tensor): Tensor;
  }
}

// torch.autograd._functions.Resize: grad_fn ResizeBackward
class Resize extends Function {
  static override forward(ctx: FunctionCtx, input: Tensor, sizes: number[]): Tensor {
    const numel = sizes.reduce((a, b) => a * b, 1);
    if (input.numel() !== numel)
      throw new Error(`requested resize to ${sizes.join('x')} (${numel} elements in total), but the given tensor has a size of ${input.shape.join('x')} (${input.numel()} elements). autograd's resize can only change the shape of a given tensor, while preserving the number of elements. `);
    ctx.inputSizes = input.shape;
    return input.contiguous().view(sizes);
  }
  static override backward(ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [grad.contiguous().view(ctx.inputSizes as number[]), null];
  }
}

function resizeTo(input: Tensor, sizes: unknown[], fn: string): Tensor {
  for (const s of sizes) if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new TypeError(`${fn}: sizes must be non-negative integers, got ${describe(s)}`);
  return Resize.apply(input, sizes) as Tensor;
}

installMethods({
  resize(this: Tensor, ...sizes: unknown[]): Tensor {
    warn('non-inplace resize is deprecated');
    return resizeTo(this, sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : sizes, 'resize');
  },
  resizeAs(this: Tensor, other: unknown): Tensor {
    warn('non-inplace resize_as is deprecated');
    if (!isTensor(other)) throw new TypeError(`resizeAs: expected a Tensor, got ${describe(other)}`);
    return resizeTo(this, other.shape, 'resizeAs');
  },
} as unknown as Record<string | symbol, (this: Tensor, ...args: never[]) => unknown>);
